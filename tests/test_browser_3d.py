"""The 3-D hip in a real browser (Debian's chromium): its slider plays flexion with no server.

* In the app: dragging the 3-D figure's own slider across the switch angle changes the value
  and action written in the figure to the model's at each angle, and the browser sends the
  server nothing meanwhile (no rerun is asked for: no websocket message leaves the page).
* The downloaded HTML, opened from disk with every network request blocked, draws, and its
  slider moves the hip the same way.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import hipmodel as hm
from hipmodel.app.server import AppStartError, running_app
from conftest import CHROMIUM, run_cli

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed (.ci/run)")
ARTIFACTS = Path(__file__).resolve().parent.parent / "out"
TITLE = re.compile(r"Flexion (-?\d+)\u00b0.*?Piriformis: ([+-]\d+\.\d) mm, ([a-z ]+)")


def expected(flexion: float) -> tuple[str, str]:
    m = hm.load_model()
    ma = float(hm.moment_arms_m(m, m.muscle("piriformis"), flexion)[2]) * 1000
    word = "almost no rotation lever" if abs(ma) < 1 else "internal rotator" if ma > 0 else "external rotator"
    return f"{ma:+.1f}", word


def drag_across(page, fractions, frame=None):
    """Drag the plotly slider's grip to each fraction of its rail; the titles read after each stop."""
    root = frame or page
    rail = root.locator(".slider-rail-rect").first.bounding_box()
    grip = root.locator(".slider-grip-rect").first.bounding_box()
    page.mouse.move(grip["x"] + grip["width"] / 2, grip["y"] + grip["height"] / 2)
    page.mouse.down()
    seen = []
    for frac in fractions:
        page.mouse.move(rail["x"] + frac * rail["width"], rail["y"] + rail["height"] / 2, steps=4)
        page.wait_for_timeout(250)
        seen.append(root.locator(".gtitle").first.text_content())
    page.mouse.up()
    return seen


def check_titles(titles):
    angles = []
    for t in titles:
        m = TITLE.search(t)
        assert m, t
        f = float(m.group(1))
        assert (m.group(2), m.group(3).strip()) == expected(f), (t, expected(f))
        angles.append(f)
    # the drag crossed the switch (57.2 deg): the action changed sides on the way
    assert min(angles) < 57.2 < max(angles), angles
    return angles


def test_the_downloaded_html_works_offline(browser, tmp_path):
    out = tmp_path / "hip.html"
    run_cli("figure3d", "--out", out, check=True)
    page = browser.new_page(viewport={"width": 1300, "height": 800})
    blocked = []

    def only_the_file(route):
        if route.request.url.startswith("file:"):
            return route.continue_()
        blocked.append(route.request.url)
        return route.abort()

    page.route("**/*", only_the_file)
    page.goto(out.as_uri())
    page.wait_for_selector(".slider-grip-rect", timeout=30_000)
    assert page.locator("canvas").count() >= 1  # the WebGL scene is drawn
    check_titles(drag_across(page, (0.2, 0.45, 0.65, 0.9)))
    assert not blocked, blocked  # it needed nothing from the network
    # the toolbar (shown while the mouse is over the figure) keeps clear of the title's lines
    page.set_viewport_size({"width": 520, "height": 1000})  # as narrow as the explorer's column
    page.mouse.move(200, 300)
    page.wait_for_timeout(300)
    bar = page.locator(".modebar").bounding_box()
    assert bar and page.locator(".modebar-btn").count() <= 3
    for line in page.locator(".gtitle tspan, .g-gtitle tspan").all():
        box = line.bounding_box()
        if box:
            apart = box["x"] + box["width"] <= bar["x"] or bar["y"] + bar["height"] <= box["y"] or box["y"] + box["height"] <= bar["y"]
            assert apart, (line.inner_text(), box, bar)
    page.close()


def test_dragging_the_3d_slider_in_the_app_asks_the_server_for_nothing(browser):
    try:
        ctx = running_app(["server.fileWatcherType=none"])
        proc, url = ctx.__enter__()
    except AppStartError as e:
        pytest.fail(f"the app did not start: {e}")
    try:
        page = browser.new_page(viewport={"width": 1500, "height": 1200})
        sent = []
        page.on("websocket", lambda ws: ws.on("framesent", lambda payload: sent.append(payload)))
        page.goto(url + "/?flexion=20")
        page.wait_for_selector(".slider-grip-rect", timeout=90_000)
        page.wait_for_function("document.body.innerText.includes('-19.7 mm')", timeout=60_000)  # readout at 20
        page.wait_for_timeout(1500)  # the first run is over and its messages are sent
        before = len(sent)
        page.locator(".slider-grip-rect").first.scroll_into_view_if_needed()
        titles = drag_across(page, (0.45, 0.55, 0.62, 0.7, 0.85))
        page.wait_for_timeout(500)
        assert len(sent) == before, f"{len(sent) - before} messages sent to the server while dragging"
        check_titles(titles)
        # the sidebar and its readout stayed where they were (the figure's slider is its own)
        assert "flexion=20" in page.url
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "explorer_3d_dragged.png"))
        page.close()
    finally:
        ctx.__exit__(None, None, None)
