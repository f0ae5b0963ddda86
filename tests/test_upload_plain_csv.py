"""The vectorised reader of plain delimited files (`loaders.upload.plain_csv`) against the csv reader.

Each case is read twice through `read_grid`: once with the plain reader allowed for any size, once
with it switched off (the csv reader of `loaders.upload.delimited`). The grids must be equal cell for
cell; the cases it must leave to the csv reader must be left to it.
"""

from __future__ import annotations

import codecs

import pytest

from loaders.messages import ReadError
from loaders.upload import plain_csv
from loaders.upload.coded import CodedRows
from loaders.upload.reading import read_grid

HEADER = "地区,期间,指标,数值,单位"
ROWS = ["石家庄市,2024年3月,立案数,12,起", "唐山市,2024年3月,立案数,7,起", "邯郸市,2024年3月,劝阻人数,300,人"]


def _both(monkeypatch, data: bytes, name: str = "t.csv"):
    monkeypatch.setattr(plain_csv, "MIN_BYTES", 1 << 40)
    try:
        by_csv = read_grid(data, name)
    except ReadError as exc:
        by_csv = exc
    monkeypatch.setattr(plain_csv, "MIN_BYTES", 0)
    try:
        by_columns = read_grid(data, name)
    except ReadError as exc:
        by_columns = exc
    return by_csv, by_columns


def _same(by_csv, by_columns) -> None:
    if isinstance(by_csv, ReadError):
        assert isinstance(by_columns, ReadError)
        assert [m.code for m in by_csv.messages] == [m.code for m in by_columns.messages]
        return
    assert list(by_columns.rows) == by_csv.rows
    for name in ("encoding", "delimiter", "file_kind"):
        assert getattr(by_columns, name) == getattr(by_csv, name)
    assert [(m.code, m.row, m.column) for m in by_columns.warnings] == [
        (m.code, m.row, m.column) for m in by_csv.warnings
    ]


@pytest.mark.parametrize(
    ("case", "text", "encoding"),
    [
        ("LF", "\n".join([HEADER, *ROWS]) + "\n", "utf-8"),
        ("CRLF, no final line end", "\r\n".join([HEADER, *ROWS]), "utf-8"),
        ("CR only (classic Mac)", "\r".join([HEADER, *ROWS]) + "\r", "utf-8"),
        ("UTF-8 BOM", "\ufeff" + "\n".join([HEADER, *ROWS]) + "\n", "utf-8"),
        ("empty cells and a row of empty cells", "\n".join([HEADER, "石家庄市,,立案数,,起", ",,,,", *ROWS]) + "\n", "utf-8"),
        ("semicolons, spaces kept", "\n".join(x.replace(",", ";") for x in [HEADER, " 石家庄市 ;2024年3月;立案数;1;起"]) + "\n", "utf-8"),
        ("tabs", "\n".join(x.replace(",", "\t") for x in [HEADER, *ROWS]) + "\n", "utf-8"),
        ("whitespace-only cell", "\n".join([HEADER, "石家庄市,  ,立案数,1,起"]) + "\n", "utf-8"),
    ],
)
def test_plain_files_are_read_as_coded_columns_into_the_same_grid(monkeypatch, case, text, encoding):
    by_csv, by_columns = _both(monkeypatch, text.encode(encoding))
    assert isinstance(by_columns.rows, CodedRows), case
    _same(by_csv, by_columns)


@pytest.mark.parametrize(
    ("case", "data"),
    [
        ("quotes", ("\n".join([HEADER, '"石家庄市",2024年3月,立案数,"1,346",起']) + "\n").encode()),
        ("an empty line", ("\n".join([HEADER, ROWS[0], "", ROWS[1]]) + "\n").encode()),
        ("a blank last row", ("\n".join([HEADER, ROWS[0], ",,,,"]) + "\n").encode()),
        ("a ragged row", ("\n".join([HEADER, ROWS[0], "唐山市,2024年3月,立案数"]) + "\n").encode()),
        ("a title line", ("\n".join(["河北省2024年3月统计", HEADER, *ROWS]) + "\n").encode()),
        ("GB18030", ("\n".join([HEADER, *ROWS]) + "\n").encode("gb18030")),
        ("UTF-16", codecs.BOM_UTF16_LE + ("\n".join([HEADER, *ROWS]) + "\n").encode("utf-16-le")),
        ("a control character", ("\n".join([HEADER, "石家庄市,2024年3月,立案数\x1b,12,起"]) + "\n").encode()),
        ("a BOM inside", ("\n".join([HEADER, "\ufeff石家庄市,2024年3月,立案数,12,起"]) + "\n").encode()),
        ("a NUL", ("\n".join([HEADER, "石家庄市,2024年3月,立案数,1\x002,起"]) + "\n").encode()),
        ("a cell longer than Excel's", ("\n".join([HEADER, "石家庄市,2024年3月,立案数,12," + "起" * 33_000]) + "\n").encode()),
        ("a web page", b"<html><body><table><tr><td>a</td><td>b</td></tr></table></body></html>\n"),
        ("one column", ("\n".join(["地区", "石家庄市", "唐山市"]) + "\n").encode()),
    ],
)
def test_files_that_are_not_plain_are_left_to_the_csv_reader(monkeypatch, case, data):
    by_csv, by_columns = _both(monkeypatch, data)
    assert not isinstance(getattr(by_columns, "rows", None), CodedRows), case
    _same(by_csv, by_columns)


def test_the_row_limits_are_left_to_the_csv_reader(monkeypatch):
    """A file over the data-row limit is refused with the csv reader's own message."""
    text = "\n".join([HEADER] + [f"石家庄市,2024年3月,立案数,{i},起" for i in range(3_000)]) + "\n"
    monkeypatch.setattr("loaders.upload.limits.MAX_DATA_ROWS", 100)
    by_csv, by_columns = _both(monkeypatch, text.encode())
    assert isinstance(by_csv, ReadError) and by_csv.messages[0].code == "too_many_data_rows"
    _same(by_csv, by_columns)


def test_coded_rows_behave_as_the_list_of_rows(monkeypatch):
    monkeypatch.setattr(plain_csv, "MIN_BYTES", 0)
    rows = read_grid(("\n".join([HEADER, *ROWS]) + "\n").encode(), "t.csv").rows
    as_lists = [HEADER.split(","), *[r.split(",") for r in ROWS]]
    assert len(rows) == 4 and rows[-1] == as_lists[-1] and rows[1:3] == as_lists[1:3]
    assert rows[0] is not rows[0]  # each row asked for is a new list: the grid cannot be changed by a pass
    rows.pop()  # changing it makes the rows real lists
    assert rows.coded() is None and rows == as_lists[:3]


@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"])
def test_a_tidy_table_read_as_coded_columns_gives_the_same_report(monkeypatch, line_end):
    import pandas as pd

    from bench.workload import build_tidy_rows
    from loaders.upload.check import check_bytes

    data = "".join(",".join(row) + line_end for row in build_tidy_rows(3_000)).encode()
    monkeypatch.setattr(plain_csv, "MIN_BYTES", 1 << 40)
    by_csv = check_bytes(data, "tidy.csv")
    taken = []
    read = plain_csv.read_plain_csv
    monkeypatch.setattr(plain_csv, "MIN_BYTES", 0)
    monkeypatch.setattr("loaders.upload.delimited.read_plain_csv", lambda *a: taken.append(read(*a)) or taken[-1])
    by_columns = check_bytes(data, "tidy.csv")
    assert taken[-1] is not None and by_csv.status == by_columns.status == "accepted" and len(by_columns.figures) == 3_000
    assert (by_columns.encoding, by_columns.rows, by_columns.messages) == (by_csv.encoding, by_csv.rows, by_csv.messages)
    pd.testing.assert_frame_equal(by_columns.figures, by_csv.figures)


def _random_file(rng) -> bytes:
    """A small delimited file, mostly plain, sometimes not (quotes, blank or ragged lines, controls, long cells)."""
    plain = ["a", "1", ".", " ", "地", "区", "\u3000", "\u2028", "é", "𠀀", "=SUM(A1)", "，", "'", "\\"]
    odd = [*plain, ",", ";", "\t", "|", "\r", "\n", '"', "\x00", "\x1c", "\x85", "\ufeff", ""]
    width, delimiter = rng.randint(1, 6), rng.choice([",", ",", "\t", ";", "|"])
    lines = []
    for _ in range(rng.randint(1, 12)):
        cells = []
        for _ in range(width if rng.random() < 0.98 else rng.randint(0, 7)):
            pool = plain if rng.random() < 0.97 else odd
            text = "".join(rng.choice(pool) for _ in range(rng.choice([0, 1, 2, 3, 5])))
            cells.append(text if rng.random() < 0.995 else "x" * 40_000)
        lines.append(delimiter.join(cells))
    end = rng.choice(["\n", "\r\n", "\r"])
    text = end.join(lines) + (end if rng.random() < 0.7 else "")
    return (("\ufeff" if rng.random() < 0.2 else "") + text).encode()


def test_random_files_give_the_csv_readers_grid_or_are_left_to_it(monkeypatch):
    import random

    rng = random.Random(20261207)
    taken = 0
    for _ in range(400):
        by_csv, by_columns = _both(monkeypatch, _random_file(rng))
        taken += isinstance(getattr(by_columns, "rows", None), CodedRows)
        _same(by_csv, by_columns)
    assert taken > 100  # the plain reader took a good share of them


@pytest.mark.parametrize("bad", [b"\xed\xa0\x80", b"\xc0\xaf", b"\xe4\xb8", b"\xff"])
def test_invalid_utf8_past_the_first_slice_is_left_to_the_csv_reader(monkeypatch, bad):
    """Only the first slice is decoded; the rest is checked through the distinct cell texts."""
    monkeypatch.setattr(plain_csv, "_SLICE", 64)
    data = ("\n".join([HEADER, *ROWS]) + "\n").encode() + "唐山市,2024年3月,立案数,".encode() + bad + "7,起\n".encode()
    assert len(data) > 64 * 2
    by_csv, by_columns = _both(monkeypatch, data)
    assert not isinstance(getattr(by_columns, "rows", None), CodedRows)
    _same(by_csv, by_columns)
