"""The one split of ../shared/corpus/extraction into a tuning (dev) part and a held-out part.

Rule (applied once, on 2026-12-03, before any extraction change was tuned on these pages):
  1. every page gets a coarse page kind from the `kind` in its expected.json (`coarse_kind`);
  2. within each kind, pages are sorted by the SHA-1 hex digest of their page id;
  3. the 1st, 3rd, 5th … page of each kind is *dev* (tuned on), the 2nd, 4th … is *held out*
     (only measured), so every kind has pages on both sides.
The result is frozen in `SPLIT` below: a page added to the corpus later is not in it and counts as
held out (`part_of`), so new pages never move the old ones across. `python bench/extraction_split.py`
re-derives the split from the rule and checks it against `SPLIT`.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

DEV, HELD_OUT = "dev", "held-out"

SPLIT = {
    DEV: [
        "cwce-51offer-d96c76b7", "cwce-bilibili-658d9f03", "cwce-bynr-gov-500b350d", "cwce-ccer-pku-2168485b",
        "cwce-cclw-fad52388", "cwce-cl2000-0df12126", "cwce-cnr-f70d9c97", "cwce-henandaily-91bdf33e",
        "cwce-joelonsoftware-d02c66a2", "cwce-joycode-blog-54e89e4e", "cwce-netsh-bbs-9b1e5dcb",
        "cwce-people-jiangsu-b26fbb82", "cwce-shj-songhuajiang-3e1af229", "cwce-sohu-auto-93498c29",
        "cwce-wenxuecity-blog-8f1cdd94", "cwce-xhby-jiaohuidian-36efbc69", "cwce-yahoo-cn-2bac7fb2",
        "cwce-yahoo-cn-biz-bbdf5079", "cwce-yahoo-cn-ent-3832838a", "cwce-yesky-blog-064b591b",
        "cwce-zol-bbs-6dc2d508", "gne-cjn-1", "gne-ifeng-3",
    ],
    HELD_OUT: [
        "cwce-163-5acac71b", "cwce-163-ecbe8d49", "cwce-chinapub-blog-c38e2b2d", "cwce-chinesenewsnet-blog-35687fb1",
        "cwce-donews-blog-b828b656", "cwce-myrice-chinaha-455de1c0", "cwce-netease-bbs-d519ec93",
        "cwce-qianlong-gov-c3f7d079", "cwce-sachina-discuz-77fa9435", "cwce-sina-book-e3f3b532",
        "cwce-sohu-33a95b71", "cwce-sohu-d8d4c4ec", "cwce-wenxuecity-blog-59562291", "gne-163-8", "gne-hexun-1",
        "gne-qq-2", "gne-sina-5", "gne-thepaper-5", "gne-xinhuanet-1",
    ],
}


def coarse_kind(kind: str) -> str:
    """The page kinds the split is stratified by (and the benchmark reports)."""
    if kind.startswith("forum"):
        return "forum"
    if kind.startswith("blog-archive"):
        return "blog-archive"
    if kind.startswith("blog"):
        return "blog"
    m = re.match(r"portal-(?:book-)?(\d{4})$", kind)
    if m and int(m.group(1)) <= 2015:
        return "portal-2003-2015"
    if re.match(r"(notice|gov-report|book-chapter|personal-site)", kind):
        return "notice-report"
    return "news-2016-2022"


def part_of(page_id: str) -> str:
    return DEV if page_id in SPLIT[DEV] else HELD_OUT


def derive(root: Path) -> dict[str, list[str]]:
    """Apply the rule to the pages under `root` (what produced SPLIT)."""
    kinds: dict[str, list[str]] = {}
    for d in sorted(p for p in root.iterdir() if (p / "expected.json").exists()):
        kind = json.loads((d / "expected.json").read_text(encoding="utf-8")).get("kind", "")
        kinds.setdefault(coarse_kind(kind), []).append(d.name)
    out: dict[str, list[str]] = {DEV: [], HELD_OUT: []}
    for ids in kinds.values():
        ids.sort(key=lambda i: hashlib.sha1(i.encode()).hexdigest())
        out[DEV] += ids[0::2]
        out[HELD_OUT] += ids[1::2]
    return {k: sorted(v) for k, v in out.items()}


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "extraction"
    if not root.exists():
        sys.exit(f"{root} not found")
    derived = derive(root)
    same = all(sorted(SPLIT[k]) == derived[k] for k in SPLIT)
    print(f"dev {len(SPLIT[DEV])} pages, held out {len(SPLIT[HELD_OUT])}; rule reproduces SPLIT: {same}")
    sys.exit(0 if same else 1)
