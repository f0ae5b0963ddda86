"""Labels from outside lose control characters at the boundary (issue 12.9): loaders.labels.clean_label,
applied before storing (uploader, file name, metric/region/note text) and before the CLI prints."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys

import pandas as pd
import pytest

from loaders.labels import clean_frame, clean_label
from loaders.store import Store
from tests.conftest import REPO

ESCAPE = "\x1b]0;pwned\x07"
# Anything a terminal or a bidi renderer obeys: C0, DEL, C1, bidi controls.
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ESCAPE, "]0;pwned"),
        ("\x1b[31m红\x1b[0m", "[31m红[0m"),
        ("北京市\x00", "北京市"),
        ("invoice\u202egpj.exe", "invoicegpj.exe"),
        ("\u2066a\u2069\u200f", "a"),
        ("a\tb", "a b"),
        ("a\r\nb", "a b"),
        ("\x85\x9b31m", " 31m"),  # C1: NEL reads as a space, CSI is dropped
        ("甘肃省 公安厅", "甘肃省 公安厅"),
        (None, ""),
        (42, "42"),
    ],
)
def test_clean_label(text, expected):
    assert clean_label(text) == expected


def test_clean_label_can_keep_line_breaks_of_a_report():
    assert clean_label("第1行\r\n\x1b]0;x\x07第2行\t完", keep_newlines=True) == "第1行\n]0;x第2行 完"


def test_clean_frame_only_touches_text():
    frame = pd.DataFrame({"a": ["ok", "x\x1by"], "b": [1, 2], "c": pd.Series(["\u202eq", None], dtype="str")})
    cleaned = clean_frame(frame)
    assert cleaned["a"].tolist() == ["ok", "xy"] and cleaned["b"].tolist() == [1, 2]
    assert cleaned["c"].iloc[0] == "q" and pd.isna(cleaned["c"].iloc[1])
    assert frame["a"].iloc[1] == "x\x1by"  # the caller's frame is not changed


def _report(**texts):
    from tests.test_store import figure, report_of

    return report_of(figure(**texts))


def test_store_keeps_labels_without_controls(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    report = _report(metric_zh="立案\x1b[2J数", metric_en="Cases\u202efiled", note="来源\x00：" + ESCAPE)
    report.new_metrics = [{"metric_id": "custom_1", "label_zh": "新\x1b]0;x\x07指标", "label_en": "New\u202e"}]
    upload_id = store.save_upload(report, b"x", "表\x1b[1m.csv", ESCAPE)
    row = store.list_uploads().iloc[0]
    assert (row.uploader, row.file_name) == ("]0;pwned", "表[1m.csv")
    figures = store.read_figures()
    assert figures[["metric_zh", "metric_en", "note"]].iloc[0].tolist() == ["立案[2J数", "Casesfiled", "来源：]0;pwned"]
    assert store.read_metrics()[["label_zh", "label_en"]].iloc[0].tolist() == ["新]0;x指标", "New"]
    store.remove_upload(upload_id, "\x1b[8m" + "admin")
    events = store.read_events(upload_id)
    assert events.who.tolist() == ["]0;pwned", "[8madmin"]
    stored_text = [str(v) for frame in (figures, store.list_uploads(), events) for v in frame.to_numpy().ravel()]
    assert not [v for v in stored_text if UNSAFE.search(v)]


def run_cli(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "loaders", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=180
    )


def test_the_cli_never_prints_an_uploaded_escape_code(tmp_path):
    """The checker refuses control characters inside cells; what is left is the uploader's name and the
    file's name, which the CLI stores and prints back to other analysts."""
    env = {**os.environ, "ANTIFRAUD_DB_URL": f"sqlite:///{tmp_path / 'store.db'}"}
    upload = tmp_path / "数据\x1b]0;title\x07\u202e.csv"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [["地区", "期间", "指标", "数值", "计量单位", "限定词", "来源"], ["百色市", "2024年", "立案数", "20", "起", "精确", "公安局"]]
    )
    upload.write_text(buffer.getvalue(), encoding="utf-8")
    first = run_cli("import", str(upload), "--yes", "--uploader", ESCAPE, env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    uploads = Store(env["ANTIFRAUD_DB_URL"]).list_uploads()
    assert uploads[["uploader", "file_name"]].iloc[0].tolist() == ["]0;pwned", "数据]0;title.csv"]
    again = run_cli("import", str(upload), "--yes", "--uploader", "b", "--lang", "en", env=env)  # names the first
    assert "]0;pwned" in again.stdout and "数据]0;title.csv" in again.stdout
    checked = run_cli("check", str(upload), env=env)
    assert "数据]0;title.csv" in checked.stdout
    listed_csv = run_cli("figures", "--format", "csv", env=env)
    listed_json = run_cli("figures", "--format", "json", env=env)
    assert "数据]0;title.csv" in listed_csv.stdout  # the evidence names the file
    for result in (first, again, checked, listed_csv, listed_json):
        assert not UNSAFE.search(result.stdout), (result.args, [c for c in result.stdout if UNSAFE.match(c)])
