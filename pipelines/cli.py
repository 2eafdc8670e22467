"""`jianfu`: work on an existing archive without crawling.

    jianfu report     [--db archive.db] [--run ID]   what the last (or a given) run did
    jianfu reprocess  [--db archive.db]              re-run extraction + classification over stored raw pages
    jianfu reclassify [--db archive.db]              re-run only the classifier; report labels that changed

Plain Python over `pipelines.*`; nothing here imports Scrapy.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipelines import health, stages
from pipelines.archive import Archive


def run_report(archive: Archive, run_id: int | None = None) -> str:
    """A short human report of one run and of the archive as a whole."""
    q = archive.conn.execute
    if run_id is None:
        row = q("SELECT max(id) FROM runs").fetchone()
        run_id = row[0] if row else None
    if run_id is None:
        return "The archive has no runs yet."
    run = archive.db["runs"].get(run_id)
    pages = run["pages"] if run["pages"] is not None else q("SELECT count(*) FROM pages WHERE run_id=?", (run_id,)).fetchone()[0]
    new = q("SELECT count(*) FROM pages WHERE run_id=? AND outcome='article'", (run_id,)).fetchone()[0]
    dups = q("SELECT count(*) FROM pages WHERE run_id=? AND outcome='duplicate'", (run_id,)).fetchone()[0]
    stats = json.loads(run["stats"] or "{}")
    skipped = stats.get("jianfu/skipped_archived", 0)
    reasons = q("SELECT stage, reason, count(*) FROM rejections WHERE run_id=? GROUP BY stage, reason "
                "ORDER BY count(*) DESC", (run_id,)).fetchall()
    total = q("SELECT count(*) FROM articles").fetchone()[0]
    br = q("SELECT count(*) FROM articles WHERE is_burden_reduction=1").fetchone()[0]
    clusters = q("SELECT count(*) FROM (SELECT story_id FROM articles GROUP BY story_id HAVING count(*) > 1)").fetchone()[0]
    lines = [
        f"Run {run_id} ({run['started_at']} → {run['finished_at'] or 'unfinished'}), seeds {run['seeds']}"
        + (f", finish reason {run['finish_reason']}" if run["finish_reason"] not in (None, "finished") else ""),
        f"  requests sent:              {run['requests'] or 0}",
        f"  article pages fetched:      {pages}",
        f"  new articles stored:        {new}",
        f"  duplicates (URLs added):    {dups}",
        f"  already archived, skipped:  {skipped}",
        f"  refused by robots.txt:      {stats.get('robotstxt/forbidden', 0)}",
        f"  rejections:                 {sum(r[2] for r in reasons)}",
    ]
    lines += [f"      {stage}/{reason}: {n}" for stage, reason, n in reasons]
    lines += health.summary(archive.conn, run_id)
    lines += [
        f"Archive {archive.path}: {total} articles, {br} about burden reduction, {clusters} reprint clusters",
    ]
    if new == 0 and dups == 0:
        lines.append("Nothing new: the archive already had every article this run found.")
    lines.append(f"Explore it:  make serve   (or: .venv/bin/datasette serve {archive.path} "
                 f"--metadata datasette/metadata.yml --plugins-dir datasette/plugins)")
    return "\n".join(lines)


def reprocess(archive: Archive, extract: bool = True) -> dict:
    """Re-run extraction (optional) and classification over every archived article.

    Uses the stored raw pages, so no request is sent. Returns counts of what changed.
    """
    site_rows = {r["name"]: json.loads(r["config"] or "{}") for r in archive.db["sites"].rows}
    counts = {"articles": 0, "text_changed": 0, "labels_changed": 0, "extract_failed": 0}
    for article_id, page in list(archive.article_pages()):
        old = archive.db["articles"].get(article_id)
        counts["articles"] += 1
        new_article = None
        source = old
        if extract:
            site = site_rows.get(page["site"], {})
            new_article, rejection = stages.fetch_and_extract(
                page, selectors=site.get("selectors"), encoding=site.get("encoding")
            )
            if rejection:
                counts["extract_failed"] += 1  # keep the old text: never lose an article on re-run
                new_article = None
            else:
                new_article = stages.dedupe_keys(new_article, url=page["url"])
                if new_article["body"] != old["body"] or new_article.get("title") != old["title"]:
                    counts["text_changed"] += 1
                source = new_article
        verdict = stages.classify_article({"title": source.get("title"), "body": source["body"]})
        if int(bool(verdict["is_burden_reduction"])) != old["is_burden_reduction"]:
            counts["labels_changed"] += 1
        archive.update_article(article_id, new_article, verdict)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="jianfu", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_ in [("report", "summarise a run"), ("reprocess", "re-extract and re-classify stored pages"),
                        ("reclassify", "re-classify every archived article")]:
        p = sub.add_parser(name, help=help_)
        p.add_argument("--db", default="archive.db", help="path to archive.db (default: %(default)s)")
        if name == "report":
            p.add_argument("--run", type=int, help="run id (default: the latest)")
    args = parser.parse_args(argv)
    if not Path(args.db).exists():
        print(f"jianfu: no archive at {args.db}; run a crawl first (make demo, or scrapy crawl news)", file=sys.stderr)
        return 2
    archive = Archive(args.db)
    try:
        if args.command == "report":
            print(run_report(archive, args.run))
        else:
            counts = reprocess(archive, extract=args.command == "reprocess")
            print(f"{counts['articles']} articles re-processed: {counts['text_changed']} texts changed, "
                  f"{counts['labels_changed']} burden-reduction labels changed"
                  + (f", {counts['extract_failed']} kept their old text (re-extraction failed)"
                     if counts["extract_failed"] else ""))
    finally:
        archive.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
