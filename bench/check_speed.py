"""The checker alone against `pandas.read_csv` of the same bytes: `python -m bench.check_speed [--rows N]`.

Issue 13's `ingest_csv` goal is check + store ≤ 8× read_csv; the check's share of it is about 4×.
This measures `check_bytes` of the benchmark's tidy CSV (bench/workload.py) and `read_csv` of the
same file in one process, alternating (read_csv, check, read_csv, check …), and prints the medians
of wall-clock and CPU time (all threads; steadier than wall-clock on a shared machine), their ratios and the check's peak memory growth (tracemalloc peak while checking, the file's bytes
excluded; Arrow's buffers are not traced, their pool's peak is given apart), and the growth of the
process's peak RSS over the first check, run before anything else). Run it on a quiet machine:
only the ratio inside one run means anything.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--file", type=Path, help="an existing CSV instead of the generated one")
    parser.add_argument("--work", type=Path, default=ROOT / "artifacts" / "check_speed", help="where the generated CSV is kept")
    args = parser.parse_args(argv)

    import pandas as pd
    import pyarrow as pa

    from bench import workload
    from bench.worker import memory
    from loaders.upload.check import check_bytes

    if args.file:
        path = args.file
    else:
        args.work.mkdir(parents=True, exist_ok=True)
        path = args.work / f"tidy_{args.rows}.csv"
        if not path.exists():
            workload.write_csv(path, workload.build_tidy_rows(args.rows))
    data = path.read_bytes()

    rss_before = memory()
    check_times, read_times, check_cpu, read_cpu, statuses = [], [], [], [], set()

    def check() -> None:
        started, cpu = time.perf_counter(), time.process_time()
        report = check_bytes(data, path.name)
        check_times.append(time.perf_counter() - started)
        check_cpu.append(time.process_time() - cpu)
        statuses.add(report.status)
        result["figures"] = len(report.figures)

    def read() -> None:
        started, cpu = time.perf_counter(), time.process_time()
        pd.read_csv(io.BytesIO(data))
        read_times.append(time.perf_counter() - started)
        read_cpu.append(time.process_time() - cpu)

    result: dict = {}
    check()  # first, in a process that has not read the file yet: its peak RSS is the check's own
    rss_after_first = memory()
    arrow_peak = pa.default_memory_pool().max_memory()
    for run in range(args.runs):
        read()
        if run:
            check()
    tracemalloc.start()
    report = check_bytes(data, path.name)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del report
    check, read = statistics.median(check_times), statistics.median(read_times)
    result.update({
        "file": str(path),
        "file_bytes": len(data),
        "statuses": sorted(statuses),
        "check_seconds": check_times,
        "read_csv_seconds": read_times,
        "check_median": round(check, 3),
        "read_csv_median": round(read, 3),
        "ratio": round(check / read, 2),
        "check_cpu_seconds": check_cpu,
        "read_csv_cpu_seconds": read_cpu,
        "cpu_ratio": round(statistics.median(check_cpu) / statistics.median(read_cpu), 2),
        "traced_peak_bytes": traced_peak,
        "traced_peak_per_file_byte": round(traced_peak / len(data), 2),
        "rss_peak_growth_bytes": rss_after_first["peak_rss"] - rss_before["rss"],
        "rss_peak_growth_per_file_byte": round((rss_after_first["peak_rss"] - rss_before["rss"]) / len(data), 2),
        "arrow_pool_peak_bytes": arrow_peak,
    })
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
