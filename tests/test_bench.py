"""The benchmark harness: point counting, generated workloads, result records, and a --quick run."""

from __future__ import annotations

import base64
import json
import subprocess
import sys

import pytest

from bench.points import array_length, count_points
from bench.run import BENCHMARKS, main, record, to_markdown
from bench.workload import METRICS, build_store_figures, build_tidy_rows, build_wide_rows
from loaders.model import FIGURE_COLUMNS
from tests.conftest import REPO


def typed(values: list[float], dtype: str = "f8", shape: str | None = None) -> dict:
    import array

    code = {"f8": "d", "i4": "i", "i1": "b"}[dtype]
    out = {"dtype": dtype, "bdata": base64.b64encode(array.array(code, values).tobytes()).decode()}
    if shape:
        out["shape"] = shape
    return out


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ([1, 2, 3], 3),
        ([], 0),
        (typed([1.0, 2.0, 3.0, 4.0]), 4),
        (typed([1, 2, 3], "i4"), 3),
        (typed([1, 2, 3, 4, 5, 6], "i1"), 6),
        (typed([0.0] * 6, "f8", "2, 3"), 6),
        ("text", 0),
        (None, 0),
    ],
)
def test_array_length_reads_lists_and_typed_arrays(value, expected):
    assert array_length(value) == expected


@pytest.mark.parametrize(
    ("figure", "expected"),
    [
        ({"data": [{"type": "bar", "x": ["a", "b"], "y": [1, 2]}]}, 2),
        ({"data": [{"x": [1, 2, 3], "y": typed([1.0, 2.0, 3.0])}, {"values": [1] * 7}]}, 10),
        ({"data": [{"lat": [1] * 4, "lon": [1] * 4, "text": ["t"] * 9}]}, 4),
        ({"layout": {"title": "none"}}, 0),
        (json.dumps({"data": [{"y": list(range(12_000))}]}), 12_000),
    ],
)
def test_count_points_sums_the_longest_array_of_each_trace(figure, expected):
    assert count_points(figure) == expected


def test_tidy_rows_hold_n_distinct_figures_after_a_header():
    rows = list(build_tidy_rows(5_000))
    assert rows[0] == ["地区", "期间", "指标", "数值", "单位"]
    assert len(rows) == 5_001
    assert len({tuple(r[:3]) for r in rows[1:]}) == 5_000
    assert {r[2] for r in rows[1:]} == {m[0] for m in METRICS}


def test_wide_rows_keep_cases_solved_below_cases_filed():
    rows = list(build_wide_rows(2_000))
    assert len(rows) == 2_001 and rows[0][:2] == ["地区", "期间"]
    assert all(r[3] < r[2] for r in rows[1:])


def test_store_figures_of_two_uploads_never_share_a_key():
    key = ["region_code", "metric_id", "period_start", "period_end"]
    first, second = build_store_figures(1_000, 0), build_store_figures(1_000, 1)
    assert set(FIGURE_COLUMNS) <= set(first.columns)
    both = [tuple(r) for r in first[key].values] + [tuple(r) for r in second[key].values]
    assert len(set(both)) == 2_000
    assert first["figure_id"].is_unique


def test_record_divides_ours_by_baseline():
    r = record(3.0, 1.5, "ratio <= 2", True, "s", 5, extra=1)
    assert r["ratio"] == 2.0 and r["met"] is True and r["extra"] == 1


def test_markdown_has_one_row_per_benchmark():
    results = {name: record(1.0, 2.0, "goal", name != "export", "s", 1) for name in BENCHMARKS}
    meta = {"date": "d", "nproc": 2, "memory_bytes": 2**30, "cpu": "c", "python": "3.11", "chromium": "Chromium 1",
            **dict.fromkeys(["streamlit", "pandas", "plotly", "kaleido", "openpyxl", "sqlalchemy"], "1")}  # fmt: skip
    table = to_markdown(results, meta, quick=False)
    assert all(f"| {name} |" in table for name in BENCHMARKS)
    assert "| export | 1.000 s | 2.000 s | 0.50× | goal | **no** | 1 |" in table


def test_unknown_benchmark_is_refused(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--only", "nonsense"])
    assert stop.value.code == 2
    assert "nonsense" in capsys.readouterr().err


@pytest.mark.slow
def test_quick_run_reports_every_benchmark_with_numbers():
    done = subprocess.run([sys.executable, "bench/run.py", "--quick", "--json"], cwd=REPO, capture_output=True,
                          text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(done.stdout)
    assert list(results) == BENCHMARKS
    for name, r in results.items():
        for field in ("ours", "baseline", "ratio"):
            assert isinstance(r[field], (int, float)) and r[field] == r[field], (name, field, r[field])
        assert r["baseline"] > 0 and r["ratio"] == pytest.approx(r["ours"] / r["baseline"]), name
        assert r["unit"] in ("s", "bytes") and isinstance(r["met"], bool) and r["runs"] >= 1, name
    assert results["ingest_csv"]["figures"] == results["ingest_csv"]["rows"]
    assert set(results["big_store"]["pages"]) >= {"overview", "compare", "sources"}
