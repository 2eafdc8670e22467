"""Deduplication at three levels: the URL, the exact text, the story (reprints).

- `canonical_url`: one spelling per page (scheme/host case, default port, fragment, tracking
  parameters, index pages, declared mobile hosts).
- `body_hash`: a hash of the normalised text; equal hashes are one article with several URLs.
- `is_near_duplicate` / `StoryIndex`: a reprint (转载) — another lead, a "本文转自" line, an
  editor footer, a cut paragraph, traditional characters, a snapshot site's wrapping — joins the
  story of the earliest archived article it matches, while look-alikes (the next sitting of the
  same meeting, a template story about another event) stay apart.

Matching compares normalised text (script, width, pinyin notes, source and editor lines folded
away) by *containment* and by long shared runs (so an excerpt or a cut version still matches),
then checks what differs: a reprint adds, cuts or rewrites whole passages, a look-alike
*substitutes* items (a date, a figure, a period, a place, a name) inside otherwise equal text,
or puts other cases into the same frame. Candidates come from a MinHash LSH index stored in
archive.db (`dedupe_bands`), looked up per insert, never a scan.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np

from pipelines.boilerplate import is_boilerplate_line
from pipelines.textfold import fold
from pipelines.vocabulary import tokenizer



# ------------------------------------------------------------------------------------ URL level

TRACKING = re.compile(r"^(utm_\w+|spm|from|share|share_\w+|shareid|sharer?|scene|isappinstalled|wfr|wxfrom|"
                      r"clicktime|enterid|_wv|timestamp|ts|refer|ref|fromsource|source|s_\w+|bdshare\w*|"
                      r"fbclid|gclid|mpshare|srcid|from_\w+)$", re.I)
INDEX_PAGE = re.compile(r"/(index|default)\.(html?|shtml|php|aspx?|jsp)$", re.I)


def canonical_url(url: str, mobile_hosts: dict[str, str] | None = None) -> str:
    """The one spelling of a URL that the archive keys articles by."""
    parts = urlsplit((url or "").strip())
    scheme = (parts.scheme or "http").lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if mobile_hosts and host in mobile_hosts:
        host = mobile_hosts[host].lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, {"http": 80, "https": 443}.get(scheme)) else f"{host}:{port}"
    path = INDEX_PAGE.sub("/", parts.path or "/")
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not TRACKING.match(k)))
    return urlunsplit((scheme, netloc, path, query, ""))


# ------------------------------------------------------------------------------------ text level

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


# ------------------------------------------------------------------------------------ near level

K = 5                   # characters per shingle
PREFILTER = 0.45        # shingle containment below which two texts are not compared further
COVERAGE = 0.5          # share of the shorter text that must lie in long runs shared in order
RUN = 20                # a run of equal text this long is copied, not a shared phrase
ANCHOR = 4              # equal text shorter than this between two edits joins them into one
SUBSTITUTION = 16       # longest replacement that still counts as swapping one item
DATE_WINDOW_DAYS = 365  # a reprint appears within a year of its original
CLOSE_WINDOW_DAYS = 30  # ... and within a month when it shares less than 3/4 of its text
CLOSE = 0.75


def shingles(text: str, normalised: bool = False) -> set[str]:
    t = text if normalised else normalise(text)
    return {t[i:i + K] for i in range(max(1, len(t) - K + 1))} if t else set()


def containment(a: set, b: set) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


@dataclass
class Edit:
    """One place where two texts differ, with the equal text around it."""
    a: str
    b: str
    a_at: int
    b_at: int
    before: int  # length of equal text before (0 at the start)
    after: int   # ... and after (0 at the end)

    @property
    def inside(self) -> bool:
        return self.before >= ANCHOR and self.after >= ANCHOR

    @property
    def swap(self) -> bool:
        """A short item replaced by another: inside shared text, or at the very start or end with
        a long shared run after/before it (a date swapped in the opening words is still a swap;
        a rewritten lead is longer than SUBSTITUTION)."""
        if not (self.a and self.b and max(len(self.a), len(self.b)) <= SUBSTITUTION):
            return False
        return self.inside or (self.before == 0 and self.after >= RUN) or (self.after == 0 and self.before >= RUN)


def _copied(ops) -> int:
    """Characters of `a` in runs of at least RUN copied in order into `b`. A run may step over
    short pure insertions or deletions (≤ SUBSTITUTION characters, between equal stretches of at
    least ANCHOR): a copy that inserts a word or a junk fragment every line is still a copy, while
    a *replaced* item (another figure, another name) ends the run."""
    shared = run = 0
    for op, i1, i2, j1, j2 in ops:
        if op == "equal" and i2 - i1 >= ANCHOR:
            run += i2 - i1
            continue
        if run and op in ("insert", "delete") and max(i2 - i1, j2 - j1) <= SUBSTITUTION:
            continue
        shared += run if run >= RUN else 0
        run = 0
    return shared + (run if run >= RUN else 0)


def alignment(a: str, b: str) -> tuple[int, list[Edit]]:
    """Characters of `a` in long equal runs shared in order with `b`, and the edits between.

    Edits separated by less than ANCHOR equal characters are one edit: a rewritten lead that
    happens to share a two-character word with the original is one rewrite, not two swaps.
    """
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    shared = _copied(ops)
    edits: list[Edit] = []
    pending = None  # [a1, a2, b1, b2, before]
    last_equal = 0
    for op, i1, i2, j1, j2 in ops:
        if op == "equal":
            if pending and (i2 - i1) >= ANCHOR:
                edits.append(Edit(a[pending[0]:pending[1]], b[pending[2]:pending[3]], pending[0], pending[2],
                                  pending[4], i2 - i1))
                pending = None
            elif pending:
                pending[1], pending[3] = i2, j2
            last_equal = i2 - i1
            continue
        if pending:
            pending[1], pending[3] = i2, j2
        elif last_equal < ANCHOR and i1 == last_equal and j1 == last_equal:
            pending = [0, i2, 0, j2, 0]  # a few equal characters at the very start are no anchor
        else:
            pending = [i1, i2, j1, j2, last_equal]
    if pending:
        edits.append(Edit(a[pending[0]:pending[1]], b[pending[2]:pending[3]], pending[0], pending[2], pending[4], 0))
    return shared, edits


@functools.lru_cache(maxsize=1)
def pos_tokenizer():
    """Part-of-speech tagging over the project's one jieba dictionary (loaded once, and only
    when a pair gets as far as the name check)."""
    import jieba.posseg

    return jieba.posseg.POSTokenizer(tokenizer())


_DIGIT = re.compile(r"\d")
_NUMERAL = re.compile(r"[〇零一二两三四五六七八九十百千万亿]")
_NAME_TAGS = {"nr", "nrfg", "nrt", "ns", "nt", "nz"}
_PLACE_SUFFIX = "省市县区镇乡村旗州盟"


def _is_numeric_edit(e: Edit) -> bool:
    """Another date, figure or sitting: digits on either side, or numerals on both."""
    return bool(_DIGIT.search(e.a + e.b)) or bool(_NUMERAL.search(e.a) and _NUMERAL.search(e.b))


# Words that pin a period: swapping one for another (今年 / 去年, 上半年 / 下半年) is another event;
# swapping vague ones (近日 / 日前) is wording, and they are not listed.
_PERIOD = re.compile(r"[今去明前本上下当同次]年|[上下]半年|年[初底末中]|[今昨明前]天|[今昨明前本次当]日|[本上下]周|"
                     r"[本上下当]月|月[初底中末]|[春夏秋冬]季|[春夏秋冬]天|[上下中]午|凌晨|傍晚|晚上|早上|"
                     r"[上中下]旬|前?[一二三四两1-4]季度|春节|元旦|国庆|清明|端午|中秋|两会")


def _words_at(text: str, at: int, length: int) -> list[tuple[str, str, bool]]:
    """(word, part-of-speech tag, followed by a place suffix) of the words touching the span
    [at, at+length) of text, tagged in a small window around it."""
    lo = max(0, at - 6)
    window = text[lo:at + length + 6]
    start, end = at - lo, at - lo + length
    out, pos = [], 0
    for word, flag in pos_tokenizer().cut(window):
        w_end = pos + len(word)
        if w_end > start and pos < max(end, start + 1):
            out.append((word, flag, w_end >= end and w_end < len(window) and window[w_end] in _PLACE_SUFFIX))
        pos = w_end
    return out


_NUMBER = re.compile(r"\d+|[〇零一二两三四五六七八九十百千万亿]{2,}|[一二两三四五六七八九十][个次名项件起张种人家所条天位批届轮]")


def _numbers(text: str) -> set[str]:
    return set(_NUMBER.findall(text))


def _other_facts(e: Edit, a: str, b: str) -> bool:
    """A passage replaced by another passage, each with figures the other text lacks: the same
    frame around another case (the next 通报 batch), not a rewrite of the same facts."""
    return bool(_numbers(e.a) - _numbers(b)) and bool(_numbers(e.b) - _numbers(a))


def _is_name_edit(e: Edit, a: str, b: str) -> bool:
    """Does the swap touch a proper name (person, place, body, title) on either side?"""
    words = _words_at(a, e.a_at, len(e.a)) + _words_at(b, e.b_at, len(e.b))
    return any(flag in _NAME_TAGS or place for _, flag, place in words)


def _periods_at(text: str, at: int, length: int) -> set[str]:
    lo = max(0, at - 3)
    return {m.group(0) for m in _PERIOD.finditer(text, lo, at + length + 3)
            if m.end() > at and m.start() < at + max(length, 1)}


def _is_time_edit(e: Edit, a: str, b: str) -> bool:
    """Another period (今年 / 去年, 上半年 / 下半年), not another word for 'recently'."""
    ta, tb = _periods_at(a, e.a_at, len(e.a)), _periods_at(b, e.b_at, len(e.b))
    return bool(ta - tb) and bool(tb - ta)


# A rewritten opening may say a date relative to the day of publication: "周三（28日）公布去年…" for
# "1月28日公布了2025年…". Such a swap is forgiven only in the opening words, only when one side
# names a relative day or year, and only when each of its figures is a day the other text also
# dates ("28日"), a month beside the other side's weekday, or a year the other text names or the
# other side says relatively (去年); any other figure swap, and every swap further on, keeps the
# texts apart.
_RELATIVE_DAY = re.compile(r"周[一二三四五六日天]|星期[一二三四五六日天]|[今昨前明]天|[今昨前]日")
_RELATIVE_YEAR = re.compile(r"[今去前明]年")
OPENING = 60


def _relative_date_edit(e: Edit, a: str, b: str) -> bool:
    plain = _RELATIVE_YEAR.sub("", _RELATIVE_DAY.sub("", e.a + "|" + e.b))
    if max(e.a_at, e.b_at) >= OPENING or not _DIGIT.search(plain) or _NUMERAL.search(plain):
        return False  # only digit dates; 一季度 / 五季度 is another period whatever the lead says
    wa = a[max(0, e.a_at - 2):e.a_at + len(e.a) + 2]
    wb = b[max(0, e.b_at - 2):e.b_at + len(e.b) + 2]
    if not (_RELATIVE_DAY.search(wa + wb) or _RELATIVE_YEAR.search(wa + wb)):
        return False

    def dated(figures: str, other: str, other_window: str) -> bool:
        for m in re.finditer(r"\d+", figures):
            n = m.group(0)
            if figures[m.end():m.end() + 1] == "月" and 1 <= int(n) <= 12 and _RELATIVE_DAY.search(other_window):
                continue  # "1月28日" / "周三（28日）": the month goes with the weekday
            if len(n) <= 2 and 1 <= int(n) <= 31:
                if not re.search(r"(?<!\d)" + n + "日", other):
                    return False
            elif len(n) == 4 and n[:2] in ("19", "20"):
                if n not in other and not _RELATIVE_YEAR.search(other_window):
                    return False
            else:
                return False
        return True

    return dated(e.a, b, wb) and dated(e.b, a, wa)


def compare(na: str, nb: str) -> tuple[bool, str]:
    """Same story? On normalised texts; returns the verdict and why (for tests and reports)."""
    ok, why, _ = verdict(na, nb)
    return ok, why


def verdict(na: str, nb: str) -> tuple[bool, str, float]:
    """(same story?, why, coverage): the coverage lets the index ask for a closer date when a
    pair shares only part of its text."""
    if not na or not nb:
        return False, "empty", 0.0
    if na == nb:
        return True, "equal", 1.0
    c = containment(shingles(na, True), shingles(nb, True))
    if c < PREFILTER:
        return False, f"containment {c:.2f}", c
    shorter = min(len(na), len(nb))
    shared, edits = alignment(na, nb)
    cover = shared / shorter
    if cover < COVERAGE:
        return False, f"coverage {cover:.2f}", cover
    swaps = [e for e in edits if e.swap]
    small = [e for e in edits if e.inside and (not e.a or not e.b) and len(e.a + e.b) <= ANCHOR]
    for e in swaps + small:
        if _is_numeric_edit(e) and not _relative_date_edit(e, na, nb):
            return False, f"numbers differ: {e.a or '∅'} / {e.b or '∅'}", cover
    for e in edits:
        if e.inside and min(len(e.a), len(e.b)) > SUBSTITUTION and _other_facts(e, na, nb):
            return False, f"other facts in the same frame: {e.a[:12]}… / {e.b[:12]}…", cover
    for e in swaps:
        # names inside shared text or in the opening words (the wire credit is gone by now), not
        # at the very end, where they are editor credits and sign-offs
        if e.after >= ANCHOR and _is_name_edit(e, na, nb):
            return False, f"names differ: {e.a} / {e.b}", cover
        if _is_time_edit(e, na, nb):
            return False, f"periods differ: {e.a} / {e.b}", cover
    if len(swaps) > 2 + shorter // 100:
        return False, f"{len(swaps)} substitutions", cover
    return True, f"reprint (coverage {cover:.2f}, {len(swaps)} edits)", cover


def near_duplicate_normalised(na: str, nb: str) -> bool:
    return verdict(na, nb)[0]


def is_near_duplicate(a: str, b: str) -> bool:
    """Same story (a reprint or version of it)? The pipeline's rule, for the pair scorer."""
    return near_duplicate_normalised(normalise(a), normalise(b))


# ------------------------------------------------------------------------------------ the index

# 32 bands of 3 rows over the whole text: a pair sharing a third of its shingles (Jaccard 0.33:
# an excerpt, or a rewrite keeping half its text) is a candidate with probability ~0.7; at 0.5,
# ~0.99; unrelated same-topic texts (Jaccard < 0.05) almost never. MinHash estimates Jaccard, not
# containment, so a short excerpt of a long article (Jaccard 0.2) would often be missed: 4 more
# bands over each of the first 100 and 240 characters catch excerpts and cut versions, which
# keep the opening. Changing any of this rebuilds the index (INDEX_VERSION).
BANDS, ROWS, HEAD_BANDS, HEADS = 32, 3, 4, (100, 240)
NUM_PERM = BANDS * ROWS
INDEX_VERSION = f"minhash-k{K}-b{BANDS}-r{ROWS}-h{HEAD_BANDS}x{'-'.join(map(str, HEADS))}-v7"
CANDIDATES = 50  # most-shared candidates verified per lookup
_PRIME = np.uint64((1 << 61) - 1)
_rng = np.random.default_rng(20240508)
_A = _rng.integers(1, (1 << 61) - 1, size=NUM_PERM, dtype=np.uint64)
_B = _rng.integers(0, (1 << 61) - 1, size=NUM_PERM, dtype=np.uint64)


def _shingle_hashes(text: str) -> np.ndarray:
    """Distinct 64-bit hashes of a normalised text's K-character shingles: a polynomial rolling
    hash over code points, vectorised (stable across processes, unlike hash())."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = len(codes) - K + 1
    if n <= 0:
        codes, n = np.pad(codes, (0, K - len(codes))), 1
    h = np.zeros(n, dtype=np.uint64)
    for j in range(K):
        h = h * np.uint64(1000003) + codes[j:j + n]
    h ^= h >> np.uint64(31)
    h *= np.uint64(0x9E3779B97F4A7C15)  # spread the bits before the permutations
    return np.unique(h >> np.uint64(4))


def _bands(text: str, bands: int, offset: int) -> list[int]:
    h = _shingle_hashes(text)
    n = bands * ROWS
    # (a*h + b) mod p, vectorised over permutations x shingles; uint64 wraparound is fine for hashing
    sig = ((np.outer(_A[:n], h) + _B[:n, None]) % _PRIME).min(axis=1)
    return [int.from_bytes(hashlib.blake2b(sig[b * ROWS:(b + 1) * ROWS].tobytes() + bytes([offset + b]),
                                           digest_size=8).digest(), "little", signed=True) for b in range(bands)]


def band_keys(normalised_text: str) -> list[int]:
    """LSH keys of a text: one signed 64-bit integer per band (band number mixed in), whole
    text first, then its opening."""
    if not normalised_text:
        return []
    keys = _bands(normalised_text, BANDS, 0)
    for i, head in enumerate(HEADS):
        keys += _bands(normalised_text[:head], HEAD_BANDS, BANDS + i * HEAD_BANDS)
    return keys


def _days_apart(a: str | None, b: str | None) -> float:
    """Days between two ISO dates; 0 when either is unknown (no date is no evidence)."""
    if not a or not b:
        return 0.0
    try:
        return abs((datetime.fromisoformat(a[:10]) - datetime.fromisoformat(b[:10])).days)
    except ValueError:
        return 0.0


class StoryIndex:
    """Near-duplicate index inside archive.db.

    `dedupe_bands` holds (band key, article id) as a WITHOUT ROWID table keyed on both, so a
    lookup is 32 primary-key range reads and nothing is held in Python memory between calls.
    Never commits: the caller's transaction covers the article, its index rows and its story row
    together, so a crash leaves all three or none.
    """

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        conn.execute("CREATE TABLE IF NOT EXISTS dedupe_meta (key TEXT PRIMARY KEY, value TEXT)")
        row = conn.execute("SELECT value FROM dedupe_meta WHERE key = 'index_version'").fetchone()
        if row is None or row[0] != INDEX_VERSION:
            # an index built with other parameters (or none yet): start it afresh, then fill it
            conn.execute("DROP TABLE IF EXISTS dedupe_bands")
        conn.execute("CREATE TABLE IF NOT EXISTS dedupe_bands (band INTEGER NOT NULL, article_id INTEGER NOT NULL, "
                     "PRIMARY KEY (band, article_id)) WITHOUT ROWID")
        conn.execute("INSERT OR REPLACE INTO dedupe_meta (key, value) VALUES ('index_version', ?)", (INDEX_VERSION,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS stories (id INTEGER PRIMARY KEY, title TEXT, size INTEGER, sites TEXT, "
            "outlets TEXT, source_outlet TEXT, first_published TEXT, last_published TEXT)")
        if (row is None or row[0] != INDEX_VERSION) and conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'articles'").fetchone():
            self.rebuild()

    def candidates(self, keys: list[int]) -> list[int]:
        """Archived articles sharing at least one band, most shared first."""
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        return [r[0] for r in self.conn.execute(
            f"SELECT article_id FROM dedupe_bands WHERE band IN ({marks}) "
            f"GROUP BY article_id ORDER BY count(*) DESC, article_id LIMIT {CANDIDATES}", keys)]

    def matches(self, body: str, published_at: str | None, *, normalised: str | None = None,
                bands: list[int] | None = None) -> list[tuple[str, int, int]]:
        """(published_at, article id, story id) of every archived article this body reprints.

        A story is out as soon as one of its articles *conflicts* with the body (shares most of
        its text but disagrees on a date, figure or name): otherwise a look-alike could join
        through a member that lacks the distinguishing passage (a reprint with a rewritten
        lead matches both the original and the next sitting of the same meeting). The story's
        first article is always checked, whether or not the index offered it.
        `normalised`/`bands`: the body's dedupe keys when the caller has them already.
        """
        nb = normalise(body) if normalised is None else normalised
        found, conflicts, checked = [], set(), set()

        def check(aid: int) -> int | None:
            checked.add(aid)
            row = self.conn.execute("SELECT body, story_id, published_at FROM articles WHERE id = ?", (aid,)).fetchone()
            if row is None or row[1] is None:
                return None
            days = _days_apart(published_at, row[2])
            ok, _, cover = verdict(nb, normalise(row[0]))
            if not ok and cover >= COVERAGE:
                conflicts.add(row[1])
            elif ok and days <= DATE_WINDOW_DAYS and (cover >= CLOSE or days <= CLOSE_WINDOW_DAYS):
                found.append((row[2] or "9999", aid, row[1]))
            return row[1]

        stories = {check(aid) for aid in self.candidates(band_keys(nb) if bands is None else bands)}
        for story in stories - {None} - checked:
            check(story)
        return sorted(m for m in found if m[2] not in conflicts)

    def find_story(self, body: str, published_at: str | None, **keys) -> int | None:
        """story_id of the earliest archived article this body is a reprint of, else None."""
        found = self.matches(body, published_at, **keys)
        return found[0][2] if found else None

    def add(self, article_id: int, story_id: int, body: str, published_at: str | None,
            bands: list[int] | None = None) -> None:
        bands = band_keys(normalise(body)) if bands is None else bands
        self.conn.executemany("INSERT OR IGNORE INTO dedupe_bands (band, article_id) VALUES (?, ?)",
                              [(k, article_id) for k in bands])

    def remove(self, article_id: int, body: str) -> None:
        """Take an article out of the index (before its body is replaced or it is deleted)."""
        self.conn.executemany("DELETE FROM dedupe_bands WHERE band = ? AND article_id = ?",
                              [(k, article_id) for k in band_keys(normalise(body))])

    def rebuild(self) -> int:
        """Re-index every article from `articles` (after the parameters change). Story ids are
        kept: rebuilding the index never regroups the archive."""
        self.conn.execute("DELETE FROM dedupe_bands")
        n, last = 0, -1
        while True:  # in batches of ids: memory stays flat however large the archive
            rows = self.conn.execute("SELECT id, body FROM articles WHERE id > ? AND body IS NOT NULL "
                                     "ORDER BY id LIMIT 500", (last,)).fetchall()
            if not rows:
                return n
            for aid, body in rows:
                self.add(aid, 0, body, None)
            n, last = n + len(rows), rows[-1][0]


def update_story(conn: sqlite3.Connection, story_id: int) -> None:
    """Recompute one `stories` row from its articles (size, sites, outlets, first/last date)."""
    rows = conn.execute("SELECT id, title, site, outlet, published_at FROM articles WHERE story_id = ? ORDER BY id",
                        (story_id,)).fetchall()
    if not rows:
        conn.execute("DELETE FROM stories WHERE id = ?", (story_id,))
        return
    dated = sorted((r for r in rows if r[4]), key=lambda r: r[4])
    first = dated[0] if dated else rows[0]
    sites = sorted({r[2] for r in rows if r[2]})
    outlets = sorted({r[3] for r in rows if r[3]})
    conn.execute(
        "INSERT OR REPLACE INTO stories (id, title, size, sites, outlets, source_outlet, first_published, "
        "last_published) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (story_id, first[1], len(rows), json.dumps(sites, ensure_ascii=False), json.dumps(outlets, ensure_ascii=False),
         first[3], dated[0][4] if dated else None, dated[-1][4] if dated else None))
