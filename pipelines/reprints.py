"""The reprint graph: who carried whose story, how fast, and which local stories went national.

The archive's views hold the graph in plain SQL (`pipelines/archive/schema.py`):
`story_articles` lists each story's articles in publication order with outlet, site and lag
behind the first; `reprints` counts, per source outlet and reprinting site, the articles
carried and their median lag. What SQL cannot tell is the *level* of an outlet, which this
module decides:

- an outlet's level is the level of the first administrative division its name starts with
  (after 中共): 海东市人民政府 → prefecture, 大通县人民政府 → county, 中共青海省委组织部 →
  province — by the gazetteer of `pipelines/regions.py`, else by the name's own suffix
  (云溪县融媒体中心 → county: 县/旗/区 county, 市/州/盟 prefecture, 省/自治区 province);
- an outlet whose name names no place (新闻在线, 人民日报) takes the level of the site that
  published it, and a site's level comes from its seeds entry: `region = "全国"` is a national
  site (the seeds' documented meaning), a province's name a provincial one;
- a story is **picked up** when its first article's outlet is a county or prefecture one and a
  later article of the story appeared on a national site.

Datasette gets `outlet_level(outlet, site_region)` as an SQL function (datasette/plugins/
reprint_graph.py) for the canned queries `picked_up` and `story_timeline`.
"""

from __future__ import annotations

import re
import sqlite3

from pipelines import regions

NATIONAL, PROVINCE, PREFECTURE, COUNTY = "national", "province", "prefecture", "county"
LOCAL_LEVELS = (COUNTY, PREFECTURE)
NATIONAL_REGION = "全国"  # seeds: region = "全国" for national sources
_LEVEL_BY_CODE = {0: PROVINCE, 1: PREFECTURE, 2: COUNTY}
_SUFFIX = re.compile(r"^[\u4e00-\u9fff]{1,6}?(自治区|省|市|自治州|州|盟|县|旗|区)(?!场|民|委会|社区)")
_NOT_PLACE = re.compile(r"(社区|小区|园区|景区|城区|市场)$")
_LEVEL_BY_SUFFIX = {"省": PROVINCE, "自治区": PROVINCE, "市": PREFECTURE, "自治州": PREFECTURE, "州": PREFECTURE,
                    "盟": PREFECTURE, "县": COUNTY, "旗": COUNTY, "区": COUNTY}
MAX_PLACE_NAME = 16  # longer than any official name in the gazetteer (巴音郭楞蒙古自治州 is 9)
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")


def place_level(name: str | None) -> str | None:
    """The level of the administrative division a name starts with, or None when it names none."""
    name = re.sub(r"^中共", "", (name or "").strip())
    if not name:
        return None
    names = regions._gazetteer()[0]  # name -> [(adcode, official name)]
    start = next((name[:k] for k in range(min(len(name), MAX_PLACE_NAME), 1, -1) if name[:k] in names), None)
    if start:  # the longest place name the outlet's name starts with
        if start in _MUNICIPALITIES:
            return PROVINCE
        return _LEVEL_BY_CODE[min(regions._level(code) for code, _ in names[start])]
    m = _SUFFIX.match(name)
    if m is None or _NOT_PLACE.search(m.group(0) + name[m.end():m.end() + 1]) or _NOT_PLACE.search(m.group(0)):
        return None
    return _LEVEL_BY_SUFFIX[m.group(1)]


def site_level(region: str | None) -> str | None:
    """A site's level from its seeds `region`: 全国 is national, else the region's own level."""
    if region == NATIONAL_REGION:
        return NATIONAL
    return place_level(region)


def outlet_level(outlet: str | None, site_region: str | None = None) -> str | None:
    """The outlet's level by its name, else the level of the site that published it."""
    return place_level(outlet) or site_level(site_region)


def story_timeline(conn: sqlite3.Connection, story_id: int) -> list[dict]:
    """The story's articles in publication order: position, article, outlet (and its level),
    site (and its level), publication time, lag in hours behind the first."""
    rows = conn.execute(
        "SELECT sa.position, sa.article_id, sa.outlet, sa.site, s.region, sa.published_at, sa.lag_hours "
        "FROM story_articles sa LEFT JOIN sites s ON s.name = sa.site WHERE sa.story_id = ? ORDER BY sa.position",
        (story_id,)).fetchall()
    return [{"position": p, "article_id": a, "outlet": o, "outlet_level": outlet_level(o, r), "site": site,
             "site_level": site_level(r), "published_at": at, "lag_hours": lag}
            for p, a, o, site, r, at, lag in rows]


def picked_up(conn: sqlite3.Connection) -> dict[int, dict]:
    """Stories first published by a county or prefecture outlet and later carried by a national
    site: story id -> source outlet, its level, the national sites and the first such lag."""
    out: dict[int, dict] = {}
    story_ids = [r[0] for r in conn.execute("SELECT DISTINCT story_id FROM story_articles WHERE story_size > 1")]
    for story_id in story_ids:
        timeline = story_timeline(conn, story_id)
        first = timeline[0]
        if first["outlet_level"] not in LOCAL_LEVELS:
            continue
        national = [a for a in timeline[1:] if a["site_level"] == NATIONAL]
        if national:
            out[story_id] = {"source_outlet": first["outlet"], "source_level": first["outlet_level"],
                             "national_sites": sorted({a["site"] for a in national}),
                             "lag_hours": min(a["lag_hours"] for a in national if a["lag_hours"] is not None)
                             if any(a["lag_hours"] is not None for a in national) else None}
    return out
