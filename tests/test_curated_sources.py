"""The later curated sources on compare: Gansu 2020 against 2021, and the whole country against a province."""

from __future__ import annotations

from charts.compare import build_caveats, build_comparison, list_combos
from charts.maps import is_province
from loaders.catalog import load_catalog
from loaders.frame import build_all_figures


def test_gansu_2020_and_2021_compare_on_the_metrics_both_state():
    figures = build_all_figures(include_uploaded=False)
    gansu = figures[figures.region_code == "620000"]
    metrics = ["calls_intercepted", "funds_frozen"]
    combos = list(list_combos(gansu, metrics)["combo"])
    comparison = build_comparison(gansu, load_catalog(), metrics, combos, "per_30_days")
    plotted = dict(zip(comparison.figure_id, comparison.plotted, strict=True))
    assert {"gs20-011", "gs21-006", "gs20-030", "gs21-011"} <= set(plotted)
    assert plotted["gs21-006"] is None or plotted["gs21-006"] != plotted["gs21-006"]  # no start stated: no rate
    caveats = " ".join(build_caveats(comparison, gansu, load_catalog(), "en"))
    assert "no stated period" in caveats and "gs21-011" in caveats


def test_the_whole_country_is_compared_per_capita_with_its_sourced_population():
    figures = build_all_figures(include_uploaded=False)
    rows = figures[figures.figure_id.isin(["gs20-001", "mps21-008"])]
    combos = list(list_combos(rows, ["two_card_suspects"])["combo"])
    comparison = build_comparison(rows, load_catalog(), ["two_card_suspects"], combos, "per_100k")
    plotted = dict(zip(comparison.figure_id, comparison.plotted, strict=True))
    assert plotted["mps21-008"] == 11.3  # ≥160,000 ÷ 1,411,778,724 × 100,000, a lower bound rounded down
    caveats = " ".join(build_caveats(comparison, rows, load_catalog(), "zh"))
    assert "全国为国家级" in caveats and "国家统计局" in caveats
    assert not is_province("100000") and is_province("620000")


def test_the_compare_first_view_keeps_every_curated_region():
    """More curated region-periods than the first view holds: each curated region keeps a place."""
    from charts.compare import DEFAULT_COMBOS, default_combos, prepare_compare, region_key
    from loaders.frame import build_all_figures

    data = prepare_compare(build_all_figures(include_uploaded=False))
    assert len(data.curated) > DEFAULT_COMBOS  # the situation this guards
    shown = default_combos(data)
    assert len(shown) == DEFAULT_COMBOS
    assert {region_key(c) for c in shown} == {region_key(c) for c in data.curated}
