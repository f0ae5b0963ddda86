"""A page's charts as a 16:9 PowerPoint deck: title slide, one slide per chart, a closing slide of sources.

Each chart slide carries the chart title as the slide's title (so it shows in PowerPoint's outline),
the 1920×1080 PNG from charts.export (title, footnotes and source burned in), the source line as
editable text under it, and the subtitle, footnotes and source in the speaker notes.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

from pptx import Presentation
from pptx.util import Emu, Inches, Pt

from charts.export import to_image
from charts.spec import Chart
from i18n import t

SLIDE_WIDTH = Emu(12192000)  # PowerPoint's own 16:9 size, 13.333 × 7.5 in
SLIDE_HEIGHT = Inches(7.5)
MARGIN = Inches(0.5)
TITLE_HEIGHT = Inches(0.9)
SOURCE_HEIGHT = Inches(0.5)
DASHBOARD_NAME = {"zh": "反诈数据看板", "en": "Anti-fraud data dashboard"}
SOURCES_TITLE = {"zh": "数据来源", "en": "Sources"}
CHART_COUNT = {"zh": "共 {n} 张图表", "en": "{n} charts"}
LAYOUT_TITLE, LAYOUT_TITLE_AND_CONTENT, LAYOUT_TITLE_ONLY = 0, 1, 5


def _words(table: dict[str, str], lang: str) -> str:
    return table["en" if lang == "en" else "zh"]


def _place(shape, left: int, top: int, width: int, height: int) -> None:
    shape.left, shape.top, shape.width, shape.height = Emu(left), Emu(top), Emu(width), Emu(height)


def list_citations(charts: list[Chart], lang: str) -> list[str]:
    """Every distinct citation named in the charts' source lines, in order of first use."""
    prefix = t("source.line", lang, citations="")
    separator = t("source.separator", lang)
    citations: list[str] = []
    for chart in charts:
        line = chart.source_line.removeprefix(prefix) if prefix else chart.source_line
        for citation in line.split(separator.strip() or separator):
            citation = citation.strip()
            if citation and citation not in citations:
                citations.append(citation)
    return citations


def build_deck(
    charts: list[Chart],
    title: str,
    lang: str,
    progress: Callable[[int, int], None] | None = None,
    *,
    today: date | None = None,
    render_image: Callable[[Chart], bytes] | None = None,
) -> bytes:
    """PPTX bytes; `progress(done, total)` is called after each chart slide. Raises ExportError like to_image.

    `render_image(chart)` gives the 16:9 PNG of a chart (the dashboard passes its cached one);
    by default `to_image(chart, "png", aspect="16:9")`.
    """
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    width = SLIDE_WIDTH - 2 * MARGIN
    deck.core_properties.title = title
    deck.core_properties.subject = _words(DASHBOARD_NAME, lang)
    deck.core_properties.language = "zh-CN" if lang == "zh" else "en"

    opening = deck.slides.add_slide(deck.slide_layouts[LAYOUT_TITLE])
    opening.shapes.title.text = title
    _place(opening.shapes.title, MARGIN, Inches(2.2), width, Inches(1.5))
    subtitle = opening.placeholders[1]
    subtitle.text = "\n".join(
        [
            _words(DASHBOARD_NAME, lang),
            (today or date.today()).isoformat(),
            _words(CHART_COUNT, lang).format(n=len(charts)),
        ]
    )
    _place(subtitle, MARGIN, Inches(3.9), width, Inches(1.6))

    image_height = SLIDE_HEIGHT - MARGIN / 2 - TITLE_HEIGHT - SOURCE_HEIGHT - MARGIN / 2
    image_width = min(width, int(image_height * 16 / 9))
    for done, chart in enumerate(charts, start=1):
        slide = deck.slides.add_slide(deck.slide_layouts[LAYOUT_TITLE_ONLY])
        slide.shapes.title.text = chart.title
        _place(slide.shapes.title, MARGIN, MARGIN / 2, width, TITLE_HEIGHT)
        for paragraph in slide.shapes.title.text_frame.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(28)
        png = render_image(chart) if render_image else to_image(chart, "png", aspect="16:9", lang=lang)
        image = io.BytesIO(png)
        top = MARGIN / 2 + TITLE_HEIGHT
        slide.shapes.add_picture(image, (SLIDE_WIDTH - image_width) // 2, top, image_width, int(image_width * 9 / 16))
        source = slide.shapes.add_textbox(MARGIN, SLIDE_HEIGHT - MARGIN / 2 - SOURCE_HEIGHT, width, SOURCE_HEIGHT)
        source.text_frame.word_wrap = True
        source.text_frame.text = chart.source_line
        source.text_frame.paragraphs[0].runs[0].font.size = Pt(12)
        notes = [chart.subtitle, *chart.footnotes, chart.source_line]
        slide.notes_slide.notes_text_frame.text = "\n".join(n for n in notes if n)
        if progress:
            progress(done, len(charts))

    closing = deck.slides.add_slide(deck.slide_layouts[LAYOUT_TITLE_AND_CONTENT])
    closing.shapes.title.text = _words(SOURCES_TITLE, lang)
    _place(closing.shapes.title, MARGIN, MARGIN / 2, width, TITLE_HEIGHT)
    body = closing.placeholders[1]
    body.text = "\n".join(list_citations(charts, lang))
    _place(body, MARGIN, MARGIN / 2 + TITLE_HEIGHT + Inches(0.2), width, Inches(5.4))
    for paragraph in body.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(18)

    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
