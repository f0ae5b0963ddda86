"""serve.py, the dashboard's launcher: the warm-up fills the pages' caches, a failed warm-up is only
logged, and Streamlit is told before its first run that dashboard.py routes with st.navigation.
(The browser tests start the dashboard through serve.py: tests/e2e, bench/servers.py.)"""

from __future__ import annotations

import logging

import pytest

import serve
import ui.data


@pytest.fixture
def fresh_caches(tmp_path, monkeypatch):
    monkeypatch.setenv("ANTIFRAUD_DB_URL", f"sqlite:///{tmp_path / 'store.db'}")
    monkeypatch.setattr(serve, "wait_for_the_server", lambda timeout=60.0: None)
    ui.data.clear_data_cache()
    yield
    ui.data.clear_data_cache()


def test_the_warm_up_loads_the_figures_the_first_page_then_reads_from_the_cache(fresh_caches, monkeypatch):
    builds = []
    real = ui.data.build_all_figures
    monkeypatch.setattr(ui.data, "build_all_figures", lambda: builds.append(1) or real())
    serve.warm_up()
    assert builds == [1]
    figures = ui.data.load_figures()
    assert builds == [1]  # the page's load found the warm-up's frame
    assert len(figures) == len(real()) > 0


def test_a_failed_warm_up_is_logged_and_leaves_the_loading_to_the_page(fresh_caches, monkeypatch, caplog):
    def broken():
        raise ValueError("datasets unreadable")

    monkeypatch.setattr(ui.data, "build_all_figures", broken)
    with caplog.at_level(logging.WARNING, logger="antifraud.serve"):
        serve.warm_up()  # does not raise
    assert "warm-up failed" in caplog.text


def test_no_upload_store_is_created_by_the_warm_up(fresh_caches, tmp_path):
    serve.warm_up()
    assert not (tmp_path / "store.db").exists()


def test_streamlit_is_told_the_router_runs_from_the_first_run(monkeypatch):
    from streamlit.runtime.pages_manager import PagesManager

    monkeypatch.setattr(PagesManager, "uses_pages_directory", None)
    serve.use_the_router_from_the_first_run()
    assert PagesManager.uses_pages_directory is False


def test_waiting_for_a_server_that_never_starts_gives_up():
    serve.wait_for_the_server(timeout=0.05)  # no Streamlit runtime in this process: returns after the timeout
