"""`scrapy crawl`, with argument and environment errors as one line and exit status 2.

Scrapy reports a spider that cannot be created (a malformed seeds file, an unknown `-a site`)
or an archive that cannot be opened as a traceback and exit status 1, after the engine has
started. Here the spider's arguments, `-s` values (crawler/arguments.py) and `ARCHIVE_DB` are checked first, as `bin/scheduled-crawl`
and `jianfu` check theirs: `scrapy crawl: <what is wrong>` on stderr, exit 2, nothing crawled.
An archive that cannot be opened or written (corrupt, foreign, another schema, locked, full)
exits with `bin/scheduled-crawl`'s code for it (README, "Exit codes"). In worker mode
(`-s JIANFU_MODE=worker`) Redis is checked instead of the archive: exit 11 when it cannot be reached.
"""

from __future__ import annotations

import sys

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.settings import SETTINGS_PRIORITIES

from crawler.arguments import defaults, setting_problem
from crawler.sites import SeedsError
from pipelines import health
from pipelines.archive_checks import open_problem, path_problem




class Command(ScrapyCrawl):
    def run(self, args, opts):
        from crawler import distributed  # here: it imports Twisted's reactor, installed by now
        if len(args) == 1 and (problem := self.preflight(args[0], opts.spargs)):
            print(f"scrapy crawl: {problem}", file=sys.stderr)
            self.exitcode = 2
            return
        if len(args) == 1 and distributed.is_worker(self.settings):  # no archive here: Redis instead
            try:
                distributed.connect(self.settings.get("REDIS_URL") or "")
            except distributed.RedisUnavailable as exc:
                print(f"scrapy crawl: redis_unavailable: {exc}", file=sys.stderr)
                self.exitcode = distributed.EXIT_REDIS
                return
        elif len(args) == 1 and (opened := open_problem(self.settings.get("ARCHIVE_DB", "archive.db"))):
            kind, message = opened  # corrupt, foreign, schema, locked: the scheduled crawl's codes
            print(f"scrapy crawl: {kind}: {message}", file=sys.stderr)
            self.exitcode = health.EXIT_NOT_AN_ARCHIVE if kind == "not_an_archive" else health.EXIT_PROBLEMS[kind]
            return
        super().run(args, opts)
        crawler = getattr(self, "_crawler", None)
        if crawler is not None and (problem := crawler.stats.get_value("jianfu/archive_problem")):
            self.exitcode = health.EXIT_PROBLEMS[problem]  # the crawl stopped at a failed write
        if crawler is not None and crawler.stats.get_value("jianfu/redis_unavailable"):
            self.exitcode = distributed.EXIT_REDIS  # worker mode: Redis went away mid-crawl

    def _create_crawler(self, name):
        self._crawler = super()._create_crawler(name)  # kept for its stats after the run
        return self._crawler

    def preflight(self, spider_name: str, spider_args: dict) -> str | None:
        """What is wrong with the arguments or the archive, or None."""
        from crawler import distributed
        try:
            spidercls = self.crawler_process.spider_loader.load(spider_name)
        except KeyError:
            return None  # Scrapy's own message for an unknown spider
        known = defaults()
        for name in self.settings.attributes:  # -s NAME=VALUE: readable as its default's kind?
            if self.settings.getpriority(name) == SETTINGS_PRIORITIES["cmdline"] and \
                    (problem := setting_problem(name, self.settings.get(name), known)):
                return problem
        try:
            spidercls(**spider_args)  # validates the seeds file, -a site and -a url
        except SeedsError as exc:
            return str(exc)
        except TypeError as exc:
            return f"bad spider argument: {exc}"
        if distributed.is_worker(self.settings):
            return None
        return path_problem(self.settings.get("ARCHIVE_DB", "archive.db"))
