"""What a person sees: the Datasette pages in headless Chromium (Debian's), driven by Playwright."""

import shutil
import urllib.parse

import pytest
from playwright.sync_api import sync_playwright


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def page():
    assert shutil.which("chromium"), "Debian's chromium is needed: make browser (apt-get install chromium)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pg = browser.new_page(viewport={"width": 1366, "height": 768})
        yield pg
        browser.close()


def test_search_box_finds_articles_by_unspaced_phrase(page, datasette, conn):
    page.goto(datasette + "/archive/articles")
    page.fill("input[name=_search]", "基层减负")
    page.press("input[name=_search]", "Enter")
    page.wait_for_url("**_search=*")
    titles = page.locator("table.reader-rows td.col-title a.t").all_inner_texts()
    assert titles, "no rows shown"
    expected = {r[0] for r in conn.execute(
        "SELECT title FROM articles WHERE title LIKE '%基层减负%'")}
    assert expected and expected <= set(titles)
    assert "检索“基层减负”" in page.inner_text("h3.reader-count")


def test_two_character_search_in_the_page(page, datasette):
    page.goto(datasette + "/archive/articles?" + urllib.parse.urlencode({"_search": "挂牌"}))
    titles = page.locator("table.reader-rows td.col-title a.t").all_inner_texts()
    assert "称多县清理规范村级组织挂牌" in titles


def test_monthly_chart_renders(page, datasette):
    page.goto(datasette + "/archive/monthly_by_topic")
    href = page.get_attribute("text=显示为图表", "href")
    assert href.startswith("#g.mark=bar")
    page.goto("about:blank")  # a fresh load: the chart state is read from the fragment on load
    page.goto(datasette + "/archive/monthly_by_topic" + href)
    chart = page.locator(".vega-embed canvas, .vega-embed svg").first
    chart.wait_for(state="visible", timeout=30000)
    box = chart.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 100


def test_facets_are_shown(page, datasette):
    page.goto(datasette + "/archive/articles")
    facets = page.locator(".facet-info").all_inner_texts()
    joined = " ".join(facets)
    for name in ("站点 site", "来源 outlet", "月份 month", "基层减负 is_burden_reduction", "专题 topics", "地区 regions"):
        assert name in joined
    assert "青海省" in joined and "文山会海" in joined
    assert "青海政务网（演示）" in joined and "是" in joined  # display names and 是/否, not slugs and 1/0
    months = page.locator("#facet-month li a").all_inner_texts()
    assert months == sorted(months, reverse=True)  # newest month first, not by count


def _article_with_reprint(conn):
    return conn.execute("SELECT a.id, a.title, b.id, b.title FROM articles a JOIN articles b "
                        "ON a.story_id = b.story_id AND a.id != b.id ORDER BY a.id LIMIT 1").fetchone()


def test_article_page_reads_like_an_article(page, datasette, conn):
    aid, title, other_id, other_title = _article_with_reprint(conn)
    page.goto(f"{datasette}/archive/articles/{aid}")
    assert page.inner_text("h1") == title
    body = page.locator(".article-body").bounding_box()
    assert body["width"] >= 560
    first = page.locator(".article-body p").first.bounding_box()
    assert first["y"] + first["height"] <= 768  # the first paragraph is above the fold
    meta = page.inner_text(".article-meta")
    assert "来源" in meta and "（演示）" in meta and "原网址" in meta
    assert "是否关于基层减负" in page.inner_text(".article-side")
    assert page.locator(".evidence mark").count() > 0
    weights = page.locator(".evidence .weight").all_inner_texts()  # what each deciding sentence added
    assert weights and all(float(w) >= 0.25 for w in weights)
    link = page.locator("ul.reprints a", has_text=other_title)
    assert link.count() == 1
    link.click()
    page.wait_for_url(f"**/archive/articles/{other_id}")
    assert page.inner_text("h1") == other_title
    assert page.locator("ul.reprints a[href$='/articles/%d']" % aid).count() == 1  # and back


def test_search_box_above_the_fold(page, datasette):
    page.goto(datasette + "/archive/articles")
    box = page.locator("input[name=_search]").bounding_box()
    assert box and box["y"] + box["height"] <= 768
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366  # no sideways scrolling


def test_search_shows_highlighted_snippets(page, datasette):
    page.goto(datasette + "/archive/articles?" + urllib.parse.urlencode({"_search": "基层减负"}))
    marks = page.locator("table.reader-rows .snip mark").all_inner_texts()
    assert marks and set(marks) <= {"基层减负", "基层", "减负"}
    first_row = page.locator("table.reader-rows tbody tr").first.bounding_box()
    assert first_row["y"] < 768


def test_search_syntax_in_the_page(page, datasette, conn):
    def shown(q):
        page.goto(datasette + "/archive/articles?" + urllib.parse.urlencode({"_search": q, "_size": "max"}))
        return set(page.locator("table.reader-rows td.col-title a.t").all_inner_texts())

    def titles(where):
        return {r[0] for r in conn.execute(f"SELECT title FROM articles WHERE {where}")}

    assert shown("文山会海 OR 一票否决") == titles(
        "title || body LIKE '%文山会海%' OR title || body LIKE '%一票否决%'")
    assert shown("基层 -减负") == titles("title || body LIKE '%基层%' AND title || body NOT LIKE '%减负%'")
    traditional = shown("形式主義")
    assert traditional and traditional == titles("title || body LIKE '%形式主义%'")


def test_original_page_runs_no_script(page, datasette, served_db):
    """An archived page with scripts, handlers and a javascript: link: shown in a sandboxed
    frame, nothing of it runs (no request it would send is ever made)."""
    from pipelines.archive import Archive
    hostile = ("<html><head><title>恶意页面</title><script>fetch('/ran-script-head')</script></head><body>"
               "<h1>测试原始页面</h1><p>正文。</p><script>document.title='RAN';fetch('/ran-script')</script>"
               "<img src='/nothing.png' onerror=\"fetch('/ran-onerror')\">"
               "<a href=\"javascript:fetch('/ran-link')\">链接</a><iframe src='/ran-frame'></iframe></body></html>")
    archive = Archive(served_db)
    try:
        run = archive.start_run("hostile", [])
        archive.store_page({"url": "http://127.0.0.1:9/hostile.html", "site": "xinwen", "status": 200,
                            "headers": {"Content-Type": "text/html; charset=utf-8"}, "body": hostile.encode(),
                            "fetched_at": "2024-08-02T09:00:00+08:00",
                            "article": {"title": "原始页面脚本测试", "body": "测试正文，乡镇干部反映台账太多。" * 3,
                                        "date": "2024-08-02T09:00:00+08:00", "encoding": "utf-8"},
                            "verdict": {"is_burden_reduction": False, "score": 0.1}}, run)
        aid = archive.conn.execute("SELECT id FROM articles WHERE title = '原始页面脚本测试'").fetchone()[0]
    finally:
        archive.close()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{datasette}/archive/articles/{aid}")
    frame_el = page.locator("iframe.original")
    assert frame_el.get_attribute("sandbox") == ""  # sandboxed, scripts not allowed
    frame_el.scroll_into_view_if_needed()
    frame = frame_el.element_handle().content_frame()
    frame.wait_for_load_state()
    assert "测试原始页面" in frame.inner_text("h1")
    frame.click("text=链接")
    page.goto(f"{datasette}/-/original/archive/{aid}")  # opened on its own: CSP sandbox still holds
    page.wait_for_load_state()
    assert page.title() == "恶意页面"
    assert not [u for u in requests if "/ran-" in u], requests
