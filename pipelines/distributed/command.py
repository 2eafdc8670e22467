"""`jianfu writer`: the argument parsing and the exit codes around `writer.Writer`.

    jianfu writer --redis redis://HOST:6379/0 --db archive.db [--prefix jianfu] [--batch 100]

Runs until SIGTERM or SIGINT (it finishes and acknowledges the batch in hand, then exits 0).
Exit codes: 2 bad arguments, 6-10 the archive's problems (as `bin/scheduled-crawl`), 11 Redis
cannot be reached or went away (nothing is lost: unacknowledged messages stay in Redis).
"""

from __future__ import annotations

import logging
import signal
import sys

from pipelines import health
from pipelines.archive_checks import open_problem, path_problem
from pipelines.distributed.keys import DEFAULT_PREFIX, EXIT_REDIS, REDIS_ERRORS, Keys, RedisUnavailable, connect, shown
from pipelines.distributed.writer import BATCH, ArchiveProblem, Writer


def add_arguments(parser) -> None:
    parser.add_argument("--redis", required=True, metavar="URL", help="redis://host:port/db the workers push to")
    parser.add_argument("--db", default="archive.db", help="path to archive.db (default: %(default)s)")
    parser.add_argument("--prefix", default=DEFAULT_PREFIX, help="Redis key prefix, as the workers' "
                        "JIANFU_REDIS_PREFIX (default: %(default)s)")
    parser.add_argument("--batch", type=int, default=BATCH, help="messages per transaction (default: %(default)s)")


def run(args) -> int:
    if args.batch < 1:
        print("jianfu writer: --batch must be at least 1", file=sys.stderr)
        return health.EXIT_USAGE
    if problem := path_problem(args.db):
        print(f"jianfu writer: {problem}", file=sys.stderr)
        return health.EXIT_USAGE
    if opened := open_problem(args.db):
        kind, message = opened
        print(f"jianfu writer: {kind}: {message}", file=sys.stderr)
        return health.EXIT_NOT_AN_ARCHIVE if kind == "not_an_archive" else health.EXIT_PROBLEMS[kind]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s", stream=sys.stderr)
    stopping = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stopping.append(True))
    from pipelines.archive import Archive

    try:
        client = connect(args.redis)  # before the archive is opened (or created)
    except RedisUnavailable as exc:
        print(f"jianfu writer: redis_unavailable: {exc}", file=sys.stderr)
        return EXIT_REDIS
    archive = Archive(args.db)
    try:
        writer = Writer(archive, client, Keys(args.prefix), args.batch)
        print(f"jianfu writer: {shown(args.redis)} (prefix {args.prefix}) -> {args.db}", file=sys.stderr, flush=True)
        writer.run(lambda: bool(stopping))
        print(f"jianfu writer: stopped; {writer.progress()}", file=sys.stderr)
        return 0
    except REDIS_ERRORS as exc:
        print(f"jianfu writer: redis_unavailable: lost Redis at {shown(args.redis)}: {exc}; "
              f"messages not yet committed stay in Redis", file=sys.stderr)
        return EXIT_REDIS
    except ArchiveProblem as exc:
        print(f"jianfu writer: {exc.kind}: {exc.detail}; the batch in hand stays in Redis", file=sys.stderr)
        return health.EXIT_PROBLEMS[exc.kind]
    finally:
        archive.close()
