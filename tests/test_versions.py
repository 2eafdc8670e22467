"""Versions derived from what they depend on (`pipelines.versions`): a change to code, a constant
or a data file changes them; a reworded comment or docstring does not; articles record them."""

from __future__ import annotations

from pipelines import versions
from pipelines.dedupe import INDEX_VERSION
from pipelines.extract import EXTRACTOR_VERSION

RULES = '''"""Rules for a test stage."""
THRESHOLD = 0.5  # calibrated on nothing
PATTERN = r"减负"


def rule(x):
    """Say yes above the threshold."""
    return x > THRESHOLD
'''


def test_a_digest_follows_code_constants_and_data_not_notes(tmp_path):
    rules, lexicon = tmp_path / "rules.py", tmp_path / "terms.txt"
    rules.write_text(RULES, encoding="utf-8")
    lexicon.write_text("基层减负\n文山会海\n", encoding="utf-8")
    first = versions.derive("test-1.0", [rules, lexicon])
    assert first.startswith("test-1.0+") and first == versions.derive("test-1.0", [rules, lexicon])
    rules.write_text(RULES.replace("calibrated on nothing", "calibrated on the dev split")
                     .replace("Say yes above", "True above"), encoding="utf-8")
    assert versions.derive("test-1.0", [rules, lexicon]) == first  # comments and docstrings are notes
    rules.write_text(RULES.replace("0.5", "0.6"), encoding="utf-8")
    assert versions.derive("test-1.0", [rules, lexicon]) != first  # a threshold is the rule
    rules.write_text(RULES, encoding="utf-8")
    lexicon.write_text("基层减负\n文山会海\n督检考\n", encoding="utf-8")
    assert versions.derive("test-1.0", [rules, lexicon]) != first  # so is the lexicon
    assert versions.derive("test-1.0", [rules], constants=[("K", 5)]) != \
        versions.derive("test-1.0", [rules], constants=[("K", 6)])


def test_the_stage_versions_name_their_inputs():
    assert versions.EXTRACTOR.startswith(EXTRACTOR_VERSION + "+")
    assert versions.DEDUPE.startswith("dedupe+")
    # the story index is rebuilt exactly when what it stores (bands, normalised texts) would change
    assert INDEX_VERSION.endswith(versions.DEDUPE.partition("+")[2])
    assert "boilerplate.py" in versions.DEDUPE_SOURCES and "dedupe/normalise.py" in versions.DEDUPE_SOURCES


def test_a_stored_article_records_the_current_versions(tmp_path):
    from pipelines.archive import Archive
    from pipelines.classify import CLASSIFIER_VERSION
    from tests.test_stages import fetched

    archive = Archive(tmp_path / "a.db")
    from pipelines import stages
    run = archive.start_run("test", [])
    archive.store(stages.process_page(fetched("http://www.hekou.test/news/1.html")), run)
    (row,) = archive.db["articles"].rows
    assert {k: row[k] for k in ("extractor_version", "dedupe_version", "classifier_version", "claims_version")} == \
        versions.current(CLASSIFIER_VERSION)
    archive.close()
