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
from loaders.figures import build_all_figures

GOLDEN = Path(__file__).resolve().parent / "golden" / "compare.json.gz"
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


@pytest.mark.parametrize("part", ["figure", "data", "words", "comparison", "table", "caveats"])
def test_compare_page_output_is_unchanged(golden, current, part):
    for case, expected in golden.items():
        assert current[case][part] == expected[part], (case, part)


if __name__ == "__main__":
    GOLDEN.parent.mkdir(exist_ok=True)
    text = json.dumps(all_snapshots(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    GOLDEN.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    print(f"wrote {GOLDEN}")
