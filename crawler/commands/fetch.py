"""`scrapy fetch`, without touching the archive (see crawler/commands/__init__.py)."""

from scrapy.commands import fetch

from crawler.commands import read_only

Command = read_only(fetch.Command, __name__)
