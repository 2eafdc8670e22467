"""Datasette plugin: claims and the reprint graph (issue 19).

- SQL functions `outlet_level(outlet, site_region)` and `site_level(region)` from
  `pipelines.reprints` (county, prefecture, province, national), for the canned queries
  `picked_up` and `story_timeline`;
- in the `claims` table, each sentence links to the article page, where that sentence is
  marked and scrolled to (`?claim=ID#claim-ID`; `pipelines.reading` marks it).
"""

from __future__ import annotations

import markupsafe
from datasette import hookimpl

from pipelines import reprints


@hookimpl
def prepare_connection(conn):
    conn.create_function("outlet_level", 2, reprints.outlet_level, deterministic=True)
    conn.create_function("site_level", 1, reprints.site_level, deterministic=True)


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if column != "sentence" or not database or not hasattr(row, "keys"):
        return None
    keys = row.keys()
    claim_id = row["claim_id"] if "claim_id" in keys else (row["id"] if table == "claims" and "id" in keys else None)
    article_id = row["article_id"] if "article_id" in keys else None
    if claim_id is None or article_id is None:
        return None
    if isinstance(article_id, dict):  # a table view hands foreign keys over as {value, label}
        article_id = article_id.get("value")
    href = datasette.urls.row(database, "articles", str(article_id)) + f"?claim={claim_id}#claim-{claim_id}"
    return markupsafe.Markup('<a class="claim-link" href="{}">{}</a>').format(href, value)
