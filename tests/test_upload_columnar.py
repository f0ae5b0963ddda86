"""The plain-tidy-table path gives exactly the row passes' report and frame, and is taken where it should be."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bench.workload import build_tidy_rows
from loaders.upload import check, columnar
from loaders.upload.check import check_bytes

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


def _tidy_csv(n: int, line_end: str = "\n") -> bytes:
    return "".join(",".join(map(str, row)) + line_end for row in build_tidy_rows(n)).encode("utf-8")


def _both(data: bytes, name: str, monkeypatch) -> tuple:
    fast = check_bytes(data, name)
    with monkeypatch.context() as m:
        m.setattr(check, "plain_tidy_frame", lambda *args: None)
        slow = check_bytes(data, name)
    return fast, slow


def _same_report(fast, slow) -> None:
    assert fast.to_dict() == slow.to_dict()
    assert fast.new_metrics == slow.new_metrics
    assert [str(d) for d in fast.figures.dtypes] == [str(d) for d in slow.figures.dtypes]
    pd.testing.assert_frame_equal(fast.figures, slow.figures, check_exact=True)


VARIANTS = {
    "plain": _tidy_csv(300),
    "crlf": _tidy_csv(300, "\r\n"),
    "classic_mac_cr": _tidy_csv(300, "\r"),
    "change_and_share": "地区,期间,指标,数值,单位\n百色市,2024年,立案数同比,-12.5,%\n南宁市,2024年,立案数同比,3,%\n百色市,2024年,破案率,45.5,%\n".encode(),
    "qualified_and_scaled": "地区,期间,指标,数值,单位\n百色市,2024年,涉案金额,2230余万,元\n南宁市,2024年,涉案金额,约1.2,亿元\n".encode(),
    "ambiguous_percent": "地区,期间,指标,数值,单位\n百色市,2024年,破案率,45,%\n南宁市,2024年,破案率,0.45,%\n".encode(),
    "duplicate": "地区,期间,指标,数值,单位\n百色市,2024年,立案数,1,起\n百色市,2024年,立案数,2,起\n".encode(),
    "total_row": "地区,期间,指标,数值,单位\n百色市,2024年,立案数,1,起\n合计,2024年,立案数,1,起\n".encode(),
    "blank_value": "地区,期间,指标,数值,单位\n百色市,2024年,立案数,,起\n南宁市,2024年,立案数,3,起\n".encode(),
    "new_metric": "地区,期间,指标,数值,单位\n百色市,2024年,神秘指标,1,个\n南宁市,2024年,神秘指标,2,个\n".encode(),
    "shared_name": "地区,期间,指标,数值,单位\n吉林,2024年,立案数,1,起\n长春市,2024年,立案数,2,起\n".encode(),
    "long_file_name": _tidy_csv(50),
    "plain_amounts": "地区,期间,指标,数值,单位\n百色市,2024年,涉案金额,3939.6,万元\n南宁市,2024年,涉案金额,0.0001,万元\n柳州市,2024年,涉案金额,1.5,亿元\n桂林市,2024年,涉案金额,99999999,元\n".encode(),
    "amount_over_the_typo_bound": "地区,期间,指标,数值,单位\n百色市,2024年,涉案金额,12345678.9,万元\n南宁市,2024年,涉案金额,1,万元\n".encode(),
    "fractional_count": "地区,期间,指标,数值,单位\n百色市,2024年,立案数,12.5,起\n南宁市,2024年,立案数,0,起\n".encode(),
    "counties_common_parent": "地区,期间,指标,数值,单位\n朝阳区,2024年,立案数,1,起\n船营区,2024年,立案数,2,起\n南关区,2024年,立案数,3,起\n".encode(),
    "county_by_title": "长春市各区立案情况\n地区,期间,指标,数值,单位\n朝阳区,2024年,立案数,1,起\n".encode(),
    "county_ambiguous": "地区,期间,指标,数值,单位\n朝阳区,2024年,立案数,1,起\n".encode(),
    "county_renamed": "地区,期间,指标,数值,单位\n平果县,2018年,立案数,1,起\n右江区,2018年,立案数,2,起\n".encode(),
    "county_joined": "地区,期间,指标,数值,单位\n广西百色市右江区,2024年,立案数,1,起\n北京市朝阳区,2024年,立案数,2,起\n".encode(),
    "leading_zero_and_wide_digits": "地区,期间,指标,数值,单位\n百色市,2024年,立案数,007,起\n南宁市,2024年,立案数,１２,起\n".encode(),
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_the_plain_path_gives_the_row_passes_report(name, monkeypatch):
    filename = ("很长的文件名" * 8 + ".csv") if name == "long_file_name" else f"{name}.csv"
    fast, slow = _both(VARIANTS[name], filename, monkeypatch)
    _same_report(fast, slow)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not found")
def test_every_corpus_csv_gives_the_same_report_both_ways(monkeypatch):
    paths = [p for p in sorted(CORPUS.rglob("*.csv")) if p.stat().st_size < 2_000_000]
    assert paths
    for path in paths:
        fast, slow = _both(path.read_bytes(), path.name, monkeypatch)
        _same_report(fast, slow)


def test_a_plain_tidy_table_takes_the_columnar_path(monkeypatch):
    taken = []
    original = columnar.plain_tidy_frame

    def spy(*args):
        frame = original(*args)
        taken.append(frame is not None)
        return frame

    monkeypatch.setattr(check, "plain_tidy_frame", spy)
    assert check_bytes(VARIANTS["plain"], "t.csv").status == "accepted"
    assert check_bytes(VARIANTS["classic_mac_cr"], "t.csv").status == "accepted"
    assert check_bytes(VARIANTS["duplicate"], "t.csv").status == "rejected"
    assert taken == [True, True, False]


def test_classic_mac_line_ends_are_line_ends():
    report = check_bytes("地区,年份,立案数\r百色市,2024,10\r南宁市,2024,12\r".encode(), "mac.csv")
    assert report.status == "accepted" and report.figures["value"].tolist() == [10.0, 12.0]
    assert report.figures["source_row"].tolist() == [2, 3]


def test_county_names_on_the_columnar_path(monkeypatch):
    """Same-name districts are settled as the row passes settle them; a former name goes back to them."""
    taken = []
    original = columnar.plain_tidy_frame

    def spy(*args):
        frame = original(*args)
        taken.append(frame is not None)
        return frame

    monkeypatch.setattr(check, "plain_tidy_frame", spy)
    codes = {}
    for name in ("counties_common_parent", "county_joined", "county_renamed", "county_ambiguous"):
        report = check_bytes(VARIANTS[name], f"{name}.csv")
        codes[name] = (report.status, list(report.figures["region_code"]), [m.code for m in report.messages])
    assert codes == {
        "counties_common_parent": ("accepted", ["220104", "220204", "220102"], []),
        "county_joined": ("accepted", ["451002", "110105"], []),
        "county_renamed": ("accepted_with_warnings", ["451082", "451002"], ["region_renamed"]),
        "county_ambiguous": ("rejected", [], ["ambiguous_region"]),
    }
    assert taken == [True, True, False, False]
    title = check_bytes(VARIANTS["county_by_title"], "county_by_title.csv")
    assert (title.status, list(title.figures["region_code"])) == ("accepted", ["220104"])


def test_plain_decimal_parts_worked_out_on_all_texts_match_the_pattern_cell_by_cell():
    from loaders.upload.columnar import _PLAIN_DECIMAL, _decimal_parts

    cells = ["1346", "3939.6", "0", "0.5", "01", "1.", ".5", "1,346", "１２", "12345678901234567", "1234567890123456",
             "9999999999999.99", " 12", "12\n", "-3", "1e5", "0.000", "", None, "٣", "约12", "12万"]
    mantissa, fraction = _decimal_parts(np.array(cells, dtype=object))
    for cell, got_mantissa, got_fraction in zip(cells, mantissa, fraction, strict=True):
        match = _PLAIN_DECIMAL.fullmatch(cell) if isinstance(cell, str) and len(cell) <= 16 else None
        want = (int(match.group(1) + (match.group(2) or "")), len(match.group(2) or "")) if match else (0, 99)
        assert (int(got_mantissa), int(got_fraction)) == want, cell


def test_the_cells_answered_all_at_once_are_ones_the_row_classification_passes():
    """`_not_plainly_text` skips only cells that are neither blank nor a repeated header."""
    import random

    from loaders.upload.cells import header_key, is_blank, may_be_header_key

    rng = random.Random(13)
    alphabet = ["1", "2", ".", "-", " ", "\t", "\x1c", "\x1f", "\x7f", "\u200b", "\ufeff", "\u00ad", "a", "~", "!",
                "数", "值", "\u3000", "\xa0", "\n", "%"]
    cells = ["数值", " 数值", None, "", "  "] + ["".join(rng.choices(alphabet, k=rng.randint(1, 4))) for _ in range(3000)]
    uniques = np.array(list(dict.fromkeys(cells)), dtype=object)
    for header in ("数值", "value", "单位"):
        key = header_key(header)
        looked_at = set(columnar._not_plainly_text(uniques, key))
        for k, value in enumerate(uniques):
            stops = is_blank(value) or not isinstance(value, str) or may_be_header_key(value, key, {})
            assert not stops or k in looked_at, (header, value)
        if not key.isascii():
            assert len(looked_at) < len(uniques)  # some were answered at once
