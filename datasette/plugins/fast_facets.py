"""Datasette plugin: facet counts for `articles` from an in-memory column store.

Datasette computes each facet with its own SQL pass over the matching rows. A search for a
common word (基层 is in most articles of a 基层减负 archive) matches most of the archive, so six
facets meant six passes over >100k wide rows, about 100 ms each at 200k articles, and array
facets (topics, regions) far more. Here the matching ids are read once per request (one
`group_concat(id)` over the same SQL Datasette would facet), and every facet is a numpy
`bincount` over per-column value codes held in memory.

The store loads a column on first use and stays current by replaying `articles_fts_changes`,
the log that triggers on `articles` fill (see `pipelines.search.ensure_search_index`); an
archive without that log is reloaded whenever it changes. Counts and formatting are Datasette's
own: the facet classes below are Datasette's `ColumnFacet`/`ArrayFacet`, handed a stand-in for
Datasette whose `execute` answers their facet SQL from the store, so links, labels, "selected"
and truncation behave exactly as without the plugin. Other tables go to Datasette unchanged.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections import OrderedDict

import numpy as np
from datasette import hookimpl
from datasette.facets import ArrayFacet, ColumnFacet

from pipelines import compat
from pipelines.search import CHANGES_TABLE, FTS_TABLE

# The facet SQL below is matched as Datasette 0.65 writes it: refuse to load on another release.
compat.check("datasette", "datasette/plugins/fast_facets.py (matches Datasette 0.65's facet SQL)")

TABLE = "articles"
_COLUMN_SQL = re.compile(r"^\s*select\s+\[?(\w+)\]?\s+as value,", re.S)
_ARRAY_SQL = re.compile(r"json_each\(\[inner\]\.\[?(\w+)\]?\)")
_ONLY_SEARCH = re.compile(
    rf" from {TABLE} where \+?id in \(select rowid from {FTS_TABLE} where {FTS_TABLE} match escape_fts\(:search\)\)\s*$")


class Column:
    """One column as value codes indexed by article id (-1: no row, NULL, or no usable value)."""

    def __init__(self, name: str, is_array: bool):
        self.name, self.is_array = name, is_array
        self.values: list = []          # code -> value
        self.codes: dict = {}           # value -> code
        self.scalar = np.full(0, -1, dtype=np.int32)
        self.lists: dict[int, tuple] = {}   # array columns: id -> distinct codes of that row
        self._pairs = None              # array columns: (ids, codes), rebuilt after changes

    def _code(self, value) -> int:
        key = (type(value).__name__, value)
        if key not in self.codes:
            self.codes[key] = len(self.values)
            self.values.append(value)
        return self.codes[key]

    def set_rows(self, rows) -> None:
        """Store (id, raw value) rows; ids not in rows keep their codes."""
        rows = list(rows)
        if not rows:
            return
        top = max(r[0] for r in rows)
        if top >= len(self.scalar):
            grown = np.full(max(top + 1, len(self.scalar) * 3 // 2), -1, dtype=np.int32)
            grown[:len(self.scalar)] = self.scalar
            self.scalar = grown
        if not self.is_array:
            ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            codes = np.fromiter((-1 if r[1] is None else self._code(r[1]) for r in rows),
                                dtype=np.int32, count=len(rows))
            self.scalar[ids] = codes
            return
        for rid, raw in rows:
            try:
                items = json.loads(raw) if isinstance(raw, str) else None
            except ValueError:
                items = None
            if isinstance(items, list):
                self.lists[rid] = tuple(dict.fromkeys(self._code(v) for v in items
                                                      if isinstance(v, (str, int, float))))
            else:
                self.lists.pop(rid, None)
        self._pairs = None

    def drop(self, ids) -> None:
        for rid in ids:
            if rid < len(self.scalar):
                self.scalar[rid] = -1
            self.lists.pop(rid, None)
        self._pairs = None

    def counts(self, hits: np.ndarray) -> list[tuple]:
        """(value, count) for the rows in hits, most frequent first, ties by value."""
        hits = hits[hits < len(self.scalar)]
        if self.is_array:
            if self._pairs is None:
                ids = np.fromiter((i for i, cs in self.lists.items() for _ in cs), dtype=np.int64)
                codes = np.fromiter((c for cs in self.lists.values() for c in cs), dtype=np.int64)
                self._pairs = ids, codes
            ids, codes = self._pairs
            mask = np.zeros(len(self.scalar), dtype=bool)
            mask[hits] = True
            tally = np.bincount(codes[mask[ids]], minlength=len(self.values))
        else:
            found = self.scalar[hits]
            tally = np.bincount(found[found >= 0], minlength=len(self.values))
        nonzero = np.nonzero(tally)[0]
        pairs = [(self.values[c], int(tally[c])) for c in nonzero]
        # SQLite's order: count desc, then value (numbers sort before text)
        pairs.sort(key=lambda p: (-p[1], isinstance(p[0], str), p[0]))
        return pairs


class Store:
    """The facet columns of one archive file, kept in step with its change log."""

    def __init__(self):
        self.columns: dict[tuple, Column] = {}
        self.seen_change = None     # last change-log id replayed (None: no log in this archive)
        self.version = None         # archive signature when no log exists
        self.lock = threading.Lock()
        self.hits: OrderedDict = OrderedDict()   # (sql, params, version) -> ids

    def _signature(self, conn):
        has_log = conn.execute("select 1 from sqlite_master where name = ?", (CHANGES_TABLE,)).fetchone()
        if has_log:
            return ("log", conn.execute(f"select coalesce(max(id), 0) from {CHANGES_TABLE}").fetchone()[0])
        return ("rows", conn.execute(f"select count(*), max(id) from {TABLE}").fetchone())

    def refresh(self, conn):
        """Bring loaded columns up to date; returns the archive's current signature."""
        sig = self._signature(conn)
        if sig == self.version:
            return sig
        if sig[0] == "log" and self.version and self.version[0] == "log" and sig[1] > self.version[1]:
            changed = [r[0] for r in conn.execute(
                f"select distinct article_id from {CHANGES_TABLE} where id > ?", (self.version[1],))]
            cols = list(self.columns.values())
            if cols and len(changed) > max(1000, len(cols[0].scalar) // 10):
                self._load(conn, cols)  # a reprocess rewrote much of it: one pass is cheaper
            else:
                self._update(conn, cols, changed)
        else:
            self._load(conn, list(self.columns.values()))
        self.version = sig
        self.hits.clear()
        return sig

    @staticmethod
    def _update(conn, cols: list[Column], ids: list[int]) -> None:
        """Re-read these rows (gone rows drop out)."""
        if not cols:
            return
        names = ", ".join(f"[{c.name}]" for c in cols)
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            rows = conn.execute(f"select id, {names} from {TABLE} where id in ({','.join('?' * len(chunk))})",
                                chunk).fetchall()
            for n, col in enumerate(cols, start=1):
                col.drop(chunk)
                col.set_rows([(r[0], r[n]) for r in rows])

    @staticmethod
    def _load(conn, cols: list[Column]) -> None:
        """Whole columns in one pass over the table (a pass costs the same for one or six)."""
        if not cols:
            return
        for col in cols:
            col.__init__(col.name, col.is_array)
        names = ", ".join(f"[{c.name}]" for c in cols)
        cursor = conn.execute(f"select id, {names} from {TABLE}")
        while rows := cursor.fetchmany(20000):
            for i, col in enumerate(cols, start=1):
                col.set_rows([(r[0], r[i]) for r in rows])

    def column(self, conn, name: str, is_array: bool) -> Column:
        key = (name, is_array)
        if key not in self.columns:
            col = Column(name, is_array)
            self._load(conn, [col])
            self.columns[key] = col
        return self.columns[key]

    def preload(self, conn, wanted: list[tuple[str, bool]]) -> None:
        """Load several columns in one pass (at startup, so the first search is not the slow one)."""
        with self.lock:
            self.version = self._signature(conn)
            cols = [Column(n, a) for n, a in wanted if (n, a) not in self.columns]
            if cols:
                self._load(conn, cols)
                self.columns.update({(c.name, c.is_array): c for c in cols})

    def match_ids(self, conn, sql: str, params: dict, version) -> np.ndarray:
        """Ids of the rows the table view shows (all pages), read once per request and query."""
        items = sorted(params.items()) if isinstance(params, dict) else list(enumerate(params or ()))
        key = (sql, tuple((k, repr(v)) for k, v in items), version)
        if key not in self.hits:
            only_search = _ONLY_SEARCH.search(sql)
            if only_search and isinstance(params, dict) and set(params) == {"search"}:
                # the search is the only filter: the ids are the index's own matches
                text = conn.execute(f"select group_concat(rowid) from {FTS_TABLE} "
                                    f"where {FTS_TABLE} match escape_fts(:search)", params).fetchone()[0]
            else:
                text = conn.execute(f"select group_concat(id) from ({sql})", params).fetchone()[0]
            self.hits[key] = np.array(text.split(","), dtype=np.int64) if text else np.zeros(0, dtype=np.int64)
            while len(self.hits) > 32:
                self.hits.popitem(last=False)
        return self.hits[key]


_stores: dict[str, Store] = {}


def _store_for(path: str) -> Store:
    return _stores.setdefault(path, Store())


async def _counts(facet, column: str, is_array: bool):
    """[(value, count), ...] for one facet of the request, or None if the store does not apply."""
    if facet.table != TABLE:
        return None
    db = facet.ds.get_database(facet.database)
    if not db.path:
        return None
    store = _store_for(db.path)

    def work(conn):
        columns = {r[1] for r in conn.execute(f"pragma table_info({TABLE})")}
        if column not in columns or "id" not in columns:
            return None
        with store.lock:
            version = store.refresh(conn)
            col = store.column(conn, column, is_array)
            hits = store.match_ids(conn, facet.sql, facet.params, version)
            return col.counts(hits)

    try:
        return await db.execute_fn(work)
    except sqlite3.Error:  # e.g. a filter this path cannot run: Datasette's own SQL decides
        return None


class _Rows(list):
    """What facet code reads from a Datasette query result: len() and .rows of mappings."""

    @property
    def rows(self):
        return self


class _FromStore:
    """Stands in for the Datasette object inside one facet class: facet SQL for `articles` is
    answered from the store; anything else goes to the real Datasette."""

    def __init__(self, facet, real):
        self._facet, self._real = facet, real

    def __getattr__(self, name):
        return getattr(self._real, name)

    async def execute(self, database, sql, params=None, **kwargs):
        m = _ARRAY_SQL.search(sql) if self._facet.type == "array" else _COLUMN_SQL.match(sql)
        limit = re.search(r"limit (\d+)\s*$", sql)
        if m and limit:
            pairs = await _counts(self._facet, m.group(1), self._facet.type == "array")
            if pairs is not None:
                return _Rows({"value": v, "count": n} for v, n in pairs[:int(limit.group(1))])
        return await self._real.execute(database, sql, params, **kwargs)


class StoreColumnFacet(ColumnFacet):
    async def facet_results(self):
        self.ds = _FromStore(self, self.ds)
        try:
            return await super().facet_results()
        finally:
            self.ds = self.ds._real


class StoreArrayFacet(ArrayFacet):
    async def facet_results(self):
        self.ds = _FromStore(self, self.ds)
        try:
            return await super().facet_results()
        finally:
            self.ds = self.ds._real


@hookimpl(wrapper=True)
def register_facet_classes():
    """Datasette's column and array facets, swapped for the store-backed subclasses."""
    swap = {ColumnFacet: StoreColumnFacet, ArrayFacet: StoreArrayFacet}
    return [[swap.get(k, k) for k in group] for group in (yield)]


@hookimpl
def startup(datasette):
    """Load the configured facet columns of each archive in the background."""
    def preload(db, wanted):
        conn = sqlite3.connect(f"file:{db.path}?mode=ro", uri=True, check_same_thread=False)
        try:
            _store_for(db.path).preload(conn, wanted)
        finally:
            conn.close()

    for name, db in datasette.databases.items():
        if not db.path:
            continue
        wanted = []
        for config in (datasette.table_metadata(name, TABLE) or {}).get("facets", []):
            if isinstance(config, str):
                wanted.append((config, False))
            elif isinstance(config, dict) and len(config) == 1:
                kind, column = next(iter(config.items()))
                if kind in ("column", "array") and isinstance(column, str):
                    wanted.append((column, kind == "array"))
        if wanted:
            threading.Thread(target=_safe, args=(preload, db, wanted), daemon=True).start()


def _safe(fn, *args):
    try:
        fn(*args)
    except sqlite3.Error:  # not an archive (no articles table, say): facets fall back per request
        pass
