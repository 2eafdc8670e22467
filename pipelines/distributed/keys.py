"""The Redis keys of distributed mode, in one place, and how to reach Redis.

Every key starts with a prefix (`JIANFU_REDIS_PREFIX` / `jianfu writer --prefix`, default
"jianfu"), so several archives can share one Redis server.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import redis

DEFAULT_PREFIX = "jianfu"
# How long a client waits for Redis before it counts as down. Short, so that a worker whose
# Redis went away stops within seconds instead of hanging in a socket read.
SOCKET_TIMEOUT = 10.0

REDIS_ERRORS = (redis.ConnectionError, redis.TimeoutError)


class RedisUnavailable(Exception):
    """Redis cannot be reached (or stopped answering): workers and the writer stop with
    `EXIT_REDIS` and a message naming the server."""


# The exit code of a worker (`scrapy crawl`, `bin/scheduled-crawl`) or the writer whose Redis is
# down. Nothing is lost: in-flight requests stay leased in Redis and return to the frontier.
EXIT_REDIS = 11


def shown(url: str) -> str:
    """The Redis URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password:
        host = parts.hostname + (f":{parts.port}" if parts.port else "")
        user = parts.username or ""
        return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))
    return url


def connect(url: str) -> redis.Redis:
    """A client for `url` (redis://[:password@]host:port/db), checked with PING."""
    try:
        client = redis.Redis.from_url(url, socket_timeout=SOCKET_TIMEOUT, socket_connect_timeout=SOCKET_TIMEOUT)
        client.ping()
    except REDIS_ERRORS as exc:
        raise RedisUnavailable(f"cannot reach Redis at {shown(url)}: {exc}") from exc
    except ValueError as exc:  # a malformed URL
        raise RedisUnavailable(f"bad Redis URL {shown(url)!r}: {exc}") from exc
    return client


@dataclass(frozen=True)
class Keys:
    prefix: str = DEFAULT_PREFIX

    # -- the frontier (scrapy-redis' queue and dupefilter) ------------------------------------
    @property
    def frontier(self) -> str:
        """Requests waiting to be fetched (a list; scrapy-redis' SCHEDULER_QUEUE_KEY)."""
        return f"{self.prefix}:frontier"

    def dupefilter(self, run: str) -> str:
        """Fingerprints of the requests seen in one run (a set; deleted when the run ends)."""
        return f"{self.prefix}:dupefilter:{run}"

    def leases(self, worker: str) -> str:
        """Requests a worker has taken from the frontier and not finished (a hash)."""
        return f"{self.prefix}:leases:{worker}"

    def alive(self, worker: str) -> str:
        """A worker's heartbeat (expires when the worker stops beating)."""
        return f"{self.prefix}:alive:{worker}"

    def worker_stats(self, worker: str) -> str:
        """A worker's last published Scrapy stats (JSON), for a run record after a kill."""
        return f"{self.prefix}:stats:{worker}"

    # -- the run ---------------------------------------------------------------------------
    @property
    def run(self) -> str:
        """The current run (a hash: key, seeder, seeded, seeds, sites)."""
        return f"{self.prefix}:run"

    @property
    def run_workers(self) -> str:
        """The workers that joined the current run (a set)."""
        return f"{self.prefix}:run:workers"

    def run_result(self, run: str) -> str:
        """What the writer recorded for a finished run (JSON: run id, problems, exit code, report)."""
        return f"{self.prefix}:result:{run}"

    # -- worker -> writer --------------------------------------------------------------------
    @property
    def items(self) -> str:
        """Messages for the writer (a list: workers LPUSH, the writer takes from the right)."""
        return f"{self.prefix}:items"

    @property
    def processing(self) -> str:
        """Messages the writer has taken and not yet committed (its reliable-queue list)."""
        return f"{self.prefix}:items:processing"

    @property
    def bad(self) -> str:
        """Messages the writer could not store (each with its error), kept for a person to read."""
        return f"{self.prefix}:items:bad"

    # -- writer -> workers -------------------------------------------------------------------
    @property
    def archived(self) -> str:
        """Every URL (and canonical URL) that led to an archived article (a set)."""
        return f"{self.prefix}:archived"

    @property
    def fetched(self) -> str:
        """Every article URL with a `pages` row, rejected ones included (a set)."""
        return f"{self.prefix}:fetched"

    def pending_aliases(self, canonical: str) -> str:
        """URLs a worker did not request because another spelling of the same article was
        already in the run (a set per canonical URL): added to `article_urls` once it is stored."""
        return f"{self.prefix}:aliases:{canonical}"

    @property
    def resume(self) -> str:
        """Article URLs left in the archive's `queue` (a list of JSON [url, site, attempts]): the
        first worker of a run requests those not given up (`Queue.resume`'s rule)."""
        return f"{self.prefix}:resume"

    @property
    def backoff(self) -> str:
        """Navigation pages in back-off (`pipelines.archive.backoff`; a hash: URL -> JSON
        {reason, failures, retry_after}): workers do not request them before their time."""
        return f"{self.prefix}:backoff"
