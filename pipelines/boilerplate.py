"""What Chinese news pages wrap around an article, and how to take it off.

Two passes, because trafilatura alone keeps much of it on Chinese pages:
- `clean_tree` before extraction: drops blocks that are never the article (related-news lists
  with their own dates, hot-news boxes, share/QR prompts, comment boxes, footers) by their
  class/id words or by the heading they start with, and turns layout tables into plain blocks
  so a table-layout portal page reads as paragraphs rather than table rows;
- `is_boilerplate_line` after extraction: drops the byline, 责任编辑/原标题/免责声明 lines and
  widget text that sit inside the article container itself.
"""

from __future__ import annotations

import re

from lxml import etree

# Words in class/id attributes of blocks that are never article text.
_NOISE_WORDS = {
    "related", "relate", "relatednews", "xglj", "xgxw", "hot", "hotnews", "recommend", "tuijian", "rec",
    "share", "bdshare", "fenxiang", "comment", "comments", "pinglun", "reply", "footer", "foot", "copyright",
    "nav", "navbar", "menu", "crumb", "crumbs", "breadcrumb", "position", "location", "sidebar", "side", "aside",
    "ad", "ads", "advert", "banner", "qrcode", "erweima", "ewm", "login", "topbar", "toolbar", "pager",
    "pagination", "more", "keywords", "tags", "subscribe", "statement", "disclaimer", "notice", "snap-notice",
}
_SPLIT = re.compile(r"[\s_\-]+|(?<=[a-z])(?=[A-Z])")
# Headings that start a block of links to other pages.
_NOISE_HEADINGS = re.compile(
    r"^\s*(相关(新闻|推荐|阅读|报道|链接|文章|资讯|专题)|热点(推荐|新闻|资讯)|热门(推荐|文章|新闻)|延伸阅读|推荐阅读|"
    r"猜你喜欢|为您推荐|精彩推荐|今日推荐|更多关于|更多.{0,8}的资讯|网友评论|最新评论|热门评论|头条要闻|图片新闻|"
    r"排行榜|点击排行|阅读排行|往期回顾|上一篇|下一篇|联系我们|联系方式)"
)
# The label a breadcrumb trail starts with ("您所在的位置：首页 > …"); also a line pattern below.
_LOCATION_LABEL = r"(您?(现在|当前)?所在的?位置|您(现在)?的位置|当前(的)?位置|现在的?位置)\s*[:：]"
_LOCATION = re.compile(r"^\s*" + _LOCATION_LABEL)
_NEVER = ("script", "style", "noscript", "iframe", "select", "button", "input", "textarea", "svg", "nav",
          "footer", "aside")
# Words that name a page footer, but also the meta line under a headline ("post-footer", "single-footer").
_FOOTER_WORDS = {"footer", "foot"}
# Words that name a list of readers' comments. Such a list can hold more prose than the post above
# it (a blog post of 4 paragraphs, 63 comments), so "it holds the article" is not enough to keep it.
_COMMENT_WORDS = {"comment", "comments", "pinglun", "reply", "feedback"}
# Less prose than two short sentences outside the list means the list is the page's only text (a
# page whose wrapper happens to be called "comment"). The dev post it was set on has ~400
# characters beside its comments; dev figures hold from 20 to 300.
MIN_PROSE_BESIDE_COMMENTS = 80
# A noisy-named block is kept when its <h1> (at least this long) is part of the <title>.
MIN_HEADLINE_IN_TITLE = 5
_META_DATE = re.compile(r"(?:19|20)\d{2}\s*(?:[-/.]|年)\s*\d{1,2}\s*(?:[-/.]|月)\s*\d{1,2}")
# ---- thresholds (docs/extraction.md: what each guards, the dev sweep, the failure it was set on)
# A <form> holding at least this much prose (or the article's paragraphs) wraps the page: kept.
MIN_FORM_PROSE = 80
# A block that starts with a 相关新闻/热点推荐… heading is dropped when over 30 % links or shorter
# than 3000 characters (a long, prose-heavy block under such a heading is an article).
MAX_HEADED_LINK_SHARE, MAX_HEADED_CHARS = 0.3, 3000
# A 您所在的位置 line longer than this is not a breadcrumb.
MAX_BREADCRUMB_CHARS = 200
# A noisy-named block still holds the article when it has ≥ 3 paragraphs over 40 characters and
# under 20 % links ("content-side").
ARTICLE_PARAGRAPHS, ARTICLE_PARAGRAPH_CHARS, ARTICLE_LINK_SHARE = 3, 40, 0.2
# A footer-named block of at most 120 characters with a date and ≤ 2 links is the date line.
MAX_META_LINE, MAX_META_LINKS = 120, 2
_HIDDEN = re.compile(r"(?:^|;)\s*display\s*:\s*none", re.I)
_BLOCKS = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "article", "section", "blockquote")


def _words(el) -> set[str]:
    out = set()
    for attr in ("class", "id"):
        value = el.get(attr)
        if value:
            out.update(w.lower() for w in _SPLIT.split(value) if w)
    return out


def _heading_text(el) -> str:
    """The text an element starts with (its first heading-like child, or its own first text)."""
    for child in el.iter():
        if child is el:
            text = (el.text or "").strip()
            if text:
                return text
            continue
        if isinstance(child.tag, str):
            text = child.text_content().strip()
            if text:
                return text[:20]
    return ""


def _own_lead(el) -> str:
    """The text an element itself starts with: its own text, or that of a leading inline label."""
    text = (el.text or "").strip()
    if not text and len(el) and el[0].tag in ("span", "b", "strong", "em", "font", "label", "i"):
        text = el[0].text_content().strip()
    return text


def _link_density(el) -> float:
    text = el.text_content()
    total = len(re.sub(r"\s", "", text))
    if total == 0:
        return 0.0
    links = sum(len(re.sub(r"\s", "", a.text_content())) for a in el.iter("a"))
    return links / total


def clean_tree(tree) -> None:
    """Remove boilerplate blocks in place; unwrap layout tables."""
    for el in list(tree.iter(*_NEVER)):
        _drop(el)
    for el in tree.iter("center"):
        el.tag = "div"  # a block (captions are often centred this way) that trafilatura skips
    for el in list(tree.iter("form")):
        # ASP.NET and CMS templates wrap the whole page, or the article, in one <form>:
        # keep its content then; search and comment forms are dropped.
        if _holds_article(el) or _prose_length(el) >= MIN_FORM_PROSE:
            el.drop_tag()
        else:
            _drop(el)
    for el in list(tree.iter(etree.Comment)):
        _drop(el)
    for el in list(tree.xpath("//body//*[@style]")):
        # blocks the page never shows (profile cards, dialogs, toasts); `visibility: hidden` is
        # left alone: WeChat ships the article itself that way until its script runs
        if _HIDDEN.search(el.get("style") or "") and el.getparent() is not None and not _holds_article(el):
            _drop(el)
    title = re.sub(r"\s", "", tree.findtext(".//title") or "")
    # the prose outside every comment-named block: when there is little, those blocks are the
    # page's text (a message board's message and its official reply), not readers' comments
    uncommented = _prose_beside_comments(tree)
    headline_blocks: dict = {}  # noisy-named blocks kept for the headline they hold -> their noise words
    for el in list(tree.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None or el.tag in ("html", "body"):
            continue
        words = _words(el)
        noise = words & _NOISE_WORDS
        if noise and noise <= _COMMENT_WORDS and _holds_article(el) and uncommented >= MIN_PROSE_BESIDE_COMMENTS:
            _drop(el)  # readers' comments under a post: out, however much they hold
            continue
        if noise and not _holds_article(el):
            if _holds_headline(el, title) or any(noise <= kept for kept in _headline_noise(el, headline_blocks)):
                # a message board's "replyInfoHead": the page's headline, and its "replyTime" line
                headline_blocks[el] = noise
                continue
            if noise <= _FOOTER_WORDS and _is_meta_line(el):
                continue  # <h6 class="post-footer">2019年09月11日 …</h6>: the article's own date line
            _drop(el)
            continue
        headed = el.tag in ("div", "ul", "ol", "table", "section", "dl")
        if headed and _NOISE_HEADINGS.match(_heading_text(el)):
            if _link_density(el) > MAX_HEADED_LINK_SHARE or len(el.text_content()) < MAX_HEADED_CHARS:
                _drop(el)
        elif (headed or el.tag in ("p", "span", "td")) and _LOCATION.match(_own_lead(el)) \
                and len(re.sub(r"\s", "", el.text_content())) < MAX_BREADCRUMB_CHARS:
            _drop(el)  # "您所在的位置：首页 > 快讯 > 公司": a breadcrumb, whatever its class
    unwrap_layout_tables(tree)
    paragraph_divs(tree)


_INNER_BLOCKS = ("p", "div", "table", "ul", "ol", "dl", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section",
                 "article", "blockquote", "br", "form", "center", "pre")


def paragraph_divs(tree) -> None:
    """A <div> that holds only a line of inline text among <p> siblings reads as a paragraph.

    Image captions (`<div class="img_wrapper"><img><span>图说…</span></div>`) and one-line
    leads sit between the article's paragraphs this way; trafilatura reads a div as text only
    while the <p>s hold under ~750 characters, so a long article loses them. Link-only divs (a
    video title, a related link) stay divs.

    Linear in the size of the page: each parent's <p>s are counted once, not once per div
    child (a page of thousands of one-line divs under one parent made this quadratic). The
    count is not updated as divs become <p>s: a div only becomes one where the count is
    already at least 2, so the decisions are the same."""
    prose_ps: dict = {}  # parent -> its non-empty <p> children (the dict keeps the lxml proxies alive)
    for el in list(tree.iter("div")):
        parent = el.getparent()
        if parent is None or any(isinstance(c.tag, str) and c.tag in _INNER_BLOCKS for c in el.iter() if c is not el):
            continue
        text = re.sub(r"\s", "", el.text_content())
        if len(text) < 2 or _link_density(el) > 0.5:
            continue
        if parent not in prose_ps:
            prose_ps[parent] = sum(1 for c in parent if c.tag == "p" and c.text_content().strip())
        if prose_ps[parent] >= 2:
            el.tag = "p"


def _headline_noise(el, headline_blocks: dict) -> list[set]:
    """The noise words of the blocks around `el` that were kept for the headline they hold."""
    return [headline_blocks[a] for a in el.iterancestors() if a in headline_blocks] if headline_blocks else []


def _holds_headline(el, title: str) -> bool:
    """A block holding an <h1> whose text is part of the page's <title>: the headline's block."""
    return any(MIN_HEADLINE_IN_TITLE <= len(t) and t in title
               for t in (re.sub(r"\s", "", h.text_content()) for h in el.iter("h1")))


def _holds_article(el) -> bool:
    """A noisy-named wrapper that still holds most of the page's paragraphs (e.g. id="content-side",
    a message board's "replyContent"): <p>s, or runs of sentences between <br>s."""
    paragraphs = sum(1 for p in el.iter("p") if len(p.text_content().strip()) > ARTICLE_PARAGRAPH_CHARS)
    runs = [br.tail for br in el.iter("br")] + [parent.text for parent in {br.getparent() for br in el.iter("br")}]
    paragraphs += sum(1 for r in runs if r and len(r.strip()) > ARTICLE_PARAGRAPH_CHARS and re.search(r"[，。！？；]", r))
    return paragraphs >= ARTICLE_PARAGRAPHS and _link_density(el) < ARTICLE_LINK_SHARE


def _prose_length(el) -> int:
    """Characters of non-link text in sentences (with Chinese punctuation) under `el`."""
    text = re.sub(r"\s", "", el.text_content())
    if not re.search(r"[，。；！？]", text):
        return 0
    links = sum(len(re.sub(r"\s", "", a.text_content())) for a in el.iter("a"))
    return len(text) - links


def _prose_beside_comments(tree) -> int:
    """Prose characters of the page body outside every block named as comments."""
    body = tree.find("body")
    named = [el for el in tree.iter() if isinstance(el.tag, str) and (_words(el) & _COMMENT_WORDS)]
    inside = set(named)
    outer = [el for el in named if not any(a in inside for a in el.iterancestors())]
    return _prose_length(body if body is not None else tree) - sum(_prose_length(el) for el in outer)


def _is_meta_line(el) -> bool:
    """A short block with a date and few links: the byline/date line of an article, not a page footer."""
    text = re.sub(r"\s", "", el.text_content())
    return 0 < len(text) <= MAX_META_LINE and bool(_META_DATE.search(text)) and len(list(el.iter("a"))) <= MAX_META_LINKS \
        and not re.search(r"(版权|Copyright|ICP|©)", text, re.I)


# A data table (a notice's 附表, a programme list) has at least this many rows of at least this
# many cells, none longer than MAX_DATA_CELL characters, and few links. The dev notice's table has
# 43 rows; 3 × 3 keeps a small results table, while a layout table (one or two
# columns of blocks) never qualifies and link-heavy grids are navigation.
MIN_DATA_ROWS, MIN_DATA_CELLS, MAX_DATA_CELL, MAX_DATA_LINK_SHARE = 3, 3, 120, 0.2


def is_data_table(table) -> bool:
    """Rows of short cells with few links, even when a cell wraps its text in a div or breaks it."""
    if table.find(".//table") is not None:
        return False
    rows = [tr for tr in table.iter("tr")]
    wide = [tr for tr in rows if len(tr.findall("td") + tr.findall("th")) >= MIN_DATA_CELLS]
    if len(wide) < MIN_DATA_ROWS or len(wide) < 0.6 * len(rows):
        return False
    cells = table.findall(".//td")
    if any(len(re.sub(r"\s", "", c.text_content() or "")) > MAX_DATA_CELL for c in cells):
        return False
    return _link_density(table) < MAX_DATA_LINK_SHARE


def table_rows(table) -> list[str]:
    """A data table as lines: one per row, its cells (and a cell's broken lines) joined by a space."""
    for br in table.iter("br"):
        br.tail = " " + (br.tail or "")
    out = []
    for tr in table.iter("tr"):
        cells = [re.sub(r"[\s\u3000\u00a0]+", " ", c.text_content()).strip() for c in tr if c.tag in ("td", "th")]
        line = " ".join(c for c in cells if c)
        if line:
            out.append(line)
    return out


def unwrap_layout_tables(tree) -> None:
    """Tables used for page layout become divs; data tables (short cells, no blocks inside) stay."""
    # (the element list keeps the proxies alive, so their ids stay theirs)
    inside_data = [el for t in tree.iter("table") if is_data_table(t) for el in t.iter()]
    keep = {id(el) for el in inside_data}
    for table in list(tree.iter("table")):
        if id(table) in keep:
            continue
        cells = table.findall(".//td")
        nested = any(c.tag in ("p", "div", "table", "h1", "h2", "h3", "br") for c in table.iter() if c is not table)
        long_cell = any(len((c.text_content() or "").strip()) > 120 for c in cells)
        if nested or long_cell:
            for el in table.iter("table", "tbody", "thead", "tfoot", "tr", "td", "th"):
                if id(el) in keep:
                    continue
                el.tag = "div"
                for attr in ("width", "align", "colspan", "rowspan", "valign"):
                    el.attrib.pop(attr, None)


def _drop(el) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail and tail.strip():
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


# Lines inside the article container that are not article text.
_LINE_PATTERNS = [
    r"^[\[【(（]?\s*(责任编辑|编辑|责编|审核|校对|值班编辑|实习编辑|监制|主编|终审|审校|编审)\s*[:：|｜]",
    r"^[\[【(（]?\s*(责任编辑|编辑|责编)\s*\S{1,8}\s*[\]】)）]?$",
    r"^[\[【(（]?\s*原标题\s*[:：]",
    r"^[\[【(（]?\s*免责声明",
    r"^[\[【(（]?\s*(声明|特别声明|版权声明)\s*[:：]",
    r"^(来源|稿件来源|文章来源|信息来源|转载自|本文来源|本文转自|转自)\s*[:：|｜]\s*\S{1,30}$",
    r"^(作者|记者|撰稿|通讯员|摄影)\s*[:：|｜]?\s*\S{1,20}$",
    r"^(作者|记者|撰稿|撰文|通讯员|摄影|摄像|采写|采访|文字|图片|视频|制图|统筹|策划)\s*[:：|｜]\s*[^，。！？；]{1,30}$",
    r"^[^，。！？；]{0,30}(供稿|(?<!责任)编辑\s*[/／]|摄影\s*[/／])[^，。！？；]{0,30}$",
    r"返回.{1,8}[，,]\s*查看更多$",
    r"^(发布时间|发表时间|时间|日期|发布日期|更新时间)\s*[:：]",
    r"^[^，。！？]{0,20}(发表于|发布于|发帖时间|张贴于?)\s*[:：@]?\s*(19|20)\d{2}[^，。！？]{0,50}$",  # a post's footer line
    r"^[^，。！？]{0,30}于\s*(19|20)\d{2}[^，。！？]{0,50}(发表|发布|张贴)[.。]?$",  # 本贴由某某于…在〖某版〗发表.
    r"^(分享到|分享至|扫一扫|扫描二维码|微信扫一扫|打开微信|长按识别|手机看新闻|关注公众号)",
    # a WeChat article's widget lines, kept by the pages that mirror it
    r"^(预览时标签不可点|继续滑动看下一个|向上滑动看下一个|轻触阅读原文|阅读原文\s*[:：]?|微信扫一扫.{0,12}|"
    r"关注该公众号|使用小程序|知道了|写留言|留言|在看|赞赏|喜欢此内容的人还喜欢)$",
    r"^阅读原文\s*[:：]\s*\S+$",
    r"(扫一扫|二维码).{0,20}(关注|手机|分享|下载|阅读)",
    r"^(关键词|标签|Tags?)\s*[:：>]",
    r"^[|｜\s]*(" + _LOCATION_LABEL + r"|位置\s*[:：])",
    r"^[|｜\s]*(网站)?首页\s*(>|»|＞|→)",
    r"^(字号|字体)\s*[:：]?\s*[大中小]?",
    r"^【?(打印|关闭)(本页|窗口)】?",
    r"^(评论(?![人员家者])|我要评论|我要跟帖|已输入\d+字|网友评论|发表评论|条评论|参与评论)",
    r"^(上一篇|下一篇|返回(顶部|列表|首页))",
    r"^(相关(新闻|推荐|阅读|报道|链接)|热点推荐|延伸阅读|推荐阅读|为您推荐|猜你喜欢)\s*[:：]?$",
    r"^[（(]?本文来自.{0,30}(APP|客户端|公众号)",
    r"^[（(]?(部分)?(图片|信息|内容|素材|资料|文字|图文)(均)?(来源|来自)于?\s*[:：]?\s*网络[^。！？]{0,16}[)）]?$",
    r"^(更多猛料|欢迎扫描|下载.{0,10}客户端)",
    r"^(违法和不良信息举报|举报(电话|邮箱)|互联网新闻信息服务许可证|.{0,10}ICP(备|证)\s*\d)",
    r"^(以上内容为资讯信息快照|快照生成时间|信息原文地址|原文链接|本站信息快照)",
    r"^(反侵权公告|版权所有|Copyright|©)",
    r"^(网友评论仅供其表达个人看法|本网站所刊登的信息)",
    r"^\d{4}[-./年]\d{1,2}[-./月]\d{1,2}日?\s*(\d{1,2}:\d{2}(:\d{2})?)?\s*(来源\s*[:：].{0,30})?$",
    r"^[-+•·|]?\s*(推荐|娱乐|体育|财经|时尚|科技|军事|汽车|首页|\+)\s*$",
    r"^第\s*\d+\s*页\s*/?\s*共\s*\d+\s*页",
    r"^.{0,12}(上一页|下一页).{0,12}$",
    r"^(发送给朋友|打印本文|收藏本文|推荐给朋友|复制链接|我要纠错|大\s*中\s*小)$",
    # a telnet-style BBS post's header and origin lines, and its signature separator
    r"^(发信人|寄信人|发信站|转信站|信\s*区|标\s*题)\s*[:：]", r"^※\s*(来源|修改|转载|转寄)", r"^--+$",
    r"^【\s*在.{1,40}(的大作中|来信中)提到\s*[:：]?\s*】",
    # a breadcrumb of three or more parts joined by arrows: "| 某论坛 → 某版 → 文章阅读 |"
    r"^[|｜\s]*[^，。！？|｜]{1,20}(\s*(→|›|»)\s*[^，。！？|｜]{1,20}){2,}[|｜\s]*$",
]
_LINE = re.compile("|".join(f"(?:{p})" for p in _LINE_PATTERNS), re.I)
_LEAD = re.compile(r"^(本文转自|转自|来源)\s*[:：]\s*[^\s，。]{2,24}\s+")


# A line after which the rest of the container is not the article any more.
_STOP = re.compile(
    r"^[\[【(（■]?\s*(责任编辑\s*[:：]|反侵权公告|版权声明|免责声明|点击进入专题|幻灯欣赏|相关(新闻|阅读|报道|链接|推荐|文章)|延伸阅读|"
    r"推荐阅读|热点推荐|更多精彩|猜你喜欢|为您推荐|新浪新闻公众号|All Rights Reserved|网友评论|我来说两句|"
    r"以上内容为资讯信息快照|本站信息快照)"
)
_BYLINE_LINE = re.compile(r"^[^，。；！？]{0,12}(记者|通讯员|特约撰稿|撰文|文/|图/|摄影)[^，。；！？]{1,30}$")


def is_stop_line(line: str) -> bool:
    return bool(_STOP.match(line.strip()))


# A line that is only an organisation's name: a report's or notice's issuing body, a research
# group (课题组, 调研组), an office — a byline under a headline, a signature over a notice's date.
_ISSUER = re.compile(r"^[\u4e00-\u9fff（）()·、]{2,40}?(课题组|调研组|调查组|研究室|研究院|研究所|研究中心|研究会|"
                     r"办公室|办公厅|委员会|人民政府|联合会|协会|学会|工会|领导小组|工作组)$")


def is_issuer_line(line: str) -> bool:
    return bool(_ISSUER.match(re.sub(r"[\s\u3000]+", "", line)))


def is_byline_line(line: str) -> bool:
    """'新京报记者 彭冲 山东冠县报道', '光明日报记者 王建宏 张文攀' above the text."""
    return len(line) <= 40 and bool(_BYLINE_LINE.match(line.strip()))


def is_boilerplate_line(line: str) -> bool:
    return bool(_LINE.search(line.strip()))


def strip_reprint_lead(paragraph: str) -> str:
    """'本文转自：某网　正文…' -> '正文…' (the lead names the source; the text follows)."""
    return _LEAD.sub("", paragraph.strip().replace("\u3000", " "), count=1).strip()
