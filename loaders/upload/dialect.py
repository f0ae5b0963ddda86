"""What kind of text a delimited file is: a web page or XML refused, the delimiter sniffed.

Shared by the csv reader (`loaders.upload.delimited`) and the plain reader (`loaders.upload.plain_csv`),
which must decide exactly alike.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections import Counter

from loaders.messages import ReadError
from loaders.upload.grid import _HTML_RE, _HTML_START_RE, DELIMITERS, XLSX_EXTENSIONS
from loaders.upload.messages import catalogued


def refuse_markup(text: str, extension: str) -> None:
    head = text[:4096].lstrip("\ufeff \t\r\n")
    lowered = head[:2048].lower()
    is_xml = lowered.startswith("<?xml")
    if is_xml and ("urn:schemas-microsoft-com:office:spreadsheet" in lowered or "excel.sheet" in lowered):
        raise spreadsheetml_2003()
    # A web page starts with one of its own tags; a CSV may start with "<img …>" in a header (and is a CSV).
    if lowered.startswith("mime-version:") or _HTML_START_RE.match(lowered) or (is_xml and _HTML_RE.search(lowered)):
        if extension in XLSX_EXTENSIONS or extension == ".xls":
            raise ReadError(
                catalogued("error", "html_disguised:2", extension=extension)
            )
        raise ReadError(
            catalogued("error", "html_disguised")
        )
    if is_xml:
        raise ReadError(
            catalogued("error", "xml_document")
        )


def spreadsheetml_2003() -> ReadError:
    return ReadError(
        catalogued("error", "spreadsheetml_2003")
    )


def sniff_delimiter(text: str) -> str:
    sample = text[:65536]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[: sample.rfind("\n") + 1]
    best_score, best = 0.0, ","
    for delimiter in DELIMITERS:
        if delimiter not in sample:
            continue
        counts = []
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter, strict=False)
        try:
            for row in itertools.islice(reader, 200):
                if any(cell.strip() for cell in row):
                    counts.append(len(row))
        except csv.Error:
            continue
        if not counts:
            continue
        width, frequency = Counter(counts).most_common(1)[0]
        if width < 2:
            continue
        score = frequency / len(counts)
        if score > best_score:
            best_score, best = score, delimiter
    return best
