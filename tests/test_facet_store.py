"""The Datasette facet store on its own: counts as SQL counts them, before and after writes."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from pipelines.archive import Archive

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("fast_facets", ROOT / "datasette" / "plugins" / "fast_facets.py")
fast_facets = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fast_facets)

ROWS = [  # id, site, outlet, is_burden_reduction, topics, regions
    (1, "xinwen", "新闻在线", 1, ["文山会海", "督查检查考核"], ["青海省"]),
    (2, "xinwen", None, 0, [], ["青海省", "海东市"]),
    (3, "zhengfu", "海东市人民政府", 1, ["文山会海", "文山会海"], []),
    (4, "luntan", "新闻在线", 1, ["指尖上的形式主义"], ["甘肃省"]),
    (5, "zhengfu", "新闻在线", 0, None, "not json"),
]


@pytest.fixture()
def db(tmp_path):
    path = tmp_path / "archive.db"
    Archive(path).close()  # the real schema, FTS table and change-log triggers
    conn = sqlite3.connect(path)
    for rid, site, outlet, br, topics, regions in ROWS:
        conn.execute(
            "INSERT INTO articles (id, url, canonical_url, site, outlet, is_burden_reduction, topics, regions) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (rid, f"u{rid}", f"u{rid}", site, outlet, br,
             json.dumps(topics, ensure_ascii=False) if topics is not None else None,
             regions if isinstance(regions, str) else json.dumps(regions, ensure_ascii=False)))
    conn.commit()
    yield conn
    conn.close()


def counts(store, conn, name, is_array, ids):
    store.refresh(conn)
    return store.column(conn, name, is_array).counts(np.array(ids, dtype=np.int64))


def test_counts_are_sqls_counts(db):
    store = fast_facets.Store()
    every = [1, 2, 3, 4, 5]
    assert counts(store, db, "site", False, every) == [("xinwen", 2), ("zhengfu", 2), ("luntan", 1)]
    assert counts(store, db, "outlet", False, every) == [("新闻在线", 3), ("海东市人民政府", 1)]  # NULL left out
    assert counts(store, db, "is_burden_reduction", False, [1, 2, 3]) == [(1, 2), (0, 1)]
    # an article counts once per value however often the value repeats in it; bad JSON counts nowhere
    assert counts(store, db, "topics", True, every) == [("文山会海", 2), ("指尖上的形式主义", 1), ("督查检查考核", 1)]
    assert counts(store, db, "regions", True, [2, 4, 5]) == [("海东市", 1), ("甘肃省", 1), ("青海省", 1)]
    assert counts(store, db, "site", False, [99]) == []  # ids past the end: nothing, no error


def test_writes_are_replayed_from_the_change_log(db):
    store = fast_facets.Store()
    assert counts(store, db, "topics", True, [1, 2, 3, 4, 5])[0] == ("文山会海", 2)
    assert counts(store, db, "site", False, [1, 2, 3, 4, 5])[0] == ("xinwen", 2)
    db.execute("UPDATE articles SET topics = '[\"调研扎堆\"]', site = 'luntan' WHERE id = 1")
    db.execute("DELETE FROM articles WHERE id = 3")
    db.execute("INSERT INTO articles (id, url, canonical_url, site, topics) VALUES (9, 'u9', 'u9', 'luntan', '[\"调研扎堆\"]')")
    db.commit()
    logged = [r[0] for r in db.execute("SELECT article_id FROM articles_fts_changes ORDER BY id")]
    assert logged[-3:] == [1, 3, 9]
    ids = [1, 2, 3, 4, 5, 9]
    assert counts(store, db, "topics", True, ids) == [("调研扎堆", 2), ("指尖上的形式主义", 1)]
    assert counts(store, db, "site", False, ids) == [("luntan", 3), ("xinwen", 1), ("zhengfu", 1)]


def test_an_archive_without_the_log_is_reloaded_on_change(db):
    db.execute("DROP TABLE articles_fts_changes")
    for event in ("insert", "update", "delete"):
        db.execute(f"DROP TRIGGER articles_fts_changes_{event}")
    db.commit()
    store = fast_facets.Store()
    assert counts(store, db, "site", False, [1, 2, 3, 4, 5])[0] == ("xinwen", 2)
    db.execute("INSERT INTO articles (id, url, canonical_url, site) VALUES (6, 'u6', 'u6', 'zhengfu')")
    db.commit()
    assert counts(store, db, "site", False, [1, 2, 3, 4, 5, 6])[0] == ("zhengfu", 3)
