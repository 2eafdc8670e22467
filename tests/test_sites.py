"""Seeds files are validated before any request: errors name the file, the site and the field."""

import subprocess
import sys
from pathlib import Path

import pytest

from crawler.sites import SeedsError, load_sites, site_for_url

ROOT = Path(__file__).resolve().parents[1]

GOOD = """
[sites.zhengwu]
display_name = "示例政务网"
region = "湖北省"
lists = ["http://127.0.0.1:9/news/index.html"]
list_allow = ['/news/index_\\d+\\.html$']
article_allow = ['/news/\\d{4}/\\w+\\.html$']
article_deny = ['/news/\\d{4}/print_\\w+\\.html$']
"""
ALLOW = r"article_allow = ['/news/\d{4}/\w+\.html$']"


def write(tmp_path, text):
    p = tmp_path / "seeds.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_good_file_loads_with_defaults(tmp_path):
    sites = load_sites(write(tmp_path, GOOD))
    site = sites["zhengwu"]
    assert site.url_prefixes == ("http://127.0.0.1:9/",)  # default: hosts of the start points
    assert site.max_list_pages == 5
    assert site.is_article_url("http://127.0.0.1:9/news/2024/abc.html")
    assert not site.is_article_url("http://127.0.0.1:9/news/2024/print_abc.html")  # deny wins
    assert site.is_list_url("http://127.0.0.1:9/news/index_2.html")
    assert site_for_url(sites, "http://127.0.0.1:9/news/2024/abc.html") is site


@pytest.mark.parametrize(
    "edit, field, why",
    [
        ((ALLOW, "article_allow = ['/news/(unclosed']"),
         "article_allow", "bad regular expression"),
        (('region = "湖北省"\n', ""), "region", "required"),
        (('lists = ["http://127.0.0.1:9/news/index.html"]', 'lists = ["news/index.html"]'),
         "lists", "not an absolute http(s) URL"),
        (('lists = ["http://127.0.0.1:9/news/index.html"]', "lists = []"), "feeds", "at least one start point"),
        (('region = "湖北省"', 'region = "湖北省"\nmax_pages = 3'), "max_pages", "unknown field"),
        (('region = "湖北省"', 'region = "湖北省"\nencoding = "klingon-8"'), "encoding", "unknown encoding"),
        (('region = "湖北省"', 'region = "湖北省"\nselectors = { headline = "h1" }'), "selectors", "unknown key"),
        (('region = "湖北省"', 'region = "湖北省"\ndownload_delay = -1'), "download_delay", "number of seconds"),
        (('region = "湖北省"', 'region = "湖北省"\nconcurrency = 0'), "concurrency", "positive integer"),
        (('region = "湖北省"', 'region = "湖北省"\nproxy = "127.0.0.1:3128"'), "proxy", "not a proxy URL"),
        (('region = "湖北省"', 'region = "湖北省"\nhome = "www.example.cn"'), "home", "not an absolute http(s) URL"),
    ],
)
def test_bad_entries_name_file_site_and_field(tmp_path, edit, field, why):
    old, new = edit
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(SeedsError) as err:
        load_sites(path)
    message = str(err.value)
    assert str(path) in message and "site 'zhengwu'" in message and f"field '{field}'" in message
    assert why in message


def test_malformed_toml_names_the_file(tmp_path):
    path = write(tmp_path, GOOD + "\n[sites.broken\n")
    with pytest.raises(SeedsError, match=r"seeds\.toml: not valid TOML"):
        load_sites(path)


def test_shipped_seeds_files_are_valid():
    assert len(load_sites(ROOT / "seeds" / "sites.toml")) >= 8
    assert len(load_sites(ROOT / "seeds" / "demo.toml")) >= 3


def test_spider_refuses_bad_seeds_before_any_request(tmp_path):
    path = write(tmp_path, GOOD.replace(ALLOW, "article_allow = ['(']"))
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"seeds={path}", "-s", f"ARCHIVE_DB={tmp_path/'a.db'}"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode != 0
    assert "site 'zhengwu', field 'article_allow': bad regular expression" in done.stderr
    assert "Crawled" not in done.stderr and not (tmp_path / "a.db").exists()
