"""Generated inputs for the benchmarks: regional anti-fraud tables and stored figures, from a fixed seed.

The tables look like what a city or provincial office sends: prefecture names from the divisions
reference, monthly periods (2024年3月), metric headers as offices write them, counts and amounts in 万元.
Every (region, period, metric) occurs once, so the checker finds no duplicates.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from loaders.model import FIGURE_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
SEED = 20240501
LAST_YEAR = 2024

# (header as offices write it, unit cell of a tidy table, metric_id, unit id, category, typical size)
METRICS = [
    ("立案数", "起", "cases_filed", "cases", "outcome", 900),
    ("破获案件", "起", "cases_solved", "cases", "enforcement", 400),
    ("打击处理人数", "人", "suspects_struck", "persons", "enforcement", 600),
    ("捣毁窝点", "处", "dens_destroyed", "dens", "enforcement", 30),
    ("打掉犯罪团伙", "个", "gangs_dismantled", "gangs", "enforcement", 20),
    ("劝阻人数", "人", "victims_prevented", "persons", "prevention", 5000),
    ("群众被骗损失", "万元", "fraud_losses", "yuan", "outcome", 3000),
    ("挽回群众损失", "万元", "losses_recovered", "yuan", "outcome", 800),
    ("止付冻结资金", "万元", "funds_frozen", "yuan", "financial_control", 1500),
    ("拦截涉诈来电", "次", "calls_intercepted", "calls", "telecom_control", 20000),
    ("关停涉案电话号码", "个", "phone_numbers_shut_down", "numbers", "telecom_control", 2000),
    ("发送公益反诈短信", "条", "anti_fraud_sms", "messages", "publicity", 90000),
]
WIDE_METRICS = METRICS[:3]


def read_prefectures() -> list[tuple[str, str]]:
    """(region_code, name_zh) of every prefecture-level division, in file order."""
    with open(ROOT / "datasets" / "divisions.csv", encoding="utf-8", newline="") as handle:
        return [(r["region_code"], r["name_zh"]) for r in csv.DictReader(handle) if r["level"] == "prefecture"]


def _value(rng: random.Random, size: int, money: bool, scale: float) -> str:
    """One figure near `size` × `scale` (a region-month's own scale, so cases solved < cases filed)."""
    number = size * scale * (0.9 + 0.2 * rng.random())
    return f"{number:.1f}" if money else str(int(number) + 1)


def _slots() -> Iterator[tuple[int, int, str, str]]:
    """(year, month, code, name) from the latest month backwards, every prefecture each month."""
    prefectures = read_prefectures()
    for year in range(LAST_YEAR, LAST_YEAR - 200, -1):
        for month in range(12, 0, -1):
            for code, name in prefectures:
                yield year, month, code, name


def build_tidy_rows(n: int) -> Iterator[list[str]]:
    """A header, then `n` rows of 地区 | 期间 | 指标 | 数值 | 单位: one figure per row."""
    rng = random.Random(SEED)
    yield ["地区", "期间", "指标", "数值", "单位"]
    made = 0
    for year, month, _, name in _slots():
        scale = 0.3 + 1.4 * rng.random()
        for header, unit, _, _, _, size in METRICS:
            if made == n:
                return
            yield [name, f"{year}年{month}月", header, _value(rng, size, unit == "万元", scale), unit]
            made += 1


def build_wide_rows(n: int) -> Iterator[list[object]]:
    """A header, then `n` rows of 地区 | 期间 | one column per metric (three figures per row)."""
    rng = random.Random(SEED)
    yield ["地区", "期间", *[h if u != "万元" else f"{h}(万元)" for h, u, *_ in WIDE_METRICS]]
    for made, (year, month, _, name) in enumerate(_slots()):
        if made == n:
            return
        scale = 0.3 + 1.4 * rng.random()
        values = [float(_value(rng, size, unit == "万元", scale)) for _, unit, _, _, _, size in WIDE_METRICS]
        yield [name, f"{year}年{month}月", *[int(v) if v.is_integer() else v for v in values]]


def write_csv(path: Path, rows: Iterator[list[object]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return path


def write_xlsx(path: Path, rows: Iterator[list[object]], sheet: str = "统计表") -> Path:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    worksheet = book.create_sheet(sheet)
    for row in rows:
        worksheet.append(row)
    book.save(path)
    return path


def build_store_figures(n: int, upload_no: int = 0) -> pd.DataFrame:
    """`n` figures in the checker's output shape, as one uploaded tidy table would give them.

    `upload_no` shifts the slots so that several uploads never share a (region, period, metric) key.
    """
    rng = random.Random(SEED + upload_no)
    start = upload_no * n
    rows = []
    slots = _slots()
    skip = start // len(METRICS)
    offset = start % len(METRICS)
    for _ in range(skip):
        next(slots)
    source = f"upload:bench{upload_no:04d}"
    made = 0
    for year, month, code, _ in slots:
        scale = 0.3 + 1.4 * rng.random()
        for header, unit_text, metric_id, unit, category, size in METRICS[offset:]:
            if made == n:
                break
            made += 1
            last_day = pd.Timestamp(year=year, month=month, day=1).days_in_month
            value = float(_value(rng, size, unit_text == "万元", scale)) * (10_000 if unit_text == "万元" else 1)
            rows.append((
                f"{source}-{made:07d}", code, f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{last_day:02d}",
                f"{year}年{month}月", category, metric_id, value, unit, header, made + 1,
            ))  # fmt: skip
        offset = 0
        if made == n:
            break
    frame = pd.DataFrame(
        rows,
        columns=[
            "figure_id", "region_code", "period_start", "period_end", "period_text", "category", "metric_id",
            "value", "unit", "metric_zh", "source_row",
        ],
    )  # fmt: skip
    frame["fact_id"] = frame["figure_id"]
    frame["source_id"] = source
    frame["evidence"] = [f"bench.csv 第{r}行 {h}" for r, h in zip(frame["source_row"], frame["metric_zh"], strict=True)]
    for column in ("phase", "agency_id", "breakdown", "direction", "basis", "note", "metric_en", "formula"):
        frame[column] = ""
    frame["measure"] = "level"
    frame["qualifier"] = "exact"
    frame["derived"] = False
    return frame[[*FIGURE_COLUMNS, "metric_zh", "metric_en", "source_row", "derived", "formula"]]
