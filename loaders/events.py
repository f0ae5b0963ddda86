"""Dated events for the trends page (datasets/events.csv): operations and laws, each with its source.

An event comes either from a project source document (`source_id`, whose text holds its `evidence`)
or from a cited public document (`citation_zh` / `citation_en`); a row with neither is refused.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from loaders.catalog import Catalog, datasets_dir, read_csv_table
from loaders.messages import BilingualError

EVENT_COLUMNS = [
    "event_id", "date", "region_code", "label_zh", "label_en", "description_zh", "description_en",
    "source_id", "citation_zh", "citation_en", "url", "evidence",
]  # fmt: skip
MAX_EVIDENCE = 40


class EventsError(BilingualError):
    pass


def validate_events(events: pd.DataFrame, catalog: Catalog) -> list[str]:
    """Every problem of the table, one sentence each naming the spreadsheet row (header is row 1)."""
    problems = []
    if list(events.columns) != EVENT_COLUMNS:
        return [f"columns must be {', '.join(EVENT_COLUMNS)}"]
    for index, row in events.iterrows():
        where = f"events.csv row {index + 2}"
        try:
            date.fromisoformat(row["date"])
        except ValueError:
            problems.append(f"{where}: date {row['date']!r} is not an ISO date")
        if not row["label_zh"] or not row["label_en"]:
            problems.append(f"{where}: a label in both languages is required")
        if row["source_id"]:
            if row["source_id"] not in catalog.sources.index:
                problems.append(f"{where}: unknown source_id {row['source_id']!r}")
        elif not (row["citation_zh"] and row["citation_en"]):
            problems.append(f"{where}: an event needs a source_id or a citation in both languages")
        if not row["evidence"] or len(row["evidence"]) > MAX_EVIDENCE:
            problems.append(f"{where}: evidence must be a verbatim phrase of 1-{MAX_EVIDENCE} characters")
        if row["region_code"] and row["region_code"] not in catalog.divisions.index:
            problems.append(f"{where}: unknown region_code {row['region_code']!r}")
    if not events["event_id"].is_unique:
        problems.append("events.csv: duplicate event_id")
    return problems


def load_events(catalog: Catalog) -> pd.DataFrame:
    """The validated events, earliest first; with `citation_zh`/`citation_en` filled from sources.csv
    for events of a project source. Read once per datasets folder (shared, read-only)."""
    key = str(datasets_dir())
    if key not in _EVENTS:
        _EVENTS[key] = _load_events(catalog)
    return _EVENTS[key]


_EVENTS: dict[str, pd.DataFrame] = {}


def _load_events(catalog: Catalog) -> pd.DataFrame:
    path = datasets_dir() / "events.csv"
    if not path.exists():
        return pd.DataFrame(columns=EVENT_COLUMNS)
    events = read_csv_table(path)
    problems = validate_events(events, catalog)
    if problems:
        raise EventsError("事件表有误：" + "；".join(problems), "the events table is invalid: " + "; ".join(problems))
    events = events.copy()
    for lang in ("zh", "en"):
        column = f"citation_{lang}"
        from_sources = events["source_id"].map(lambda s, c=column: str(catalog.sources.at[s, c]) if s else "")
        events[column] = events[column].where(events[column] != "", from_sources)
    return events.sort_values("date", kind="stable").reset_index(drop=True)
