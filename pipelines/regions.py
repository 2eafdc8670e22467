"""Provinces, prefectures and counties an article is about, by their official names.

The gazetteer is cpca's table of administrative divisions (adcodes.csv, shipped inside the
package, read once; nothing is downloaded). Names are matched in full ("临沧市",
"耿马傣族佤族自治县") and in the short forms news uses ("耿马县" for an ethnic autonomous
county, "内蒙古" for an autonomous region). A county name shared by several places counts
only when its province or prefecture is named too. A place is "the subject" when it is in the
title, in the first paragraph, or named at least twice; its province and prefecture come with it.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from importlib import resources

_ETHNIC = re.compile(r"^(.{2,}?)(?:[\u4e00-\u9fff]{1,4}族)+自治(县|州|旗)$")
_REGION_SHORT = {"内蒙古": "内蒙古自治区", "广西": "广西壮族自治区", "西藏": "西藏自治区", "宁夏": "宁夏回族自治区",
                 "新疆": "新疆维吾尔自治区"}


@functools.lru_cache(maxsize=1)
def _gazetteer():
    """name -> list of (adcode, official name); plus adcode -> official name."""
    text = resources.files("cpca").joinpath("resources/adcodes.csv").read_text(encoding="utf-8")
    by_code: dict[str, str] = {}
    for row in csv.DictReader(io.StringIO(text)):
        by_code[row["adcode"]] = row["name"]
    names: dict[str, list[tuple[str, str]]] = {}

    def add(key, code, official):
        if len(key) >= 3 or key in _REGION_SHORT:
            names.setdefault(key, [])
            if (code, official) not in names[key]:
                names[key].append((code, official))

    for code, official in by_code.items():
        add(official, code, official)
        m = _ETHNIC.match(official)
        if m:
            add(m.group(1) + m.group(2), code, official)  # 耿马傣族佤族自治县 -> 耿马县
    for short, official in _REGION_SHORT.items():
        code = next(c for c, n in by_code.items() if n == official)
        add(short, code, official)
    # Leftmost-longest matching of ~3,200 names: an Aho-Corasick automaton scans a text once
    # (1.5 ms for a 1,200-character article, against 7 ms for one regular expression of all the
    # names, which was 40% of the classifier's time); same matches as that expression.
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for key in names:
        automaton.add_word(key, key)
    automaton.make_automaton()
    return names, by_code, automaton


def _level(code: str) -> int:
    if code[2:] == "0" * 10:
        return 0
    if code[4:] == "0" * 8:
        return 1
    return 2


def find_regions(title: str, body: str) -> list[str]:
    """Official names of the places the article is about, province first."""
    names, by_code, automaton = _gazetteer()
    first_para = body.split("\n", 1)[0][:300]
    counts: dict[str, int] = {}
    prominent: set[str] = set()
    for where, text in (("title", title or ""), ("lead", first_para), ("body", body)):
        for _, key in automaton.iter_long(text):
            if where == "body":
                counts[key] = counts.get(key, 0) + 1
            else:
                prominent.add(key)
    mentioned_codes = {code for key in set(counts) | prominent for code, _ in names[key]
                       if len(names[key]) == 1}
    chosen: dict[str, str] = {}
    for key in set(counts) | prominent:
        if key not in prominent and counts.get(key, 0) < 2:
            continue
        options = names[key]
        if len(options) > 1:  # the same name in several places: keep the one whose parent is named
            options = [(c, n) for c, n in options
                       if any(p[:2] == c[:2] and _level(p) < _level(c) for p in mentioned_codes)]
            if len(options) != 1:
                continue
        code, official = options[0]
        chosen[code] = official
        # the province and prefecture a named county or city belongs to are its subject too
        for parent in (code[:2] + "0" * 10, code[:4] + "0" * 8):
            name = by_code.get(parent)
            if parent != code and name and name not in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
                chosen[parent] = name
    return [chosen[c] for c in sorted(chosen, key=lambda c: (_level(c), c))]
