"""The article's own publication time.

Pages carry many dates: the article's, those of related items, the copyright year, the fetch
time of a snapshot. The order of trust, most to least: machine-readable meta tags and JSON-LD;
a date labelled as the publication time (发布时间, 发表于, 时间：…) — the first such label after
the headline; the first date *with a time of day* after the headline; a date in the URL
(`/2024/0408/`, `/20240408/`, `/050427/`); the first date after the headline. Related lists are
already removed from the tree. A bare year is never turned into January 1st, and a date later
than the fetch time is refused.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

SHANGHAI = timezone(timedelta(hours=8))

_Y = r"((?:19|20)\d{2})"
_DATE = (_Y + r"\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?"
         r"(?:\s*(?:T|\s)?\s*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?)?")
DATE_RE = re.compile(_DATE)
# (An update time, 更新时间/修改日期, is no publication label: printed before 发布时间 it would win;
# alone it is still read as the first date with a time of day.)
_LABEL = re.compile(r"(发布时间|发表时间|发表于|发布日期|发稿时间|(?<!更新)(?<!修改)(?:时间|日期)|Published|"
                    r"publish(?:ed)?\s*(?:time|date)?|来源时间|Posted)\s*[:：]?\s*" + _DATE, re.I)
# "本贴由某某于2005年8月12日16:12:21在〖某版〗发表": a forum's post line, the date before the verb.
_POSTED = re.compile(r"于\s*" + _DATE + r"[^。\n]{0,40}?(?:发表|发布|发帖|张贴)")
_META_NAMES = ("article:published_time", "og:release_date", "pubdate", "publishdate", "publish_date", "PubDate",
               "pubtime", "datePublished", "dc.date", "dc.date.issued", "DC.date.issued", "sailthru.date",
               "weibo: article:create_at", "article:published", "published_time", "firstpublishedtime",
               "publishtime", "Publishdate", "OriginalPublicationDate", "apub:time")
# Last-modified stamps: the same day as publication on nearly every news page, so a fallback when
# the page shows no dated line ("发布时间：09-30 22:46" without a year) and the URL has no date.
_MODIFIED_NAMES = ("dateModified", "dateUpdate", "article:modified_time", "og:updated_time", "lastmodifiedtime",
                   "weibo: article:update_at")
# Publication time kept in a page script: `var publishdate = '…'`, `"pubtime": "…"`, `pagepubtime: '…'`.
_SCRIPT_PUB = re.compile(r"""\b(?:page)?pub(?:lish)?_?(?:time|date)["']?\s*[:=]\s*["']\s*""" + _DATE, re.I)
_URL_PATTERNS = [
    re.compile(r"/(20\d{2})[-/_]?(\d{2})[-/_]?(\d{2})(?:/|\d|_|\.|$)"),
    re.compile(r"/(20\d{2})(\d{2})/(\d{2})/"),
    re.compile(r"/(20\d{2})-(\d{2})/(\d{2})/"),
    re.compile(r"/(\d{2})(\d{2})(\d{2})/\d+/"),  # /050427/347/: yymmdd
    re.compile(r"[/_-](20\d{2})(\d{2})(\d{2})[/_.-]"),
]


def _make(y, mo, d, hh=None, mi=None, ss=None) -> datetime | None:
    try:
        year = int(y)
        if year < 100:
            year += 2000
        dt = datetime(year, int(mo), int(d), int(hh or 0), int(mi or 0), int(ss or 0), tzinfo=SHANGHAI)
    except (TypeError, ValueError):
        return None
    if dt.year < 1990:
        return None
    return dt


def _fmt(dt: datetime, has_time: bool) -> str:
    if has_time:
        return dt.isoformat(timespec="seconds")
    return dt.date().isoformat()


def _limit(fetched_at: str | None) -> datetime:
    if fetched_at:
        try:
            dt = datetime.fromisoformat(fetched_at)
            return (dt if dt.tzinfo else dt.replace(tzinfo=SHANGHAI)) + timedelta(hours=1)
        except ValueError:
            pass
    return datetime.now(SHANGHAI) + timedelta(hours=1)


def _from_match(m, limit) -> tuple[datetime, bool] | None:
    g = m.groups()[-6:]
    dt = _make(*g)
    if dt is None or dt > limit:
        return None
    return dt, g[3] is not None


def _parse_iso(value: str) -> tuple[datetime, bool] | None:
    value = value.strip()
    m = DATE_RE.search(value)
    if not m:
        return None
    g = m.groups()
    dt = _make(*g)
    if dt is None:
        return None
    # an explicit offset other than +08:00: convert to Shanghai time
    off = re.search(r"T\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})$", value)
    if off and g[3] is not None:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            dt = parsed.astimezone(SHANGHAI)
        except ValueError:
            pass
    return dt, g[3] is not None


def _meta_date(tree, limit):
    for name in _META_NAMES:
        for value in tree.xpath(f"//meta[@name='{name}' or @property='{name}' or @itemprop='{name}']/@content"):
            found = _parse_iso(value)
            if found and found[0] <= limit:
                return found
    for script in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            # schema.org's datePublished; Baidu's cambrian JSON-LD (熊掌号) says pubDate
            value = item.get("datePublished") or item.get("pubDate") if isinstance(item, dict) else None
            if isinstance(value, str):
                found = _parse_iso(value)
                if found and found[0] <= limit:
                    return found
    return None


_WECHAT_CT = re.compile(r"""\bvar\s+ct\s*=\s*["']?(1\d{9})["']?""")


def _script_date(tree, limit):
    """WeChat articles carry their publication time as a Unix timestamp (`var ct = "…"`)."""
    for script in tree.xpath("//script[not(@src)]/text()"):
        m = _WECHAT_CT.search(script)
        if m:
            dt = datetime.fromtimestamp(int(m.group(1)), SHANGHAI)
            if dt <= limit:
                return dt, True
    return None


def _url_date(url: str | None, limit):
    if not url:
        return None
    for pattern in _URL_PATTERNS:
        m = pattern.search(url)
        if m:
            dt = _make(*m.groups())
            if dt and dt <= limit:
                return dt, False
    return None


def _first(pattern, text: str, limit, with_time: bool = False):
    """The first plausible date `pattern` finds in `text` (optionally: one with a time of day)."""
    for m in pattern.finditer(text):
        found = _from_match(m, limit)
        if found and (found[1] or not with_time):
            return found
    return None


def weak_dates(tree, fetched_at: str | None = None):
    """Dates the page keeps for machines but weaker than meta tags: a publication time in a script
    variable, and a last-modified stamp. Read before boilerplate removal (which drops scripts)."""
    limit = _limit(fetched_at)
    script = None
    for text in tree.xpath("//script[not(@src)]/text()"):
        m = _SCRIPT_PUB.search(text)
        if m:
            script = _from_match(m, limit)
            if script:
                break
    modified = None
    for name in _MODIFIED_NAMES:
        for value in tree.xpath(f"//meta[@name='{name}' or @property='{name}' or @itemprop='{name}']/@content"):
            found = _parse_iso(value)
            if found and found[0] <= limit:
                modified = found
                break
        if modified:
            break
    return script, modified


def machine_date(tree, fetched_at: str | None = None):
    """A date the page states for machines (meta tags, JSON-LD, WeChat's timestamp), if any.

    Read from the tree before boilerplate removal, which drops scripts."""
    limit = _limit(fetched_at)
    return _meta_date(tree, limit) or _script_date(tree, limit)


# Dates that belong to the page's furniture, not to the article: the poster's registration and
# last-login days in a forum's author column, a reply's or an edit's time, a blog header's clock
# ("今天是 2006年12月27日"), and in a 政务公开 page's index table the days a document was written
# (成文日期, 发文日期) or takes effect (实施日期) beside its 发布日期. Masked before any rule reads the text.
_FURNITURE = re.compile(
    r"(注册|注册时间|注册日期|加入时间|入站时间|来访时间|最后登[录陆]|上次登[录陆]|登[录陆]时间|在线时间|最后回复|最新回复|"
    r"回复时间|回复日期|回帖时间|今天是|今日是|今天|现在是|现在时间|当前时间|系统时间|"
    r"成文日期|成文时间|发文日期|印发日期|生效日期|实施日期|施行日期|废止日期|失效日期|有效期至)"
    r"\s*[:：]?\s*[(（]?\s*" + _DATE
    + r"|本帖最后由[^\n]{0,30}?于\s*" + _DATE + r"\s*编辑|(?:编辑|修改)于\s*" + _DATE + r"|在\s*" + _DATE + r"\s*重新编辑")
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}
# A telnet-style BBS header: "发信站: 某站 (Sat Aug 13 16:12:21 2005)" (C's ctime, in English).
_CTIME = re.compile(r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\w*,?\s+(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\w*\s+"
                    r"(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+((?:19|20)\d{2})", re.I)


# An English date on a blog's theme: "September 10th, 2005", "Sep 10, 2005", "10 September 2005".
_MONTH_NAME = r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
_ENGLISH = re.compile(r"\b" + _MONTH_NAME + r"\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{2})\b|"
                      r"\b(\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH_NAME + r",?\s+((?:19|20)\d{2})\b", re.I)
# A date in Chinese numerals, as notices are signed: "二〇〇四年十二月十日".
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0, "O": 0, "0": 0}
_CN_DATE = re.compile(r"([一二][〇○零O0一二三四五六七八九]{3})\s*年\s*([一二三四五六七八九十]{1,2})\s*月\s*"
                      r"([一二三四五六七八九十]{1,3})\s*日")


def _cn_number(text: str) -> int:
    """一..三十一 -> 1..31 (十 = 10, 十二 = 12, 二十 = 20, 二十三 = 23)."""
    if "十" not in text:
        return _CN_DIGITS[text]
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def _cn_date(m) -> str:
    year = "".join(str(_CN_DIGITS[c]) for c in m.group(1))
    try:
        return f"{year}年{_cn_number(m.group(2))}月{_cn_number(m.group(3))}日"
    except KeyError:
        return m.group()


def _english_date(m) -> str:
    month, day, year = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(5), m.group(4), m.group(6))
    return f"{year}-{_MONTHS[month.lower()[:3]]:02d}-{int(day):02d}"


# An old portal's short stamp: "[04-12-10 10:20]" — a two-digit year, read only with a time of day.
_SHORT_YEAR = re.compile(r"(?<![\d./-])(\d{2})-(\d{1,2})-(\d{1,2})\s+(\d{1,2}:\d{2}(?::\d{2})?)(?![\d:])")


def _short_year(m) -> str:
    yy = int(m.group(1))
    return f"{(2000 if yy < 90 else 1900) + yy}-{m.group(2)}-{m.group(3)} {m.group(4)}"


# An ASP page on an English-locale server: "5/6/2003 10:20:31 AM" (month/day/year), read only with
# the time and its AM/PM, which tell this order from a day/month one.
_US_TIME = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(AM|PM|上午|下午)",
                      re.I)


def _us_time(m) -> str:
    hour = int(m.group(4)) % 12 + (12 if m.group(7).upper() in ("PM", "下午") else 0)
    return f"{m.group(3)}-{int(m.group(1)):02d}-{int(m.group(2)):02d} {hour:02d}:{m.group(5)}:{m.group(6) or '00'}"


def visible_dates(text: str) -> str:
    """The text as the date rules read it: furniture dates blanked out, telnet-style English
    times, English month names, two-digit years with a time, month/day/year times with AM/PM
    and Chinese-numeral dates rewritten as digits."""
    text = _FURNITURE.sub(lambda m: " " * len(m.group()), text)
    text = _CTIME.sub(lambda m: f"{m.group(6)}-{_MONTHS[m.group(1).lower()[:3]]:02d}-{int(m.group(2)):02d} "
                                f"{int(m.group(3)):02d}:{m.group(4)}:{m.group(5)}", text)
    text = _ENGLISH.sub(_english_date, text)
    text = _SHORT_YEAR.sub(_short_year, text)
    text = _US_TIME.sub(_us_time, text)
    return _CN_DATE.sub(_cn_date, text)


_RELATIVE = re.compile(r"^\s*(?:\d+\s*(?:秒|分钟|小时|天|周|个月)前|半小时前|刚刚|昨天|前天|今天|\d+\s*(?:seconds?|minutes?|hours?|days?)\s+ago)",
                       re.I)


def show_tooltip_dates(tree) -> None:
    """Forums show a recent post's time as "3 天前" / "昨天 10:20" and keep the exact time in the
    element's title attribute (Discuz, phpwind): show the exact time instead, as the reader sees
    it on hovering. Also when the shown text has the day and the tooltip adds the time."""
    for el in tree.xpath("//body//*[@title]"):
        full = DATE_RE.fullmatch((el.get("title") or "").strip())
        if not full or len(el):
            continue
        shown = el.text or ""
        day = DATE_RE.search(shown)
        if _RELATIVE.match(shown) or (day and not day.group(4) and full.group(4) and day.groups()[:3] == full.groups()[:3]):
            el.text = (shown[:day.start()] if day else "") + full.group() + (shown[day.end():] if day else "")


def _date_line(lines: list[str], limit):
    """The first of `lines` that is a date on its own (a weekday at most beside it)."""
    for line in lines:
        m = DATE_RE.search(line)
        if m and len(re.sub(r"[\s\u3000()（）\[\]【】|]", "", DATE_RE.sub("", line))) <= MAX_LINE_ABOVE_REST:
            found = _from_match(m, limit)
            if found:
                return found
    return None


def _first_in_footer(footer: str, limit):
    """The footer's first labelled, post-line or timed date, in the order they are printed: the
    post's own line comes first, a short reply's "发表于 …" after it."""
    hits = []
    for pattern in (_LABEL, _POSTED, DATE_RE):
        for m in pattern.finditer(footer):
            found = _from_match(m, limit)
            if found and (pattern is not DATE_RE or found[1]):
                hits.append((m.start(), found))
                break
    return min(hits, key=lambda h: h[0])[1] if hits else None


def _until_prose(footer: str) -> str:
    """The footer up to the first line of prose after the text (a reply's text, the next post):
    the dates after it are other posts'. A line with a date in it is never that prose."""
    out = []
    for line in footer.split("\n"):
        if len(line.strip()) >= 20 and re.search(r"[，。！？；]", line) and not DATE_RE.search(line):
            break
        out.append(line)
    return "\n".join(out)


def _first_after_text(footer: str, limit):
    """The first date after the text, with a time of day (no prose comes before it: the footer
    ends at the first): a post's time printed under a long signature, before the replies."""
    m = DATE_RE.search(footer)
    return _from_match(m, limit) if m and m.group(4) else None


def _line_above(before_title: str, limit):
    """A date on a line of its own right above the headline (a blog's date header, a portal's
    date in the corner above the title): one of the two lines before it."""
    return _date_line([ln for ln in visible_dates(before_title[-200:]).split("\n") if ln.strip()][-2:][::-1], limit)


# A labelled date without its year ("发布时间：03-18 09:12" on self-media and mobile pages).
_NO_YEAR = re.compile(r"(?:发布时间|发表时间|发表于|发布日期|发布于|时间|日期)\s*[:：]?\s*(\d{1,2})\s*[-/月]\s*(\d{1,2})\s*日?"
                      r"(?:\s*(\d{1,2})[:：](\d{2}))?(?![\d-])")


def _without_year(text: str, fetched_at: str | None):
    """A labelled month-and-day date, in the year of the fetch (the year before when that would
    put it after the fetch). Only with a fetch time: without one the year is unknown."""
    if not fetched_at:
        return None
    limit = _limit(fetched_at)
    m = _NO_YEAR.search(text)
    if not m:
        return None
    month, day, hour, minute = m.groups()
    for year in (limit.year, limit.year - 1):
        dt = _make(year, month, day, hour, minute)
        if dt and dt <= limit:
            return dt, hour is not None
    return None


def find_date(text_after_title: str, url: str | None, fetched_at: str | None = None,
              machine=None, weak=(None, None), header: str | None = None, footer: str = "",
              before_title: str = "", closing: list[str] = ()) -> str | None:
    """ISO 8601 (with +08:00 when the page shows a time of day), or None.

    `machine` is what `machine_date` found; without it the visible text decides: `header` is the
    text between the headline and the article's first sentence (defaults to the start of
    `text_after_title`), `footer` the lines right after its last one, where blogs and forums
    print "发表于 …" / "本贴由某某于…发表". `weak` is what `weak_dates` found (script variable,
    last-modified stamp), trusted after the text. Two more places are read after the footer's
    labelled and timed dates: a date line of its own right above the headline (`before_title`:
    a blog's date header), and a date line among `closing` (read last first: the text's last
    two lines, where a notice is signed, and before them a sign-off date under the issuer's
    name when attachments follow it). All text is read through `visible_dates` (furniture dates out,
    English and Chinese-numeral dates as digits). Last, with a fetch time, a labelled date
    without a year. Dates inside the article's sentences (a deadline, an anniversary) are never
    taken for the publication date."""
    limit = _limit(fetched_at)
    head = visible_dates(text_after_title[:HEAD_CHARS])
    header = head if header is None else visible_dates(header[:HEAD_CHARS])
    far = _until_prose(visible_dates(footer[:FAR_FOOT_CHARS]))
    footer = far[:FOOT_CHARS]
    script, modified = weak
    found = (machine
             or _first(_LABEL, head, limit) or _first(_POSTED, head, limit)
             or _first(DATE_RE, head[:TIMED_CHARS], limit, with_time=True)
             or _first(DATE_RE, header, limit)
             or _first_in_footer(footer, limit)
             or _first_after_text(far, limit)
             or _line_above(before_title, limit)
             or _date_line([visible_dates(line) for line in closing[::-1]], limit)
             or script
             or _url_date(url, limit)
             or modified
             or _first(DATE_RE, footer, limit)
             or _without_year(head, fetched_at))
    return _fmt(*found) if found else None


# How far after the headline a labelled date is looked for, and a date with a time of day (the
# values of extraction 1.4, kept: a short post's footer "发表于 …" falls inside 1500 characters).
HEAD_CHARS, TIMED_CHARS = 1500, 600
# How much of the text after the article's last line is its footer: a post's own "发表于 …" /
# "本贴由…于…发表" line comes first, the replies' dates after it. Dev: 40-400 give the same figures.
FOOT_CHARS = 120
# How far after the text its first timed date is still the post's own, when no prose (a reply)
# comes before it: a signature of a few lines, an IP line.
FAR_FOOT_CHARS = 600
# A date line above the headline may carry this many other characters (a weekday: 星期三).
MAX_LINE_ABOVE_REST = 4
