"""Many students at once: slider-to-readout latency and reruns per second of one server.

N real browser sessions (headless chromium; one browser, one context each, so each is its own
Streamlit session with its own cookies) open the explorer at different flexions and move the
flexion slider with the keyboard, all at the same time, each waiting for its readout before the
next key press (no think time: the worst case of a class all dragging at once). The latency is
measured in the page: from the keydown event to the moment the "rotation moment arm" metric
shows the value the model gives for the new angle (a MutationObserver; performance.now()).

Prints, per N: p50 / p95 / max latency to the readout, p50 / p95 to the end of the rerun (all
pictures and the other tab sent), the reruns per second the server sustained (moves / wall
time), and, when this script started the server, its CPU time per rerun and its CPU use (in
CPUs; one Python process cannot use much more than 1.0 because of the GIL), plus the CPU the
browsers took. 1000 ms / (server CPU per rerun) is what one process can sustain on a core of
its own; the reruns/s column is what it did sustain here, sharing the machine with the browsers.

    python benchmarks/bench_load.py                       # starts its own `streamlit run app.py`
    python benchmarks/bench_load.py --sessions 1,5,20 --moves 20
    python benchmarks/bench_load.py --server http://127.0.0.1:8500   # e.g. scripts/serve_many.sh 4
    python benchmarks/bench_load.py --vary-rotation       # each student at a different hip rotation

The browsers run on the same machine as the server, so with few CPUs they take CPU from it:
the figures are an upper bound on what a server alone would show.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
import hipmodel as hm
from hipmodel.app.server import AppStartError, start_app, stop, wait_healthy

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROME_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]
WARMUP_MOVES = 2  # per session, not counted: the first moves fill the caches for its pose

# Installed in every page: keydown starts the clock (once per measurement); t1 is when the
# moment-arm metric first shows the wanted text, t2 when the whole rerun has finished (Streamlit's
# script state is notRunning once the new readout is there: pictures and the other tab included).
PROBE_JS = """() => {
    const read = () => {
        const box = [...document.querySelectorAll('[data-testid=stMetric]')]
            .find(e => e.innerText.includes('rotation moment arm'));
        const v = box && box.querySelector('[data-testid=stMetricValue]');
        return v ? v.innerText.trim() : null;
    };
    const state = () => document.querySelector('[data-testid=stApp]').getAttribute('data-test-script-state');
    const h = window.__hm = {t0: null, t1: null, t2: null, ran: false, want: null, read};
    document.addEventListener('keydown', () => { if (h.t0 === null) h.t0 = performance.now(); }, true);
    new MutationObserver((records) => {
        if (h.want === null || h.t0 === null) return;
        const now = performance.now(), s = state();
        if (records.some(r => r.attributeName === 'data-test-script-state')) h.ran = true;
        if (h.t1 === null && read() === h.want) h.t1 = now;
        // the new readout means the rerun has started; it is over when the state says notRunning
        // (React may fold running -> notRunning into one render, so 'running' is not always seen)
        if (h.t1 !== null && h.t2 === null && s === 'notRunning') h.t2 = now;
    }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                               attributeFilter: ['data-test-script-state']});
}"""


def readout(flexion: float, rotation: float) -> str:
    model = hm.load_model("gait2392")
    value = float(hm.curves(model, model.muscle("piriformis"), flexion, 0.0, rotation).rotation_moment_arm_mm)
    return f"{value:+.1f} mm"


def start_server(options=()) -> tuple[subprocess.Popen, str]:
    """`streamlit run app.py` on a free port, healthy; ``options`` are extra "name=value" config options."""
    try:
        return start_app(["server.fileWatcherType=none", *options])
    except (AppStartError, ValueError) as e:
        raise SystemExit(str(e)) from None


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, seconds (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def browsers_cpu_seconds() -> float:
    """CPU time of every chromium process on the machine (the headless browsers driving the load)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        if "chrom" in name:
            fields = text.rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


class Student:
    def __init__(self, index: int, n: int, vary_rotation: bool):
        self.index = index
        self.flexion = -10.0 + 0.5 * ((index * 37) % 240)  # spread over -10..110
        self.rotation = -30.0 + 5.0 * (index % 13) if vary_rotation else 0.0
        self.direction = 1
        self.drifted = False  # the page left its model (seen under load; reported, then the session stops)
        self.latencies_ms: list[float] = []  # key press -> readout shows the new value
        self.done_ms: list[float] = []  # key press -> the whole rerun has finished



async def open_student(browser, url: str, s: Student):
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    await page.goto(f"{url}/?flexion={s.flexion:g}&rotation={s.rotation:g}", timeout=180_000)
    await page.evaluate(PROBE_JS)
    want = readout(s.flexion, s.rotation)
    await page.wait_for_function(f"window.__hm.read() === '{want}'", timeout=180_000)
    thumb = page.locator("[data-testid=stSlider]", has_text="Hip flexion").get_by_role("slider")
    await thumb.focus()
    return context, page, thumb


async def move(page, thumb, s: Student) -> tuple[float, float] | None:
    """One slider move whose readout differs from the current one.

    Returns (key press -> readout, key press -> rerun finished) in ms, or None if the page did
    not get there within a minute (then the session's angle is read back from the slider).
    """
    current = readout(s.flexion, s.rotation)
    keys, target = 0, s.flexion
    while True:  # a 0.5 deg step can leave the 0.1 mm readout unchanged: then press on
        keys += 1
        target = s.flexion + 0.5 * s.direction * keys
        if not -20.0 <= target <= 120.0:
            s.direction = -s.direction
            keys, target = 0, s.flexion
            continue
        if readout(target, s.rotation) != current:
            break
    want = readout(target, s.rotation)
    await page.evaluate(f"() => {{ const h = window.__hm; h.t0 = h.t1 = h.t2 = null; h.ran = false; h.want = '{want}'; }}")
    key = "ArrowRight" if s.direction > 0 else "ArrowLeft"
    for _ in range(keys):
        await thumb.press(key)
    try:
        await page.wait_for_function("window.__hm.t2 !== null", timeout=60_000, polling=20)
    except Exception:  # noqa: BLE001 - reported as lost, with what the page showed
        seen = await page.evaluate("[window.__hm.read(), window.__hm.t1, window.__hm.ran, "
                                   "document.querySelector('[data-testid=stApp]').getAttribute('data-test-script-state')]")
        slider = float(await thumb.input_value())
        others = [await page.locator("[data-testid=stSlider]", has_text=label).get_by_role("slider").input_value()
                  for label in ("Hip rotation", "Hip adduction")]
        print(f"#   lost: session {s.index} wanted {want} at {target:g} deg ({keys} x {key}); page shows {seen[0]} "
              f"(readout seen: {seen[1] is not None}, state change seen: {seen[2]}, state {seen[3]}), sliders "
              f"flexion {slider:g} rotation {others[0]} adduction {others[1]}, {page.url.split('?')[-1]}",
              file=sys.stderr, flush=True)
        s.flexion = slider
        if "model=gait2392&" not in page.url:
            s.drifted = True  # the session is no longer on its model: its further moves would all be lost
        return None
    s.flexion = target
    return tuple(await page.evaluate("[window.__hm.t1 - window.__hm.t0, window.__hm.t2 - window.__hm.t0]"))


async def run_level(browser, url: str, n: int, moves: int, vary_rotation: bool, server_pid: int | None) -> dict:
    students = [Student(i, n, vary_rotation) for i in range(n)]
    opened = await asyncio.gather(*(open_student(browser, url, s) for s in students))
    for (_, page, thumb), s in zip(opened, students):  # warm-up, one session at a time
        for _ in range(WARMUP_MOVES):
            await move(page, thumb, s)
    for s in students:
        s.lost = 0
    cpu0 = cpu_seconds(server_pid) if server_pid else None
    browsers0 = browsers_cpu_seconds()
    t0 = time.perf_counter()

    async def drive(page, thumb, s: Student):
        for _ in range(moves):
            if s.drifted:
                break
            timing = await move(page, thumb, s)
            if timing is None:
                s.lost += 1
                continue
            s.latencies_ms.append(timing[0])
            s.done_ms.append(timing[1])

    await asyncio.gather(*(drive(page, thumb, s) for (_, page, thumb), s in zip(opened, students)))
    wall = time.perf_counter() - t0
    cpu = cpu_seconds(server_pid) - cpu0 if server_pid else None
    browsers = browsers_cpu_seconds() - browsers0
    # every page still shows its own model and pose (a session that lost either is a bug to report)
    drifted = [s.index for (_, page, _), s in zip(opened, students)
               if s.drifted or f"flexion={s.flexion:g}&" not in page.url or "model=gait2392&" not in page.url]
    if drifted:
        print(f"#   sessions whose URL no longer shows their model and pose: {drifted}", file=sys.stderr, flush=True)
    for context, _, _ in opened:
        await context.close()
    lat = sorted(x for s in students for x in s.latencies_ms)
    whole = sorted(x for s in students for x in s.done_ms)
    done = len(lat)
    lost = sum(s.lost for s in students)
    p95 = min(done - 1, int(round(0.95 * (done - 1))))
    return {"n": n, "moves": done, "lost": lost, "drifted": len(drifted), "p50": statistics.median(lat),
            "p95": lat[p95], "max": lat[-1],
            "done_p50": statistics.median(whole), "done_p95": whole[p95], "rps": (done + lost) / wall,
            "cpu_ms": 1000 * cpu / (done + lost) if cpu is not None else None,
            "cpu_share": cpu / wall if cpu is not None else None, "browsers_share": browsers / wall}


async def main_async(args, url: str, server_pid: int | None) -> list[dict]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS)
        try:
            out = []
            for n in args.sessions:
                row = await run_level(browser, url, n, args.moves, args.vary_rotation, server_pid)
                out.append(row)
                print(format_row(row), flush=True)
            return out
        finally:
            await browser.close()


HEADER = (f"{'':>21}{'readout updated':^24}{'rerun finished':^17}{'':>10}{'server CPU':^18}{'browsers':>10}\n"
          f"{'sessions':>8} {'moves':>6} {'lost':>4} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}  {'p50 ms':>7} {'p95 ms':>7} "
          f"{'reruns/s':>9} {'per rerun':>9} {'use':>8} {'CPU use':>9}")


def format_row(r: dict) -> str:
    cpu = f"{r['cpu_ms']:.0f} ms" if r["cpu_ms"] is not None else "-"
    share = f"{r['cpu_share']:.2f} cpu" if r["cpu_share"] is not None else "-"
    return (f"{r['n']:>8} {r['moves']:>6} {r['lost']:>4} {r['p50']:>7.0f} {r['p95']:>7.0f} {r['max']:>7.0f}  "
            f"{r['done_p50']:>7.0f} {r['done_p95']:>7.0f} {r['rps']:>9.1f} {cpu:>9} {share:>8} "
            f"{r['browsers_share']:>5.2f} cpu" + (f"  ({r['drifted']} sessions left their model)" if r["drifted"] else ""))


def machine() -> str:
    import matplotlib
    import streamlit

    try:
        model = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"# {platform.node()}: {os.cpu_count()} cpus ({model}), load average {load}; python "
            f"{platform.python_version()}, streamlit {streamlit.__version__}, matplotlib {matplotlib.__version__}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", default="1,5,20", help="comma-separated session counts (default 1,5,20)")
    ap.add_argument("--moves", type=int, default=20, help="measured slider moves per session (default 20)")
    ap.add_argument("--server", help="URL of a running server (e.g. nginx from scripts/serve_many.sh); "
                                     "default: start `streamlit run app.py` here")
    ap.add_argument("--vary-rotation", action="store_true", help="each session at a different hip rotation")
    ap.add_argument("--option", action="append", default=[], metavar="NAME=VALUE",
                    help="a streamlit config option for the server started here, e.g. runner.postScriptGC=false")
    args = ap.parse_args()
    args.sessions = [int(x) for x in args.sessions.split(",") if x.strip()]
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"chromium not found at {CHROMIUM}")
    proc = None
    if args.server:
        url = args.server.rstrip("/")
        try:
            wait_healthy(url, timeout=15)
        except AppStartError as e:
            raise SystemExit(str(e)) from None
    else:
        proc, url = start_server(args.option)
    try:
        print(f"# command: {' '.join([Path(sys.executable).name] + sys.argv)}")
        print(machine())
        print(f"# server: {url}" + (f" (pid {proc.pid}, started here)" if proc else " (external)")
              + f"; {args.moves} measured moves per session after {WARMUP_MOVES} warm-up moves; "
              + ("rotation varies per session" if args.vary_rotation else "all sessions at rotation 0, adduction 0")
              + (f"; server options: {' '.join(args.option)}" if args.option else ""))
        print(HEADER, flush=True)
        asyncio.run(main_async(args, url, proc.pid if proc else None))
    finally:
        if proc:
            stop(proc, timeout=15)


if __name__ == "__main__":
    main()
