"""PowerPoint decks of a page's charts: the expected slides, each chart with its picture and source."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from charts.deck import build_deck, list_citations
from charts.export import ExportError, find_browser
from charts.spec import Chart
from loaders.catalog import load_catalog
from loaders.frame import build_all_figures
from tests.test_export import build_gansu_chart


@pytest.fixture(scope="module")
def charts() -> list[Chart]:
    try:
        find_browser()
    except ExportError as exc:
        pytest.skip(exc.message_en)
    figures = build_all_figures(include_uploaded=False)
    gansu = build_gansu_chart(figures)
    baise_citation = load_catalog().sources.at["baise_2024_fraud", "citation_zh"]
    both = Chart(
        **{
            **gansu.__dict__,
            "chart_id": "both",
            "title": "两地对比",
            "source_line": f"{gansu.source_line}；{baise_citation}",
            "footnotes": ["≥ 表示下限。"],
        }
    )
    return [gansu, both]


@pytest.fixture(scope="module")
def deck(charts):
    calls: list[tuple[int, int]] = []
    data = build_deck(charts, "断卡行动", "zh", progress=lambda done, total: calls.append((done, total)), today=date(2026, 11, 23))
    return Presentation(io.BytesIO(data)), calls


def slide_texts(slide) -> list[str]:
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]


def test_deck_has_title_chart_and_closing_slides(deck, charts):
    presentation, _ = deck
    assert len(presentation.slides) == len(charts) + 2
    assert presentation.slide_width * 9 == presentation.slide_height * 16
    opening = slide_texts(presentation.slides[0])
    assert "断卡行动" in opening
    assert any("反诈数据看板" in text and "2026-11-23" in text for text in opening)


def test_every_chart_slide_has_its_title_picture_and_source(deck, charts):
    presentation, _ = deck
    for slide, chart in zip(list(presentation.slides)[1:-1], charts, strict=True):
        assert slide.shapes.title.text == chart.title
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1
        assert Image.open(io.BytesIO(pictures[0].image.blob)).size == (1920, 1080)
        assert pictures[0].left + pictures[0].width <= presentation.slide_width
        assert pictures[0].top + pictures[0].height <= presentation.slide_height
        assert chart.source_line in slide_texts(slide)
        assert chart.source_line in slide.notes_slide.notes_text_frame.text


def test_closing_slide_lists_each_source_once(deck, charts):
    presentation, _ = deck
    closing = presentation.slides[-1]
    assert closing.shapes.title.text == "数据来源"
    sources = load_catalog().sources
    body = [t for t in slide_texts(closing) if t != "数据来源"][0].split("\n")
    assert body == [sources.at["gansu_2020_duanka", "citation_zh"], sources.at["baise_2024_fraud", "citation_zh"]]


def test_progress_is_reported_after_each_chart(deck, charts):
    _, calls = deck
    assert calls == [(i, len(charts)) for i in range(1, len(charts) + 1)]


@pytest.mark.parametrize(
    ("lines", "lang", "expected"),
    [
        (["数据来源：甲，2020", "数据来源：甲，2020；乙，2024"], "zh", ["甲，2020", "乙，2024"]),
        (["Source: A, 2020; B, 2024"], "en", ["A, 2020", "B, 2024"]),
    ],
)
def test_list_citations(lines, lang, expected):
    charts = [Chart("c", None, "t", "s", line, pd.DataFrame(), lang) for line in lines]
    assert list_citations(charts, lang) == expected
