"""`jianfu export`: the archive's articles as JSON Lines or CSV, for analysis elsewhere.

    jianfu export [--db archive.db] [--format jsonl|csv] [--since YYYY-MM-DD] [--until YYYY-MM-DD]
                  [--search QUERY] [--burden-reduction] [--out FILE]

The archive is opened read-only (safe while a crawl writes, and it never migrates the file).
`--search` takes the same queries as the Datasette search box (words, OR, -word, "phrase",
traditional characters), cut by the index's jieba dictionary. CSV starts with a UTF-8 BOM
so Excel on Chinese Windows opens it without mojibake; list columns (topics, regions) are
joined with "；" there and stay JSON lists in JSON Lines. Newest first.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import sys
from datetime import datetime, timedelta
from pathlib import Path

from pipelines.search import FTS_TABLE, fts_query, text_matches

COLUMNS = ["id", "title", "published_at", "site", "site_name", "outlet", "author", "url", "original_url",
           "story_id", "is_burden_reduction", "br_score", "topics", "regions", "body"]
LIST_COLUMNS = ("topics", "regions")


def _day(value: str) -> str:
    try:
        return datetime.strptime(value, "%Y-%m-%d").strftime("%Y-%m-%d")
    except ValueError:
        raise ValueError(f"not a day (YYYY-MM-DD): {value!r}") from None


def articles(conn: sqlite3.Connection, since: str | None = None, until: str | None = None,
             search: str | None = None, burden_reduction: bool = False):
    """Article dicts (COLUMNS) matching the selection, newest first."""
    where, params = [], []
    if since:
        where.append("a.published_at >= ?")
        params.append(_day(since))
    if until:
        where.append("a.published_at < ?")
        params.append((datetime.strptime(_day(until), "%Y-%m-%d") + timedelta(days=1)).strftime("%Y-%m-%d"))
    if burden_reduction:
        where.append("a.is_burden_reduction = 1")
    if search:
        where.append(f"a.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?)")
        params.append(fts_query(search))
    sql = ("SELECT a.id, a.title, a.published_at, a.site, s.display_name AS site_name, a.outlet, a.author, a.url, "
           "a.original_url, a.story_id, a.is_burden_reduction, a.br_score, a.topics, a.regions, a.body "
           "FROM articles a LEFT JOIN sites s ON s.name = a.site"
           + (" WHERE " + " AND ".join(where) if where else "")
           + " ORDER BY a.published_at IS NULL, a.published_at DESC, a.id DESC")
    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    for row in cur:
        art = dict(zip(names, row))
        if search and not text_matches(art["title"], art["body"], search):
            continue
        for col in LIST_COLUMNS:
            try:
                art[col] = json.loads(art[col]) if art[col] else []
            except ValueError:
                art[col] = []
        yield art


def write(rows, fmt: str, out) -> int:
    """Write rows to the text stream `out`; returns how many."""
    n = 0
    if fmt == "jsonl":
        for art in rows:
            out.write(json.dumps(art, ensure_ascii=False) + "\n")
            n += 1
        return n
    out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for art in rows:
        writer.writerow({**art, **{c: "；".join(map(str, art[c])) for c in LIST_COLUMNS}})
        n += 1
    return n


def add_parser(sub) -> None:
    p = sub.add_parser("export", help="articles as JSON Lines or CSV (with a BOM, for Excel)")
    p.add_argument("--db", default="archive.db", help="path to archive.db (default: %(default)s)")
    p.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="only articles published on or after this day")
    p.add_argument("--until", metavar="YYYY-MM-DD", help="... on or before this day")
    p.add_argument("--search", metavar="QUERY", help="only articles matching this search (as in Datasette)")
    p.add_argument("--burden-reduction", action="store_true", help="only articles labelled burden reduction")
    p.add_argument("--out", metavar="FILE", help="write here instead of stdout")


def run(args) -> int:
    if not Path(args.db).exists():
        print(f"jianfu export: no archive at {args.db}", file=sys.stderr)
        return 2
    try:
        for day in (args.since, args.until):
            if day:
                _day(day)
    except ValueError as exc:
        print(f"jianfu export: {exc}", file=sys.stderr)
        return 2
    conn = sqlite3.connect(f"file:{Path(args.db).resolve()}?mode=ro", uri=True)
    conn.execute("PRAGMA busy_timeout = 10000")
    try:
        rows = articles(conn, args.since, args.until, args.search, args.burden_reduction)
        if args.out:
            with open(args.out, "w", encoding="utf-8", newline="") as out:
                n = write(rows, args.format, out)
        else:
            sys.stdout.reconfigure(encoding="utf-8", newline="" if args.format == "csv" else None)
            n = write(rows, args.format, sys.stdout)
    finally:
        conn.close()
    print(f"exported {n} articles", file=sys.stderr)
    return 0
