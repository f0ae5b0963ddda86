"""Formula safety of every CSV/XLSX the project writes (issue 12.4): one neutralising function,
charts.downloads.neutralise_cell, for page downloads, the CLI's figures CSV and the templates."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest

from charts.downloads import neutralise_cell, to_csv_bytes, to_xlsx_bytes
from tests.conftest import REPO

PAYLOADS = [
    '=HYPERLINK("http://evil.example","点我")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "=         cmd|'/c calc.exe'!A",
    "   =cmd|'/c calc.exe'!A",  # leading spaces
    "\x00=cmd|'/c calc.exe'!A",  # leading NUL
]
NUMBER_LITERAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")
TRIGGER = re.compile(r"^(?:[\t\r]|[\s\x00-\x1f]*[=+\-@])")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (-20, -20),  # a number is a value, never a formula
        (-6.6, -6.6),
        ("-20", "-20"),  # text that is a plain number literal: a spreadsheet reads the number
        ("+3.5", "+3.5"),
        ("-6.6%", "-6.6%"),
        ("-1e5", "-1e5"),
        ("-2+3", "'-2+3"),
        ("- 20", "'- 20"),
        ("   =cmd|'/c calc'!A", "'   =cmd|'/c calc'!A"),
        ("\x00=1+1", "'\x00=1+1"),
        ("\t20", "'\t20"),
        ("a-b", "a-b"),
    ],
)
def test_numbers_stay_numbers_and_formula_text_is_neutralised(cell, expected):
    assert neutralise_cell(cell) == expected


def test_csv_bytes_exact_with_payloads_and_negative_numbers():
    frame = pd.DataFrame(
        {
            "指标": ["立案数", "=HYPERLINK(\"http://evil.example\")", "+cmd|' /C calc'!A0", "-20", "  @SUM(1)"],
            "数值": [-20.0, 1427.0, -6.6, 3.0, 0.5],
            "变化": [-20, 5, -1, 0, 2],
        }
    )
    expected = (
        "\ufeff指标,数值,变化\r\n"
        "立案数,-20,-20\r\n"
        "\"'=HYPERLINK(\"\"http://evil.example\"\")\",1427,5\r\n"
        "'+cmd|' /C calc'!A0,-6.6,-1\r\n"
        "-20,3,0\r\n"
        "'  @SUM(1),0.5,2\r\n"
    )
    assert to_csv_bytes(frame).decode("utf-8") == expected


def test_arrow_string_columns_are_neutralised_like_object_columns():
    frame = pd.DataFrame({"text": pd.Series(PAYLOADS + ["甘肃省", None], dtype="str"), "n": range(9)})
    rows = list(csv.reader(io.StringIO(to_csv_bytes(frame).decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == [neutralise_cell(p) for p in PAYLOADS] + ["甘肃省", ""]
    assert all(cell.startswith("'") for cell in [row[0] for row in rows[1:8]])


def test_xlsx_cells_hold_payloads_as_text_and_negative_numbers_as_numbers():
    frame = pd.DataFrame({"text": PAYLOADS[:3] + ["-20"], "value": [-20, -6.6, 1.0, 2.0]})
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(frame, "x"))).active
    cells = [(c.value, c.data_type) for row in sheet.iter_rows(min_row=2) for c in row]
    assert ("'" + PAYLOADS[0], "s") in cells and (-20, "n") in cells and (-6.6, "n") in cells
    assert ("-20", "s") in cells
    assert not any(kind == "f" for _, kind in cells)


def _payload_upload(path) -> None:
    rows = [
        ["地区", "期间", "指标", "数值", "计量单位", "限定词", "来源", "备注"],
        ["百色市", "2024年", PAYLOADS[0], "20", "起", "精确", PAYLOADS[1], PAYLOADS[2]],
        ["百色市", "2024年", "-cmd立案", "12", "起", "精确", "=1+2", ""],
        ["百色市", "2024年", "@破案数", "7", "起", "精确", "  =cmd|'/c calc'!A", ""],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def run_cli(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "loaders", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=180
    )


def test_figures_command_csv_is_formula_safe_after_a_payload_upload(tmp_path):
    env = {**os.environ, "ANTIFRAUD_DB_URL": f"sqlite:///{tmp_path / 'store.db'}"}
    upload = tmp_path / "payloads.csv"
    _payload_upload(upload)
    imported = run_cli("import", str(upload), "--yes", "--uploader", "analyst", env=env)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    printed = run_cli("figures", "--format", "csv", env=env)
    assert printed.returncode == 0, printed.stderr
    rows = list(csv.DictReader(io.StringIO(printed.stdout)))
    uploaded = [r for r in rows if r["upload_id"]]
    assert len(uploaded) == 3
    unsafe = [
        (r["figure_id"], column, cell)
        for r in rows
        for column, cell in r.items()
        if TRIGGER.match(cell or "") and not NUMBER_LITERAL.fullmatch(cell)
    ]
    assert unsafe == []
    assert [r["metric_zh"] for r in uploaded] == [
        "'" + PAYLOADS[0],
        "'-cmd立案",
        "'@破案数",
    ]
    assert [r["value"] for r in uploaded] == ["20", "12", "7"]  # numbers as numbers, not '20 or 20.0


def test_template_cells_go_through_the_neutraliser(tmp_path, monkeypatch):
    """A catalogue label shaped like a formula is written as text in the XLSX template."""
    data = tmp_path / "datasets"
    shutil.copytree(REPO / "datasets", data)
    metrics = pd.read_csv(data / "metrics.csv", dtype=str, keep_default_na=False)
    metrics.loc[0, "label_zh"] = '=HYPERLINK("http://evil.example","x")'
    metrics.loc[0, "label_en"] = "+cmd|' /C calc'!A0"
    metrics.to_csv(data / "metrics.csv", index=False)
    monkeypatch.setenv("ANTIFRAUD_DATASETS", str(data))
    from loaders.template import build_template_xlsx

    book = openpyxl.load_workbook(io.BytesIO(build_template_xlsx()))
    sheet = book["指标目录说明"]
    assert (sheet["A2"].value, sheet["A2"].data_type) == ("'=HYPERLINK(\"http://evil.example\",\"x\")", "s")
    assert (sheet["B2"].value, sheet["B2"].data_type) == ("'+cmd|' /C calc'!A0", "s")
    formulas = [c.coordinate for ws in book.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
