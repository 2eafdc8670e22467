"""Bytes to text without mojibake.

Chinese sites still serve GB2312/GBK, often with a header and a meta tag that disagree, and
their pages contain characters (rare names, places) that only GB18030 has. So every label of
the GB family is widened to GB18030, the candidates (BOM, header, meta, UTF-8) are tried
strictly in turn, and a page that decodes under none of them, or is binary, is refused with a
reason instead of being stored as replacement characters.
"""

from __future__ import annotations

import codecs
import re

from pipelines.errors import Rejected

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_HEADER = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "ms936", "windows-936", "euc-cn", "hz-gb-2312"}
_BOMS = [(codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]


def widen(label: str | None) -> str | None:
    """A charset label as the codec to decode with: the GB family becomes GB18030.

    A label that cannot describe an HTML page's bytes — UTF-16/32 (or any codec in which ASCII is
    not itself) on a page without their BOM — is ignored, as browsers ignore a utf-16 meta tag
    and read the page as UTF-8: the page's own markup is ASCII bytes, so it is not UTF-16.
    """
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _GB_FAMILY:
        return "gb18030"
    if label in ("iso-8859-1", "latin-1", "us-ascii", "ascii"):
        return "windows-1252"  # what browsers do; also never the right guess for a Chinese page
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        return None
    return codec if ascii_compatible(codec) else None


def ascii_compatible(codec: str) -> bool:
    """Does this codec write ASCII markup as the same bytes (so it can label an HTML page)?"""
    sample = "<meta charset=x>"
    try:
        return sample.encode(codec) == sample.encode("ascii")
    except (LookupError, UnicodeError):
        return False


def decode_html(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """(text, codec). Raises Rejected("decode", "not_text"| "undecodable", …) when it is not text."""
    if not data or not data.strip():
        raise Rejected("extract", "empty_body", "the response body is empty")
    head = data[:4096]
    if b"\x00" in head and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise Rejected("decode", "not_text", "binary content (NUL bytes), not an HTML page")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), codec
    header = _HEADER.search(content_type or "")
    meta = _META.search(head)
    candidates = [widen(header and header.group(1)), widen(meta and meta.group(1).decode("ascii", "ignore")),
                  "utf-8", "gb18030"]
    if candidates[0] in (None, "gb18030") and candidates[1] in (None, "gb18030") and _is_utf8(data):
        # Multi-byte text that is valid UTF-8 is UTF-8: GBK text almost never is, while GB18030
        # decodes most UTF-8 byte runs without an error, into mojibake (a template's stale
        # charset=gb2312 on a page the CMS now writes in UTF-8).
        candidates.insert(0, "utf-8")
    tried = []
    for codec in candidates:
        if not codec or codec in tried:
            continue
        tried.append(codec)
        if codec == "windows-1252" and _looks_cjk_bytes(data):
            continue  # a Chinese page mislabelled as latin-1: try the real candidates first
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        if _control_ratio(text) > 0.05:
            raise Rejected("decode", "not_text", f"decodes as {codec} but is mostly control characters")
        return _gb_private_use(text) if codec == "gb18030" else text, codec
    # Nothing decodes strictly: accept GB18030 or UTF-8 with a few bad bytes, refuse worse.
    for codec in ("utf-8", "gb18030"):
        text = data.decode(codec, errors="replace")
        if text.count("\ufffd") <= max(3, len(text) // 2000):
            return _gb_private_use(text) if codec == "gb18030" else text, codec
    raise Rejected("decode", "undecodable",
                   f"bytes decode under none of {', '.join(tried)} without many errors")


_HIGH_BYTE = re.compile(rb"[\x80-\xff]")


def _is_utf8(data: bytes) -> bool:
    """Valid UTF-8 with some multi-byte text in it (pure ASCII says nothing)."""
    if not _HIGH_BYTE.search(data):
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# GB18030 maps the GBK user-defined areas (AAA1-AFFE, F8A1-FEFE, A140-A7A0) to private-use code
# points U+E000-U+E765 that no font shows; old pages used them for site-made glyphs and
# indentation. 0xA3A0 (U+E5E5) is a full-width space on such pages, as WHATWG's decoder reads it.
_GB_USER_DEFINED = re.compile("[\ue000-\ue765]")


def _gb_private_use(text: str) -> str:
    return _GB_USER_DEFINED.sub("", text.replace("\ue5e5", "\u3000"))


_ASCII = bytes(range(0x80))


def _looks_cjk_bytes(data: bytes) -> bool:
    high = len(data[:20000].translate(None, _ASCII))  # the bytes >= 0x80, counted in C
    return high > 200


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    return len(_CONTROL.findall(sample)) / len(sample)


# C0 control characters other than tab, newline, form feed and carriage return
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
