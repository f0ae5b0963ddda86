"""A page's charts as a 16:9 PowerPoint deck: title slide, the headline figures (the overview's
cards, when given), one slide per chart, a closing slide of sources.

Each chart slide says each thing once: the chart title as the slide's own title (editable, and in
PowerPoint's outline), under it the 1920×1080 PNG from charts.export without its title (subtitle,
footnotes and source burned in), and the subtitle, footnotes and source in the speaker notes.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

from pptx import Presentation
from pptx.util import Emu, Inches, Pt

from charts.cards import Card
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
HEADLINES_TITLE = {"zh": "主要数字", "en": "Headline figures"}
HEADLINES_MORE = {"zh": "主要数字（续）", "en": "Headline figures (continued)"}
HEADLINE_ROWS = 12  # table rows of cards per slide (a heading of region and period takes one)
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
    headlines: list[Card] | None = None,
) -> bytes:
    """PPTX bytes; `progress(done, total)` is called after each chart slide. Raises ExportError like to_image.

    `render_image(chart)` gives the 16:9 PNG of a chart without its title (the dashboard passes its
    cached one); by default `to_image(chart, "png", aspect="16:9", with_title=False)`.
    `headlines` are the overview's cards: shown as a table on the slides after the title slide.
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

    if headlines:
        _add_headline_slides(deck, headlines, lang, width)

    image_height = SLIDE_HEIGHT - MARGIN / 2 - TITLE_HEIGHT - MARGIN / 2
    image_width = min(width, int(image_height * 16 / 9))
    for done, chart in enumerate(charts, start=1):
        slide = deck.slides.add_slide(deck.slide_layouts[LAYOUT_TITLE_ONLY])
        slide.shapes.title.text = chart.title
        _place(slide.shapes.title, MARGIN, MARGIN / 2, width, TITLE_HEIGHT)
        for paragraph in slide.shapes.title.text_frame.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(28)
        png = render_image(chart) if render_image else to_image(chart, "png", aspect="16:9", lang=lang, with_title=False)
        image = io.BytesIO(png)
        top = MARGIN / 2 + TITLE_HEIGHT
        slide.shapes.add_picture(image, (SLIDE_WIDTH - image_width) // 2, top, image_width, int(image_width * 9 / 16))
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


def count_slides(charts: list[Chart], headlines: list[Card] | None = None) -> int:
    """Slides of the deck build_deck makes of these charts and cards."""
    return len(charts) + 2 + (len(_headline_rows(headlines)) if headlines else 0)


def _headline_rows(cards: list[Card]) -> list[list[tuple[str, ...]]]:
    """The cards as table rows, a heading row (region · period) before each group, cut into slides of
    at most HEADLINE_ROWS rows; a slide never ends with a heading, and one that starts inside a group
    repeats its heading."""
    pages: list[list[tuple[str, ...]]] = []
    page: list[tuple[str, ...]] = []
    group = None
    for card in cards:
        starts_group = card.group != group
        needed = 2 if starts_group else 1
        if len(page) + needed > HEADLINE_ROWS:
            pages.append(page)
            page = [] if starts_group else [(group,)]
        if starts_group:
            group = card.group
            page.append((group,))
        label = f"[{card.mark}] {card.label}" if card.mark else card.label  # uploaded figures stay marked
        page.append((label, card.value, card.delta or ""))
    if page:
        pages.append(page)
    return pages


def _add_headline_slides(deck, cards: list[Card], lang: str, width: int) -> None:
    """One slide (or more) of the headline figures: region and period headings, metric, value, change."""
    for number, page in enumerate(_headline_rows(cards)):
        slide = deck.slides.add_slide(deck.slide_layouts[LAYOUT_TITLE_ONLY])
        slide.shapes.title.text = _words(HEADLINES_TITLE if number == 0 else HEADLINES_MORE, lang)
        _place(slide.shapes.title, MARGIN, MARGIN / 2, width, TITLE_HEIGHT)
        top = MARGIN / 2 + TITLE_HEIGHT
        row_height = Inches(0.42)
        table = slide.shapes.add_table(len(page), 3, MARGIN, top, width, row_height * len(page)).table
        table.first_row = False
        for column, share in enumerate((0.55, 0.2, 0.25)):
            table.columns[column].width = int(width * share)
        for r, row in enumerate(page):
            if len(row) == 1:
                table.cell(r, 0).merge(table.cell(r, 2))
            for c, text in enumerate(row):
                cell = table.cell(r, c)
                cell.text = text
                for paragraph in cell.text_frame.paragraphs:
                    for run in paragraph.runs:
                        run.font.size = Pt(16 if len(row) > 1 else 15)
                        run.font.bold = len(row) == 1 or c == 1
        slide.notes_slide.notes_text_frame.text = "\n".join(
            " ".join(part for part in row if part) for row in page
        )
