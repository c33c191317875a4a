"""Scale out: scripts/serve_many.sh puts nginx in front of several `streamlit run` processes.

Starts two backends behind nginx, drives three browser sessions through nginx at once (two
pinned to different backends by their sticky cookie, one that gets its cookie from nginx), checks
each one's readout follows its slider and its pictures load (a picture is kept in the memory of
the backend that drew it, so it only loads if the session is sticky), then stops everything with
`serve_many.sh stop` and checks no process is left.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import hipmodel as hm
from conftest import CHROME_ARGS, CHROMIUM

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "serve_many.sh"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
BACKENDS = 2
COOKIE = "hipmodel_backend"

pytestmark = [
    pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx not installed (.ci/run installs it)"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed (.ci/run installs it)"),
    pytest.mark.skipif(not shutil.which("bash"), reason="needs bash"),
]

METRIC_JS = """([label]) => {
    const box = [...document.querySelectorAll('[data-testid=stMetric]')].find(e => e.innerText.includes(label));
    const v = box && box.querySelector('[data-testid=stMetricValue]');
    return v ? v.innerText.trim() : null;
}"""
IMAGE_SRCS_JS = """() => [...document.querySelectorAll('img')].map(i => i.src)"""
IMAGE_STATES_JS = """() => [...document.querySelectorAll('img')].map(i => ({src: i.src.slice(-60),
    complete: i.complete, width: i.naturalWidth, testid: (i.closest('[data-testid]') || {}).dataset?.testid}))"""
IMAGES_LOADED_JS = """() => {
    const imgs = [...document.querySelectorAll('[data-testid=stImage] img, [data-testid=stImageContainer] img, .stImage img')];
    return imgs.length >= 2 && imgs.every(i => i.complete && i.naturalWidth > 0);
}"""


def expected(flexion: float, rotation: float = 0.0) -> str:
    m = hm.load_model("gait2392")
    return f"{float(hm.curves(m, m.muscle('piriformis'), flexion, 0.0, rotation).rotation_moment_arm_mm):+.1f} mm"


def free_ports(n: int) -> int:
    """A base port with it and the next n-1 ports free on 127.0.0.1."""
    rng = random.Random()
    for _ in range(200):
        base = rng.randrange(20000, 60000)
        socks = []
        try:
            for p in range(base, base + n):
                s = socket.socket()
                socks.append(s)
                s.bind(("127.0.0.1", p))
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no free port range")


def get(url: str, cookie: str | None = None):
    req = urllib.request.Request(url, headers={"Cookie": f"{COOKIE}={cookie}"} if cookie else {})
    with urllib.request.urlopen(req, timeout=5) as r:
        return r.status, dict(r.headers.items())


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def alive(pid: int) -> bool:
    """True if the process exists and has not exited (a zombie has)."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            return not any(line.startswith("State:") and "Z" in line.split()[1] for line in fh)
    except OSError:
        return False


@pytest.fixture(scope="module")
def farm(tmp_path_factory):
    port = free_ports(BACKENDS + 1)
    run_dir = tmp_path_factory.mktemp("serve_many")
    env = dict(os.environ, PYTHON=sys.executable, HIPMODEL_BIND="127.0.0.1", HIPMODEL_RUN_DIR=str(run_dir))
    out = open(run_dir / "serve_many.out", "w")
    proc = subprocess.Popen(["bash", str(SCRIPT), str(BACKENDS), str(port)], cwd=ROOT, env=env, stdout=out,
                            stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if "ready:" in (run_dir / "serve_many.out").read_text():
            break
        time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail(f"serve_many.sh did not become ready: {(run_dir / 'serve_many.out').read_text()}")
    pids = {name: int(pid) for pid, name in (line.split() for line in (run_dir / "pids").read_text().splitlines())}
    info = {"port": port, "run_dir": run_dir, "proc": proc, "pids": pids, "env": env}
    yield info
    # whatever the tests did, leave nothing running
    if proc.poll() is None:
        subprocess.run(["bash", str(SCRIPT), "stop", str(port)], env=env, timeout=60, check=False)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    for pid in list(pids.values()) + list(info["pids"].values()):  # and any backend restarted since
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
    out.close()


def test_both_backends_and_nginx_are_up(farm):
    port = farm["port"]
    assert set(farm["pids"]) == {f"backend-{port + i}" for i in range(1, BACKENDS + 1)} | {"nginx"}
    assert all(alive(pid) for pid in farm["pids"].values())
    for i in range(1, BACKENDS + 1):
        assert get(f"http://127.0.0.1:{port + i}/_stcore/health")[0] == 200
    status, headers = get(f"http://127.0.0.1:{port}/_stcore/health")
    assert status == 200
    assert headers.get("Set-Cookie", "").startswith(f"{COOKIE}="), "nginx hands out the sticky cookie"
    cookie = headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    backend = headers["X-Hipmodel-Backend"]
    for _ in range(5):  # the same cookie always reaches the same backend, and is not set again
        status, again = get(f"http://127.0.0.1:{port}/_stcore/health", cookie)
        assert again["X-Hipmodel-Backend"] == backend and "Set-Cookie" not in again


def cookie_per_backend(port: int) -> dict[str, str]:
    """A cookie value that nginx sends to each backend (found by asking; the hash is nginx's)."""
    found: dict[str, str] = {}
    for k in range(200):
        value = f"student{k:03d}"
        backend = get(f"http://127.0.0.1:{port}/_stcore/health", value)[1]["X-Hipmodel-Backend"]
        found.setdefault(backend, value)
        if len(found) == BACKENDS:
            break
    return found


async def session(browser, url: str, cookie: str | None, start: float, rotation: float, presses: int) -> dict:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    if cookie:
        await context.add_cookies([{"name": COOKIE, "value": cookie, "url": url}])
    backends: set[str] = set()
    failed: list[str] = []

    def on_response(response):
        b = response.headers.get("x-hipmodel-backend")
        if b:  # "A, B" when A was tried first (a picture's 404 is retried on the others): the sticky one is A
            backends.add(b.split(",")[0].strip())
        if response.status >= 400:
            failed.append(f"{response.status} {response.url}")

    context.on("response", on_response)
    try:
        page = await context.new_page()
        await page.goto(f"{url}/?flexion={start:g}&rotation={rotation:g}&view=2d")
        await page.wait_for_function(f"({METRIC_JS})(['rotation moment arm']) === '{expected(start, rotation)}'",
                                     timeout=90_000)
        thumb = page.locator("[data-testid=stSlider]", has_text="Hip flexion").get_by_role("slider")
        await thumb.focus()
        for _ in range(presses):
            await thumb.press("ArrowRight")
            await asyncio.sleep(0.05)
        end = start + 0.5 * presses
        await page.wait_for_function(f"({METRIC_JS})(['rotation moment arm']) === '{expected(end, rotation)}'",
                                     timeout=90_000)
        await wait_for_pictures(page, failed, timeout_ms=90_000)  # the 2-D views of 3 sessions on 2 cores
        body = await page.locator("body").inner_text()
        cookies = {c["name"]: c["value"] for c in await context.cookies()}
        return {"readout": await page.evaluate(METRIC_JS, ["rotation moment arm"]), "want": expected(end, rotation),
                "backends": backends, "failed": failed, "cookie": cookies.get(COOKIE),
                "shown": set(await page.evaluate(IMAGE_SRCS_JS)),
                "traceback": "Traceback" in body or "could not be shown" in body}
    finally:
        await context.close()


async def wait_for_pictures(page, failed: list[str], timeout_ms: int) -> None:
    """Wait until every picture on the page has loaded; if one never does, fail with what the
    page shows (each picture's address and state, the failed requests, any error text), so that
    a failure on a CI machine says what went wrong."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    try:
        await page.wait_for_function(IMAGES_LOADED_JS, timeout=timeout_ms)
    except PlaywrightTimeout:
        state = await page.evaluate(IMAGE_STATES_JS)
        text = await page.locator("body").inner_text()
        errors = [line for line in text.splitlines() if "could not" in line or "Error" in line or "Traceback" in line]
        pytest.fail(f"pictures not loaded after {timeout_ms / 1000:.0f} s: images {state}; failed requests "
                    f"{failed}; error lines {errors[:5]}; page starts {text[:300]!r}")


def test_three_browser_sessions_through_nginx_each_work_and_stick_to_one_backend(farm):
    from playwright.async_api import async_playwright

    port = farm["port"]
    url = f"http://127.0.0.1:{port}"
    pinned = cookie_per_backend(port)
    assert len(pinned) == BACKENDS, f"nginx sent every cookie to the same backend: {pinned}"
    plans = [(cookie, 20.0 + 25.0 * i, (-10.0, 5.0, 20.0)[i], 6 + 4 * i)
             for i, cookie in enumerate(list(pinned.values()) + [None])]

    async def run():
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS)
            try:
                return await asyncio.gather(*(session(browser, url, *plan) for plan in plans))
            finally:
                await browser.close()

    results = asyncio.run(run())
    by_cookie = {v: k for k, v in pinned.items()}
    for plan, r in zip(plans, results):
        assert r["readout"] == r["want"], (plan, r)
        assert not r["traceback"], plan
        assert len(r["backends"]) == 1, f"session {plan} was served by {r['backends']}"
        assert not media_failures(r), (plan, r["failed"])
        if plan[0]:
            assert r["backends"] == {by_cookie[plan[0]]}, (plan, r["backends"])
        else:
            assert r["cookie"], "the session without a cookie got one from nginx"
    assert set().union(*(r["backends"] for r in results)) == set(pinned), "both backends served a session"


def media_failures(r: dict) -> list[str]:
    """Failed requests, less the harmless race: a picture of a rerun that a quicker rerun has
    already replaced may be gone when the browser asks for it (Streamlit drops a session's old
    media files). nginx then tries the other backends too, so the answer is the last one's: a 404,
    or a 502 when that one is down (a backend being restarted). A failed picture the page still
    shows is a real failure (as after a failover whose /media/ requests reach a backend that does
    not hold the session)."""
    out = []
    for f in r["failed"]:
        status, url = f.split(" ", 1)
        if status in ("404", "502") and "/media/" in url and url not in r["shown"]:
            continue
        out.append(f)
    return out


def current_pids(farm) -> dict[str, int]:
    return {name: int(pid) for pid, name in
            (line.split() for line in (Path(farm["run_dir"]) / "pids").read_text().splitlines())}


NOTICE = "Reconnected"


def test_a_dead_backend_fails_over_with_notice_numbers_and_pictures_then_restarts(farm):
    """Kill the backend that holds a session: the page continues on the survivor (notice, the
    first slider move kept, numbers and pictures right); serve_many.sh restarts the dead one, and
    after that the same page, and a new session sent to the restarted backend, still work."""
    from playwright.async_api import async_playwright

    port = farm["port"]
    url = f"http://127.0.0.1:{port}"
    pinned = cookie_per_backend(port)
    victim, survivor = sorted(pinned)
    victim_name = f"backend-{victim.rsplit(':', 1)[1]}"
    before = current_pids(farm)[victim_name]
    log: dict = {}

    async def run():
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS)
            context = await browser.new_context(viewport={"width": 1400, "height": 1000})
            await context.add_cookies([{"name": COOKIE, "value": pinned[victim], "url": url}])
            failed, media_from = [], []

            def on_response(response):
                if response.status >= 400:
                    failed.append(f"{response.status} {response.url}")
                elif "/media/" in response.url:  # the backend that answered is the last one tried
                    media_from.append((response.headers.get("x-hipmodel-backend") or "").split(",")[-1].strip())

            context.on("response", on_response)
            page = await context.new_page()
            metric = f"({METRIC_JS})(['rotation moment arm'])"

            async def settle(flexion):
                await page.wait_for_function(f"{metric} === '{expected(flexion, -10.0)}'", timeout=90_000)
                await wait_for_pictures(page, failed, timeout_ms=30_000)
                shown = set(await page.evaluate(IMAGE_SRCS_JS))
                bad = media_failures({"failed": failed, "shown": shown})
                assert not bad, bad
                return await page.locator("body").inner_text()

            await page.goto(f"{url}/?flexion=30&rotation=-10&view=2d")
            body = await settle(30.0)
            assert NOTICE not in body
            os.kill(before, signal.SIGKILL)  # the backend that holds this session
            del media_from[:]
            await asyncio.sleep(1.0)
            thumb = page.locator("[data-testid=stSlider]", has_text="Hip flexion").get_by_role("slider")
            await thumb.focus()
            await thumb.press("ArrowRight")  # the first interaction after the death: must not be lost
            body = await settle(30.5)
            assert NOTICE in body, "a one-line notice says it reconnected"
            assert "Traceback" not in body and "could not be shown" not in body
            log["after_kill"] = set(media_from)
            deadline = time.time() + 90
            while time.time() < deadline:
                now = current_pids(farm).get(victim_name)
                if now and now != before and alive(now):
                    try:
                        if get(f"http://127.0.0.1:{victim.rsplit(':', 1)[1]}/_stcore/health")[0] == 200:
                            break
                    except OSError:
                        pass
                await asyncio.sleep(0.5)
            else:
                pytest.fail("serve_many.sh did not restart the dead backend")
            del media_from[:]
            for _ in range(2):
                await thumb.press("ArrowRight")
                await asyncio.sleep(0.3)
            await settle(31.5)  # the pictures still load: the cookie now points at the restarted backend
            log["after_restart"] = set(media_from)
            await context.close()
            fresh = await session(browser, url, pinned[victim], 40.0, 0.0, 2)  # a new student, the victim's cookie
            await browser.close()
            return fresh

    fresh = asyncio.run(run())
    assert log["after_kill"] <= {survivor} and log["after_restart"] <= {survivor}, log
    assert fresh["readout"] == fresh["want"] and not fresh["traceback"], fresh
    # nginx may still count the restarted backend as failed (max_fails/fail_timeout, 10 s): the new
    # session then starts on the survivor; either way it works and stays on one backend
    assert len(fresh["backends"]) == 1 and not media_failures(fresh), fresh


def test_a_link_too_long_gets_a_readable_page(farm):
    import urllib.error

    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(f"http://127.0.0.1:{farm['port']}/?flexion=" + "9" * 100_000, timeout=10)
    assert e.value.code == 414
    assert "This link is too long" in e.value.read().decode()


def test_stop_ends_every_process_and_frees_the_ports(farm):
    port, proc = farm["port"], farm["proc"]
    farm["pids"] = {**{f"old {k}": v for k, v in farm["pids"].items()}, **current_pids(farm)}
    assert proc.poll() is None, "serve_many.sh stays in the foreground while serving"
    done = subprocess.run(["bash", str(SCRIPT), "stop", str(port)], env=farm["env"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert proc.wait(timeout=20) == 128 + signal.SIGTERM  # the foreground run ends by its TERM trap
    deadline = time.time() + 10
    while time.time() < deadline and any(alive(pid) for pid in farm["pids"].values()):
        time.sleep(0.2)
    assert not [name for name, pid in farm["pids"].items() if alive(pid)], "left running"
    assert not any(port_open(port + i) for i in range(BACKENDS + 1)), "a port is still listening"
    assert not (Path(farm["run_dir"]) / "pids").exists()
    assert not processes_mentioning(str(farm["run_dir"])), "an nginx of this run is left"
    for i in range(1, BACKENDS + 1):
        assert not processes_mentioning(f"--server.port\0{port + i}\0"), f"a streamlit on {port + i} is left"


def processes_mentioning(text: str) -> list[int]:
    """Live processes whose command line (NUL-separated) contains ``text``."""
    out = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text.encode() in cmdline.read_bytes() and alive(int(cmdline.parent.name)):
                out.append(int(cmdline.parent.name))
        except OSError:
            continue
    return out
