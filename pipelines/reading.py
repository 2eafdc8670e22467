"""What a reader sees of one article: plain functions the Datasette article page calls.

- `article_view(conn, id)`: the article with its paragraphs, the label as 是/否, the evidence
  sentences with their terms marked, the site's display name and the other articles of its
  story (its reprints), from the archive alone;
- `sanitized_original(conn, id)`: the archived raw page as HTML that cannot run anything:
  decoded as the crawl decoded it, then cleaned by lxml_html_clean (scripts, event handlers,
  javascript: URLs, frames, objects, forms, meta refreshes and external style sheets removed).
  Datasette serves it with a Content-Security-Policy that forbids scripts and every outside
  resource, inside an <iframe sandbox> without allow-scripts: three independent locks.
"""

from __future__ import annotations

import html
import json
import re
import sqlite3
import zlib

import lxml.html
from lxml_html_clean import Cleaner

from pipelines.decode import decode_html
from pipelines.errors import Rejected

# Served with the archived page: nothing may run or load (images and fonts of the original
# site included: reading the archive must not call the original site), inline styles may
# apply, and the `sandbox` directive sandboxes the page even when opened outside the frame.
ORIGINAL_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                "base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox")

_CLEANER = Cleaner(scripts=True, javascript=True, comments=True, style=False, inline_style=False,
                   links=True, meta=True, page_structure=False, processing_instructions=True,
                   embedded=True, frames=True, forms=True, annoying_tags=True,
                   remove_unknown_tags=False, safe_attrs_only=True)


def _json(text, default):
    try:
        value = json.loads(text) if text else default
    except ValueError:
        return default
    return value if isinstance(value, type(default)) else default


def paragraphs(body: str | None) -> list[str]:
    """The body's paragraphs (the extractor separates them with blank lines, or at least lines)."""
    parts = re.split(r"\n\s*\n", body or "")
    if len(parts) == 1:
        parts = (body or "").splitlines()
    return [p.strip() for p in parts if p.strip()]


def mark_terms(text: str, terms) -> str:
    """`text` as HTML with every occurrence of `terms` in <mark> (longest first)."""
    terms = sorted({t for t in terms if t}, key=len, reverse=True)
    if not terms:
        return html.escape(text)
    out, last = [], 0
    for m in re.finditer("|".join(re.escape(t) for t in terms), text):
        out += [html.escape(text[last:m.start()]), "<mark>", html.escape(m.group()), "</mark>"]
        last = m.end()
    return "".join(out) + html.escape(text[last:])


def label_text(is_burden_reduction) -> str:
    return {1: "是", 0: "否"}.get(is_burden_reduction, "未标注")


def marked_paragraphs(paragraphs_: list[str], claims: list[dict], target=None) -> list[str]:
    """The paragraphs as HTML with each claimed sentence in <mark class="claim" id="claim-N">
    (N: the first claim of the sentence, or `target` when that claim is in it, then marked
    `target` too), so a claim's link lands on its sentence."""
    by_para: dict[int, dict[str, list[int]]] = {}
    for c in claims:
        by_para.setdefault(c["paragraph"], {}).setdefault(c["sentence"], []).append(c["id"])
    out = []
    for i, p in enumerate(paragraphs_):
        sentences = by_para.get(i, {})
        if not sentences:
            out.append(html.escape(p))
            continue
        parts, last = [], 0
        for m in re.finditer("|".join(re.escape(s) for s in sorted(sentences, key=len, reverse=True)), p):
            ids = sentences[m.group()]
            hit = str(target) in map(str, ids)
            anchor = target if hit else ids[0]
            parts += [html.escape(p[last:m.start()])]
            parts += [f'<span class="claim-anchor" id="claim-{i}"></span>' for i in ids if str(i) != str(anchor)]
            parts += [f'<mark class="claim{" target" if hit else ""}" id="claim-{anchor}">', html.escape(m.group()), "</mark>"]
            last = m.end()
        out.append("".join(parts) + html.escape(p[last:]))
    return out


def article_view(conn: sqlite3.Connection, article_id, claim=None) -> dict | None:
    """Everything the article page shows, or None when there is no such article. `claim`: the
    id of a claim whose sentence the page marks as the one the reader came for."""
    saved, conn.row_factory = conn.row_factory, sqlite3.Row  # the caller's connection is left as it was
    try:
        row = conn.execute(
            "SELECT a.*, s.display_name AS site_name, st.size AS story_size "
            "FROM articles a LEFT JOIN sites s ON s.name = a.site LEFT JOIN stories st ON st.id = a.story_id "
            "WHERE a.id = ?", (article_id,)).fetchone()
        if row is None:
            return None
        art = dict(row)
        evidence = _json(art.get("evidence"), {})
        terms = list(evidence.get("terms") or {})
        art["paragraphs"] = paragraphs(art.get("body"))
        art["claims"] = [dict(r) for r in conn.execute(
            "SELECT id, paragraph, sentence, quantity_text, unit, direction, subject, topic FROM claims "
            "WHERE article_id = ? ORDER BY id", (art["id"],))] if _has_table(conn, "claims") else []
        art["paragraphs_html"] = marked_paragraphs(art["paragraphs"], art["claims"], claim)
        art["label"] = label_text(art.get("is_burden_reduction"))
        art["topics_list"] = _json(art.get("topics"), [])
        art["regions_list"] = _json(art.get("regions"), [])
        art["evidence_terms"] = terms
        # what each deciding sentence added to the score (log-odds), where the evidence has it
        # (articles classified before the breakdown existed show the sentences alone)
        added = {t: w for t, w, *_ in (evidence.get("breakdown") or {}).get("sentences_for") or []}
        art["evidence_html"] = [mark_terms(s, terms) + (f' <small class="weight">+{added[s]:.2f}</small>' if s in added else "")
                                for s in evidence.get("sentences") or []]
        art["other_senses"] = evidence.get("other_senses") or {}
        art["reprints"] = [dict(r) for r in conn.execute(
            "SELECT a.id, a.title, a.outlet, a.published_at, a.site, s.display_name AS site_name "
            "FROM articles a LEFT JOIN sites s ON s.name = a.site "
            "WHERE a.story_id = ? AND a.id != ? ORDER BY a.published_at, a.id",
            (art["story_id"], art["id"]))] if art.get("story_id") is not None else []
        art["other_urls"] = [r[0] for r in conn.execute(
            "SELECT url FROM article_urls WHERE article_id = ? AND url != ? ORDER BY url", (art["id"], art["url"]))]
        art["has_original"] = art.get("page_id") is not None and conn.execute(
            "SELECT body IS NOT NULL FROM pages WHERE id = ?", (art["page_id"],)).fetchone() is not None
        return art
    finally:
        conn.row_factory = saved


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone() is not None


DIRECTION_TEXT = {"reduced_by": "减少", "reduced_to": "减至", "increased": "增加", "counted": "计数"}


def clean_html(text: str, base_url: str | None = None) -> str:
    """HTML with everything that could run or load removed (see module docstring); links made
    absolute against the page's own URL, so they lead to the original site, not the archive."""
    if not text.strip():
        return ""
    doc = lxml.html.document_fromstring(text)
    if base_url:
        doc.make_links_absolute(base_url, resolve_base_href=True, handle_failures="discard")
    _CLEANER(doc)
    return lxml.html.tostring(doc, encoding="unicode", method="html")


def sanitized_original(conn: sqlite3.Connection, article_id) -> str | None:
    """The article's archived raw page, decoded and cleaned; None when none is archived."""
    row = conn.execute(
        "SELECT p.body, p.headers, coalesce(p.response_url, p.url) FROM articles a JOIN pages p ON p.id = a.page_id WHERE a.id = ?",
        (article_id,)).fetchone()
    if row is None or row[0] is None:
        return None
    raw = zlib.decompress(row[0])
    headers = _json(row[1], {})
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
    if isinstance(content_type, list):
        content_type = content_type[0] if content_type else None
    try:
        text, _ = decode_html(raw, content_type)
    except Rejected as e:
        return f"<p>存档页面无法显示为文本（{html.escape(e.reason)}）。</p>"
    return clean_html(text, row[2])
