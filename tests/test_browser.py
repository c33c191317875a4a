"""A real browser: `streamlit run` on localhost, driven by Playwright with Debian's chromium."""

import os
from pathlib import Path

import pytest

import hipmodel as hm
from conftest import CHROMIUM

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(os.environ.get("HIPMODEL_ARTIFACTS", ROOT / "out"))

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed (.ci/run installs it)")


def metric_value(page, label: str) -> str:
    box = page.locator("[data-testid=stMetric]", has_text=label).first
    return box.locator("[data-testid=stMetricValue]").inner_text().strip()


def expected(flexion: float) -> str:
    m = hm.load_model()
    return f"{float(hm.curves(m, m.muscle('piriformis'), flexion).rotation_moment_arm_mm):+.1f} mm"


def test_slider_moves_the_readout_in_a_real_browser(server, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.goto(server + "/?flexion=30")
    page.wait_for_selector("[data-testid=stMetricValue]", timeout=60_000)
    page.wait_for_function("document.body.innerText.includes('-14.5 mm')", timeout=30_000)
    assert metric_value(page, "rotation moment arm") == expected(30)

    thumb = page.locator("[data-testid=stSlider]", has_text="Hip flexion").get_by_role("slider")
    thumb.focus()
    thumb.press("End")  # to 120 deg
    page.wait_for_function("document.body.innerText.includes('+22.9 mm')", timeout=30_000)
    assert metric_value(page, "rotation moment arm") == expected(120)  # hip_geometry.md: +22.87
    assert metric_value(page, "Action now") == "internal rotator"
    for _ in range(4):  # 2 deg back in 0.5 deg steps
        thumb.press("ArrowLeft")
    page.wait_for_function(f"document.body.innerText.includes('{expected(118)}')", timeout=30_000)
    # the link is written at the end of the run, after the readout: wait for it, do not race it
    page.wait_for_function("location.search.includes('flexion=118')", timeout=30_000)
    page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / "explorer_118deg.png"), full_page=True)
    assert "Traceback" not in page.content()
    page.close()


def test_garbage_url_shows_a_notice_not_a_traceback(server, browser):
    page = browser.new_page()
    page.goto(server + "/?flexion=%3Cscript%3Ealert(1)%3C/script%3E&rotation=1e999&model=nope")
    page.wait_for_selector("[data-testid=stMetricValue]", timeout=60_000)
    text = page.locator("body").inner_text()
    assert "Link corrected" in text and "Traceback" not in text
    assert page.locator("script", has_text="alert(1)").count() == 0
    page.close()


XSS_QUERY = ("?flexion=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&rotation=%3Csvg%20onload%3Dalert(2)%3E"
             "&model=javascript:alert(3)&muscles=%3Ca%20href%3D%22javascript:alert(4)%22%3Ex%3C/a%3E,piriformis"
             "&nerve=%22%3E%3Cscript%3Ealert(5)%3C/script%3E&tab=explorer%3Ciframe%20src%3Djavascript:alert(6)%3E")
NO_HANDLERS_JS = """() => [...document.querySelectorAll('*')].flatMap(e => [...e.attributes]
    .filter(a => /^on/i.test(a.name) || /^\\s*javascript:/i.test(a.value))
    .map(a => e.tagName + ' ' + a.name + '=' + a.value.slice(0, 60)))"""


def test_hostile_link_runs_no_script_dialog_handler_or_javascript_link(server, browser):
    """Not only <script>: a dialog listener catches any alert that runs, and no element may carry an
    on* handler or a javascript: URL (img onerror, svg onload, a href, iframe src)."""
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server + "/" + XSS_QUERY)
    page.wait_for_selector("[data-testid=stMetricValue]", timeout=60_000)
    page.wait_for_function("document.body.innerText.includes('Link corrected')", timeout=30_000)
    page.wait_for_timeout(1500)  # time for an injected handler to fire
    assert dialogs == [], dialogs
    assert page.evaluate(NO_HANDLERS_JS) == []
    assert page.locator("script", has_text="alert").count() == 0
    assert page.locator("iframe[src^='javascript']").count() == 0
    text = page.locator("body").inner_text()
    assert "Traceback" not in text and metric_value(page, "rotation moment arm") == expected(0)
    page.close()


@pytest.mark.parametrize("width", [1400, 1100])
def test_readout_labels_are_whole_in_a_1400_px_window(server, browser, width):
    """'Piriformis: rotation moment arm' was cut to 'Piriformis: rotation moment...' at 1400 px,
    and at 1100 px the values too ('+18.1 ...'): every readout label, value and note shows its
    whole text (it wraps instead)."""
    page = browser.new_page(viewport={"width": width, "height": 1000})
    page.goto(server + "/?flexion=100&view=2d")
    page.wait_for_selector("[data-testid=stMetricLabel]", timeout=60_000)
    page.wait_for_timeout(1000)
    cut = page.evaluate("""() => [...document.querySelectorAll(
            '[data-testid=stMetricLabel] *, [data-testid=stMetricValue] *, [data-testid=stMetricDelta] *')]
        .filter(e => e.innerText && e.scrollWidth > e.clientWidth + 1)  // text wider than its box: cut
        .map(e => e.innerText)""")
    assert not cut, cut
    page.close()
