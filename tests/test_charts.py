"""Chart builders: the plotted values equal the curated values (golden), and every chart carries its words.

The expected values are read straight from the curated CSV files with the csv module, not through
the loaders, so a slip anywhere between the data and the figure JSON fails here.
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from charts.bounds import build_before_after_chart
from charts.cards import build_cards
from charts.changes import build_changes_chart, change_tone
from charts.compare import (
    build_caveats,
    build_compare_chart,
    build_comparison,
    list_combos,
    shared_metrics,
)
from charts.data import localise_columns
from charts.downloads import neutralise_cell, to_csv_bytes, to_xlsx_bytes
from charts.fraud_types import build_type_mix_chart, combo_key, mix_combos
from charts.pages import PAGE_IDS, PAGES, build_page_charts
from charts.results import build_results_chart
from charts.spec import Chart
from charts.style import FONT_FAMILY, wrap_text
from charts.tables import build_figure_table, filter_figures
from loaders.catalog import load_catalog
from loaders.frame import build_all_figures
from tests.two_sources import ENV_VAR, two_source_datasets

DATASETS = Path(__file__).resolve().parents[1] / "datasets"


@pytest.fixture(scope="module", autouse=True)
def first_two_sources(tmp_path_factory):
    """These tests are pinned to the first two curated sources (see tests/two_sources.py)."""
    import ui.data

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENV_VAR, str(two_source_datasets(tmp_path_factory.mktemp("datasets"))))
        ui.data.clear_data_cache()
        yield
    ui.data.clear_data_cache()
LANGS = ("zh", "en")
CJK = re.compile(r"[\u4e00-\u9fff]")
# Derived figures are checked against values worked out by hand from the stated ones:
# 100 − (31.2 + 19.7 + 12 + 10.1) = 27.0 %, and 1541 − (481 + 303 + 185 + 155) = 417 cases.
DERIVED_GOLDEN = {"bs24-d02": 27.0, "bs24-d03": 417.0}


def read_curated() -> dict[str, dict[str, str]]:
    rows: dict[str, dict[str, str]] = {}
    with open(DATASETS / "sources.csv", encoding="utf-8", newline="") as handle:
        names = [source["source_id"] for source in csv.DictReader(handle)]
    for name in names:
        with open(DATASETS / f"{name}.csv", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                rows[row["figure_id"]] = row
    return rows


CURATED = read_curated()


def expected_plotted(figure_id: str) -> float:
    """What a chart must plot for a figure: its stated value, a decrease as a negative change."""
    if figure_id in DERIVED_GOLDEN:
        return DERIVED_GOLDEN[figure_id]
    row = CURATED[figure_id]
    value = float(row["value"])
    return -value if row["measure"] == "change" and row["direction"] == "decrease" else value


def plotted_points(chart: Chart) -> list[tuple[str, float]]:
    """(figure_id, plotted value) of every point of the figure JSON that names its figure."""
    spec = json.loads(chart.figure.to_json())
    points = []
    for trace in spec["data"]:
        custom = trace.get("customdata") or []
        if not custom or all(len(c) < 2 for c in custom):  # a map's no-data regions name no figure
            continue
        ids = [c[0] for c in custom]
        if trace.get("type") == "choropleth":  # a map: one value per region, in z
            values = trace["z"]
        else:
            values = trace["x"] if trace.get("orientation") == "h" else trace["y"]
        points += list(zip(ids, [float(v) for v in values], strict=True))
    return points


@pytest.fixture(scope="module")
def figures() -> pd.DataFrame:
    return build_all_figures(include_uploaded=False)


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.fixture(scope="module")
def page_charts(figures) -> dict[tuple[str, str], list[Chart]]:
    return {(page, lang): build_page_charts(page, figures, lang) for page in PAGE_IDS for lang in LANGS}


def all_charts(page_charts) -> list[Chart]:
    return [c for charts in page_charts.values() for c in charts]


def test_every_page_with_charts_builds_them(page_charts):
    counts = {page: len(page_charts[(page, "zh")]) for page in PAGE_IDS}
    assert counts["overview"] >= 1
    assert counts["crackdown"] >= 5
    assert counts["fraud_types"] == 3
    assert counts["compare"] == 3
    assert counts["sources"] == 0
    assert [len(page_charts[(p, "en")]) for p in PAGE_IDS] == list(counts.values())


def test_unknown_page_is_refused(figures):
    with pytest.raises(KeyError):
        build_page_charts("nowhere", figures, "zh")


def test_pages_have_titles_in_both_languages():
    assert [p.page_id for p in PAGES] == ["overview", "crackdown", "fraud_types", "compare", "trends", "map", "sources"]
    for page in PAGES:
        assert CJK.search(page.title("zh")) and not CJK.search(page.title("en"))


# The map has no default export chart (its page picks metric and period; tests/test_trends.py checks
# its values); compare has its own golden test.
@pytest.mark.parametrize("page", [p for p in PAGE_IDS if p not in ("compare", "map")])
def test_plotted_values_equal_curated_values(page_charts, page):
    """Golden: every point that names a figure plots exactly that figure's stated value."""
    checked = 0
    for lang in LANGS:
        for chart in page_charts[(page, lang)]:
            for figure_id, value in plotted_points(chart):
                assert value == pytest.approx(expected_plotted(figure_id), abs=1e-9), (chart.chart_id, figure_id)
                checked += 1
    if page != "sources":
        assert checked > 0


def test_chart_data_holds_exactly_the_plotted_numbers(page_charts):
    for chart in all_charts(page_charts):
        points = dict(plotted_points(chart))
        data = chart.data.set_index("figure_id")
        assert set(points) == set(data.index), chart.chart_id
        for figure_id, value in points.items():
            if figure_id in CURATED:
                assert data.at[figure_id, "value"] == float(CURATED[figure_id]["value"])
            if chart.chart_id.startswith("compare_metrics_absolute") or not chart.chart_id.startswith("compare"):
                assert data.at[figure_id, "plotted"] == pytest.approx(value)


def test_gansu_enforcement_results_plot_the_stated_counts(figures, catalog):
    chart = build_results_chart(figures[figures.source_id == "gansu_2020_duanka"], "zh", catalog, "enforcement")
    assert dict(plotted_points(chart)) == {
        "gs20-001": 1427.0,
        "gs20-002": 71.0,
        "gs20-003": 54.0,
        "gs20-004": 230.0,
        "gs20-005": 2064.0,
        "gs20-006": 4451.0,
        "gs20-007": 13000.0,
    }


@pytest.mark.parametrize("lang", LANGS)
def test_results_never_share_one_linear_axis(figures, catalog, lang):
    """54 dens and 1.2亿 calls: each category gets its own chart on a labelled log axis."""
    rows = figures[figures.source_id == "gansu_2020_duanka"]
    for category in ("enforcement", "telecom_control", "financial_control"):
        layout = json.loads(build_results_chart(rows, lang, catalog, category).figure.to_json())["layout"]
        assert layout["xaxis"]["type"] == "log"
        assert ("对数" if lang == "zh" else "log scale") in layout["xaxis"]["title"]["text"]


def test_repeated_fact_is_drawn_once(figures, catalog):
    chart = build_results_chart(figures[figures.source_id == "gansu_2020_duanka"], "zh", catalog, "financial_control")
    ids = [figure_id for figure_id, _ in plotted_points(chart)]
    assert "gs20-017" in ids and "gs20-038" not in ids
    # Readers are shown the source's words of both reports, not internal ids (issue 11, item 7).
    assert any("问责追究445名工作人员" in note and "追责问责银行工作人员44" in note for note in chart.footnotes)
    assert not any(re.search(r"\b(gs20|bs24)-", note) for note in chart.footnotes)


def test_before_after_is_drawn_as_bounds_not_bars(figures, catalog):
    chart = build_before_after_chart(figures, "zh", catalog)
    spec = json.loads(chart.figure.to_json())
    assert all(trace["type"] == "scatter" for trace in spec["data"])
    assert dict(plotted_points(chart)) == {"gs20-013": 100.0, "gs20-014": 10.0}
    ranges = [trace["y"] for trace in spec["data"] if trace.get("name") == "range"]
    assert [0.0, 10.0] in [[float(v) for v in r] for r in ranges]  # < 10: everything below 10
    lower = [r for r in ranges if float(r[0]) == 100.0]
    assert lower and float(lower[0][1]) > 100.0  # ≥ 100: open upwards
    assert list(chart.data["shown"]) == ["≥100张/天", "<10张/天"]


def test_fraud_type_shares_are_as_stated_with_derived_remainder(figures, catalog):
    key = combo_key(mix_combos(figures).iloc[0])
    chart = build_type_mix_chart(figures, "zh", catalog, key, "share")
    points = dict(plotted_points(chart))
    assert points == {"bs24-019": 31.2, "bs24-021": 19.7, "bs24-023": 12.0, "bs24-025": 10.1, "bs24-d02": 27.0}
    assert sum(Decimal(str(v)) for v in points.values()) == 100  # nothing rescaled
    other = chart.data[chart.data.figure_id == "bs24-d02"].iloc[0]
    assert other["derived"] and other["formula"].startswith("100%")
    assert any("推算发案总数" in note and "1541" in note for note in chart.footnotes)  # the implied total, derived
    assert not any(re.search(r"\b(gs20|bs24)-", note) for note in chart.footnotes)  # no internal ids for readers


def test_fraud_type_counts_end_with_other_types(figures, catalog):
    key = combo_key(mix_combos(figures).iloc[0])
    chart = build_type_mix_chart(figures, "en", catalog, key, "level")
    assert list(chart.data["figure_id"]) == ["bs24-018", "bs24-020", "bs24-022", "bs24-024", "bs24-d03"]
    assert list(chart.data["label"])[-1] == "Other types"
    assert "(derived)" in list(chart.data["shown"])[-1]


def test_declines_by_type_are_changes_not_shares(figures, catalog):
    chart = build_changes_chart(figures, "zh", catalog, region_codes=["620000"], by_type=True, chart_id="x", page="fraud_types")
    assert dict(plotted_points(chart)) == {"gs20-022": -6.6, "gs20-023": -15.9, "gs20-024": -20.5, "gs20-025": -26.9}
    assert any("不是占比" in note for note in chart.footnotes)


@pytest.mark.parametrize(
    ("metric_id", "direction", "tone"),
    [
        ("cases_filed", "decrease", "good"),
        ("fraud_losses", "increase", "bad"),
        ("clearance_rate", "increase", "good"),
        ("clearance_rate", "decrease", "bad"),
        ("suspects_struck", "increase", "neutral"),
        ("not_a_metric", "decrease", "neutral"),
    ],
)
def test_change_tone_treats_fewer_cases_as_good_news(catalog, metric_id, direction, tone):
    assert change_tone(metric_id, direction, catalog) == tone


@pytest.mark.parametrize("lang", LANGS)
def test_every_chart_carries_title_region_period_units_source_and_font(page_charts, lang):
    regions = {"zh": ("甘肃省", "百色市"), "en": ("Gansu Province", "Baise City")}[lang]
    for page in PAGE_IDS:
        for chart in page_charts[(page, lang)]:
            layout = json.loads(chart.figure.to_json())["layout"]
            assert chart.lang == lang and chart.page == page
            assert chart.title and chart.title.replace(" ", "") in layout["title"]["text"].replace("<br>", "").replace(" ", "")
            if chart.chart_id.startswith("map_"):  # a map's regions are its areas: the subtitle counts those with data
                assert re.search(r"\d+/\d+个省级行政区有数据|\d+ of \d+ provinces with data", chart.subtitle), chart.subtitle
            else:
                assert any(r in chart.subtitle for r in regions), chart.chart_id
            assert re.search(r"\d{4}-\d{2}-\d{2}", chart.subtitle), chart.chart_id
            assert chart.source_line.startswith("数据来源：" if lang == "zh" else "Source: ")
            assert layout["font"]["family"] == FONT_FAMILY and "Noto Sans CJK SC" in FONT_FAMILY
            axis_titles = [v["title"]["text"] for k, v in layout.items() if k.startswith(("xaxis", "yaxis")) and "title" in v]
            if "geo" in layout:  # a map has no axes: its colour bar names the unit
                bars = [t["colorbar"]["title"]["text"] for t in json.loads(chart.figure.to_json())["data"]
                        if t.get("showscale") is not False and t.get("colorbar", {}).get("title", {}).get("text")]
                axis_titles = bars[:1]
            assert axis_titles and all(axis_titles), chart.chart_id
            if lang == "en":
                assert not CJK.search(chart.title + chart.subtitle + "".join(axis_titles)), chart.chart_id


def test_language_changes_every_title(page_charts):
    for page in PAGE_IDS:
        for zh, en in zip(page_charts[(page, "zh")], page_charts[(page, "en")], strict=True):
            assert zh.chart_id == en.chart_id and zh.title != en.title


def test_hover_text_is_in_the_chart_language(page_charts):
    for (page, lang), charts in page_charts.items():
        for chart in charts:
            for trace in json.loads(chart.figure.to_json())["data"]:
                for entry in trace.get("customdata") or []:
                    if len(entry) < 2:  # a map region without data: its name and 无数据 / no data
                        assert ("无数据" if lang == "zh" else "no data") in entry[0], (page, chart.chart_id)
                        continue
                    assert ("编号：" if lang == "zh" else "Figure: ") in entry[1], (page, chart.chart_id)


def test_user_strings_are_escaped_in_plotly_text(figures, catalog):
    hostile = figures.copy()
    hostile.loc[hostile.region_code == "620000", "region_zh"] = "<b>甘肃</b>:red[x]"
    chart = build_results_chart(hostile[hostile.source_id == "gansu_2020_duanka"], "zh", catalog, "enforcement")
    text = chart.figure.to_json()
    assert "<b>甘肃</b>" not in json.loads(text)["layout"]["title"]["text"]
    assert "&lt;b&gt;甘肃&lt;/b&gt;" in json.loads(text)["layout"]["title"]["text"]
    assert chart.subtitle.startswith("<b>甘肃</b>")  # the plain text keeps what the user wrote


# --- comparison -----------------------------------------------------------------------------------


def read_regions() -> dict[str, int]:
    with open(DATASETS / "regions.csv", encoding="utf-8", newline="") as handle:
        return {r["region_code"]: int(r["population"]) for r in csv.DictReader(handle) if r["population"]}


def test_shared_metrics_are_those_two_regions_state(figures):
    assert shared_metrics(figures) == ["two_card_suspects", "gangs_dismantled", "publicity_events"]


@pytest.mark.parametrize("mode", ["absolute", "per_100k", "per_30_days"])
def test_comparison_values_follow_from_stated_values(figures, catalog, mode):
    population = read_regions()
    metrics = shared_metrics(figures)
    combos = list(list_combos(figures, metrics)["combo"])
    comparison = build_comparison(figures, catalog, metrics, combos, mode)
    chart = build_compare_chart(comparison, "zh", catalog)
    points = plotted_points(chart)
    assert sorted(fid for fid, _ in points) == sorted(["gs20-001", "bs24-007", "gs20-002", "bs24-008", "gs20-021", "bs24-013", "bs24-034"])
    days = {"620000": 49, "451000": 317}  # 2020-10-10..2020-11-27 and 2024-01-01..2024-11-12, both ends included
    for figure_id, plotted in points:
        row = CURATED[figure_id]
        value = float(row["value"])
        expected = {
            "absolute": value,
            "per_100k": value / population[row["region_code"]] * 100_000,
            "per_30_days": value / days[row["region_code"]] * 30,
        }[mode]
        assert plotted == pytest.approx(expected, rel=5e-3), figure_id
        if row["qualifier"] == "at_least":
            assert plotted <= expected + 1e-12  # a lower bound is never rounded up


def test_caveats_name_what_differs(figures, catalog):
    metrics = shared_metrics(figures)
    combos = list(list_combos(figures, metrics)["combo"])
    caveats = "\n".join(build_caveats(build_comparison(figures, catalog, metrics, combos, "absolute"), figures, catalog, "zh"))
    for words in ("49天", "317天", "省级", "地市级", "环比", "同比", "≥50场", "≥2960场", "抓获", "不相加"):
        assert words in caveats, words


def uploaded_region(figures: pd.DataFrame, name: str = "深圳市") -> pd.DataFrame:
    """Figures as an upload would add them: a region and period nobody curated."""
    rows = figures[figures.figure_id.isin(["bs24-007", "bs24-008"])].copy()
    rows["figure_id"] = ["up-001", "up-002"]
    rows["fact_id"] = rows["figure_id"]
    rows["source_id"] = "upload_test"
    rows["region_code"] = "440300"
    rows["region_zh"] = name
    rows["region_en"] = "Shenzhen"
    rows["period_start"], rows["period_end"], rows["period_text"] = "2025-01-01", "2025-06-30", "上半年"
    rows["value"] = [88.0, 7.0]
    rows["upload_id"] = "u-1"
    return pd.concat([figures, rows], ignore_index=True)


def test_an_uploaded_region_joins_the_comparison_without_code_changes(figures, catalog):
    more = uploaded_region(figures)
    combos = list_combos(more, shared_metrics(more))
    assert "440300|2025-01-01|2025-06-30" in set(combos["combo"])
    comparison = build_comparison(more, catalog, ["two_card_suspects"], list(combos["combo"]), "per_100k")
    shenzhen = comparison[comparison.region_code == "440300"].iloc[0]
    assert pd.isna(shenzhen["plotted"])  # no population in the reference: nothing invented
    caveats = build_caveats(comparison, more, catalog, "zh")
    assert any("没有人口数据" in c and "深圳市" in c for c in caveats)
    per_days = build_comparison(more, catalog, ["two_card_suspects"], list(combos["combo"]), "per_30_days")
    assert per_days[per_days.region_code == "440300"].iloc[0]["plotted"] == pytest.approx(88 / 181 * 30, rel=5e-3)
    chart = build_compare_chart(comparison, "zh", catalog)
    assert "上传数据" in chart.source_line


# --- cards, tables, downloads ---------------------------------------------------------------------


def test_cards_show_stated_values_with_qualifiers_and_basis(figures, catalog):
    cards = {c.figure_id: c for c in build_cards(figures, "zh", catalog, show_all=True)}
    assert cards["gs20-001"].value == "1427" and cards["gs20-001"].label.endswith("（人）")
    assert cards["gs20-030"].value == "5.44亿"
    assert cards["bs24-005"].value == "≥2230万" and "元" in cards["bs24-005"].label
    assert cards["bs24-001"].value == "−44.5%" and cards["bs24-001"].delta == "同比下降44.5%"
    assert (cards["bs24-001"].delta_color, cards["bs24-001"].delta_arrow) == ("green", "down")
    assert cards["gs20-022"].delta == "环比下降6.6%"
    assert cards["bs24-004"].delta_color == "gray"
    assert "gs20-038" not in cards  # the same fact as gs20-017, once


def test_headline_cards_are_few_per_region(figures, catalog):
    cards = build_cards(figures, "en", catalog)
    per_region = pd.Series([c.region_code for c in cards]).value_counts()
    assert (per_region <= 9).all() and set(per_region.index) == {"620000", "451000"}


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("两卡", {"gs20-001", "bs24-007"}),
        ("GS20-03", {f"gs20-03{n}" for n in range(10)} | {"gs20-017"}),  # gs20-017's note names gs20-038
        ("刷单", {"bs24-018", "bs24-019"}),
    ],
)
def test_filter_figures_searches_every_text_column(figures, search, expected):
    assert set(filter_figures(figures, search)["figure_id"]) == expected


def test_filter_figures_combines_filters(figures):
    rows = filter_figures(figures, region_codes=["451000"], qualifiers=["at_least"], include_derived=False)
    assert len(rows) and (rows.region_code == "451000").all() and (rows.qualifier == "at_least").all()
    assert len(filter_figures(figures, include_derived=False)) == sum(i.split("-")[0] in ("gs20", "bs24") for i in CURATED)


def test_figure_table_has_evidence_source_qualifier_basis_and_formula(figures, catalog):
    table = build_figure_table(figures, catalog, "en")
    assert len(table) == len(figures)
    row = table[table["Figure"] == "bs24-d03"].iloc[0]
    assert row["Derived"] == "derived" and row["Formula"].startswith("Implied total")
    row = table[table["Figure"] == "gs20-022"].iloc[0]
    assert row["Basis"] == "on the period before" and row["Shown as"] == "down 6.6% on the period before"
    assert row["Source text"] == CURATED["gs20-022"]["evidence"]


def test_localised_chart_data_has_headers_in_the_language(page_charts):
    chart = page_charts[("crackdown", "zh")][0]
    assert list(localise_columns(chart.data, "zh").columns)[:3] == ["编号", "项目", "地区"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+86 139", "'+86 139"),
        ("-2", "-2"),  # a plain number literal is not a formula (issue 12.4)
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("甘肃省", "甘肃省"),
        ("a=b", "a=b"),
        (-6.6, -6.6),
        (1427, 1427),
    ],
)
def test_neutralise_cell_follows_owasp(cell, expected):
    assert neutralise_cell(cell) == expected


def test_csv_bytes_are_utf8_with_bom_formula_safe_and_numbers_plain():
    frame = pd.DataFrame({"地区": ["甘肃省", "=HYPERLINK(\"x\")"], "value": [1427.0, -6.6]})
    assert to_csv_bytes(frame) == "\ufeff地区,value\r\n甘肃省,1427\r\n\"'=HYPERLINK(\"\"x\"\")\",-6.6\r\n".encode()


def test_xlsx_bytes_hold_text_as_text_and_numbers_as_numbers():
    frame = pd.DataFrame({"name": ["=1+1", "@cmd", "ok"], "value": [1427.0, -6.6, 544000000.0]})
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(frame, "figures"))).active
    cells = [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows(min_row=2)]
    assert cells == [[("'=1+1", "s"), (1427, "n")], [("'@cmd", "s"), (-6.6, "n")], [("ok", "s"), (544000000, "n")]]
    assert sheet.title == "figures"


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("Gansu Province: Case-linked phone cards per day", 30, ["Gansu Province: Case-linked", "phone cards per day"]),
        ("甘肃省电诈发案较行动前的环比变化", 20, ["甘肃省电诈发案较行动", "前的环比变化"]),
        ("short", 30, ["short"]),
    ],
)
def test_wrap_text_breaks_by_display_width(text, width, lines):
    assert wrap_text(text, width) == lines


def test_caveats_survive_a_period_without_a_known_length():
    """An uploaded figure whose period length is unknown (NaN days) must not crash the caveats."""
    import math

    from charts.compare import _known_days

    assert not _known_days(math.nan) and not _known_days(None) and not _known_days("")
    assert _known_days(49.0)
