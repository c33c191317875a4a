"""Does the server's memory stay flat? RSS of one `streamlit run app.py` after 50 and 1,000 reruns.

Real browser sessions (headless chromium, one context each, each opened on a different model and
set of muscles) take turns pressing arrow keys on the sliders: mostly flexion, every 5th press
rotation and every 7th adduction, wandering back and forth over the ranges. So every cache the
app keeps is exercised: ``st.cache_data`` curves (64 entries) and switch-in-context pictures (64),
the figure-background LRU in hipmodel.figures (12), the model cache, and each session's media
files. After each key press the script waits until the rerun has finished (Streamlit's script
state back to notRunning), so a rerun counted is a rerun done.

The resident set size (VmRSS in /proc/<pid>/status) is read after a short pause at 50 reruns
(everything imported, caches warm) and at checkpoints up to the last; the difference between
the 50th and the last is the figure to watch (target: within 30 MB). A bounded cache filling up
shows as growth that flattens; a leak keeps climbing between the later checkpoints.

    python benchmarks/bench_memory.py                      # 1,000 reruns, 4 sessions
    python benchmarks/bench_memory.py --reruns 1000 --sessions 4 --option runner.postScriptGC=false
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
from hipmodel.app.server import AppStartError, start_app, stop
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROME_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]
TARGET_MB = 30.0
# each session on its own model and muscles: its own figure backgrounds and curve data
SESSION_URLS = [
    "model=gait2392&muscles=piriformis&flexion=10",
    "model=rajagopal2016&muscles=piriformis,gluteus_medius_3&flexion=40&rotation=-10",
    "model=gait2392&muscles=piriformis,gemelli,quadratus_femoris&flexion=70&adduction=10",
    "model=tlem2&muscles=piriformis&flexion=100&rotation=20",
    "model=dostal1981&muscles=piriformis&flexion=-10&adduction=-15",
    "model=rajagopal2016&muscles=gluteus_minimus_1,gluteus_minimus_2,gluteus_minimus_3&flexion=55",
]
RANGES = {"Hip flexion": (-20.0, 120.0), "Hip rotation": (-45.0, 45.0), "Hip adduction": (-30.0, 30.0)}
START = {"Hip flexion": "flexion", "Hip rotation": "rotation", "Hip adduction": "adduction"}

# Installed in every page: after h.armed, 'ran' once the script runs, 'done' when it is back to notRunning.
PROBE_JS = """() => {
    const state = () => document.querySelector('[data-testid=stApp]').getAttribute('data-test-script-state');
    const h = window.__hm = {armed: false, ran: false, done: false, state};
    new MutationObserver(() => {
        if (!h.armed) return;
        const s = state();
        if (s === 'running' || s === 'rerunRequested') h.ran = true;
        else if (h.ran && s === 'notRunning') h.done = true;
    }).observe(document.body, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def start_server(options=()) -> tuple[subprocess.Popen, str]:
    """`streamlit run app.py` on a free port, healthy; ``options`` are extra "name=value" config options."""
    try:
        return start_app(["server.fileWatcherType=none", *options])
    except (AppStartError, ValueError) as e:
        raise SystemExit(str(e)) from None


def status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def rss_mb(pid: int) -> float:
    return status_kb(pid, "VmRSS") / 1024.0


class Session:
    def __init__(self, index: int, query: str):
        self.index, self.query = index, query
        q = dict(part.split("=", 1) for part in query.split("&"))
        self.value = {label: float(q.get(key, 0.0)) for label, key in START.items()}
        self.direction = {label: 1 if (index + i) % 2 == 0 else -1 for i, label in enumerate(RANGES)}
        self.page = None
        self.thumbs = {}

    def key_for(self, label: str) -> str:
        lo, hi = RANGES[label]
        nxt = self.value[label] + 0.5 * self.direction[label]
        if not lo <= nxt <= hi:
            self.direction[label] *= -1
        self.value[label] += 0.5 * self.direction[label]
        return "ArrowRight" if self.direction[label] > 0 else "ArrowLeft"


async def open_session(browser, url: str, s: Session) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    s.page = await context.new_page()
    await s.page.goto(f"{url}/?{s.query}", timeout=180_000)
    await s.page.wait_for_selector("[data-testid=stMetricValue]", timeout=180_000)
    await s.page.wait_for_function(
        "document.querySelector('[data-testid=stApp]').getAttribute('data-test-script-state') === 'notRunning'",
        timeout=180_000)
    await s.page.evaluate(PROBE_JS)
    for label in RANGES:
        s.thumbs[label] = s.page.locator("[data-testid=stSlider]", has_text=label).get_by_role("slider")


async def rerun(s: Session, n: int) -> bool:
    """Press one arrow key on one of the session's sliders and wait for that rerun to finish."""
    label = "Hip rotation" if n % 5 == 4 else "Hip adduction" if n % 7 == 6 else "Hip flexion"
    key = s.key_for(label)
    await s.page.evaluate("() => { const h = window.__hm; h.ran = false; h.done = false; h.armed = true; }")
    await s.thumbs[label].press(key)
    try:
        await s.page.wait_for_function("window.__hm.done", timeout=60_000, polling=20)
        return True
    except Exception:  # noqa: BLE001 - a lost rerun is counted and reported, not fatal
        return False


async def drive(args, url: str, pid: int) -> list[tuple[int, float, float]]:
    from playwright.async_api import async_playwright

    checkpoints = sorted({c for c in (args.first, 100, 250, 500, 750, args.reruns) if c <= args.reruns})
    out = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS)
        try:
            sessions = [Session(i, SESSION_URLS[i % len(SESSION_URLS)]) for i in range(args.sessions)]
            for s in sessions:
                await open_session(browser, url, s)
            print(f"{'after page loads':>22}: RSS {rss_mb(pid):7.1f} MB", flush=True)
            done = lost = 0
            t0 = time.perf_counter()
            while done + lost < args.reruns:
                s = sessions[(done + lost) % len(sessions)]
                if await rerun(s, (done + lost) // len(sessions)):
                    done += 1
                else:
                    lost += 1
                if done + lost in checkpoints:
                    await asyncio.sleep(args.settle)
                    rss = rss_mb(pid)
                    out.append((done + lost, rss, time.perf_counter() - t0))
                    print(f"{done + lost:>14} reruns: RSS {rss:7.1f} MB  ({done} done, {lost} lost, "
                          f"{(done + lost) / (time.perf_counter() - t0):.1f} reruns/s)", flush=True)
        finally:
            await browser.close()
    return out


def machine() -> str:
    import matplotlib
    import streamlit

    try:
        model = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor()
    mem = int(next(line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal"))) / 1024 ** 2
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"# {os.cpu_count()} cpus ({model}), {mem:.0f} GB RAM, load average {load}; python "
            f"{platform.python_version()}, streamlit {streamlit.__version__}, matplotlib {matplotlib.__version__}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reruns", type=int, default=1000)
    ap.add_argument("--first", type=int, default=50, help="the baseline checkpoint (default 50 reruns)")
    ap.add_argument("--sessions", type=int, default=4, help=f"browser sessions taking turns (1..{len(SESSION_URLS)})")
    ap.add_argument("--settle", type=float, default=3.0, help="seconds of quiet before reading RSS")
    ap.add_argument("--option", action="append", default=[], metavar="NAME=VALUE",
                    help="a streamlit config option for the server, e.g. runner.postScriptGC=false")
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"chromium not found at {CHROMIUM}")
    proc, url = start_server(args.option)
    try:
        print(f"# command: {' '.join([Path(sys.executable).name] + sys.argv)}")
        print(machine())
        print(f"# server: `streamlit run app.py` pid {proc.pid} at {url}"
              + (f", options {' '.join(args.option)}" if args.option else "")
              + f"; {args.sessions} browser sessions taking turns; RSS = VmRSS of the server process")
        print(f"{'after start':>22}: RSS {rss_mb(proc.pid):7.1f} MB", flush=True)
        points = asyncio.run(drive(args, url, proc.pid))
        peak = status_kb(proc.pid, "VmHWM") / 1024.0
    finally:
        stop(proc, timeout=15)
    (n0, first, _), (n1, last, _) = points[0], points[-1]
    later = [p for p in points if p[0] >= max(250, n0)]
    print(f"RSS after {n0} reruns: {first:.1f} MB; after {n1} reruns: {last:.1f} MB; "
          f"difference {last - first:+.1f} MB (target within {TARGET_MB:g} MB); peak {peak:.1f} MB")
    if len(later) >= 2:
        print(f"growth from {later[0][0]} to {later[-1][0]} reruns: {later[-1][1] - later[0][1]:+.1f} MB "
              f"({1000 * (later[-1][1] - later[0][1]) / (later[-1][0] - later[0][0]):+.1f} kB per rerun)")
    print("within target" if abs(last - first) <= TARGET_MB else "OVER TARGET")


if __name__ == "__main__":
    main()
