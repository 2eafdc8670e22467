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
        pg = browser.new_page()
        yield pg
        browser.close()


def test_search_box_finds_articles_by_unspaced_phrase(page, datasette, conn):
    page.goto(datasette + "/archive/articles")
    page.fill("input[name=_search]", "基层减负")
    page.press("input[name=_search]", "Enter")
    page.wait_for_url("**_search=*")
    titles = page.locator("table.rows-and-columns td.col-title").all_inner_texts()
    assert titles, "no rows shown"
    expected = {r[0] for r in conn.execute(
        "SELECT title FROM articles WHERE title LIKE '%基层减负%'")}
    assert expected and expected <= set(titles)
    assert "search matches" in page.content()


def test_two_character_search_in_the_page(page, datasette):
    page.goto(datasette + "/archive/articles?" + urllib.parse.urlencode({"_search": "挂牌"}))
    titles = page.locator("table.rows-and-columns td.col-title").all_inner_texts()
    assert "称多县清理规范村级组织挂牌" in titles


def test_monthly_chart_renders(page, datasette):
    page.goto(datasette + "/archive/monthly_by_topic")
    href = page.get_attribute("text=Show as a chart", "href")
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
    for name in ("site", "outlet", "month", "is_burden_reduction", "topics", "regions"):
        assert name in joined
    assert "青海省" in joined and "文山会海" in joined
