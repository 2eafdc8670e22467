"""Start-up checks for the places the project leans on a library's private internals.

- `crawler.middlewares.RobotsTxtMiddleware` subclasses Scrapy's robots.txt middleware and reads
  its private `_parsers` (the fix for requests that wait on one robots.txt download);
- `crawler.downloader.Downloader` replaces Scrapy's private `Downloader._process_queue` (the fix
  for a site's `concurrency` not being kept);
- the Datasette plugins (`datasette/plugins/`) recognise the facet and search SQL that
  Datasette 0.65 writes, by regular expression.

An upgrade can break either silently (robots.txt obeyed only sometimes; facets or search
falling back to slow or unsegmented paths), so each checks at start-up that the installed
release is the one it was written for, and refuses to start with a message that says what to
re-check. After checking (tests/test_middlewares.py, tests/test_datasette.py), update
`WRITTEN_FOR`.
"""

from __future__ import annotations

from importlib import metadata

# package -> the release series (major.minor) the private hooks were written and tested for
WRITTEN_FOR = {"scrapy": "2.19", "datasette": "0.65"}


class IncompatibleVersion(RuntimeError):
    """An installed library is not the release a private hook was written for."""


def series(version: str) -> str:
    return ".".join(version.split(".")[:2])


def check(package: str, hook: str, installed: str | None = None) -> str:
    """Raise `IncompatibleVersion` unless `package` is of the release series in `WRITTEN_FOR`.
    `hook` names what depends on it. Returns the installed version."""
    installed = installed or metadata.version(package)
    wanted = WRITTEN_FOR[package]
    if series(installed) != wanted:
        raise IncompatibleVersion(
            f"{hook} relies on private internals of {package} {wanted}.x, but {package} {installed} is "
            f"installed. Re-check it against {package} {installed} (tests/test_middlewares.py, "
            f"tests/test_datasette.py), then set WRITTEN_FOR[{package!r}] in pipelines/compat.py; or install "
            f"the pinned release: make install")
    return installed
