"""No chart stacks or overlays two figures on one category (charts.labels), after a real upload.

The figures are the curated ones plus an analyst's table checked by the real upload checker and
saved in a real store (SQLite in a temporary folder). The table repeats curated facts so that it
collides with a curated figure on the category of every chart an upload can reach: the same key as
a curated change (百色市 开卡地线索 同比, 2024年1-10月), the same label in the overview's change chart
(群众被骗损失（同比）), in the fraud-type change charts (全部电诈 环比), on every results chart's
metric (one per category) and, for the upload's own source, the same metric for two years. Uploads
carry no breakdown and no before/after phase (loaders.tables), so for the fraud-type mix and the
before/after charts a colliding figure is made from a curated one and marked as uploaded.

Every chart the charts package builds over these figures must then have one bar per category in
each panel, and every bar must reach exactly the number its text shows.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from charts.bounds import build_before_after_chart, select_before_after
from charts.changes import build_changes_chart, select_changes
from charts.compare import MODES, build_compare_chart, build_comparison, list_combos, shared_metrics
from charts.fraud_types import build_type_mix_chart, combo_key, mix_combos
from charts.labels import distinct_labels
from charts.pages import PAGE_IDS, RESULT_CATEGORIES, build_page_charts
from charts.results import build_results_chart, select_results
from charts.spec import Chart
from loaders.catalog import load_catalog
from loaders.frame import build_all_figures
from loaders.store import Store
from loaders.tables import check_bytes

ANALYST_TABLE = (
    "地区,期间,开卡地线索同比,群众被骗损失同比,涉两卡嫌疑人,宣传活动,挽回损失(元),封堵域名,电诈发案环比,高危办卡人员,冻结资金(元)\n"
    "百色市,2024年1-10月,-50%,-20%,420,300,23000000,,,,\n"
    "甘肃省,2020,,,1500,60,,60000,-10%,35000,500000000\n"
    "甘肃省,2021,,,1600,70,,,,,\n"
)
LANGS = ("zh", "en")


@pytest.fixture(scope="module")
def figures(tmp_path_factory) -> pd.DataFrame:
    """Curated + derived + the analyst's upload, read back through build_all_figures from a real store."""
    database = tmp_path_factory.mktemp("labels_store") / "antifraud.db"
    data = ANALYST_TABLE.encode("utf-8")
    report = check_bytes(data, "分析员表.csv")
    assert report.status == "accepted", [m.message_zh for m in report.messages]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ANTIFRAUD_DB_URL", f"sqlite:///{database}")
        Store().save_upload(report, data, "分析员表.csv", "分析员")
        frame = build_all_figures()
    uploaded = frame[frame["upload_id"] != ""]
    assert len(uploaded) == len(report.figures) == 13
    return frame


def with_made_collisions(figures: pd.DataFrame) -> pd.DataFrame:
    """The figures plus, for the charts no upload can reach today, a copy of one of their curated
    figures with another value, marked as uploaded (the stored upload's identity)."""
    upload = figures[figures["upload_id"] != ""].iloc[0]
    made = []
    for rows in (select_before_after(figures).iloc[[0]], figures[figures["breakdown"].str.startswith("fraud_type:") & (figures["measure"] != "change")]):
        for _, row in rows.iterrows():
            copy = row.copy()
            copy["figure_id"] = copy["fact_id"] = f"{upload['upload_id']}-m{len(made):03d}"
            copy["value"] = float(row["value"]) * 0.5
            for column in ("source_id", "upload_id", "evidence"):
                copy[column] = upload[column]
            made.append(copy)
    return pd.concat([figures, pd.DataFrame(made)], ignore_index=True)


def every_chart(figures: pd.DataFrame, lang: str) -> list[Chart]:
    """Every Chart the charts package builds: each page's default view, and each builder over every
    region, source, category, group and mode the figures hold."""
    catalog = load_catalog()
    charts = [chart for page in PAGE_IDS for chart in build_page_charts(page, figures, lang)]
    charts.append(build_changes_chart(figures, lang, catalog))
    for region in dict.fromkeys(select_changes(figures, by_type=True)["region_code"]):
        charts.append(build_changes_chart(figures, lang, catalog, region_codes=[region], by_type=True))
    for category in RESULT_CATEGORIES:
        for region in dict.fromkeys(figures["region_code"]):
            if len(select_results(figures, category, region_code=region)):
                charts.append(build_results_chart(figures, lang, catalog, category, region_code=region))
        for source in dict.fromkeys(figures["source_id"]):
            if len(select_results(figures, category, source_id=source)):
                charts.append(build_results_chart(figures, lang, catalog, category, source_id=source))
    for metric_id in dict.fromkeys(select_before_after(figures)["metric_id"]):
        charts.append(build_before_after_chart(figures, lang, catalog, metric_id))
    for _, combo in mix_combos(figures).iterrows():
        for measure in ("level", "share"):
            charts.append(build_type_mix_chart(figures, lang, catalog, combo_key(combo), measure))
    metrics = shared_metrics(figures)
    combos = list(list_combos(figures, metrics)["combo"])
    for mode in MODES:
        charts.append(build_compare_chart(build_comparison(figures, catalog, metrics, combos, mode), lang, catalog))
    return charts


_NUMBER = re.compile(r"([+\-−]?)(\d[\d,]*(?:\.(\d+))?)\s*(万|亿|million|billion)?")
_SCALE = {None: 1, "万": 1e4, "亿": 1e8, "million": 1e6, "billion": 1e9}


def shown_number(text: str) -> tuple[float, float]:
    """(the number a bar's text shows, half a unit of its last digit): "≥1.3万" -> (13000, 500)."""
    match = _NUMBER.search(text)
    assert match, f"no number in the bar text {text!r}"
    sign, digits, decimals, word = match.groups()
    scale = _SCALE[word]
    value = float(digits.replace(",", "")) * scale * (-1 if sign in "-−" and sign else 1)
    return value, 0.5 * 10 ** -len(decimals or "") * scale


def bars(chart: Chart) -> list[dict]:
    """Every bar drawn: its panel (axes), category, length and text."""
    out = []
    layout = chart.figure.layout
    for trace in chart.figure.data:
        if trace.type != "bar":
            continue
        horizontal = trace.orientation == "h"
        categories, lengths = (trace.y, trace.x) if horizontal else (trace.x, trace.y)
        texts = trace.text if trace.text is not None else [None] * len(categories)
        texts = [texts] * len(categories) if isinstance(texts, str) else texts
        ids = [data[0] for data in trace.customdata] if trace.customdata is not None else [None] * len(categories)
        for category, length, text, figure_id in zip(categories, lengths, texts, ids, strict=True):
            out.append(
                {
                    "panel": (trace.xaxis or "x", trace.yaxis or "y"),
                    "category": category,
                    "length": float(length),
                    "text": text,
                    "figure_id": figure_id,
                    "barmode": layout.barmode,
                }
            )
    return out


def check_chart(chart: Chart) -> None:
    drawn = bars(chart)
    places = [(b["panel"], b["category"]) for b in drawn]
    shared = sorted({p for p in places if places.count(p) > 1})
    assert not shared, f"{chart.chart_id} ({chart.lang}): two figures on one category {shared}"
    plotted = dict(zip(chart.data["figure_id"], chart.data["plotted"], strict=True))
    for bar in drawn:
        if pd.isna(plotted.get(bar["figure_id"], 0.0)):  # a rate that cannot be worked out: no bar, its reason as text
            assert bar["length"] == 0, bar
            continue
        value, half_step = shown_number(str(bar["text"]))
        assert abs(bar["length"] - value) <= half_step + 1e-9 * max(abs(value), 1), (chart.chart_id, chart.lang, bar)
    assert not chart.data.empty or not drawn
    assert len(plotted) == len(chart.data)  # one row per plotted figure, never two rows of one figure


@pytest.mark.parametrize("lang", LANGS)
def test_no_chart_stacks_two_figures_on_one_category_after_an_upload(figures, lang):
    charts = every_chart(with_made_collisions(figures), lang)
    assert len(charts) >= 30
    # The upload reaches the charts it collides with (else this test could not fail).
    uploaded_ids = set(figures.loc[figures["upload_id"] != "", "figure_id"])
    reached = {chart.chart_id for chart in charts if uploaded_ids & set(chart.data["figure_id"])}
    assert {"overview_changes", "fraud_types_changes", "compare_metrics_absolute"} <= reached
    assert {f"crackdown_results_{c}" for c in ("enforcement", "prevention", "financial_control", "publicity", "telecom_control")} <= reached
    for chart in charts:
        check_chart(chart)


def test_the_issue_s_case_shows_both_losses_each_with_its_own_number(figures):
    """The overview's "同比、环比变化" chart (every region): before, one bar reached −67.2% labelled −47.2%."""
    (chart,) = build_page_charts("overview", figures, "zh")
    drawn = {b["category"].replace("<br>", ""): (b["length"], b["text"]) for b in bars(chart)}
    assert drawn["百色市 · 群众被骗损失（同比）"] == (-47.2, "-47.2%")
    assert drawn["百色市 · 群众被骗损失（同比）（上传）"] == (-20.0, "-20%")
    # The full-key repeat (same region, metric, period, measure) is told apart too, and marked.
    assert drawn["百色市 · 涉案电话卡开卡地线索（同比）"] == (-73.18, "-73.18%")
    assert [c for c in drawn if c.startswith("百色市 · 涉案电话卡开卡地线索") and c.endswith("（上传）")]
    uploaded = chart.data[chart.data["figure_id"].str.startswith("u")]
    assert len(uploaded) == 3  # with Gansu's 电诈发案环比
    assert any("上传" in note for note in chart.footnotes)


def test_hover_of_an_uploaded_bar_says_it_is_uploaded_and_names_file_and_row(figures):
    chart = build_changes_chart(figures, "en", load_catalog(), region_codes=["451000"])
    hovers = [data[1] for trace in chart.figure.data for data in trace.customdata]
    uploaded = [h for h in hovers if "Uploaded figure" in h]
    assert len(uploaded) == 2
    assert all("分析员表.csv" in h for h in uploaded)


def test_publicity_events_of_two_agencies_are_two_bars(figures):
    """Baise's public security (≥2960) and communications office (251) both state publicity events:
    before, the 251 bar was drawn under the other one, and hidden."""
    curated = figures[figures["upload_id"] == ""]
    chart = build_results_chart(curated, "zh", load_catalog(), "publicity", source_id="baise_2024_fraud")
    drawn = {b["text"]: b["category"].replace("<br>", "") for b in bars(chart)}
    assert drawn["≥2960"] != drawn["251"]
    assert "公安机关" in drawn["≥2960"] and "通信管理部门" in drawn["251"]


@pytest.mark.parametrize(
    ("labels", "rows", "expected"),
    [
        (["a", "b"], [{}, {}], ["a", "b"]),
        (["a", "a"], [{"period_end": "2024-10-31", "period_start": "2024-01-01"}, {"period_end": "2024-11-12", "period_start": "2024-01-01"}], None),
        (["a", "a"], [{"agency_zh": "公安机关"}, {"agency_zh": "通信管理部门"}], ["a · 公安机关", "a · 通信管理部门"]),
        (["a", "a"], [{"evidence": "甲"}, {"evidence": "乙"}], ["a · “甲”", "a · “乙”"]),
        (["a", "a"], [{}, {}], ["a #1", "a #2"]),
        (["a", "a"], [{}, {"upload_id": "u1"}], ["a", "a（上传）"]),
    ],
)
def test_distinct_labels(labels, rows, expected):
    out = distinct_labels(rows, labels, "zh")
    assert len(set(out)) == len(out)
    if expected is not None:
        assert out == expected


def test_the_test_finds_a_stacked_chart():
    """check_chart fails on a chart whose two figures share one category (as before the fix)."""
    import plotly.graph_objects as go

    figure = go.Figure(go.Bar(x=[-20.0, -47.2], y=["群众被骗损失", "群众被骗损失"], orientation="h", text=["-20%", "-47.2%"]))
    data = pd.DataFrame({"figure_id": ["u1", "bs24-002"], "plotted": [-20.0, -47.2]})
    chart = Chart("c", figure, "t", "s", "", data)
    with pytest.raises(AssertionError, match="two figures on one category"):
        check_chart(chart)

