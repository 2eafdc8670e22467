"""Scrapy's own commands, made safe for this project (`COMMANDS_MODULE` in crawler/settings.py).

`scrapy shell`, `fetch`, `view`, `parse` and `check` are for looking at pages, so they never
touch the archive: each sets `ARCHIVE_ENABLED = False`, which disables the archive pipeline
and the middlewares that read or write it. Only `scrapy crawl` writes `archive.db`; it checks
its arguments and the archive's path first (`crawl.py`: one line and exit status 2 for a bad
seeds file or `ARCHIVE_DB`).
The URL typed on the command line was chosen by the person typing it, like a seeds file: its
host may be a private or loopback address (the demo web on 127.0.0.1), so it is allowed.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def read_only(base: type, module: str) -> type:
    """A subclass of Scrapy command `base` that leaves the archive alone (defined in `module`)."""

    def process_options(self, args, opts):
        base.process_options(self, args, opts)
        hosts = [urlsplit(a).netloc for a in args if a.startswith(("http://", "https://"))]
        self.settings.set("PRIVATE_HOSTS_ALLOWED", hosts, priority="cmdline")

    return type("Command", (base,), {
        "__module__": module,  # Scrapy names a command after the module that defines it
        "__doc__": base.__doc__,
        "default_settings": {**base.default_settings, "ARCHIVE_ENABLED": False},
        "process_options": process_options,
    })
