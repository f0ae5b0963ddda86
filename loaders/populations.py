"""Resident populations (常住人口): the curated census table, the tables analysts upload, and which
population a period's per-100,000 value uses.

- Curated: `datasets/populations.csv` (2020 census, one source per row), with `datasets/regions.csv`'s
  populations first for the regions it holds (the curated regions cite their own bulletins).
- Uploaded: a CSV/XLSX table with a region column (name or code), a year, 常住人口 with its unit in the
  header (人 or 万人) and a source, read by `loaders.upload.reading.read_grid`, checked by
  `check_population_table` (every problem a message naming the row and the column as written), stored in
  the store's `upload_populations` table (every row kept: the latest upload of a region and year is used,
  and replaces the curated figure of that year).
- `pick_population(table, region, start, end)`: the population of the year nearest the period (a year
  inside the period first, then the nearest; on a tie the earlier year), with its year and source.

No population is ever estimated, interpolated or carried from another region.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path

import pandas as pd

from loaders.catalog import datasets_dir, read_csv_table
from loaders.messages import Message, ReadError, error, info, warning

COUNTRY_CODE = "100000"  # the whole country: a region of figures (datasets/regions.csv), not a division
COUNTRY_NAMES = ("全国", "中国", "全国合计")
TOTAL_WORDS = ("合计", "总计", "小计", "总数")
MAX_POPULATION = 1_500_000_000  # more than the country: a unit mistake
MAX_SOURCE_CHARS = 500
UNIT_RATIO_LIMIT = 10  # an uploaded figure 10 times off the census figure is a unit mistake (人 vs 万人)
TABLE_COLUMNS = ["region_code", "year", "population", "source", "origin", "file_name", "uploader", "uploaded_at"]

# Header words (folded: full-width forms, spaces and case) -> role.
HEADERS = {
    "region": ("地区", "区域", "地区名称", "行政区划", "行政区划名称", "地区代码", "区划代码", "行政区划代码", "region", "region_code", "area"),
    "year": ("年份", "年度", "年", "year"),
    "population": ("常住人口", "常住人口数", "人口", "人口数", "population", "residents", "residentpopulation"),
    "source": ("来源", "数据来源", "出处", "资料来源", "source"),
}
UNITS = {"人": 1, "万人": 10_000, "persons": 1, "person": 1, "10kpersons": 10_000, "10000persons": 10_000}
_BRACKETS = re.compile(r"^(.*?)[（(\[【]\s*(?:单位[:：]?)?([^）)\]】]*)[）)\]】]\s*$")
_YEAR = re.compile(r"^(\d{4})(?:\.0+)?\s*年?(?:末|底)?$")


@dataclass(frozen=True)
class PopulationChoice:
    """The population a period uses: value, its year, its source, and whether an analyst uploaded it."""

    population: float | None
    year: str = ""
    source: str = ""
    uploaded: bool = False


NO_POPULATION = PopulationChoice(None)


@dataclass
class PopulationReport:
    """What `check_population_table` found: the rows it read and every message, for one file."""

    file_name: str
    frame: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["row", "region_code", "name_zh", "year", "population", "source"]))
    messages: list[Message] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(m.level == "error" for m in self.messages) and len(self.frame) > 0

    def lines(self, lang: str = "zh") -> list[str]:
        """Each message with the file, row and column it is about."""
        where = f"文件“{self.file_name}”" if lang == "zh" else f"file “{self.file_name}”"
        sep = "，" if lang == "zh" else ", "
        return [f"{where}{sep}{m.text(lang)}" for m in self.messages]


# ----- the curated table ----------------------------------------------------------------------


def curated_populations() -> pd.DataFrame:
    """The census populations of `datasets/` (read once per datasets folder)."""
    return _curated(str(datasets_dir())).copy()


@lru_cache(maxsize=4)
def _curated(folder: str) -> pd.DataFrame:
    rows: dict[tuple[str, int], dict] = {}
    path = Path(folder)
    for name in ("populations.csv", "regions.csv"):  # regions.csv last: its own citation wins for its regions
        if not (path / name).exists():
            continue
        table = read_csv_table(path / name)
        if "population" not in table.columns:
            continue
        for r in table.itertuples(index=False):
            if str(r.population).strip() and str(r.population_year).strip():
                year = int(r.population_year)
                rows[(r.region_code, year)] = {
                    "region_code": r.region_code, "year": year, "population": float(r.population),
                    "source": r.population_source, "origin": "census", "file_name": "", "uploader": "", "uploaded_at": None,
                }
    return pd.DataFrame(list(rows.values()), columns=TABLE_COLUMNS)


def combine_populations(uploaded: pd.DataFrame | None) -> pd.DataFrame:
    """Curated and uploaded populations in one table: an upload replaces the curated figure of its
    region and year, and the latest upload of a region and year replaces the earlier ones."""
    curated = curated_populations()
    if uploaded is None or uploaded.empty:
        return curated
    latest = uploaded.sort_values("uploaded_at", kind="stable").drop_duplicates(["region_code", "year"], keep="last")
    latest = latest.assign(origin="uploaded")[TABLE_COLUMNS]
    keep = ~curated.set_index(["region_code", "year"]).index.isin(latest.set_index(["region_code", "year"]).index)
    return pd.concat([curated[keep], latest], ignore_index=True)


def _years(start: object, end: object) -> tuple[int, int] | None:
    def year(text: object) -> int | None:
        text = "" if text is None or (isinstance(text, float) and math.isnan(text)) else str(text)
        return int(text[:4]) if text[:4].isdigit() else None

    first, last = year(start), year(end)
    if last is None:
        return None
    return (first if first is not None else last, last)


PopulationIndex = dict[str, list[tuple[int, float, str, bool]]]  # region -> (year, population, source, uploaded)


def index_populations(table: pd.DataFrame | PopulationIndex) -> PopulationIndex:
    """The table by region, for many `pick_population` calls (a comparison of many regions); an index as it is."""
    if isinstance(table, dict):
        return table
    index: PopulationIndex = {}
    columns = (table[c].tolist() for c in ("region_code", "year", "population", "source", "origin"))
    for code, year, population, source, origin in zip(*columns, strict=True):
        index.setdefault(code, []).append((int(year), float(population), str(source), origin == "uploaded"))
    return index


def pick_population(
    table: pd.DataFrame | PopulationIndex, region_code: str, start: object = "", end: object = ""
) -> PopulationChoice:
    """The population of `region_code` for the period `start`..`end` (ISO dates).

    A year inside the period first (the one nearest its end), else the nearest year; on a tie the
    earlier. Without a period, the latest year. NO_POPULATION when the region has none. `table` is
    a populations table or its `index_populations` (faster for many calls).
    """
    if isinstance(table, pd.DataFrame):
        rows = index_populations(table[table["region_code"] == region_code]).get(region_code)
    else:
        rows = table.get(region_code)
    if not rows:
        return NO_POPULATION
    span = _years(start, end)

    def key(row: tuple[int, float, str, bool]) -> tuple:
        year = row[0]
        if span is None:
            return (0, -year)
        first, last = span
        outside = 0 if first <= year <= last else min(abs(year - first), abs(year - last))
        return (outside, abs(year - last), year)

    year, population, source, uploaded = min(rows, key=key)
    return PopulationChoice(population, str(year), source, uploaded)


# ----- reading an uploaded table --------------------------------------------------------------


def _fold(text: object) -> str:
    from loaders.upload.cells import header_key

    return header_key("" if text is None else text)


def _header_role(text: object) -> tuple[str | None, str | None, bool]:
    """(role, unit, had_brackets) of a header cell: 常住人口（万人） -> ("population", "万人", True)."""
    raw = "" if text is None else str(text).strip()
    match = _BRACKETS.match(raw)
    name, unit = (match.group(1), match.group(2)) if match else (raw, None)
    key = _fold(name)
    for role, words in HEADERS.items():
        if key in {_fold(w) for w in words}:
            return role, (_fold(unit) if unit is not None else None), match is not None
    return None, None, False


def read_population_table(data: bytes, file_name: str) -> PopulationReport:
    """Read and check an uploaded population table; a file that cannot be read gives its messages."""
    from loaders.upload.reading import read_grid

    try:
        grid = read_grid(data, file_name)
    except ReadError as exc:
        return PopulationReport(file_name, messages=list(exc.messages))
    return check_population_table(grid.rows, file_name)


def check_population_table(rows: list[list[object]], file_name: str, today: date | None = None) -> PopulationReport:
    """Check the cells of a population table (row 0 is the file's first row)."""
    from loaders.numbers import NumberParseError, parse_number
    from loaders.regions import RegionMatch, match_region
    from loaders.upload.cells import cell_text, is_blank

    report = PopulationReport(file_name)
    say = report.messages.append
    today = today or datetime.now(UTC).date()
    header_at, columns, units = None, {}, {}
    for i, row in enumerate(rows[:20]):
        found = {}
        for j, cell in enumerate(row):
            role, unit, _ = _header_role(cell)
            if role and role not in found:
                found[role] = j
                units[role] = (unit, cell_text(cell).strip())
        if "region" in found and "population" in found:
            header_at, columns = i, found
            break
    if header_at is None:
        say(error(
            "population_header_missing",
            "找不到表头：需要“地区”“年份”“常住人口（人）”或“常住人口（万人）”“来源”四列",
            "No header found: the table needs the columns 地区 (region), 年份 (year), 常住人口（人）or 常住人口（万人）"
            " (resident population, with its unit) and 来源 (source)",
        ))
        return report
    header_row = header_at + 1
    names = {role: cell_text(rows[header_at][j]).strip() for role, j in columns.items()}
    for role, zh, en in (("year", "年份", "year"), ("source", "来源", "source")):
        if role not in columns:
            say(error(f"population_{role}_column_missing", f"缺少“{zh}”列", f"the column “{zh}” ({en}) is missing", header_row))
    unit_text, population_header = units["population"]
    scale = UNITS.get(unit_text or "")
    if scale is None:
        say(error(
            "population_unit_missing",
            f"“{population_header}”列未写明单位：请写“常住人口（人）”或“常住人口（万人）”",
            f"the column “{population_header}” does not say its unit: write 常住人口（人）(persons) or 常住人口（万人）(10,000 persons)",
            header_row, population_header,
        ))
    if any(m.level == "error" for m in report.messages):
        return report

    census = curated_populations()
    seen: dict[tuple[str, int], int] = {}
    read = []
    for i in range(header_at + 1, len(rows)):
        row = rows[i]
        number = i + 1

        def cell(role: str, row: list[object] = row) -> object:
            j = columns[role]
            return row[j] if j < len(row) else None

        if all(is_blank(v) for v in row):
            continue
        region_text = cell_text(cell("region")).strip()
        if any(word in region_text for word in TOTAL_WORDS):
            say(info("population_total_row", f"“{region_text}”行是合计，未读取", f"“{region_text}” is a total row; not read", number, names["region"]))
            continue
        problems = len(report.messages)
        if _fold(region_text) in {_fold(n) for n in COUNTRY_NAMES} or region_text == COUNTRY_CODE:
            code, name = COUNTRY_CODE, "全国"
        else:
            match = match_region(region_text)
            if isinstance(match, RegionMatch):
                code, name = match.region_code, match.name_zh
                if match.renamed_from:
                    say(warning("region_renamed", match.renamed_zh, match.renamed_en, number, names["region"]))
            else:
                say(error(match.code, match.message_zh, match.message_en, number, names["region"]))
                code, name = None, None

        year_text = cell_text(cell("year")).strip()
        year_match = _YEAR.match(year_text)
        year = int(year_match.group(1)) if year_match else None
        if year is None or not 1949 <= year <= today.year:
            say(error(
                "population_year",
                f"年份“{year_text}”不是1949年至{today.year}年之间的四位年份",
                f"year “{year_text}” is not a four-digit year from 1949 to {today.year}",
                number, names["year"],
            ))

        value = None
        raw = cell("population")
        try:
            parsed = parse_number(raw)
        except NumberParseError as exc:
            say(error(exc.code, exc.message_zh, exc.message_en, number, names["population"]))
        else:
            if parsed.qualifier != "exact" or parsed.is_percent:
                say(error("population_not_exact", f"人口“{cell_text(raw)}”须为确切数字（不带约、余、%）",
                          f"population “{cell_text(raw)}” must be an exact number (no 约/余/%)", number, names["population"]))
            elif parsed.scale_text and scale != 1:
                say(error("population_double_scale", f"“{cell_text(raw)}”自带“{parsed.scale_text}”，而列名的单位已是万人",
                          f"“{cell_text(raw)}” carries its own “{parsed.scale_text}” while the header's unit is already 万人",
                          number, names["population"]))
            else:
                value = round(parsed.value * (1 if parsed.scale_text else scale))
                if not 0 < value <= MAX_POPULATION:
                    say(error("population_out_of_range", f"人口“{cell_text(raw)}”须大于0且不超过15亿",
                              f"population “{cell_text(raw)}” must be above 0 and at most 1.5 billion", number, names["population"]))
                    value = None

        source = cell_text(cell("source")).strip()
        if not source:
            say(error("population_source_missing", "来源为空：请写明人口数据出自哪份公报或年鉴",
                      "the source is empty: name the bulletin or yearbook the population comes from", number, names["source"]))
        elif len(source) > MAX_SOURCE_CHARS:
            say(error("population_source_long", f"来源超过{MAX_SOURCE_CHARS}个字", f"the source is longer than {MAX_SOURCE_CHARS} characters",
                      number, names["source"]))

        if code and year and (code, year) in seen:
            say(error("population_duplicate", f"{name}{year}年的人口已在第{seen[(code, year)]}行给出",
                      f"the population of {name} in {year} is already given in row {seen[(code, year)]}", number, names["region"]))
        if code and value:
            known = pick_population(census, code, f"{year or ''}", f"{year or ''}")
            if known.population and not 1 / UNIT_RATIO_LIMIT <= value / known.population <= UNIT_RATIO_LIMIT:
                say(error(
                    "population_unit_mismatch",
                    f"{name}人口{value:,}人与{known.year}年普查的{known.population:,.0f}人相差十倍以上：请检查单位（人/万人）",
                    f"{name}'s population {value:,} differs more than tenfold from the {known.year} census's"
                    f" {known.population:,.0f}: check the unit (人 persons / 万人 10,000 persons)",
                    number, names["population"],
                ))
            elif known.population and year and known.year == str(year) and known.population != value:
                say(warning(
                    "population_replaces_census",
                    f"{name}{year}年的人口{value:,}人将取代普查数{known.population:,.0f}人（{known.source}）",
                    f"{name}'s {year} population {value:,} will replace the census figure {known.population:,.0f} ({known.source})",
                    number, names["population"],
                ))
        if code and year and value and all(m.level != "error" for m in report.messages[problems:]):
            seen[(code, year)] = number
            read.append({"row": number, "region_code": code, "name_zh": name, "year": year, "population": value, "source": source})
    if not read and not any(m.level == "error" for m in report.messages):
        say(error("population_no_rows", "表中没有人口数据行", "the table has no population rows"))
    report.frame = pd.DataFrame(read, columns=["row", "region_code", "name_zh", "year", "population", "source"])
    return report


# ----- the store ------------------------------------------------------------------------------


def save_populations(report: PopulationReport, uploader: str, url: str | None = None) -> int:
    """Store the rows of a checked table (refused when it has an error); returns how many were stored."""
    if not report.ok:
        raise ValueError("a population table with errors is not stored")
    from loaders.labels import clean_label
    from loaders.storage.schema import upload_populations
    from loaders.storage.transactions import _write_transaction
    from loaders.store import Store

    now = datetime.now(UTC)
    rows = [
        {
            "region_code": r.region_code, "year": int(r.year), "population": int(r.population), "source": clean_label(r.source),
            "file_name": clean_label(report.file_name), "row_number": int(r.row), "uploader": clean_label(uploader or ""),
            "uploaded_at": now,
        }
        for r in report.frame.itertuples(index=False)
    ]
    store = Store(url)
    with _write_transaction(store.engine, lock=False) as conn:
        conn.execute(upload_populations.insert(), rows)
    return len(rows)


def read_uploaded_populations(url: str | None = None) -> pd.DataFrame:
    """Every uploaded population row, oldest first (TABLE_COLUMNS, origin "uploaded")."""
    import sqlalchemy as sa

    from loaders.storage.schema import _utc, upload_populations
    from loaders.store import Store

    store = Store(url)
    t = upload_populations.c
    query = sa.select(t.region_code, t.year, t.population, t.source, t.file_name, t.uploader, t.uploaded_at).order_by(t.population_id)
    with store.engine.connect() as conn:
        records = [dict(r._mapping) for r in conn.execute(query)]
    frame = pd.DataFrame(records, columns=["region_code", "year", "population", "source", "file_name", "uploader", "uploaded_at"])
    frame["uploaded_at"] = [_utc(v) for v in frame["uploaded_at"]]
    frame["population"] = frame["population"].astype(float)
    frame["origin"] = "uploaded"
    return frame[TABLE_COLUMNS]


def uploaded_populations_key(url: str | None = None) -> tuple[int, int]:
    """(row count, last id) of the uploaded populations: what a cache of them is keyed on."""
    import sqlalchemy as sa

    from loaders.storage.schema import upload_populations
    from loaders.store import Store

    store = Store(url)
    t = upload_populations.c
    with store.engine.connect() as conn:
        count, last = conn.execute(sa.select(sa.func.count(), sa.func.max(t.population_id))).one()
    return int(count or 0), int(last or 0)
