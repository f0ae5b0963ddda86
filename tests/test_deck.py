"""PowerPoint decks of a page's charts: the expected slides, each chart with its picture and source."""

from __future__ import annotations

import html
import io
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from charts.cards import build_cards, default_regions
from charts.deck import build_deck, list_citations
from charts.export import ExportError, find_browser, to_image
from charts.spec import Chart
from loaders.catalog import load_catalog
from loaders.frame import build_all_figures
from tests.test_export import build_gansu_chart

REPO = Path(__file__).resolve().parents[1]
INTERNAL_ID = re.compile(r"\b(?:gs20|bs24)-[0-9a-z]+|\bu[0-9a-f]{12}\b")


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
        # The source is burned into the picture; a second copy as slide text repeated it (issue 11, item 7).
        assert not any(chart.source_line in text for text in slide_texts(slide))
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


def test_chart_slides_show_title_and_source_once(deck, charts):
    """The slide's title is the chart's title, and the picture under it is the image without its title
    (title and source line appeared twice on every slide before)."""
    presentation, _ = deck
    for slide, chart in zip(list(presentation.slides)[1:-1], charts, strict=True):
        texts = slide_texts(slide)
        assert sum(text.count(chart.title) for text in texts) == 1
        picture = next(s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE)
        assert picture.image.blob == to_image(chart, "png", aspect="16:9", with_title=False)
        assert picture.image.blob != to_image(chart, "png", aspect="16:9")


def test_slide_image_without_title_keeps_subtitle_footnotes_and_source_once(charts):
    svg = to_image(charts[0], "svg", with_title=False).decode("utf-8")
    texts = " ".join(html.unescape(re.sub(r"<[^>]+>", "", t)) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg))
    assert charts[0].title not in texts
    assert charts[0].subtitle in texts
    assert texts.count(charts[0].source_line) == 1


@pytest.fixture(scope="module")
def cli_decks(tmp_path_factory, charts) -> dict[str, Presentation]:
    """Every page's deck as `python -m charts export --format pptx` writes it (curated figures)."""
    out = tmp_path_factory.mktemp("decks")
    done = subprocess.run(
        [sys.executable, "-m", "charts", "export", "--out", str(out), "--format", "pptx", "--lang", "zh"],
        cwd=REPO, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return {path.stem: Presentation(str(path)) for path in out.glob("*.pptx")}


def test_overview_deck_opens_with_the_headline_figures(cli_decks):
    figures = build_all_figures(include_uploaded=False)
    cards = build_cards(figures, "zh", load_catalog(), default_regions(figures))
    slides = list(cli_decks["overview"].slides)
    assert slides[1].shapes.title.text == "主要数字"
    rows = []
    for slide in slides[1:]:
        tables = [s.table for s in slide.shapes if s.has_table]
        if not tables:
            break
        page = [[cell.text for cell in row.cells] for row in tables[0].rows]
        assert page[-1][1] != "", page[-1]  # a slide never ends on a heading (a merged row: value cell empty)
        assert page[0][1] == "", page[0]  # and always starts with one
        rows += page
    cells = [(label, value) for label, value, _ in rows]
    for card in cards:
        assert (card.label, card.value) in cells
    headings = [row[0] for row in rows if row[1] == ""]
    assert set(headings) == {card.group for card in cards}


def test_no_deck_names_an_internal_figure_id_or_repeats_title_and_source(cli_decks):
    """Notes are read by presenters: they quote the source's words, never ids such as gs20-038 or bs24-d01."""
    assert set(cli_decks) == {"overview", "crackdown", "fraud_types", "compare", "trends", "map"}
    for name, deck in cli_decks.items():
        for number, slide in enumerate(deck.slides):
            notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
            shown = " ".join(slide_texts(slide))
            assert not INTERNAL_ID.search(notes + shown), (name, number, INTERNAL_ID.search(notes + shown))
            if any(s.shape_type == MSO_SHAPE_TYPE.PICTURE for s in slide.shapes):
                assert "数据来源" not in shown, (name, number)  # the source is in the picture (and the notes)


def test_headline_rows_keep_the_uploaded_mark():
    """An uploaded card on the headline slide says it is uploaded, as on the page."""
    from charts.cards import Card
    from charts.deck import _headline_rows

    official = Card("bs24-001", "451000", "百色市 · 2024", "立案数", "100", None, "off", "gray", "")
    uploaded = Card("u1-1", "451000", "百色市 · 2024", "立案数", "120", None, "off", "gray", "", mark="上传数据")
    rows = _headline_rows([official, uploaded])[0]
    assert rows[1] == ("立案数", "100", "")
    assert rows[2] == ("[上传数据] 立案数", "120", "")
