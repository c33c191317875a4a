"""The live 3-D hip: build time, size, frames per second while dragging, server CPU meanwhile.

    python benchmarks/bench_3d.py [--sessions 20] [--seconds 10]

Prints:
* the time to compute the 71 flexion frames and to build the figure (one model, three muscles),
  and the figure's JSON size;
* frames per second while the flexion slider is dragged in headless chromium (software WebGL,
  no GPU): the time plotly.js takes to swap to each frame in turn, as dragging does;
* the server's CPU time per second while N browser sessions drag the 3-D slider at once (it
  should be near zero: dragging runs no rerun), beside the CPU one rerun costs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

import hipmodel as hm
from hipmodel.app.server import running_app
from hipmodel.plots.hip3d import hip3d_frames, hip3d_html, hip3d_spec, spec_at

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
MUSCLES = ["piriformis", "gemelli", "quadratus_femoris"]
FPS_JS = """async () => {
    const gd = document.querySelector('.js-plotly-plot');
    const names = gd._transitionData._frames.map(f => f.name);
    const opts = {mode: 'immediate', frame: {duration: 0, redraw: true}, transition: {duration: 0}};
    await Plotly.animate(gd, [names[0]], opts);
    const t0 = performance.now();
    for (const n of names) { await Plotly.animate(gd, [n], opts); }
    return {frames: names.length, ms: performance.now() - t0};
}"""


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def build_figures() -> None:
    m = hm.load_model("gait2392")
    t0 = time.perf_counter()
    fr = hip3d_frames(m, MUSCLES)
    t1 = time.perf_counter()
    spec = hip3d_spec(m, MUSCLES, frames=fr, arrangement="tall")
    t2 = time.perf_counter()
    size = len(json.dumps(spec_at(spec, 30.0)))
    t3 = time.perf_counter()
    print(f"frames computed: {1000 * (t1 - t0):.1f} ms; figure built: {1000 * (t2 - t1):.1f} ms; "
          f"JSON {size / 1e6:.2f} MB written in {1000 * (t3 - t2):.1f} ms "
          f"({len(spec['frames'])} frames, Gait2392, {', '.join(MUSCLES)})")


def fps(browser) -> None:
    m = hm.load_model("gait2392")
    with tempfile.TemporaryDirectory() as tmp:
        page_file = Path(tmp) / "hip.html"
        page_file.write_text(hip3d_html(hip3d_spec(m, MUSCLES)))
        page = browser.new_page(viewport={"width": 1300, "height": 800})
        page.goto(page_file.as_uri())
        page.wait_for_selector(".slider-grip-rect", timeout=60_000)
        runs = [page.evaluate(FPS_JS) for _ in range(3)]
        best = max(r["frames"] / r["ms"] * 1000 for r in runs)
        print(f"dragging in headless chromium (software WebGL): {best:.0f} frames per second "
              f"(best of 3 sweeps of {runs[0]['frames']} frames; median sweep "
              f"{sorted(r['ms'] for r in runs)[1]:.0f} ms)")
        page.close()


def server_cpu(browser, sessions: int, seconds: float) -> None:
    with running_app(["server.fileWatcherType=none"]) as (proc, url):
        pages = []
        for _ in range(sessions):
            page = browser.new_context(viewport={"width": 1500, "height": 1200}).new_page()
            page.goto(url + "/?flexion=20", timeout=180_000)
            pages.append(page)
        for page in pages:
            page.wait_for_selector(".slider-grip-rect", timeout=180_000)
        time.sleep(2.0)
        c0, t0 = cpu_seconds(proc.pid), time.perf_counter()
        moves = 0
        while time.perf_counter() - t0 < seconds:
            for page in pages:  # each session drags its slider one step
                page.evaluate("""() => { const gd = document.querySelector('.js-plotly-plot');
                    const n = gd._transitionData._frames.map(f => f.name);
                    Plotly.animate(gd, [n[Math.floor(Math.random() * n.length)]],
                      {mode: 'immediate', frame: {duration: 0, redraw: true}, transition: {duration: 0}}); }""")
                moves += 1
        wall = time.perf_counter() - t0
        used = cpu_seconds(proc.pid) - c0
        print(f"{sessions} sessions dragging the 3-D slider for {wall:.0f} s ({moves} frame changes): server CPU "
              f"{1000 * used / wall:.1f} ms per second, {1000 * used / max(moves, 1):.2f} ms per frame change "
              f"(a slider rerun costs the server tens of ms: benchmarks/bench_load.py)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=10.0)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    print(f"# python {platform.python_version()}, {os.cpu_count()} cpus; command: python benchmarks/bench_3d.py "
          f"--sessions {args.sessions} --seconds {args.seconds:g}")
    build_figures()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                                                    "--disable-background-networking"])
        fps(browser)
        server_cpu(browser, args.sessions, args.seconds)
        browser.close()


if __name__ == "__main__":
    main()
