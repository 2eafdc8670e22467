"""The `WorkerMode` Scrapy add-on (`ADDONS` in crawler/settings.py): with `-s JIANFU_MODE=worker`,
the crawl runs as one worker of a distributed crawl (crawler/distributed.py); otherwise nothing.

Its own small module because Scrapy imports add-ons before it installs the Twisted reactor, and
crawler/distributed.py (through the item pipeline) imports the reactor.
"""

from __future__ import annotations

from pipelines.distributed.keys import Keys

MODE = "worker"


def is_worker(settings) -> bool:
    return (settings.get("JIANFU_MODE") or "").strip().lower() == MODE


def keys_for(settings) -> Keys:
    return Keys(settings.get("JIANFU_REDIS_PREFIX") or Keys().prefix)


# ------------------------------------------------------------------------ settings (the add-on)

class WorkerMode:
    """Scrapy add-on (`ADDONS` in crawler/settings.py): in worker mode, swap the scheduler, the
    archive pipeline and the single-machine queue for their Redis counterparts."""

    def update_settings(self, settings):
        if not is_worker(settings):
            return
        keys = keys_for(settings)
        prio = "spider"  # above the project's settings.py, below the command line
        settings.set("SCHEDULER", "crawler.distributed.Scheduler", prio)
        settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", prio)
        settings.set("SCHEDULER_QUEUE_CLASS", "crawler.distributed.LeasedQueue", prio)
        settings.set("SCHEDULER_QUEUE_KEY", keys.frontier, prio)
        settings.set("SCHEDULER_PERSIST", True, prio)  # the frontier outlives every worker
        pipelines = dict(settings.getdict("ITEM_PIPELINES"))
        pipelines.pop("crawler.pipelines.ArchivePipeline", None)
        pipelines["crawler.distributed.WorkerPipeline"] = 400
        settings.set("ITEM_PIPELINES", pipelines, prio)
        spider_mw = dict(settings.getdict("SPIDER_MIDDLEWARES"))
        spider_mw["crawler.middlewares.ArticleQueueMiddleware"] = None  # the frontier is the queue
        spider_mw["crawler.distributed.WorkerStartMiddleware"] = 960
        settings.set("SPIDER_MIDDLEWARES", spider_mw, prio)
        extensions = dict(settings.getdict("EXTENSIONS"))
        extensions["crawler.distributed.WorkerExtension"] = 500
        settings.set("EXTENSIONS", extensions, prio)
