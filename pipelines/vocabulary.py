"""The campaign's vocabulary and the one jieba tokenizer that knows it.

Shared by the classifier (which weighs the terms), the search index (which must keep them
whole words) and dedupe (which compares simplified text): one dictionary, loaded once.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

_TRADITIONAL_HINT = re.compile(r"[減負層幹為這們會議來與個區縣國際發報關檢鄉導勵審門開讓義錯準須過應號體]")


@functools.lru_cache(maxsize=1)
def lexicon() -> dict[str, tuple[float, str]]:
    """term -> (weight, topic) from pipelines/data/jianfu_terms.txt."""
    text = resources.files("pipelines").joinpath("data/jianfu_terms.txt").read_text(encoding="utf-8")
    terms = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            term, weight, topic = line.split("\t")
            terms[term] = (float(weight), topic)
    return terms


@functools.lru_cache(maxsize=1)
def tokenizer():
    """jieba with the campaign terms added as words (each one token, never split)."""
    import jieba

    jieba.setLogLevel(60)
    tok = jieba.Tokenizer()
    for term in lexicon():
        tok.add_word(term, freq=200000)
    return tok


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional -> simplified (OpenCC tables), only when the text shows traditional characters."""
    if len(_TRADITIONAL_HINT.findall(text[:3000])) >= 3:
        return _t2s().convert(text)
    return text
