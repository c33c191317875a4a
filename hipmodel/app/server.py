"""Start and stop a local ``streamlit run app.py`` (for the browser tests and the benchmarks).

    from hipmodel.app.server import running_app
    with running_app(["server.fileWatcherType=none"]) as (proc, url):
        ...  # url answers /_stcore/health

It runs the checkout's app.py (the repository this package was installed from with
``pip install -e .``); it does not import streamlit itself.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the checkout: hipmodel/app/server.py -> repository root

__all__ = ["free_port", "start_app", "wait_healthy", "stop", "running_app"]


class AppStartError(RuntimeError):
    """The app did not answer its health check in time."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, timeout: float = 90.0, proc: subprocess.Popen | None = None) -> None:
    """Wait until ``url``/_stcore/health answers; AppStartError after ``timeout`` seconds
    (or as soon as ``proc`` has exited, or at once for a URL that is not http(s)://host...)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise AppStartError(f"{url!r} is not a server URL (expected http://host:port)")
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AppStartError(f"streamlit exited with code {proc.returncode} before {url} answered")
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=2)
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise AppStartError(f"{url} did not answer /_stcore/health within {timeout:g} s")


def start_app(options=(), timeout: float = 90.0) -> tuple[subprocess.Popen, str]:
    """``streamlit run app.py`` on a free localhost port, healthy; returns (process, base URL).

    ``options``: extra config options as ``"section.name=value"`` strings. If the server
    does not come up, AppStartError carries the end of its error output.
    """
    extra = []
    for opt in options:
        name, sep, value = str(opt).partition("=")
        if not sep or not name.strip():
            raise ValueError(f"option: expected section.name=value, got {opt!r}")
        extra += [f"--{name.strip()}", value]
    port = free_port()
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         *extra],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, timeout, proc)
    except AppStartError as e:
        stop(proc)
        log.seek(0)
        tail = log.read()[-800:].decode("utf-8", "replace").strip()
        raise AppStartError(f"{e}" + (f"; its last output: {tail}" if tail else "")) from None
    except BaseException:
        stop(proc)
        raise
    finally:
        log.close()  # a server that came up logs nowhere from here on (the file is unlinked)
    return proc, url


def stop(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    """Terminate the server; kill it if it does not exit within ``timeout`` seconds."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextlib.contextmanager
def running_app(options=(), timeout: float = 90.0):
    """:func:`start_app` as a context manager: yields (process, URL), stops it on exit."""
    proc, url = start_app(options, timeout)
    try:
        yield proc, url
    finally:
        stop(proc)
