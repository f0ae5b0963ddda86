"""The checker's figures frame stays coded from the check to the blob (issue 13): repeated text columns
are categoricals, the store normalises them through their distinct values and writes them as Arrow
dictionaries, and the checker's numbered ids are made again from the blob instead of being stored."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from bench.workload import build_tidy_rows
from loaders.storage.blobs import NUMBERED, from_blob, read_blobs
from loaders.storage.normalise import _same_arrow_text, normalise_figures
from loaders.store import Store
from loaders.upload.check import check_bytes
from loaders.upload.report import CATEGORY_COLUMNS, UNIQUE_TEXT_COLUMNS
from tests.store_crash_worker import Report, build_figures


def _tidy_csv(n: int) -> bytes:
    return "".join(",".join(map(str, row)) + "\n" for row in build_tidy_rows(n)).encode("utf-8")


def _blob(store: Store, upload_id: str) -> bytes:
    with store.engine.connect() as conn:
        return read_blobs(conn, [upload_id])[upload_id]


def test_a_checked_table_holds_its_repeated_texts_as_categoricals_and_its_ids_as_text():
    figures = check_bytes(_tidy_csv(400), "tidy.csv").figures
    assert len(figures) == 400
    for name in CATEGORY_COLUMNS:
        dtype = figures[name].dtype
        assert isinstance(dtype, pd.CategoricalDtype), name
        assert dtype.categories.tolist() == sorted(set(figures[name].tolist())), name  # the used values, sorted
    for name in UNIQUE_TEXT_COLUMNS:
        assert str(figures[name].dtype) == "str", name
    # What a reader sees is str either way.
    assert all(type(v) is str for v in figures["region_code"].tolist())
    assert (figures["unit"] == figures["unit"].astype(str)).all()


def test_a_checked_upload_is_stored_with_its_ids_numbered_by_the_blob(db_url):
    store = Store(db_url)
    data = _tidy_csv(400)
    report = check_bytes(data, "tidy.csv")
    assert _same_arrow_text(report.figures["fact_id"], report.figures["figure_id"])  # one array, not compared
    assert not _same_arrow_text(report.figures["fact_id"], report.figures["fact_id"].astype(object).astype("str"))
    upload_id = store.save_upload(report, data, "tidy.csv", "li")
    blob = _blob(store, upload_id)
    schema = pa.ipc.open_file(pa.BufferReader(blob)).schema
    assert "figure_id" not in schema.names and "fact_id" not in schema.names
    assert schema.metadata[NUMBERED] == upload_id.encode()
    assert pa.types.is_dictionary(schema.field("region_code").type)  # written as the codes it was

    stored = store.read_figures()
    ids = [f"{upload_id}-{n:03d}" for n in range(1, 401)]
    assert stored["figure_id"].tolist() == ids and stored["fact_id"].tolist() == ids
    for name in ("region_code", "metric_id", "period_end", "unit", "evidence", "qualifier"):
        assert stored[name].tolist() == report.figures[name].astype(str).tolist(), name
    assert stored["value"].tolist() == report.figures["value"].tolist()
    # Only some columns, in the order asked for, the made ones among them.
    part = from_blob(blob, ["value", "fact_id", "unit"])
    assert part.column_names == ["value", "fact_id", "unit"] and part.column("fact_id").to_pylist() == ids
    assert from_blob(blob, ["figure_id"]).column("figure_id").to_pylist() == ids


def test_figures_whose_facts_name_others_keep_their_ids_in_the_blob(db_url):
    store = Store(db_url)
    figures = build_figures(5, seed=3)
    figures["figure_id"] = [f"up-x-{n:03d}" for n in range(1, 6)]
    figures["fact_id"] = figures["figure_id"]
    figures.loc[4, "fact_id"] = "up-x-001"  # the last figure belongs to the first one's fact
    upload_id = store.save_upload(Report(figures), b"facts", "facts.csv", "li")
    schema = pa.ipc.open_file(pa.BufferReader(_blob(store, upload_id))).schema
    assert "figure_id" in schema.names and NUMBERED not in (schema.metadata or {})
    stored = store.read_figures()
    assert stored["figure_id"].tolist() == [f"{upload_id}-{n:03d}" for n in range(1, 6)]
    assert stored["fact_id"].tolist()[-1] == f"{upload_id}-001"


def test_a_categorical_column_is_normalised_like_the_same_text():
    texts = build_figures(6, seed=4)
    texts["note"] = ["", "a\x1b[31mb", None, "a\x1b[31mb", "ab", "c\u202ed"]
    texts["region_code"] = texts["region_code"].astype(object)
    texts.loc[2, "region_code"] = None
    coded = texts.copy()
    for name in ("note", "region_code"):
        coded[name] = coded[name].astype("category")
    want, got = normalise_figures(texts), normalise_figures(coded)
    assert isinstance(got["note"].dtype, pd.CategoricalDtype)
    for name in want.columns:
        assert got[name].tolist() == want[name].tolist(), name
    assert "\x1b" not in "".join(got["note"]) and "\u202e" not in "".join(got["note"])
    assert got["note"].cat.categories.tolist() == sorted(set(want["note"]))  # no repeats after cleaning
    assert not np.asarray(got["region_code"].isna()).any()


def test_the_control_scan_finds_what_the_pattern_finds_in_whole_and_sliced_columns():
    import re

    from loaders.labels import CONTROL_PATTERN
    from loaders.storage.normalise import _holds_control

    texts = ["ab", "中文", "·", "—", "a\x1bb", "x\u202ey", "x\u061c", "\x85", "\u2028", "\x7f", "\u2066", "é"]
    pattern = re.compile(CONTROL_PATTERN)
    for left in range(len(texts)):
        for right in range(left + 1, len(texts) + 1):
            column = pd.Series(texts, dtype="str").iloc[left:right]  # a slice: the Arrow array's offset
            want = any(pattern.search(t) for t in texts[left:right])
            assert _holds_control(column) is want, texts[left:right]


def test_conflicts_of_a_coded_frame_are_found_and_chosen_as_with_text(db_url):
    store = Store(db_url)
    rows = [list(map(str, row)) for row in build_tidy_rows(300)]
    first = "".join(",".join(map(str, row)) + "\n" for row in rows).encode()
    changed = [rows[0]] + [[*row[:3], str(int(row[3]) + 1), *row[4:]] if row[3].isdigit() else row for row in rows[1:]]
    second = "".join(",".join(map(str, row)) + "\n" for row in changed).encode()
    store.save_upload(check_bytes(first, "a.csv"), first, "a.csv", "li")
    report = check_bytes(second, "b.csv")
    assert isinstance(report.figures["region_code"].dtype, pd.CategoricalDtype)
    conflicts = store.find_conflicts(report.figures)
    as_text = report.figures.astype({c: "str" for c in CATEGORY_COLUMNS})
    assert len(conflicts) == len(report.figures) == len(store.find_conflicts(as_text))
    assert (conflicts["new_value"] != conflicts["existing_value"]).any()
    new_id = store.save_upload(report, second, "b.csv", "li", replace={"*": "new"})
    shown = store.read_figures()
    assert len(shown) == len(report.figures) and set(shown["upload_id"]) == {new_id}
    assert sorted(shown["value"]) == sorted(report.figures["value"])
