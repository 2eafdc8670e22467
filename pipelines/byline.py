"""The 来源 (outlet), the author and, for reprints, the original URL named on the page.

For a reprint the outlet is the source it names (`来源：人民网`, `本文转自：内蒙古日报`,
`稿件来源 | …`), which is what users count reprints by; it can differ from the site that
served the page.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

_STOP = r"[\s　|｜<>\[\]【】()（）,，。;；]"
_OUTLET = re.compile(r"(?:来源|稿件来源|文章来源|信息来源|本文来源|本文转自|转自|转载自)\s*[:：|｜]\s*(?:[【\[])?\s*"
                     r"([^\s　|｜<>\[\]【】()（）,，。;；:：]{2,30})")
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002ffff"  # with the rare-name extensions (䶮, 𠮷)
_AUTHOR = re.compile(rf"(?:作者|撰稿|文|记者)\s*[:：|｜]\s*([{_HAN}·]{{2,8}}(?:[ 　、][{_HAN}·]{{2,4}}){{0,3}})")
_REPORTER = re.compile(r"(?:^|[\s　(（])(?:本报|新华社|中新网)?记者\s*([\u4e00-\u9fff]{2,4}(?:[ 　、][\u4e00-\u9fff]{2,4}){0,3})")
_ORIGINAL = re.compile(r"(?:原文链接|信息原文地址|原文地址|原文网址|阅读原文)\s*[:：]?\s*(https?://[^\s<>\"'，。]+)")
_TRAILING = re.compile(r"(作者|编辑|责任编辑|时间|发布|发表|日期|浏览|阅读|点击|字号|分享).*$")


def find_outlet(text: str) -> str | None:
    m = _OUTLET.search(text)
    if not m:
        return None
    outlet = _TRAILING.sub("", m.group(1)).strip("-_ ")
    outlet = re.sub(r"\d{4}[-年].*$", "", outlet)
    return outlet or None


def find_author(text: str) -> str | None:
    m = _AUTHOR.search(text) or _REPORTER.search(text)
    if not m:
        return None
    author = _TRAILING.sub("", m.group(1)).strip()
    return author or None


def find_original_url(tree, text: str, base_url: str | None) -> str | None:
    m = _ORIGINAL.search(text)
    if m:
        return m.group(1).rstrip(".")
    for a in tree.xpath("//a[@href]"):
        prev = (a.getprevious().tail if a.getprevious() is not None else a.getparent().text) or ""
        if re.search(r"(原文链接|信息原文地址|原文地址|阅读原文)\s*[:：]?\s*$", prev):
            href = a.get("href")
            return urljoin(base_url, href) if base_url else href
    return None
