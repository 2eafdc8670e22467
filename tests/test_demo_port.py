"""`make demo` and `make demo-web` on a busy port say which port and how to pick another."""

import socket
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("target", ["demo", "demo-web"])
def test_busy_port_is_a_message_not_a_traceback(target, tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run(["make", "-s", target, f"PORT={port}", f"DB={tmp_path / 'a.db'}"], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert f"port {port} on 127.0.0.1 is already in use" in done.stderr
    assert f"make {target} PORT={port + 1}" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "a.db").exists()
