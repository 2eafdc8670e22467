"""Discovery benchmark: how URL shape and page structure read real article pages.

With ../shared/corpus present, for the real article pages of corpus/extraction that record their
URL: how many `discovery.url_kind` calls an article ("article"), says nothing about ("unknown":
the crawl then fetches the link as a candidate when its text reads like a headline, and the page
structure decides) or wrongly calls a list; and how many of the pages `discovery.page_kind`
reads as articles. Then the demo web: every article page and list page, read the same way.

These URLs were seen while the shapes were written (first seen: 11 article / 14 unknown /
4 list of 29), so the URL figures are not held-out ones; the page-structure figure is as first
measured (39 of 42 by structure alone); the crawl's rule (a URL that says article needs only
the prose block) was written after seeing the three misses, so its figure is not held out.
"""

from __future__ import annotations

import json
from collections import Counter

from _common import shared_or_none

from crawler import discovery
from demo_web import render
from pipelines.decode import decode_html


def corpus() -> None:
    root = shared_or_none("corpus", "extraction")
    if root is None:
        return
    shapes, structures, structures_crawl, wrong = Counter(), Counter(), Counter(), []
    for expected in sorted(root.glob("*/expected.json")):
        truth = json.loads(expected.read_text(encoding="utf-8"))
        url = truth.get("url") or ""
        html = (expected.parent / "page.html").read_bytes()
        try:
            text = decode_html(html)[0]
        except Exception:  # a page the decoder refuses still counts for its URL
            text = html.decode("utf-8", "replace")
        kind = discovery.page_kind(text, url or "http://x.invalid/")
        structures[kind] += 1
        crawl_kind = discovery.page_kind(text, url or "http://x.invalid/",
                                         url_says_article=discovery.url_kind(url) == "article")
        structures_crawl[crawl_kind] += 1
        if crawl_kind != "article":
            wrong.append(f"{expected.parent.name} (page structure, as the crawl reads it: {crawl_kind})")
        if url.startswith("http"):
            kind = discovery.url_kind(url)
            shapes[kind] += 1
            if kind == "list":
                wrong.append(f"{url} (URL shape: list)")
    n = sum(shapes.values())
    print(f"corpus/extraction, {n} article URLs by shape: " + ", ".join(f"{k} {v}" for k, v in shapes.most_common()))
    print(f"corpus/extraction, {sum(structures.values())} article pages by structure alone: "
          + ", ".join(f"{k} {v}" for k, v in structures.most_common()))
    print(f"  … and as the crawl reads them (a URL shaped like an article needs only the prose block): "
          + ", ".join(f"{k} {v}" for k, v in structures_crawl.most_common()))
    for what in wrong:
        print(f"  missed: {what}")


def demo() -> None:
    base = "http://127.0.0.1:8765"
    m = render.manifest()
    arts = [a["path"] for a in m["articles"] + m["discovery"]["articles"]]
    lists = ["/xinwen/list/index.html", "/zhengfu/zwdt/index.html", "/kuaizhao/index.html", "/luntan/forum-2-1.html",
             "/difang/", "/difang/news/", render.DIFANG_ZT]
    ok_a = sum(discovery.page_kind(render.route(p, base)[1], base + p) == "article" for p in arts)
    ok_l = sum(discovery.page_kind(render.route(p, base)[1], base + p) == "list" for p in lists)
    print(f"demo web by structure: articles {ok_a}/{len(arts)}, list pages {ok_l}/{len(lists)} "
          f"(a forum board page with a single thread reads as 'other')")


if __name__ == "__main__":
    corpus()
    demo()
