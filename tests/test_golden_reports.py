"""Golden reports of the upload checker: every corpus file and every in-code fixture.

For each input the golden file keeps the report's status, encoding, sheet, data-row count, each
message's level, code, row and column, and the figures the file yields (every figure column). A
rebuild of the checker must give exactly these, except where a bug is fixed on purpose (then the
golden file is regenerated in the same commit, which says which bug):

    ANTIFRAUD_GOLDEN_UPDATE=1 .venv/bin/python -m pytest tests/test_golden_reports.py
"""

from __future__ import annotations

import gzip
import json
import math
import os
from pathlib import Path

import pytest

from loaders.tables import check_bytes

REPO = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden" / "reports.json.gz"
CORPUS = REPO.parent / "shared" / "corpus"
UPDATE = os.environ.get("ANTIFRAUD_GOLDEN_UPDATE") == "1"


def _jsonable(value: object) -> object:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else repr(value)
    return str(value)


def summarise(data: bytes, name: str) -> dict:
    report = check_bytes(data, name)
    figures = report.figures
    return {
        "status": report.status,
        "encoding": report.encoding,
        "sheet": report.sheet,
        "rows": report.rows,
        "messages": [[m.level, m.code, m.row, m.column] for m in report.messages],
        "columns": list(figures.columns),
        "figures": [[_jsonable(v) for v in row] for row in figures.itertuples(index=False, name=None)],
    }


def _corpus_inputs() -> dict[str, bytes]:
    if not CORPUS.is_dir():
        return {}
    return {f"corpus/{p.relative_to(CORPUS)}": p.read_bytes() for p in sorted(CORPUS.rglob("*")) if p.is_file()}


def _golden() -> dict:
    if not GOLDEN.exists():
        return {}
    return json.loads(gzip.decompress(GOLDEN.read_bytes()))


INPUTS = _corpus_inputs()


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared corpus not found at {CORPUS}")
def test_corpus_reports_are_the_golden_ones():
    got = {key: summarise(data, key.rsplit("/", 1)[-1]) for key, data in INPUTS.items()}
    if UPDATE:
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_bytes(gzip.compress(json.dumps(got, ensure_ascii=False, sort_keys=True).encode(), mtime=0))
    want = _golden()
    assert sorted(got) == sorted(want)
    changed = [key for key in got if got[key] != want[key]]
    assert not changed, f"{len(changed)} reports differ from the golden file, e.g. {changed[:5]}"


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"shared corpus not found at {CORPUS}")
def test_corpus_reports_are_the_golden_ones_when_read_as_coded_columns(monkeypatch):
    """Every corpus file that `loaders.upload.plain_csv` takes (large files only, in the product)
    gives the golden report when it reads it: the same grid, hence the same messages and figures."""
    from loaders.upload import plain_csv

    taken = []
    read = plain_csv.read_plain_csv

    def counted(data, extension, row_cap):
        grid = read(data, extension, row_cap)
        if grid is not None:
            taken.append(extension)
        return grid

    monkeypatch.setattr(plain_csv, "MIN_BYTES", 0)
    monkeypatch.setattr("loaders.upload.delimited.read_plain_csv", counted)
    want = _golden()
    changed = []
    for key, data in INPUTS.items():
        before = len(taken)
        got = summarise(data, key.rsplit("/", 1)[-1])
        if len(taken) > before and got != want[key]:
            changed.append(key)
    assert len(taken) >= 30, f"only {len(taken)} corpus files were read as coded columns"
    assert not changed, f"{len(changed)} reports differ from the golden file, e.g. {changed[:5]}"
