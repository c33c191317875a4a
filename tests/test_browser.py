"""A real browser: `streamlit run` on localhost, driven by Playwright with Debian's chromium."""

import os
import shutil
from pathlib import Path

import pytest

import hipmodel as hm
from hipmodel.app.server import AppStartError, running_app

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("HIPMODEL_ARTIFACTS", ROOT / "out"))

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed (.ci/run installs it)")
CHROME_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def server():
    try:
        with running_app() as (_, url):
            yield url
    except AppStartError as e:
        pytest.fail(str(e))


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS)
        yield b
        b.close()


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
    assert "flexion=118" in page.url
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
