"""Datasette plugin: Chinese queries segmented exactly as the archive's search index was.

Datasette turns `?_search=` (the table search box and the JSON API) into
`id in (select rowid from articles_fts where articles_fts match escape_fts(:search))`. This
plugin replaces that `escape_fts` SQL function with `pipelines.search.fts_query`, which cuts the
query with the same jieba dictionary that built `articles_fts`, and registers it as
`jieba_query()` for canned queries too (with `jieba_match()` for quoted phrases and
`jieba_snippet()` for highlighted snippets, see `pipelines.search.register_functions`). `trylast` makes this registration run after Datasette's
own, so ours is the one in force.

It also changes *how* SQLite applies a broad search. SQLite assumes an `IN (subquery)` yields a
few dozen rows, so it looks each match up in `articles` and sorts them all — for a word in most
articles (基层, 减负 in a 基层减负 archive) that sorts every matching row, bodies included.
When the query matches a large share of the archive the clause becomes `+id in (...)`, which
lets SQLite walk the `published_at` index newest first and stop after one page of matches.
"""

from __future__ import annotations

import re

from datasette import hookimpl
from datasette.utils import await_me_maybe

from pipelines import compat
from pipelines.search import FTS_TABLE, fts_query, has_phrases, register_functions

# The search SQL below is matched as Datasette 0.65 writes it: refuse to load on another release.
compat.check("datasette", "datasette/plugins/jieba_search.py (matches Datasette 0.65's search SQL)")

# Datasette's clause for ?_search= (datasette/filters.py, 0.65)
_SEARCH_CLAUSE = re.compile(
    rf"^(\w+) in \(select rowid from {FTS_TABLE} where {FTS_TABLE} match escape_fts\(:search\)\)$")
# Above this share of the archive, walking an index beats one lookup per match.
BROAD_SHARE = 0.05


@hookimpl(trylast=True)
def prepare_connection(conn):
    conn.create_function("escape_fts", 1, fts_query, deterministic=True)
    register_functions(conn)  # jieba_query, jieba_match, jieba_snippet
    # Counts over a search read many rows: memory-mapped reads beat SQLite's small page cache
    # (read-only; WAL still applies).
    conn.execute("PRAGMA mmap_size = 2147483648")


async def _is_broad(db, search: str) -> bool:
    """Does this search match more than BROAD_SHARE of the articles? (an FTS count: a few ms)"""
    rows = await db.execute(
        f"select (select count(*) from {FTS_TABLE} where {FTS_TABLE} match escape_fts(:q)), "
        f"(select max(rowid) from {FTS_TABLE})", {"q": search})
    hits, total = rows.first()
    return bool(total) and hits > BROAD_SHARE * total


@hookimpl(wrapper=True)
def filters_from_request(request, database, table, datasette):
    results = yield

    def rewrite(original):
        async def inner():
            args = await await_me_maybe(original)
            if not args or "search" not in args.params:
                return args
            for i, clause in enumerate(list(args.where_clauses)):
                m = _SEARCH_CLAUSE.match(clause)
                if not m:
                    continue
                if await _is_broad(datasette.get_database(database), args.params["search"]):
                    args.where_clauses[i] = "+" + clause
                if has_phrases(args.params["search"]):  # "quoted phrases" must occur as written
                    args.where_clauses.append("jieba_match(title, body, :search)")
            return args
        return inner

    return [rewrite(r) for r in results]
