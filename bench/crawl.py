"""End-to-end crawl benchmark (issue 17): the project's crawl against its peers on one local web.

    python bench/crawl.py                      # 2,400 pages: crawl, fetch ceiling, stages, trafilatura
    python bench/crawl.py --pages 400          # a quick run
    python bench/crawl.py --growth --sizes 10000,100000,1000000   # the archive-size growth run too
    python bench/crawl.py --only growth --sizes 10000,100000
    python bench/crawl.py --workers-processes 1,2,4   # distributed mode: scaling with crawler processes

One run, one process tree: the bench generates a news web (`bench/newsweb.py`: ≥ 2,000 article
pages by default, four portal templates with boilerplate, two sites in GBK, 10 % reprints),
serves it from memory on 127.0.0.1 in a child process, then measures one after another:

- `crawl`: the project's `scrapy crawl news` end to end (sitemaps, fetch, the worker pool,
  the archive), AutoThrottle off, 64 concurrent requests, `STAGE_WORKERS` default (one per core);
- `crawl, stages on reactor`: the same with `STAGE_WORKERS=0` (the stages on the reactor thread,
  as before the pool: the "before" figure);
- `bare scrapy fetch`: a spider that only downloads the same article URLs (the fetch ceiling);
- `stages, one core`: `process_page` + `Archive.store` over the same bodies in one process
  (and `process_page` alone);
- `jianfu reprocess --workers 1` and `--workers <cores>` over the crawled archive;
- `trafilatura CLI`: `trafilatura -i urls.txt` on the same URLs (extraction only), with its
  per-host sleep and its private-address refusal turned off in a config file so it can fetch
  from 127.0.0.1 at full speed.

Pages/s is article pages over the wall time of the whole command (start-up included); CPU
ms/page is user + system time of the command and every process it started (os.wait4), over the
article pages; peak RSS is the largest sum of resident memory over the command's process tree,
sampled every 0.1 s. Then the ratios the issue's targets name.

The growth run (`--growth`) builds archives of 10k, 100k, 1M articles synthetically and times the
writer's full `Archive.store` path (page row, exact and near-duplicate lookup, story, search row,
URLs: one transaction each) for 300 new pages at each size. See `bench/growth.py`.

The machine this was written on has 2 cores shared with other work: figures are noisy.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _common import ROOT

import newsweb

PY = sys.executable
CONCURRENCY = 64


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ppid, pages = int(fields[1]), int(fields[21])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = pages * page
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total


def measured(cmd: list[str], **kw) -> dict:
    """Run a command; its wall time, CPU time (with its reaped descendants) and peak tree RSS."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    peak, stop, series = [0], threading.Event(), []

    def sample():
        while not stop.is_set():
            rss = tree_rss(proc.pid)
            peak[0] = max(peak[0], rss)
            series.append((time.perf_counter() - start, rss))
            stop.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out_chunks, err_chunks = [], []
    readers = [threading.Thread(target=lambda s=s, c=c: c.append(s.read()), daemon=True)
               for s, c in ((proc.stdout, out_chunks), (proc.stderr, err_chunks))]
    for r in readers:
        r.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    stop.set()
    for r in readers:
        r.join()
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": peak[0], "rc": proc.returncode,
            "series": series,
            "out": b"".join(out_chunks).decode(errors="replace"), "err": b"".join(err_chunks).decode(errors="replace")}


def tenths(series: list[tuple[float, int]]) -> list[int]:
    """The largest tree RSS in each tenth of a run (pages arrive at a steady rate, so a tenth of
    the time is about a tenth of the pages)."""
    if not series:
        return []
    end = series[-1][0] or 1
    out = [0] * 10
    for t, rss in series:
        out[min(9, int(10 * t / end))] = max(out[min(9, int(10 * t / end))], rss)
    return out


def figures(name: str, run: dict, pages: int, note: str = "") -> dict:
    row = {"name": name, "pages_s": pages / run["wall"], "cpu_ms": run["cpu"] * 1000 / pages,
           "rss": run["rss"] / 1e6, "note": note, "series": run.get("series", [])}
    print(f"{name:<36} {row['pages_s']:8.1f} {row['cpu_ms']:10.1f} {row['rss']:9.0f}   {note}", flush=True)
    if run.get("rc"):
        print(f"  (exit {run['rc']}) {run['err'][-1500:]}", flush=True)
    return row


# ------------------------------------------------------------------------------ child modes

def bare_fetch(url_file: str) -> None:
    """A spider that downloads the URLs and does nothing else: Scrapy's fetch ceiling here."""
    import scrapy
    from scrapy.crawler import CrawlerProcess

    urls = Path(url_file).read_text().split()
    got = []

    class Bare(scrapy.Spider):
        name = "bare"

        async def start(self):
            for u in urls:
                yield scrapy.Request(u, dont_filter=True)

        def parse(self, response):
            got.append(len(response.body))

    process = CrawlerProcess({"LOG_LEVEL": "ERROR", "CONCURRENT_REQUESTS": CONCURRENCY,
                              "CONCURRENT_REQUESTS_PER_DOMAIN": CONCURRENCY, "ROBOTSTXT_OBEY": False,
                              "AUTOTHROTTLE_ENABLED": False, "TELNETCONSOLE_ENABLED": False})
    process.crawl(Bare)
    process.start()
    print(f"fetched {len(got)} pages, {sum(got)} bytes")


def stages_alone(page_dir: str, with_store: bool) -> None:
    """`process_page` (+ `Archive.store`) over the stored bodies, one process, one core."""
    sys.path.insert(0, str(ROOT))
    import json

    from crawler.sites import load_sites
    from pipelines import stages
    from pipelines.archive import Archive

    d = Path(page_dir)
    index = json.loads((d / "index.json").read_text())
    sites = load_sites(d / "seeds.toml")
    archive = Archive(d / f"stages-{os.getpid()}.db") if with_store else None
    run_id = archive.start_run("bench", list(sites)) if archive else None
    from pipelines.pool import StagePool

    pool = StagePool(0)  # in this process: process_page, a stage's exception made a rejection as in the crawl
    start = time.process_time()
    failed = 0
    for i, (url, site, ctype) in enumerate(index):
        page = {"url": url, "status": 200, "headers": {"content-type": ctype}, "body": (d / f"{i}.html").read_bytes(),
                "site": site, "kind": "article", "fetched_at": "2024-12-01T00:00:00+00:00"}
        processed = pool.submit(page, sites.get(site)).result()
        failed += processed.rejection is not None
        if archive:
            archive.store(processed, run_id)
    print(f"cpu {time.process_time() - start:.3f}, {failed} rejected")


# ------------------------------------------------------------------------------ the run

def crawl_comparison(n_pages: int, tmp: Path) -> None:
    pages, articles, _ = newsweb.build(n_pages)
    ready = multiprocessing.get_context("fork").Queue()
    server = multiprocessing.get_context("fork").Process(target=newsweb.serve, args=(pages, 0, ready), daemon=True)
    server.start()
    port = ready.get(timeout=60)
    base = f"http://127.0.0.1:{port}"
    size = sum(len(pages[a][0]) for a in articles) / len(articles)
    print(f"news web: {len(articles)} article pages on {base} ({size / 1000:.1f} KB a page on average, "
          f"2 of 4 sites in GBK), {os.cpu_count()} cores")
    seeds = tmp / "seeds.toml"
    seeds.write_text(newsweb.seeds_toml(base), encoding="utf-8")
    url_file = tmp / "urls.txt"
    url_file.write_text("\n".join(base + a for a in articles) + "\n")
    import json

    ctypes = {a: pages[a][1] for a in articles}
    site_of = {a: a.split("/")[1] for a in articles}
    for i, a in enumerate(articles):
        (tmp / f"{i}.html").write_bytes(pages[a][0])
    (tmp / "index.json").write_text(json.dumps([(base + a, site_of[a], ctypes[a]) for a in articles]))
    n = len(articles)
    print(f"\n{'what':<36} {'pages/s':>8} {'CPU ms/page':>10} {'peak RSS MB':>9}")
    rows = {}

    def crawl(name, db, extra=()):
        cmd = [PY, "-m", "scrapy", "crawl", "news", "-a", f"seeds={seeds}", "-s", f"ARCHIVE_DB={db}",
               "-s", "AUTOTHROTTLE_ENABLED=False", "-s", f"CONCURRENT_REQUESTS={CONCURRENCY}",
               "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={CONCURRENCY}", "-s", "LOG_LEVEL=WARNING", *extra]
        run = measured(cmd)
        import sqlite3

        c = sqlite3.connect(db)
        stored = c.execute("SELECT count(*) FROM pages").fetchone()[0]
        arts = c.execute("SELECT count(*) FROM articles").fetchone()[0]
        rej = c.execute("SELECT count(*) FROM rejections").fetchone()[0]
        c.close()
        return figures(name, run, n, f"{stored} pages stored: {arts} articles, {rej} rejections")

    rows["crawl"] = crawl("crawl (worker pool, default)", tmp / "crawl.db")
    print("  tree RSS MB by tenth of the crawl (flat = no growth with pages): "
          + " ".join(f"{rss / 1e6:.0f}" for rss in tenths(rows["crawl"]["series"])))
    import sqlite3

    c = sqlite3.connect(tmp / "crawl.db")
    for row in c.execute("SELECT stage, reason, count(*), min(detail) FROM rejections GROUP BY 1, 2"):
        print(f"  rejections {row[0]}/{row[1]}: {row[2]} (e.g. {row[3][:120]})")
    c.close()
    rows["crawl0"] = crawl("crawl, stages on reactor (before)", tmp / "crawl0.db", ["-s", "STAGE_WORKERS=0"])
    rows["bare"] = figures("bare scrapy fetch (ceiling)", measured([PY, __file__, "--_bare", str(url_file)]), n)
    stage_run = measured([PY, __file__, "--_stages", str(tmp)])
    rows["stages"] = figures("stages + store, one core", stage_run, n,
                             "process_page + Archive.store; " + stage_run["out"].strip())
    only = measured([PY, __file__, "--_stages_only", str(tmp)])
    rows["process"] = figures("stages alone, one core", only, n, "process_page only; " + only["out"].strip())
    # re-processing the crawled archive on one worker process, then on one per core
    for workers in (1, len(os.sched_getaffinity(0))):
        run = measured([PY, "-m", "pipelines.cli", "reprocess", "--db", str(tmp / "crawl.db"), "--workers", str(workers)])
        rows[f"reprocess{workers}"] = figures(f"jianfu reprocess --workers {workers}", run, n,
                                              (run["out"].strip().splitlines() or [""])[0][:70])
    cfg = tmp / "trafilatura.cfg"
    src = (Path(__import__("trafilatura").__file__).parent / "settings.cfg").read_text()
    cfg.write_text(src.replace("SLEEP_TIME = 5.0", "SLEEP_TIME = 0").replace("SSRF_PROTECTION = on", "SSRF_PROTECTION = off"))
    traf = measured([str(Path(PY).parent / "trafilatura"), "-i", str(url_file), "--config-file", str(cfg)])
    extracted = sum(1 for line in traf["out"].splitlines() if line.strip())
    rows["traf"] = figures("trafilatura CLI (extraction only)", traf, n, f"{extracted} output lines")
    server.kill()
    server.join()

    # the ratios of the targets (single-core rates from CPU time: the machine is shared)
    cores = len(os.sched_getaffinity(0))
    stage_rate = 1000 / rows["stages"]["cpu_ms"]
    ideal = min(rows["bare"]["pages_s"], cores * stage_rate)
    print(f"\nideal = min(fetch ceiling {rows['bare']['pages_s']:.1f}, {cores} cores x stage rate {stage_rate:.1f}) "
          f"= {ideal:.1f} pages/s")
    for key, label in (("crawl", "end to end (pool)"), ("crawl0", "end to end (stages on reactor)")):
        print(f"{label} / ideal: {rows[key]['pages_s'] / ideal:.2f}   (target >= 0.8)")
    print(f"end to end (pool) / trafilatura CLI: {rows['crawl']['pages_s'] / rows['traf']['pages_s']:.2f}   (target > 1)")
    print(f"stage CPU (process_page + store): {rows['stages']['cpu_ms']:.1f} ms/page   (target <= 30)")
    print(f"end to end (pool) / stages on reactor: {rows['crawl']['pages_s'] / rows['crawl0']['pages_s']:.2f}")
    many = f"reprocess{cores}"
    if many != "reprocess1":
        print(f"jianfu reprocess --workers {cores} / --workers 1: "
              f"{rows[many]['pages_s'] / rows['reprocess1']['pages_s']:.2f}   (target >= 1.7)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=2400, help="article pages in the generated web (default %(default)s)")
    parser.add_argument("--growth", action="store_true", help="also run the archive-size growth benchmark")
    parser.add_argument("--only", choices=["crawl", "growth"], help="run only this part")
    parser.add_argument("--sizes", default="10000,100000", help="archive sizes for the growth run (default %(default)s)")
    parser.add_argument("--workers-processes", metavar="N,N,...",
                        help="the distributed mode instead (issue 18): N crawler processes sharing a Redis "
                             "frontier and one writer, against a slow local web (bench/distributed.py; "
                             "--pages, and --delay seconds per article page)")
    parser.add_argument("--delay", type=float, default=3.0, help="with --workers-processes: seconds per article page")
    parser.add_argument("--_bare", help=argparse.SUPPRESS)
    parser.add_argument("--_stages", help=argparse.SUPPRESS)
    parser.add_argument("--_stages_only", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args._bare:
        bare_fetch(args._bare)
        return 0
    if args._stages or args._stages_only:
        stages_alone(args._stages or args._stages_only, with_store=bool(args._stages))
        return 0
    if args.workers_processes:
        import distributed

        return distributed.main(["--workers-processes", args.workers_processes, "--delay", str(args.delay),
                                 "--pages", str(args.pages if args.pages != 2400 else 160)])
    print("(2-core machine shared with other work: the figures are noisy; the ratios come from one run)")
    if args.only != "growth":
        with tempfile.TemporaryDirectory() as tmp:
            crawl_comparison(args.pages, Path(tmp))
    if args.growth or args.only == "growth":
        import growth

        growth.run([int(s) for s in args.sizes.split(",")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
