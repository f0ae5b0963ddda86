"""Workbooks and CSVs of chart data: legal unique sheets, sources, and never a formula, whatever the data held."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest

from charts import downloads
from charts.spec import Chart
from charts.workbook import build_workbook, neutralise, sheet_names, to_csv_bytes
from loaders.frame import build_all_figures
from tests.corpus_fixtures import INJECTION_PAYLOADS
from tests.shared_material import corpus_dir

OWASP_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def read_payloads(corpus: Path) -> list[str]:
    """Injection payloads: every cell of D01, and every line of the code blocks of the two payload lists."""
    payloads: list[str] = []
    d01 = corpus / "generated" / "D01_formula_injection_cells.csv"
    with d01.open(encoding="utf-8", newline="") as handle:
        payloads += [cell for row in csv.reader(handle) for cell in row]
    for name in ("csv-injection-payloads/README.md", "PayloadsAllTheThings/CSV_Injection_README.md"):
        text = (corpus / "public" / name).read_text(encoding="utf-8")
        for block in re.findall(r"```[a-z]*\n(.*?)```", text, flags=re.S):
            for line in block.splitlines():
                if line.strip():
                    payloads += [line, line.strip()]
    return list(dict.fromkeys(payloads))


def built_payloads() -> list[str]:
    """The corpus fixtures' payloads (tests/corpus_fixtures.py), and each attack behind every trigger."""
    attacks = ["cmd|' /C calc'!A0", 'HYPERLINK("http://example.invalid","x")', "1+1", "SUM(1+9)*cmd|' /C calc'!A0"]
    payloads = [*INJECTION_PAYLOADS, *(trigger + attack for trigger in OWASP_TRIGGERS for attack in attacks)]
    payloads += [" =1+1", "\n=1+1", "'=1+1", "=1+1\r\n=2+2"]  # leading space, line feed, already quoted, two lines
    return list(dict.fromkeys(payloads))


@pytest.fixture(scope="module", params=["built", "corpus"])
def payloads(request) -> list[str]:
    """Injection payloads built here, or (where ../shared is present) read from the corpus's lists."""
    if request.param == "built":
        found = built_payloads()
    else:
        corpus = corpus_dir()
        if not (corpus / "generated").is_dir() or not (corpus / "public" / "PayloadsAllTheThings").is_dir():
            pytest.skip(f"the corpus's injection payload lists are not found under {corpus} (kept outside the repository)")
        found = read_payloads(corpus)
    assert sum(p.startswith(OWASP_TRIGGERS) for p in found) >= 20, "the payload lists were not read"
    return found


@pytest.fixture(scope="module")
def figures() -> pd.DataFrame:
    return build_all_figures(include_uploaded=False)


def build_chart(data: pd.DataFrame, title: str, chart_id: str = "chart") -> Chart:
    return Chart(
        chart_id=chart_id,
        figure=go.Figure(),
        title=title,
        subtitle="甘肃省 · 2020-10-10至2020-11-27",
        source_line="数据来源：甘肃省人民政府新闻办新闻发布会，2020-11-27",
        data=data,
        lang="zh",
        footnotes=["≥ 表示下限。"],
    )


def hostile_chart(payloads: list[str]) -> Chart:
    """A chart whose data rows, labels, header and title are all payloads, beside real numbers."""
    data = pd.DataFrame(
        {
            "figure_id": [f"gs20-{i:03d}" for i in range(len(payloads))],
            "label": payloads,
            "value": [float(-i) for i in range(len(payloads))],
            "=HYPERLINK(\"http://example.invalid\")": payloads[::-1],
        }
    )
    return build_chart(data, title="=cmd|' /C calc'!A0")


def every_cell(workbook: openpyxl.Workbook):
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            yield from row


def test_workbook_holds_no_formula_whatever_the_data_held(payloads):
    chart = hostile_chart(payloads)
    workbook = openpyxl.load_workbook(io.BytesIO(build_workbook([chart], "zh")))
    cells = list(every_cell(workbook))
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert [t for t in texts if t.startswith(OWASP_TRIGGERS)] == []
    sheet = workbook.worksheets[1]
    labels = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert labels == [neutralise(p) for p in payloads]  # kept, readable, with the apostrophe only


def test_workbook_numbers_stay_numbers(payloads):
    workbook = openpyxl.load_workbook(io.BytesIO(build_workbook([hostile_chart(payloads)], "zh")))
    values = [row[2] for row in workbook.worksheets[1].iter_rows(min_row=2)]
    assert all(cell.data_type == "n" for cell in values)
    assert [cell.value for cell in values[:3]] == [0, -1, -2]


def test_csv_starts_with_the_bom_and_has_no_live_formula(payloads):
    data = hostile_chart(payloads).data
    raw = to_csv_bytes(data)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(rows) == len(data) + 1
    text_cells = [cell for row in rows for i, cell in enumerate(row) if i != 2 or row is rows[0]]
    assert [cell for cell in text_cells if cell.startswith(OWASP_TRIGGERS)] == []
    assert [row[1] for row in rows[1:]] == [neutralise(p) for p in payloads]
    assert [row[2] for row in rows[1:4]] == ["0", "-1", "-2"]  # numbers keep their sign, unquoted


def test_csv_bytes_come_from_the_one_shared_function():
    assert to_csv_bytes is downloads.to_csv_bytes


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86 138", "'+86 138"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("甘肃省", "甘肃省"),
        ("＝1+1", "＝1+1"),
        (-3, -3),
        (1427.0, 1427.0),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


@pytest.mark.parametrize(
    ("titles", "expected"),
    [
        (["a[b]:c*d?e/f\\g"], ["a_b__c_d_e_f_g"]),
        (["同" * 40], ["同" * 31]),
        (["数据", "数据", "数据"], ["数据", "数据 (2)", "数据 (3)"]),
        (["Data", "data"], ["Data", "data (2)"]),
        (["'quoted'"], ["quoted"]),
        (["History", ""], ["History_", "sheet_"]),
        (["长" * 31, "长" * 31], ["长" * 31, "长" * 27 + " (2)"]),
    ],
)
def test_sheet_names_are_legal_and_unique(titles, expected):
    names = sheet_names(titles)
    assert names == expected
    assert all(len(n) <= 31 and not set(n) & set('[]:*?/\\') for n in names)


def test_workbook_has_sources_then_one_sheet_per_chart_then_documents(figures):
    rows = figures[figures.source_id == "gansu_2020_duanka"].head(3)
    data = rows[["figure_id", "metric_zh", "value"]].reset_index(drop=True)
    charts = [build_chart(data, "甘肃省行动成果：打击整治", "a"), build_chart(data.head(1), "甘肃省行动成果：打击整治", "b")]
    workbook = openpyxl.load_workbook(io.BytesIO(build_workbook(charts, "zh")))
    assert workbook.sheetnames == ["数据来源", "甘肃省行动成果：打击整治", "甘肃省行动成果：打击整治 (2)", "来源文件"]
    sources = list(workbook["数据来源"].iter_rows(values_only=True))
    assert sources[0][:4] == ("工作表", "图表", "地区与期间", "数据来源")
    assert [row[0] for row in sources[1:]] == workbook.sheetnames[1:3]
    assert all(row[3] == charts[0].source_line for row in sources[1:])
    chart_rows = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert len(chart_rows) == 4 and chart_rows[1][2] == rows.iloc[0].value
    documents = list(workbook["来源文件"].iter_rows(values_only=True))
    assert [row[0] for row in documents[1:]] == ["gansu_2020_duanka"]


def test_workbook_headers_follow_the_language(figures):
    data = figures.head(2)[["figure_id", "value"]].assign(label=["a", "b"])
    workbook = openpyxl.load_workbook(io.BytesIO(build_workbook([build_chart(data, "Results")], "en")))
    assert workbook.sheetnames[0] == "Sources" and workbook.sheetnames[-1] == "Source documents"
    assert next(workbook["Sources"].iter_rows(values_only=True))[:2] == ("Sheet", "Chart")
