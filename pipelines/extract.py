"""Article extraction: raw page bytes -> title, body, date, 来源, author, original URL.

The steps, each in its own module:
  decode      (pipelines/decode.py)      bytes -> text, GB family widened to GB18030
  boilerplate (pipelines/boilerplate.py) drop related lists, hot boxes, share/QR, forum chrome;
                                         unwrap layout tables; filter byline/editor lines
  body        here                       trafilatura on the cleaned tree; a text-density second
                                         opinion when its result looks wrong; Discuz: first post
  title       (pipelines/headline.py)    the headline as shown, not <title> with a site suffix
  date        (pipelines/dates.py)       the article's own publication time
  byline      (pipelines/byline.py)      来源, author, original URL

`extract_page` is what the crawl, the re-processing command and the benchmark all call.
"""

from __future__ import annotations

import copy
import difflib
import re

import trafilatura
from lxml import etree
from lxml import html as lxml_html

from pipelines.boilerplate import (clean_tree, is_boilerplate_line, is_byline_line, is_data_table, is_issuer_line, is_stop_line,
                                   strip_reprint_lead, table_rows)
from pipelines.byline import find_author, find_original_url, find_outlet
from pipelines.dates import DATE_RE, find_date, machine_date, show_tooltip_dates, weak_dates
from pipelines.bounds import MAX_FALLBACK_BLOCKS, check_document
from pipelines.decode import decode_html
from pipelines.errors import Rejected
from pipelines.headline import find_title, lines_above_text

EXTRACTOR_VERSION = "1.7"
# Fewer characters of article text than this is a rejection (extract/empty_body): one sentence.
# The shortest real body in the corpus has 105 characters, an empty template page has none.
MIN_BODY_CHARS = 30
# A 相关/版权/专题 line ends the article only past this share of its text (before it, the line is an
# in-body box to skip). Dev figures hold from 0.2 to 0.4 and fall at 0.6 (the closing block
# no longer ends one dev page, whose body F1 drops to 0.64).
STOP_LINE_AFTER = 0.4
# A line under the headline that is a date with at most this much else (来源, a time) is dropped.
MAX_DATE_LINE, MAX_DATE_LINE_REST = 40, 12
# A reworded headline above the text: ≥ 8 characters, 0.75-1.3 × the headline's length and a
# SequenceMatcher ratio ≥ 0.7 (set on the print-edition rewording in tests/test_extract.py).
VARIANT_MIN_CHARS, VARIANT_LENGTHS, VARIANT_RATIO = 8, (0.75, 1.3), 0.7

_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "td", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section",
               "article", "ul", "ol", "dd", "dt", "blockquote", "header", "footer", "form", "center", "pre"}


def extract_page(html: bytes, url: str | None = None, *, content_type: str | None = None,
                 selectors: dict | None = None, fetched_at: str | None = None) -> dict:
    """Extract one article from a raw page. Raises `Rejected` when there is none."""
    text, codec = decode_html(html, content_type)
    blocks = check_document(text)  # bounded work: refuse pathological documents before parsing them
    tree = _parse(text)
    selectors = selectors or {}
    stated = None if selectors.get("date") else machine_date(tree, fetched_at)
    weak = weak_dates(tree, fetched_at) if not stated and not selectors.get("date") else (None, None)
    # Everything below reads the page as a reader sees it, after the related lists (with their own
    # dates and headlines), navigation and comment lists are gone, with "3 天前" shown as its date.
    show_tooltip_dates(tree)
    clean_tree(tree)
    linear = linear_text(tree)
    if selectors.get("body"):
        nodes = tree.cssselect(selectors["body"])
        paragraphs = _paragraphs_of(nodes[0]) if nodes else []
    else:
        paragraphs = _forum_first_post(tree)
        if paragraphs is None:
            paragraphs = _first_of_posts(_body(tree, url, fast=blocks > MAX_FALLBACK_BLOCKS))
            paragraphs = _first_of_items(tree, paragraphs, linear)
            paragraphs += _table_after(tree, linear, paragraphs)
    title = _select_text(tree, selectors.get("title")) or find_title(tree, lines_above_text(tree, linear, paragraphs, url))
    after_title = _after(linear, title)
    if selectors.get("date"):
        date = find_date(_select_text(tree, selectors["date"]) or "", url, fetched_at, stated, weak)
    else:
        header, footer = _around_text(after_title, paragraphs)
        # labelled and timed dates are read up to the text's end: after it come the footer's rules
        # (and replies with dates of their own)
        upto = after_title[:len(after_title) - len(footer)] if footer else after_title
        date = find_date(upto, url, fetched_at, stated, weak, header=header, footer=footer,
                         before_title=_before(linear, title), closing=_signoff(paragraphs) + paragraphs[-2:])
    header = after_title[:800]
    outlet = _select_text(tree, selectors.get("outlet")) or find_outlet(header) or find_outlet(linear)
    author = _select_text(tree, selectors.get("author")) or _forum_author(tree) or find_author(header)
    original_url = find_original_url(tree, linear, url)

    body = "\n\n".join(clean_paragraphs(paragraphs, title))
    if len(body) < MIN_BODY_CHARS:
        raise Rejected("extract", "empty_body", f"only {len(body)} characters of article text found")
    return {"title": title, "body": body, "date": date, "outlet": outlet, "author": author,
            "original_url": original_url, "encoding": codec}


# A notice's sign-off (issuer, date) is looked for among its last lines: attachments may follow it.
SIGNOFF_LINES = 6


def _signoff(paragraphs: list[str]) -> list[str]:
    """The date line under the issuer's name among the text's last lines ("临江县人民政府办公室",
    "2024年3月15日", then "附件：…"), or []."""
    tail = paragraphs[-SIGNOFF_LINES:]
    for above, line in zip(tail, tail[1:]):
        if is_issuer_line(above) and DATE_RE.search(line) and len(_squash(line)) <= MAX_DATE_LINE:
            return [line]
    return []


# --------------------------------------------------------------------------------- parsing


_EARLY_CLOSE = re.compile(r"</(?:html|body)\s*>", re.I)


def _parse(text: str):
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses str input with an encoding declaration
    # A header include that closes the page early ("</html>" before the article) makes lxml start a
    # second, detached <html> for the rest: the article would be invisible. The parser closes both anyway.
    text = _EARLY_CLOSE.sub("", text)
    try:
        tree = lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise Rejected("extract", "unparseable", f"not parseable as HTML: {exc}") from None
    return tree


def linear_text(el) -> str:
    """Text of an element with line breaks where blocks break, as a reader sees it."""
    out: list[str] = []

    def walk(node):
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _BLOCK_TAGS:
            out.append("\n")
        if node.text and tag:
            out.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                out.append(child.tail)
        if tag in _BLOCK_TAGS:
            out.append("\n")

    walk(el)
    text = "".join(out).replace("\u00a0", " ").replace("\r", "")
    return re.sub(r"[ \t\u3000]*\n[\s\u3000]*", "\n", text).strip()


def _after(linear: str, title: str | None) -> str:
    if title:
        probe = title[:12]
        i = linear.find(probe)
        if i >= 0:
            return linear[i + len(probe):]
    return linear


def _before(linear: str, title: str | None) -> str:
    """The page's text above the headline (where a blog prints its date header)."""
    i = linear.find(title[:12]) if title else -1
    return linear[:i] if i > 0 else ""


def _find_squashed(text: str, probe: str, start: int = 0, last: bool = False) -> tuple[int, int]:
    """(start, end) of `probe` in `text`, allowing whitespace between its characters; (-1, -1)."""
    if not probe:
        return -1, -1
    pattern = re.compile(r"[\s\u3000]*".join(re.escape(c) for c in probe))
    hits = list(pattern.finditer(text, start)) if last else [m for m in [pattern.search(text, start)] if m]
    return (hits[-1].start(), hits[-1].end()) if hits else (-1, -1)


def _around_text(after_title: str, paragraphs: list[str]) -> tuple[str | None, str]:
    """The page's text between the headline and the article's first sentence, and right after its
    last line: where its date line and its post footer are."""
    prose = [p for p in paragraphs if len(_squash(p)) >= 20 and re.search(r"[，。！？；,.!?]", p)
             and not is_boilerplate_line(p)]
    if not prose:
        return None, ""
    begin, _ = _find_squashed(after_title, _squash(prose[0])[:12])
    header = after_title[:begin] if begin >= 0 else None
    _, end = _find_squashed(after_title, _squash(paragraphs[-1])[-12:], max(begin, 0), last=True)
    footer = after_title[end:] if end >= 0 else ""
    return header, footer


def _select_text(tree, selector: str | None) -> str | None:
    if not selector:
        return None
    nodes = tree.cssselect(selector)
    return re.sub(r"\s+", " ", nodes[0].text_content()).strip() or None if nodes else None


# --------------------------------------------------------------------------------- body


# ---- thresholds of the body cascade. docs/extraction.md lists every one with the sweep on the dev
# pages (the range over which the dev figures stay the same) and the failure it was set on.
# The density opinion needs this much prose to exist, and this much to overrule trafilatura on
# coverage (short pages, where one caption more or less swings every ratio, stay trafilatura's).
MIN_DENSITY_PROSE, MIN_OVERRULE_CHARS = 60, 150
# Extra lines trafilatura adds around the densest block stay only when at least half of them (by
# characters) are sentences: a sidebar, toolbar or tagline is labels, an article's lead is prose.
MIN_PROSE_SHARE = 0.5
# "trafilatura skipped a lead box": the density block is > 3 % longer and ≥ 97 % of trafilatura's
# text lies inside it (dev figures fall from 1.1 up: that rule stops firing on a page that needs it).
LEAD_BOX_GAIN, LEAD_BOX_INSIDE = 1.03, 0.97
# trafilatura picked the wrong block: it covers under 60 % of the densest block (dev figures fall
# from 0.8 up: right picks with a skipped caption start to be overruled), or returns under half.
MIN_COVERAGE, MIN_LENGTH_RATIO = 0.6, 0.5
# Prose is a paragraph of ≥ 20 characters with sentence punctuation; a paragraph over half links,
# or with under 10 characters outside links, is a list or widget; unpunctuated text weighs 0.3.
MIN_PROSE_PARAGRAPH, MAX_LINK_SHARE, MIN_OWN_CHARS, UNPUNCTUATED_WEIGHT = 20, 0.5, 10, 0.3


def _body(tree, url: str | None, fast: bool = False) -> list[str]:
    """trafilatura's paragraphs, or the text-density candidate when trafilatura looks wrong.
    `fast`: without trafilatura's fallback extractors (a page of very many blocks, MAX_FALLBACK_BLOCKS)."""
    extracted = trafilatura.extract(copy.deepcopy(tree), url=url, include_comments=False, include_tables=True,
                                    include_images=False, include_links=False, deduplicate=False,
                                    output_format="txt", fast=fast) or ""
    first = [p.strip() for p in extracted.split("\n") if p.strip()]
    second = density_paragraphs(tree)
    if not second:
        return first
    if not first:
        return second
    first_text, second_text = _squash("".join(first)), _squash("".join(second))
    if len(second_text) >= MIN_DENSITY_PROSE and second_text in first_text and len(first_text) > len(second_text):
        # trafilatura took the densest block and more around it (a page's worth, or a blog's tagline);
        # keep the rest only if it reads as prose (sentences), not as the sidebar's and toolbar's
        # short labels, counters and links
        if _prose_share([p for p in first if _squash(p) not in second_text]) < MIN_PROSE_SHARE:
            return second
    if len(second_text) >= MIN_OVERRULE_CHARS and len(second_text) > LEAD_BOX_GAIN * len(first_text):
        inside = sum(len(_squash(p)) for p in first if _squash(p) in second_text) / max(1, len(first_text))
        missed = [p for p in second if _squash(p) not in first_text]
        if inside >= LEAD_BOX_INSIDE and _prose_share(missed) >= MIN_PROSE_SHARE:
            return second  # the same block, but trafilatura skipped some of its prose (a lead box)
    if len(second_text) >= MIN_OVERRULE_CHARS:
        covered = sum(len(_squash(p)) for p in second if _squash(p) in first_text) / max(1, len(second_text))
        if covered < MIN_COVERAGE:  # trafilatura missed most of the densest block: it picked the wrong one
            return second
    if len(first_text) < MIN_LENGTH_RATIO * len(second_text):
        return second
    return first


# At most this many characters between the text's last line and a data table that continues it:
# a notice's "附：…" line is followed directly by its table (a blank cell at most).
MAX_GAP_BEFORE_TABLE = 20


def _table_after(tree, linear: str, paragraphs: list[str]) -> list[str]:
    """Rows of a data table that directly follows the text (a notice's 附表), which both
    trafilatura and the density opinion leave out; nothing when there is none."""
    if not paragraphs:
        return []
    last = _squash(paragraphs[-1])[-12:]
    flat = _squash(linear)
    end = flat.find(last)
    if end < 0 or len(last) < 4:
        return []
    end += len(last)
    for table in tree.iter("table"):
        if not is_data_table(table):
            continue
        rows = table_rows(table)
        start = flat.find(_squash(rows[0]), end) if rows else -1
        if 0 <= start - end <= MAX_GAP_BEFORE_TABLE and _squash(rows[0]) not in _squash("".join(paragraphs)):
            return rows
    return []


def _prose_share(lines: list[str]) -> float:
    """The share of `lines` (by characters) that reads as sentences rather than labels and links."""
    total = sum(len(_squash(p)) for p in lines)
    prose = sum(len(_squash(p)) for p in lines if len(_squash(p)) >= MIN_PROSE_PARAGRAPH and re.search(r"[，。！？；]", p))
    return prose / total if total else 0.0


def density_paragraphs(tree) -> list[str]:
    """Second opinion: the paragraphs of the block with the most non-link prose.

    Scores every element by the prose its direct paragraphs hold (<p> children, or text runs
    split by <br>); link-heavy paragraphs (lists of headlines) and short widget lines do not
    count. Only direct children, so the page wrapper cannot win with its header and footer.
    """
    best, best_score = None, 0.0
    for parent in tree.iter():
        if not isinstance(parent.tag, str) or parent.tag in ("html", "head", "script", "style", "a", "p"):
            continue
        score = 0.0
        for child in parent:
            if child.tag == "p":
                score += _prose_chars(child, child.text_content())
            elif child.tag == "br":
                tail = child.tail or ""
                score += _prose_chars(None, tail)
        lead = parent.text or ""
        if any(c.tag == "br" for c in parent) or (parent.tag in ("div", "td", "section", "article")
                                                   and not any(c.tag in _BLOCK_TAGS for c in parent)):
            # text split by <br>, or a block whose whole text sits in it (<div class="content">正文…</div>)
            score += _prose_chars(None, lead)
        if score > best_score:
            best, best_score = parent, score
    if best is None or best_score < MIN_DENSITY_PROSE:
        return []
    return _paragraphs_of(best)


def _prose_chars(el, text: str) -> float:
    total = len(_squash(text))
    if total == 0:
        return 0
    links = sum(len(_squash(a.text_content())) for a in el.iter("a")) if el is not None else 0
    if links / total > MAX_LINK_SHARE or total - links < MIN_OWN_CHARS:
        return 0
    punct = len(re.findall(r"[，。；！？、,.]", text))
    return total - links if punct else (total - links) * UNPUNCTUATED_WEIGHT


def _paragraphs_of(el) -> list[str]:
    return [line.strip() for line in linear_text(el).split("\n") if line.strip()]


_SPACES = re.compile(r"[\s\u3000]+")


def _squash(text: str) -> str:
    return _SPACES.sub("", text)  # compiled once: called ~700 times a page


# --------------------------------------------------------------------------------- forums


# Class names of one post's text on blog and forum templates (Blogger/MT/WordPress: post-body,
# entry-content; phpwind: tpc_content; old Discuz: t_msgfont). Repeated, they mark a page of
# several posts (a thread, a blog's monthly archive), of which the first is the article.
_POST_BODY_CLASS = re.compile(r"^(post[-_]?(body|content|text|message)|entry[-_]?(content|body|text)|"
                              r"blog[-_]?(body|content|text)|tpc_content|t_msgfont|t_f)$", re.I)


def _forum_posts(tree):
    posts = tree.xpath("//*[starts-with(@id,'postmessage_')]")
    if posts:
        return posts
    by_class: dict[str, list] = {}
    for el in tree.xpath("//body//*[@class]"):
        for word in el.get("class").split():
            if _POST_BODY_CLASS.match(word):
                by_class.setdefault(word.lower(), []).append(el)
    for els in by_class.values():
        outer = [el for el in els if not any(a in els for a in el.iterancestors())]
        if len(outer) >= 2:
            return outer
    return []


def _forum_first_post(tree) -> list[str] | None:
    """Threads and multi-post pages: the first post only (replies, later posts, signatures and
    chrome are out)."""
    posts = _forum_posts(tree)
    if not posts:
        return None
    first = copy.deepcopy(posts[0])
    for junk in first.xpath(".//*[contains(@class,'pstatus') or contains(@class,'quote') or "
                            "contains(@class,'attach') or contains(@class,'sign') or contains(@class,'tip')]"):
        junk.getparent().remove(junk)
    return _paragraphs_of(first)


# A post's header line in a thread that is one block of text (a Discuz archiver page, a plain
# board): "某某 发表于 2009-1-8 20:15" (the name may be a line of its own just above it).
_POST_HEADER = re.compile(r"^(?:[^，。！？\s]{1,20}\s*)?(?:发表于|发帖时间|发表时间|发贴时间)\s*[:：]?\s*(?:19|20)\d{2}[-/.年]")
_NAME_LINE = re.compile(r"^[^，。！？；\s]{1,20}$")


def _first_of_posts(paragraphs: list[str]) -> list[str]:
    """The first post of a thread whose posts are separated only by header lines: the text
    between the first and the second header. Only when no prose comes before the first header
    (else the lines are post *footers*, and what follows the first one is a reply)."""
    heads = [i for i, p in enumerate(paragraphs) if _POST_HEADER.match(p.strip())]
    if len(heads) < 2:
        return paragraphs
    first, second = heads[0], heads[1]
    if any(len(_squash(p)) >= MIN_PROSE_PARAGRAPH and re.search(r"[，。！？；]", p) for p in paragraphs[:first]):
        return paragraphs
    before, post = paragraphs[:first], paragraphs[first + 1:second]
    # a poster's name on its own line above their header
    if post and _NAME_LINE.match(post[-1].strip()):
        post = post[:-1]
    if before and _NAME_LINE.match(before[-1].strip()):
        before = before[:-1]
    return before + post if post else paragraphs


# A list of posts (a blog's home or month page) whose items carry no post-text class: two or more
# sibling blocks of one tag and class, each a title link, a date and at least this much prose.
MIN_ITEM_PROSE = 40


def _list_items(tree) -> list:
    """The items of a list of posts: siblings of one tag and class, each starting with a link
    of 5-80 characters (the post's title), with a date and prose of its own; [] when none."""
    for parent in tree.iter():
        groups: dict[tuple, list] = {}
        for child in parent:
            if isinstance(child.tag, str) and child.tag in ("div", "li", "table", "dl", "article", "section"):
                groups.setdefault((child.tag, child.get("class") or ""), []).append(child)
        for items in groups.values():
            if len(items) >= 2 and all(_is_post_item(item) for item in items):
                return items
    return []


def _is_post_item(el) -> bool:
    text = linear_text(el)
    first_line = _squash(text.split("\n", 1)[0])
    titled = any(5 <= len(_squash(a.text_content())) <= 80 and _squash(a.text_content()) in first_line
                 for a in el.iter("a"))
    prose = sum(len(_squash(p)) for p in text.split("\n") if re.search(r"[，。！？；]", p)
                and len(_squash(p)) >= MIN_PROSE_PARAGRAPH)
    return titled and prose >= MIN_ITEM_PROSE and bool(DATE_RE.search(text))


def _only_a_date(text: str) -> bool:
    m = DATE_RE.search(text)
    return bool(m) and not re.sub(r"[\[\]［］()（）|｜]", "", DATE_RE.sub("", text))


_TITLE_AND_DATE = re.compile(r"^(.+?)\s*[\[［(（]?\s*(?:19|20)\d{2}\D.*$")


def _titled_segments(tree, linear: str) -> list[str]:
    """A list of posts that are not blocks of their own (rows of one table): the text between
    one post title and the next, where a post title is a line that is one link's whole text
    (5-80 characters), with a date on it or on the next line, and prose within the next three."""
    links = {t for t in (_squash(a.text_content()) for a in tree.iter("a")) if 5 <= len(t) <= 80}
    if len(links) < 2:
        return []
    lines = linear.split("\n")
    starts = []
    for i, line in enumerate(lines):
        if not 5 <= len(line) <= 120:
            continue
        m = _TITLE_AND_DATE.match(line)
        if _squash(line) not in links and not (m and _squash(m.group(1)) in links):
            continue
        if not any(DATE_RE.search(x) for x in lines[i:i + 2]):
            continue
        if any(len(_squash(x)) >= MIN_PROSE_PARAGRAPH and re.search(r"[，。！？；]", x) for x in lines[i + 1:i + 4]):
            starts.append(i)
    if len(starts) < 2:
        return []
    return ["".join(_squash(x) for x in lines[a:b]) for a, b in zip(starts, starts[1:] + [len(lines)])]


def _first_of_items(tree, paragraphs: list[str], linear: str = "") -> list[str]:
    """A list of posts read as one text: only the first post's lines (the article; the ground
    truth of a blog's archive page is its newest post). Unchanged when the text lies in one item."""
    items = _list_items(tree)
    texts = [_squash(item.text_content()) for item in items] if items else _titled_segments(tree, linear)
    if not texts:
        return paragraphs
    inside = [[_squash(p) in t for p in paragraphs] for t in texts]
    if sum(any(hits) for hits in inside) < 2:
        return paragraphs
    kept = [p for p, hit in zip(paragraphs, inside[0]) if hit]
    return kept or paragraphs


def _forum_author(tree) -> str | None:
    posts = _forum_posts(tree)
    if not posts:
        return None
    for anc in posts[0].iterancestors():
        if "plhin" in (anc.get("class") or "") or (anc.get("id") or "").startswith("post_"):
            names = anc.xpath(".//*[contains(@class,'pls')]//a[contains(@class,'xw1')] | "
                              ".//*[contains(@class,'pls')]")
            for n in names:
                name = n.text_content().strip().split("\n")[0].strip()
                if 1 < len(name) <= 20:
                    return name
            break
    return None


# --------------------------------------------------------------------------------- cleanup


def clean_paragraphs(paragraphs: list[str], title: str | None) -> list[str]:
    """Drop byline/editor/widget lines, the repeated headline, and reprint lead-ins."""
    nt = _squash(title or "")
    paragraphs = _without_split_headline(paragraphs, nt)
    total = sum(len(_squash(p)) for p in paragraphs)
    out: list[str] = []
    seen = 0
    for i, raw in enumerate(paragraphs):
        seen += len(_squash(raw))
        if out and is_stop_line(raw) and seen - len(_squash(raw)) >= STOP_LINE_AFTER * total:
            break  # a 相关/版权/专题 block after the text: the article has ended
        if out and _SIGNATURE_RULE.match(_squash(raw)) and seen >= STOP_LINE_AFTER * total \
                and not any(re.search(r"[。！？]$", p.strip()) for p in paragraphs[i + 1:]):
            break  # a forum post's signature below a rule: short lines, no sentence
        p = re.sub(r"[ \t\u00a0]+", " ", raw).strip()
        if not p:
            continue
        if i == 0 or not out:
            p = strip_reprint_lead(p)
        sp = _squash(p)
        if not sp:
            continue
        if nt and (sp == nt or (len(sp) <= len(nt) + 2 and nt in sp)):
            continue  # the headline repeated inside the container
        if not out and nt and sp.startswith(nt) and _only_a_date(sp[len(nt):]):
            continue  # the headline with the date a list prints beside it: "标题 [2010-05-06 12:30]"
        if not out and _headline_variant(sp, nt):
            continue  # the headline reworded above the text: "…？大魔王上下半场判若两人" for "…？周琦上下半场…"
        if is_boilerplate_line(p):
            continue
        if len(out) < 2 and is_byline_line(p):
            continue
        if not out and re.fullmatch(r"[【\[][^】\]]{1,12}[】\]]", sp):
            continue  # a column tag above the text: 【新春走基层】
        if not out and len(sp) < MAX_DATE_LINE and DATE_RE.search(p) and len(DATE_RE.sub("", sp)) < MAX_DATE_LINE_REST:
            continue  # a date line under the headline
        if out and sp == _squash(out[-1]):
            continue
        out.append(p)
    return out


_SIGNATURE_RULE = re.compile(r"^[-－—_＿=~～*]{6,}$")


def _headline_variant(sp: str, nt: str) -> bool:
    """A short line, no sentence, that reads as the headline with a word or two changed."""
    low, high = VARIANT_LENGTHS
    if len(nt) < VARIANT_MIN_CHARS or len(sp) < VARIANT_MIN_CHARS or "。" in sp or not low * len(nt) <= len(sp) <= high * len(nt):
        return False
    return difflib.SequenceMatcher(None, sp, nt, autojunk=False).ratio() >= VARIANT_RATIO


def _without_split_headline(paragraphs: list[str], nt: str) -> list[str]:
    """Drop the headline when the container repeats it broken over 2–4 lines (a centred <br> title)."""
    if len(nt) < 8:
        return paragraphs
    for start in range(min(6, len(paragraphs))):
        joined = ""
        for end in range(start, min(start + 4, len(paragraphs))):
            joined += _squash(paragraphs[end])
            if not nt.startswith(joined):
                break
            if joined == nt and end > start:
                return paragraphs[:start] + paragraphs[end + 1:]
    return paragraphs
