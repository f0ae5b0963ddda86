"""Press-release extraction measured on the second development set (public announcements labelled by hand).

    ANTIFRAUD_DEVSET_TEXTS=/path/to/texts .venv/bin/python bench/extract_devset.py [--verbose] [--holdout]

The labels live in bench/extract_devset/<id>.json (page address, title, date accessed, the SHA-256 of the
text that was labelled, and every stated figure with a short verbatim evidence phrase). The texts
themselves are not in the repository (copyright): the benchmark reads <id>.txt from the folder named
by ANTIFRAUD_DEVSET_TEXTS and skips, with the reason, when it is not set or a text is missing. Nothing
is fetched at run time.

A labelled figure is found when a proposed row has the same value, qualifier, measure, direction,
basis and unit class (percent / percentage_points / yuan / months / days / count; none for 持平), its number inside
an occurrence of the labelled evidence; rows are matched one to one. Recall = found / labelled
statistics. Precision = matched proposals / proposals. Labels of kind "case" (the details of one
case or one victim: 被骗483万元, 抓获梁某等36人) are neutral: not required, and a proposal matching
one is left out of the precision count. Held-out texts (`"holdout": true`) are reported apart and
only with --holdout, so that nobody tunes the rules on them by accident.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from loaders.extract import Extraction, Figure, extract_text, normalise  # noqa: E402

LABELS = Path(__file__).resolve().parent / "extract_devset"
ENV = "ANTIFRAUD_DEVSET_TEXTS"
UNIT_CLASSES = ("percent", "percentage_points", "yuan", "months", "days")
FIELDS = ("value", "unit", "qualifier", "measure", "direction", "basis")


def unit_class(unit: str) -> str:
    return unit if unit in UNIT_CLASSES else "count"


@dataclass
class DevScore:
    doc_id: str
    holdout: bool
    labelled: int
    proposed: int
    matched: int
    missed: list[dict] = field(default_factory=list)
    near: list[tuple[dict, dict]] = field(default_factory=list)  # (label, proposal with the same number, wrong fields)
    extra: list[dict] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.matched / self.labelled if self.labelled else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.proposed if self.proposed else 1.0


def load_labels(folder: Path = LABELS) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


def texts_folder() -> tuple[Path | None, str]:
    """(folder, "") when ANTIFRAUD_DEVSET_TEXTS names a folder, else (None, the reason to skip)."""
    value = os.environ.get(ENV, "")
    if not value:
        return None, f"{ENV} is not set: the development-set texts are not in the repository"
    folder = Path(value)
    if not folder.is_dir():
        return None, f"{ENV}={value} is not a folder"
    return folder, ""


def read_text(folder: Path, doc: dict) -> tuple[str | None, str]:
    """The labelled text, or (None, why not): missing, or not the text that was labelled."""
    path = folder / f"{doc['id']}.txt"
    if not path.is_file():
        return None, f"{path} not found"
    text = path.read_text(encoding="utf-8")
    if doc.get("text_sha256") and hashlib.sha256(text.encode("utf-8")).hexdigest() != doc["text_sha256"]:
        return None, f"{path} is not the text that was labelled (SHA-256 differs)"
    return text, ""


def _fields(fig: Figure) -> dict:
    if fig.measure == "change" and float(fig.value) == 0:
        return {**_fields_of(fig), "unit": "none"}
    return _fields_of(fig)


def _fields_of(fig: Figure) -> dict:
    return {
        "value": float(fig.value),
        "unit": unit_class(fig.unit),
        "qualifier": fig.qualifier,
        "measure": fig.measure,
        "direction": fig.direction or "",
        "basis": fig.basis or "",
    }


def _label_fields(label: dict) -> dict:
    out = {k: (float(label[k]) if k == "value" else label[k] or "") for k in FIELDS}
    if out["measure"] == "change" and out["value"] == 0:
        out["unit"] = "none"  # no change (持平) has no unit: 0% and 0 cases say the same
    return out


def _spans(norm: str, evidence: str) -> list[tuple[int, int]]:
    ev = normalise(evidence)
    out, i = [], norm.find(ev)
    while i >= 0:
        out.append((i, i + len(ev)))
        i = norm.find(ev, i + 1)
    return out


def score_document(doc: dict, text: str, extraction: Extraction | None = None) -> DevScore:
    extraction = extraction or extract_text(text)
    norm = normalise(text)
    figures = extraction.figures
    used: set[int] = set()
    neutral: set[int] = set()
    missed, near = [], []
    matched = 0
    labels = sorted(doc["figures"], key=lambda lab: lab.get("kind", "statistic") != "statistic")
    for label in labels:
        want = _label_fields(label)
        spans = _spans(norm, label["evidence"])
        inside = [k for k, f in enumerate(figures) if any(a <= f.number_start < b for a, b in spans)]
        hit = next((k for k in inside if k not in used and k not in neutral and _fields(figures[k]) == want), None)
        if label.get("kind", "statistic") != "statistic":
            if hit is not None:
                neutral.add(hit)
            continue
        if hit is None:
            missed.append(label)
            same_number = [k for k in inside if _fields(figures[k])["value"] == want["value"]]
            if same_number:
                near.append((label, figures[same_number[0]].to_dict()))
        else:
            used.add(hit)
            matched += 1
    extra = [f.to_dict() for k, f in enumerate(figures) if k not in used and k not in neutral]
    labelled = sum(1 for lab in doc["figures"] if lab.get("kind", "statistic") == "statistic")
    return DevScore(
        doc["id"], bool(doc.get("holdout")), labelled, len(figures) - len(neutral), matched, missed, near, extra
    )


def _total(scores: list[DevScore]) -> str:
    lab = sum(s.labelled for s in scores)
    pro = sum(s.proposed for s in scores)
    mat = sum(s.matched for s in scores)
    return f"recall {mat}/{lab} = {mat / lab if lab else 1:.1%}, precision {mat}/{pro} = {mat / pro if pro else 1:.1%}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list the misses and the extra proposals")
    parser.add_argument("--holdout", action="store_true", help="also score the held-out texts (reported apart)")
    args = parser.parse_args(argv)
    folder, reason = texts_folder()
    if folder is None:
        print(f"skipped: {reason}", file=sys.stderr)
        return 0
    groups: dict[bool, list[DevScore]] = {False: [], True: []}
    for doc in load_labels():
        if doc.get("holdout") and not args.holdout:
            continue
        text, why = read_text(folder, doc)
        if text is None:
            print(f"{doc['id']}: skipped: {why}")
            continue
        s = score_document(doc, text)
        groups[s.holdout].append(s)
        print(
            f"{'[held out] ' if s.holdout else ''}{s.doc_id}: recall {s.matched}/{s.labelled} = {s.recall:.1%}, "
            f"precision {s.matched}/{s.proposed} = {s.precision:.1%}"
        )
        if args.verbose and not s.holdout:
            near_ids = {id(lab) for lab, _ in s.near}
            for label, fig in s.near:
                got = {k: fig[k] for k in ("value", "unit", "qualifier", "measure", "direction", "basis")}
                print(f"  wrong fields: {label['evidence']} want {_label_fields(label)} got {got}")
            for label in s.missed:
                if id(label) not in near_ids:
                    print(f"  missed: {label['evidence']} {_label_fields(label)}")
            for e in s.extra:
                print(
                    f"  extra: {e['measure']} {e['value']} {e['unit']} {e['qualifier']} {e['doubt']} | {e['evidence']}"
                )
    if groups[False]:
        print("development texts:", _total(groups[False]))
    if groups[True]:
        print("held-out texts:", _total(groups[True]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
