"""Dedupe benchmark: pair figures on the shared dev pairs, reprint transformations of real
texts, then a scaling run.

    python bench/dedupe.py                       # pairs + transformations + scaling at 10k and 100k
    python bench/dedupe.py --sizes 10000,100000,1000000
    python bench/dedupe.py --only pairs,transforms

The transformation run takes every distinct text of ../shared/corpus (dedupe and classify dev
sets), makes each reprint kind the issue names (and a few more) and each look-alike kind, and
counts how many the pair rule joins; then it archives the originals and the reprints through
StoryIndex (the LSH lookup included) and counts reprints that joined their original's story.

The scaling run inserts synthetic articles (generated from a vocabulary) into a real archive
(its schema built by `Archive`) through the same dedupe path the crawl uses (DedupeKeys once,
StoryIndex.find_story + articles row + StoryIndex.add, one transaction each; the search index is
left out), planting a reprint (lead line, cut paragraph, footer) every 50 articles. At each
checkpoint it times 1,000 inserts and reports ms/insert, resident memory, the index's size on
disk (`dedupe_bands` and the kept normalised texts, `dedupe_texts`), and the share of planted
reprints found.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, rss_mb, shared_or_none, synthetic_article, synthetic_vocabulary

from pipelines.archive import Archive
from pipelines.dedupe import DedupeKeys, is_near_duplicate


def pair_figures() -> None:
    data = shared_or_none("corpus", "dedupe-dev.jsonl")
    if data is None:
        return
    print("== pairs: ../shared/eval/score_dedupe.py --fn pipelines.dedupe:is_near_duplicate")
    out = subprocess.run([sys.executable, str(data.parents[1] / "eval" / "score_dedupe.py"),
                          "--fn", "pipelines.dedupe:is_near_duplicate"], cwd=ROOT, capture_output=True, text=True)
    print(out.stdout.strip() or out.stderr.strip())


# ------------------------------------------------------------------------------ transformations

_SENTENCE = re.compile(r"(?<=[。！？])")
_PINYIN = {"减负": "jiǎn fù", "基层": "jī céng", "形式主义": "xíng shì zhǔ yì", "督查": "dū chá", "干部": "gàn bù"}


def _paragraphs(t: str) -> list[str]:
    ps = [p for p in re.split(r"\n+", t) if p.strip()]
    if len(ps) < 3:  # transcripts without breaks: two sentences a paragraph
        ss = [s for s in _SENTENCE.split(t) if s.strip()]
        ps = ["".join(ss[i:i + 2]) for i in range(0, len(ss), 2)]
    return ps


def reprint_kinds(converters) -> dict:
    """name -> fn(text, rnd) -> reprint text or None (not applicable)."""
    def cut(t, rnd):
        ps = _paragraphs(t)
        if len(ps) < 3:
            return None
        i = rnd.randrange(1, len(ps))
        return "\n\n".join(ps[:i] + ps[i + 1:])

    def pinyin(t, rnd):
        out = t
        for w, p in _PINYIN.items():
            out = out.replace(w, f"{w}（{p}）", 1)
        return out if out != t else None

    def wording(t, rnd):
        out = t
        for a, b in (("近日", "日前"), ("表示", "指出"), ("进一步", "更加"), ("要求", "强调"), ("开展", "进行")):
            out = out.replace(a, b, 1)
        return out if out != t else None

    kinds = {
        "本文转自 line": lambda t, r: "本文转自：某某日报客户端\n\n" + t,
        "editor footer": lambda t, r: t + "\n\n（责任编辑：某某）\n\n扫码关注我们的公众号，获取更多资讯",
        "rewritten lead": lambda t, r: "记者从有关部门获悉，相关工作近期取得新进展。" + "".join(_SENTENCE.split(t)[1:]),
        "cut paragraph": cut,
        "excerpt (first half)": lambda t, r: "\n\n".join(_paragraphs(t)[:max(1, len(_paragraphs(t)) // 2)]),
        "snapshot chrome": lambda t, r: ("首页 > 时政 > 正文\n\n栏目：时政 | 收录：2025-03-15 22:30 | 出处：某号\n\n" + t +
                                         "\n\n本页是网页存档副本，由程序自动抓取，原文以来源网站为准。\n\n存档时间：2025-03-16"),
        "pinyin notes": pinyin,
        "full/half width": lambda t, r: "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in t)
        .replace("，", ",").replace("。", ". ").replace("：", ":"),
        "whitespace": lambda t, r: "".join(c + (" " if r.random() < 0.03 else "") for c in t),
        "wording edits": wording,
    }
    for name, conv in converters.items():
        kinds[f"traditional ({name})"] = lambda t, r, conv=conv: conv.convert(t)
    kinds["combined (cut+footer+traditional+lead line)"] = lambda t, r: "本文转自：某报\n\n" + converters["s2t"].convert(
        kinds["editor footer"](cut(t, r) or t, r))
    return kinds


def lookalike_kinds() -> dict:
    """name -> fn(text, rnd) -> a different story built from the same text, or None."""
    import jieba.posseg as pseg

    def swap(tags):
        def fn(t, rnd):
            words = [w for w, f in pseg.cut(t) if f in tags and len(w) >= 2]
            if not words:
                return None
            return t.replace(rnd.choice(words), "临沧" if "ns" in tags else "张丰毅")
        return fn

    def number(t, rnd):
        nums = re.findall(r"\d+", t)
        if not nums:
            return None
        n = rnd.choice(nums)
        return re.sub(r"(?<!\d)" + n + r"(?!\d)", str(int(n) + 3), t, count=1)

    def numeral(t, rnd):
        m = re.search(r"[一二三四六七八九]", t)
        return None if not m else t[:m.start()] + "五" + t[m.end():]

    return {"another figure or date": number, "another sitting (numeral)": numeral,
            "another place": swap({"ns"}), "another person": swap({"nr", "nrfg", "nrt"})}


def real_texts() -> list[str]:
    seen, out = set(), []
    for name, keys in (("dedupe-dev.jsonl", ("a", "b")), ("classify-dev.jsonl", ("text",))):
        path = shared_or_none("corpus", name)
        if path is None:
            return []
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                for k in keys:
                    t = item[k]
                    if len(t) > 150 and t[:40] not in seen:
                        seen.add(t[:40])
                        out.append(t)
    return out


def transformations() -> None:
    texts = real_texts()
    if not texts:
        return
    import opencc

    rnd = random.Random(3)
    kinds = reprint_kinds({c: opencc.OpenCC(c) for c in ("s2t", "s2tw", "s2twp", "s2hk")})
    print(f"== reprint transformations of {len(texts)} real texts: pairs joined by is_near_duplicate")
    made: list[tuple[int, str, str]] = []
    for name, fn in kinds.items():
        ok = n = 0
        for i, t in enumerate(texts):
            x = fn(t, rnd)
            if not x or x == t:
                continue
            n += 1
            ok += is_near_duplicate(t, x)
            made.append((i, name, x))
        print(f"  {name:44s} {ok:3d}/{n:<3d}")
    print("== look-alikes built from the same texts: pairs wrongly joined (lower is better)")
    for name, fn in lookalike_kinds().items():
        bad = n = 0
        for t in texts:
            x = fn(t, rnd)
            if not x or x == t:
                continue
            n += 1
            bad += is_near_duplicate(t, x)
        print(f"  {name:44s} {bad:3d}/{n:<3d}")
    # the same reprints through the archive index (LSH candidates + verification)
    tmp = tempfile.TemporaryDirectory()
    archive = Archive(Path(tmp.name) / "transforms.db")  # the archive's own schema
    conn, index = archive.conn, archive.stories
    ids = {}
    for i, t in enumerate(texts):
        keys = DedupeKeys.of(t)
        with archive.db.atomic():
            story = index.find_story(keys, None)
            cur = conn.execute("INSERT INTO articles (url, canonical_url, body, body_hash) VALUES (?, ?, ?, ?)",
                               (f"http://bench.test/{i}", f"http://bench.test/{i}", t, keys.body_hash))
            ids[i] = story or cur.lastrowid
            conn.execute("UPDATE articles SET story_id = ? WHERE id = ?", (ids[i], cur.lastrowid))
            index.add(cur.lastrowid, keys)
    joined = sum(index.find_story(x, None) == ids[i] for i, _, x in made)
    archive.close()
    tmp.cleanup()
    print(f"== archive: {joined}/{len(made)} reprints joined their original's story through the index "
          f"({len(set(ids.values()))} stories for {len(texts)} originals)")


# ------------------------------------------------------------------------------ scaling

def reprint_of(rnd: random.Random, body: str) -> str:
    paras = body.split("\n\n")
    if len(paras) > 2:
        paras.pop(rnd.randrange(1, len(paras)))
    return "本文转自：某某日报\n\n" + "\n\n".join(paras) + "\n\n（责任编辑：某某）"


def scaling(sizes: list[int], window: int = 1000) -> None:
    rnd = random.Random(11)
    vocab = synthetic_vocabulary()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scale.db"
        archive = Archive(path)  # the archive's own schema, WAL and pragmas
        conn, index = archive.conn, archive.stories
        recent: list[tuple[int, str]] = []
        planted = found = 0
        all_planted = all_found = 0
        n = 0
        print(f"== scaling: synthetic articles, a planted reprint every 50 (window of {window} timed inserts)")
        print(f"{'archived':>10} {'ms/insert':>10} {'RSS MB':>8} {'index MB':>9} {'recall (window)':>16} {'recall (all so far)':>20}")

        def insert(body: str, expect: int | None) -> None:
            nonlocal n, planted, found, all_planted, all_found
            keys = DedupeKeys.of(body)  # once per article, as the crawl does
            with archive.db.atomic():
                story = index.find_story(keys, "2024-05-01T10:00:00+08:00")
                n += 1
                conn.execute("INSERT INTO articles (id, url, canonical_url, body, body_hash, story_id, published_at) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?)", (n, f"http://bench.test/{n}", f"http://bench.test/{n}",
                                                              body, keys.body_hash, story or n,
                                                              "2024-05-01T10:00:00+08:00"))
                index.add(n, keys)
            if expect is not None:
                planted += 1
                found += story == expect
                all_planted += 1
                all_found += story == expect
            else:
                recent.append((n, body))
                if len(recent) > 200:
                    recent.pop(0)

        def one() -> None:
            if recent and n % 50 == 49:
                aid, body = rnd.choice(recent)
                insert(reprint_of(rnd, body), aid)
            else:
                insert(synthetic_article(rnd, vocab), None)

        for size in sorted(sizes):
            while n < size - window:
                one()
            planted = found = 0
            start = time.perf_counter()
            for _ in range(window):
                one()
            per = (time.perf_counter() - start) / window * 1000
            index_mb = conn.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'dedupe_%'").fetchone()[0] / 1e6 \
                if _has_dbstat(conn) else float("nan")
            print(f"{n:>10,} {per:>10.2f} {rss_mb():>8.0f} {index_mb:>9.0f} {found:>10}/{planted:<5} {all_found:>13}/{all_planted:<6}", flush=True)
        archive.close()


def _has_dbstat(conn) -> bool:
    try:
        conn.execute("SELECT 1 FROM dbstat LIMIT 1")
        return True
    except sqlite3.OperationalError:
        return False


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--only", default="pairs,transforms,scaling")
    args = parser.parse_args()
    parts = args.only.split(",")
    if "pairs" in parts:
        pair_figures()
    if "transforms" in parts:
        transformations()
    if "scaling" in parts:
        scaling([int(s) for s in args.sizes.split(",")])
