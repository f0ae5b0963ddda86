"""The shared figures frame (ui/data.py) survives Streamlit's cache clearing (issue 12.10).

Any client can send `clear_cache` (the menu's "Clear cache", or a forged BackMsg); the server then
runs AppSession._handle_clear_cache_request, which clears every st.cache_data/st.cache_resource.
These tests run that very handler and check the frame is the same object afterwards."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from types import SimpleNamespace

import pandas as pd
import pytest
from streamlit.runtime.app_session import AppSession
from streamlit.runtime.state import SessionState

import ui.data
from loaders.frame import build_all_figures
from loaders.store import Store
from tests.conftest import REPO
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


# ----- the first page after an upload: the change applied to the frame (issue 17) ---------------


@pytest.fixture
def data_on(db_url, monkeypatch):
    """ui.data on a fresh store of either backend, caches empty."""
    monkeypatch.setenv("ANTIFRAUD_DB_URL", db_url)
    ui.data.clear_data_cache()
    yield db_url
    ui.data.clear_data_cache()


def decoded_uploads(monkeypatch) -> list[list[str]]:
    """The upload ids whose blobs each `Store.read_state` call decoded (one list per call)."""
    calls: list[list[str]] = []
    real = Store.read_state

    def spy(self, known=()):
        state = real(self, known)
        calls.append(sorted(state.new))
        return state

    monkeypatch.setattr(Store, "read_state", spy)
    return calls


def assert_as_rebuilt(frame: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(frame, build_all_figures(), check_exact=True)


def save_in_another_process(url: str, region: str, value: float, data: bytes, choice: str = "existing") -> str:
    code = (
        "import sys; from loaders.store import Store; from tests.test_store import figure, report_of; "
        "print(Store(sys.argv[1]).save_upload(report_of(figure(region_code=sys.argv[2], value=float(sys.argv[3]))), "
        "sys.argv[4].encode(), 'x.csv', '另一副本', replace={'*': sys.argv[5]}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, url, region, str(value), data.decode(), choice],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_each_change_is_applied_to_the_frame_and_equals_a_full_rebuild(data_on, monkeypatch):
    """Save, a conflicting save choosing the new figure, a save from another process, remove, restore:
    after each, the next frame decodes only the uploads it has not seen and equals a rebuild."""
    store = Store(data_on)
    decoded = decoded_uploads(monkeypatch)
    first = store.save_upload(report_of(figure(), figure(region_code="120000", figure_id="up-002")), b"1", "a.csv", "li")
    assert_as_rebuilt(ui.data.load_figures())
    second = store.save_upload(report_of(figure(value=999.0)), b"2", "b.csv", "li", replace={"*": "new"})
    frame = ui.data.load_figures()
    assert_as_rebuilt(frame)
    assert 999.0 in frame.value.tolist() and (frame.upload_id == first).sum() == 1  # one of first's two hidden
    third = save_in_another_process(data_on, "310000", 7.0, b"3")
    frame = ui.data.load_figures()
    assert_as_rebuilt(frame)
    assert third in set(frame.upload_id)
    store.remove_upload(second, "li")
    assert_as_rebuilt(ui.data.load_figures())
    store.restore_upload(second, "li")
    assert_as_rebuilt(ui.data.load_figures())
    assert decoded == [[first], [second], [third], [], [second]]  # a restored upload's part was dropped
