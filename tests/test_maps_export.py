"""The map exported offline: PNG, SVG, PDF and PPTX through charts/export.py and charts/deck.py, made
in a process with no network at all (`unshare -rn`: a network namespace of its own, not even
loopback), so kaleido's plotly.js gets its base map from `plotly.io.defaults.topojson` (the local
empty topology) or draws nothing. The exported files are opened and checked: the provinces are drawn
and the source line carries the boundary source and the configured 审图号.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pypdf
import pytest
from PIL import Image
from pptx import Presentation

from tests.conftest import REPO

APPROVAL = "GS(2024)1234号"
BOUNDARY_SOURCE = "Standard map service"

WORKER = """
import sys
from pathlib import Path
from charts.deck import build_deck
from charts.export import to_image
from charts.pages import build_page_charts
from loaders.frame import build_all_figures

out = Path(sys.argv[1])
chart, = build_page_charts("map", build_all_figures(), "zh")
for fmt in ("png", "svg", "pdf"):
    (out / f"map.{fmt}").write_bytes(to_image(chart, fmt))
(out / "map.pptx").write_bytes(build_deck([chart], "地图", "zh"))
"""


def no_network() -> list[str]:
    unshare = shutil.which("unshare")
    if not unshare or subprocess.run([unshare, "-rn", "true"], capture_output=True).returncode != 0:
        pytest.skip("needs `unshare -rn` (user and network namespaces) to take the network away")
    return [unshare, "-rn"]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    from charts.export import find_browser
    from loaders.store import Store
    from loaders.tables import check_bytes
    from tests.test_trends import upload_csv

    try:
        find_browser()
    except Exception as exc:  # noqa: BLE001 - no browser: nothing to export with
        pytest.skip(f"no browser for exports: {exc}")
    prefix = no_network()
    folder = tmp_path_factory.mktemp("map_export")
    url = f"sqlite:///{folder / 'store.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ANTIFRAUD_DB_URL", url)
        data = upload_csv()
        Store().save_upload(check_bytes(data, "provinces.csv"), data, "provinces.csv", "test")
    env = {**os.environ, "ANTIFRAUD_DB_URL": url, "ANTIFRAUD_MAP_APPROVAL": APPROVAL, "ANTIFRAUD_BOUNDARIES_SOURCE": BOUNDARY_SOURCE}
    result = subprocess.run([*prefix, sys.executable, "-c", WORKER, str(folder)], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return folder


def map_pixels(png: bytes) -> float:
    """The share of pixels in the map's blue scale (the provinces' fill), not grey text or white."""
    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)
    r, b = rgb[..., 0], rgb[..., 2]
    return float(((b - r > 25) & (b < 250)).mean())


def test_the_svg_draws_every_province_and_the_inset(exported):
    svg = (exported / "map.svg").read_text(encoding="utf-8")
    # 34 provinces on the main map, 7 again in the 南海诸岛 inset; each a path with geometry
    paths = [p for p in svg.split('class="choroplethlocation"')[1:] if ' d="M' in p.split(">")[0]]
    assert len(paths) == 41
    assert "南海诸岛" in svg


def test_the_png_shows_the_provinces(exported):
    png = (exported / "map.png").read_bytes()
    assert Image.open(io.BytesIO(png)).size == (1920, 1080)
    assert map_pixels(png) > 0.08  # the filled provinces; a map that drew nothing has only the colour bar (< 1%)


def test_the_source_line_names_the_boundaries_and_the_approval_number(exported):
    svg = (exported / "map.svg").read_text(encoding="utf-8")
    assert APPROVAL in svg and BOUNDARY_SOURCE in svg
    text = pypdf.PdfReader(exported / "map.pdf").pages[0].extract_text()
    # Chromium's Type 3 fonts give this PDF's digits no text mapping (pypdf reads them as NUL):
    # the number's shape is checked here, its digits in the SVG above
    assert BOUNDARY_SOURCE in text and re.search(r"GS\(.{4}\).{4}号", text)


def test_the_deck_carries_the_map_and_its_source(exported):
    deck = Presentation(str(exported / "map.pptx"))
    slide = deck.slides[1]
    pictures = [shape for shape in slide.shapes if shape.shape_type == 13]
    assert len(pictures) == 1 and map_pixels(pictures[0].image.blob) > 0.05
    notes = slide.notes_slide.notes_text_frame.text
    assert APPROVAL in notes and BOUNDARY_SOURCE in notes
