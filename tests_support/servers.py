# SPDX-License-Identifier: EUPL-1.2
"""Loopback ports and a real gunicorn, for tests and benchmarks alike."""

from __future__ import annotations

import contextlib
import fcntl
import http.client
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

HOST = "127.0.0.1"
REPO = Path(__file__).resolve().parents[1]  # the checkout (tests_support/ is at its top)
START_SECONDS = 60
# Static files collected once for every test and benchmark run (see collectstatic()).
STATIC_CACHE = REPO / "var" / "test-static"


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def gunicorn(
    args: Sequence[str], env: dict[str, str], log: Path, port: int
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``gunicorn <args>`` (which must bind ``port``) until ``/health`` answers (200, or
    503 when degraded: FlagDesk is up either way).

    Its output goes to ``log``; it is stopped (terminated, then killed) on the way out.
    """
    collectstatic(env)
    command = [str(Path(sys.executable).parent / "gunicorn"), *args]
    with log.open("wb") as out:
        # Our venv's gunicorn with arguments from our own tests and benchmarks.
        server = subprocess.Popen(command, env=env, cwd=REPO, stdout=out, stderr=out)  # noqa: S603
    try:
        _wait_until_up(server, port, log)
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def collectstatic(env: dict[str, str]) -> None:
    """What production runs before the web starts: hashed, compressed static files, without
    which a page's ``{% static %}`` has no file to name. Collected once into one directory for
    every test process (about 15 s: compressing takes most), again when an app's file changed."""
    if "FLAGDESK_STATIC_ROOT" in env:
        return
    STATIC_CACHE.mkdir(parents=True, exist_ok=True)
    with (STATIC_CACHE.parent / "test-static.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one collector at a time (pytest -n 2)
        if _static_is_stale():
            subprocess.run(
                [sys.executable, "-m", "flagdesk.cli", "collectstatic", "--no-input", "-v0"],
                env={**env, "FLAGDESK_STATIC_ROOT": str(STATIC_CACHE)},
                cwd=REPO,
                check=True,
                capture_output=True,
            )
    env["FLAGDESK_STATIC_ROOT"] = str(STATIC_CACHE)


def _static_is_stale() -> bool:
    manifest = STATIC_CACHE / "staticfiles.json"
    if not manifest.exists():
        return True
    collected = manifest.stat().st_mtime
    sources = (REPO / "flagdesk").glob("*/static/**/*")
    return any(path.stat().st_mtime > collected for path in sources if path.is_file())


def _wait_until_up(server: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}\n{log.read_text()}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/health")
            if conn.getresponse().status in (200, 503):
                return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /health in {START_SECONDS} s\n{log.read_text()}")
