"""The pair rule: are two normalised texts the same story?

Compares by *containment* and by long shared runs (so an excerpt or a cut version still
matches), then checks what differs: a reprint adds, cuts or rewrites whole passages, a
look-alike *substitutes* items (a date, a figure, a period, a place, a name) inside otherwise
equal text, or puts other cases into the same frame. `verdict` is the rule; `compare`,
`near_duplicate_normalised` and `is_near_duplicate` (raw texts, for the pair scorer) answer
from it.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections import Counter
from itertools import accumulate
from dataclasses import dataclass

from pipelines.dedupe.keys import K
from pipelines.dedupe.normalise import normalise
from pipelines.vocabulary import jieba_tokenizer, tokenizer

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


# difflib's longest-match search costs, per call, the number of positions in `b` of the characters
# of `a` in range: on ordinary text that grows gently with length, on repetitive text (one table
# row or phrase a thousand times) it is quadratic — a 9,000-character repetitive pair took 104 s.
# So only the opening ALIGN_CHARS of each text is aligned (the containment prefilter still sees
# everything), and the search is metered: a pair that would cost more than ALIGN_WORK steps, or a
# lookup whose candidates together would cost more than LOOKUP_WORK, is not aligned and not joined.
# Calibrated on this machine: reprint pairs of the dedupe sets and the demo web use at most 12
# steps per character; two unrelated 12,000-character news texts ~2.3M steps (0.6 s); a
# repetitive pair reaches ALIGN_WORK in about 1 s.
ALIGN_CHARS = 12_000
ALIGN_WORK = 4_000_000
LOOKUP_WORK = 12_000_000


class AlignmentTooCostly(Exception):
    """The pair would cost more than its alignment budget (repetitive text)."""


class Budget:
    """Steps of longest-match search left, shared by the alignments of one lookup."""

    def __init__(self, steps: int = LOOKUP_WORK):
        self.left = steps


class _MeteredMatcher(difflib.SequenceMatcher):
    """SequenceMatcher that charges each longest-match search an upper bound of its cost (the
    occurrences in `b` of the characters of `a[alo:ahi]`, from a prefix sum) before running it."""

    def __init__(self, a: str, b: str, budget: Budget, limit: int):
        super().__init__(None, a, b, autojunk=False)
        counts = Counter(b)
        self._cost = list(accumulate((counts.get(c, 0) for c in a), initial=0))
        self._budget, self._limit = budget, limit

    def find_longest_match(self, alo=0, ahi=None, blo=0, bhi=None):
        steps = self._cost[ahi] - self._cost[alo] + 1
        self._limit -= steps
        self._budget.left -= steps
        if self._limit < 0 or self._budget.left < 0:
            raise AlignmentTooCostly
        return super().find_longest_match(alo, ahi, blo, bhi)


def alignment(a: str, b: str, budget: Budget | None = None) -> tuple[int, list[Edit]]:
    """Characters of `a` in long equal runs shared in order with `b`, and the edits between.

    Edits separated by less than ANCHOR equal characters are one edit: a rewritten lead that
    happens to share a two-character word with the original is one rewrite, not two swaps.
    Raises AlignmentTooCostly beyond ALIGN_WORK steps (or the lookup's `budget`).
    """
    ops = _MeteredMatcher(a, b, budget or Budget(), ALIGN_WORK).get_opcodes()
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

    return jieba.posseg.POSTokenizer(jieba_tokenizer())


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


def _other_facts(e: Edit, numbers_a: set[str], numbers_b: set[str]) -> bool:
    """A passage replaced by another passage, each with figures the other text lacks: the same
    frame around another case (the next 通报 batch), not a rewrite of the same facts.
    `numbers_a`/`numbers_b` are `_numbers()` of the two whole texts (computed once per pair)."""
    return bool(_numbers(e.a) - numbers_b) and bool(_numbers(e.b) - numbers_a)


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


def verdict(na: str, nb: str, budget: Budget | None = None) -> tuple[bool, str, float]:
    """(same story?, why, coverage): the coverage lets the index ask for a closer date when a
    pair shares only part of its text. `budget`: the lookup's alignment budget (see Budget)."""
    if not na or not nb:
        return False, "empty", 0.0
    if na == nb:
        return True, "equal", 1.0
    c = containment(shingles(na, True), shingles(nb, True))
    if c < PREFILTER:
        return False, f"containment {c:.2f}", c
    na, nb = na[:ALIGN_CHARS], nb[:ALIGN_CHARS]
    shorter = min(len(na), len(nb))
    try:
        shared, edits = alignment(na, nb, budget)
    except AlignmentTooCostly:
        return False, "too repetitive to align within its budget", 0.0
    cover = shared / shorter
    numbers = functools.cache(_numbers)  # once per text, and only if needed
    if cover < COVERAGE:
        return False, f"coverage {cover:.2f}", cover
    swaps = [e for e in edits if e.swap]
    small = [e for e in edits if e.inside and (not e.a or not e.b) and len(e.a + e.b) <= ANCHOR]
    for e in swaps + small:
        if _is_numeric_edit(e) and not _relative_date_edit(e, na, nb):
            return False, f"numbers differ: {e.a or '∅'} / {e.b or '∅'}", cover
    for e in edits:
        if e.inside and min(len(e.a), len(e.b)) > SUBSTITUTION and _other_facts(e, numbers(na), numbers(nb)):
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

