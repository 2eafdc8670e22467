"""`scrapy parse`, without touching the archive (see crawler/commands/__init__.py)."""

from scrapy.commands import parse

from crawler.commands import read_only

Command = read_only(parse.Command, __name__)
