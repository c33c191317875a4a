"""A whole class at once: many sessions moving sliders at the same time each see their own numbers.

Streamlit runs every session's rerun in a thread of one process, so anything the app or the
library keeps between reruns (``st.cache_data``, the figure LRU with its per-entry locks, the
model cache) is shared by every student. These tests run sessions truly concurrently and check
each one against the model, so a number, a slider value or a picture leaking from one session
into another fails them.

* 20 ``AppTest`` sessions in threads, each with its own sequence of poses, released together
  at every step by a barrier: each checks its readout against ``hipmodel.curves``, its sliders
  and URL against its own pose, and its figures byte for byte against a lone render.
* 5 real browser contexts (one chromium, one ``streamlit run`` server) moving the flexion
  slider with the keyboard at the same time, each reading its own readout.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import threading
from pathlib import Path
from unittest.mock import MagicMock

import pytest
from streamlit.testing.v1 import AppTest

import hipmodel as hm
from conftest import CHROME_ARGS, CHROMIUM
from hipmodel import plots
from hipmodel.app import explorer

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
SESSIONS = 20
STEPS = 5
MOMENT_ARM_LABEL = "Piriformis: rotation moment arm"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ROTATIONS = (-30.0, -15.0, 0.0, 15.0, 30.0)
ADDUCTIONS = (-10.0, 0.0, 10.0)


def expected_moment_arm(flexion: float, adduction: float = 0.0, rotation: float = 0.0) -> str:
    """The readout as the app formats it, computed straight from the model."""
    model = hm.load_model("gait2392")
    value = float(hm.curves(model, model.muscle("piriformis"), flexion, adduction, rotation).rotation_moment_arm_mm)
    return f"{value:+.1f} mm"


def poses_of(session: int) -> list[tuple[float, float, float]]:
    """Session ``session``'s (flexion, adduction, rotation) at each step, all on the 0.5 deg slider grid.

    Flexion differs between sessions at every step; rotation and adduction change part-way
    for some sessions, so those sliders (and the caches keyed on them) are exercised too.
    """
    out = []
    for step in range(STEPS):
        flexion = -20.0 + 0.5 * ((session * 13 + step * 59) % 281)
        rotation = ROTATIONS[(session + (step >= 2) * (session % 2)) % len(ROTATIONS)]
        adduction = ADDUCTIONS[(session + (step >= 3) * (session % 3)) % len(ADDUCTIONS)]
        out.append((flexion, adduction, rotation))
    return out


def metric(at: AppTest, label_start: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label_start))


def test_pose_sequences_tell_the_sessions_apart():
    """Test design: at every step no two sessions share a pose, so a swapped session shows."""
    for step in range(STEPS):
        poses = [poses_of(s)[step] for s in range(SESSIONS)]
        assert len(set(poses)) == SESSIONS
        assert len({p[0] for p in poses}) == SESSIONS, "flexion alone differs"
    assert any(poses_of(s)[0][2] != poses_of(s)[-1][2] for s in range(SESSIONS)), "rotation moves"
    assert any(poses_of(s)[0][1] != poses_of(s)[-1][1] for s in range(SESSIONS)), "adduction moves"


# ----------------------------------------------------------------------------- AppTest sessions in threads
class RecordingMediaFileManager:
    """Streamlit's in-memory media manager that also keeps every file it was given, by URL.

    The server drops a session's files once the next rerun replaces them; the test keeps
    them to compare each session's pictures after all the sessions have finished.
    """

    def __init__(self):
        from streamlit.runtime.media_file_manager import MediaFileManager
        from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

        self._mgr = MediaFileManager(MemoryMediaFileStorage("/mock/media"))
        self.files: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def add(self, data, mimetype, coordinates, *args, **kwargs):
        url = self._mgr.add(data, mimetype, coordinates, *args, **kwargs)
        if isinstance(data, bytes):
            with self._lock:
                self.files[url] = data
        return url

    def __getattr__(self, name):
        return getattr(self._mgr, name)


@pytest.fixture
def one_runtime():
    """One Runtime shared by every AppTest, as one ``streamlit run`` process has.

    AppTest puts a fresh mock Runtime in the ``Runtime._instance`` class attribute for each
    run and sets it back to None when the run ends, and patches ``config.get_option`` for
    the run: fine one at a time, but concurrent AppTests would pull the Runtime out from
    under each other ("Runtime hasn't been created!") and un-patch the config under each
    other, which are harness artefacts, not app bugs. So ``Runtime.instance()`` answers one
    shared mock for this test, the config is patched once, and both are put back afterwards.

    Likewise AppTest makes a new ScriptCache (compiled app.py) for every run, where the server
    keeps one per process and compiles once under its lock; concurrent compiles go through
    ``ast.parse``, which CPython 3.11.7 does not make thread-safe ("AST constructor recursion
    depth mismatch", CPython gh-106905). So the AppTests share one ScriptCache, as sessions do.
    These are Streamlit 1.67 internals; a newer Streamlit may need this fixture adjusted.
    """
    from streamlit import config
    from streamlit.components.v2.component_manager import BidiComponentManager
    from streamlit.runtime import Runtime
    from streamlit.runtime.caching.storage.dummy_cache_storage import MemoryCacheStorageManager
    from streamlit.runtime.dataframe_source_manager import DataframeSourceManager
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    runtime = MagicMock(spec=Runtime)
    runtime.media_file_mgr = RecordingMediaFileManager()
    runtime.dataframe_source_mgr = DataframeSourceManager()
    runtime.cache_storage_manager = MemoryCacheStorageManager()
    components = BidiComponentManager()
    components.discover_and_register_components(start_file_watching=False)
    runtime.bidi_component_registry = components

    saved = {name: Runtime.__dict__[name] for name in ("instance", "exists")}
    saved_get_option = config.get_option
    one_script_cache = ScriptCache()
    harness = (app_test, local_script_runner)
    saved_script_cache = [module.ScriptCache for module in harness]
    for module in harness:
        module.ScriptCache = lambda: one_script_cache
    Runtime.instance = classmethod(lambda cls: runtime)
    Runtime.exists = classmethod(lambda cls: True)
    # AppTest.run patches config.get_option for "global.appTest" and puts it back when the run
    # ends; a run that ends puts it back under another run still going, whose widgets then go
    # unrecorded (KeyError on the widget id when the test reads them). One patch for the test.
    saved_patch = app_test.patch_config_options
    config.get_option = lambda key, _get=saved_get_option: True if key == "global.appTest" else _get(key)
    app_test.patch_config_options = lambda options: contextlib.nullcontext()
    try:
        yield runtime
    finally:
        app_test.patch_config_options = saved_patch
        for name, value in saved.items():
            setattr(Runtime, name, value)
        Runtime._instance = None
        config.get_option = saved_get_option
        for module, cls in zip(harness, saved_script_cache):
            module.ScriptCache = cls


def valid_png(data: bytes) -> bool:
    from PIL import Image

    if not data.startswith(PNG_SIGNATURE):
        return False
    with Image.open(io.BytesIO(data)) as im:
        im.verify()  # walks every chunk and checks its CRC
    with Image.open(io.BytesIO(data)) as im:
        im.load()  # and decodes the pixels
        return im.size[0] > 100 and im.size[1] > 100


def session_problems(at: AppTest, pose) -> list[str]:
    """What in one session's page does not match its own pose (empty if all is right)."""
    flexion, adduction, rotation = pose
    out = []
    if at.exception:
        out.append(f"exception: {[e.value for e in at.exception]}")
    if at.error:
        out.append(f"error shown: {[e.value for e in at.error]}")
    want = expected_moment_arm(flexion, adduction, rotation)
    got = metric(at, MOMENT_ARM_LABEL)
    if got != want:
        out.append(f"readout {got!r}, expected {want!r}")
    sliders = tuple(at.slider(key=k).value for k in ("flexion", "adduction", "rotation"))
    if sliders != pose:
        out.append(f"sliders {sliders}, expected {pose}")
    url = {k: at.query_params.get(k) for k in ("flexion", "adduction", "rotation")}
    url = {k: v[-1] if isinstance(v, list) else v for k, v in url.items()}
    if url != {"flexion": f"{flexion:g}", "adduction": f"{adduction:g}", "rotation": f"{rotation:g}"}:
        out.append(f"URL {url}, expected {pose}")
    if f"At {flexion:g}\u00b0 flexion" not in at.info[0].value:
        out.append(f"sentence {at.info[0].value[:40]!r} is not about {flexion:g} deg")
    return out


def image_urls(at: AppTest) -> list[str]:
    """The URLs of the page's pictures in page order: curve, anatomy."""
    return [url for im in at.get("image") for url in im.value]


def test_twenty_sessions_moving_sliders_at_once_each_see_their_own_numbers(one_runtime):
    barrier = threading.Barrier(SESSIONS)
    problems: list[str] = []
    seen: dict[tuple[int, int], list[str]] = {}  # (session, step) -> image URLs
    lock = threading.Lock()

    def student(session: int) -> None:
        try:
            poses = poses_of(session)
            at = AppTest.from_file(APP, default_timeout=180)
            f, a, r = poses[0]
            at.query_params.update(flexion=f"{f:g}", adduction=f"{a:g}", rotation=f"{r:g}", view="2d")
            barrier.wait(timeout=300)
            at.run()  # everybody opens the link at once
            for step, pose in enumerate(poses):
                if step:
                    for key, value in zip(("flexion", "adduction", "rotation"), pose):
                        at.slider(key=key).set_value(value)
                    barrier.wait(timeout=300)  # ... and moves a slider at once
                    at.run()
                found = session_problems(at, pose)
                with lock:
                    problems.extend(f"session {session} step {step} {pose}: {p}" for p in found)
                    seen[(session, step)] = image_urls(at)
        except threading.BrokenBarrierError:
            pass  # another session failed first; its error is the one to report
        except BaseException as e:  # noqa: BLE001 - reported by the main thread
            import traceback

            with lock:
                problems.append(f"session {session}: {type(e).__name__}: {e}\n{traceback.format_exc()[-1500:]}")
            barrier.abort()

    threads = [threading.Thread(target=student, args=(s,), name=f"student-{s}") for s in range(SESSIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert not any(t.is_alive() for t in threads), "a session hung"
    assert not problems, "\n".join(problems[:20])
    assert len(seen) == SESSIONS * STEPS

    # Every picture a session was sent is a valid PNG, and the anatomy view is byte for byte the
    # one a lone render of that session's own pose gives (the pose is written in its title).
    media = one_runtime.media_file_mgr.files

    class _Files(dict):  # a picture's bytes by its address: a media file, or a data URI sent inline
        def __missing__(self, url):
            if url.startswith("data:image/png;base64,"):
                import base64

                return base64.b64decode(url.split(",", 1)[1])
            return media[url]

    files = _Files()
    model = hm.load_model("gait2392")
    for (session, step), urls in sorted(seen.items()):
        assert len(urls) == 2, (session, step, urls)  # curve and anatomy: the other tabs do not run
        for url in urls:
            assert valid_png(files[url]), (session, step, url)
        lone = plots.anatomy_png(model, ("piriformis",), *poses_of(session)[step], layout="main",
                                 width_in=explorer.ANATOMY_WIDTH_IN, dpi=explorer.FIGURE_DPI,
                                 nerve_type="A")  # the explorer draws the usual nerve course
        same = files[urls[1]] == lone
        assert same, f"session {session} step {step}: anatomy picture is not its own pose's"

    # The whole last page of each session (curve and anatomy pictures) against a lone
    # session opened at the same pose afterwards.
    for session in range(0, SESSIONS, 4):
        f, a, r = poses_of(session)[-1]
        lone = AppTest.from_file(APP, default_timeout=120)
        lone.query_params.update(flexion=f"{f:g}", adduction=f"{a:g}", rotation=f"{r:g}", view="2d")
        lone.run()
        assert metric(lone, MOMENT_ARM_LABEL) == expected_moment_arm(f, a, r)
        for name, mine, alone in zip(("curve", "anatomy"), seen[(session, STEPS - 1)], image_urls(lone)):
            same = files[mine] == files[alone]
            assert same, f"session {session}: {name} picture differs from a lone session's"


# ----------------------------------------------------------------------------- real browsers
BROWSERS = 5
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed (.ci/run)")

# The value of the metric whose label contains `label`, read in the page.
METRIC_JS = """([label]) => {
    const box = [...document.querySelectorAll('[data-testid=stMetric]')].find(e => e.innerText.includes(label));
    const v = box && box.querySelector('[data-testid=stMetricValue]');
    return v ? v.innerText.trim() : null;
}"""


def browser_plan(i: int) -> tuple[float, float, int]:
    """Context ``i``: (start flexion, rotation, ArrowRight presses); every end pose differs."""
    return 10.0 + 17.5 * i, (-20.0, -5.0, 0.0, 10.0, 25.0)[i % 5], 4 + 3 * i


async def student_in_browser(browser, url: str, i: int) -> dict:
    start, rotation, presses = browser_plan(i)
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = await context.new_page()
        await page.goto(f"{url}/?flexion={start:g}&rotation={rotation:g}&view=2d")
        want = expected_moment_arm(start, 0.0, rotation)
        await page.wait_for_function(f"({METRIC_JS})(['rotation moment arm']) === '{want}'", timeout=90_000)
        thumb = page.locator("[data-testid=stSlider]", has_text="Hip flexion").get_by_role("slider")
        await thumb.focus()
        for _ in range(presses):
            await thumb.press("ArrowRight")
            await asyncio.sleep(0.05)  # a student's key repeat, not a macro
        end = start + 0.5 * presses
        want = expected_moment_arm(end, 0.0, rotation)
        await page.wait_for_function(f"({METRIC_JS})(['rotation moment arm']) === '{want}'", timeout=90_000)
        await page.wait_for_function(f"location.search.includes('flexion={end:g}&')", timeout=30_000)
        return {"context": i, "end": end, "rotation": rotation, "want": want, "page": page, "context_obj": context}
    except BaseException:
        await context.close()
        raise


@needs_chromium
def test_browser_contexts_moving_at_once_each_read_their_own_readout(server):
    from playwright.async_api import async_playwright

    wants = [expected_moment_arm(browser_plan(i)[0] + 0.5 * browser_plan(i)[2], 0.0, browser_plan(i)[1])
             for i in range(BROWSERS)]
    assert len(set(wants)) == BROWSERS, "test design: every context ends on a different readout"

    async def run() -> list[str]:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS)
            try:
                results = await asyncio.gather(*(student_in_browser(browser, server, i) for i in range(BROWSERS)))
                await asyncio.sleep(1.0)  # any late message meant for another session would have landed by now
                problems = []
                for r in results:
                    page = r["page"]
                    got = await page.evaluate(METRIC_JS, ["rotation moment arm"])
                    thumb = page.locator("[data-testid=stSlider]", has_text="Hip flexion").get_by_role("slider")
                    now = float(await thumb.input_value())
                    body = await page.locator("body").inner_text()
                    if got != r["want"] or now != r["end"] or "Traceback" in body or "could not be shown" in body:
                        problems.append(f"context {r['context']}: readout {got!r} at slider {now}, expected "
                                        f"{r['want']!r} at {r['end']} (rotation {r['rotation']})")
                    await r["context_obj"].close()
                return problems
            finally:
                await browser.close()

    problems = asyncio.run(run())
    assert not problems, "\n".join(problems)
