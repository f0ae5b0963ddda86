"""`python -m charts export`: every chart of a page to files, progress on stdout, clear failures."""

from __future__ import annotations

import os
import subprocess
import sys

import openpyxl
import pytest
from PIL import Image

from charts.__main__ import file_stem, main
from charts.export import ExportError, find_browser
from charts.pages import build_page_charts
from loaders.frame import build_all_figures
from tests.conftest import REPO


@pytest.fixture(scope="module")
def crackdown_charts():
    return build_page_charts("crackdown", build_all_figures(), "zh")


def test_xlsx_export_writes_one_workbook_per_page(tmp_path, capsys, crackdown_charts):
    assert main(["export", "--out", str(tmp_path), "--format", "xlsx", "--page", "crackdown"]) == 0
    workbook = openpyxl.load_workbook(tmp_path / "crackdown.xlsx")
    assert len(workbook.sheetnames) == len(crackdown_charts) + 2
    out = capsys.readouterr().out
    assert "crackdown.xlsx" in out and f"{len(crackdown_charts)} 张图表" in out


def test_png_export_writes_every_chart_of_the_page(tmp_path, capsys):
    try:
        find_browser()
    except ExportError as exc:
        pytest.skip(exc.message_en)
    charts = build_page_charts("overview", build_all_figures(), "en")
    assert main(["export", "--out", str(tmp_path), "--page", "overview", "--lang", "en"]) == 0
    written = sorted((tmp_path / "overview").iterdir())
    assert [p.name for p in written] == sorted(f"{file_stem(c.chart_id)}.png" for c in charts)
    assert Image.open(written[0]).size == (1920, 1080)
    out = capsys.readouterr().out
    assert f"[1/{len(charts)}]" in out and "done:" in out


def test_page_without_charts_is_skipped_with_a_message(tmp_path, capsys):
    assert main(["export", "--out", str(tmp_path), "--format", "xlsx", "--page", "sources"]) == 0
    assert "没有图表" in capsys.readouterr().out
    assert not any(tmp_path.iterdir())


def test_missing_browser_exits_1_with_a_clear_message(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "charts", "export", "--out", str(tmp_path), "--page", "overview"],
        cwd=REPO,
        env={**os.environ, "BROWSER_PATH": str(tmp_path / "no-chromium")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "找不到 Chromium" in done.stderr
    assert "Traceback" not in done.stderr


def test_unknown_page_is_refused():
    with pytest.raises(SystemExit) as exit_info:
        main(["export", "--out", "x", "--page", "nowhere"])
    assert exit_info.value.code == 2


@pytest.mark.parametrize(("text", "stem"), [("crackdown_results", "crackdown_results"), ("../a b", "a_b"), ("报告", "chart")])
def test_file_stem(text, stem):
    assert file_stem(text) == stem
