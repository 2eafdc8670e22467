"""The commands a user runs: `make demo`'s module twice, and `jianfu` report/reprocess/reclassify/backup."""

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.conftest import free_port, report_figures

ROOT = Path(__file__).resolve().parents[1]


def run(*args):
    done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_demo_twice(tmp_path):
    db = tmp_path / "archive.db"
    port = str(free_port())
    first = run("-m", "crawler.demo", "--db", str(db), "--port", port)
    figures = report_figures(first)
    assert (figures["new articles stored"], figures["refused by robots.txt"]) == (24, 1)
    assert (figures["fetch/http_404"], figures["fetch/http_500"], figures["extract/empty_body"]) == (1, 1, 1)
    assert "2 reprint clusters" in first and "make serve" in first
    second = run("-m", "crawler.demo", "--db", str(db), "--port", port)
    assert report_figures(second)["article pages fetched"] == 0 and "Nothing new" in second


def copy_of(crawled, tmp_path):
    path = tmp_path / "archive.db"
    with sqlite3.connect(crawled[0]) as src, sqlite3.connect(path) as dst:
        src.backup(dst)
    return path


def test_reprocess_restores_what_an_older_pipeline_got_wrong(crawled, tmp_path):
    db = copy_of(crawled, tmp_path)
    with sqlite3.connect(db) as c:
        good = c.execute("SELECT id, title, body, is_burden_reduction FROM articles WHERE is_burden_reduction = 1 "
                         "ORDER BY id LIMIT 1").fetchone()
        c.execute("UPDATE articles SET title = ?, body = body || '\n\n相关新闻 热点推荐', is_burden_reduction = 0, "
                  "extractor_version = 'old', classifier_version = 'old' WHERE id = ?", (good[1] + "_旧网站", good[0]))
    out = run("-m", "pipelines.cli", "reprocess", "--db", str(db))
    assert "1 texts changed, 1 burden-reduction labels changed" in out
    with sqlite3.connect(db) as c:
        row = c.execute("SELECT title, body, is_burden_reduction, extractor_version, classifier_version "
                        "FROM articles WHERE id = ?", (good[0],)).fetchone()
        assert row[:3] == good[1:] and "old" not in row[3:]
        # the search index follows the re-extracted text
        assert c.execute("SELECT count(*) FROM articles_fts WHERE rowid = ? AND body LIKE '%热点推荐%'",
                         (good[0],)).fetchone()[0] == 0


def test_reclassify_reports_changed_labels(crawled, tmp_path):
    db = copy_of(crawled, tmp_path)
    with sqlite3.connect(db) as c:
        flipped = [r[0] for r in c.execute("SELECT id FROM articles ORDER BY id LIMIT 3")]
        c.executemany("UPDATE articles SET is_burden_reduction = 1 - is_burden_reduction WHERE id = ?",
                      [(i,) for i in flipped])
        n = c.execute("SELECT count(*) FROM articles").fetchone()[0]
        before_text = c.execute("SELECT group_concat(body) FROM articles").fetchone()[0]
    out = run("-m", "pipelines.cli", "reclassify", "--db", str(db))
    assert "3 burden-reduction labels changed" in out and "0 texts changed" in out
    # by topic slice: each flip counted under the topics of the verdict that says burden-reduction
    by_topic = re.search(r"labels changed by topic: (.*)", out).group(1)
    flips = [(int(g), int(l)) for g, l in re.findall(r" \+(\d+) -(\d+)", by_topic)]
    assert flips and sum(g + l for g, l in flips) >= 3, by_topic
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT group_concat(body) FROM articles").fetchone()[0] == before_text
    again = run("-m", "pipelines.cli", "reclassify", "--db", str(db))  # nothing left to change
    assert again.startswith(f"{n} articles re-processed: 0 texts changed, 0 burden-reduction labels changed, "
                            "0 classifier versions updated"), again


def test_report_and_missing_archive(crawled, tmp_path):
    db = copy_of(crawled, tmp_path)
    with sqlite3.connect(db) as c:
        first = c.execute("SELECT min(id) FROM runs").fetchone()[0]
    out = run("-m", "pipelines.cli", "report", "--db", str(db), "--run", str(first))
    assert out.startswith(f"Run {first} (") and report_figures(out)["new articles stored"] == 24
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "report", "--db", str(tmp_path / "none.db")],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 2 and "no archive at" in done.stderr


def jianfu(*args):
    """`python -m pipelines.cli ARGS` as a user runs it: (exit status, stdout, stderr)."""
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    return done.returncode, done.stdout, done.stderr


def test_reprocess_one_site_after_a_classifier_version_change(crawled, tmp_path):
    from pipelines.classify import CLASSIFIER_VERSION
    from pipelines.versions import EXTRACTOR

    db = copy_of(crawled, tmp_path)
    with sqlite3.connect(db) as c:
        site, other = [r[0] for r in c.execute("SELECT site FROM articles GROUP BY site ORDER BY count(*) DESC LIMIT 2")]
        labels = dict(c.execute("SELECT id, is_burden_reduction FROM articles"))
        stale = [r[0] for r in c.execute("SELECT id FROM articles WHERE site = ? ORDER BY id LIMIT 3", (site,))]
        elsewhere = c.execute("SELECT id FROM articles WHERE site = ? ORDER BY id LIMIT 1", (other,)).fetchone()[0]
        for aid in stale + [elsewhere]:  # what an older classifier said
            c.execute("UPDATE articles SET classifier_version = '0.0-old', is_burden_reduction = 1 - is_burden_reduction "
                      "WHERE id = ?", (aid,))
        n_site = c.execute("SELECT count(*) FROM articles WHERE site = ?", (site,)).fetchone()[0]
    status, out, err = jianfu("reprocess", "--db", str(db), "--site", site)
    assert status == 0, err
    assert (f"{n_site} articles re-processed: 0 texts changed, 3 burden-reduction labels changed, "
            f"3 classifier versions updated, 0 stories joined") in out
    assert any(line.startswith(f"reprocess: {n_site}/{n_site} articles (100%), ") for line in err.splitlines())
    with sqlite3.connect(db) as c:
        for aid in stale:
            assert c.execute("SELECT is_burden_reduction, classifier_version FROM articles WHERE id = ?",
                             (aid,)).fetchone() == (labels[aid], CLASSIFIER_VERSION)
        # another site's article is not selected: still the old classifier's (wrong) label
        assert c.execute("SELECT is_burden_reduction, classifier_version FROM articles WHERE id = ?",
                         (elsewhere,)).fetchone() == (1 - labels[elsewhere], "0.0-old")
        run_id, kind, sites, reason, finished, stats = c.execute(
            "SELECT id, kind, sites, finish_reason, finished_at, stats FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    stats = json.loads(stats)
    assert (kind, json.loads(sites), reason) == ("reprocess", [site], "finished") and finished
    assert stats["selection"] == {"sites": [site], "since": None, "until": None, "stale": False}
    assert (stats["articles"], stats["labels_changed"], stats["classifier_versions_updated"]) == (n_site, 3, 3)
    assert (stats["classifier_version"], stats["extractor_version"]) == (CLASSIFIER_VERSION, EXTRACTOR)
    # `jianfu report` still means the latest crawl; a re-processing run is reported on request
    assert "new articles stored" in run("-m", "pipelines.cli", "report", "--db", str(db))
    report = run("-m", "pipelines.cli", "report", "--db", str(db), "--run", str(run_id))
    assert f"sites {site}" in report and "3 burden-reduction labels changed" in report


def test_reprocess_stale_selects_exactly_the_articles_with_old_versions(crawled, tmp_path):
    from pipelines import versions
    from pipelines.classify import CLASSIFIER_VERSION

    db = copy_of(crawled, tmp_path)
    with sqlite3.connect(db) as c:
        current = versions.current(CLASSIFIER_VERSION)
        ids = [r[0] for r in c.execute("SELECT id FROM articles ORDER BY id")]
        # a crawl with this code leaves nothing stale
        assert c.execute("SELECT count(*) FROM articles WHERE extractor_version IS NOT ? OR dedupe_version IS NOT ? "
                         "OR classifier_version IS NOT ? OR claims_version IS NOT ?",
                         list(current.values())).fetchone()[0] == 0
        old_extractor, old_dedupe, old_classifier, old_claims = ids[1], ids[4], ids[7], ids[10]
        c.execute("UPDATE articles SET claims_version = 'claims-0' WHERE id = ?", (old_claims,))
        c.execute("UPDATE articles SET extractor_version = '1.0' WHERE id = ?", (old_extractor,))
        c.execute("UPDATE articles SET dedupe_version = NULL WHERE id = ?", (old_dedupe,))  # before versions
        c.execute("UPDATE articles SET classifier_version = 'lexicon-0.9' WHERE id = ?", (old_classifier,))
    status, out, err = jianfu("reclassify", "--db", str(db), "--stale")
    assert status == 0, err
    assert out.startswith("1 articles re-processed") and "1 classifier versions updated" in out
    status, out, err = jianfu("reprocess", "--db", str(db), "--stale")
    assert status == 0, err
    assert out.startswith("3 articles re-processed"), out  # the classifier one is current again
    with sqlite3.connect(db) as c:
        for aid in (old_extractor, old_dedupe, old_classifier, old_claims):
            assert c.execute("SELECT extractor_version, dedupe_version, classifier_version, claims_version "
                             "FROM articles WHERE id = ?", (aid,)).fetchone() == tuple(current.values())
    status, out, err = jianfu("reprocess", "--db", str(db), "--stale")
    assert status == 0 and out.startswith("0 articles re-processed"), out + err


def test_reclassify_by_date_range_and_sites(crawled, tmp_path):
    db = copy_of(crawled, tmp_path)
    with sqlite3.connect(db) as c:
        days = [r[0] for r in c.execute("SELECT DISTINCT substr(published_at, 1, 10) FROM articles "
                                        "WHERE published_at IS NOT NULL ORDER BY 1")]
        since, until = days[2], days[-3]
        undated, undated_site = c.execute("SELECT id, site FROM articles WHERE substr(published_at, 1, 10) = ?",
                                          (days[3],)).fetchone()
        c.execute("UPDATE articles SET published_at = NULL WHERE id = ?", (undated,))
        c.execute("UPDATE articles SET classifier_version = 'old'")
        expected = {r[0] for r in c.execute("SELECT id FROM articles WHERE substr(published_at, 1, 10) "
                                            "BETWEEN ? AND ?", (since, until))}
        # both ends are inclusive, whatever the time of day, and some articles fall outside
        assert c.execute("SELECT count(*) FROM articles WHERE published_at > ? AND published_at < ?",
                         (until, until + "~")).fetchone()[0] > 0
        assert 0 < len(expected) < c.execute("SELECT count(*) FROM articles").fetchone()[0] - 1
    status, out, err = jianfu("reclassify", "--db", str(db), "--since", since, "--until", until)
    assert status == 0, err
    assert out.startswith(f"{len(expected)} articles re-processed:")
    with sqlite3.connect(db) as c:
        assert {r[0] for r in c.execute("SELECT id FROM articles WHERE classifier_version != 'old'")} == expected
        assert since <= days[3] <= until and undated not in expected  # it was in range until it lost its date
        assert json.loads(c.execute("SELECT stats FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0])["selection"] == \
            {"sites": None, "since": since, "until": until, "stale": False}
        two = [undated_site, c.execute("SELECT site FROM articles WHERE site != ? ORDER BY site",
                                       (undated_site,)).fetchone()[0]]
        expected |= {r[0] for r in c.execute("SELECT id FROM articles WHERE site IN (?, ?)", two)}
    # --site is repeatable; without a date range the undated article is included
    status, out, err = jianfu("reclassify", "--db", str(db), "--site", two[0], "--site", two[1])
    assert status == 0, err
    with sqlite3.connect(db) as c:
        assert {r[0] for r in c.execute("SELECT id FROM articles WHERE classifier_version != 'old'")} == expected


def test_bad_selection_is_refused(crawled, tmp_path):
    db = copy_of(crawled, tmp_path)
    for args, message in [(["--since", "2024-13-01"], "--since"), (["--until", "yesterday"], "--until"),
                          (["--since", "2024-06-02", "--until", "2024-06-01"], "--since 2024-06-02 is after"),
                          (["--site", "no-such-site"], "--site: unknown site 'no-such-site'")]:
        status, out, err = jianfu("reprocess", "--db", str(db), *args)
        assert status == 2 and message in err, (args, err)
    with sqlite3.connect(db) as c:  # nothing ran
        assert c.execute("SELECT count(*) FROM runs WHERE kind = 'reprocess'").fetchone()[0] == 0


def test_backup_of_a_live_archive(crawled, tmp_path):
    db = copy_of(crawled, tmp_path)
    with sqlite3.connect(db) as c:
        articles = c.execute("SELECT count(*) FROM articles").fetchone()[0]
    writer = sqlite3.connect(db)  # a crawl in the middle of a transaction: its change is not in the copy
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM articles WHERE id = (SELECT min(id) FROM articles)")
    try:
        status, out, err = jianfu("backup", "--db", str(db), "--to", str(tmp_path / "copy.db"))
    finally:
        writer.rollback()
        writer.close()
    assert status == 0, err
    assert f"{tmp_path / 'copy.db'}: {articles} articles" in out
    with sqlite3.connect(tmp_path / "copy.db") as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert c.execute("SELECT count(*) FROM articles").fetchone()[0] == articles
    made = []
    for _ in range(3):
        status, out, err = jianfu("backup", "--db", str(db), "--to", f"{tmp_path / 'backups'}/", "--keep", "2")
        assert status == 0, err
        made.append(Path(out.split(" to ", 1)[1].split(": ", 1)[0]))
    assert len(set(made)) == 3 and all(p.name.startswith("archive-") for p in made)
    assert sorted((tmp_path / "backups").iterdir()) == sorted(made[1:])  # the oldest went, nothing else is left
    status, out, err = jianfu("backup", "--db", str(db), "--to", str(db))
    assert status == 2 and "is the archive itself" in err


def test_reextraction_updates_hash_and_near_duplicate_index(crawled, tmp_path):
    from pipelines import dedupe
    from pipelines.archive import Archive

    db = copy_of(crawled, tmp_path)
    old_text = "旧版抽取器留下的正文：这一段文字来自页面的导航栏和推荐阅读列表，并不是文章本身的内容。" * 3
    archive = Archive(db)
    aid, site, body, story = archive.conn.execute(
        "SELECT id, site, body, story_id FROM articles a WHERE (SELECT count(*) FROM articles b "
        "WHERE b.story_id = a.story_id) = 1 ORDER BY id LIMIT 1").fetchone()
    with archive.db.atomic():  # what an older extractor stored, and indexed
        archive.conn.execute("UPDATE articles SET body = ?, body_hash = ? WHERE id = ?",
                             (old_text, dedupe.body_hash(old_text), aid))
        archive.stories.remove(aid)
        archive.stories.add(aid, old_text)
    assert archive.stories.find_story(old_text, None) == story
    assert archive.stories.find_story(body, None) is None
    archive.close()
    status, out, err = jianfu("reprocess", "--db", str(db), "--site", site)
    assert status == 0, err
    assert "1 texts changed" in out and "0 stories joined" in out
    archive = Archive(db)
    try:
        new_body, new_hash, new_story = archive.conn.execute(
            "SELECT body, body_hash, story_id FROM articles WHERE id = ?", (aid,)).fetchone()
        assert new_body == body and new_hash == dedupe.body_hash(body) != dedupe.body_hash(old_text)
        assert new_story == story
        assert archive.stories.find_story(body, None) == story  # found by its new text ...
        assert archive.stories.find_story(old_text, None) is None  # ... and no longer by the old one
    finally:
        archive.close()


def test_reextracted_reprint_joins_its_story(crawled, tmp_path):
    """A reprint an older extractor kept apart (its text garbled) joins its story; others keep theirs."""
    from pipelines import dedupe
    from pipelines.archive import Archive

    db = copy_of(crawled, tmp_path)
    archive = Archive(db)
    q = archive.conn.execute
    reprint, site, body, story = q("SELECT id, site, body, story_id FROM articles WHERE story_id != id "
                                   "ORDER BY id LIMIT 1").fetchone()
    old_text = "页面抓取不完整，仅保留了栏目导航：首页 要闻 政务公开 互动交流 便民服务 专题专栏。" * 3
    with archive.db.atomic():
        q("UPDATE articles SET body = ?, body_hash = ?, story_id = ? WHERE id = ?",
          (old_text, dedupe.body_hash(old_text), reprint, reprint))
        archive.stories.remove(reprint)
        archive.stories.add(reprint, old_text)
        dedupe.update_story(archive.conn, story)
        dedupe.update_story(archive.conn, reprint)
    stories_before = dict(q("SELECT id, story_id FROM articles WHERE id != ?", (reprint,)))
    assert q("SELECT size FROM stories WHERE id = ?", (story,)).fetchone()[0] == 1
    archive.close()
    status, out, err = jianfu("reprocess", "--db", str(db), "--site", site)
    assert status == 0, err
    assert "1 stories joined" in out
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT story_id FROM articles WHERE id = ?", (reprint,)).fetchone()[0] == story
        assert c.execute("SELECT size FROM stories WHERE id = ?", (story,)).fetchone()[0] == 2
        assert c.execute("SELECT count(*) FROM stories WHERE id = ?", (reprint,)).fetchone()[0] == 0
        assert dict(c.execute("SELECT id, story_id FROM articles WHERE id != ?", (reprint,))) == stories_before
        assert json.loads(c.execute("SELECT stats FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0])[
            "stories_joined"] == 1


def test_progress_lines():
    import io

    from pipelines.cli import Progress

    def lines(total):
        out = io.StringIO()
        now = [0.0]
        bar = Progress("reprocess", total, out, clock=lambda: now[0])
        for done in range(1, total + 1):
            now[0] = done / 100  # 100 articles/s
            bar.update(done)
        bar.finish(total)
        return out.getvalue().splitlines()

    assert lines(24) == ["reprocess: 24/24 articles (100%), 100.0 articles/s"]
    five_thousand = lines(5000)  # every 500 articles: fewer lines than every 5%
    assert len(five_thousand) == 10
    assert five_thousand[1] == "reprocess: 1000/5000 articles (20%), 100.0 articles/s, ETA 40 s"
    assert lines(100_000)[0] == "reprocess: 5000/100000 articles (5%), 100.0 articles/s, ETA 15 min 50 s"
    assert len(lines(100_000)) == 20  # every 5%: fewer lines than every 500 articles
    assert lines(0) == ["reprocess: 0/0 articles (100%)"]


def test_train_classifier_without_a_corpus_says_what_is_missing(tmp_path):
    code, out, err = jianfu("train-classifier", "--corpus", str(tmp_path), "--out", str(tmp_path / "m.json"))
    assert code == 2 and "classify-train.jsonl" in err and "--corpus" in err
    assert not (tmp_path / "m.json").exists()
