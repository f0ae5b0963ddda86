"""Download buttons for a table: CSV (UTF-8 with BOM) and XLSX, both formula-safe."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from charts.downloads import to_csv_bytes, to_xlsx_bytes

CSV_MIME = "text/csv"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def render_downloads(
    frame: pd.DataFrame | Callable[[], pd.DataFrame], key: str, file_stem: str, csv_label: str, xlsx_label: str
) -> None:
    """Two buttons side by side; the bytes come from charts.downloads (one function per format).

    The files are built only when clicked (a callable as `data`), not on every rerun of the page;
    `frame` may itself be a callable, so that a filtered table is filtered only then too.
    """

    def rows() -> pd.DataFrame:
        return frame() if callable(frame) else frame

    left, right = st.columns(2)
    left.download_button(csv_label, data=lambda: to_csv_bytes(rows()), file_name=f"{file_stem}.csv", mime=CSV_MIME, key=f"{key}_csv", on_click="ignore", icon=":material/download:")
    right.download_button(xlsx_label, data=lambda: to_xlsx_bytes(rows(), file_stem), file_name=f"{file_stem}.xlsx", mime=XLSX_MIME, key=f"{key}_xlsx", on_click="ignore", icon=":material/download:")
