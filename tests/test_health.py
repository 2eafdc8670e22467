"""Site-health alerts and run problems (`pipelines.health`) on a real archive file.

Each test writes a site's history of runs the way `Archive.finish_run` does and checks what the
latest run is judged to be. The crawl-level checks are in tests/test_scheduled.py.
"""

import json
import subprocess
import sys
from pathlib import Path

from pipelines import health
from pipelines.archive import Archive

ROOT = Path(__file__).resolve().parents[1]


def history(tmp_path, site_runs, finish_reason="finished", stats=None):
    """An archive with one closed run per dict of `run_sites` figures; returns (archive, last run id)."""
    archive = Archive(tmp_path / "archive.db")
    run_id = None
    for figures in site_runs:
        run_id = archive.start_run("seeds.toml", ["demo"])
        row = {"requests": 10, "responses_ok": 10, "responses_error": 0, "failures": 0, "pages": 5,
               "articles_new": 5, "duplicates": 0, "rejections": 0, "empty_body": 0, "no_date": 0, **figures}
        site_stats = {f"jianfu/site/demo/{k}": row[k] for k in ("requests", "responses_ok", "responses_error", "failures")}
        archive.finish_run(run_id, {**site_stats, **(stats or {})}, finish_reason)
        # pages and articles of these runs are not in the archive: set the stored figures directly,
        # then judge the run again as `finish_run` does
        with archive.db.atomic():
            archive.conn.execute("UPDATE run_sites SET pages = ?, articles_new = ?, empty_body = ?, no_date = ? "
                                 "WHERE run_id = ?", (row["pages"], row["articles_new"], row["empty_body"],
                                                      row["no_date"], run_id))
        archive.runs.judge(run_id)
    return archive, run_id


def alerts(archive, run_id):
    return [a for (a,) in archive.conn.execute("SELECT alert FROM site_alerts WHERE run_id = ?", (run_id,))]


def problems(archive, run_id):
    return json.loads(archive.conn.execute("SELECT problems FROM runs WHERE id = ?", (run_id,)).fetchone()[0])


def test_a_healthy_history_raises_nothing(tmp_path):
    archive, run = history(tmp_path, [{}, {}, {"articles_new": 1, "pages": 1}])
    assert alerts(archive, run) == [] and problems(archive, run) == []
    assert health.exit_code(problems(archive, run)) == 0


def test_no_new_articles_for_several_runs_after_having_had_some(tmp_path):
    quiet = {"articles_new": 0, "pages": 0}
    archive, run = history(tmp_path, [{}, quiet, quiet, quiet])
    assert alerts(archive, run) == ["no_new_articles"]
    (tmp_path / "b").mkdir()
    archive, run = history(tmp_path / "b", [{}, quiet, quiet])
    assert alerts(archive, run) == []  # two quiet runs are not yet a pattern


def test_a_site_that_never_had_articles_is_not_flagged_as_drying_up(tmp_path):
    quiet = {"articles_new": 0, "pages": 0}
    archive, run = history(tmp_path, [quiet, quiet, quiet, quiet])
    assert "no_new_articles" not in alerts(archive, run)


def test_dates_failing_against_the_sites_own_history(tmp_path):
    archive, run = history(tmp_path, [{"no_date": 0}, {"no_date": 1}, {"no_date": 4}])
    assert alerts(archive, run) == ["dates_failing"]
    (tmp_path / "b").mkdir()
    archive, run = history(tmp_path / "b", [{"no_date": 4}, {"no_date": 5}])  # it never had dates
    assert alerts(archive, run) == []


def test_empty_bodies_need_a_clean_past_and_enough_pages(tmp_path):
    archive, run = history(tmp_path, [{}, {"empty_body": 3, "pages": 4, "articles_new": 1}])
    assert alerts(archive, run) == ["empty_bodies_rising"]
    (tmp_path / "b").mkdir()
    archive, run = history(tmp_path / "b", [{}, {"empty_body": 1, "pages": 1, "articles_new": 0}])
    assert "empty_bodies_rising" not in alerts(archive, run)  # one page is not a trend


def test_problems_and_their_exit_codes(tmp_path):
    archive, run = history(tmp_path, [{"responses_ok": 0, "responses_error": 10}])
    kinds = [p["kind"] for p in problems(archive, run)]
    assert kinds == ["site_failed", "too_many_errors"] and health.exit_code(problems(archive, run)) == 3
    (tmp_path / "b").mkdir()
    archive, run = history(tmp_path / "b", [{"responses_ok": 4, "responses_error": 6}])
    assert [p["kind"] for p in problems(archive, run)] == ["too_many_errors"]
    assert health.exit_code(problems(archive, run)) == 4
    (tmp_path / "c").mkdir()
    archive, run = history(tmp_path / "c", [{"responses_error": 2}], finish_reason="shutdown")
    assert [p["kind"] for p in problems(archive, run)] == ["cut_short"]
    assert health.exit_code(problems(archive, run)) == 5


def test_a_run_left_open_by_a_dead_process_is_closed_as_killed(tmp_path):
    db = tmp_path / "archive.db"
    # a run opened by a process that then died without closing it
    opened = subprocess.run([sys.executable, "-c", "import sys; from pipelines.archive import Archive; "
                             f"print(Archive({str(db)!r}).start_run('seeds.toml', ['demo']))"],
                            cwd=ROOT, capture_output=True, text=True, check=True)
    run = int(opened.stdout)
    archive = Archive(db)
    alive = archive.start_run("seeds.toml", ["demo"])  # our own pid: alive, left open
    assert archive.close_stale_runs() == []
    row = archive.db["runs"].get(run)
    assert row["finish_reason"] == "killed" and row["finished_at"]
    assert [p["kind"] for p in json.loads(row["problems"])] == ["cut_short"]
    assert archive.db["runs"].get(alive)["finished_at"] is None
