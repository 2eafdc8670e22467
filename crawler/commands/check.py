"""`scrapy check`, without touching the archive; contract URLs may be private (the demo web).

The contracts live in the spider's callback docstrings (crawler/spiders/news.py); the custom
ones in crawler/contracts.py. `-s DEMO_WEB=http://127.0.0.1:PORT` checks them against a demo
web served on another port.
"""

from scrapy.commands import check

from crawler.commands import read_only


class Command(read_only(check.Command, __name__)):
    def process_options(self, args, opts):
        super().process_options(args, opts)
        # Contract URLs are written by the developer, like a seeds file.
        self.settings.set("PRIVATE_HOSTS_ALLOWED", ["*"], priority="cmdline")
