"""Press-release extraction measured: recall/precision on the curated documents and speed.

    .venv/bin/python bench/extract.py [--seeds ../shared/seeds] [--runs 20]

Recall: the share of curated stated figures (datasets/<source>.csv) that the extractor proposes with
the same value, qualifier, measure and direction, its number inside the curated evidence phrase.
Precision: the share of proposed rows that are such a match (each proposed row matches one curated
row at most). Speed: extraction of a 20,000-character transcript (the two seed texts repeated), median
of --runs. Not a timed test: the result is recorded in bench/RESULTS.md by hand.

Texts the rules were not written for: bench/extract_devset.py (second development set, docs/extraction.md).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from loaders.extract import Extraction, extract_text, normalise  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SEEDS = REPO.parent / "shared" / "seeds"


@dataclass
class Score:
    source_id: str
    curated: int
    proposed: int
    matched: int
    missed: list[dict]
    extra: list[dict]

    @property
    def recall(self) -> float:
        return self.matched / self.curated if self.curated else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.proposed if self.proposed else 1.0


def curated_documents(seeds: Path) -> list[tuple[str, Path, list[dict]]]:
    """(source_id, seed text path, curated rows) for every source whose text is in `seeds`.

    Sources curated from texts kept elsewhere (ANTIFRAUD_SOURCE_TEXTS) are not part of this measure."""
    out = []
    with open(REPO / "datasets" / "sources.csv", encoding="utf-8", newline="") as fh:
        for src in csv.DictReader(fh):
            table = REPO / "datasets" / f"{src['source_id']}.csv"
            if src.get("seed_file") and table.exists() and (seeds / src["seed_file"]).is_file():
                with open(table, encoding="utf-8", newline="") as t:
                    out.append((src["source_id"], seeds / src["seed_file"], list(csv.DictReader(t))))
    return out


def _same(row: dict, fig) -> bool:
    return (
        float(row["value"]) == float(fig.value)
        and row["qualifier"] == fig.qualifier
        and row["measure"] == fig.measure
        and (row.get("direction") or "") == (fig.direction or "")
    )


def score(source_id: str, text: str, rows: list[dict], extraction: Extraction) -> Score:
    """Match curated rows to proposed rows one-to-one, the number inside the curated evidence phrase."""
    norm = normalise(text)
    used: set[int] = set()
    missed = []
    matched = 0
    for row in rows:
        if row.get("derived") in ("true", "True", "1"):
            continue
        evidence = normalise(row["evidence"])
        spans, i = [], norm.find(evidence)
        while i >= 0:
            spans.append((i, i + len(evidence)))
            i = norm.find(evidence, i + 1)
        hit = None
        for k, fig in enumerate(extraction.figures):
            if k in used or not _same(row, fig):
                continue
            if any(a <= fig.number_start < b for a, b in spans):
                hit = k
                break
        if hit is None:
            missed.append({k: row[k] for k in ("figure_id", "measure", "value", "qualifier", "direction", "evidence")})
        else:
            used.add(hit)
            matched += 1
    extra = [f.to_dict() for k, f in enumerate(extraction.figures) if k not in used]
    curated = sum(1 for r in rows if r.get("derived") not in ("true", "True", "1"))
    return Score(source_id, curated, len(extraction.figures), matched, missed, extra)


def long_transcript(seeds: Path, length: int = 20_000) -> str:
    texts = [p.read_text(encoding="utf-8") for _, p, _ in curated_documents(seeds)]
    out = ""
    while len(out) < length:
        out += "\n\n".join(texts) + "\n\n"
    return out[:length]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    if not args.seeds.is_dir():
        print(f"source documents not found at {args.seeds}", file=sys.stderr)
        return 2
    for source_id, path, rows in curated_documents(args.seeds):
        text = path.read_text(encoding="utf-8")
        s = score(source_id, text, rows, extract_text(text))
        print(
            f"{source_id}: recall {s.matched}/{s.curated} = {s.recall:.1%}, "
            f"precision {s.matched}/{s.proposed} = {s.precision:.1%}"
        )
        for m in s.missed:
            print("  missed:", m)
        for e in s.extra:
            print("  extra:", e["measure"], e["value"], e["qualifier"], e["doubt"], e["evidence"])
    text = long_transcript(args.seeds)
    extract_text(text)  # warm caches (catalog, divisions)
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        extract_text(text)
        times.append(time.perf_counter() - t0)
    print(
        f"speed: {len(text)} characters, median {statistics.median(times) * 1000:.1f} ms, "
        f"max {max(times) * 1000:.1f} ms over {args.runs} runs"
    )
    cold = [
        sys.executable,
        "-c",
        "import time;t=time.perf_counter();from loaders.extract import extract_text;"
        f"extract_text(open({str(args.seeds / 'x')!r}[:-1]+'000_5bbfc01b24ab62dc.txt',encoding='utf-8').read());"
        "print(f'{time.perf_counter()-t:.3f}')",
    ]
    import subprocess

    first = subprocess.run(cold, capture_output=True, text=True, cwd=REPO, check=False).stdout.strip()
    print(f"cold (import + catalog + one document, new process): {first} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
