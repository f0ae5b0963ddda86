"""The shared figures frame (ui/data.py) survives Streamlit's cache clearing (issue 12.10).

Any client can send `clear_cache` (the menu's "Clear cache", or a forged BackMsg); the server then
runs AppSession._handle_clear_cache_request, which clears every st.cache_data/st.cache_resource.
These tests run that very handler and check the frame is the same object afterwards."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import pytest
from streamlit.runtime.app_session import AppSession
from streamlit.runtime.state import SessionState

import ui.data
from loaders.store import Store
from tests.test_store import figure, report_of


@pytest.fixture
def fresh_data(tmp_path, monkeypatch):
    monkeypatch.setenv("ANTIFRAUD_DB_URL", f"sqlite:///{tmp_path / 'store.db'}")
    ui.data.clear_data_cache()
    yield
    ui.data.clear_data_cache()


def clear_cache_as_a_client_would() -> None:
    """What the server does on a `clear_cache` BackMsg from any browser."""
    AppSession._handle_clear_cache_request(SimpleNamespace(_session_state=SessionState()))


def test_the_figures_frame_survives_a_clear_cache_message(fresh_data):
    Store().save_upload(report_of(figure()), b"one", "a.csv", "li")
    figures = ui.data.load_figures()
    derived = ui.data.per_store("test_rows", lambda frame: frame[frame.upload_id != ""])
    assert len(derived) == 1
    clear_cache_as_a_client_would()
    assert ui.data.load_figures() is figures
    assert ui.data.per_store("test_rows", lambda frame: frame[frame.upload_id != ""]) is derived


def test_a_new_store_version_gives_a_new_frame(fresh_data):
    store = Store()
    store.save_upload(report_of(figure()), b"one", "a.csv", "li")
    before = ui.data.load_figures()
    store.save_upload(report_of(figure(region_code="120000")), b"two", "b.csv", "li")
    after = ui.data.load_figures()
    assert after is not before
    assert (after.upload_id != "").sum() == 2 and (before.upload_id != "").sum() == 1


def test_two_sessions_asking_at_once_build_once():
    shared = ui.data.SharedByKey(max_entries=2)
    calls = []

    def build():
        calls.append(1)
        time.sleep(0.2)
        return object()

    results = []
    threads = [threading.Thread(target=lambda: results.append(shared.get("k", build))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and len({id(r) for r in results}) == 1
    shared.get("k2", object)
    shared.get("k3", object)
    assert shared.get("k", object) is not results[0], "only the newest max_entries are kept"
