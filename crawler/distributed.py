"""Worker mode: `scrapy crawl news -s JIANFU_MODE=worker -s REDIS_URL=redis://HOST:6379/0`.

Any number of such processes, on any number of machines, crawl one frontier kept in Redis by
scrapy-redis' scheduler, dupefilter and queue (its `RedisSpider` base is not used: it still
calls `start_requests`, which Scrapy 2.16 removed; the scheduler and dupefilter work with our
plain spider and its `async def start()`). Each process runs the whole `process_page` chain
itself and pushes the result to Redis; `jianfu writer` (pipelines/distributed/writer.py) is the
only process that writes archive.db. What changes against a single-machine crawl, all wired by
the `WorkerMode` add-on (crawler/worker_mode.py; a no-op unless JIANFU_MODE=worker):

- **frontier**: `Scheduler` (scrapy-redis', with our `LeasedQueue`). Requests travel as JSON
  (`RequestJSON`), not pickle. A request taken from the frontier is *leased*: the pop and the
  lease (a Redis hash per worker) are one Lua script, so a request is always either in the
  frontier or in some worker's leases. A lease is released once Scrapy has finished with the
  request (its items pushed, the requests it led to in the frontier). A worker killed mid-page
  stops renewing its heartbeat key; the first other worker to notice (or the next to start)
  moves its leases back to the front of the frontier, so they are fetched again by someone.
- **dupefilter**: one Redis set per run: navigation pages are read once per run by the whole
  fleet, not once per machine.
- **the run**: the first worker creates it (and alone yields the start requests: seeds and the
  archive's resume queue); the others join. A worker closes when the frontier is empty, no
  live worker holds a lease and seeding is over; the last to leave ends the run. Each worker's
  Scrapy stats go to the writer, which records the run with all of them summed.
- **skip check**: `RedisArchiveView` answers `crawl_archive()`'s questions from the sets the
  writer exports (archived and fetched URLs); a skipped new spelling is sent as an `alias`.
- **queue and back-off**, as on one machine: the resume list leaves out URLs requested in too
  many runs, each worker tells the writer which queued URLs it requested (an attempt each when
  the run ends), and navigation pages in back-off (the writer's `backoff` hash) are not
  requested before their time (crawler/backoff.py); one that answers again is reported back.
- **sink**: `WorkerPipeline` is `ArchivePipeline` (the page processed in the worker pool) with
  `RedisSink` as its last step: the result (raw page compressed) is pushed to the writer.
- **Redis down**: the first failed Redis call stops the crawl (finish reason
  `redis_unavailable`, exit 11); leases and pushed messages are in Redis, nothing is lost.
"""

from __future__ import annotations

import base64
import collections
import hashlib
import itertools
import json
import logging
import os
import secrets
import socket
import weakref

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, DropItem, NotConfigured
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import FifoQueue
from scrapy_redis.scheduler import Scheduler as RedisScheduler

from crawler.faults import Skipped
from crawler.middlewares import canonical_for, crawl_archive, in_flight, requested_articles
from crawler.pipelines import ArchivePipeline, abandoned_urls, stage_pool
from crawler.worker_mode import MODE, is_worker, keys_for  # noqa: F401 (the add-on lives there)
from pipelines import stages
from pipelines.archive import now_iso
from pipelines.distributed import messages
from pipelines.distributed.writer import MAX_ATTEMPTS
from pipelines.distributed.keys import EXIT_REDIS, REDIS_ERRORS, Keys, RedisUnavailable, connect, shown  # noqa: F401
from pipelines.kinds import Outcome, RequestKind

logger = logging.getLogger(__name__)

# How often a worker renews its heartbeat, publishes its stats, releases finished leases and
# looks for dead workers (seconds); and after how long without a heartbeat it counts as dead.
# The TTL must outlast the longest stall of the reactor thread (extraction of one page is
# bounded to a few seconds: pipelines/bounds.py), or a live worker's requests are re-queued.
HEARTBEAT = 2.0
WORKER_TTL = 30.0


# ------------------------------------------------------------------------ requests as JSON

class RequestJSON:
    """scrapy-redis' serializer (`loads`/`dumps` of `Request.to_dict()`), as JSON: bytes (bodies,
    headers) tagged and base64'd, dicts with bytes keys as pairs. Requests cross machines; a
    pickle from Redis would run whatever another machine (or whoever reached Redis) wrote."""

    @staticmethod
    def dumps(obj) -> bytes:
        return json.dumps(_enc(obj), ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    @staticmethod
    def loads(data: bytes):
        return _dec(json.loads(data))


def _enc(o):
    if isinstance(o, bytes):
        return {"$b": base64.b64encode(o).decode("ascii")}
    if isinstance(o, dict):
        if all(isinstance(k, str) and not k.startswith("$") for k in o):
            return {k: _enc(v) for k, v in o.items()}
        return {"$d": [[_enc(k), _enc(v)] for k, v in o.items()]}
    if isinstance(o, (list, tuple)):
        return [_enc(v) for v in o]
    if o is None or isinstance(o, (str, int, float, bool)):
        return o
    raise TypeError(f"a request's {type(o).__name__} cannot travel through the frontier: {o!r}")


def _dec(o):
    if isinstance(o, dict):
        if "$b" in o:
            return base64.b64decode(o["$b"])
        if "$d" in o:
            return {_dec(k): _dec(v) for k, v in o["$d"]}
        return {k: _dec(v) for k, v in o.items()}
    if isinstance(o, list):
        return [_dec(v) for v in o]
    return o


# ------------------------------------------------------------------------ the worker's Redis side

# Take the oldest request whose download slot is not full in this worker, and lease it to this
# worker, in one step (KEYS: frontier, leases; ARGV: lease id, how many of the oldest requests
# to look at, the full slots...). A request's slot is Scrapy's: its `download_slot` (a site
# with its own politeness) or its host. Taking only what can be fetched now keeps a worker from
# filling its engine with one site's requests that it then fetches one at a time while other
# workers, and other sites, wait. Returned leases are RPUSHed, so they are the next to be popped.
_POP = """
local full = {}
for i = 3, #ARGV do full[ARGV[i]] = true end
local items = redis.call('LRANGE', KEYS[1], -tonumber(ARGV[2]), -1)
for i = #items, 1, -1 do
  local d = items[i]
  local ok, r = pcall(cjson.decode, d)
  local slot = ''
  if ok and type(r) == 'table' then
    local meta = r['meta']
    if type(meta) == 'table' and type(meta['download_slot']) == 'string' then
      slot = meta['download_slot']
    elseif type(r['url']) == 'string' then
      slot = string.lower(string.match(r['url'], '^[%a][%w+.-]*://([^/:?#@]+)') or '')
    end
  end
  if not full[slot] then
    redis.call('LREM', KEYS[1], -1, d)
    redis.call('HSET', KEYS[2], ARGV[1], d)
    return d
  end
end
return nil
"""
# How many of the oldest requests a pop looks through for one whose slot has room.
POP_WINDOW = 200

# Join the current run or create one (KEYS: run, run workers, items; ARGV: me, candidate run
# key, run_start message, alive-key prefix). A run whose joined workers are all dead is
# 'stale': the caller ends it on their behalf first.
_JOIN = """
local run = redis.call('HGET', KEYS[1], 'key')
if run then
  for _, w in ipairs(redis.call('SMEMBERS', KEYS[2])) do
    if w == ARGV[1] or redis.call('EXISTS', ARGV[4] .. w) == 1 then
      redis.call('SADD', KEYS[2], ARGV[1])
      return {'joined', run}
    end
  end
  return {'stale', run}
end
redis.call('HSET', KEYS[1], 'key', ARGV[2], 'seeder', ARGV[1], 'seeded', '0')
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('LPUSH', KEYS[3], ARGV[3])
return {'created', ARGV[2]}
"""

# A worker leaves the run (itself when it closes, or a dead one on its behalf). KEYS: run, run
# workers, items, its leases, frontier, its alive key, its stats key; ARGV: worker, run key,
# worker_done message, run_end message, dupefilter key. Its remaining leases go back to the
# front of the frontier; the last worker out ends the run. Returns {left?, ended?, re-queued}.
_LEAVE = """
local leased = redis.call('HVALS', KEYS[4])
for _, d in ipairs(leased) do redis.call('RPUSH', KEYS[5], d) end
redis.call('DEL', KEYS[4], KEYS[6], KEYS[7])
if redis.call('SREM', KEYS[2], ARGV[1]) == 0 then return {0, 0, #leased} end
if redis.call('HGET', KEYS[1], 'key') ~= ARGV[2] then return {0, 0, #leased} end
redis.call('LPUSH', KEYS[3], ARGV[3])
if redis.call('SCARD', KEYS[2]) == 0 then
  redis.call('DEL', KEYS[1], ARGV[5])
  redis.call('LPUSH', KEYS[3], ARGV[4])
  return {1, 1, #leased}
end
return {1, 0, #leased}
"""


class RedisLost(Exception):
    """Redis stopped answering during the crawl (see `Worker.redis_lost`)."""


class Worker:
    """One crawler process's membership of the distributed crawl: its id, its run, its leases."""

    def __init__(self, crawler):
        settings = crawler.settings
        self.crawler = crawler
        self.url = settings.get("REDIS_URL")
        if not self.url:
            raise RedisUnavailable("worker mode needs REDIS_URL (-s REDIS_URL=redis://HOST:6379/0)")
        self.keys = keys_for(settings)
        self.client = connect(self.url)
        self.id = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.heartbeat = settings.getfloat("JIANFU_HEARTBEAT", HEARTBEAT)
        self.ttl_ms = int(settings.getfloat("JIANFU_WORKER_TTL", WORKER_TTL) * 1000)
        self.run: str | None = None
        self.seeder = False
        self.leases: dict[str, object] = {}  # lease id -> the Request it holds
        self._lease_ids = itertools.count(1)
        self._deliveries = itertools.count(1)
        self._pop = self.client.register_script(_POP)
        self._join = self.client.register_script(_JOIN)
        self._leave = self.client.register_script(_LEAVE)
        self.lost = False
        self.downloaded: weakref.WeakSet = weakref.WeakSet()  # leased requests done downloading
        crawler.signals.connect(self.left_downloader, signal=signals.request_left_downloader)

    # -- joining and leaving ----------------------------------------------------------------

    def join(self, spider) -> None:
        """Join the current run, or create it (and seed it)."""
        self.client.set(self.keys.alive(self.id), b"1", px=self.ttl_ms)
        sites = list(getattr(spider, "run_sites", []))
        for _ in range(10):
            candidate = f"{now_iso()}/{secrets.token_hex(4)}"
            start = messages.encode({
                "type": "run_start", "run": candidate, "at": now_iso(), "seeds": getattr(spider, "seeds_path", ""),
                "sites": sites, "site_configs": [s.as_config() for s in getattr(spider, "sites", {}).values()]})
            state, run = self._join(keys=[self.keys.run, self.keys.run_workers, self.keys.items],
                                    args=[self.id, candidate, start, self.keys.alive("")])
            state, run = state.decode(), run.decode()
            if state != "stale":
                self.run, self.seeder = run, state == "created"
                logger.info("worker %s %s run %s", self.id, "created" if self.seeder else "joined", run)
                return
            logger.warning("run %s was left by workers that are all gone: ending it as killed", run)
            for w in self.client.smembers(self.keys.run_workers):
                self.leave_for(w.decode(), run, "killed", {})
        raise RuntimeError("could not join or create a run in Redis")

    def leave_for(self, worker: str, run: str, reason: str, stats: dict,
                  attempted: list[str] = ()) -> tuple[bool, bool, int]:
        """`worker` leaves `run` (this process, or a dead one); its leases return to the frontier.
        `attempted`: the queued (resume list) URLs it requested, an attempt each for the writer."""
        if worker != self.id:  # a dead worker: its last published figures
            raw = self.client.get(self.keys.worker_stats(worker))
            stats = json.loads(raw) if raw else {}
        done = messages.encode({"type": "worker_done", "run": run, "worker": worker, "reason": reason,
                                "at": now_iso(), "stats": stats, "attempted": list(attempted)})
        end_reason = "finished" if reason == "finished" else reason
        end = messages.encode({"type": "run_end", "run": run, "reason": end_reason,
                               "max_error_rate": self.crawler.settings.getfloat("MAX_ERROR_RATE", 0.5)})
        left, ended, requeued = self._leave(
            keys=[self.keys.run, self.keys.run_workers, self.keys.items, self.keys.leases(worker),
                  self.keys.frontier, self.keys.alive(worker), self.keys.worker_stats(worker)],
            args=[worker, run, done, end, self.keys.dupefilter(run)])
        if worker != self.id and (left or requeued):
            logger.warning("worker %s stopped answering: %d of its requests went back to the frontier",
                           worker, requeued)
            self.crawler.stats.inc_value("jianfu/requeued_from_dead_workers", requeued)
        return bool(left), bool(ended), requeued

    def leave(self, reason: str) -> None:
        self.release_finished()
        stats = numeric_stats(self.crawler.stats.get_stats())
        stats["finish_reason"] = reason
        queued = {json.loads(v)[0] for v in self.client.lrange(self.keys.resume, 0, -1)}
        attempted = sorted(requested_articles(self.crawler) & queued)
        _, ended, requeued = self.leave_for(self.id, self.run, reason, stats, attempted)
        self.crawler.stats.set_value("jianfu/run_key", self.run)  # for bin/scheduled-crawl's report
        self.crawler.stats.set_value("jianfu/ended_run", int(ended))
        logger.info("worker %s left run %s (%s)%s%s", self.id, self.run, reason,
                    f"; {requeued} unfinished requests went back to the frontier" if requeued else "",
                    "; it was the last: the writer closes the run" if ended else "")

    # -- leases -----------------------------------------------------------------------------

    def pop(self, frontier_key: str) -> tuple[str, bytes] | None:
        lease = f"{next(self._lease_ids)}"
        data = self._pop(keys=[frontier_key, self.keys.leases(self.id)],
                         args=[lease, POP_WINDOW, *self.full_slots()])
        return (lease, data) if data else None

    def full_slots(self) -> list[str]:
        """This worker's download slots (sites with their own politeness, or hosts) that already
        hold as many requests as they may fetch at once: the frontier's requests for them wait
        for a worker with room.

        A slot holds the requests in it (`slot.active`) and also the ones this worker leased that
        have not reached it yet: the engine takes several requests in one go, before any of
        them is in a slot, and counting only `slot.active` let it take one site's requests ten
        at a time."""
        engine = self.crawler.engine
        downloader = getattr(engine, "downloader", None)
        if downloader is None:
            return []
        inprogress = getattr(getattr(engine, "_slot", None), "inprogress", ())
        held = collections.Counter(downloader.get_slot_key(r) for r in self.leases.values()
                                   if r in inprogress and r not in self.downloaded)
        for key, slot in downloader.slots.items():
            held[key] = max(held[key], len(slot.active))
        full = []
        for key, n in held.items():
            slot = downloader.slots.get(key)
            # a slot not made yet gets the concurrency Scrapy's Downloader._get_slot will give it
            limit = slot.concurrency if slot is not None else downloader.per_slot_settings.get(key, {}).get(
                "concurrency", downloader.ip_concurrency or downloader.domain_concurrency)
            if n >= limit:
                full.append(key)
        return full

    def left_downloader(self, request, spider=None) -> None:
        self.downloaded.add(request)

    def release_finished(self) -> int:
        """Release the leases of requests Scrapy has finished with.

        The engine keeps a request in its slot's `inprogress` from the moment it takes it from
        the scheduler (synchronously, in the same call) until its response has been through the
        spider and the item pipelines and the requests it yielded are in the frontier; so a
        leased request no longer there is done. (A private attribute of Scrapy's engine, checked
        against the release it was written for, as the robots.txt fix is: pipelines/compat.py.)
        """
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None) if engine is not None else None
        inprogress = getattr(slot, "inprogress", None)
        if inprogress is None:
            return 0
        abandoned = abandoned_urls(self.crawler)  # given up in the pool by a stop: they go back
        done = [lease for lease, request in self.leases.items()
                if request not in inprogress and request.url not in abandoned]
        if done:
            self.client.hdel(self.keys.leases(self.id), *done)
            for lease in done:
                del self.leases[lease]
        return len(done)

    # -- the run's state --------------------------------------------------------------------

    def start_heartbeat(self) -> None:
        """Renew this worker's alive key from a thread of its own, with its own connection: the
        reactor thread can be busy for seconds (extraction and classification run there, and the
        first page loads the dictionaries), which is no reason to declare the worker dead. A
        killed process stops beating at once. A Redis error here is left to the reactor's
        calls to notice."""
        import threading

        self._stop_beating = threading.Event()
        client = connect(self.url)
        key, ttl, every = self.keys.alive(self.id), self.ttl_ms, self.heartbeat

        def beat():
            while not self._stop_beating.wait(every):
                try:
                    client.set(key, b"1", px=ttl)
                except REDIS_ERRORS:
                    continue

        threading.Thread(target=beat, name="jianfu-heartbeat", daemon=True).start()

    def stop_heartbeat(self) -> None:
        if getattr(self, "_stop_beating", None) is not None:
            self._stop_beating.set()

    def beat(self) -> None:
        """(The reactor's part of the heartbeat.) Stats, membership, finished leases, dead workers."""
        pipe = self.client.pipeline(transaction=False)
        pipe.set(self.keys.alive(self.id), b"1", px=self.ttl_ms)
        pipe.set(self.keys.worker_stats(self.id), json.dumps(numeric_stats(self.crawler.stats.get_stats())),
                 px=self.ttl_ms * 20)
        pipe.sismember(self.keys.run_workers, self.id)
        *_, member = pipe.execute()
        if not member and self.client.hget(self.keys.run, "key") == (self.run or "").encode():
            logger.warning("worker %s was taken for dead (a stall longer than JIANFU_WORKER_TTL); rejoining", self.id)
            self.client.sadd(self.keys.run_workers, self.id)
        self.release_finished()
        self.reclaim_dead()

    def reclaim_dead(self) -> int:
        """Workers of this run whose heartbeat expired leave it; their leases return to the frontier."""
        requeued = 0
        for w in self.client.smembers(self.keys.run_workers):
            w = w.decode()
            if w != self.id and not self.client.exists(self.keys.alive(w)):
                requeued += self.leave_for(w, self.run, "killed", {})[2]
        return requeued

    def others_busy(self) -> bool:
        """Does a live worker of this run hold leases, or is a live seeder still seeding?"""
        run = self.client.hgetall(self.keys.run)
        if run.get(b"key", b"").decode() != self.run:
            return False
        seeder = run.get(b"seeder", b"").decode()
        if run.get(b"seeded") != b"1" and seeder != self.id and self.client.exists(self.keys.alive(seeder)):
            return True
        return any(self.client.hlen(self.keys.leases(w.decode())) for w in self.client.smembers(self.keys.run_workers)
                   if w.decode() != self.id)

    def seeded(self) -> None:
        self.client.hset(self.keys.run, "seeded", "1")

    # -- to the writer ----------------------------------------------------------------------

    def deliver(self, processed: stages.Processed) -> None:
        message = messages.page_message(processed, self.run, f"{self.id}/{next(self._deliveries)}")
        self.client.lpush(self.keys.items, messages.encode(message))

    def alias(self, url: str, canonical: str | None) -> None:
        self.client.lpush(self.keys.items, messages.encode({"type": "alias", "run": self.run, "url": url,
                                                            "canonical": canonical}))

    # -- Redis went away --------------------------------------------------------------------

    def redis_lost(self, exc: BaseException) -> None:
        """Stop the crawl at the first failed Redis call: every later one would fail too.
        Leased requests and pushed messages are in Redis; when it is back, the next worker
        finds this one dead and re-queues its leases."""
        if self.lost:
            return
        self.lost = True
        detail = f"lost Redis at {shown(self.url)}: {exc}"
        self.crawler.stats.set_value("jianfu/redis_unavailable", detail)
        logger.error("stopping the crawl: %s (exit %d; nothing is lost: unfinished requests stay leased in "
                     "Redis and go back to the frontier when it is back)", detail, EXIT_REDIS)
        if self.crawler.engine is not None:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="redis_unavailable"))


def worker_for(crawler) -> Worker:
    """The crawler's `Worker`, made on first use (scheduler, pipeline, middlewares share it)."""
    worker = getattr(crawler, "jianfu_worker", None)
    if worker is None:
        worker = crawler.jianfu_worker = Worker(crawler)
    return worker


def numeric_stats(stats: dict) -> dict:
    return {k: v for k, v in stats.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}


# ------------------------------------------------------------------------ scheduler and queue

class LeasedQueue(FifoQueue):
    """scrapy-redis' FIFO queue whose pop leases the request to this worker (see module doc)."""

    def pop(self, timeout=0):
        worker = worker_for(self.spider.crawler)
        taken = worker.pop(self.key)
        if taken is None:
            return None
        lease, data = taken
        request = self._decode_request(data)
        worker.leases[lease] = request
        return request


class ArticleDupeFilter(RFPDupeFilter):
    """scrapy-redis' dupefilter, with article requests known by their canonical URL under their
    site's rules (`Site.canonical`: tracking parameters, mobile hosts): two spellings of one
    article found by two workers (a feed's link with `utm_*`, the list's plain link) are one
    request for the fleet. A single machine gets the same from its skip check, which sees the
    first spelling stored; here the writer may not have stored it yet."""

    def __init__(self, server, key, crawler, debug=False):
        super().__init__(server, key, debug)
        self.crawler = crawler

    def canonical(self, request) -> str | None:
        if request.meta.get("kind") != RequestKind.ARTICLE or request.meta.get("explicit"):
            return None
        return canonical_for(self.crawler, request.url, request.meta.get("site"))

    def request_fingerprint(self, request):
        canonical = self.canonical(request)
        if canonical is None:
            return super().request_fingerprint(request)
        return hashlib.sha1(f"article {canonical}".encode()).hexdigest()


class Scheduler(RedisScheduler):
    """scrapy-redis' scheduler with the run's own dupefilter, JSON requests, and a clean stop
    when Redis goes away."""

    @classmethod
    def from_crawler(cls, crawler):
        from pipelines import compat

        compat.check("scrapy", "crawler/distributed.py Worker.release_finished (reads the engine's _slot.inprogress)")
        worker = worker_for(crawler)
        settings = crawler.settings
        instance = cls(server=worker.client, persist=True, queue_key=worker.keys.frontier,
                       queue_cls=settings.get("SCHEDULER_QUEUE_CLASS"), serializer=RequestJSON,
                       dupefilter_cls=settings.get("DUPEFILTER_CLASS"))
        instance.stats = crawler.stats
        instance.worker = worker
        return instance

    def open(self, spider):
        self.worker.join(spider)
        self.df = ArticleDupeFilter(self.server, self.worker.keys.dupefilter(self.worker.run), spider.crawler,
                                    debug=spider.settings.getbool("DUPEFILTER_DEBUG"))
        opened = super().open(spider)
        if self.worker.seeder:
            self.carry_over()
        return opened

    def carry_over(self) -> None:
        """A new run over a frontier that still holds requests (an earlier run was cut short, or
        ended by a kill): they count as seen in the new run, so rediscovering them does not
        queue them twice."""
        fingerprints = []
        for data in self.server.lrange(self.queue.key, 0, -1):
            try:
                fingerprints.append(self.df.request_fingerprint(self.queue._decode_request(data)))
            except Exception as exc:  # a request this version cannot read: it is left as it is
                logger.warning("a request in the frontier could not be read: %s", exc)
        for i in range(0, len(fingerprints), 1000):
            self.server.sadd(self.df.key, *fingerprints[i:i + 1000])
        if fingerprints:
            logger.info("run %s continues %d requests left in the frontier", self.worker.run, len(fingerprints))

    def close(self, reason):
        return None  # the frontier and the run's dupefilter stay: other workers go on

    def enqueue_request(self, request):  # scrapy-redis', without its deprecated stats call
        try:
            if not request.dont_filter and self.df.request_seen(request):
                self.df.log(request, self.spider)
                if (canonical := self.df.canonical(request)) is not None:  # another spelling already in the run
                    self.worker.alias(request.url, canonical)
                return False
            self.queue.push(request)
            self.stats.inc_value("scheduler/enqueued/redis")
            return True
        except REDIS_ERRORS as exc:
            self.worker.redis_lost(exc)  # the request that yielded it stays leased: not lost
            return False

    def next_request(self):
        if self.worker.lost:
            return None
        try:
            request = self.queue.pop()
            if request is not None:
                self.stats.inc_value("scheduler/dequeued/redis")
            return request
        except REDIS_ERRORS as exc:
            self.worker.redis_lost(exc)
            return None

    def has_pending_requests(self):
        if self.worker.lost:
            return False
        try:
            return super().has_pending_requests()
        except REDIS_ERRORS as exc:
            self.worker.redis_lost(exc)
            return False


# ------------------------------------------------------------------------ the run's lifecycle

class WorkerExtension:
    """Heartbeat, idle (close only when the whole fleet is done) and leaving the run."""

    def __init__(self, crawler):
        if not is_worker(crawler.settings):
            raise NotConfigured("single-machine mode")
        self.crawler = crawler
        self.task = None
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.idle, signal=signals.spider_idle)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @property
    def worker(self) -> Worker:
        return worker_for(self.crawler)

    def opened(self, spider):
        from twisted.internet import task

        self.worker.start_heartbeat()
        self.task = task.LoopingCall(self.beat)
        self.task.start(self.worker.heartbeat, now=True)

    def beat(self):
        worker = self.worker
        if worker.lost:
            return
        try:
            worker.beat()
            if self.crawler.engine is not None and worker.client.llen(worker.keys.frontier):
                slot = getattr(self.crawler.engine, "_slot", None)  # take the re-queued work now, not
                if slot is not None:                                 # at the engine's 5 s heartbeat
                    slot.nextcall.schedule()
        except REDIS_ERRORS as exc:
            worker.redis_lost(exc)
        except Exception:
            logger.exception("worker heartbeat failed")

    def idle(self, spider):
        worker = self.worker
        if worker.lost:
            return
        try:
            worker.release_finished()  # idle: nothing of ours is in progress
            worker.reclaim_dead()
            if worker.client.llen(worker.keys.frontier) or worker.others_busy():
                raise DontCloseSpider("the frontier is not drained yet")
        except REDIS_ERRORS as exc:
            worker.redis_lost(exc)

    def closed(self, spider, reason):
        if self.task is not None and self.task.running:
            self.task.stop()
        worker = self.worker
        worker.stop_heartbeat()
        if worker.lost or worker.run is None:
            return
        try:
            worker.leave(reason)
        except REDIS_ERRORS as exc:
            worker.redis_lost(exc)


class WorkerStartMiddleware:
    """Spider middleware: only the worker that created the run yields the start requests (seeds,
    resume queue); the others take their work from the frontier."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        if not is_worker(crawler.settings):
            raise NotConfigured("single-machine mode")
        return cls(crawler)

    async def process_start(self, start):
        worker = worker_for(self.crawler)
        if not worker.seeder:
            return
        async for item_or_request in start:
            yield item_or_request
        try:
            worker.seeded()
        except REDIS_ERRORS as exc:
            worker.redis_lost(exc)


# ------------------------------------------------------------------------ archive questions, sink

class RedisArchiveView:
    """What `crawler.middlewares.crawl_archive` returns in worker mode: the crawl's questions to
    the archive, answered from the sets the writer exports; its writes become messages."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.worker = worker_for(crawler)
        self.backoff = RedisBackoff(self.worker)

    def is_fetched(self, url: str, include_rejected: bool = True, canonical: str | None = None) -> bool:
        keys = self.worker.keys
        try:
            pipe = self.worker.client.pipeline(transaction=False)
            pipe.sismember(keys.archived, url)
            pipe.sismember(keys.archived, canonical or url)
            if include_rejected:
                pipe.sismember(keys.fetched, url)
            return any(pipe.execute())
        except REDIS_ERRORS as exc:
            self.worker.redis_lost(exc)
            raise Skipped("Redis is unavailable; the crawl is stopping") from exc  # not a rejection: the lease returns it

    def add_alias(self, url: str, canonical: str | None = None, run_id=None) -> bool:
        try:
            self.worker.alias(url, canonical)
        except REDIS_ERRORS as exc:
            self.worker.redis_lost(exc)
        return True

    def resume_queue(self, sites: list[str], max_attempts: int = MAX_ATTEMPTS, run_id=None) -> list[tuple[str, str]]:
        """Article URLs left in the archive's `queue` (exported by the writer), but those that
        more than `max_attempts` runs requested in vain: the writer gives them up on record when
        it opens the run (`Queue.resume`'s rule, as on one machine)."""
        wanted = set(sites)
        pending = [json.loads(v) for v in self.worker.client.lrange(self.worker.keys.resume, 0, -1)]
        return [(url, site) for url, site, *attempts in pending
                if site in wanted and (attempts[0] if attempts else 0) <= max_attempts]

    def enqueue(self, *args, **kwargs) -> None:
        return None  # the frontier in Redis is the queue of discovered URLs

    def dequeue(self, *urls: str) -> None:
        return None

    def close(self) -> None:
        return None


class RedisBackoff:
    """`Archive.backoff` for crawler/backoff.py in worker mode: the pages in back-off from the
    hash the writer keeps; a page that answered again is a message to the writer."""

    def __init__(self, worker: Worker):
        self.worker = worker

    def all(self) -> dict[str, dict]:
        try:
            held = self.worker.client.hgetall(self.worker.keys.backoff)
        except REDIS_ERRORS as exc:
            self.worker.redis_lost(exc)
            return {}
        return {url.decode(): json.loads(value) for url, value in held.items()}

    def succeeded(self, url: str) -> None:
        try:
            self.worker.client.lpush(self.worker.keys.items, messages.encode({"type": "backoff_over", "url": url}))
        except REDIS_ERRORS as exc:
            self.worker.redis_lost(exc)


class RedisSink:
    """The sink in worker mode (`pipelines.sink.Sink`): the processed page goes to the writer
    through Redis, instead of `Archive.store` here. Answers None: stored elsewhere."""

    def __init__(self, worker: Worker):
        self.worker = worker

    def put(self, processed: stages.Processed) -> None:
        if self.worker.lost:
            raise DropItem(f"Redis is unavailable; {processed.page['url']} stays leased and is fetched again")
        try:
            self.worker.deliver(processed)
        except REDIS_ERRORS as exc:
            self.worker.redis_lost(exc)
            raise DropItem(f"not delivered, still leased: {processed.page['url']}") from exc
        return None


class WorkerPipeline(ArchivePipeline):
    """The item pipeline in worker mode: `ArchivePipeline` (the page processed in the worker
    pool) with the `RedisSink` as its last step, and no archive or run row of its own."""

    def open_spider(self):
        self.archive = crawl_archive(self.crawler)  # a RedisArchiveView: nothing to open
        self.run_id = None
        self.pool = None
        self.watch_pool()
        self.sink = RedisSink(worker_for(self.crawler))
        self.pool = stage_pool(self.crawler.settings)
        self.crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    def store(self, processed, item):
        self.sink.put(processed)  # DropItem when Redis is gone: the request stays leased
        self.crawler.stats.inc_value("jianfu/delivered")
        kind = "article" if processed.article is not None else Outcome.REJECTED
        self.crawler.stats.inc_value(f"jianfu/processed/{kind}")
        for url in dict.fromkeys(u for u in (item.url, item.response_url) if u):  # spellings that waited
            canonical = canonical_for(self.crawler, url, item.site)
            for waiting in in_flight(self.crawler).done(canonical):
                self.archive.add_alias(waiting, canonical)  # an alias message, after the page's
        raise DropItem(f"delivered to the writer: {item.url}", log_level="DEBUG")
