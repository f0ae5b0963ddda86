"""The press-release review on the upload page (AppTest): propose, warn, store only on confirmation."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from loaders import access
from loaders.store import Store
from tests.conftest import REPO

PAGE = str(REPO / "pages" / "upload.py")
TEXT = "百色市通报\n2024年3月5日\n今年以来，全市破获案件321起。本月发案31起，环比上月25起，上升30%。"


@pytest.fixture
def db_url(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv("ANTIFRAUD_DB_URL", url)
    monkeypatch.delenv(access.ENV_VAR, raising=False)
    return url


def pasted(lang: str = "zh") -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    at.text_area(key="extract_text").input(TEXT)
    return at.run()


def test_pasted_text_is_proposed_with_the_recheck_warning_and_nothing_stored(db_url):
    at = pasted()
    assert not at.exception
    warnings = "\n".join(str(w.value) for w in at.warning)
    assert "31起" in warnings and "25起" in warnings
    assert Store(db_url).read_figures().empty


def test_saving_needs_a_source_then_stores_an_ordinary_upload(db_url):
    at = pasted("en")
    at.button(key="extract_check").click()
    at = at.run()
    assert "source name" in "\n".join(str(e.value) for e in at.error)
    assert Store(db_url).read_figures().empty
    at.text_input(key="extract_source_name").input("百色市公安局通报")
    at.text_input(key="extract_uploader").input("analyst")
    at.button(key="extract_check").click()
    at = at.run()
    assert not at.exception
    stored = Store(db_url).read_figures()
    assert sorted(stored["value"].tolist()) == [25, 30, 31, 321]
    uploads = Store(db_url).list_uploads()
    assert len(uploads) == 1 and uploads["file_name"].iloc[0].startswith("extract-")
