"""Serve the demo news web on 127.0.0.1 (pages rendered by `demo_web.render`).

Sites live under path prefixes of one host. Pages are text until the last moment and are
encoded per site on the way out: the government site is served as GBK (bytes in GB18030, its
superset, as real servers do), the others as UTF-8. Query strings are ignored when routing, so
a link with tracking parameters reaches the same page, as on a real site.
"""

from __future__ import annotations

import errno
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler
from urllib.parse import unquote, urlsplit

from demo_web import render
from demo_web.loopback import LoopbackServer

# site -> (codec for the bytes, charset label in the Content-Type header)
ENCODINGS = {"zhengfu": ("gb18030", "gbk")}


class Handler(BaseHTTPRequestHandler):
    server_version = "DemoNews/1.0"
    verbose = False

    def log_message(self, fmt, *args):
        if self.verbose:
            super().log_message(fmt, *args)

    def do_GET(self):
        path = unquote(urlsplit(self.path).path)
        host = self.headers.get("Host") or f"127.0.0.1:{self.server.server_address[1]}"
        site = path.strip("/").split("/")[0]
        web: DemoServer = self.server.demo
        with web.hits_lock:
            web.hits[path] += 1
        if site in web.failing_sites:  # the whole site is down
            return self._send(500, b"<html><body><h1>500 Internal Server Error</h1></body></html>",
                              "text/html; charset=utf-8")
        found = render.route(path, f"http://{host}", web.withheld)
        if found is None:
            return self._send(404, "<html><body><h1>404 页面不存在</h1></body></html>".encode(), "text/html; charset=utf-8")
        status, text, ctype = found
        article = render.ARTICLE_AT.get(path)
        if article is not None:
            if site in web.unreadable_sites:
                text = render.unreadable_article(article)
            web.gate.wait(timeout=20)  # closed: article pages wait (a crawl caught mid-run)
            if web.delay:
                time.sleep(web.delay)  # a slow site: this handler thread only
        codec, label = ENCODINGS.get(site, ("utf-8", "utf-8"))
        if ctype.endswith("xml"):
            codec, label = "utf-8", "utf-8"
        return self._send(status, text.encode(codec), f"{ctype}; charset={label}")

    def _send(self, status: int, data: bytes, ctype: str):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class DemoServer(LoopbackServer):
    """A running demo web; `base_url` like http://127.0.0.1:43123. A context manager.

    Its attributes can be changed while it runs, to stage what happens to real sites:
    `failing_sites` answer 500 to everything, `unreadable_sites` switch their article pages to
    a script-rendered template, `withheld` article paths are missing from lists and feeds (not
    published yet, or fallen off the list), `delay` slows every article page by that many seconds,
    and while `gate` is cleared article pages are held (up to 20 s) until it is set again.
    `hits` counts the requests received per path.
    """

    def __init__(self, port: int = 0, verbose: bool = False):
        handler = type("DemoHandler", (Handler,), {"verbose": verbose})
        self.failing_sites: set[str] = set()
        self.unreadable_sites: set[str] = set()
        self.withheld: frozenset[str] = frozenset()
        self.delay = 0.0
        self.gate = threading.Event()
        self.gate.set()
        self.hits: Counter[str] = Counter()  # requests received, by path (tests: nothing fetched twice)
        self.hits_lock = threading.Lock()
        super().__init__(handler, port)
        self.httpd.demo = self


class PortBusy(OSError):
    """The port is taken (another demo web, or any other program)."""


def busy_message(port: int, target: str) -> str:
    """What to tell a person whose port is taken, and how to pick another."""
    return (f"port {port} on 127.0.0.1 is already in use (another `make demo-web`, or another program: "
            f"`ss -ltnp 'sport = :{port}'` shows which). Pick another port: make {target} PORT={port + 1}")


def start(port: int = 0, verbose: bool = False) -> DemoServer:
    """Start serving in a background thread; returns once the socket is listening.
    Raises PortBusy when the port is taken."""
    try:
        server = DemoServer(port, verbose)
    except OSError as exc:
        if exc.errno in (errno.EADDRINUSE, errno.EACCES):
            raise PortBusy(exc.errno, f"port {port} is in use") from None
        raise
    server.thread.start()
    return server
