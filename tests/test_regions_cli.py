"""`python -m loaders regions`: every division with code, names, level, parent and sourced population."""

from __future__ import annotations

import csv
import io
import json

from loaders.__main__ import main


def run(capsys, *args: str) -> str:
    assert main(["regions", *args]) == 0
    return capsys.readouterr().out


def test_csv_lists_every_division_with_the_documented_columns(capsys):
    rows = list(csv.DictReader(io.StringIO(run(capsys))))
    assert list(rows[0]) == [
        "region_code", "name_zh", "name_en", "level", "parent_code", "population", "population_year", "population_source",
    ]
    assert len(rows) == 3212
    beijing = next(r for r in rows if r["region_code"] == "110000")
    assert (beijing["population"], beijing["population_year"]) == ("21893095", "2020")
    assert "第三号" in beijing["population_source"]


def test_a_level_and_json(capsys):
    records = json.loads(run(capsys, "--level", "county", "--format", "json"))
    assert len(records) == 2845 and {r["level"] for r in records} == {"county"}
    youjiang = next(r for r in records if r["region_code"] == "451002")
    assert youjiang["parent_code"] == "451000"
    assert youjiang["population"] is None and youjiang["population_source"] == ""  # none invented


def test_provinces_have_census_populations_except_hong_kong_macao_taiwan(capsys):
    records = json.loads(run(capsys, "--level", "province", "--format", "json"))
    missing = sorted(r["region_code"] for r in records if r["population"] is None)
    assert missing == ["710000", "810000", "820000"]
