"""The upload page in AppTest: check, preview, confirm, store; refusals store nothing. Tests that store
run on a fresh SQLite file and a fresh PostgreSQL database (the `backend` parameter, tests/pg.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from loaders import access
from loaders.store import Store
from tests import corpus_fixtures
from tests.conftest import REPO
from tests.filled_template import filled_template_csv, filled_template_xlsx

PAGE = str(REPO / "pages" / "upload.py")
TIMEOUT = 60


@pytest.fixture
def db_url(db_env, monkeypatch) -> str:
    """ANTIFRAUD_DB_URL set to this test's database (tests/pg.py), no passphrase; its URL."""
    monkeypatch.delenv(access.ENV_VAR, raising=False)
    return db_env


def run_page(lang: str = "zh") -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    return at.run()


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    mime = "text/csv" if name.endswith(".csv") else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    at.get("file_uploader")[0].set_value((name, data, mime))
    return at.run()


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("success", "warning", "error", "info") for e in at.get(kind)]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_runs_and_says_uploads_are_open(db_url, lang):
    at = run_page(lang)
    assert not at.exception
    assert ("未设置分析员口令" if lang == "zh" else "No analyst passphrase") in texts(at)


def test_template_upload_previews_then_stores_on_confirm(db_url):
    at = upload(run_page(), "模板.csv", filled_template_csv())
    assert not at.exception
    assert "校验通过，" in texts(at), texts(at)
    assert Store(db_url).read_figures().empty, "nothing may be stored before confirmation"
    at.text_input(key="upload_uploader").input("百色市公安局")
    at.button(key="upload_confirm").click()
    at = at.run()
    assert not at.exception
    stored = Store(db_url).read_figures()
    assert sorted(stored.value) == [1200.0, 22_300_000.0]
    assert set(stored.qualifier) == {"exact", "at_least"}
    assert "已保存" in texts(at)
    uploads = Store(db_url).list_uploads()
    assert list(uploads.uploader) == ["百色市公安局"] and list(uploads.file_name) == ["模板.csv"]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_template_sent_back_unchanged_is_refused_and_stores_nothing(db_url, kind):
    """Its example rows' numbers only show the format: they never become a region's figures."""
    from loaders.template import build_template_csv, build_template_xlsx

    data = build_template_csv() if kind == "csv" else build_template_xlsx()
    at = upload(run_page(), f"模板.{kind}", data)
    assert not at.exception
    assert "未通过校验（2 个错误）" in texts(at) and "未保存任何数据" in texts(at), texts(at)
    assert not any(b.key == "upload_confirm" for b in at.get("button"))
    assert Store(db_url).list_uploads().empty
    from loaders.upload.check import check_bytes

    report = check_bytes(data, f"模板.{kind}")
    assert [(m.level, m.code, m.row, m.column) for m in report.messages if m.level == "error"] == [
        ("error", "template_example_row", 2, "备注"), ("error", "template_example_row", 3, "备注")]
    assert "这是模板的示例行" in report.messages[0].message_zh and "example rows" in report.messages[0].message_en


def test_a_nul_character_in_the_uploader_is_refused_with_a_message(db_url):
    at = upload(run_page(), "模板.csv", filled_template_csv())
    at.text_input(key="upload_uploader").input("百色\x00市")
    at.button(key="upload_confirm").click()
    at = at.run()
    assert not at.exception
    assert "“上传人”中含有空字符（NUL）" in texts(at), texts(at)
    assert Store(db_url).list_uploads().empty


def test_same_file_twice_is_recognised(db_url):
    data = filled_template_xlsx()
    at = upload(run_page(), "模板.xlsx", data)
    at.text_input(key="upload_uploader").input("甲")
    at.button(key="upload_confirm").click()
    at.run()
    at = upload(run_page(), "again.xlsx", data)
    assert "已于" in texts(at) and "不再重复保存" in texts(at)
    assert len(Store(db_url).list_uploads()) == 1


@pytest.mark.parametrize(
    "name",
    ["zip_bomb_plain_renamed.xlsx", "empty_0_bytes.csv", "ole2_container_named.xlsx", "unbalanced_quote.csv"],
)
def test_refused_corpus_files_store_nothing(db_url, name):
    at = upload(run_page(), name, corpus_fixtures.build(name))
    assert not at.exception
    assert "未保存任何数据" in texts(at)
    assert not at.get("button") or not any(b.key == "upload_confirm" for b in at.get("button"))
    assert Store(db_url).list_uploads().empty


def test_markup_in_a_region_name_is_shown_as_text(db_url):
    name = "html_markdown_in_region.csv"
    at = upload(run_page(), name, corpus_fixtures.build(name))
    assert not at.exception
    for element in at.get("markdown"):
        assert "<script" not in element.value


def test_passphrase_locks_uploading(db_url, monkeypatch):
    monkeypatch.setenv(access.ENV_VAR, access.hash_passphrase("正确口令", iterations=1000))
    at = run_page()
    assert at.get("file_uploader")[0].proto.disabled
    at.text_input(key="upload_passphrase").input("错误").run()
    assert "口令不正确" in texts(at)
    at.text_input(key="upload_passphrase").input("正确口令").run()
    assert not at.get("file_uploader")[0].proto.disabled


def test_remove_and_restore_an_upload(db_url):
    at = upload(run_page(), "模板.csv", filled_template_csv())
    at.text_input(key="upload_uploader").input("乙")
    at.button(key="upload_confirm").click()
    at = at.run()
    at.button(key="upload_remove").click()
    at = at.run()
    assert Store(db_url).read_figures().empty
    assert "已删除" in texts(at)
    at.button(key="upload_restore").click()
    at = at.run()
    assert len(Store(db_url).read_figures()) == 2


def test_passphrase_hash_round_trip():
    encoded = access.hash_passphrase("s3cret", iterations=1000)
    assert access.verify_passphrase("s3cret", encoded)
    assert not access.verify_passphrase("S3cret", encoded)
    with pytest.raises(access.PassphraseConfigError):
        access.verify_passphrase("x", "md5$nope")


def test_template_xlsx_has_instructions_and_dropdowns():
    from io import BytesIO

    from openpyxl import load_workbook

    wb = load_workbook(BytesIO(filled_template_xlsx()))
    assert wb.sheetnames[0] == "填表说明"
    data = wb["数据"]
    assert [c.value for c in data[1]][:4] == ["地区", "期间", "指标", "数值"]
    ranges = {str(v.sqref): v.formula1 for v in data.data_validations.dataValidation}
    assert any(r.startswith("A2") for r in ranges) and any(r.startswith("E2") for r in ranges)
    assert Path(PAGE).exists()
