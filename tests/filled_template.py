"""The upload templates as an analyst sends them back: the example rows' 备注 replaced by their own words.

A template uploaded unchanged is refused (its example rows carry `TEMPLATE_EXAMPLE_NOTE`); these are the
same files with that remark changed, so the figures in them are the ones the analyst typed.
"""

from __future__ import annotations

import io

import openpyxl

from loaders.template import build_template_csv, build_template_xlsx
from loaders.upload.labels import TEMPLATE_EXAMPLE_NOTE

REMARK = "已核对"


def filled_template_csv() -> bytes:
    return build_template_csv().decode("utf-8-sig").replace(TEMPLATE_EXAMPLE_NOTE, REMARK).encode("utf-8-sig")


def filled_template_xlsx() -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(build_template_xlsx()))
    for row in book["数据"].iter_rows():
        for cell in row:
            if cell.value == TEMPLATE_EXAMPLE_NOTE:
                cell.value = REMARK
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
