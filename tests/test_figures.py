"""Curated figures: validated on load, traceable to their source, derived figures computed."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from loaders.catalog import datasets_dir, figure_table_names, load_catalog, read_csv_table
from loaders.derive import DerivationError, implied_total, period_days, share_half_step
from loaders.figures import (
    CURATED_COLUMNS,
    FiguresError,
    load_curated_figures,
    load_curated_table,
    validate_figures,
)
from loaders.frame import build_all_figures
from tests import shared_material
from tests.conftest import REPO


@pytest.fixture(scope="module")
def curated() -> pd.DataFrame:
    return load_curated_figures()


@pytest.fixture(scope="module")
def all_figures() -> pd.DataFrame:
    return build_all_figures(include_uploaded=False)


def test_curated_tables_validate_without_problems():
    catalog = load_catalog()
    names = figure_table_names()
    assert {"gansu_2020_duanka", "baise_2024_fraud", "mps_2021_duanka", "gansu_2021_fraud"} <= set(names)
    for name in names:
        frame = read_csv_table(datasets_dir() / f"{name}.csv")
        assert validate_figures(frame, catalog, name) == []


@pytest.mark.parametrize(
    ("figure_id", "metric_id", "value", "qualifier", "direction", "basis"),
    [
        ("gs20-001", "two_card_suspects", 1427, "exact", "", ""),
        ("gs20-007", "business_licenses_seized", 13000, "at_least", "", ""),
        ("gs20-011", "calls_intercepted", 120_000_000, "at_least", "", ""),
        ("gs20-013", "case_linked_phone_cards_daily", 100, "at_least", "", ""),
        ("gs20-014", "case_linked_phone_cards_daily", 10, "less_than", "", ""),
        ("gs20-020", "warning_messages_sent", 100_000_000, "at_least", "", ""),
        ("gs20-022", "fraud_cases", 6.6, "exact", "decrease", "mom"),
        ("gs20-025", "fraud_cases", 26.9, "exact", "decrease", "mom"),
        ("gs20-026", "days_without_case", 45, "exact", "", ""),
        ("gs20-030", "funds_frozen", 544_000_000, "exact", "", ""),
        ("gs20-039", "publicity_videos", 1000, "about", "", ""),
        ("gs20-040", "video_views", 100_000_000, "at_least", "", ""),
        ("bs24-001", "cases_filed", 44.5, "exact", "decrease", "yoy"),
        ("bs24-003", "clearance_rate", 113, "exact", "increase", "yoy"),
        ("bs24-005", "losses_recovered", 22_300_000, "at_least", "", ""),
        ("bs24-012", "victims_prevented", 90000, "about", "", ""),
        ("bs24-018", "fraud_cases", 481, "exact", "", ""),
        ("bs24-019", "fraud_case_share", 31.2, "exact", "", ""),
        ("bs24-027", "card_origin_leads", 73.18, "exact", "decrease", "yoy"),
        ("bs24-029", "high_risk_numbers_handled", 104_100, "exact", "", ""),
        ("bs24-033", "anti_fraud_sms", 13_020_000, "exact", "", ""),
        ("mps21-002", "sweep_suspects_arrested", 531, "exact", "", ""),
        ("mps21-003", "sweep_cards_seized", 11000, "at_least", "", ""),
        ("mps21-004", "sweep_amount_involved", 14_000_000, "at_least", "", ""),
        ("mps21-007", "gangs_dismantled", 8600, "at_least", "", ""),
        ("mps21-008", "two_card_suspects", 160_000, "at_least", "", ""),
        ("mps21-009", "suspects_publicly_disciplined", 57000, "at_least", "", ""),
        ("mps21-010", "outlets_institutions_rectified", 10000, "at_least", "", ""),  # 超1万
        ("gs21-001", "criminal_cases_solved", 8859, "exact", "", ""),
        ("gs21-003", "criminal_cases_solved", 10.15, "exact", "increase", "yoy"),
        ("gs21-004", "criminal_suspects_arrested", 28.5, "exact", "increase", "yoy"),
        ("gs21-006", "calls_intercepted", 400_000_000, "at_least", "", ""),
        ("gs21-007", "numbers_and_domains_blocked", 662_000, "exact", "", ""),
        ("gs21-010", "potential_victims_counselled", 3_736_000, "exact", "", ""),
        ("gs21-011", "funds_frozen", 4_027_000_000, "exact", "", ""),
    ],
)
def test_golden_figures(curated, figure_id, metric_id, value, qualifier, direction, basis):
    row = curated.set_index("figure_id").loc[figure_id]
    assert row.metric_id == metric_id
    assert row.value == value
    assert (row.qualifier, row.direction, row.basis) == (qualifier, direction, basis)


def test_same_fact_reported_twice_is_two_rows_of_one_fact(curated):
    rows = curated[curated.fact_id == "gs20-017"]
    assert sorted(rows.figure_id) == ["gs20-017", "gs20-038"]
    assert set(rows.agency_id) == {"public_security", "pboc"}
    assert set(rows.value) == {445}


def test_same_fact_stated_twice_in_the_national_report(curated):
    rows = curated[curated.fact_id == "mps21-001"]
    assert sorted(rows.figure_id) == ["mps21-001", "mps21-006"] and set(rows.value) == {27}


# --- evidence against the source texts (kept outside the repository) ----------------------------------

SOURCE_TEXTS_ENV = "ANTIFRAUD_SOURCE_TEXTS"


def source_meta(source_id: str) -> dict:
    return json.loads((datasets_dir() / f"{source_id}.meta.json").read_text(encoding="utf-8"))


def find_source_text(file_name: str) -> Path | None:
    """The text in the folder ANTIFRAUD_SOURCE_TEXTS names, else in the shared seeds; None when in neither."""
    folders = [Path(os.environ[SOURCE_TEXTS_ENV])] if os.environ.get(SOURCE_TEXTS_ENV) else []
    folders.append(shared_material.seeds_dir())
    for folder in folders:
        if (folder / file_name).is_file():
            return folder / file_name
    return None


def evidence_problems(text: bytes, sha256: str, figures: pd.DataFrame, policies: pd.DataFrame) -> list[str]:
    """Why a text is not the one a table was curated from, or which evidence phrases it does not hold."""
    digest = hashlib.sha256(text).hexdigest()
    if digest != sha256:
        return [f"text SHA-256 {digest} is not the curated text's {sha256}"]
    decoded = text.decode("utf-8")
    problems = [f"{r.figure_id}: “{r.evidence}” not in the text" for r in figures.itertuples() if r.evidence not in decoded]
    problems += [f"{p.policy_id}: “{p.evidence}” not in the text" for p in policies.itertuples() if p.evidence not in decoded]
    return problems


@pytest.mark.parametrize("source_id", figure_table_names())
def test_every_evidence_phrase_occurs_in_its_source(curated, source_id):
    origin = source_meta(source_id)["origin"]
    file_name = load_catalog().sources.at[source_id, "seed_file"]
    assert origin["text_file"] == file_name and re.fullmatch(r"[0-9a-f]{64}", origin["text_sha256"])
    path = find_source_text(file_name)
    if path is None:
        pytest.skip(
            f"source text {file_name} of {source_id} not found (set {SOURCE_TEXTS_ENV} to its folder, or put it in "
            f"{shared_material.seeds_dir()}): evidence cannot be checked here"
        )
    policies = load_catalog().policies
    rows = curated[curated.source_id == source_id]
    assert len(rows) > 0
    assert evidence_problems(path.read_bytes(), origin["text_sha256"], rows, policies[policies.source_id == source_id]) == []


def test_the_evidence_check_refuses_another_text_and_a_missing_phrase(curated):
    figures = curated[curated.source_id == "mps_2021_duanka"]
    text = "".join(figures.evidence).encode("utf-8")
    none = pd.DataFrame(columns=["policy_id", "evidence"])
    assert evidence_problems(text, hashlib.sha256(text).hexdigest(), figures, none) == []
    edited = text.replace(b"531", b"351")
    assert evidence_problems(edited, hashlib.sha256(text).hexdigest(), figures, none)[0].startswith("text SHA-256")
    problems = evidence_problems(edited, hashlib.sha256(edited).hexdigest(), figures, none)
    assert problems == ["mps21-002: “各地共抓获违法犯罪嫌疑人531名” not in the text"]


def test_source_texts_are_found_in_the_named_folder_first(tmp_path, monkeypatch):
    (tmp_path / "x.txt").write_text("t", encoding="utf-8")
    monkeypatch.setenv(SOURCE_TEXTS_ENV, str(tmp_path))
    assert find_source_text("x.txt") == tmp_path / "x.txt"
    monkeypatch.setenv(shared_material.ENV_VAR, str(tmp_path / "no_shared"))
    assert find_source_text("missing.txt") is None


NUMBER_IN_TEXT = re.compile(r"(?:约|不足|过|突破|超)?\d[\d,.]*\s*(?:余|多)?(?:万|亿)?(?:余|多)?|过亿")


def _numbers_in(evidence: str) -> list[tuple[float, str]]:
    from loaders.numbers import NumberParseError, parse_number

    found = []
    for token in NUMBER_IN_TEXT.findall(evidence):
        try:
            parsed = parse_number(token.replace(" ", ""))
        except NumberParseError:
            continue
        found.append((float(parsed.value), parsed.qualifier))
    return found


def test_every_value_and_qualifier_is_stated_in_its_evidence(curated):
    """The number parser, run on the evidence phrase, finds the curated value with its qualifier."""
    pytest.importorskip("loaders.numbers")
    wrong = [
        (r.figure_id, r.value, r.qualifier, r.evidence)
        for r in curated.itertuples()
        if (r.value, r.qualifier) not in _numbers_in(r.evidence)
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("mutation", "column", "code"),
    [
        ({"metric_id": "no_such_metric"}, "metric_id", "unknown_metric"),
        ({"qualifier": "roughly"}, "qualifier", "unknown_qualifier"),
        ({"evidence": "字" * 41}, "evidence", "long_evidence"),
        ({"evidence": ""}, "evidence", "missing_evidence"),
        ({"direction": "decrease"}, "direction", "direction_on_level"),
        ({"value": "1.3万"}, "value", "not_a_number"),
        ({"value": "-5"}, "value", "negative"),
        ({"period_end": "2020-13-01"}, "period_end", "bad_date"),
        ({"period_start": "2021-01-01"}, "period_start", "period_order"),
        ({"unit": "yuan"}, "unit", "unit_mismatch"),
        ({"region_code": "999999"}, "region_code", "unknown_region"),
        ({"figure_id": "gs20-1"}, "figure_id", "bad_id"),
        ({"note": "Counted twice."}, "note_zh", "note_one_language"),  # a note needs its Chinese too
        ({"note_zh": "重复计数。"}, "note", "note_one_language"),
    ],
)
def test_validation_names_row_and_column(mutation, column, code):
    frame = read_csv_table(datasets_dir() / "gansu_2020_duanka.csv")
    for key, value in mutation.items():
        frame.at[4, key] = value
    problems = validate_figures(frame, load_catalog(), "gansu_2020_duanka")
    assert any(p.code == code and p.column == column and p.row == 6 for p in problems), problems
    assert all(p.level == "error" and p.message_zh and p.message_en for p in problems)


def test_validation_collects_every_problem_at_once():
    frame = read_csv_table(datasets_dir() / "baise_2024_fraud.csv")
    frame.at[0, "metric_id"] = "nope"
    frame.at[10, "qualifier"] = "nope"
    frame.at[20, "value"] = "x"
    problems = validate_figures(frame, load_catalog(), "baise_2024_fraud")
    assert sorted(p.row for p in problems) == [2, 12, 22]


def test_a_broken_curated_table_fails_loading(tmp_path, monkeypatch):
    for path in datasets_dir().glob("*.csv"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    broken = read_csv_table(tmp_path / "baise_2024_fraud.csv")
    broken.at[3, "unit"] = "bananas"
    broken.to_csv(tmp_path / "baise_2024_fraud.csv", index=False)
    monkeypatch.setenv("ANTIFRAUD_DATASETS", str(tmp_path))
    with pytest.raises(FiguresError) as info:
        load_curated_table("baise_2024_fraud")
    assert info.value.problems[0].row == 5


def test_implied_total_of_baise_fraud_types(all_figures):
    total = all_figures.set_index("figure_id").loc["bs24-d01"]
    assert total.derived and total.qualifier == "about"
    assert total.value == 1541
    assert "481 ÷ 31.2%" in total.formula and "1540–1541" in total.formula


def test_remainders_are_derived_with_formulas(all_figures):
    by_id = all_figures.set_index("figure_id")
    assert by_id.at["bs24-d02", "value"] == pytest.approx(27.0)
    assert by_id.at["bs24-d02", "breakdown"] == "fraud_type:other"
    assert by_id.at["bs24-d03", "value"] == 1541 - (481 + 303 + 185 + 155)
    assert all(by_id.loc[["bs24-d01", "bs24-d02", "bs24-d03"], "derived"])
    assert all(by_id.loc[["bs24-d01", "bs24-d02", "bs24-d03"], "formula"].str.len() > 10)


def test_period_lengths(all_figures):
    days = all_figures[all_figures.metric_id == "period_days"].set_index("figure_id").value
    assert days["gs20-p01"] == 49
    assert days["bs24-p02"] == 317
    assert period_days("2024-01-01", "2024-12-31") == 366


@pytest.mark.parametrize(("share", "step"), [(31.2, "0.05"), (12, "0.5"), (73.18, "0.005"), ("10.10", "0.05")])
def test_share_half_step(share, step):
    assert str(share_half_step(share)) == step


def test_disagreeing_counts_and_shares_are_refused():
    with pytest.raises(DerivationError):
        implied_total([("a", 481, 31.2), ("b", 303, 10.0)])


def test_all_figures_has_the_documented_columns(all_figures):
    for column in [
        "figure_id",
        "source_id",
        "region_code",
        "region_zh",
        "metric_id",
        "metric_zh",
        "metric_en",
        "value",
        "unit",
        "qualifier",
        "direction",
        "basis",
        "period_start",
        "period_end",
        "derived",
        "evidence",
    ]:
        assert column in all_figures.columns
    assert all_figures.figure_id.is_unique
    assert (all_figures.metric_zh != "").all() and (all_figures.metric_en != "").all()


def test_every_dataset_has_a_sidecar_documenting_every_column():
    for csv_path in sorted(datasets_dir().glob("*.csv")):
        meta_path = csv_path.with_suffix(".meta.json")
        assert meta_path.exists(), f"{csv_path.name} has no metadata sidecar"
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        header = list(read_csv_table(csv_path).columns)
        assert set(header) <= set(meta["columns"]), f"{csv_path.name}: undocumented columns"
        if csv_path.stem in figure_table_names():
            assert header == CURATED_COLUMNS
            for key in ("producer", "title", "date_published", "date_accessed", "license", "citation_full", "text_file", "text_sha256"):
                assert meta["origin"][key]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_figures_command_lists_every_figure(fmt, all_figures):
    result = subprocess.run(
        [sys.executable, "-m", "loaders", "figures", "--format", fmt],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "ANTIFRAUD_DB_URL": "sqlite:///:memory:"},
    )
    assert result.returncode == 0, result.stderr
    if fmt == "json":
        records = pd.DataFrame(json.loads(result.stdout))
    else:
        from io import StringIO

        records = pd.read_csv(StringIO(result.stdout), dtype={"region_code": str})
    assert set(all_figures.figure_id) <= set(records.figure_id)
    printed = records.set_index("figure_id")
    assert float(printed.at["gs20-030", "value"]) == 544_000_000
    assert printed.at["bs24-019", "evidence"] == "占比高达 31.2%"


# --- labels and the upload store ---------------------------------------------------------------------


def _upload_row(figure_id: str, **values: object) -> dict:
    from loaders.store import READ_COLUMNS

    row = {c: "" for c in READ_COLUMNS}
    row.update(figure_id=figure_id, fact_id=figure_id, source_id="upload:t", value=1.0, derived=False, upload_id="u-1")
    row.update(values)
    return row


def test_labels_of_uploaded_keys_known_and_unknown(monkeypatch):
    """Each key gets the reference table's label; a key the tables do not know stands for itself."""
    import loaders.frame as frame_module

    uploaded = pd.DataFrame(
        [
            _upload_row("u-1", region_code="110000", metric_id="cases_filed", unit="case"),
            _upload_row("u-2", region_code="999999", metric_id="new_metric", unit="widgets", agency_id="nope", breakdown="fraud_type:xx"),
            _upload_row("u-3", region_code="440300", metric_id="new_metric", metric_zh="新指标", unit="case"),
            _upload_row("u-4", region_code="451000", metric_id="cases_filed", metric_zh="立案", breakdown="fraud_type:other", unit="yuan"),
        ]
    )
    monkeypatch.setattr(frame_module, "store_may_hold_figures", lambda url=None: True)
    monkeypatch.setattr(frame_module, "uploaded_figures", lambda: uploaded.copy())
    labelled = build_all_figures().set_index("figure_id")
    columns = ["region_zh", "region_en", "metric_zh", "metric_en", "unit_zh", "agency_en", "breakdown_zh"]
    assert labelled.loc["u-1", columns].tolist() == ["北京市", "Beijing Municipality", "立案数", "Cases filed", "case", "", ""]
    assert labelled.loc["u-2", columns].tolist() == ["999999", "999999", "new_metric", "new_metric", "widgets", "nope", "fraud_type:xx"]
    assert labelled.loc["u-3", columns].tolist() == ["深圳市", "Shenzhen City", "新指标", "new_metric", "case", "", ""]
    # A metric of the reference table is labelled by the table, not by the upload's wording.
    assert labelled.loc["u-4", ["region_zh", "metric_zh", "breakdown_zh", "unit_zh"]].tolist() == ["百色市", "立案数", "其他类型", "元"]


def test_configured_url_is_the_store_url(monkeypatch, tmp_path):
    from loaders import store
    from loaders.model import configured_database_url

    monkeypatch.delenv("ANTIFRAUD_DB_URL", raising=False)
    assert configured_database_url() == store.database_url()
    monkeypatch.setenv("ANTIFRAUD_DB_URL", f"sqlite:///{tmp_path / 'x.db'}")
    assert configured_database_url() == store.database_url()


def test_only_a_missing_sqlite_file_means_no_uploads(tmp_path):
    from loaders.model import store_may_hold_figures

    there = tmp_path / "there.db"
    there.write_bytes(b"")
    assert not store_may_hold_figures(f"sqlite:///{tmp_path / 'missing.db'}")
    assert not store_may_hold_figures(f"sqlite+pysqlite:///{tmp_path / 'missing.db'}?timeout=5")
    assert store_may_hold_figures(f"sqlite:///{there}")
    assert store_may_hold_figures("sqlite:///:memory:")
    assert store_may_hold_figures("sqlite://")
    assert store_may_hold_figures("postgresql+psycopg://user@host/db")


def test_no_store_file_means_no_store_import_and_no_file(tmp_path):
    """A fresh install (nothing uploaded) loads every figure without importing SQLAlchemy or creating the file."""
    path = tmp_path / "fresh" / "antifraud.db"
    code = (
        "import sys; from loaders.frame import build_all_figures; figures = build_all_figures(); "
        "print(len(figures), 'loaders.store' in sys.modules, 'sqlalchemy' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "ANTIFRAUD_DB_URL": f"sqlite:///{path}"},
    )
    assert result.returncode == 0, result.stderr
    count, store_imported, sqlalchemy_imported = result.stdout.split()
    assert int(count) == len(build_all_figures(include_uploaded=False))
    assert (store_imported, sqlalchemy_imported) == ("False", "False")
    assert not path.exists()


def test_the_chinese_view_reads_the_chinese_notes_and_formulas(all_figures):
    """Every curated note and every derived formula has its Chinese; the Chinese view shows it."""
    from charts.cards import build_cards
    from charts.provenance import build_footnotes, in_language

    noted = all_figures[all_figures["note"] != ""]
    assert len(noted) >= 30 and (noted["note_zh"] != "").all()
    derived = all_figures[all_figures["derived"]]
    assert (derived["formula_zh"] != "").all() and (derived["note_zh"] != "").all()
    row = all_figures.set_index("figure_id").loc["gs20-001"]
    assert in_language(row["note"], row["note_zh"], "zh") == "抓获人数（抓获）。"
    assert in_language(row["note"], row["note_zh"], "en") == "Arrested (抓获)."
    assert in_language("Upload note", "", "zh") == "Upload note"  # an upload's note stays as written
    cards = build_cards(all_figures, "zh", load_catalog(), ["620000"], show_all=True)
    helps = " ".join(c.help for c in cards)
    assert "备注：抓获人数（抓获）。" in helps and "Arrested" not in helps
    footnotes = " ".join(build_footnotes(derived[derived["figure_id"] == "gs20-p01"], "zh"))
    assert "+ 1天 = 49天" in footnotes and "days" not in footnotes


@pytest.mark.parametrize(
    ("mutation", "expected"),
    [
        ({"measure": "share", "unit": "percent", "value": "130"}, ["out_of_range"]),
        ({"measure": "share", "unit": "percent", "value": "100"}, []),
        ({"measure": "change", "unit": "percent", "direction": "decrease", "basis": "yoy", "value": "120"}, ["out_of_range"]),
        ({"measure": "change", "unit": "percent", "direction": "increase", "basis": "yoy", "value": "120"}, []),
    ],
)
def test_curated_percent_rule_is_the_uploads_rule(mutation, expected):
    """One code for 'a share is at most 100, a decrease at most 100%' (it was share_over_100 here)."""
    from loaders.model import percent_problem

    frame = read_csv_table(datasets_dir() / "gansu_2020_duanka.csv")
    for key, value in mutation.items():
        frame.at[4, key] = value
    problems = validate_figures(frame, load_catalog(), "gansu_2020_duanka")
    assert [p.code for p in problems if p.column == "value"] == expected
    problem = percent_problem(float(mutation["value"]), mutation["measure"], mutation.get("direction", ""))
    assert ([problem.code] if problem else []) == expected


def test_settings_are_read_at_call_time(monkeypatch, tmp_path):
    from loaders import model

    monkeypatch.setenv("ANTIFRAUD_DATASETS", str(tmp_path))
    monkeypatch.setenv("ANTIFRAUD_DB_URL", "sqlite:///elsewhere.db")
    assert model.datasets_dir() == tmp_path
    assert model.configured_database_url() == "sqlite:///elsewhere.db"
    monkeypatch.delenv("ANTIFRAUD_DB_URL")
    assert model.configured_database_url().endswith("/data/antifraud.db")
