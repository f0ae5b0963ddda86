"""Viewers never see internals (issue 12.7): an error shows a message in the viewer's language with a
log reference; the traceback, file paths and SQL go to the server log only."""

from __future__ import annotations

import logging
import re

import pytest
import streamlit.config
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO

TIMEOUT = 60
INTERNALS = re.compile(r"Traceback|File \"|/(?:srv|work|tmp)/|\.py\b|\.db\b|\[SQL|SELECT|sqlite|sqlalche|\w+Error\b")
SECRET_SQL = "(sqlite3.OperationalError) no such table: uploads [SQL: SELECT * FROM uploads] /srv/antifraud/data/antifraud.db"


def shown_texts(at: AppTest) -> list[str]:
    texts = [str(e.value) for kind in ("error", "warning", "info", "success", "markdown", "caption") for e in at.get(kind)]
    texts += [f"{e.message} {e.stack_trace}" for e in at.exception]
    return texts


@pytest.mark.parametrize(
    ("lang", "expected"), [("zh", "上传数据库暂时无法连接"), ("en", "The upload database cannot be reached")]
)
def test_a_broken_store_shows_a_message_without_internals(tmp_path, monkeypatch, caplog, lang, expected):
    """A store file that is not a database: the curated figures under a notice in the viewer's language,
    no internals on screen, the cause in the server's log."""
    broken = tmp_path / "antifraud.db"
    broken.write_bytes(b"this is not an SQLite database, and its path must stay on the server")
    monkeypatch.setenv("ANTIFRAUD_DB_URL", f"sqlite:///{broken}")
    import ui.data

    ui.data.clear_data_cache()
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    with caplog.at_level(logging.WARNING, logger="antifraud.data"):
        at.run()
    assert not at.exception and not at.error
    warnings = [str(w.value) for w in at.warning]
    assert len(warnings) == 1 and expected in warnings[0], warnings
    assert len(at.metric) > 0  # the curated figures are still shown
    assert [t for t in shown_texts(at) if INTERNALS.search(t)] == []
    logged = [r for r in caplog.records if r.name == "antifraud.data"]
    assert logged and "file is not a database" in str(logged[0].exc_info[1])  # the details stay on the server


def page_that_fails(lang: str) -> None:
    from ui.page import run_page

    class Page:
        def run(self) -> None:
            import streamlit as st

            st.write("before the error")
            raise RuntimeError(
                "(sqlite3.OperationalError) no such table: uploads [SQL: SELECT * FROM uploads] /srv/antifraud/data/antifraud.db"
            )

    run_page(Page(), lang)


@pytest.mark.parametrize(("lang", "expected"), [("zh", "本页出错"), ("en", "This page ran into an error")])
def test_a_page_raising_shows_no_path_or_sql(caplog, lang, expected):
    at = AppTest.from_function(page_that_fails, args=(lang,), default_timeout=TIMEOUT)
    with caplog.at_level(logging.ERROR, logger="antifraud.page"):
        at.run()
    assert not at.exception
    assert [str(e.value) for e in at.markdown] == ["before the error"]
    errors = [str(e.value) for e in at.error]
    assert len(errors) == 1 and expected in errors[0]
    assert [t for t in shown_texts(at) if INTERNALS.search(t)] == []
    assert any(SECRET_SQL in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


def fragment_that_fails() -> None:
    import streamlit as st

    @st.fragment
    def part() -> None:
        raise RuntimeError(
            "(sqlite3.OperationalError) no such table: uploads [SQL: SELECT * FROM uploads] /srv/antifraud/data/antifraud.db"
        )

    part()


def test_an_error_streamlit_catches_is_redacted():
    """Errors outside run_page (a fragment's own rerun, a callback) reach Streamlit's handler: with
    client.showErrorDetails = "none" (.streamlit/config.toml) it shows no message, path or trace."""
    assert streamlit.config.get_option("client.showErrorDetails") == "none"
    at = AppTest.from_function(fragment_that_fails, default_timeout=TIMEOUT).run()
    assert len(at.exception) == 1
    assert [t for t in shown_texts(at) if INTERNALS.search(t)] == []
