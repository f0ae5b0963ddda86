"""Region names as offices write them -> GB/T 2260 divisions.

`match_region("百色")` finds 百色市 (451000). The reference is `datasets/divisions.csv` (every
province-, prefecture- and county-level division, see its metadata); names are matched after removing
spaces and folding full-width characters, by full name, short form (甘肃, 广西, 恩施州),
traditional-character form, a province name followed by one of its divisions (广西百色市), an
office named after its region (百色市公安局), or a
6-digit code. A name shared by several divisions (朝阳区: Beijing's and Changchun's) is settled by a
parent hint (any ancestor: a province or a prefecture); a former name (平果县) is mapped to today's
division through `datasets/renames.csv`, with `renamed_from` set so that the caller warns. A name
that matches nothing, or several divisions at once, is returned as a `RegionMatchError` naming the
candidates with their parents, never guessed.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from loaders.catalog import datasets_dir, load_catalog, read_csv_table

DATASETS_VARIABLE = "ANTIFRAUD_DATASETS"  # read by loaders.catalog.datasets_dir
LEVELS = ("province", "prefecture", "county")
MAX_ECHO = 40  # characters of the cell text repeated in a message
ORG_SUFFIXES = ("公安局", "公安厅", "人民政府", "政府", "反诈中心", "反诈办")

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_CODE = re.compile(r"^\d{6}$")
_CODE_FLOAT = re.compile(r"^(\d{6})\.0+$")


@dataclass(frozen=True)
class RegionMatch:
    """A division found for a cell's text; `matched_by` says how (code, name, short, alias, joined)."""

    region_code: str
    name_zh: str
    name_en: str
    level: str
    parent_code: str
    matched_by: str
    text: str
    renamed_from: str = ""  # the former name matched (matched_by "renamed")
    renamed_year: str = ""

    @property
    def renamed_zh(self) -> str:
        return f"“{echo(self.text)}”已于{self.renamed_year}年调整，按今天的{self.name_zh}（{self.region_code}）读取"

    @property
    def renamed_en(self) -> str:
        return (f"“{echo(self.text)}” was changed in {self.renamed_year}; read as today's {self.name_en}"
                f" ({self.region_code})")


@dataclass(frozen=True)
class RegionMatchError:
    """No single division for a cell's text: `code` is unknown_region, ambiguous_region or empty_region.

    `candidates` are (region_code, name_zh) pairs: the divisions the text could mean (ambiguous),
    or close names worth suggesting (unknown).
    """

    code: str
    text: str
    candidates: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def _parent(self, code: str, lang: str) -> str:
        division = _index().by_code.get(code)
        if division is None or not division.parent_code:
            return ""
        return division_name(division.parent_code, lang)

    @property
    def message_zh(self) -> str:
        shown = echo(self.text)
        listed = "、".join(
            f"{name}({code}" + (f"，{parent}" if (parent := self._parent(code, "zh")) else "") + ")"
            for code, name in self.candidates
        )
        if self.code == "empty_region":
            return "地区为空"
        if self.code == "ambiguous_region":
            return f"地区“{shown}”可能指{listed}，请写全称或加上所属省份、地市"
        hint = f"；是否指{listed}？" if listed else ""
        return f"地区“{shown}”无法识别（不是行政区划名称或代码）{hint}"

    @property
    def message_en(self) -> str:
        shown = echo(self.text)
        listed = ", ".join(
            f"{name} ({code}" + (f", {parent}" if (parent := self._parent(code, "en")) else "") + ")"
            for code, name in self.candidates
        )
        if self.code == "empty_region":
            return "region is empty"
        if self.code == "ambiguous_region":
            return f"region “{shown}” could mean {listed}; write the full name or add its province or prefecture"
        hint = f"; did you mean {listed}?" if listed else ""
        return f"region “{shown}” is not a known division name or code{hint}"


def echo(text: str) -> str:
    """A cell's text as repeated in a message: verbatim, but cut to MAX_ECHO characters."""
    return text if len(text) <= MAX_ECHO else text[:MAX_ECHO] + "…"


def normalize_region_text(text: str) -> str:
    """Fold full-width forms (NFKC), drop every space and invisible character."""
    folded = unicodedata.normalize("NFKC", str(text)).translate(_INVISIBLE)
    return "".join(folded.split())


@dataclass(frozen=True)
class _Division:
    region_code: str
    name_zh: str
    name_en: str
    level: str
    parent_code: str


@dataclass
class _Index:
    by_code: dict[str, _Division]
    by_name: dict[str, list[tuple[_Division, str]]]  # normalised text -> (division, matched_by)
    provinces: list[tuple[str, _Division]]  # (normalised name or short form, province), longest first
    renames: dict[str, tuple[_Division, str]]  # normalised former name -> (today's division, year)


def _split(cell: str) -> list[str]:
    return [p for p in str(cell).split("|") if p]


@lru_cache(maxsize=4)
def _build_index(folder: str) -> _Index:
    frame = load_catalog().divisions
    by_code: dict[str, _Division] = {}
    by_name: dict[str, list[tuple[_Division, str]]] = defaultdict(list)
    provinces: list[tuple[str, _Division]] = []
    for record in frame.to_dict(orient="records"):
        division = _Division(
            str(record["region_code"]),
            str(record["name_zh"]),
            str(record["name_en"]),
            str(record["level"]),
            str(record.get("parent_code", "") or ""),
        )
        by_code[division.region_code] = division
        names = [(division.name_zh, "name")]
        names += [(s, "short") for s in _split(record.get("short_zh", ""))]
        names += [(a, "alias") for a in _split(record.get("aliases", ""))]
        for name, how in names:
            key = normalize_region_text(name)
            if key and all(d.region_code != division.region_code for d, _ in by_name[key]):
                by_name[key].append((division, how))
            if division.level == "province" and key:
                provinces.append((key, division))
    provinces.sort(key=lambda p: -len(p[0]))
    renames: dict[str, tuple[_Division, str]] = {}
    renames_path = datasets_dir() / "renames.csv"
    if renames_path.exists():
        for record in read_csv_table(renames_path).to_dict(orient="records"):
            division = by_code.get(str(record["region_code"]))
            key = normalize_region_text(record["old_name_zh"])
            if division is not None and key not in by_name:  # a current name is never remapped
                renames[key] = (division, str(record["year"]))
    return _Index(by_code, dict(by_name), provinces, renames)


# (ANTIFRAUD_DATASETS as set, its index) of the last lookup: match_region runs once per cell, and
# building the folder's Path each time cost more than the match. The variable is still read at every
# call, so pointing it at another folder (as tests do) takes effect at once.
_LAST_INDEX: tuple[str | None, _Index] | None = None


def _index() -> _Index:
    """The index of the current datasets folder (`loaders.catalog.datasets_dir`)."""
    global _LAST_INDEX
    setting = os.environ.get(DATASETS_VARIABLE)
    last = _LAST_INDEX
    if last is not None and last[0] == setting:
        return last[1]
    index = _build_index(str(datasets_dir()))
    _LAST_INDEX = (setting, index)
    return index


def _found(division: _Division, how: str, text: str) -> RegionMatch:
    return RegionMatch(
        division.region_code, division.name_zh, division.name_en, division.level, division.parent_code, how, text
    )


def _parent_code(parent_hint: str | None, index: _Index) -> str | None:
    if not parent_hint:
        return None
    key = normalize_region_text(parent_hint)
    if key in index.by_code:
        return key
    entries = index.by_name.get(key, [])
    broad = [d for d, _ in entries if d.level != "county"]
    if len(broad) == 1:
        return broad[0].region_code
    if key in index.by_code:
        return key
    entries = index.by_name.get(key, [])
    provinces = [d for d, _ in entries if d.level == "province"]
    if len(provinces) == 1:
        return provinces[0].region_code
    if len(entries) == 1:
        return entries[0][0].region_code
    return None


def _narrow(entries: list[tuple[_Division, str]], parent: str | None, level: str | None) -> list[tuple[_Division, str]]:
    """Prefer the entries under the parent, then at the level; never narrow to nothing."""
    if parent:
        under = [e for e in entries if e[0].parent_code == parent or _within(e[0].region_code, parent)]
        entries = under or entries
    if level and len(entries) > 1:
        at_level = [e for e in entries if e[0].level == level]
        entries = at_level or entries
    return entries


def _suggestions(key: str, index: _Index) -> tuple[tuple[str, str], ...]:
    found: dict[str, str] = {}
    for name, entries in index.by_name.items():
        if len(name) >= 2 and len(key) >= 2 and (name in key or key in name):
            for division, _ in entries:
                found.setdefault(division.region_code, division.name_zh)
        if len(found) >= 5:
            break
    return tuple(sorted(found.items()))[:5]


def match_region(
    name: str, parent_hint: str | tuple[str, ...] | None = None, *, level: str | None = None
) -> RegionMatch | RegionMatchError:
    """The one division `name` means, or an error naming the candidates.

    `parent_hint` (an ancestor's name or code, or several: the narrowest decides) and `level`
    ("province" / "prefecture" / "county") only settle
    a name shared by several divisions (吉林 under 吉林省 is 吉林市, 吉林 at province level is
    吉林省); they never override a full name.
    """
    text = "" if name is None else str(name)
    key = normalize_region_text(text)
    if not key:
        return RegionMatchError("empty_region", text)
    index = _index()
    code = _CODE_FLOAT.sub(r"\1", key)
    if _CODE.match(code):
        if code in index.by_code:
            return _found(index.by_code[code], "code", text)
        return RegionMatchError("unknown_region", text)

    hints = [parent_hint] if isinstance(parent_hint, str) or parent_hint is None else list(parent_hint)
    parents = [p for p in (_parent_code(h, index) for h in hints) if p]
    # The narrowest hint decides (a prefecture is inside its province).
    parent = max(parents, key=lambda p: (p[2:4] != "00", p[4:] != "00"), default=None)
    entries = index.by_name.get(key, [])
    exact = [e for e in entries if e[1] in ("name", "alias") and e[0].name_zh == key]
    if len(exact) == 1:
        return _found(exact[0][0], "name", text)
    if entries:
        narrowed = _narrow(entries, parent, level)
        if len(narrowed) == 1:
            return _found(narrowed[0][0], narrowed[0][1], text)
        return RegionMatchError("ambiguous_region", text, tuple((d.region_code, d.name_zh) for d, _ in narrowed))

    # An office named after its region: 百色市公安局, 甘肃省人民政府.
    for suffix in ORG_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 1:
            found = match_region(key[: -len(suffix)], parent_hint, level=level)
            if isinstance(found, RegionMatch):
                return RegionMatch(
                    found.region_code, found.name_zh, found.name_en, found.level, found.parent_code, "office", text
                )
            break

    # A former name the sources record: 平果县 -> 平果市 (2019).
    if key in index.renames:
        division, year = index.renames[key]
        return RegionMatch(division.region_code, division.name_zh, division.name_en, division.level,
                           division.parent_code, "renamed", text, key, year)

    # A province (and a prefecture) written before one of its divisions: 广西百色市, 广西百色市右江区.
    joined = _joined(key, index)
    if len(joined) == 1:
        return _found(joined[0], "joined", text)
    if len(joined) > 1:
        return RegionMatchError("ambiguous_region", text, tuple((d.region_code, d.name_zh) for d in joined))
    return RegionMatchError("unknown_region", text, _suggestions(key, index))


def _joined(key: str, index: _Index, within: str | None = None, depth: int = 0) -> list[_Division]:
    """Divisions named by `key` as an ancestor's name followed by its own (inside `within`)."""
    found: dict[str, _Division] = {}
    for cut in range(len(key) - 2, 1, -1):
        head, rest = key[:cut], key[cut:]
        for outer, _ in index.by_name.get(head, []):
            if outer.level == "county" or (within and not _within(outer.region_code, within)):
                continue
            for inner, _ in index.by_name.get(rest, []):
                if _within(inner.region_code, outer.region_code):
                    found[inner.region_code] = inner
            if depth < 1:
                for inner in _joined(rest, index, outer.region_code, depth + 1):
                    found[inner.region_code] = inner
    return list(found.values())


def _within(region_code: str, ancestor_code: str) -> bool:
    by_code = _index().by_code
    division = by_code.get(region_code)
    for _ in LEVELS:
        if division is None or not division.parent_code:
            return False
        if division.parent_code == ancestor_code:
            return True
        division = by_code.get(division.parent_code)
    return False


def common_parent(codes: list[str] | set[str]) -> str | None:
    """The narrowest division containing every one of `codes` (their common ancestor), or None."""
    by_code = _index().by_code
    chains = []
    for code in set(codes):
        chain, division = [], by_code.get(code)
        while division is not None and division.parent_code:
            chain.append(division.parent_code)
            division = by_code.get(division.parent_code)
        chains.append(chain)
    if not chains:
        return None
    shared = set(chains[0]).intersection(*chains[1:])
    return next((c for c in chains[0] if c in shared), None)


def is_within(region_code: str, ancestor_code: str) -> bool:
    """Whether the division `region_code` lies inside `ancestor_code` (a county in its prefecture or province)."""
    return _within(region_code, ancestor_code)


def division_name(region_code: str, lang: str = "zh") -> str:
    """The name of a division by code, or the code itself when unknown."""
    division = _index().by_code.get(region_code)
    if division is None:
        return region_code
    return division.name_zh if lang == "zh" else division.name_en


REGION_LIST_COLUMNS = [
    "region_code", "name_zh", "name_en", "level", "parent_code", "population", "population_year", "population_source",
]


def build_regions_frame(level: str | None = None):
    """Every division (or those of one level) with its population where `datasets/populations.csv` has one.

    A division without a sourced population has empty population fields: none is estimated.
    """
    import pandas as pd

    divisions = load_catalog().divisions.reset_index(drop=True)
    path = datasets_dir() / "populations.csv"
    if path.exists():
        populations = read_csv_table(path)[["region_code", "population", "population_year", "population_source"]]
    else:
        populations = pd.DataFrame(columns=["region_code", "population", "population_year", "population_source"])
    frame = divisions.merge(populations, on="region_code", how="left").fillna("")
    if level is not None:
        frame = frame[frame["level"] == level]
    frame = frame[REGION_LIST_COLUMNS].sort_values("region_code", kind="stable").reset_index(drop=True)
    frame["population"] = pd.array([int(v) if v else None for v in frame["population"]], dtype="Int64")
    return frame
