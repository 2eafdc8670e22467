"""Bounded work per page: documents too large or too intricate for the CPU stages are refused.

The stages run one page at a time on the crawl's reactor thread, so a single pathological page
would stall every site and keep SIGTERM and CLOSESPIDER limits waiting. Extraction (trafilatura's
justext fallback and the paragraph heuristics) grows faster than linearly with the number of
short text blocks, and classification, search segmentation and the near-duplicate index grow
with the article's length. So a page is refused, with a recorded `extract/too_complex` or
`extract/too_long` rejection (its raw bytes stay in `pages`), before that work starts.

Calibrated on ../shared/corpus/extraction (42 real pages: at most 2,809 elements, 1,239 block
elements, 296,000 characters; the slowest extracts in 0.5 s) and on built worst cases on this
2-core machine (`bench/page_cost.py`; busy, so the figures are rough): an article of 100,000
characters classifies, segments and indexes in about 4 s. Pages of many short blocks used to cost
quadratic time (our `paragraph_divs`, and trafilatura's justext fallback): 3,000 one-line divs took
21 s under load. `paragraph_divs` is linear now and the fallback is left out above
MAX_FALLBACK_BLOCKS, so extraction grows about linearly (measured back to back under the same load,
about 9 on 2 cores: 3,000 divs 21 s -> 5.3 s; 8,000 divs 11.5 s; 8,000 list items 6.0 s), and
MAX_BLOCKS went from 3,000 to 8,000: a notice with a 2,000-row table is read, and the worst page
the guard lets through costs about half of what the old guard allowed.
"""

from __future__ import annotations

import re

from pipelines.errors import Rejected
from pipelines.kinds import Stage

MAX_ELEMENTS = 30_000     # tags in the document (10x the corpus's largest page)
MAX_BLOCKS = 8_000        # block elements (p, div, li, td, br …): 6.5x the corpus's largest page
# Above this many block elements trafilatura runs without its fallback extractors (`fast`): the
# justext fallback compares each short block with its neighbours out to the next long one, so a
# page of thousands of short blocks costs it quadratic time. Above the corpus's largest page
# (1,239 blocks), so no real page of the corpus is extracted differently.
MAX_FALLBACK_BLOCKS = 1_500
MAX_BODY_CHARS = 100_000  # article text: three times the longest political work report

_TAG = re.compile(r"<[a-zA-Z]")
_BLOCK = re.compile(r"<(?:p|div|li|br|tr|td|th|dd|dt|h[1-6]|section|article|table|ul|ol|blockquote|pre)\b", re.I)


def check_document(text: str) -> int:
    """Refuse a decoded page whose element count would make extraction slow (O(n), no parse);
    else its number of block elements."""
    elements = len(_TAG.findall(text))
    if elements > MAX_ELEMENTS:
        raise Rejected(Stage.EXTRACT, "too_complex", f"{elements} elements (limit {MAX_ELEMENTS})")
    blocks = len(_BLOCK.findall(text))
    if blocks > MAX_BLOCKS:
        raise Rejected(Stage.EXTRACT, "too_complex", f"{blocks} block elements (limit {MAX_BLOCKS})")
    return blocks


def check_body(body: str) -> None:
    """Refuse an extracted text too long for classification, search indexing and dedupe."""
    if len(body) > MAX_BODY_CHARS:
        raise Rejected(Stage.EXTRACT, "too_long", f"{len(body)} characters of text (limit {MAX_BODY_CHARS})")
