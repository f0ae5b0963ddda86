"""Pages with many uploaded figures: bounded first views, capped tables, no per-row work over every figure.

No test here times anything: each checks a property that per-row work over the whole store, or a
first view drawing every uploaded region, would break.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

import charts.cards as cards_module
import ui.data
from charts.cards import DEFAULT_REGION_LIMIT, build_cards, default_regions, region_choices
from loaders.catalog import load_catalog
from loaders.frame import MAX_CHUNKS, _with_labels, build_all_figures

CURATED_REGIONS = ["620000", "451000", "100000"]  # Gansu, Baise, the whole country (MPS 2021)
MONTHS = 6


def uploaded_regions(figures: pd.DataFrame, count: int, months: int = MONTHS) -> pd.DataFrame:
    """`figures` plus an upload stating two levels and one change for `count` new regions × `months` months."""
    catalog = load_catalog()
    codes = [c for c in catalog.divisions.index if c not in set(figures["region_code"])][:count]
    template = figures[figures["figure_id"] == "bs24-001"].iloc[0]
    rows = []
    for code in codes:
        for month in range(1, months + 1):
            for metric_id, measure, value, direction, basis in (
                ("fraud_cases", "level", 100.0 + month, "", ""),
                ("fraud_losses", "level", 2_000_000.0 * month, "", ""),
                ("fraud_cases", "change", 3.5, "decrease", "yoy"),
            ):
                row = template.to_dict()
                figure_id = f"upload:t-{code}-{month:02d}-{metric_id}-{measure}"
                row.update(
                    figure_id=figure_id, fact_id=figure_id, source_id="upload:t", region_code=code,
                    region_zh=str(catalog.divisions.at[code, "name_zh"]), region_en=str(catalog.divisions.at[code, "name_en"]),
                    metric_id=metric_id, measure=measure, value=value, direction=direction, basis=basis,
                    unit="percent" if measure == "change" else ("yuan" if metric_id == "fraud_losses" else "case"),
                    period_start=f"2025-{month:02d}-01", period_end=f"2025-{month:02d}-28", period_text=f"2025年{month}月",
                    evidence=f"t.csv 第{month}行", note="", upload_id="u-many", derived=False, formula="",
                    breakdown="", phase="", qualifier="exact", agency_id="",
                )  # fmt: skip
                rows.append(row)
    return pd.concat([figures, pd.DataFrame(rows, columns=figures.columns)], ignore_index=True)


@pytest.fixture(scope="module")
def curated() -> pd.DataFrame:
    return build_all_figures(include_uploaded=False)


@pytest.fixture(scope="module")
def many(curated) -> pd.DataFrame:
    return uploaded_regions(curated, 60)


@pytest.fixture
def many_on_pages(monkeypatch, many):
    """The pages' figures: curated plus 60 uploaded regions (an AppTest store of many regions)."""
    monkeypatch.setattr(ui.data, "build_all_figures", lambda: many.copy())
    ui.data.clear_data_cache()
    yield many
    ui.data.clear_data_cache()


# --- the overview's first view ------------------------------------------------------------------------


def test_default_regions_every_region_when_few(curated):
    assert default_regions(curated) == CURATED_REGIONS
    few = uploaded_regions(curated, DEFAULT_REGION_LIMIT - len(CURATED_REGIONS))
    assert default_regions(few) == list(dict.fromkeys(few["region_code"]))


def test_default_regions_curated_only_when_many(many):
    assert len(region_choices(many, "zh")) == 63
    assert default_regions(many) == CURATED_REGIONS
    uploads_only = many[many["upload_id"] != ""]
    assert default_regions(uploads_only) == list(dict.fromkeys(uploads_only["region_code"]))[:DEFAULT_REGION_LIMIT]


def test_region_choices_in_order_of_first_appearance(many):
    names = region_choices(many, "en")
    first = many.drop_duplicates("region_code")
    assert list(names) == list(first["region_code"])
    assert list(names.values()) == list(first["region_en"])


def test_overview_with_many_uploaded_regions_starts_with_the_curated_regions(many_on_pages):
    from tests.test_pages import open_page

    at = open_page("overview", "zh")
    regions = at.multiselect(key="overview_regions")
    assert regions.value == CURATED_REGIONS
    assert len(regions.options) == 63  # every uploaded region can still be added
    assert "regions" not in at.query_params  # the first view keeps the link clean
    shown = {m.label for m in at.metric}
    curated_only = open_page_curated_metrics()
    assert shown == curated_only
    at.multiselect(key="overview_regions").set_value([*CURATED_REGIONS, "110000"]).run()
    assert not at.exception
    assert any("北京市" in el.value for el in at.markdown)


def open_page_curated_metrics() -> set[str]:
    from tests.test_pages import open_page

    ui.data.clear_data_cache()
    original = ui.data.build_all_figures
    try:
        ui.data.build_all_figures = build_all_figures
        return {m.label for m in open_page("overview", "zh").metric}
    finally:
        ui.data.build_all_figures = original
        ui.data.clear_data_cache()


# --- cards word only what they show -------------------------------------------------------------------


def test_cards_word_headings_for_the_shown_regions_only(many, monkeypatch):
    """Headings and periods are worded for the cards shown, not for every stated figure of the store."""
    calls = []
    real = cards_module.format_period

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(cards_module, "format_period", counting)
    catalog = load_catalog()
    cards = build_cards(many, "zh", catalog, CURATED_REGIONS)
    groups = {c.group for c in cards}
    assert len(calls) <= len(cards) + 3 * len(groups) + 10
    assert len(calls) < (many["upload_id"] != "").sum() / 4


def test_cards_are_the_same_when_the_frame_is_filtered_first(many):
    """The page takes the selected regions once and hands the slice to the card builder."""
    catalog = load_catalog()
    selected = ["451000", many["region_code"].iloc[-1]]
    chosen = many[many["region_code"].isin(selected)]
    for show_all in (False, True):
        assert build_cards(chosen, "en", catalog, selected, show_all) == build_cards(many, "en", catalog, selected, show_all)


# --- labels are looked up once per key ----------------------------------------------------------------


class CountingFrame(pd.DataFrame):
    """A reference table counting `.at` look-ups."""

    _metadata = ["counter"]

    @property
    def _constructor(self):
        return CountingFrame

    @property
    def at(self):
        self.counter.append(1)
        return super().at


def test_labels_are_looked_up_once_per_distinct_key(many):
    catalog = load_catalog()
    counter: list[int] = []
    counting = {}
    for name in ("metrics", "units", "agencies", "regions", "breakdowns", "divisions"):
        frame = CountingFrame(getattr(catalog, name))
        frame.counter = counter
        counting[name] = frame
    labelled = _with_labels(many, dataclasses.replace(catalog, **counting))
    distinct = sum(many[c].nunique() for c in ("region_code", "metric_id", "unit", "agency_id", "breakdown"))
    assert len(counter) <= 2 * 2 * distinct  # two languages, regions then divisions
    assert (labelled["region_zh"] == many["region_zh"]).all()


# --- the shared frame -----------------------------------------------------------------------------------


def test_figures_are_one_shared_frame_in_columns_of_few_chunks(many_on_pages):
    from tests.test_pages import open_page

    open_page("overview", "zh")
    first = ui.data.load_figures()
    assert ui.data.load_figures() is first  # cache_resource: no copy per rerun
    built = build_all_figures()
    for column in built.columns:
        array = built[column].array
        if hasattr(array, "__arrow_array__"):
            assert array.__arrow_array__().num_chunks <= MAX_CHUNKS, column


@pytest.mark.parametrize("page", ["overview", "crackdown", "fraud_types", "compare", "sources"])
def test_no_page_changes_the_shared_frame(many_on_pages, page):
    from tests.test_pages import open_page

    at = open_page(page, "en")
    at.run()
    pd.testing.assert_frame_equal(ui.data.load_figures(), many_on_pages)


# --- the sources table ----------------------------------------------------------------------------------


def test_sources_table_is_capped_and_states_the_total(many_on_pages):
    from charts.tables import TABLE_ROW_LIMIT
    from tests.test_pages import all_text, open_page

    total = len(many_on_pages)
    assert total > TABLE_ROW_LIMIT
    at = open_page("sources", "zh")
    table = at.dataframe[0].value
    assert len(table) == TABLE_ROW_LIMIT
    assert list(table["编号"]) == list(many_on_pages["figure_id"][:TABLE_ROW_LIMIT])
    text = all_text(at)
    assert f"显示前{TABLE_ROW_LIMIT}行，共{total}行；完整数据请下载" in text
    assert f"显示 {total} / {total} 项数据" in text
    at = open_page("sources", "en", q="bs24")
    assert "Showing the first" not in all_text(at)  # a narrow search fits: no note
    assert len(at.dataframe[0].value) == (many_on_pages["figure_id"].str.startswith("bs24")).sum()


def test_sources_curated_only_has_no_cap_note():
    from tests.test_pages import all_text, open_page

    at = open_page("sources", "en")
    assert "Showing the first" not in all_text(at)


def test_a_sources_rerun_does_not_filter_every_figure_again(many_on_pages, monkeypatch):
    """The table and its count are kept per store version and filters; downloads filter on click only."""
    import charts.tables
    from tests.test_pages import open_page

    calls = []
    real = charts.tables.filter_figures

    def counting(figures, *args, **kwargs):
        calls.append(len(figures))
        return real(figures, *args, **kwargs)

    monkeypatch.setattr(charts.tables, "filter_figures", counting)
    at = open_page("sources", "en")
    assert len(calls) == 1
    at.run()
    at.run()
    assert len(calls) == 1
    at.text_input(key="sources_search").input("Baise").run()
    assert len(calls) == 2


def test_build_figure_view_counts_every_match_and_builds_the_first_rows(many):
    from charts.tables import build_figure_table, build_figure_view, filter_figures

    catalog = load_catalog()
    table, matching = build_figure_view(many, catalog, "en", limit=50, include_derived=False)
    expected = filter_figures(many, include_derived=False)
    assert matching == len(expected)
    pd.testing.assert_frame_equal(table, build_figure_table(expected.head(50), catalog, "en"))


# --- what a page reads off every figure is taken once per store version ---------------------------------


@pytest.mark.parametrize(
    ("page", "module", "names"),
    [
        ("overview", "charts.cards", ["region_choices", "default_regions"]),
        ("crackdown", "charts.pages", ["crackdown_sources"]),
        ("fraud_types", "charts.fraud_types", ["fraud_type_rows"]),
        ("sources", "charts.tables", ["filter_options"]),
    ],
)
def test_a_rerun_reads_nothing_off_every_figure_again(many_on_pages, monkeypatch, page, module, names):
    import importlib

    from tests.test_pages import open_page

    calls = []
    target = importlib.import_module(module)
    for name in names:
        real = getattr(target, name)

        def counting(*args, _real=real, **kwargs):
            calls.append(len(args[0]))
            return _real(*args, **kwargs)

        monkeypatch.setattr(target, name, counting)
    at = open_page(page, "en")
    first = len(calls)
    assert first >= 1
    assert all(n == len(many_on_pages) for n in calls)  # these do read every figure, once
    at.run()
    at.run()
    assert len(calls) == first


def test_the_fraud_type_slice_gives_the_same_charts(many):
    from charts.changes import build_changes_chart, select_changes
    from charts.fraud_types import build_type_mix_chart, combo_key, fraud_type_rows, mix_combos, select_implied_total

    catalog = load_catalog()
    typed = many[many["breakdown"].str.startswith("fraud_type:")].copy()
    typed["region_code"] = many["region_code"].iloc[-1]  # the same types stated for an uploaded region
    typed["figure_id"] = typed["fact_id"] = "upload:" + typed["figure_id"]
    figures = pd.concat([many, typed], ignore_index=True)
    part = fraud_type_rows(figures)
    assert len(part) < len(figures) / 2
    pd.testing.assert_frame_equal(mix_combos(part), mix_combos(figures))
    pd.testing.assert_frame_equal(select_changes(part, by_type=True), select_changes(figures, by_type=True))
    for key in [combo_key(r) for _, r in mix_combos(figures).iterrows()]:
        pd.testing.assert_frame_equal(select_implied_total(part, key), select_implied_total(figures, key))
        for measure in ("level", "share"):
            a, b = build_type_mix_chart(part, "zh", catalog, key, measure), build_type_mix_chart(figures, "zh", catalog, key, measure)
            assert a.figure.to_json() == b.figure.to_json() and a.footnotes == b.footnotes
    for region in dict.fromkeys(select_changes(figures, by_type=True)["region_code"]):
        a = build_changes_chart(part, "en", catalog, region_codes=[region], by_type=True)
        b = build_changes_chart(figures, "en", catalog, region_codes=[region], by_type=True)
        assert a.figure.to_json() == b.figure.to_json()


def test_rows_of_regions_is_the_isin_filter(many):
    from charts.cards import region_rows, rows_of_regions

    positions = region_rows(many)
    codes = list(many["region_code"].unique())
    for selected in (CURATED_REGIONS, codes[-3:], [], ["nope"], codes, ["451000", "451000", codes[5]]):
        pd.testing.assert_frame_equal(rows_of_regions(many, positions, selected), many[many["region_code"].isin(selected)])
