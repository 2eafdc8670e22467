"""The closed vocabularies a page travels through: what was requested, where it was refused,
what became of it.

`StrEnum`s, so each member *is* its string: they go into Scrapy `meta`, stats keys, SQLite
columns and Datasette facets unchanged ("article", "fetch", "duplicate"), and comparisons with
the plain strings stored in older archives still hold.
"""

from __future__ import annotations

from enum import StrEnum


class RequestKind(StrEnum):
    """What the spider asked for (`request.meta["kind"]`, `PageItem.kind`)."""

    ARTICLE = "article"        # fetched once; later runs skip it
    NAVIGATION = "navigation"  # feeds, sitemaps, list pages: read on every run to discover


class Stage(StrEnum):
    """Where a page was refused (`rejections.stage`)."""

    FETCH = "fetch"
    DECODE = "decode"
    EXTRACT = "extract"
    DEDUPE = "dedupe"
    CLASSIFY = "classify"
    ARCHIVE = "archive"
    PROCESS = "process"  # the CPU stages as a whole: the worker running them died or hung


class Outcome(StrEnum):
    """What became of one fetched page (`pages.outcome`, `Archive.store`'s answer)."""

    ARTICLE = "article"        # a new article
    UPDATED = "updated"        # an archived page fetched again whose text changed
    DUPLICATE = "duplicate"    # another URL (or the same text) of an archived article
    REJECTED = "rejected"      # a `rejections` row says which stage refused it and why
    NAVIGATION = "navigation"  # a failed feed/sitemap/list fetch: a rejection, no `pages` row
