"""The demo news web: static pages under demo_web/sites/, served on 127.0.0.1.

Sites live under path prefixes (/xinwen/, /zhengfu/, …) of one host. Pages are stored as UTF-8
and encoded per site on the way out (the government site is served in GBK, as many real ones
are). Query strings are ignored when mapping a URL to a file, so tracking parameters reach the
same page, as on a real site. A few paths are broken on purpose (404, 500, an empty body).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent / "sites"
CONFIG = json.loads((Path(__file__).resolve().parent / "serve.json").read_text(encoding="utf-8"))


class Handler(BaseHTTPRequestHandler):
    server_version = "DemoNews/1.0"
    verbose = False

    def log_message(self, fmt, *args):
        if self.verbose:
            super().log_message(fmt, *args)

    def do_GET(self):
        path = unquote(urlsplit(self.path).path)
        broken = CONFIG["broken"].get(path)
        if broken == "http_500":
            return self._send(500, b"<html><body><h1>500 Internal Server Error</h1></body></html>", "text/html")
        if broken == "empty_body":
            return self._send(200, b"", "text/html; charset=utf-8")
        if path.endswith("/"):
            path += "index.html"
        file = (ROOT / path.lstrip("/")).resolve()
        if not str(file).startswith(str(ROOT)) or not file.is_file():
            return self._send(404, "<html><body><h1>404 页面不存在</h1></body></html>".encode(), "text/html; charset=utf-8")
        site = path.strip("/").split("/")[0]
        encoding = CONFIG["encodings"].get(site, "utf-8")
        data = file.read_bytes()
        if file.suffix in (".html", ".htm", ".xml", ".txt"):
            data = data.decode("utf-8").encode(encoding)
        ctype = {".xml": "application/xml", ".txt": "text/plain"}.get(file.suffix, "text/html")
        label = CONFIG["labels"].get(site, encoding)
        return self._send(200, data, f"{ctype}; charset={label}")

    def _send(self, status, data, ctype):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Last-Modified", "Wed, 08 May 2024 02:30:00 GMT")
        self.end_headers()
        self.wfile.write(data)


class DemoServer:
    def __init__(self, port: int = 0, verbose: bool = False):
        handler = type("DemoHandler", (Handler,), {"verbose": verbose})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def start(port: int = 0, verbose: bool = False) -> DemoServer:
    """Start serving in a background thread; returns once the socket is listening."""
    server = DemoServer(port, verbose)
    server.thread.start()
    return server
