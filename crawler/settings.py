"""Scrapy settings for the `news` spider. Polite by default: robots.txt, AutoThrottle."""

BOT_NAME = "jianfu-archive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Who runs this crawler: a page a site's webmaster can read (what is crawled, why, how to reach
# you). Set your own: here, or `-s CONTACT_URL=https://your.org/crawler`; the user agent (plain
# ASCII, as HTTP headers must be) is built from it unless USER_AGENT itself is set.
CONTACT_URL = "https://example.org/jianfu-archive"
USER_AGENT_TEMPLATE = "jianfu-archive/0.1 (+{contact}; research archive of Chinese news on reducing burdens at the grassroots)"
USER_AGENT = USER_AGENT_TEMPLATE.format(contact=CONTACT_URL)
ROBOTSTXT_OBEY = True

AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS_PER_DOMAIN = 4
# Scrapy's downloader with a site's `concurrency` (seeds) actually kept: crawler/downloader.py
DOWNLOADER = "crawler.downloader.Downloader"
# Take the next request from the site (download slot) with the fewest requests in flight, not
# the oldest request: with a FIFO queue the engine filled its 16 places with one site's articles
# and, that site allowing one request at a time, fetched one page at a time from many sites.
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"
DOWNLOAD_TIMEOUT = 30
# News pages are small: the largest of the 42 real pages in ../shared/corpus is 340 KB (5,740
# tags). Scrapy's default limit is 1 GB; a body (or a decompressed body: a gzip bomb) above this is
# not downloaded further and is recorded as a `fetch/too_large` rejection (crawler/faults.py).
DOWNLOAD_MAXSIZE = 4 * 1024 * 1024
DOWNLOAD_WARNSIZE = 1024 * 1024
RETRY_TIMES = 2
# Article pages with error statuses must reach the spider so they become recorded rejections.
HTTPERROR_ALLOW_ALL = False

# The archive this crawl writes (override with -s ARCHIVE_DB=path).
ARCHIVE_DB = "archive.db"
# The CPU stages (extract, classify, dedupe keys, search words) run in this many worker processes
# (pipelines/pool.py); unset: one per core; 0: on the reactor thread, as before (debugging).
STAGE_WORKERS = None
# Seconds a worker may spend on one page: past it the page is a `process/worker_timeout` rejection
# and the worker is replaced (real pages take 20-60 ms; the worst page within pipelines/bounds.py ~10 s).
PAGE_TIMEOUT = 60

# Re-fetch article URLs whose earlier fetch was rejected (default: skip everything already fetched).
REFETCH_REJECTED = False
# A run whose failed requests (error status or no response) exceed this share has a problem
# (bin/scheduled-crawl exits 4).
MAX_ERROR_RATE = 0.5

DOWNLOADER_MIDDLEWARES = {
    # first: an article URL the archive already has (stored, or refused and recorded) is not
    # requested, so no later middleware refuses it again and records it a second time
    "crawler.middlewares.SkipArchivedMiddleware": 80,
    "crawler.backoff.NavigationBackoffMiddleware": 85,  # a navigation page in back-off: not requested
    "crawler.middlewares.RefusePrivateAddressesMiddleware": 90,  # before robots.txt is even fetched
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.RobotsTxtMiddleware": 100,  # the same, fixed for concurrent first requests
    "crawler.middlewares.SiteStatsMiddleware": 950,     # next to the downloader: every attempt counts
    # Scrapy's, raising typed refusals (redirect loop, too many redirects, gzip bomb) that the
    # spider records as rejections instead of dropping the request silently
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "crawler.faults.RedirectMiddleware": 600,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.faults.HttpCompressionMiddleware": 590,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.faults.RetryMiddleware": 550,  # Scrapy's, without retrying at once what says Retry-After
}
SPIDER_MIDDLEWARES = {
    "crawler.middlewares.ArticleQueueMiddleware": 950,  # sees what the spider yields first
}
ITEM_PIPELINES = {
    "crawler.pipelines.ArchivePipeline": 400,  # pipelines.stages.process_page, then Archive.store
}

# Distributed mode (`-s JIANFU_MODE=worker -s REDIS_URL=redis://HOST:6379/0`): the frontier in
# Redis and `jianfu writer` as the archive's only writer (crawler/distributed.py; a no-op otherwise).
JIANFU_MODE = ""
ADDONS = {"crawler.worker_mode.WorkerMode": 0}

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# Scrapy's shell/fetch/view/parse/check, made read-only for the archive, and `scrapy crawl` with
# one-line errors and exit status 2 for bad arguments (crawler/commands/).
COMMANDS_MODULE = "crawler.commands"
# `scrapy check`: the contracts in the spider's docstrings, against the demo web at DEMO_WEB.
SPIDER_CONTRACTS = {
    "crawler.contracts.DemoUrlContract": 10,
    "crawler.contracts.ArticleContract": 20,
}
DEMO_WEB = "http://127.0.0.1:8765"
