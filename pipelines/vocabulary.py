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


class Segmenter:
    """jieba's segmentation (its dictionary and algorithm) run by rjieba, the Rust port
    (jieba-rs), with the campaign terms added as words (each one token, never split).

    Why not jieba itself: cutting an article's text was the largest single cost of a page (about
    16 ms of the stages' ~60 for a 2,800-character article, for the search index alone, plus the
    classifier's sentences); rjieba cuts the same text in under 1 ms. On 499 texts (the
    benchmark web and the classify corpus) 99.9 % of tokens are the same as jieba's; the rest
    are a few dictionary entries the two ship differently (不对 one word or two).
    jieba itself still tags parts of speech where dedupe needs them (`jieba_tokenizer`).
    """

    def __init__(self):
        import rjieba

        self._jieba = rjieba.Jieba()
        for term in lexicon():
            self._jieba.add_word(term, 200000, None)

    def cut(self, text: str, HMM: bool = True) -> list[str]:  # noqa: N803 (jieba's spelling)
        return self._jieba.cut(text, HMM)

    lcut = cut

    def is_word(self, word: str) -> bool:
        """Is `word` in the dictionary (jieba's, or a campaign term)?"""
        return self._jieba.has_word(word)


def segmenter_version() -> str:
    """Which segmenter cuts the tokens: part of the classifier's version (its features are
    tokens), so a new segmenter makes stored verdicts stale."""
    from pipelines.versions import library_version

    return f"rjieba={library_version('rjieba')}"


@functools.lru_cache(maxsize=1)
def tokenizer() -> Segmenter:
    """The one segmenter: jieba's dictionary plus the campaign terms, loaded once."""
    return Segmenter()


@functools.lru_cache(maxsize=1)
def jieba_tokenizer():
    """jieba (the Python original) with the same campaign terms: for part-of-speech tagging
    (`jieba.posseg`), which only the rare name-edit check of dedupe needs."""
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
