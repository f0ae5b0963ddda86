"""地区对比: the comparison, its caveats and its chart stay exactly what they were (golden JSON), and stay bounded.

The golden file `tests/golden/compare.json.gz` was written by the chart code as it stood before the
rewrite for speed (one layout dict instead of per-panel update calls, period lengths from a dict,
filters run once); every case is compared structurally: figure JSON, chart data, words, caveats.
Regenerate only on an intended change of what the page shows: `python -m tests.test_compare`.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from charts.compare import (
    MODES,
    build_caveats,
    build_compare_chart,
    build_comparison,
    list_combos,
    shared_metrics,
)
from loaders.catalog import load_catalog
from loaders.frame import build_all_figures
from tests.two_sources import ENV_VAR, two_source_datasets
from ui.markdown import escape_markdown

GOLDEN = Path(__file__).resolve().parent / "golden" / "compare.json.gz"


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


def _upload(figures: pd.DataFrame, figure_ids: list[str], prefix: str, **columns) -> pd.DataFrame:
    rows = figures[figures.figure_id.isin(figure_ids)].copy()
    rows["figure_id"] = [f"{prefix}-{i:03d}" for i in range(1, len(rows) + 1)]
    rows["fact_id"] = rows["figure_id"]
    rows["source_id"] = f"upload_{prefix}"
    rows["upload_id"] = f"u-{prefix}"
    for name, value in columns.items():
        rows[name] = value
    return rows


def with_uploads(figures: pd.DataFrame, crowded: bool) -> pd.DataFrame:
    """The curated figures plus uploads: a region without population (named like an attacker would),
    and for `crowded` four more combos (a known population in a new period, no period start, a bound
    with a note, a city of the divisions table)."""
    parts = [figures, _upload(figures, ["bs24-007", "bs24-008"], "up", region_code="440300", region_zh="<b>深圳</b>市",
                              region_en=":red[Shenzhen]", period_start="2025-01-01", period_end="2025-06-30",
                              period_text="上半年", value=[88.0, 7.0])]  # fmt: skip
    if crowded:
        parts += [
            _upload(figures, ["bs24-007", "bs24-008", "bs24-013"], "bsx", period_start="2025-01-01", period_end="2025-03-31",
                    period_text="一季度", value=[120.0, 9.0, 300.0]),
            _upload(figures, ["gs20-001", "gs20-002"], "gsx", period_start="", period_end="2021-12-31",
                    period_text="截至2021年底", value=[2000.0, 80.0]),
            _upload(figures, ["gs20-001"], "bj", region_code="110000", region_zh="北京市", region_en="Beijing Municipality",
                    period_start="2024-01-01", period_end="2024-12-31", period_text="2024年", value=[4321.0],
                    qualifier="about", note="Counted by the city police."),
            _upload(figures, ["gs20-002", "gs20-021"], "lz", region_code="620100", region_zh="兰州市", region_en="Lanzhou City",
                    period_start="2024-02-01", period_end="2024-02-29", period_text="2024年2月", value=[3.0, 12.0]),
        ]  # fmt: skip
    return pd.concat(parts, ignore_index=True)


def golden_cases() -> dict[str, tuple[pd.DataFrame, list[str] | None, list[str] | None]]:
    """name -> (figures, metrics or None for every shared one, combos or None for every combo)."""
    figures = build_all_figures()
    crowded = with_uploads(figures, crowded=True)
    crowded_combos = list(list_combos(crowded, shared_metrics(crowded))["combo"])
    return {
        "curated": (figures, None, None),
        "upload": (with_uploads(figures, crowded=False), None, None),
        "crowded": (crowded, None, None),
        "subset": (crowded, ["gangs_dismantled"], crowded_combos[::-2]),
    }


def snapshot(figures: pd.DataFrame, metrics: list[str] | None, combos: list[str] | None, mode: str, lang: str) -> dict:
    """Everything the compare page shows for one view, as plain JSON values."""
    catalog = load_catalog()
    metrics = shared_metrics(figures) if metrics is None else metrics
    combos = list(list_combos(figures, metrics)["combo"]) if combos is None else combos
    comparison = build_comparison(figures, catalog, metrics, combos, mode)
    chart = build_compare_chart(comparison, lang, catalog, chart_id=f"compare_metrics_{mode}")
    shown = comparison.drop(columns=[c for c in comparison.columns if c.startswith("_")])
    return {
        "figure": json.loads(chart.figure.to_json()),
        "data": json.loads(chart.data.to_json(orient="split")),
        "words": [chart.chart_id, chart.title, chart.subtitle, chart.source_line, chart.footnotes],
        "comparison": json.loads(shown.to_json(orient="split", default_handler=str)),
        "table": {
            "days": [None if pd.isna(d) else int(d) for d in shown["days"].astype("Int64")],
            "population": [None if pd.isna(p) else int(p) for p in shown["population"].astype("Float64").round().astype("Int64")],
            "plotted": [None if p is None or pd.isna(p) else float(p) for p in shown["plotted"]],
        },
        "caveats": build_caveats(comparison, figures, catalog, lang),
    }


def all_snapshots() -> dict[str, dict]:
    return {
        f"{name}/{mode}/{lang}": snapshot(figures, metrics, combos, mode, lang)
        for name, (figures, metrics, combos) in golden_cases().items()
        for mode in MODES
        for lang in LANGS
    }


@pytest.fixture(scope="module")
def golden() -> dict[str, dict]:
    return json.loads(gzip.decompress(GOLDEN.read_bytes()).decode("utf-8"))


@pytest.fixture(scope="module")
def current() -> dict[str, dict]:
    return all_snapshots()


def test_golden_covers_every_case(golden, current):
    assert sorted(golden) == sorted(current)
    assert len(golden) == 4 * len(MODES) * len(LANGS)


def without_template(figure: dict) -> dict:
    """The figure without plotly's default template (Streamlit swaps in its own once imported)."""
    return {**figure, "layout": {k: v for k, v in figure["layout"].items() if k != "template"}}


@pytest.mark.parametrize("part", ["figure", "data", "words", "comparison", "table", "caveats"])
def test_compare_page_output_is_unchanged(golden, current, part):
    for case, expected in golden.items():
        if part == "figure":
            assert without_template(current[case][part]) == without_template(expected[part]), case
        else:
            assert current[case][part] == expected[part], (case, part)


if __name__ == "__main__":
    import os
    import tempfile

    os.environ[ENV_VAR] = str(two_source_datasets(Path(tempfile.mkdtemp()) / "datasets"))
    GOLDEN.parent.mkdir(exist_ok=True)
    text = json.dumps(all_snapshots(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    GOLDEN.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    print(f"wrote {GOLDEN}")


# --- the page: the same output as the golden chart, a bounded first view, a capped chart --------------------------


def many_combos(figures: pd.DataFrame, count: int) -> pd.DataFrame:
    """The curated figures plus `count` uploaded prefecture-months stating two shared metrics each."""
    parts = [figures]
    for month in range(count):
        parts.append(
            _upload(figures, ["bs24-007", "bs24-008"], f"m{month:03d}", region_code="451000", period_start=f"{2030 + month // 12}-{month % 12 + 1:02d}-01",
                    period_end=f"{2030 + month // 12}-{month % 12 + 1:02d}-28", period_text="月", value=[float(month + 1), 2.0])
        )  # fmt: skip
    return pd.concat(parts, ignore_index=True)


def test_default_combos_are_every_combo_when_few():
    from charts.compare import default_combos, prepare_compare

    figures = build_all_figures()
    data = prepare_compare(figures)
    assert default_combos(data) == list(list_combos(figures, shared_metrics(figures))["combo"])
    upload = with_uploads(figures, crowded=False)  # three combos
    assert default_combos(prepare_compare(upload)) == list(list_combos(upload, shared_metrics(upload))["combo"])
    crowded = with_uploads(figures, crowded=True)  # seven combos: bounded, the curated ones kept
    every = list(list_combos(crowded, shared_metrics(crowded))["combo"])
    assert default_combos(prepare_compare(crowded), limit=len(every)) == every
    assert default_combos(prepare_compare(crowded), limit=3) == [every[0], every[3], every[6]]  # curated, then the latest period


def test_default_combos_are_bounded_curated_first_then_latest():
    from charts.compare import DEFAULT_COMBOS, default_combos, prepare_compare

    figures = many_combos(build_all_figures(), 40)
    data = prepare_compare(figures)
    combos = list(data.combos["combo"])
    assert len(combos) == 42
    chosen = default_combos(data)
    assert len(chosen) == DEFAULT_COMBOS
    assert {"620000|2020-10-10|2020-11-27", "451000|2024-01-01|2024-11-12"} <= set(chosen)  # the curated ones
    assert chosen[2:] == combos[-(DEFAULT_COMBOS - 2) :]  # then the latest uploaded periods
    assert chosen == [c for c in combos if c in set(chosen)]  # in the list's order


def test_default_combos_of_one_new_period_start_with_the_lowest_region_codes():
    """An upload of many provinces for one year shows its first provinces (北京市 first), not its last."""
    from charts.compare import DEFAULT_COMBOS, default_combos, prepare_compare

    figures = build_all_figures()
    codes = ["110000", "120000", "130000", "310000", "320000", "330000", "440000", "500000", "510000", "620000"]
    parts = [figures] + [
        _upload(figures, ["gs20-001", "gs20-002"], f"p{code}", region_code=code, period_start="2024-01-01", period_end="2024-12-31",
                period_text="2024年", value=[10.0, 1.0])
        for code in codes
    ]  # fmt: skip
    data = prepare_compare(pd.concat(parts, ignore_index=True))
    chosen = default_combos(data)
    assert len(chosen) == DEFAULT_COMBOS
    assert {"620000|2020-10-10|2020-11-27", "451000|2024-01-01|2024-11-12"} <= set(chosen)
    assert {c.split("|")[0] for c in chosen if c.endswith("2024-12-31")} == set(codes[: DEFAULT_COMBOS - 2])


def test_prepared_data_gives_the_same_comparison(golden):
    from charts.compare import prepare_compare

    catalog = load_catalog()
    for name, (figures, metrics, combos) in golden_cases().items():
        data = prepare_compare(figures)
        assert data.metrics == shared_metrics(figures)
        pd.testing.assert_frame_equal(data.combos.drop(columns="upload_id"), list_combos(figures, data.metrics), check_dtype=False)
        metrics = data.metrics if metrics is None else metrics
        combos = list(data.combos["combo"]) if combos is None else combos
        for mode in MODES:
            comparison = build_comparison(figures, catalog, metrics, combos, mode, data=data)
            shown = comparison.drop(columns=[c for c in comparison.columns if c.startswith("_")])
            assert json.loads(shown.to_json(orient="split", default_handler=str)) == golden[f"{name}/{mode}/zh"]["comparison"]
            for lang in LANGS:
                assert build_caveats(comparison, data.changes, catalog, lang) == golden[f"{name}/{mode}/{lang}"]["caveats"]


def test_a_large_selection_draws_a_capped_chart_and_says_so():
    from charts.compare import MAX_CHART_COMBOS

    figures = many_combos(build_all_figures(), 40)
    catalog = load_catalog()
    combos = list(list_combos(figures, shared_metrics(figures))["combo"])
    comparison = build_comparison(figures, catalog, shared_metrics(figures), combos, "absolute")
    assert comparison["combo"].nunique() == 42
    for lang, words in (("zh", "图中只画出前30个"), ("en", "the chart draws the first 30")):
        chart = build_compare_chart(comparison, lang, catalog)
        drawn = {point[0] for trace in chart.figure.data for point in trace.customdata}
        assert len({c for c in comparison["combo"] if c}) == 42
        assert set(chart.data["figure_id"]) == drawn
        assert comparison[comparison["figure_id"].isin(drawn)]["combo"].nunique() == MAX_CHART_COMBOS
        assert list(dict.fromkeys(comparison[comparison["figure_id"].isin(drawn)]["combo"])) == list(dict.fromkeys(comparison["combo"]))[:MAX_CHART_COMBOS]
        assert words in chart.footnotes[0] and "42" in chart.footnotes[0]
    small = build_compare_chart(build_comparison(figures, catalog, shared_metrics(figures), combos[:3], "absolute"), "en", catalog)
    assert not any("draws the first" in note for note in small.footnotes)


def test_the_page_shows_the_golden_chart_caveats_and_table(golden):
    import plotly.graph_objects as go

    from charts.style import build_screen_figure
    from tests.test_pages import chart_specs, open_page

    for lang in LANGS:
        at = open_page("compare", lang)
        for mode in MODES:
            at.radio(key="compare_mode").set_value(mode).run()
            expected = golden[f"curated/{mode}/{lang}"]
            _, title, subtitle, *_ = expected["words"]
            screen = json.loads(build_screen_figure(go.Figure(expected["figure"]), title, subtitle).to_json())  # as the page draws it
            assert [without_template(spec) for spec in chart_specs(at)] == [without_template(screen)], (mode, lang)
            warning = at.warning[0].value
            for caveat in expected["caveats"]:
                for line in caveat.split("\n"):
                    assert escape_markdown(line) in warning, (mode, lang, line)
            table = at.dataframe[-1].value  # the comparison table, after the chart's own data
            comparison = expected["comparison"]
            assert list(table.iloc[:, 0]) == [row[comparison["columns"].index("figure_id")] for row in comparison["data"]]
            assert [None if pd.isna(d) else int(d) for d in table.iloc[:, 5]] == expected["table"]["days"]
            assert [None if pd.isna(p) else int(p) for p in table.iloc[:, 6]] == expected["table"]["population"]
            assert [None if pd.isna(p) else float(p) for p in table.iloc[:, 7]] == expected["table"]["plotted"]


@pytest.fixture
def forty_months(monkeypatch):
    """The page's figures: curated plus 40 uploaded months of one city (42 combos)."""
    import ui.data

    monkeypatch.setattr(ui.data, "build_all_figures", lambda: many_combos(build_all_figures(), 40))
    ui.data.clear_data_cache()
    yield
    ui.data.clear_data_cache()


def test_the_page_starts_bounded_and_caps_a_large_selection(forty_months):
    from charts.compare import DEFAULT_COMBOS
    from tests.test_pages import chart_specs, open_page

    at = open_page("compare", "en")
    regions = at.multiselect(key="compare_regions")
    periods = at.multiselect(key="compare_periods")
    assert len(regions.options) == 2  # Gansu and Baise: one picker entry each, however many months Baise uploads
    assert len(periods.options) == 40 + 2  # 40 uploaded months, Gansu's period and Baise's
    assert len(periods.value) == DEFAULT_COMBOS and "2020-10-10|2020-11-27" in periods.value
    assert len(regions.value) == 2
    assert len(chart_specs(at)) == 1 and len(at.dataframe[-1].value) == 7 + 2 * 2  # curated, the 2 latest months
    assert {"regions", "periods", "combos"}.isdisjoint(at.query_params)  # the first view keeps the link clean
    assert not any("draws the first" in c.value for c in at.caption)

    figures = many_combos(build_all_figures(), 40)
    every = list(list_combos(figures, shared_metrics(figures))["combo"])
    at = open_page("compare", "zh", periods=sorted({c.split("|", 1)[1] for c in every}))
    assert len(at.multiselect(key="compare_periods").value) == 42
    assert any("图中只画出前30个" in c.value for c in at.caption)
    bars = sum(len(trace["x"]) for trace in chart_specs(at)[0]["data"])
    assert bars < len(at.dataframe[-1].value)  # the table keeps every compared figure
    assert len(at.dataframe[-1].value) == 2 * 40 + 7  # 40 uploaded months of two metrics, 7 curated figures


def test_a_link_from_before_the_two_pickers_opens_the_view_it_named(forty_months):
    """?combos=region|start|end links (one picker of region-period pairs) keep working."""
    from tests.test_pages import chart_specs, open_page

    at = open_page("compare", "zh", combos=["620000|2020-10-10|2020-11-27"])
    assert at.multiselect(key="compare_regions").value == ["620000"]
    assert at.multiselect(key="compare_periods").value == ["2020-10-10|2020-11-27"]
    assert "combos" not in at.query_params and at.query_params["regions"] == "620000"
    assert set(at.dataframe[-1].value.iloc[:, 0]) <= {f"gs20-{n:03d}" for n in range(1, 41)}  # Gansu's figures only
    assert chart_specs(at)


def _chunked_text_frame() -> pd.DataFrame:
    """Text columns in several Arrow chunks (as the store's frame holds them), a missing value, numbers."""
    parts = [
        pd.DataFrame({"region_code": ["a", "b", None], "combo": ["a|1", "b|1", "c|1"], "value": [1.0, 2.0, 3.0]}),
        pd.DataFrame({"region_code": ["b", "a"], "combo": ["b|2", "a|2"], "value": [4.0, float("nan")]}),
        pd.DataFrame({"region_code": ["c"], "combo": ["c|2"], "value": [6.0]}),
    ]
    frame = pd.concat([p.astype({"region_code": "str", "combo": "str"}) for p in parts], ignore_index=True)
    assert frame["region_code"].array._pa_array.num_chunks == 3
    return frame


def test_take_rows_equals_iloc_with_text_as_plain_objects():
    from charts.compare import take_rows

    frame = _chunked_text_frame()
    for positions in ([5, 0, 2, 3], [], [2], [4, 1, 1]):
        taken = take_rows(frame, pd.Series(positions, dtype="int64").to_numpy())
        expected = frame.iloc[positions].astype({"region_code": object, "combo": object})
        pd.testing.assert_frame_equal(taken, expected)
        assert taken["region_code"].dtype == object


def test_positions_by_equals_groupby_indices_missing_values_left_out():
    from charts.compare import positions_by

    frame = _chunked_text_frame()
    got = positions_by(frame["region_code"])
    expected = frame.groupby("region_code", sort=False).indices
    assert list(got) == list(expected) == ["a", "b", "c"]
    assert all(got[k].tolist() == expected[k].tolist() for k in got)
    assert positions_by(frame["region_code"].iloc[0:0]) == {}


def test_records_of_equals_to_dict():
    from charts.compare import records_of

    frame = _chunked_text_frame()
    assert str(records_of(frame)) == str(frame.to_dict("records"))
    assert records_of(frame, ["combo", "missing"]) == [{"combo": c} for c in frame["combo"]]
