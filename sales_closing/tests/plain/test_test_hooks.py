# Copyright 2026 The sales_closing authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain-Python tests of the test-only pauses: off without the environment
variable, one process per arming, released by a file or by time."""

import os
import threading
import time

from sales_closing.lib import test_hooks


def test_off_without_the_environment_variable(monkeypatch, tmp_path):
    monkeypatch.delenv(test_hooks.ENV_VAR, raising=False)
    (tmp_path / "pack.armed").write_text("5")
    assert not test_hooks.active()
    assert not test_hooks.pause_at("pack")
    assert (tmp_path / "pack.armed").exists(), "an unset variable touches nothing"


def test_not_armed_goes_straight_on(monkeypatch, tmp_path):
    monkeypatch.setenv(test_hooks.ENV_VAR, str(tmp_path))
    assert test_hooks.active()
    start = time.monotonic()
    assert not test_hooks.pause_at("pack")
    assert time.monotonic() - start < 0.5
    assert not list(tmp_path.iterdir())


def test_armed_pauses_once_until_released(tmp_path):
    (tmp_path / "posting.armed").write_text("30")
    paused = []
    thread = threading.Thread(
        target=lambda: paused.append(test_hooks.pause_at("posting", str(tmp_path)))
    )
    thread.start()
    deadline = time.monotonic() + 10
    while not (tmp_path / "posting.reached").exists():
        assert time.monotonic() < deadline, "never reached"
        time.sleep(0.01)
    assert (tmp_path / "posting.reached").read_text() == str(os.getpid())
    # a second process reaching the step meanwhile does not pause
    assert not test_hooks.pause_at("posting", str(tmp_path))
    time.sleep(0.1)
    assert thread.is_alive(), "went on before the release"
    (tmp_path / "posting.release").write_text("go")
    thread.join(timeout=5)
    assert paused == [True]
    assert not (tmp_path / "posting.held").exists()
    assert not (tmp_path / "posting.release").exists()


def test_goes_on_by_itself_after_the_longest_pause(tmp_path):
    (tmp_path / "pack.armed").write_text("0.2")
    start = time.monotonic()
    assert test_hooks.pause_at("pack", str(tmp_path))
    assert 0.2 <= time.monotonic() - start < 5
