"""Is the crawl healthy? Run problems (exit codes) and site-health alerts.

Unattended crawls fail quietly: a site changes its template and yields empty bodies for weeks,
an outage makes a run "succeed" with nothing. After each run `check_run` compares every site's
figures in `run_sites` with that site's own history and writes what looks wrong to
`site_alerts`; it returns the run's problems, which `bin/scheduled-crawl` turns into its exit
code. Plain SQL over the archive: nothing here knows about Scrapy.
"""

from __future__ import annotations

import json
import sqlite3

# Exit codes of bin/scheduled-crawl (README, "Scheduled crawls"). When several problems apply,
# the first in this order decides.
EXIT_OK = 0
EXIT_USAGE = 2            # bad arguments or a malformed seeds file: nothing was crawled
EXIT_PROBLEMS = {
    # the archive could not be written (pipelines/archive_checks.py): the crawl stopped at the
    # first failed write, the page is still queued; fix the archive and run again
    "archive_corrupt": 9, # damaged file (integrity check failed, malformed page)
    "archive_schema": 8,  # a table or column this version writes is missing
    "archive_full": 6,    # no space left for the archive
    "archive_locked": 7,  # another process held a write lock longer than the busy timeout
    "cut_short": 5,       # the run did not finish: a signal, a CLOSESPIDER limit, a kill
    "site_failed": 3,     # a site answered nothing but errors
    "too_many_errors": 4, # failed requests above the threshold across the run
}
EXIT_NOT_AN_ARCHIVE = 10  # --db names a file that is not an archive (not SQLite, or another program's)
EXIT_LOCKED = 75          # another scheduled crawl holds the lock (EX_TEMPFAIL: try later)

# Site-health thresholds: "sharply" means against the site's own history.
NO_NEW_RUNS = 3            # no new article in this many consecutive runs (after having had some)
RISING_RATE = 0.5          # this run's share of empty bodies / undated articles at least this …
BASELINE_RATE = 0.2        # … while the site's history stayed at or below this
MIN_PAGES = 2              # and the run had at least this many pages of the site


def check_run(conn: sqlite3.Connection, run_id: int, max_error_rate: float = 0.5) -> list[dict]:
    """Write this run's site alerts; return its problems as [{"kind", "detail"}].

    Call after `run_sites` holds the run's figures (`Archive.finish_run` does).
    """
    conn.execute("DELETE FROM site_alerts WHERE run_id = ?", (run_id,))
    run = conn.execute("SELECT finish_reason, kind, stats FROM runs WHERE id = ?", (run_id,)).fetchone()
    problems = []
    if run[0] in EXIT_PROBLEMS and run[0].startswith("archive_"):  # the crawl stopped at a failed write
        detail = json.loads(run[2] or "{}").get("jianfu/archive_problem_detail", "")
        problems.append({"kind": run[0], "detail": detail or f"run ended with finish reason '{run[0]}'"})
    elif run[0] != "finished":
        problems.append({"kind": "cut_short", "detail": f"run ended with finish reason '{run[0]}'"})
    rows = conn.execute("SELECT * FROM run_sites WHERE run_id = ? ORDER BY site", (run_id,))
    cols = [c[0] for c in rows.description]
    sites = [dict(zip(cols, r)) for r in rows.fetchall()]
    for site in sites:
        for alert, detail in site_alerts(conn, run_id, site):
            conn.execute("INSERT INTO site_alerts (run_id, site, alert, detail) VALUES (?, ?, ?, ?)",
                         (run_id, site["site"], alert, detail))
            if alert == "site_failed":
                problems.append({"kind": "site_failed", "detail": f"{site['site']}: {detail}"})
    requests = sum(s["requests"] or 0 for s in sites)
    errors = sum((s["responses_error"] or 0) + (s["failures"] or 0) for s in sites)
    if requests and errors / requests > max_error_rate:
        problems.append({"kind": "too_many_errors",
                         "detail": f"{errors} of {requests} requests failed ({errors / requests:.0%} > "
                                   f"{max_error_rate:.0%})"})
    return problems


def site_alerts(conn: sqlite3.Connection, run_id: int, site: dict) -> list[tuple[str, str]]:
    """(alert, detail) for one site's `run_sites` row, judged against its earlier runs."""
    name = site["site"]
    alerts = []
    if (site["requests"] or 0) > 0 and not site["responses_ok"]:
        alerts.append(("site_failed", f"{site['requests']} requests, no successful response "
                                      f"({site['responses_error'] or 0} error statuses, {site['failures'] or 0} "
                                      f"without a response)"))
    history = conn.execute(
        "SELECT rs.articles_new, rs.pages, rs.empty_body, rs.no_date FROM run_sites rs JOIN runs r ON r.id = rs.run_id "
        "WHERE rs.site = ? AND rs.run_id < ? AND r.kind = 'crawl' ORDER BY rs.run_id DESC", (name, run_id)).fetchall()
    recent = [site["articles_new"]] + [h[0] for h in history[:NO_NEW_RUNS - 1]]
    if len(recent) == NO_NEW_RUNS and not any(recent) and any(h[0] for h in history):
        alerts.append(("no_new_articles", f"no new article in the last {NO_NEW_RUNS} runs"))
    # (alert, what went wrong, out of what, column index of each in `history`, wording)
    for alert, bad, total, bad_i, total_i, what in (
        ("empty_bodies_rising", "empty_body", "pages", 2, 1, "pages had no article text"),
        ("dates_failing", "no_date", "articles_new", 3, 0, "new articles without a date"),
    ):
        past_total = sum(h[total_i] or 0 for h in history)
        if site[total] >= MIN_PAGES and past_total >= MIN_PAGES:
            rate, past = site[bad] / site[total], sum(h[bad_i] or 0 for h in history) / past_total
            if rate >= RISING_RATE and past <= BASELINE_RATE:
                alerts.append((alert, f"{site[bad]} of {site[total]} {what} (before: {past:.0%})"))
    return alerts


def exit_code(problems: list[dict]) -> int:
    """The exit code for a run with these problems (0 when there are none)."""
    for kind, code in EXIT_PROBLEMS.items():
        if any(p["kind"] == kind for p in problems):
            return code
    return EXIT_OK


def summary(conn: sqlite3.Connection, run_id: int) -> list[str]:
    """Lines for the run report: problems, then site alerts."""
    problems = json.loads(conn.execute("SELECT problems FROM runs WHERE id = ?", (run_id,)).fetchone()[0] or "[]")
    lines = [f"PROBLEM {p['kind']}: {p['detail']}" for p in problems]
    lines += [f"site health: {site} {alert}: {detail}" for site, alert, detail in conn.execute(
        "SELECT site, alert, detail FROM site_alerts WHERE run_id = ? ORDER BY site, id", (run_id,))]
    return lines
