"""Plausible bounds of a figure (loaders.bounds): uploads and curated tables refuse absurd values with a
message naming the cell, nothing absurd is stored, and a page given one anyway still draws."""

from __future__ import annotations

import io
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from loaders.bounds import CEILINGS, bound_problem
from loaders.figures import FiguresError, load_curated_figures
from loaders.store import Store
from loaders.tables import check_bytes

DATASETS = Path(__file__).resolve().parents[1] / "datasets"


def check_csv(text: str, name: str = "表.csv"):
    return check_bytes(text.encode("utf-8"), name)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def only_error(report, code: str):
    errors = [m for m in report.messages if m.level == "error"]
    assert [m.code for m in errors] == [code], [(m.code, m.message_en) for m in report.messages]
    return errors[0]


@pytest.mark.parametrize(
    "cell",
    ["9" * 38, "9" * 99, "1" + "0" * 12, "-" + "9" * 38, "1000000000000", "10000亿"],
)
def test_an_absurd_count_is_refused_naming_the_cell(cell):
    report = check_csv(f"地区,年份,立案数\n黑龙江省,2024,{cell}\n")
    assert report.status == "rejected" and report.figures.empty
    problem = [m for m in report.messages if m.level == "error"][0]
    assert (problem.row, problem.column) == (2, "立案数")
    if not cell.startswith("-"):
        assert problem.code == "out_of_bounds"
        assert "C2" in problem.message_zh and "C2" in problem.message_en
        assert "1万亿" in problem.message_zh and "1 trillion" in problem.message_en


def test_the_largest_plausible_count_is_stored_exactly(tmp_path):
    report = check_csv("地区,年份,立案数,拦截诈骗电话\n黑龙江省,2024,999999999999,3870000000\n")
    assert report.status != "rejected", [m.message_en for m in report.messages]
    assert sorted(report.figures["value"]) == [3870000000.0, 999999999999.0]
    store = Store(f"sqlite:///{tmp_path / 'store.db'}")
    store.save_upload(report, b"x", "表.csv", "test")
    stored = store.read_figures()
    assert sorted(stored["value"]) == [3870000000.0, 999999999999.0]


def test_a_float_at_the_top_of_xlsx_is_refused():
    report = check_bytes(xlsx_bytes([["地区", "年份", "立案数"], ["黑龙江省", 2024, 1.797e308]]), "表.xlsx")
    problem = only_error(report, "out_of_bounds")
    assert (problem.row, problem.column) == (2, "立案数") and "C2" in problem.message_zh


@pytest.mark.parametrize(
    ("header", "cell", "code"),
    [
        ("涉案金额(万元)", "99999999999", "unit_outlier"),  # the header's 万元: ≥ 1000亿元 is a unit typo
        ("涉案金额", "1000000亿元", "out_of_bounds"),  # 10^14 yuan: China's GDP for a year
        ("涉案金额", "12345678901.123456元", "too_many_digits"),  # 17 digits a float cannot hold
        ("立案数同比", "2000000%", "out_of_bounds"),
    ],
)
def test_amounts_percentages_and_precision_have_their_own_bounds(header, cell, code):
    report = check_csv(f"地区,年份,{header}\n黑龙江省,2024,{cell}\n")
    problem = only_error(report, code)
    assert (problem.row, problem.column) == (2, header)


@pytest.mark.parametrize(
    ("header", "cell", "value"),
    [
        ("涉案金额", "3288亿元", 328800000000.0),
        ("涉案金额", "99999999999999元", 99999999999999.0),
        ("涉案金额", "1234567.89元", 1234567.89),
        ("立案数同比", "113%", 113.0),
        ("立案数同比", "999999%", 999999.0),
    ],
)
def test_large_real_values_stay_accepted(header, cell, value):
    report = check_csv(f"地区,年份,{header}\n黑龙江省,2024,{cell}\n")
    assert report.status != "rejected", [m.message_en for m in report.messages]
    assert report.figures["value"].tolist() == [value]


def test_bound_problem_is_one_definition_per_kind():
    assert bound_problem(Decimal(CEILINGS["count"] - 1), "count") is None
    assert bound_problem(Decimal(CEILINGS["count"]), "count").code == "out_of_bounds"
    assert bound_problem(CEILINGS["count"] * 10, "money") is None
    assert bound_problem(float("inf"), "count").code == "not_finite"
    assert bound_problem("1.797e308", "").code == "out_of_bounds"
    assert bound_problem("0.1", "percent") is None


@pytest.fixture()
def curated_copy(tmp_path, monkeypatch):
    folder = tmp_path / "datasets"
    shutil.copytree(DATASETS, folder)
    monkeypatch.setenv("ANTIFRAUD_DATASETS", str(folder))
    return folder


@pytest.mark.parametrize(("value", "code"), [("9" * 38, "out_of_bounds"), ("12345678901234567", "out_of_bounds")])
def test_curated_validation_applies_the_same_bounds(curated_copy, value, code):
    table = curated_copy / "gansu_2020_duanka.csv"
    frame = pd.read_csv(table, dtype=str, keep_default_na=False)
    row = frame.index[frame["unit"] == "persons"][0]
    frame.loc[row, "value"] = value
    frame.to_csv(table, index=False)
    with pytest.raises(FiguresError) as raised:
        load_curated_figures()
    problems = [(p.code, p.row, p.column) for p in raised.value.problems]
    assert problems == [(code, row + 2, "value")]


def test_compare_chart_draws_an_absurd_stored_value_in_every_mode():
    """A value stored before the bounds existed: /compare?mode=per_30_days raised decimal.InvalidOperation."""
    from charts.compare import build_caveats, build_compare_chart, build_comparison, list_combos, shared_metrics
    from loaders.catalog import load_catalog
    from loaders.frame import build_all_figures

    figures = build_all_figures(include_uploaded=False)
    catalog = load_catalog()
    for value in (1e38, 1.797e308, 5e-324):
        huge = figures[figures.figure_id == "bs24-007"].assign(figure_id="up-001", fact_id="up-001", value=value)
        both = pd.concat([figures, huge], ignore_index=True)
        combos = list(list_combos(both, shared_metrics(both))["combo"])
        for mode in ("absolute", "per_100k", "per_30_days"):
            comparison = build_comparison(both, catalog, shared_metrics(both), combos, mode)
            for lang in ("zh", "en"):
                build_compare_chart(comparison, lang, catalog)
                build_caveats(comparison, both, catalog, lang)
