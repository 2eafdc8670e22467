"""Deduplication at three levels: the URL, the exact text, the story (reprints).

- `urls`: `canonical_url`, one spelling per page (scheme/host case, default port, fragment,
  tracking parameters, index pages, declared mobile hosts).
- `normalise`: what survives reprinting (`normalise`) and its hash (`body_hash`): equal hashes
  are one article with several URLs.
- `pairs`: the pair rule (`verdict`, `is_near_duplicate`): a reprint (转载) — another lead, a
  "本文转自" line, an editor footer, a cut paragraph, traditional characters, a snapshot site's
  wrapping — is the same story; look-alikes (the next sitting of the same meeting, a template
  story about another event) are not.
- `keys`: `DedupeKeys`, all of the above for one article, computed once (with its LSH bands).
- `index`: `StoryIndex`, the MinHash LSH index in archive.db that finds the story a new article
  reprints (looked up per insert, never a scan), and `update_story` for the `stories` rows.

The names below are the package's interface; `pipelines.dedupe:is_near_duplicate` is what
../shared/eval/score_dedupe.py scores.
"""

from pipelines.dedupe.index import CANDIDATES, INDEX_VERSION, StoryIndex, update_story
from pipelines.dedupe.keys import DedupeKeys, band_keys
from pipelines.dedupe.normalise import body_hash, hash_normalised, normalise
from pipelines.dedupe.pairs import (AlignmentTooCostly, Budget, alignment, compare, is_near_duplicate,
                                    near_duplicate_normalised, verdict)
from pipelines.dedupe.urls import canonical_url

__all__ = ["AlignmentTooCostly", "Budget", "CANDIDATES", "INDEX_VERSION", "DedupeKeys", "StoryIndex", "alignment",
           "band_keys", "body_hash", "canonical_url", "compare", "hash_normalised", "is_near_duplicate", "near_duplicate_normalised", "normalise",
           "update_story", "verdict"]
