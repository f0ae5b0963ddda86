"""The checker at scale: same reports as before it was made fast, and work done once per distinct text.

`golden_tables/` holds small inputs (generated tidy and wide tables as the benchmarks make them, and
hand-made tables full of repeated problems) with the reports the checker gave for them before the
fast paths (memoised specs, regions and periods; the figures frame built column-wise). Every message,
figure value, dtype and ordering must stay exactly the same.
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import pytest

from bench.workload import build_tidy_rows, build_wide_rows, write_csv
from loaders.tables import check_bytes
from loaders.upload.report import CATEGORY_COLUMNS

GOLDEN = Path(__file__).resolve().parent / "golden_tables"
CASES = sorted(p for p in GOLDEN.iterdir() if p.suffix in (".csv", ".xlsx"))


def _coded(expected: dict) -> list[str]:
    """The recorded dtypes with the repeated text columns as categoricals (issue 13: the frame's
    repeated texts are coded since; their values, compared below, are the recorded ones)."""
    return ["category" if name in CATEGORY_COLUMNS and dtype == "str" else dtype
            for name, dtype in zip(expected["columns"], expected["dtypes"], strict=True)]


def _same(got: object, want: object) -> bool:
    if isinstance(want, float) and math.isnan(want):
        return isinstance(got, float) and math.isnan(got)
    return type(got) is type(want) and got == want


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_report_is_the_one_given_before_the_fast_paths(path):
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    report = check_bytes(path.read_bytes(), path.name)
    assert report.to_dict() == expected["report"]
    assert report.new_metrics == expected["new_metrics"]
    figures = report.figures
    assert list(figures.columns) == expected["columns"]
    assert [str(d) for d in figures.dtypes] == _coded(expected)
    assert type(figures.index).__name__ == "RangeIndex"
    assert len(figures) == len(expected["figures"])
    for got_row, want_row in zip(figures.itertuples(index=False), expected["figures"], strict=True):
        got = [v.item() if hasattr(v, "item") else v for v in got_row]
        assert all(_same(g, w) for g, w in zip(got, want_row, strict=True)), (got, want_row)


def test_golden_cases_cover_accepted_and_refused_tables():
    statuses = {json.loads(p.with_suffix(".json").read_text(encoding="utf-8"))["report"]["status"] for p in CASES}
    assert statuses == {"accepted", "accepted_with_warnings", "rejected"}


def _tidy_csv(n: int) -> bytes:
    buffer = io.StringIO()
    import csv

    csv.writer(buffer, lineterminator="\n").writerows(build_tidy_rows(n))
    return buffer.getvalue().encode("utf-8")


def _count_calls(monkeypatch, module, name: str) -> list:
    calls = []
    original = getattr(module, name)

    def counting(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counting)
    return calls


def test_a_tidy_table_resolves_each_distinct_metric_region_and_period_once(monkeypatch):
    rows = list(build_tidy_rows(2_400))[1:]
    from loaders.upload import places, values
    from loaders.upload import specs as specs_module

    specs = _count_calls(monkeypatch, specs_module, "spec_for")
    regions = _count_calls(monkeypatch, places, "match_region")
    periods = _count_calls(monkeypatch, values, "parse_period")
    report = check_bytes(_tidy_csv(2_400), "tidy.csv")
    assert report.status == "accepted" and len(report.figures) == 2_400
    assert len(specs) == len({(r[2], r[4]) for r in rows}) == 12
    assert len(regions) == len({r[0] for r in rows})
    # parse_period also reads the header row's cells while the header is recognised.
    assert len({r[1] for r in rows}) <= len(periods) <= len({r[1] for r in rows}) + 5


def test_a_memoised_problem_is_reported_on_every_row_with_its_own_number():
    lines = ["地区,期间,指标,数值,单位"] + [f"南宁,2024年{m}月,立案数,{m},公斤" for m in range(1, 13)]
    lines += [f"火星,2023年{m}月,破获案件,{m},起" for m in range(1, 4)]
    report = check_bytes(("\n".join(lines) + "\n").encode(), "t.csv")
    units = [(m.row, m.column, m.message_zh) for m in report.messages if m.code == "unknown_unit"]
    assert units == [(r, "指标", "无法识别单位“公斤”（可写 元、万元、亿元、人、起、%）") for r in range(2, 14)]
    unknown = [(m.row, m.column) for m in report.messages if m.code == "unknown_region"]
    assert unknown == [(14, "地区"), (15, "地区"), (16, "地区")]


def test_wide_workbook_rows_of_the_benchmark_shape_check(tmp_path):
    from bench.workload import write_xlsx

    path = write_xlsx(tmp_path / "wide.xlsx", build_wide_rows(300))
    report = check_bytes(path.read_bytes(), path.name)
    assert report.status == "accepted" and len(report.figures) == 900
    assert report.figures.source_row.is_monotonic_increasing
    csv_path = write_csv(tmp_path / "wide.csv", build_wide_rows(300))
    from_csv = check_bytes(csv_path.read_bytes(), csv_path.name)
    assert from_csv.figures["value"].tolist() == report.figures["value"].tolist()


def test_python_memory_of_a_check_stays_a_small_multiple_of_the_file():
    import tracemalloc

    data = _tidy_csv(5_000)
    check_bytes(data[:2_000], "warm.csv")  # imports and the catalogue are not the table's memory
    tracemalloc.start()
    try:
        report = check_bytes(data, "tidy.csv")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.status == "accepted" and len(report.figures) == 5_000
    # Before the work on scale this peaked at 64x the file (one dict and one object per figure,
    # every row copied twice, per-figure keys in the cross checks); now about 16x.
    assert peak < 32 * len(data), f"{peak / len(data):.0f}x the file"


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_while_checking_and_left_as_it_was(monkeypatch, enabled):
    import gc

    from loaders.upload import check

    seen = []
    original = check.check_table

    def check_table(*args, **kwargs):
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    monkeypatch.setattr(check, "check_table", check_table)
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        report = check_bytes(_tidy_csv(50), "t.csv")
        assert gc.isenabled() is enabled
        broken = check_bytes(b"\x00\x01garbage", "t.csv")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
    assert report.status == "accepted" and broken.status == "rejected"
    assert seen and not any(seen)  # the collector was off inside every check


@pytest.mark.parametrize("chunk", [1, 7, 100])
def test_the_figures_frame_is_the_same_whatever_the_chunk_size(monkeypatch, chunk):
    path = GOLDEN / "tidy_240.csv"
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    from loaders.upload import frame

    monkeypatch.setattr(frame, "FIGURE_CHUNK", chunk)
    figures = check_bytes(path.read_bytes(), path.name).figures
    assert [str(d) for d in figures.dtypes] == _coded(expected)
    got = [[v.item() if hasattr(v, "item") else v for v in row] for row in figures.itertuples(index=False)]
    assert got == expected["figures"]
    assert all(figures[c].array._pa_array.num_chunks == 1 for c in figures.columns if str(figures[c].dtype) == "str")


@pytest.mark.parametrize(
    "text", ["12", "-12", "0", "00012", "12.50", "-0.5", "1234567.125", "1.", ".5", "1.2.3", "-", "1e5", "12,345.6",
             "123456789012.5", "1234567890.1234567"],
)
def test_the_plain_number_fast_path_agrees_with_the_full_grammar(text):
    from loaders.numbers import NumberParseError, _parse_text, parse_number

    def outcome(parse):
        try:
            parsed = parse(text)
        except NumberParseError as exc:
            return exc.code
        return (parsed, type(parsed.value))

    assert outcome(parse_number) == outcome(_parse_text)
