"""`make demo`: start the demo news web, crawl it into an archive, stop it, print a report.

The demo web (`demo_web/`) is written for this project and served on 127.0.0.1, so the whole
pipeline can be seen working with no internet. Run it twice: the second run finds every
article already archived, sends no article request, and says so.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from demo_web import server
from pipelines.archive import Archive
from pipelines.cli import run_report

ROOT = Path(__file__).resolve().parents[1]
DEMO_SEEDS = ROOT / "seeds" / "demo.toml"
DISCOVERY_SEEDS = ROOT / "seeds" / "demo-discovery.toml"  # the demo site with no rules
DEMO_BASE = "http://127.0.0.1:8765"


def seeds_for(base_url: str, directory: Path, seeds: Path = DEMO_SEEDS) -> Path:
    """A demo seeds file (seeds/demo.toml by default) pointed at `base_url` (they are written
    for port 8765)."""
    if base_url == DEMO_BASE:
        return seeds
    path = directory / seeds.name
    path.write_text(seeds.read_text(encoding="utf-8").replace(DEMO_BASE, base_url), encoding="utf-8")
    return path


def crawl(seeds: Path, db: Path, extra: list[str] = ()) -> subprocess.CompletedProcess:
    """Run the real `scrapy crawl news` in a child process (a fresh Twisted reactor each time)."""
    cmd = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"seeds={seeds}",
           "-s", f"ARCHIVE_DB={db}", "-s", "AUTOTHROTTLE_START_DELAY=0", "-s", "AUTOTHROTTLE_MAX_DELAY=0.5",
           "-s", "LOG_LEVEL=WARNING", *extra]
    return subprocess.run(cmd, cwd=ROOT, text=True, capture_output=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="archive.db")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    db = Path(args.db).resolve()
    try:
        web = server.start(args.port)
    except server.PortBusy:
        print(f"make demo: {server.busy_message(args.port, 'demo')}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp, web:
        print(f"demo news web on {web.base_url}; crawling into {db} …", flush=True)
        done = crawl(seeds_for(web.base_url, Path(tmp)), db)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        print(f"crawl failed (exit {done.returncode})", file=sys.stderr)
        return done.returncode
    archive = Archive(db)
    try:
        print(run_report(archive))
    finally:
        archive.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
