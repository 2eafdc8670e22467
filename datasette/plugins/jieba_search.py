"""Datasette plugin: Chinese queries segmented exactly as the archive's search index was.

Datasette turns `?_search=` (the table search box and the JSON API) into
`... MATCH escape_fts(:search)`. This plugin replaces that `escape_fts` SQL function with
`pipelines.search.fts_query`, which cuts the query with the same jieba dictionary that built
`articles_fts`, and registers it as `jieba_query()` for canned queries too.
`trylast` makes this registration run after Datasette's own, so ours is the one in force.
"""

from datasette import hookimpl

from pipelines.search import fts_query


@hookimpl(trylast=True)
def prepare_connection(conn):
    conn.create_function("escape_fts", 1, fts_query, deterministic=True)
    conn.create_function("jieba_query", 1, fts_query, deterministic=True)
    # Facets and counts over a search read every matching row: memory-mapped reads make that
    # several times faster than SQLite's small default page cache (read-only; WAL still applies).
    conn.execute("PRAGMA mmap_size = 2147483648")
