"""Issue 14's speed check: `check_bytes` of one million tidy rows naming every county-level division
(~2,845) against one million naming every prefecture (~333), same process, three runs each (medians).

    .venv/bin/python bench/county_speed.py

Same-name divisions (朝阳区 ×2, 鼓楼区 ×4 …) are written as their 6-digit codes (a bare shared name is
refused with candidates, by design); periods are days (2015-01-01 onwards), three metrics.
"""

from __future__ import annotations

import datetime as dt
import gc
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from loaders.regions import build_regions_frame  # noqa: E402
from loaders.upload.check import check_bytes  # noqa: E402

METRICS = [("立案数", "起"), ("破案数", "起"), ("挽回群众损失", "万元")]


def csv_for(level: str, n: int = 1_000_000) -> bytes:
    regions = build_regions_frame()
    divisions = regions[regions.level == level]
    counts = divisions.name_zh.value_counts()
    cells = [code if counts[name] > 1 else name for name, code in zip(divisions.name_zh, divisions.region_code, strict=True)]
    days = [dt.date(2015, 1, 1) + dt.timedelta(days=k) for k in range(3650)]
    keys = ((cell, day, metric) for day in days for metric in METRICS for cell in cells)
    rows = [f"{cell},{d.year}年{d.month}月{d.day}日,{name},{i % 997},{unit}" for i, (cell, d, (name, unit)) in zip(range(n), keys, strict=False)]
    assert len(rows) == n, len(rows)
    return ("地区,期间,指标,数值,计量单位\n" + "\n".join(rows) + "\n").encode("utf-8")


def main() -> None:
    for level in ("prefecture", "county"):
        data = csv_for(level)
        times = []
        for _ in range(3):
            gc.collect()
            start = time.perf_counter()
            report = check_bytes(data, f"{level}.csv")
            times.append(time.perf_counter() - start)
        print(f"{level}: {len(data):,} bytes, {report.status}, {len(report.figures):,} figures, "
              f"runs {[round(t, 2) for t in times]} s, median {statistics.median(times):.2f} s", flush=True)


if __name__ == "__main__":
    main()
