"""`scrapy shell`, without touching the archive (see crawler/commands/__init__.py)."""

from scrapy.commands import shell

from crawler.commands import read_only

Command = read_only(shell.Command, __name__)
