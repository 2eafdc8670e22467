"""An HTTP server on 127.0.0.1 that serves from a background thread: the demo web
(demo_web/server.py) and the tests' misbehaving site (tests/faulty_web.py) are each one."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LoopbackServer:
    """`handler` on 127.0.0.1:`port` (0: any free port), served by a daemon thread once
    `thread` is started; `base_url` like http://127.0.0.1:43123. A context manager that stops it."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], port: int = 0):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
