"""A 390 px wide phone (device scale factor 1) in a real browser: every figure of the explorer is
drawn so that its smallest text is at least 9 px high on screen, and the 3-D view fits the width.

For each <img> the rendered scale is img.clientWidth / img.naturalWidth; the figure's smallest
font (points) is read from the matplotlib Figure the app draws (same function, same sizes), so
its height on screen is points * dpi / 72 * scale. Screenshots go to out/phone*.png.
"""

import os
import shutil
from pathlib import Path

import pytest
from matplotlib.text import Text

import hipmodel as hm
from hipmodel import plots

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("HIPMODEL_ARTIFACTS", ROOT / "out"))
CHROME_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
MIN_PX = 9.0

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed (.ci/run installs it)")


def smallest_font_pt(fig) -> float:
    """The smallest size (points) of any visible, non-empty text in the Figure."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig).draw()  # tick labels exist once drawn
    return min(t.get_fontsize() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip())


@pytest.fixture(scope="module")
def figures():
    """natural width (px) -> (name, smallest font in points, dpi), for the figures the explorer draws."""
    from hipmodel.app import explorer
    from hipmodel.app.cache import FLEXION_GRID

    model = hm.load_model()
    c = hm.curves(model, model.muscle("piriformis"), FLEXION_GRID)
    series = {"Piriformis": {"rotation_moment_arm_mm": c.rotation_moment_arm_mm, "length_mm": c.length_mm,
                             "adduction_moment_arm_mm": c.adduction_moment_arm_mm,
                             "flexion_moment_arm_mm": c.flexion_moment_arm_mm}}
    curve = plots.moment_arm_figure(FLEXION_GRID, series, 57.0, {"Piriformis": [57.19]}, True, True, True,
                                    title="t", width_in=explorer.CURVE_WIDTH_IN)
    anatomy = plots.anatomy_figure(model, ["piriformis"], 57.0, layout="main", width_in=explorer.ANATOMY_WIDTH_IN,
                                   nerve_type="A")
    dpi = explorer.FIGURE_DPI
    return {round(fig.get_figwidth() * dpi): (name, smallest_font_pt(fig), dpi)
            for name, fig in (("curve", curve), ("2-D anatomy", anatomy))}


@pytest.fixture(scope="module")
def phone():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS)
        ctx = b.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True)
        yield ctx
        b.close()


def explorer_images(page, count: int) -> list[dict]:
    """The explorer's pictures once loaded: natural and rendered widths."""
    page.wait_for_selector("[data-testid=stMetricValue]", timeout=90_000)
    page.wait_for_function(
        f"[...document.querySelectorAll('[data-testid=stMain] img')].filter(i => i.complete && i.naturalWidth > 0)"
        f".length >= {count}", timeout=90_000)
    page.wait_for_timeout(1500)  # the last rerun settles
    return page.evaluate("""[...document.querySelectorAll('[data-testid=stMain] img')].map(i => ({
        natural: i.naturalWidth, shown: i.clientWidth, top: i.getBoundingClientRect().top}))""")


def check_images(images, figures, report):
    seen = []
    for img in images:
        name, pt, dpi = min(figures.items(), key=lambda kv: abs(kv[0] - img["natural"]))[1]
        assert abs(img["natural"] - round(min(figures, key=lambda w: abs(w - img["natural"])))) <= 1
        scale = img["shown"] / img["natural"]
        px = pt * dpi / 72 * scale
        report.append(f"{name}: {img['natural']} px drawn, {img['shown']} px shown, smallest text {pt:g} pt "
                      f"-> {px:.1f} px")
        assert img["shown"] <= PHONE["width"], f"{name} wider than the phone"
        assert px >= MIN_PX, report[-1]
        seen.append(name)
    return seen


@pytest.mark.parametrize("view", ["3d", "2d"])
def test_every_figure_is_readable_on_a_390px_phone(server, phone, figures, view):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = phone.new_page()
    # every panel of the curve on (the tallest curve), the nerve on the view from behind
    page.goto(server + f"/?flexion=57&view={view}")
    images = explorer_images(page, 2 if view == "2d" else 1)
    report = []
    seen = check_images(images, figures, report)
    assert "curve" in seen and ("2-D anatomy" in seen) == (view == "2d")
    if view == "3d":  # plotly: drawn by the browser, fits the phone's width
        page.wait_for_selector("[data-testid=stPlotlyChart] .main-svg", timeout=60_000)
        width = page.evaluate("document.querySelector('[data-testid=stPlotlyChart]').getBoundingClientRect().width")
        # its texts (plotly's svg; hipmodel/plots/hip3d.py): reported, not checked here
        sizes = page.evaluate("""[...document.querySelectorAll('[data-testid=stPlotlyChart] svg text')]
            .filter(t => t.textContent.trim() && t.getBoundingClientRect().height > 0)
            .map(t => parseFloat(getComputedStyle(t).fontSize))""")
        report.append(f"3-D view: {width:.0f} px wide, texts {min(sizes):g}-{max(sizes):g} px")
        assert 300 <= width <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    # the figures as the phone shows them, then the whole page (Streamlit scrolls an inner
    # container, so a full-page screenshot needs a viewport as tall as the content)
    for i, img in enumerate(page.locator("[data-testid=stMain] img").all()):
        img.screenshot(path=str(ARTIFACTS / f"phone_{view}_figure{i}.png"))
    tall = page.evaluate("Math.max(...[...document.querySelectorAll('[data-testid=stMain], "
                         "[data-testid=stMainBlockContainer]')].map(e => e.scrollHeight))")
    page.set_viewport_size({"width": PHONE["width"], "height": int(tall) + 100})
    page.wait_for_timeout(1000)
    page.screenshot(path=str(ARTIFACTS / f"phone_{view}.png"), full_page=True)
    print("\n".join([f"phone, view={view}:"] + report))
    assert "Traceback" not in page.content()
    page.close()
