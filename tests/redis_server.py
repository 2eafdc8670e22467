"""A real redis-server (Debian's `redis-server`, installed by `make test`) for the distributed
mode's tests: on a free 127.0.0.1 port, in a temporary directory, stopped afterwards.

Persistence is the append-only file, as the README asks of a production Redis, so a test can
stop the server and start it again on the same directory and port with its data.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from pathlib import Path

import redis


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    def __init__(self, directory: Path, port: int | None = None):
        self.directory = Path(directory)
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self, deadline: float = 20.0) -> "RedisServer":
        exe = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.directory.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [exe, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory),
             "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--daemonize", "no",
             "--logfile", str(self.directory / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1, socket_connect_timeout=1)
        end = time.monotonic() + deadline
        while True:  # ready when it answers PING, not after a fixed sleep
            if self.proc.poll() is not None:
                raise RuntimeError(f"redis-server exited ({self.proc.returncode}); see {self.directory}/redis.log")
            try:
                if client.ping():
                    return self
            except (redis.ConnectionError, redis.TimeoutError):
                pass
            if time.monotonic() > end:
                raise RuntimeError("redis-server did not answer PING in time")
            time.sleep(0.05)

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
        self.proc = None


@contextlib.contextmanager
def running(directory: Path):
    server = RedisServer(directory).start()
    try:
        yield server
    finally:
        server.stop()
