"""Article extraction (first version): decode, trafilatura, title and date heuristics."""

from __future__ import annotations

import re

import trafilatura
from lxml import html as lxml_html

from pipelines.errors import Rejected

EXTRACTOR_VERSION = "0.1"
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.I)


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    return "gb18030" if label in ("gb2312", "gbk", "gb18030", "x-gbk") else label


def decode_html(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    if not data.strip():
        raise Rejected("extract", "empty_body", "the response body is empty")
    if b"\x00" in data[:2048]:
        raise Rejected("decode", "not_text", "binary content (NUL bytes)")
    header = re.search(r"charset=([\w-]+)", content_type or "", re.I)
    meta = _CHARSET.search(data[:4096])
    for label in (header and header.group(1), meta and meta.group(1).decode("ascii", "ignore"), "utf-8", "gb18030"):
        codec = _codec(label)
        if not codec:
            continue
        try:
            return data.decode(codec), codec
        except (UnicodeDecodeError, LookupError):
            continue
    raise Rejected("decode", "not_text", "bytes decode neither as the declared charset, UTF-8 nor GB18030")


_DATE = re.compile(r"(20\d\d|19\d\d)[-/年.](\d{1,2})[-/月.](\d{1,2})日?(?:\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def extract_page(html: bytes, url: str | None = None, *, content_type: str | None = None,
                 selectors: dict | None = None, fetched_at: str | None = None) -> dict:
    text, codec = decode_html(html, content_type)
    body = trafilatura.extract(text, url=url, include_comments=False, include_tables=False,
                               favor_precision=True) or ""
    body = "\n\n".join(p.strip() for p in body.split("\n") if p.strip())
    if len(body) < 30:
        raise Rejected("extract", "empty_body", f"only {len(body)} characters of article text")
    tree = lxml_html.fromstring(text)
    h1 = tree.xpath("string(//h1)").strip()
    title = h1 or re.split(r"[_|\-–]", tree.xpath("string(//title)").strip())[0].strip()
    label = re.search(r"(?:发布时间|发表于|时间)[:：\s]*" + _DATE.pattern, text)
    m = label or _DATE.search(tree.text_content())
    date = None
    if m:
        g = [x for x in m.groups()][-6:]
        y, mo, d, hh, mm, ss = g
        date = f"{y}-{int(mo):02d}-{int(d):02d}"
        if hh:
            date += f"T{int(hh):02d}:{mm}:{ss or '00'}+08:00"
    outlet = re.search(r"来源[:：]\s*([^\s<|]{2,20})", tree.text_content())
    author = re.search(r"作者[:：]\s*([^\s<|]{2,20})", tree.text_content())
    original = re.search(r"(?:原文链接|信息原文地址)[:：]\s*(https?://\S+)", tree.text_content())
    return {"title": title or None, "body": body, "date": date, "outlet": outlet and outlet.group(1),
            "author": author and author.group(1), "original_url": original and original.group(1),
            "encoding": codec}
