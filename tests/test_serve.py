"""serve.py and ui/warm_up.py, the dashboard's launcher: the warm-up fills the pages' caches, a
failed warm-up is only logged, the first run waits for it, and Streamlit is told before its first
run that dashboard.py routes with st.navigation. (The browser tests and benchmarks start the
dashboard through serve.py: tests/e2e, bench/servers.py.)"""

from __future__ import annotations

import logging
import threading

import pytest

import serve
import ui.data
from ui import warm_up


@pytest.fixture
def fresh_caches(tmp_path, monkeypatch):
    monkeypatch.setenv("ANTIFRAUD_DB_URL", f"sqlite:///{tmp_path / 'store.db'}")
    ui.data.clear_data_cache()
    yield
    ui.data.clear_data_cache()


def test_the_warm_up_loads_the_figures_the_first_page_then_reads_from_the_cache(fresh_caches, monkeypatch):
    builds = []
    real = ui.data.build_all_figures
    monkeypatch.setattr(ui.data, "build_all_figures", lambda: builds.append(1) or real())
    warm_up.warm_up()
    assert builds == [1]
    figures = ui.data.load_figures()
    assert builds == [1]  # the page's load found the warm-up's frame
    assert len(figures) == len(real()) > 0


def test_a_failed_warm_up_is_logged_and_leaves_the_loading_to_the_page(fresh_caches, monkeypatch, caplog):
    def broken():
        raise ValueError("datasets unreadable")

    monkeypatch.setattr(ui.data, "build_all_figures", broken)
    with caplog.at_level(logging.WARNING, logger="antifraud.serve"):
        warm_up.warm_up()  # does not raise
    assert "warm-up failed" in caplog.text


def test_no_upload_store_is_created_by_the_warm_up(fresh_caches, tmp_path):
    warm_up.warm_up()
    assert not (tmp_path / "store.db").exists()


def test_the_first_run_waits_for_a_started_warm_up_and_not_for_none(monkeypatch):
    monkeypatch.setattr(warm_up, "_started", threading.Event())
    monkeypatch.setattr(warm_up, "_done", threading.Event())
    warm_up.wait()  # none started: returns at once
    release = threading.Event()
    monkeypatch.setattr(warm_up, "wait_for_the_server", lambda timeout=60.0: None)
    monkeypatch.setattr(warm_up, "warm_up", lambda: release.wait(10))
    thread = warm_up.start()
    waiter = threading.Thread(target=warm_up.wait)
    waiter.start()
    waiter.join(0.2)
    assert waiter.is_alive()  # held while the warm-up runs
    release.set()
    waiter.join(10)
    thread.join(10)
    assert not waiter.is_alive() and warm_up._done.is_set()


def test_streamlit_is_told_the_router_runs_from_the_first_run(monkeypatch):
    from streamlit.runtime.pages_manager import PagesManager

    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)
    serve.use_the_router_from_the_first_run()
    assert PagesManager.uses_pages_directory is False


def test_waiting_for_a_server_that_never_starts_gives_up():
    warm_up.wait_for_the_server(timeout=0.05)  # no Streamlit runtime in this process: returns after the timeout
