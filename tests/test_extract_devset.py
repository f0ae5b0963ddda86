"""The second development set of press-release extraction: labels checked everywhere, scores where the texts are.

The texts are not in the repository (copyright); set ANTIFRAUD_DEVSET_TEXTS to the folder holding
<id>.txt to score them. The floors below sit under the measured result (docs/extraction.md) so that a
change which loses figures on texts the rules were not written for fails here.
"""

from __future__ import annotations

import hashlib
import re

import pytest

from bench.extract_devset import LABELS, load_labels, read_text, score_document, texts_folder
from loaders.extract import extract_text, normalise

MEASURES = {"level", "change", "share"}
QUALIFIERS = {"exact", "at_least", "about", "less_than"}
UNITS = {"count", "yuan", "percent", "percentage_points", "months", "days"}


@pytest.fixture
def devset_texts():
    folder, reason = texts_folder()
    if folder is None:
        pytest.skip(reason)
    return folder


def test_labels_are_complete_and_short():
    docs = load_labels()
    assert len(docs) >= 8 and sum(1 for d in docs if d["holdout"]) >= 3
    for d in docs:
        assert (
            d["url"].startswith("http")
            and d["title"]
            and d["kind"]
            and re.fullmatch(r"\d{4}-\d{2}-\d{2}", d["accessed"])
        )
        assert re.fullmatch(r"[0-9a-f]{64}", d["text_sha256"]), d["id"]
        assert (LABELS / f"{d['id']}.json").exists()
        for f in d["figures"]:
            where = (d["id"], f["evidence"])
            assert f["measure"] in MEASURES and f["qualifier"] in QUALIFIERS and f["unit"] in UNITS, where
            assert 0 < len(f["evidence"]) <= 40, where
            assert (f["direction"] in ("increase", "decrease")) == (f["measure"] == "change" and f["value"] != 0), where
            assert f["basis"] in ("", "yoy", "mom") and (f["basis"] == "" or f["measure"] == "change"), where
            assert f["kind"] in ("statistic", "case"), where
            assert f["unit"] != "percent" or f["value"] <= 1000, where


def test_every_evidence_phrase_is_in_its_text(devset_texts):
    for d in load_labels():
        text, why = read_text(devset_texts, d)
        assert text is not None, why
        norm = normalise(text)
        for f in d["figures"]:
            assert normalise(f["evidence"]) in norm, (d["id"], f["evidence"])


def test_recall_and_precision_on_the_development_texts(devset_texts):
    found = labelled = proposed = 0
    for d in load_labels():
        if d["holdout"]:
            continue  # reported apart by bench/extract_devset.py --holdout, never tuned on
        text, why = read_text(devset_texts, d)
        assert text is not None, why
        s = score_document(d, text)
        found, labelled, proposed = found + s.matched, labelled + s.labelled, proposed + s.proposed
        assert s.recall >= 0.5 and s.precision >= 0.35, (d["id"], s.recall, s.precision)
    assert found / labelled >= 0.95 and found / proposed >= 0.95, (found, labelled, proposed)


def test_the_devset_scorer_can_fail():
    text = "今年以来破获案件12起，同比下降5.5%。"
    doc = {
        "id": "x",
        "figures": [
            {
                "value": 12,
                "unit": "count",
                "qualifier": "exact",
                "measure": "level",
                "direction": "",
                "basis": "",
                "kind": "statistic",
                "evidence": "破获案件12起",
            },
            {
                "value": 5.5,
                "unit": "percent",
                "qualifier": "exact",
                "measure": "change",
                "direction": "decrease",
                "basis": "yoy",
                "kind": "statistic",
                "evidence": "同比下降5.5%",
            },
        ],
    }
    s = score_document(doc, text)
    assert (s.matched, s.labelled, s.proposed) == (2, 2, 2)
    doc["figures"][1]["basis"] = "mom"  # a wrong basis is a miss
    assert score_document(doc, text).matched == 1
    doc["figures"][1]["unit"] = "percentage_points"
    doc["figures"][1]["basis"] = "yoy"  # percentage points are not percent
    assert score_document(doc, text).matched == 1
    assert score_document(doc, "今年以来破获案件13起。", extract_text("今年以来破获案件13起。")).matched == 0


def test_a_case_label_is_neutral():
    text = "全市破获案件30起。市民张女士被骗8万元。"
    doc = {
        "id": "x",
        "figures": [
            {
                "value": 30,
                "unit": "count",
                "qualifier": "exact",
                "measure": "level",
                "direction": "",
                "basis": "",
                "kind": "statistic",
                "evidence": "破获案件30起",
            },
            {
                "value": 80000,
                "unit": "yuan",
                "qualifier": "exact",
                "measure": "level",
                "direction": "",
                "basis": "",
                "kind": "case",
                "evidence": "被骗8万元",
            },
        ],
    }
    s = score_document(doc, text)
    assert (s.matched, s.labelled, s.proposed) == (1, 1, 1)


def test_a_changed_text_is_refused(tmp_path):
    doc = {"id": "x", "text_sha256": hashlib.sha256("原文".encode()).hexdigest()}
    (tmp_path / "x.txt").write_text("改过的文本", encoding="utf-8")
    text, why = read_text(tmp_path, doc)
    assert text is None and "SHA-256" in why
