"""`bin/scheduled-crawl --redis URL`: the scheduled entry of a crawler machine in distributed mode.

Each crawler machine's cron line or systemd timer starts one worker (`scrapy crawl news` in
worker mode, in this process); the workers of all machines make one run. What it adds to the
single-machine entry, or does differently:

- the lock is per machine (`<log-dir>/scheduled-worker.lock`): there is no archive here;
- Redis is checked first: unreachable, exit 11 (`redis_unavailable`), nothing started;
- the run's record is the writer's (every worker's figures summed, site health): the worker
  that ends the run (the last to leave) waits up to `--wait-writer` seconds for the writer's
  result and prints the run report and exits with the run's exit code, as a single-machine
  run does; the others print their own figures and exit 0 (5 when cut short, 11 when Redis
  went away). A writer that has not recorded the run in time: exit 12 (`writer_behind`;
  nothing is lost, the messages wait in Redis).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from crawler.scheduled import RunLock, crawl, log_dir_problem, new_log_file
from pipelines import health
from pipelines.distributed.keys import EXIT_REDIS, Keys, RedisUnavailable, connect, shown

EXIT_WRITER_BEHIND = 12


def main(args, overrides: dict[str, str]) -> int:
    if problem := log_dir_problem(args.log_dir):
        print(f"scheduled-crawl: {problem}", file=sys.stderr)
        return health.EXIT_USAGE
    keys = Keys(args.prefix)
    try:
        client = connect(args.redis)
    except RedisUnavailable as exc:
        print(f"PROBLEM redis_unavailable: {exc}")
        print(f"exit {EXIT_REDIS}")
        return EXIT_REDIS
    lock = RunLock(args.log_dir.resolve() / "scheduled-worker.lock")
    if not lock.acquire():
        print(f"scheduled-crawl: another scheduled worker runs on this machine ({lock.holder()}); exiting",
              file=sys.stderr)
        return health.EXIT_LOCKED
    try:
        log_file = new_log_file(args.log_dir.resolve(), args.keep_logs)
        print(f"scheduled crawl of {args.seeds}{' site ' + args.site if args.site else ''}: worker of "
              f"{shown(args.redis)} (prefix {args.prefix}); log {log_file}", flush=True)
        settings = {**overrides, "JIANFU_MODE": "worker", "REDIS_URL": args.redis, "JIANFU_REDIS_PREFIX": args.prefix}
        try:
            _, stats = crawl(Path("/dev/null"), args.seeds, args.site, log_file, args.max_error_rate, settings)
        except Exception as exc:
            print(f"PROBLEM cut_short: the crawl could not run: {type(exc).__name__}: {exc}")
            return health.EXIT_PROBLEMS["cut_short"]
        if detail := stats.get("jianfu/redis_unavailable"):
            print(f"PROBLEM redis_unavailable: {detail}; nothing is lost: start the worker again when Redis is back")
            print(f"exit {EXIT_REDIS}")
            return EXIT_REDIS
        reason, run = stats.get("finish_reason", "?"), stats.get("jianfu/run_key")
        print(f"worker finished ({reason}) in run {run}: {stats.get('downloader/request_count', 0)} requests, "
              f"{stats.get('jianfu/delivered', 0)} pages sent to the writer")
        if not stats.get("jianfu/ended_run"):
            code = 0 if reason == "finished" else health.EXIT_PROBLEMS["cut_short"]
            print("other workers are still in the run; the last to leave prints its report")
            print(f"exit {code}")
            return code
        return report_run(client, keys, run, args.wait_writer)
    finally:
        lock.release()


def report_run(client, keys: Keys, run: str, wait: float) -> int:
    """Wait for the writer's record of the run; print it; its exit code."""
    end = time.monotonic() + wait
    while (raw := client.get(keys.run_result(run))) is None:
        if time.monotonic() > end:
            print(f"PROBLEM writer_behind: the writer has not recorded run {run} after {wait:.0f} s; is "
                  f"`jianfu writer` running? Nothing is lost: its messages wait in Redis "
                  f"({client.llen(keys.items)} queued)")
            print(f"exit {EXIT_WRITER_BEHIND}")
            return EXIT_WRITER_BEHIND
        time.sleep(0.5)
    result = json.loads(raw)
    print(result["report"])
    print(f"exit {result['exit_code']}")
    return result["exit_code"]
