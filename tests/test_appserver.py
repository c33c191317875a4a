"""hipmodel/app/server.py: the local server helper of the browser tests and benchmarks fails fast and says why."""

import time

import pytest

from hipmodel.app.server import AppStartError, start_app, wait_healthy


def test_an_option_without_a_value_is_refused_before_anything_starts():
    with pytest.raises(ValueError, match="section.name=value"):
        start_app(["server.headless"])


@pytest.mark.parametrize("url", ["localhost:1", "ftp://example.org", "http://"])
def test_a_url_that_is_no_server_url_fails_at_once(url):
    t0 = time.monotonic()
    with pytest.raises(AppStartError, match="not a server URL"):
        wait_healthy(url, timeout=30)
    assert time.monotonic() - t0 < 1.0


def test_a_server_that_cannot_start_is_reported_with_its_own_words():
    t0 = time.monotonic()
    with pytest.raises(AppStartError, match=r"(?s)exited with code \d+.*not a valid integer"):
        start_app(["server.port=abc"], timeout=60)
    assert time.monotonic() - t0 < 30  # not the whole timeout
