"""The figure model at the bottom of `loaders/`: columns, allowed values, row rules, settings.

Curated validation (`loaders.figures`), the upload checker (`loaders.upload`) and the store
(`loaders.store`) all import this module; it imports nothing of the project but the vocabulary. The other row rule both apply is `loaders.bounds`
(the plausible size of a value per kind of unit).
Settings are read from the environment at call time, which is how tests point at fixtures.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from loaders.vocabulary import QUALIFIERS  # noqa: F401  (an allowed value of the model, named by the vocabulary)

PACKAGE_ROOT = Path(__file__).resolve().parents[1]

# -- settings (read at call time)
DB_URL_ENV = "ANTIFRAUD_DB_URL"
DATASETS_ENV = "ANTIFRAUD_DATASETS"
# A SQLite file URL (any driver, optional query).
SQLITE_FILE_URL = re.compile(r"^sqlite(\+\w+)?:///(?P<database>[^?]*)(\?.*)?$")


def datasets_dir() -> Path:
    """The folder of curated tables: `ANTIFRAUD_DATASETS`, else `datasets/` beside the package."""
    return Path(os.environ.get(DATASETS_ENV, PACKAGE_ROOT / "datasets"))


def configured_database_url() -> str:
    """The store's SQLAlchemy URL: `ANTIFRAUD_DB_URL`, else the SQLite file `data/antifraud.db`.

    Here rather than in the store, so pages can ask without importing SQLAlchemy (~1 s at a cold start).
    """
    return os.environ.get(DB_URL_ENV) or f"sqlite:///{PACKAGE_ROOT / 'data' / 'antifraud.db'}"


def store_may_hold_figures(url: str | None = None) -> bool:
    """False only when the store is a SQLite file that does not exist yet: nothing was ever uploaded.

    Any other URL (another database, an in-memory or URI-style SQLite name) may hold figures.
    """
    url = url or configured_database_url()
    match = SQLITE_FILE_URL.match(url)
    if not match:
        return True
    database = match.group("database")
    if database in ("", ":memory:") or database.startswith("file:") or "%" in database:
        return True
    return Path(database).exists()


# -- the figure columns
FIGURE_COLUMNS = [
    "figure_id",
    "fact_id",
    "source_id",
    "region_code",
    "period_start",
    "period_end",
    "period_text",
    "phase",
    "agency_id",
    "category",
    "metric_id",
    "breakdown",
    "measure",
    "value",
    "unit",
    "qualifier",
    "direction",
    "basis",
    "evidence",
    "note",
]
# A curated table's header: the figure model plus the note in Chinese (the Chinese view shows it).
# Uploads and the store keep FIGURE_COLUMNS: an upload's note is in the uploader's own words.
CURATED_COLUMNS = [*FIGURE_COLUMNS, "note_zh"]
MAX_EVIDENCE = 40
FIGURE_ID = re.compile(r"^(?P<prefix>[a-z0-9]+)-\d{3}$")

# -- allowed values
CATEGORIES = (
    "enforcement",
    "prevention",
    "financial_control",
    "telecom_control",
    "publicity",
    "outcome",
    "fraud_type",
)
DIRECTIONS = ("increase", "decrease")
BASES = ("yoy", "mom", "before_after")
MEASURES = ("level", "change", "share")
PHASES = ("before", "after")


# -- row rules, applied by curated validation and by the upload checker
@dataclass(frozen=True)
class ValueProblem:
    """Why a figure's value cannot be stored; the messages do not name the cell (the caller does)."""

    code: str
    message_zh: str
    message_en: str


def _g(number: Decimal | float) -> str:
    return f"{number:g}"


def negative_problem(number: Decimal | float, shown: str | None = None) -> ValueProblem | None:
    """A level or share is never negative (a decrease is a change with direction `decrease`).

    `shown` is the value as the person wrote it (the cell's text), else the number."""
    if number < 0:
        shown = _g(number) if shown is None else shown
        return ValueProblem("negative", f"为负数({shown})，数量不能为负", f"is negative ({shown}); amounts cannot be negative")
    return None


def percent_problem(number: Decimal | float, measure: str, direction: str = "") -> ValueProblem | None:
    """A share or rate in percent lies in 0–100; a decrease is at most 100% (`out_of_range`).

    An increase may exceed 100%. One code for both layers (curated validation once said
    `share_over_100`).
    """
    if measure == "change":
        if direction == "decrease" and number > 100:
            return ValueProblem("out_of_range", f"下降{_g(number)}%，不可能超过100%",
                                f"is a decrease of {_g(number)}%, which cannot exceed 100%")
        return None
    if number > 100:
        return ValueProblem("out_of_range", f"为{_g(number)}，比率/占比应在0-100之间",
                            f"is {_g(number)}; a rate or share must be between 0 and 100")
    return None
