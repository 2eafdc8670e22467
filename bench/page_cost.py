"""What one page of many short blocks costs the CPU stages, and where the bounds sit.

A built page (a short article plus N one-line blocks: `<div><span>…</span></div>`, `<p>`,
`<li>`, or a data table's rows of three cells) is extracted with the `pipelines/bounds.py` guards lifted, so the cost behind them shows:
seconds for `paragraph_divs` alone, `clean_tree`, and the whole `extract_page`; then the same for
the real pages of ../shared/corpus/extraction (their block counts, the slowest extraction), which
the guard must never refuse.

    .venv/bin/python bench/page_cost.py [--sizes 1000,2000,4000,8000] [--shapes div,p,li,table]

Run it under the code to compare (e.g. `PYTHONPATH=/path/to/older/checkout`) to get before and
after figures on the same machine; the figures are noisy when other work shares the cores.
"""

from __future__ import annotations

import argparse
import copy
import time

from _common import shared_or_none  # noqa: F401 (puts the repository on sys.path)

from pipelines import bounds, boilerplate, extract


def page(n: int, shape: str) -> bytes:
    """A short article with `n` one-line blocks of `shape` before its text."""
    from tests.faulty_web import _PARAGRAPHS, article

    rows = {"div": "<div><span>第{i}行</span></div>", "p": "<p>第{i}行</p>", "li": "<li>第{i}行</li>",
            "table": "<tr><td>第{i}项</td><td>{i}</td><td>保留</td></tr>"}[shape]  # 4 blocks a row
    filler = "".join(rows.format(i=i) for i in range(n // 4 if shape == "table" else n))
    if shape in ("li", "table"):
        filler = f"<ul>{filler}</ul>" if shape == "li" else f"<table>{filler}</table>"
    return article("会议精简情况通报", _PARAGRAPHS, filler=filler).encode()


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def blocks(html: bytes) -> int:
    return len(bounds._BLOCK.findall(html.decode("utf-8", "replace")))


def built_pages(sizes: list[int], shapes: list[str], limit: int) -> None:
    print(f"== built pages (guards lifted; MAX_BLOCKS is {limit:,} in pipelines/bounds.py)")
    print(f"{'shape':6} {'blocks':>7} {'paragraph_divs':>15} {'clean_tree':>11} {'extract_page':>13}")
    for shape in shapes:
        for n in sizes:
            html = page(n, shape)
            tree = extract._parse(html.decode())
            boilerplate_tree = copy.deepcopy(tree)
            t_divs = timed(boilerplate.paragraph_divs, tree)
            t_clean = timed(boilerplate.clean_tree, boilerplate_tree)
            t_extract = timed(extract.extract_page, html, "http://www.example.cn/a/1.html")
            print(f"{shape:6} {blocks(html):>7,} {t_divs:>14.3f}s {t_clean:>10.3f}s {t_extract:>12.2f}s", flush=True)


def corpus_pages(limit: int) -> None:
    root = shared_or_none("corpus", "extraction")
    if root is None:
        return
    rows = []
    for item in sorted(root.iterdir()):
        html = (item / "page.html").read_bytes()
        try:
            seconds = timed(extract.extract_page, html, None)
        except Exception:  # a page with no article still costs what it costs
            seconds = float("nan")
        rows.append((blocks(html), seconds, item.name))
    rows.sort()
    print(f"== ../shared/corpus/extraction ({len(rows)} real pages)")
    print(f"most block elements: {rows[-1][0]:,} ({rows[-1][2]}); "
          f"slowest extraction: {max(r[1] for r in rows):.2f}s "
          f"({max(rows, key=lambda r: r[1])[2]}); pages over MAX_BLOCKS: "
          f"{sum(r[0] > limit for r in rows)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,2000,4000,8000")
    ap.add_argument("--shapes", default="div,p,li,table")
    args = ap.parse_args()
    limit = bounds.MAX_BLOCKS
    bounds.MAX_BLOCKS = bounds.MAX_ELEMENTS = 10**9  # measure what the guards hold back
    built_pages([int(s) for s in args.sizes.split(",")], args.shapes.split(","), limit)
    corpus_pages(limit)


if __name__ == "__main__":
    main()
