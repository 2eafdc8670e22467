"""Claims in Datasette: the table with its facets, the chart over time, and each claim's link to
its sentence in the article page — over HTTP and in headless Chromium at 1366×768."""

from __future__ import annotations

import sqlite3

from tests.test_browser import page  # noqa: F401 (the Chromium page fixture)
from tests.test_datasette import get


def test_claims_table_facets_by_topic_region_year(datasette, served_db):
    conn = sqlite3.connect(served_db)
    status, data = get(datasette, "/archive/claims.json", _size=100)
    assert status == 200
    assert {"topic", "region", "year"} <= set(data["facet_results"])
    assert len(data["rows"]) == conn.execute("SELECT count(*) FROM claims").fetchone()[0]
    topics = {v["value"]: v["count"] for v in data["facet_results"]["topic"]["results"]}
    assert topics == dict(conn.execute("SELECT topic, count(*) FROM claims WHERE topic IS NOT NULL GROUP BY topic"))
    years = {v["value"] for v in data["facet_results"]["year"]["results"]}
    assert years == {r[0] for r in conn.execute("SELECT DISTINCT year FROM claims")}
    # filtered by a facet value: only that topic's claims
    status, rows = get(datasette, "/archive/claims.json", topic="文山会海", _shape="array")
    assert status == 200 and rows and all(r["topic"] == "文山会海" for r in rows)


def test_claims_per_month_counts_each_story_once(datasette, served_db):
    conn = sqlite3.connect(served_db)
    status, rows = get(datasette, "/archive/claims_per_month.json", _shape="array", _size="max")
    assert status == 200 and rows
    distinct = conn.execute(
        "SELECT count(*) FROM (SELECT DISTINCT a.story_id, c.quantity, c.unit, c.direction, coalesce(c.topic, '') "
        "FROM claims c JOIN articles a ON a.id = c.article_id WHERE a.published_at IS NOT NULL)").fetchone()[0]
    total = conn.execute("SELECT count(*) FROM claims").fetchone()[0]
    assert sum(r["claims"] for r in rows) == distinct < total  # the demo's reprints repeat their figures
    months = sorted({r["month"] for r in rows})
    assert all(m.endswith("-01") for m in months)


def test_claims_chart_renders(page, datasette, tmp_path):  # noqa: F811
    page.goto(datasette + "/archive/claims_per_month")
    href = page.get_attribute("text=显示为图表", "href")
    assert href.startswith("#g.mark=bar")
    page.goto("about:blank")
    page.goto(datasette + "/archive/claims_per_month" + href)
    chart = page.locator(".vega-embed canvas, .vega-embed svg").first
    chart.wait_for(state="visible", timeout=30000)
    box = chart.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 100
    chart.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "claims-chart.png"))
    # the landing page leads to the claims and to the reprint graph
    page.goto(datasette + "/")
    assert page.locator("a[href*='/archive/claims']").count() >= 2
    assert page.locator("a[href*='/archive/picked_up']").count() == 1


def test_a_claim_links_to_its_sentence(page, datasette, served_db, tmp_path):  # noqa: F811
    conn = sqlite3.connect(served_db)
    claim_id, article_id, sentence = conn.execute(
        "SELECT id, article_id, sentence FROM claims WHERE quantity_text = '七成以上' LIMIT 1").fetchone()
    page.goto(datasette + f"/archive/claims?id={claim_id}")
    link = page.locator("a.claim-link").first
    assert link.inner_text() == sentence
    link.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/archive/articles/{article_id}?claim={claim_id}#claim-{claim_id}"), page.url
    target = page.locator(f"#claim-{claim_id}")
    assert target.inner_text() == sentence
    assert "target" in target.get_attribute("class")
    box = target.bounding_box()
    assert box and 0 <= box["y"] < 768  # scrolled into view
    # the other claimed sentences are marked too, and the side list names the figure
    assert page.locator("mark.claim").count() == len({r[0] for r in conn.execute(
        "SELECT sentence FROM claims WHERE article_id = ?", (article_id,))})
    assert "七成以上" in page.inner_text("ul.claims")
    page.screenshot(path=str(tmp_path / "claim-in-article.png"))


def test_claims_facets_above_the_fold(page, datasette):  # noqa: F811
    page.goto(datasette + "/archive/claims")
    for name in ("topic", "region", "year"):
        facet = page.locator(f".facet-info[data-column='{name}']")
        box = facet.bounding_box()
        assert box and box["y"] < 768, name
