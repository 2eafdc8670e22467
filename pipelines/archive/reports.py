"""The run report and the re-processing summary, as text: what `make demo`, `jianfu report`
and `bin/scheduled-crawl` print. Reads only."""

from __future__ import annotations

import json

from pipelines import health


def run_report(archive, run_id: int | None = None) -> str:
    """A short human report of one run (default: the latest crawl) and of the archive as a whole."""
    q = archive.conn.execute
    if run_id is None:
        run_id = archive.runs.latest("crawl")
    if run_id is None:
        return "The archive has no runs yet."
    run = archive.runs.get(run_id)
    if run["kind"] == "reprocess":
        return reprocess_report(run)
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
    if backed_off := stats.get("jianfu/navigation_backed_off"):  # pipelines/archive/backoff.py
        lines.insert(-1, f"  navigation pages backed off: {backed_off}")
    lines += [f"      {stage}/{reason}: {n}" for stage, reason, n in reasons]
    lines += health.summary(archive.conn, run_id)
    lines += [
        f"Archive {archive.path}: {total} articles, {br} about burden reduction, {clusters} reprint clusters",
    ]
    if new == 0 and dups == 0:
        lines.append("Nothing new: the archive already had every article this run found.")
    lines.append(f"Explore it:  make serve   (or: .venv/bin/datasette serve {archive.path} "
                 f"--metadata datasette/metadata.yml --plugins-dir datasette/plugins "
                 f"--template-dir datasette/templates)")
    return "\n".join(lines)


def summary_line(counts: dict, extract: bool = True) -> str:
    """The one-line summary of a re-processing (stdout, and `jianfu report --run ID`)."""
    return (f"{counts['articles']} articles re-processed: {counts['text_changed']} texts changed, "
            f"{counts['labels_changed']} burden-reduction labels changed, "
            f"{counts['classifier_versions_updated']} classifier versions updated"
            + (f", {counts['stories_joined']} stories joined" if extract else "")
            + (f", {counts['extract_failed']} kept their old text (re-extraction failed)"
               if counts["extract_failed"] else "")
            + flips_line(counts.get("label_flips") or {}))


def flips_line(flips: dict) -> str:
    """Labels that changed, by topic slice: `+n` became burden-reduction, `-n` no longer are."""
    if not flips:
        return ""
    parts = [f"{topic} +{f['gained']} -{f['lost']}"
             for topic, f in sorted(flips.items(), key=lambda kv: -sum(kv[1].values()))]
    return "\n  labels changed by topic: " + ", ".join(parts)


def reprocess_report(run: dict) -> str:
    """`jianfu report --run ID` for a re-processing run."""
    stats = json.loads(run["stats"] or "{}")
    sel = stats.get("selection") or {}
    extract = stats.get("command", "reprocess") == "reprocess"
    lines = [f"Run {run['id']}: {stats.get('command', 'reprocess')} ({run['started_at']} → "
             f"{run['finished_at'] or 'unfinished'}), finish reason {run['finish_reason'] or 'none'}",
             "  selection: " + ("; ".join(filter(None, [
                 sel.get("sites") and "sites " + ", ".join(sel["sites"]),
                 sel.get("since") and f"published from {sel['since']}",
                 sel.get("until") and f"published until {sel['until']}",
                 sel.get("stale") and "stale versions only"])) or "every article")]
    if "articles" in stats:
        lines.append("  " + summary_line(stats, extract))
    lines.append(f"  extractor {stats.get('extractor_version') or '(not run)'}, "
                 + (f"dedupe {stats['dedupe_version']}, " if stats.get("dedupe_version") else "")
                 + f"classifier {stats.get('classifier_version')}")
    return "\n".join(lines)
