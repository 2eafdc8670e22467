"""Folding text to one comparable form, whatever script or regional standard it was printed in.

Dedupe compares a reprint with its original, so the folding only has to be *symmetric*, not a
faithful conversion: every character is mapped to one simplified form (OpenCC's character
tables, with the Taiwan and Hong Kong variant tables first, so 著/衞/枱/敍 fold like 着/卫/台/叙),
and Taiwan phrasing is mapped to mainland phrasing (軟體 -> 软件). Applied to both sides, a word
that is already mainland usage just folds the same way in both texts. Character folding is one
`str.translate`, far faster than OpenCC's phrase segmentation; the tables ship inside
opencc-python-reimplemented, nothing is downloaded.
"""

from __future__ import annotations

import functools
import re
from importlib import resources


def _table(name: str) -> dict[str, str]:
    """OpenCC dictionary file: key -> its first candidate."""
    text = resources.files("opencc").joinpath("dictionary", name).read_text(encoding="utf-8")
    out = {}
    for line in text.splitlines():
        if "\t" in line:
            key, values = line.split("\t", 1)
            out[key] = values.split(" ")[0]
    return out


def _table_all(name: str) -> dict[str, list[str]]:
    """OpenCC dictionary file: key -> all its candidates."""
    text = resources.files("opencc").joinpath("dictionary", name).read_text(encoding="utf-8")
    return {k: v.split(" ") for k, v in (line.split("\t", 1) for line in text.splitlines() if "\t" in line)}


@functools.lru_cache(maxsize=1)
def _char_map() -> dict[int, str]:
    """Each character to one representative of the characters OpenCC treats as one.

    Classes are joined over simplified -> traditional, traditional -> simplified and the regional
    variant tables, so 幺/么/麼, 了/瞭 and 着/著 each fold to one character whichever way a
    converter went. The representative is a plain simplified character where the class has one.
    """
    parent: dict[str, str] = {}

    def find(c: str) -> str:
        while parent.get(c, c) != c:
            parent[c] = parent.get(parent[c], parent[c])
            c = parent[c]
        return c

    ts, st = _table_all("TSCharacters.txt"), _table_all("STCharacters.txt")
    pairs = [(k, v) for table in (ts, st, _table_all("HKVariantsRev.txt"), _table_all("TWVariantsRev.txt"))
             for k, values in table.items() for v in values]

    def rank(c: str) -> int:  # plain simplified characters make the best roots
        return (c in st) + (c not in ts)

    for a, b in pairs:
        if len(a) == 1 and len(b) == 1:
            ra, rb = find(a), find(b)
            if ra != rb:
                if rank(rb) > rank(ra):
                    ra, rb = rb, ra
                parent[rb] = ra
    return {ord(c): find(c) for c in parent if find(c) != c}


def fold_chars(text: str) -> str:
    """Every traditional or variant character to its simplified form."""
    return text.translate(_char_map())


@functools.lru_cache(maxsize=1)
def _phrases() -> tuple[re.Pattern, dict[str, str]]:
    mapping = {}
    for key, value in _table("TWPhrasesRev.txt").items():
        k, v = fold_chars(key), fold_chars(value)
        if k != v and len(k) >= 2:
            mapping[k] = v
    pattern = re.compile("|".join(re.escape(k) for k in sorted(mapping, key=len, reverse=True)))
    return pattern, mapping


def fold(text: str) -> str:
    """Characters and Taiwan phrasing folded to simplified mainland forms."""
    text = fold_chars(text)
    pattern, mapping = _phrases()
    return pattern.sub(lambda m: mapping[m.group(0)], text)
