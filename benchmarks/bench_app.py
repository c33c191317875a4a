"""Server time for one explorer rerun after a flexion-slider move (Streamlit AppTest).

Prints the median over N moves with every figure of the page rendered (once with the 3-D hip,
the default, drawn by the browser; once with the three 2-D bone views drawn by matplotlib), and
the same for a bare app (one slider, one empty matplotlib Figure): the floor that Streamlit plus matplotlib
set on this machine, and the ratio between the two.

    python benchmarks/bench_app.py [--moves 50]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import textwrap
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BARE = textwrap.dedent('''
    import streamlit as st
    from matplotlib.figure import Figure
    st.slider("x", -20.0, 120.0, 0.0, step=0.5, key="flexion")
    st.pyplot(Figure())
''')


def median_rerun_ms(script: str, moves: int, query: dict | None = None) -> tuple[float, float]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(script, default_timeout=120)
    at.query_params.update(query or {})
    at.run()
    if at.exception:
        raise SystemExit(f"{script}: {at.exception[0].value}")
    times = []
    for i in range(moves):
        value = float(-20 + (i * 37.5) % 140)  # scattered slider positions, all on the 0.5 deg step
        at.slider(key="flexion").set_value(value)
        t = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.9 * (len(times) - 1))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--moves", type=int, default=50)
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    os.chdir(ROOT)
    app_med, app_p90 = median_rerun_ms(str(ROOT / "app.py"), args.moves)  # the 3-D hip (the default)
    flat_med, flat_p90 = median_rerun_ms(str(ROOT / "app.py"), args.moves, {"view": "2d", "nerve": "A"})
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "bare_app.py"
        bare.write_text(BARE)
        bare_med, bare_p90 = median_rerun_ms(str(bare), args.moves)
    import matplotlib
    import streamlit

    print(f"# python {platform.python_version()}, streamlit {streamlit.__version__}, matplotlib "
          f"{matplotlib.__version__}, {os.cpu_count()} cpus; command: python benchmarks/bench_app.py --moves {args.moves}")
    print(f"explorer rerun after a slider move, 3-D view: median {app_med:.0f} ms (p90 {app_p90:.0f} ms) "
          f"over {args.moves} moves")
    print(f"explorer rerun after a slider move, 2-D bone views with the nerve: median {flat_med:.0f} ms "
          f"(p90 {flat_p90:.0f} ms)")
    print(f"bare app (one slider, one empty Figure): median {bare_med:.0f} ms (p90 {bare_p90:.0f} ms)")
    print(f"ratio explorer / bare: {app_med / bare_med:.1f}x (3-D view), {flat_med / bare_med:.1f}x (2-D views)")
    sys.exit(0)


if __name__ == "__main__":
    main()
