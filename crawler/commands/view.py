"""`scrapy view`, without touching the archive (see crawler/commands/__init__.py)."""

from scrapy.commands import view

from crawler.commands import read_only

Command = read_only(view.Command, __name__)
