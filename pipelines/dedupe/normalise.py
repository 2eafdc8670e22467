"""Text level: what survives reprinting, and its hash.

`normalise` folds away what a reprint changes without changing the story (script, width,
pinyin notes, source and editor lines, a wire credit, header lines, punctuation); equal
`body_hash`es are one article with several URLs.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from pipelines.boilerplate import is_boilerplate_line
from pipelines.textfold import fold

_PINYIN = re.compile(r"[（(]\s*[a-zA-Zāáǎàōóǒòēéěèīíǐìūúǔùǖǘǚǜü\s'’-]{2,40}\s*[）)]")
_DROP = re.compile(r"[\W_]+", re.UNICODE)
_LEAD = re.compile(r"^(本文转自|转自|来源|稿件来源|原标题)[:：][^\n。]{0,40}?(?=\s|$)", re.M)
# The credit a wire story opens with: "新华社北京10月29日电（记者某某）", "本报北京7月30日电",
# "央视网消息（新闻联播）：", "中评社北京10月30日电／据新华社报导，". It names who carried the story and
# on which day, not what happened: a reprint swaps it for its own, so it is no evidence either way.
_CREDIT = re.compile(
    r"^[ \t]*(?:[^\n。，,：:；;]{0,20}?\d{1,2}月\d{1,2}日(?:电|讯|消息)|[^\n。，,：:；;\d]{1,12}消息(?=[ \t]*[（(：:]))"
    r"[ \t]*(?:[（(][^）)\n]{0,30}[）)])?[ \t]*[：:／/]?"
    r"(?:[ \t]*(?:据|综合)[^\n，,。]{1,24}(?:报道|报导|消息)[ \t]*[，,：:]?)?", re.M)
CREDIT_WITHIN = 300     # the credit is looked for in the opening characters only
# Lines above the article that are not sentences: a site name, a weather widget, a section tag, the
# headline (once or twice). A copy wraps the text in its own; the headline repeats the body.
_SENTENCE = re.compile(r"[。，,；;！!？?]")
HEAD_LINES, HEAD_LINE_CHARS, HEAD_KEEP = 6, 40, 50


def _drop_head(text: str) -> str:
    """Drop the short lines without sentence punctuation the text opens with (at most HEAD_LINES,
    each at most HEAD_LINE_CHARS), provided at least HEAD_KEEP characters of text remain."""
    lines = text.split("\n")
    i = heads = 0
    for i, line in enumerate(lines):
        line = line.strip()
        if not line:
            continue
        if len(line) > HEAD_LINE_CHARS or _SENTENCE.search(line):
            break
        heads += 1
        if heads > HEAD_LINES:
            return text  # many short lines: a list or verse, not a wrapped article
    else:
        return text
    rest = "\n".join(lines[i:])
    return rest if heads and len(_DROP.sub("", rest)) >= HEAD_KEEP else text


# Hong Kong and Macau copies count cases with 宗 where the mainland writes 起 ("3宗" / "3起"); folded
# on both sides, after a numeral only, like the Taiwan phrasing.
_MEASURE = re.compile(r"(?<=[\d〇零一二两三四五六七八九十百千万亿余多])宗")


def normalise(text: str) -> str:
    """What survives reprinting: simplified mainland forms, NFKC widths, no pinyin notes, no
    source or editor lines, no punctuation or whitespace, lower case."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _MEASURE.sub("起", fold(text))
    text = _PINYIN.sub("", text)
    text = _LEAD.sub("", text)
    text = _drop_head(text)
    text = _CREDIT.sub("", text[:CREDIT_WITHIN], count=1) + text[CREDIT_WITHIN:]
    text = "\n".join(line for line in text.split("\n") if not is_boilerplate_line(line))
    return _DROP.sub("", text).lower()


def body_hash(body: str) -> str:
    return hash_normalised(normalise(body))


def hash_normalised(normalised: str) -> str:
    """`body_hash` of a text already normalised (the archive normalises each body once)."""
    return hashlib.sha1(normalised.encode("utf-8")).hexdigest()

