"""The headline as the page shows it — not the <title> with its site suffix, not the site name.

The <title> nearly always contains the headline, plus a site suffix (`_新华网`, `-苏银`,
`|香港_新浪新闻`, or just a space and the site name). Headings on the page (h1/h2, og:title,
elements named *title*) contain the headline too, plus channel names and logos. So: the
longest heading that is part of the <title> wins; without one, the <title> minus the segments
that look like a site name.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urljoin

from pipelines.boilerplate import is_boilerplate_line, is_byline_line, is_issuer_line

_SEPARATORS = re.compile(r"\s*(?:_+|\||｜|－|—|–|-{1,2}|::|»|>|＞)\s*|\s{2,}")
_SITE_WORDS = re.compile(r"(网|新闻|频道|中心|在线|门户|日报|晚报|早报|时报|客户端|首页|论坛|资讯|官网|政府|"
                         r"Powered|Discuz|\.com|\.cn|社区|电视台|广播|报业|传媒|融媒|之窗|之声|新浪|搜狐|腾讯|网易|凤凰)",
                         re.I)
_HEADING_XPATH = ("//h1 | //h2 | //h3 | //*[contains(@class,'title') or contains(@id,'title') or "
                  "contains(@class,'Title') or contains(@id,'Title') or contains(@class,'headline') or "
                  "contains(@id,'subject') or contains(@class,'biaoti')]")


# What a template prints when the headline variable was never filled.
_NO_TITLE = re.compile(r"^(null|undefined|none|nil|nan|untitled|无标题|无题)$", re.I)
# A label before the thread or article title: "主题: …", "帖子标题：…".
_LABEL = re.compile(r"^\s*(?:帖子|文章|新闻|信息)?(?:主题|标题|题目|Subject|Title)\s*[:：]\s*", re.I)
# A blog's own name in the <title> or a heading: "某某的博客", "xx的空间", "…blog".
_BLOG_NAME = re.compile(r"(的博客|的空间|的日志|的部落格|博客$|blog|Blog|BLOG|主页$)")


def is_placeholder(text: str | None) -> bool:
    """An empty headline, or the literal `null`/`undefined` a template printed for a missing one."""
    return not _norm(text or "") or bool(_NO_TITLE.match(_norm(text or "")))


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"[\s\u3000]+", "", text)


def _clean(text: str) -> str:
    text = re.sub(r"[\s\u3000]+", " ", text or "").strip()
    return _LABEL.sub("", text, count=1)


def looks_like_site_name(segment: str, site_names: set[str]) -> bool:
    s = _norm(segment)
    if not s or is_placeholder(s):
        return True
    if s in site_names or _ENGINE.match(s):
        return True
    return len(s) <= 12 and bool(_SITE_WORDS.search(s))


# A forum or blog engine's credit in the <title>: "Powered by Discuz!", "… Archiver".
_ENGINE = re.compile(r"(?i)^(powered\s*by|.*archiver$)")
# A thread's type tag before its title on the page: "[关注] 标题", "【原创】标题".
_TYPE_TAG = re.compile(r"^\s*[\[【［][^\]】］]{1,6}[\]】］]\s*")


def title_without_site(title: str, site_names: set[str]) -> str:
    """The <title> with trailing (and leading) site-name segments removed."""
    title = _clean(title)
    parts = _SEPARATORS.split(title)
    seps = _SEPARATORS.findall(title)
    blog_host = False
    while len(parts) > 1 and (looks_like_site_name(parts[-1], site_names) or _is_blog_segment(parts[-1])):
        blog_host = blog_host or _is_blog_segment(parts[-1])
        parts.pop()
        seps.pop()
    # "标题_江边钓客_新浪博客": before a blog host's name comes the blogger's
    if blog_host and len(parts) >= 2 and len(_norm(parts[-1])) <= 8:
        parts.pop()
        seps.pop()
    while len(parts) > 1 and ((looks_like_site_name(parts[0], site_names) and len(_norm(parts[0])) <= 8)
                              or _is_blog_segment(parts[0])):
        parts.pop(0)
        seps.pop(0)
    # a site name glued on with one space: "某某标题 松花江网"
    if len(parts) == 1 and " " in parts[0]:
        head, _, tail = parts[0].rpartition(" ")
        if head and looks_like_site_name(tail, site_names) and len(_norm(head)) >= 4:
            parts = [head]
    out = parts[0]
    for sep, part in zip(seps, parts[1:]):
        out += sep + part
    return out.strip()


def _is_blog_segment(segment: str) -> bool:
    """A <title> segment naming a blog ("江边钓客的博客", "某某的日志", "Blog Archive"), short."""
    return len(_norm(segment)) <= 16 and bool(_BLOG_NAME.search(segment.strip()) or _BLOG_ARCHIVE.fullmatch(segment.strip()))


_BLOG_ARCHIVE = re.compile(r"Blog\s*Archive|Archives?|日志|博文|文章|正文", re.I)
_SUFFIX = re.compile(r"\s*(?:_|\||｜|-|－)\s*[^_|｜\-－\s，。！？、]{1,8}$")


def strip_suffix(text: str) -> str:
    """'标题_苏银' / '标题-苏银' -> '标题' (a short trailing segment after a separator is a site tag)."""
    stripped = _SUFFIX.sub("", text)
    return stripped if len(_norm(stripped)) >= 6 else text


def _shown_prefix(tree, cleaned: str) -> str | None:
    # not at a dash: "主标题——副标题" is one headline in two parts
    cuts = [m.start() for m in _SEPARATORS.finditer(cleaned) if m.start() > 0 and not re.search("[—–]", m.group())]
    if not cuts:
        return None
    nc = len(_norm(cleaned))
    texts = {_norm(t) for t in tree.xpath("//body//text()[string-length(normalize-space()) > 3]") if len(t) < 300}
    heads = [cleaned[:cut].strip() for cut in reversed(cuts)]
    heads = [h for h in heads if len(_norm(h)) >= 6 and len(_norm(h)) >= 0.5 * nc]
    for head in heads:
        if _norm(head) in texts:
            return head
    # a headline broken over lines inside one element: <strong>全国人大常委会<br>关于…的决议</strong>
    for el in tree.xpath("//body//*[self::strong or self::b or self::font or self::p or self::h1 or self::h2 "
                         "or self::h3 or self::td or self::center][br]"):
        shown = _norm(el.text_content())
        if len(shown) <= 160 and any(_norm(h) == shown for h in heads):
            return next(h for h in heads if _norm(h) == shown)
    return None


_DATELINE = re.compile(r"(发布时间|发表时间|发布日期|发稿时间|时间|日期|来源|作者)\s*[:：]|(?:19|20)\d{2}\s*(?:[-/.]|年)\s*\d{1,2}\s*(?:[-/.]|月)\s*\d{1,2}")
_HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def dateline_heading(tree, site_names: set[str]) -> str | None:
    """The heading (h1–h6) directly above the date/来源 line: where article pages put the headline.

    For pages whose <title> names the column ("新闻动态--某学会", "工作动态") rather than the article."""
    for el in tree.iter(*_HEADING_TAGS):
        text = _clean(el.text_content())
        if not 6 <= len(_norm(text)) <= 80 or looks_like_site_name(text, site_names) or el.find(".//a") is not None:
            continue
        following = []
        for sib in el.itersiblings():
            if isinstance(sib.tag, str):
                following.append(_clean(sib.text_content()))
            if sum(len(t) for t in following) > 0 or len(following) >= 2:
                break
        if following and _DATELINE.search(" ".join(following)[:120]):
            return text
    return None


def find_title(tree, above: list[str] | None = None) -> str | None:
    """The headline. `above` are the headline-like lines right above the article text, nearest
    first (`lines_above_text`), for pages whose <title> names only the site, column or blog."""
    above = above or []
    raw_title = _clean(tree.xpath("string(//title)"))
    if is_placeholder(raw_title):
        raw_title = ""
    site_names = {_norm(m) for m in tree.xpath("//meta[@property='og:site_name' or @name='og:site_name' or "
                                                 "@name='application-name' or @name='apple-mobile-web-app-title']"
                                                 "/@content")}
    metas = [_clean(m) for m in tree.xpath("//meta[@property='og:title' or @name='og:title' or @name='title' or "
                                            "@name='ArticleTitle' or @name='twitter:title']/@content")]
    metas = [m for m in metas if not is_placeholder(m)]
    headings = []
    for el in tree.xpath(_HEADING_XPATH)[:60]:
        if el.tag in ("title", "meta", "head", "html", "body"):
            continue
        text = _clean(el.text_content())
        if 4 <= len(_norm(text)) <= 80 and not is_navigation_line(text):
            headings.append(text)
    candidates = metas + headings
    nt = _norm(raw_title)
    # 1. the longest heading that is part of the <title>, not a site name
    inside = [c for c in candidates if _norm(c) and _norm(c) in nt and not looks_like_site_name(c, site_names)
              and len(_norm(c)) >= 4 and not _BLOG_NAME.search(c)]
    if inside:
        inside = [c for c in inside if not _names_a_part(c, raw_title, tree, site_names)]
    if inside:
        return strip_suffix(max(inside, key=lambda c: len(_norm(c))))
    # 1b. the line right above the text that is part of the <title>: a headline in <strong>/<font>/a
    #     table cell, with the site's or column's name around it in the <title>
    for line in above:
        if len(_norm(line)) >= MIN_HEADLINE_CHARS and _norm(line) in nt and not looks_like_site_name(line, site_names):
            return line
    cleaned = title_without_site(raw_title, site_names)
    nc = _norm(cleaned)
    # 1c. a <title> cut short ("临江县精简表格给村干…"): the heading or line above the text it begins
    cut = _TRUNCATED.search(cleaned)
    if cut and len(_norm(cleaned[:cut.start()])) >= MIN_TRUNCATED_CHARS:
        prefix = _norm(cleaned[:cut.start()])
        longer = [c for c in candidates + above if _norm(c).startswith(prefix) and len(_norm(c)) > len(prefix)]
        if longer:
            return strip_suffix(min(longer, key=lambda c: len(_norm(c))))
    if len(nc) <= 8:
        # a short <title> with no heading in it is a column name ("新闻动态"), not the headline
        shown_above_date = dateline_heading(tree, site_names)
        if shown_above_date and len(_norm(shown_above_date)) > len(nc) and nc not in _norm(shown_above_date):
            return shown_above_date
    if above and names_only(cleaned, site_names):
        # 1c. the <title> names only the site, a column or a blog ("海姑娘 | blog…", "世艺网>艺术教育"),
        #     or there is none: the headline is the line above the text (the post's title)
        return above[0]
    # 2. a heading that contains the cleaned <title> (the page adds a subtitle or a tag)
    around = [c for c in headings if nc and nc in _norm(c) and len(_norm(c)) <= 2 * len(nc)]
    if around:
        shown = min(around, key=lambda c: len(_norm(c)))
        # "[关注] 标题" on the page, "标题" in the <title>: the type tag is not the headline's
        return cleaned if _norm(_TYPE_TAG.sub("", shown)) == nc else shown
    # 3. the <title> minus trailing segments, when that is what the page shows as a line of its own
    #    ("中华人民共和国监察法-纪检": a column name after the headline, not a site name)
    shown = _shown_prefix(tree, cleaned)
    if shown:
        return shown
    if cleaned and not looks_like_site_name(cleaned, site_names):
        return cleaned
    # 4. the first heading that is not a site name
    for c in candidates:
        if not looks_like_site_name(c, site_names):
            return c
    return None if is_placeholder(cleaned) else cleaned


# A <title> cut short by the template, and how much of it must be left to match a heading by.
_TRUNCATED = re.compile(r"\s*(?:…+|\.{3,}|。。。)\s*$")
MIN_TRUNCATED_CHARS = 6
# A headline has at least this many characters (normalised): the shortest true headline on the
# corpus has 6 (二十三、感赞), sidebar labels have 2-4 (导航, 存档, 随笔分类). Dev: 4 and 5 give the
# same figures, 8 loses a headline.
MIN_HEADLINE_CHARS = 5
# The longest line taken for a headline above the text; longer lines are prose or lead-ins.
MAX_HEADLINE_CHARS = 80
# How many lines above the first line of text are searched for the headline (forums put the
# poster's name, rank, score and 楼层 lines between them). Dev: 4-12 give the same figures; 30
# reaches a sidebar heading on one page.
LINES_ABOVE_TEXT = 12


def _names_a_part(heading: str, title: str, tree, site_names: set[str]) -> bool:
    """A heading that is one segment of the <title> — the board's, the blog's or the column's
    name — while a longer segment, no site or blog name, is shown on the page as text of its own:
    `标题 - 临江杂谈 - 临江社区` with <h1>临江杂谈</h1> over the thread's title."""
    nh = _norm(heading)
    segments = [_norm(p) for p in _SEPARATORS.split(_clean(title))]
    if nh not in segments:
        return False
    longer = [p for p, raw in zip(segments, _SEPARATORS.split(_clean(title)))
              if len(p) > len(nh) and not looks_like_site_name(raw, site_names) and not _is_blog_segment(raw)]
    if not longer:
        return False
    shown = {_norm(t) for t in tree.xpath("//body//text()[string-length(normalize-space()) > 3]") if len(t) < 300}
    return any(p in shown for p in longer)


def names_only(cleaned: str, site_names: set[str]) -> bool:
    """A <title> (site parts removed) that names a site, column or blog rather than an article."""
    nc = _norm(cleaned)
    return (len(nc) <= 8 or looks_like_site_name(cleaned, site_names) or bool(_BLOG_NAME.search(cleaned))
            or all(looks_like_site_name(p, site_names) or len(_norm(p)) <= 6 for p in _SEPARATORS.split(cleaned)))


_NOT_HEADLINE = re.compile(
    r"(^(来源|作者|时间|日期|发表|发布|发帖|楼层|楼主|分数|得分|等级|积分|帖子|注册|阅读|点击|浏览|人气|编辑|责任编辑|"
    r"字号|记者|通讯员|译|摄影|出处|回复|引用|标签|分类|关键词|Tags?)\s*[:：]|发表于|发帖时间|本贴由|张贴|"
    r"上一篇|下一篇|返回|打印|关闭|收藏|分享|字号|您的位置|当前位置|首页\s*[>»])", re.I)
# A title given on its own labelled line in a post's header ("标  题: …", "主题：…"), not 原标题.
_TITLE_LINE = re.compile(r"^\s*(?:帖子|文章)?(?:标\s*题|主\s*题|题\s*目)\s*[:：]\s*(\S.*?)\s*$")
_EMPHASIS_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "big", "font", "center", "th", "caption")


def lines_above_text(tree, linear: str, paragraphs: list[str], url: str | None = None) -> list[str]:
    """Headline-like lines just above the article's first sentence, nearest first.

    A line qualifies when it is the whole text of an emphasised element (h1-h6, strong/b/font/
    big, a centred cell, an element named *title*/*subject*) and reads as a title: 5-80
    characters, not a date, byline, label or navigation line, not a site or blog name. A link
    qualifies only inside a heading, an element named *title*, or when it points at the page
    itself (a blog post's permalink)."""
    first = next((p for p in paragraphs if len(_norm(p)) >= 20 and re.search(r"[，。！？；,.!?]", p)
                  and not is_boilerplate_line(p)), None)
    if not first:
        return []
    probe = _norm(first)[:15]
    lines = linear.split("\n")
    at = next((i for i, line in enumerate(lines) if probe in _norm(line) or _norm(line).startswith(probe[:8])
               and len(_norm(line)) >= 8), None)
    if at is None:
        return []
    shown = _emphasised_texts(tree, url)
    links = {_norm(a.text_content()) for a in tree.iter("a")}
    blocks = None
    out = []
    plain = None
    below = ""
    for k, line in enumerate(reversed(lines[max(0, at - LINES_ABOVE_TEXT):at])):
        under, below = below, line
        labelled = _TITLE_LINE.match(line)
        if labelled and MIN_HEADLINE_CHARS <= len(_norm(labelled.group(1))) <= MAX_HEADLINE_CHARS:
            out.append(_clean(labelled.group(1)))  # "标  题: …" in a BBS post's header
            continue
        text = _clean(line)
        tagged = _TRAILING_TAG.match(text) or _TRAILING_DATE.match(text)
        if tagged and _norm(tagged.group(1)) in links:
            text = tagged.group(1)  # "标题 [乡村笔记]": the post's link, then its category or date
        n = _norm(text)
        if not MIN_HEADLINE_CHARS <= len(n) <= MAX_HEADLINE_CHARS or _NOT_HEADLINE.search(text) or _is_date_line(n) \
                or n.endswith("。") or looks_like_site_name(text, set()) or _BLOG_NAME.search(text) \
                or is_byline_line(text) or is_boilerplate_line(text) or is_navigation_line(text):
            continue
        # emphasised, or right above the date/来源 line (a headline styled by a CSS class)
        if n in shown or _is_dateline(under):
            out.append(text)
        elif plain is None and k < PLAIN_LINES_ABOVE and (n not in links or tagged) and not _BULLET.match(text):
            # a plain line, not a link to another page unless a list prints its date beside it
            blocks = _whole_blocks(tree) if blocks is None else blocks
            plain = text if _norm(line) in blocks else None
    # the issuing body's line under a report's headline ("某某课题组") comes after the headline
    out = [t for t in out if not is_issuer_line(t)] + [t for t in out if is_issuer_line(t)]
    # nothing emphasised: the plain line right above the text (a board's thread title in a cell
    # styled by a stylesheet), as the last candidate
    return out + ([plain] if plain and plain not in out else [])


_BULLET = re.compile(r"^[·•◎●○■□◆◇※★☆▲△►▪\-*]")


def _whole_blocks(tree) -> set[str]:
    """The texts of block elements (a cell, a div, a paragraph) that hold nothing but that text,
    outside lists: where a plain headline line can stand on its own."""
    out = set()
    for el in tree.iter("td", "th", "div", "p", "span", "dd", "dt", "center"):
        if el.find(".//br") is not None or any(a.tag in ("ul", "ol", "li") for a in el.iterancestors()):
            continue
        n = _norm(el.text_content())
        if MIN_HEADLINE_CHARS <= len(n) <= MAX_HEADLINE_CHARS:
            out.add(n)
    return out


def is_navigation_line(text: str) -> bool:
    """A navigation bar: three or more short texts joined by '|' ("注册 | 登入 | FAQ | 主页 | 论坛").
    A headline with a '|' in it has one or two parts, and long ones ("书记市长这一周 | …")."""
    parts = [p for p in _NAV_SEP.split(text.strip()) if _norm(p)]
    return len(parts) >= MIN_NAV_PARTS and all(len(_norm(p)) <= MAX_NAV_PART for p in parts)


_NAV_SEP = re.compile(r"[|｜丨]")
# A navigation line has at least three parts of at most six characters each (注册, 登入, FAQ,
# 临江主页). Dev: 4-8 characters and 3-4 parts give the same figures.
MIN_NAV_PARTS, MAX_NAV_PART = 3, 6
# How many lines right above the text are read for a plain (unemphasised) headline line.
PLAIN_LINES_ABOVE = 2
# "标题 [分类]": a bracketed category after a post's title link.
_TRAILING_TAG = re.compile(r"^(.+?)\s*[\[［][^\]］]{1,8}[\]］]$")
# "标题 [2010-05-06 12:30]", "标题　2010-05-06": a list's date printed beside the post's title.
_TRAILING_DATE = re.compile(r"^(.+?)\s*[\[［(（]?\s*(?:19|20)\d{2}\s*(?:[-/.]|年)\s*\d{1,2}\s*(?:[-/.]|月)\s*\d{1,2}\s*日?"
                            r"(?:\s*\d{1,2}[:：]\d{2}(?::\d{2})?)?\s*[\]］)）]?$")


def _is_dateline(line: str) -> bool:
    """A date/来源 line as portals print it under the headline ("2004年12月10日 10:20　来源：…")."""
    line = line.strip()
    return 0 < len(line) <= 120 and bool(_DATELINE.search(line)) and not re.search(r"[。！？]", line)


def _is_date_line(n: str) -> bool:
    """A line that is a date and little else — with a day, or only a year and a month ("2003年5月",
    "二〇〇三年五月", the date line of a report), which is never a headline."""
    m = _DATE_ANY.search(n) or _MONTH_LINE.fullmatch(n)
    return bool(m) and len(_DATE_ANY.sub("", n)) < 12


_MONTH_LINE = re.compile(r"[(（]?(?:(?:19|20)\d{2}|[一二][〇○零0一二三四五六七八九]{3})\s*(?:年|[-/.])\s*"
                         r"(?:\d{1,2}|[一二三四五六七八九十]{1,2})\s*月?(?:[一二三四五六七八九十]{1,3}日)?[)）]?")


_DATE_ANY = re.compile(r"(?:19|20)\d{2}\s*(?:[-/.]|年)\s*\d{1,2}\s*(?:[-/.]|月)\s*\d{1,2}日?(?:\s*\d{1,2}[:：]\d{2}(?::\d{2})?)?")


def _emphasised_texts(tree, url: str | None) -> set[str]:
    out = set()
    els = list(tree.iter(*_EMPHASIS_TAGS)) + tree.xpath(
        "//*[contains(@class,'title') or contains(@class,'Title') or contains(@id,'title') or "
        "contains(@class,'subject') or contains(@id,'subject') or contains(@class,'biaoti') or "
        "contains(@class,'tit') or contains(concat(' ',normalize-space(@class),' '),' bt ')] | "
        "//td[@align='center' or @align='middle'] | //div[@align='center'] | //p[@align='center']")
    own = (url or "").split("#")[0]
    own_tail = own.split("?")[0].rstrip("/").rsplit("/", 1)[-1]

    def to_page(a) -> bool:
        href = (a.get("href") or "").strip()
        # a link whose text lacks the page's file name cannot resolve to it: skip the costly
        # urljoin (a portal page has ~100 links) unless it is only a query or a fragment
        if own_tail and own_tail not in href and href[:1] not in ("", "?", "#", "."):
            return False
        # the page itself, also when the page was reached with a query the link does not carry
        # ("…/88.html?from=list")
        target = urljoin(own, href).split("#")[0] if own else ""
        return bool(own) and (target == own or ("?" not in target and target == own.split("?")[0]))

    for el in els:
        text = _norm(el.text_content())
        if not MIN_HEADLINE_CHARS <= len(text) <= MAX_HEADLINE_CHARS:
            continue
        links = "".join(_norm(a.text_content()) for a in el.iter("a"))
        if links and len(links) >= 0.5 * len(text):
            heading = el.tag in _HEADING_TAGS or "title" in (el.get("class") or "").lower()
            permalink = any(to_page(a) for a in el.iter("a"))
            if not (heading or permalink):
                continue
        out.add(_norm(_clean(el.text_content())))
    # a link to the page itself, wherever it sits (a post title linked to its permalink)
    if own:
        for a in tree.xpath("//a[@href]"):
            if to_page(a):
                text = _norm(a.text_content())
                if MIN_HEADLINE_CHARS <= len(text) <= MAX_HEADLINE_CHARS:
                    out.add(text)
    return out
