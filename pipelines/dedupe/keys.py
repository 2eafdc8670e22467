"""Everything the archive dedupes an article on, computed once per article.

`DedupeKeys.of(body, urls, canonical)`: the canonical form of each URL that led to the page
(under the site's rules), the normalised text, its `body_hash`, and its MinHash LSH band keys
for the story index. The crawl and re-processing compute them once (`pipelines.stages`) and
every later step (exact-duplicate lookup, story lookup, index insert) reuses them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Iterable

import numpy as np

from pipelines.dedupe.normalise import hash_normalised, normalise
from pipelines.dedupe.urls import canonical_url


K = 5  # characters per shingle, in the pair rule's containment and in the LSH bands


@dataclass
class DedupeKeys:
    """`urls` maps every URL that led to the page to its canonical form; `canonical_url` is the
    first one's (the URL as linked)."""

    normalised: str
    body_hash: str
    canonical_url: str = ""
    urls: dict[str, str] = field(default_factory=dict)

    @cached_property
    def bands(self) -> list[int]:
        return band_keys(self.normalised)

    @classmethod
    def of(cls, body: str, urls: Iterable[str | None] = (),
           canonical: Callable[[str], str] = canonical_url) -> "DedupeKeys":
        urls = list(dict.fromkeys(u for u in urls if u))
        normalised = normalise(body)
        forms = {u: canonical(u) for u in urls}
        return cls(normalised=normalised, body_hash=hash_normalised(normalised),
                   canonical_url=forms[urls[0]] if urls else "", urls=forms)


# 32 bands of 3 rows over the whole text: a pair sharing a third of its shingles (Jaccard 0.33:
# an excerpt, or a rewrite keeping half its text) is a candidate with probability ~0.7; at 0.5,
# ~0.99; unrelated same-topic texts (Jaccard < 0.05) almost never. MinHash estimates Jaccard, not
# containment, so a short excerpt of a long article (Jaccard 0.2) would often be missed: 4 more
# bands over each of the first 100 and 240 characters catch excerpts and cut versions, which
# keep the opening. Changing any of this rebuilds the index (`index.INDEX_VERSION`).
BANDS, ROWS, HEAD_BANDS, HEADS = 32, 3, 4, (100, 240)
NUM_PERM = BANDS * ROWS
_PRIME = np.uint64((1 << 61) - 1)
_rng = np.random.default_rng(20240508)
_A = _rng.integers(1, (1 << 61) - 1, size=NUM_PERM, dtype=np.uint64)
_B = _rng.integers(0, (1 << 61) - 1, size=NUM_PERM, dtype=np.uint64)


def _shingle_hashes(text: str) -> np.ndarray:
    """Distinct 64-bit hashes of a normalised text's K-character shingles: a polynomial rolling
    hash over code points, vectorised (stable across processes, unlike hash())."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = len(codes) - K + 1
    if n <= 0:
        codes, n = np.pad(codes, (0, K - len(codes))), 1
    h = np.zeros(n, dtype=np.uint64)
    for j in range(K):
        h = h * np.uint64(1000003) + codes[j:j + n]
    h ^= h >> np.uint64(31)
    h *= np.uint64(0x9E3779B97F4A7C15)  # spread the bits before the permutations
    return np.unique(h >> np.uint64(4))


def _bands(text: str, bands: int, offset: int) -> list[int]:
    h = _shingle_hashes(text)
    n = bands * ROWS
    # (a*h + b) mod p, vectorised over permutations x shingles; uint64 wraparound is fine for hashing
    sig = ((np.outer(_A[:n], h) + _B[:n, None]) % _PRIME).min(axis=1)
    return [int.from_bytes(hashlib.blake2b(sig[b * ROWS:(b + 1) * ROWS].tobytes() + bytes([offset + b]),
                                           digest_size=8).digest(), "little", signed=True) for b in range(bands)]


def band_keys(normalised_text: str) -> list[int]:
    """LSH keys of a text: one signed 64-bit integer per band (band number mixed in), whole
    text first, then its opening."""
    if not normalised_text:
        return []
    keys = _bands(normalised_text, BANDS, 0)
    for i, head in enumerate(HEADS):
        keys += _bands(normalised_text[:head], HEAD_BANDS, BANDS + i * HEAD_BANDS)
    return keys
