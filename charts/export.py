"""Slide-ready images of a Chart: PNG, SVG and PDF with title, subtitle, footnotes and source burned in.

Sizes. The layout is drawn at 960×540 CSS pixels (16:9) or 720×540 (4:3, the same height, as a
PowerPoint 4:3 slide has the same height as a 16:9 one) and rasterised at `scale` (2 by default), so
the default PNG is 1920×1080 pixels and the 4:3 one 1440×1080: "1920×1080 at 2×" reads as the pixel
size a presenter drops on a slide, with text drawn at the size it has on a 960-pixel-wide screen.
SVG and PDF are vector: their page is the layout size.

Fonts. Every text uses the family `FONT_FAMILY`, which names the installed CJK font (Noto Sans CJK SC
from Debian's fonts-noto-cjk) first. PDF: Chromium embeds the glyphs it draws (as Type 3 fonts), so
the file renders anywhere. SVG: the text stays text (searchable, editable); a subset of the font
holding exactly the characters used is embedded as a base64 WOFF `@font-face` in the SVG's <style>,
so a browser without the font still shows Chinese (desktop tools that ignore CSS web fonts fall back
to their own CJK font).

Browser. One headless Chromium (kaleido's `Kaleido`) per process, started on first use on its own
event-loop thread and reused by every export. Each export waits at most `export_timeout()` seconds
(env `ANTIFRAUD_EXPORT_TIMEOUT`, read at call time); a missing browser, a browser that does not start
or an export that does not answer raises `ExportError`, never hangs.
"""

from __future__ import annotations

import asyncio
import atexit
import base64
import concurrent.futures
import dataclasses
import html
import io
import os
import re
import shutil
import subprocess
import threading
import time
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

from charts.spec import Chart
from i18n import t
from loaders.messages import BilingualError
from loaders.vocabulary import QUALIFIER_SYMBOLS

CJK_FONT = "Noto Sans CJK SC"
FONT_FAMILY = f"{CJK_FONT}, sans-serif"
FORMATS = ("png", "svg", "pdf")
ASPECTS = {"16:9": (960, 540), "4:3": (720, 540)}
DEFAULT_SCALE = 2
DEFAULT_TIMEOUT = 60.0
GEO_TRACES = ("choropleth", "scattergeo")
STATIC_URL = "/app/static/"  # Streamlit's static serving of STATIC_FOLDER
STATIC_FOLDER = Path(__file__).resolve().parents[1] / "static"
BROWSER_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

BODY_SIZE = 13
FOOTER_COLOR = "#4a5863"
SUBTITLE_COLOR = "#5b6770"
PAD = 24
LINE = 1.45  # line height as a multiple of the font size


class ExportError(BilingualError, RuntimeError):
    """An export that cannot be made: no browser, a browser that does not start, a timeout."""


class RenderError(ExportError):
    """The browser answered, but plotly.js could not draw the figure."""


class BrowserCrashError(ExportError):
    """The browser went away during an export; the next export starts a new one."""


def export_timeout() -> float:
    """Seconds one export (including a first browser start) may take."""
    try:
        return max(0.1, float(os.environ.get("ANTIFRAUD_EXPORT_TIMEOUT", DEFAULT_TIMEOUT)))
    except ValueError:
        return DEFAULT_TIMEOUT


def find_browser() -> str:
    """The Chromium to use: `BROWSER_PATH` when set, else the first one installed; ExportError if none."""
    wanted = os.environ.get("BROWSER_PATH")
    candidates = (wanted,) if wanted else BROWSER_CANDIDATES
    for candidate in candidates:
        path = candidate if os.path.isabs(candidate) else shutil.which(candidate)
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    where = wanted or "/usr/bin/chromium"
    raise ExportError(
        f"找不到 Chromium 浏览器（{where}），无法导出图片。请安装 Debian 的 chromium 软件包，或用环境变量 BROWSER_PATH 指定浏览器。",
        f"No Chromium browser found ({where}), so images cannot be exported. Install Debian's chromium "
        "package, or point BROWSER_PATH at a browser.",
    )


class BrowserServer:
    """One kaleido browser on a private event-loop thread, shared by every thread of the process.

    kaleido's own `start_sync_server` is not used: its call queue is not safe for Streamlit's many
    script threads (results can cross), and a browser that fails to start leaves calls waiting
    forever. Here each call is a future with a deadline, and a failed browser is dropped and
    restarted on the next call.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido = None
        self._browser: str | None = None

    def is_running(self) -> bool:
        return self._kaleido is not None

    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None or not self._loop.is_running():
            loop = asyncio.new_event_loop()
            threading.Thread(target=loop.run_forever, name="chart-export-browser", daemon=True).start()
            self._loop = loop
        return self._loop

    def _start(self, deadline: float) -> None:
        import kaleido

        browser = find_browser()
        loop = self._ensure_loop()
        # mathjax=False: no CDN fetch (there is no internet at run time); plotly.js comes from plotly.py.
        k = kaleido.Kaleido(n=1, timeout=deadline, mathjax=False, path=browser)
        future = asyncio.run_coroutine_threadsafe(_settled(k.open()), loop)
        try:
            _outcome(future.result(timeout=deadline))
        except concurrent.futures.TimeoutError:
            future.cancel()
            self._abandon(k)
            raise ExportError(
                f"浏览器（{browser}）在 {deadline:g} 秒内没有启动，无法导出图片。",
                f"The browser ({browser}) did not start within {deadline:g} s, so the image cannot be exported.",
            ) from None
        except Exception as exc:  # choreographer raises several kinds; all mean "no browser"
            self._abandon(k)
            raise ExportError(
                f"无法启动浏览器（{browser}）：{exc}",
                f"Could not start the browser ({browser}): {exc}",
            ) from exc
        self._kaleido = k
        self._browser = browser

    def _abandon(self, k, wait: float = 0) -> None:
        """Close a browser that failed or is no longer wanted; the loop thread finishes it in the background."""
        if self._loop is None or not self._loop.is_running():
            return
        future = asyncio.run_coroutine_threadsafe(_settled(k.close()), self._loop)
        if wait:
            try:
                future.result(timeout=wait)
            except concurrent.futures.TimeoutError:
                future.cancel()

    def render(self, figure: dict, opts: dict, topojson: str | None = None) -> bytes:
        deadline = export_timeout()
        ends = time.monotonic() + deadline
        if not self._lock.acquire(timeout=deadline):
            raise _timeout_error(deadline)
        try:
            if self._kaleido is None:
                self._start(deadline)
            k, loop = self._kaleido, self._loop
        finally:
            self._lock.release()
        future = asyncio.run_coroutine_threadsafe(_settled(k.calc_fig(figure, opts=opts, topojson=topojson)), loop)
        try:
            return _outcome(future.result(timeout=max(ends - time.monotonic(), 1.0)))
        except concurrent.futures.TimeoutError:
            future.cancel()
            self.stop()  # a browser that does not answer is replaced on the next export
            raise _timeout_error(deadline) from None
        except Exception as exc:
            if _is_figure_error(exc) and self._alive(k):
                raise RenderError(f"导出失败：{exc}", f"Export failed: {exc}") from exc
            self.stop()  # the browser itself failed (crashed, closed): start a fresh one next time
            raise BrowserCrashError(
                f"浏览器意外中断，导出失败，请重试：{exc}",
                f"The browser stopped unexpectedly and the export failed; please try again: {exc}",
            ) from exc

    @staticmethod
    def _alive(k) -> bool:
        process = getattr(k, "subprocess", None)
        return process is None or process.poll() is None

    def stop(self, wait: float = 0) -> None:
        with self._lock:
            k, self._kaleido = self._kaleido, None
        if k is not None:
            self._abandon(k, wait)


def _is_figure_error(exc: Exception) -> bool:
    """An error plotly.js reported about the figure (the browser itself is fine)."""
    try:
        from kaleido._kaleido_tab._errors import KaleidoError
    except ImportError:  # another kaleido layout: treat every error as the figure's
        return True
    return isinstance(exc, KaleidoError)


async def _settled(coroutine):
    """Run a coroutine and hand back (ok, result or exception), so a cancelled caller leaves no stray error."""
    try:
        return True, await coroutine
    except Exception as exc:  # noqa: BLE001 - handed to the caller by _outcome
        return False, exc


def _outcome(settled: tuple[bool, object]):
    ok, value = settled
    if not ok:
        raise value
    return value


def _timeout_error(deadline: float) -> ExportError:
    return ExportError(
        f"导出在 {deadline:g} 秒内没有完成，已停止。请稍后重试。",
        f"The export did not finish within {deadline:g} s and was stopped. Please try again.",
    )


SERVER = BrowserServer()
atexit.register(SERVER.stop, wait=5)


# ---------------------------------------------------------------------------------------------
# The exported figure


def plot_text(text: object) -> str:
    """Text for plotly's pseudo-HTML: "<5%" or "<b>" in data shows as typed."""
    return html.escape(str(text), quote=False)


def _text_width(text: str, size: float) -> float:
    """Rough drawn width in pixels: wide (CJK) characters are one em, others about half."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else 0.56 * size for c in text)


_WIDE = "\u2E80-\u9FFF\uFF00-\uFFEF\u3000-\u303F\u201C\u201D\u2018\u2019"
_OPENING = "（《「『【〔“‘("
_CLOSING = "）》」』】〕”’，。、；：！？),.;:!?%"
# One unbreakable piece: opening punctuation + (a Latin word | one CJK character) + closing punctuation,
# so no line starts with "）" or ends with "（" (kinsoku).
_TOKEN = re.compile(
    rf"[{re.escape(_OPENING)}]*(?:[^\s{_WIDE}]+|[{_WIDE}])[{re.escape(_CLOSING)}]*\s*|\s+"
)


def wrap_text(text: str, max_width: float, size: float) -> list[str]:
    """Break a line so it fits `max_width` pixels, at spaces for Latin text, anywhere between CJK."""
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        line = ""
        for token in _TOKEN.findall(paragraph):
            if line and _text_width(line + token.rstrip(), size) > max_width:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line += token
        lines.append(line.rstrip())
    return lines


def export_footnotes(chart: Chart, lang: str) -> list[str]:
    """The chart's footnotes, plus a note for any qualifier symbol or derived figure they leave out."""
    notes = list(chart.footnotes)
    joined = " ".join(notes)
    data = chart.data
    if "qualifier" in data.columns:
        for qualifier in ("at_least", "about", "less_than"):
            symbol = QUALIFIER_SYMBOLS[qualifier]
            names = {qualifier, t(f"qualifier.{qualifier}", "zh"), t(f"qualifier.{qualifier}", "en")}
            if data["qualifier"].isin(names).any() and symbol not in joined:
                notes.append(_QUALIFIER_NOTES[qualifier][0 if lang == "zh" else 1])
    says_derived = any(word in joined.lower() for word in ("推算", "计算", "derived", "computed", "calculated"))
    if "derived" in data.columns and "formula" in data.columns and not says_derived:
        derived = data[data["derived"].astype(bool)]
        for row in derived.itertuples(index=False):
            if str(row.formula) not in joined:
                label = getattr(row, "label", "")  # what the reader sees on the chart, not the figure id
                notes.append(f"推算值 {label}：{row.formula}" if lang == "zh" else f"Derived {label}: {row.formula}")
    return notes


_QUALIFIER_NOTES = {
    "at_least": ("≥：原文为“余/多/过/突破”，是下限。", "≥: the source says “more than”; a lower bound."),
    "about": ("≈：原文为“约”，是约数。", "≈: the source says “about”; an approximate figure."),
    "less_than": ("<：原文为“不足”，是上限。", "<: the source says “less than”; an upper bound."),
}


@dataclass(frozen=True)
class TextSizes:
    """Font sizes of one layout attempt; a crowded chart gets the next, smaller step."""

    title: float
    subtitle: float
    tick: float
    footer: float


SIZE_STEPS = (TextSizes(22, 14, 13, 11), TextSizes(19, 13, 11, 10), TextSizes(17, 12, 10, 9))
MAX_MARGIN_SHARE = 0.6  # title block + axis labels + footer may take at most this share of the height
LEFT_LABEL_SHARES = (0.4, 0.55)  # shares of the width left-axis labels are re-wrapped to, in turn


def build_export_figure(chart: Chart, *, aspect: str = "16:9", lang: str | None = None, with_title: bool = True) -> go.Figure:
    """A copy of the chart's figure laid out for a slide: title, subtitle, footnotes and source inside.

    `with_title=False` leaves the title out (a deck's slide carries it as its own, editable title);
    the subtitle then heads the image.

    Text is set at the first size step whose title block, axis labels and footer leave the plot at
    least 40% of the height, and whose left-axis category labels fit the plot's height (at each
    step the labels are tried as the chart wrote them, then re-wrapped to 40% and 55% of the width).
    """
    if aspect not in ASPECTS:
        raise ValueError(f"aspect must be one of {', '.join(ASPECTS)}, not {aspect!r}")
    lang = lang or chart.lang
    notes = export_footnotes(chart, lang)
    if not with_title:
        chart = dataclasses.replace(chart, title="")
    label_widths = (None, *LEFT_LABEL_SHARES) if _left_labels(chart.figure) else (None,)
    for sizes in SIZE_STEPS:
        for label_width in label_widths:
            figure, share, fits = _lay_out(chart, notes, ASPECTS[aspect], sizes, label_width)
            if share <= MAX_MARGIN_SHARE and fits:
                return figure
    return figure


def _lay_out(
    chart: Chart, notes: list[str], size: tuple[int, int], sizes: TextSizes, label_width: float | None = None
) -> tuple[go.Figure, float, bool]:
    """The export figure at one size step, the share of the height its margins take, and whether
    the left axis's category labels fit beside the plot."""
    width, height = size
    text_width = width - 2 * PAD
    figure = go.Figure(chart.figure)  # a deep copy: the screen's figure is left as it is
    # The screen's compare chart sets its margins and switches automargin off (charts.compare._fix_margins);
    # a slide is laid out afresh here, with the tick labels measured by plotly.
    figure.update_xaxes(automargin=True)
    figure.update_yaxes(automargin=True)
    rewrapped = _legend_for_panel_bars(chart, figure)
    # With that legend the subtitle (every region, then every period) is left out: the legend names
    # each region-period drawn, and the two rows of panels need the height.
    subtitle = chart.subtitle if rewrapped is None else ""
    title_lines = wrap_text(chart.title, text_width, sizes.title) if chart.title else []
    subtitle_lines = wrap_text(subtitle, text_width, sizes.subtitle) if subtitle else []
    footer_lines: list[str] = []
    for note in [*notes, chart.source_line]:
        footer_lines += wrap_text(note, text_width, sizes.footer)

    title_height = len(title_lines) * sizes.title * LINE + len(subtitle_lines) * sizes.subtitle * LINE
    footer_height = len(footer_lines) * sizes.footer * LINE
    if sizes != SIZE_STEPS[0]:
        for update in (figure.update_xaxes, figure.update_yaxes):
            update(tickfont_size=sizes.tick, title_font_size=sizes.tick + 1)
        figure.update_annotations(font_size=sizes.tick + 1)
        figure.update_layout(legend_font_size=sizes.tick + 1)
    if label_width:
        labels = _left_labels(figure)
        size_ = figure.layout.yaxis.tickfont.size or BODY_SIZE
        texts = ["<br>".join(wrap_text(label.replace("<br>", " "), label_width * width, size_)) for label in labels]
        figure.layout.yaxis.update(tickmode="array", tickvals=labels, ticktext=texts)
    margin = figure.layout.margin
    left = max(margin.l if margin.l is not None else 0, _left_axis_width(figure), PAD)
    right = max(margin.r if margin.r is not None else 0, 30)
    plot_width = width - left - right
    legend_height = _legend_height(figure, plot_width)
    _space_panel_columns(figure, plot_width)
    axis_spaces = _fit_x_axes(figure, plot_width, rewrapped or ())
    axis_space = max(axis_spaces.values())
    # Subplot titles, a line or two each (the screen's compare chart wraps them to their panel).
    above_plot = 24 * max((str(a.text or "").count("<br>") + 1 for a in figure.layout.annotations if _above_plot(a)), default=0)
    legend_top = PAD + title_height + 8
    top = legend_top + legend_height + above_plot + 8
    bottom = axis_space + footer_height + PAD / 2

    title = "<br>".join(f"<b>{plot_text(line)}</b>" for line in title_lines)
    subtitle = "<br>".join(plot_text(line) for line in subtitle_lines)
    title_font = {"family": FONT_FAMILY, "size": sizes.title}
    if not title_lines:  # no title (a deck slide has its own): the subtitle heads the image, in its own size
        title, subtitle, title_font = subtitle, "", {"family": FONT_FAMILY, "size": sizes.subtitle, "color": SUBTITLE_COLOR}
    figure.update_layout(
        width=width,
        height=height,
        autosize=False,
        font={"family": FONT_FAMILY, "size": BODY_SIZE},
        title={
            "text": title,
            "subtitle": {"text": subtitle, "font": {"family": FONT_FAMILY, "size": sizes.subtitle, "color": SUBTITLE_COLOR}},
            "font": title_font,
            "x": PAD / width,
            "xanchor": "left",
            "xref": "container",
            "y": 1 - PAD / height,
            "yanchor": "top",
            "yref": "container",
            "automargin": False,
        },
        margin={"t": top, "b": bottom, "l": left, "r": right, "autoexpand": True},
        paper_bgcolor="white",
    )
    if legend_height:
        # Anchored to the image, under the subtitle, so it can clash with neither it nor subplot titles.
        figure.update_layout(
            legend={
                "orientation": "h",
                "x": PAD / width,
                "xanchor": "left",
                "xref": "container",
                "y": 1 - legend_top / height,
                "yanchor": "top",
                "yref": "container",
            }
        )
    # The footer hangs a fixed distance below the plot area (yshift in pixels), so automargin on tick
    # labels moves it with the plot instead of scaling it into them.
    figure.add_annotation(
        text="<br>".join(plot_text(line) for line in footer_lines),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        xanchor="left",
        yanchor="top",
        xshift=PAD - left,
        yshift=-axis_space,
        align="left",
        showarrow=False,
        font={"family": FONT_FAMILY, "size": sizes.footer, "color": FOOTER_COLOR},
    )
    _set_font_everywhere(figure)
    panel_px = _space_panel_rows(figure, axis_spaces, height - top - bottom)
    fits = _left_labels_height(figure) <= height - top - bottom and (panel_px is None or panel_px >= MIN_PANEL_SHARE * height)
    return figure, (top + bottom) / height, fits


def _shows_legend(figure: go.Figure) -> bool:
    """Whether plotly draws a legend: one trace gets one only when the layout asks for it."""
    if figure.layout.showlegend is False:
        return False
    # a choropleth is in the legend only when it says so (plotly's default for it is False)
    shown = [t for t in figure.data if t.showlegend is not False and not (t.type == "choropleth" and t.showlegend is None)]
    if figure.layout.showlegend is True and shown:
        return True
    return len(shown) > 1 or any(t.type in ("pie", "funnelarea", "sunburst", "treemap") for t in shown)


def _legend_height(figure: go.Figure, plot_width: float) -> float:
    """Room for a one-or-more-row horizontal legend above the plot, 0 when no legend shows."""
    if not _shows_legend(figure):
        return 0
    names: list[str] = []
    for trace in figure.data:
        if trace.type == "pie" and trace.labels is not None:
            names += [str(label) for label in trace.labels]
        elif trace.showlegend is not False:
            names.append(str(trace.name or ""))
    size = figure.layout.legend.font.size or BODY_SIZE
    item_widths = [_text_width(name, size) + 46 for name in names]
    rows, used = 1, 0.0
    for item in item_widths:
        if used and used + item > plot_width:
            rows, used = rows + 1, 0.0
        used += item
    return rows * size * 1.9 + 6


def _panel_title(annotation) -> bool:
    """A title standing on top of a plot (make_subplots' subplot titles), in any row."""
    return annotation.yref == "paper" and annotation.y is not None and annotation.yanchor == "bottom"


def _above_plot(annotation) -> bool:
    return annotation.yref == "paper" and annotation.y is not None and annotation.y >= 1 and annotation.yanchor == "bottom"


def _left_axis_width(figure: go.Figure) -> float:
    """Pixels the left axis's tick labels and title take, estimated a little generously.

    The margin is set to at least this, so plotly's automargin keeps it and the footer, placed from
    the left margin, lines up with the image's left edge.
    """
    if not any(t.type in ("bar", "scatter", "box", "histogram", "waterfall", "funnel") for t in figure.data):
        return PAD
    axis = figure.layout.yaxis
    labels = _left_labels(figure)
    size = axis.tickfont.size or BODY_SIZE
    if labels:
        widest = max(_text_width(line, size) for label in labels for line in label.split("<br>"))
    else:
        widest = _text_width("−0000.0%", size)
    title = 0.0
    if axis.title.text:
        title = (axis.title.font.size or BODY_SIZE) * LINE + 10
    return widest * 1.08 + 18 + title


def _left_labels(figure: go.Figure) -> list[str]:
    """The left axis's category labels (its tick texts when set), [] for a numeric axis."""
    axis = figure.layout.yaxis
    if axis.ticktext is not None:
        return [str(t) for t in axis.ticktext]
    labels: list[str] = []
    for trace in figure.data:
        if (getattr(trace, "yaxis", None) or "y") == "y" and getattr(trace, "y", None) is not None:  # a map's traces have no y
            labels += [v for v in trace.y if isinstance(v, str)]
    return list(dict.fromkeys(labels))


def _left_labels_height(figure: go.Figure) -> float:
    """Pixels the left axis's category labels need: categories are evenly spaced, so each needs
    room for the label with the most lines (0 for a numeric axis)."""
    labels = _left_labels(figure)
    if not labels:
        return 0
    size = figure.layout.yaxis.tickfont.size or BODY_SIZE
    return len(labels) * max(label.count("<br>") + 1 for label in labels) * size * 1.3


def _category_labels(figure: go.Figure, axis_name: str) -> list[str] | None:
    """An x axis's category labels, or None when it is not a category axis."""
    axis = figure.layout[axis_name]
    if axis.ticktext is not None:
        return [str(t) for t in axis.ticktext]
    trace_axis = "x" + axis_name.removeprefix("xaxis")
    values: list[object] = []
    for trace in figure.data:
        if (getattr(trace, "xaxis", None) or "x") != trace_axis or trace.type not in ("bar", "scatter", "box", "histogram"):
            continue
        if trace.x is not None:
            values += list(trace.x)
    if not values or axis.type not in (None, "-", "category") or not all(isinstance(v, str) for v in values):
        return None
    return list(dict.fromkeys(values))


def _fit_x_axes(figure: go.Figure, plot_width: float, rewrapped: tuple[str, ...] = ()) -> dict[str, float]:
    """Lay out every x axis's tick labels predictably; the pixels each takes below its plot.

    Category labels that fit are wrapped onto at most three lines; labels that still do not fit are
    turned 45°, so the footer (and a lower row of panels) can be placed below them instead of on top.
    """
    if not any(t.type in ("bar", "scatter", "box", "histogram", "waterfall", "funnel") for t in figure.data):
        return {"xaxis": 16}  # pies and the like: no axis below the plot
    names = [name for name in figure.layout if name.startswith("xaxis")] or ["xaxis"]
    return {name: _fit_x_axis(figure, name, plot_width, name in rewrapped) for name in names}


def _legend_for_panel_bars(chart: Chart, figure: go.Figure) -> tuple[str, ...] | None:
    """Small multiples whose bars are coloured by region-period (the compare chart): a legend names
    the colours instead of every panel's tick labels (in place).

    On a slide the panels are too narrow for a region-period label under each bar: turned 45° the
    labels of an upper row ran into the next row's panel titles. Each bar's region-period is read
    from the chart's own data (its figure_id's label, "<region · period> · <metric>"); the legend is
    used when every colour stands for one region-period. A panel with a colour twice (several
    agencies' bars of one region-period) labels each bar with its agency instead (read from the
    bar's hover text). Returns the x axes whose agency tick texts are to be wrapped to their panel
    (None: no legend, the chart is left as it is).
    """
    traces, layout = list(figure.data), figure.layout
    panels = [a for a in layout.annotations if _panel_title(a)]
    if (
        len(traces) < 2
        or len(panels) != len(traces)
        or not all(t.type == "bar" and t.orientation != "h" for t in traces)
        or len({t.xaxis or "x" for t in traces}) != len(traces)
        or not {"figure_id", "label"} <= set(chart.data.columns)
    ):
        return None
    labels = dict(zip(chart.data["figure_id"], chart.data["label"], strict=True))
    colour_of: dict[str, str] = {}
    combo_of: dict[str, str] = {}
    named_by_legend, agency_ticks, retick = [], [], []
    for trace in traces:
        colours, custom = trace.marker.color, trace.customdata
        if not isinstance(colours, tuple | list) or custom is None or len(colours) != len(custom):
            return None
        suffix = f" · {html.unescape(str(trace.name or ''))}"
        axis = layout[_axis_name(trace.xaxis, "x")]
        if len(set(colours)) == len(colours):
            named_by_legend.append(axis)
        else:  # the colour names the region-period; the tick its bar's agency (from the bar's hover text)
            agencies = [_hover_agency(str(row[1]), chart.lang) for row in custom]
            if all(agencies) and trace.x is not None:
                agency_ticks.append((axis, list(trace.x), agencies))
                retick.append(_axis_name(trace.xaxis, "x"))
        for colour, row in zip(colours, custom, strict=True):
            label = str(labels.get(row[0], ""))
            if not label.endswith(suffix):
                return None
            combo = label[: -len(suffix)]
            if colour_of.setdefault(combo, colour) != colour or combo_of.setdefault(colour, combo) != combo:
                return None
    for axis in named_by_legend:
        axis.showticklabels = False
    for axis, categories, agencies in agency_ticks:
        axis.update(tickmode="array", tickvals=categories, ticktext=[plot_text(agency) for agency in agencies])
    for combo, colour in colour_of.items():
        figure.add_trace(
            go.Scatter(
                x=[None], y=[None], mode="markers", name=plot_text(combo), showlegend=True, hoverinfo="skip",
                marker={"symbol": "square", "size": 12, "color": colour},
            )
        )
    layout.showlegend = True
    # The builder's margins made room for its turned labels; the slide's are measured afresh.
    layout.margin.l = layout.margin.r = None
    return tuple(retick)


def _hover_agency(hover: str, lang: str) -> str | None:
    """The agency a bar's hover text names (charts.data.build_hover's agency line), or None."""
    before, _, after = t("chart.hover.agency", lang, agency="\x00").partition("\x00")
    for line in hover.split("<br>"):
        text = html.unescape(line)
        if before and text.startswith(before) and text.endswith(after) and len(text) > len(before) + len(after):
            return text[len(before) : len(text) - len(after)]
    return None


def _axis_name(ref: str | None, letter: str) -> str:
    """"x3" -> "xaxis3", None/"x" -> "xaxis"."""
    return f"{letter}axis{(ref or letter)[1:]}"


MIN_PANEL_SHARE = 0.12  # each row of small multiples keeps at least this share of the image's height
PANEL_GAP = 10  # pixels between a row's tick labels and the next row's panel titles


def _space_panel_columns(figure: go.Figure, plot_width: float) -> None:
    """Small multiples side by side: the columns moved apart so that each column's value ticks and
    axis title (left of its plots) stand in the gap before it, clear of the column to its left; the
    columns share what is left of the width. A chart with one column is left as it is."""
    layout = figure.layout
    columns: dict[tuple[float, float], list[str]] = {}  # a column's x domain -> its y axes
    for name in [n for n in layout if n.startswith("yaxis")]:
        anchor = layout[name].anchor
        if not anchor or anchor == "free" or layout[name].type not in (None, "-", "linear"):
            return
        columns.setdefault(tuple(layout[f"xaxis{anchor[1:]}"].domain or (0.0, 1.0)), []).append(name)
    if len(columns) < 2:
        return

    def left_of(name: str) -> float:  # the value ticks ("4,000,000,000") and the turned title, in pixels
        axis = layout[name]
        size = axis.tickfont.size or BODY_SIZE
        top = max(abs(v) for v in (axis.range or (0, 1)))
        ticks = _text_width(f"{top:,.0f}" if top >= 10 else f"{top:.2g}", size) + 8
        title = (axis.title.font.size or BODY_SIZE) * LINE * (1 + str(axis.title.text).count("<br>")) + 6 if axis.title.text else 0
        return ticks + title

    order = sorted(columns)  # left to right
    gaps = [max(left_of(name) for name in columns[domain]) + PANEL_GAP for domain in order[1:]]
    column_px = (plot_width - sum(gaps)) / len(order)
    if column_px <= 40:
        return
    new_domains, x = {}, 0.0
    for index, domain in enumerate(order):
        new_domains[domain] = (max(0.0, x / plot_width), min(1.0, (x + column_px) / plot_width))
        x += column_px + (gaps[index] if index < len(gaps) else 0)
    for name in [n for n in layout if n.startswith("xaxis")]:
        domain = tuple(layout[name].domain or (0.0, 1.0))
        if domain in new_domains:
            layout[name].domain = new_domains[domain]
    centres = {round((a + b) / 2, 6): sum(new_domains[(a, b)]) / 2 for a, b in order}
    for annotation in layout.annotations:
        if _panel_title(annotation) and annotation.xref == "paper" and round(annotation.x, 6) in centres:
            annotation.x = centres[round(annotation.x, 6)]


def _space_panel_rows(figure: go.Figure, axis_spaces: dict[str, float], plot_px: float) -> float | None:
    """Small multiples in rows (the compare chart): the rows moved apart so that each row's tick
    labels (slanted ones reach far down) end above the next row's panel titles; the panels share what
    is left. The pixels of each row's plot, or None for a chart with one row of plots.

    The screen stacks such panels one a row instead (charts.style); a slide has no room for that.
    """
    layout = figure.layout
    rows: dict[tuple[float, float], list[str]] = {}  # a row's y domain -> its x axes
    for name in axis_spaces:
        anchor = layout[name].anchor
        if not anchor or anchor == "free":
            return None
        domain = tuple(layout[f"yaxis{anchor[1:]}"].domain or (0.0, 1.0))
        rows.setdefault(domain, []).append(name)
    if len(rows) < 2:
        return None
    order = sorted(rows, key=lambda d: -d[1])  # top row first
    old_tops = [domain[1] for domain in order]
    titles = {round(top, 6): 0.0 for top in old_tops}  # the panel titles' lines above each row
    for annotation in layout.annotations:
        if _panel_title(annotation) and round(annotation.y, 6) in titles:
            lines = str(annotation.text or "").count("<br>") + 1
            size = annotation.font.size or BODY_SIZE
            titles[round(annotation.y, 6)] = max(titles[round(annotation.y, 6)], lines * size * LINE + 6)
    gaps = [
        max(axis_spaces[name] for name in rows[upper]) + titles[round(lower[1], 6)] + PANEL_GAP
        for upper, lower in zip(order, order[1:], strict=False)
    ]
    row_px = (plot_px - sum(gaps)) / len(order)
    if row_px <= 0:
        return row_px
    new_domains, y = {}, 0.0  # pixels down from the plot area's top
    for index, domain in enumerate(order):
        new_domains[domain] = (max(0.0, 1 - (y + row_px) / plot_px), min(1.0, 1 - y / plot_px))
        y += row_px + (gaps[index] if index < len(gaps) else 0)
    for name in [n for n in layout if n.startswith("yaxis")]:
        domain = tuple(layout[name].domain or (0.0, 1.0))
        if domain in new_domains:
            layout[name].domain = new_domains[domain]
    tops = {round(domain[1], 6): new_domains[domain][1] for domain in order}
    for annotation in layout.annotations:
        if _panel_title(annotation) and round(annotation.y, 6) in tops:
            annotation.y = tops[round(annotation.y, 6)]
    return row_px


def _fit_x_axis(figure: go.Figure, axis_name: str, plot_width: float, rewrap: bool = False) -> float:
    """The pixels the axis's tick labels (and title) take below its plot, laid out to fit; tick texts
    set before are kept as they are unless `rewrap`."""
    axis = figure.layout[axis_name]
    tick_size = axis.tickfont.size or BODY_SIZE
    title_space = 0.0
    if axis.title.text:
        title_space = (axis.title.font.size or BODY_SIZE) * LINE * (1 + str(axis.title.text).count("<br>")) + 10
    if axis.showticklabels is False:  # a legend names the bars (_legend_for_panel_bars)
        return title_space + 8
    labels = _category_labels(figure, axis_name)
    if not labels:
        return tick_size * LINE + 14 + title_space
    domain = axis.domain or (0, 1)
    slot = plot_width * (domain[1] - domain[0]) / len(labels) - 8
    wrapped = [wrap_text(label.replace("<br>", "\n"), slot, tick_size) for label in labels]
    fits = all(_text_width(line, tick_size) <= slot for lines in wrapped for line in lines)
    if fits and all(len(lines) <= 3 for lines in wrapped):
        if axis.ticktext is None or rewrap:
            axis.update(tickmode="array", tickvals=list(axis.tickvals or labels), ticktext=["<br>".join(lines) for lines in wrapped])
        axis.tickangle = 0
        rows = max(len(lines) for lines in wrapped)
        return rows * tick_size * LINE + 14 + title_space
    # Too narrow even wrapped: turn the labels 45°, each wrapped onto as few lines as its slot allows
    # (a turned label of n lines is n × line height / sin 45° wide along the axis).
    max_rows = max(1, int((slot + 8) / (tick_size * LINE * 1.42)))
    wrapped = [_wrap_to_rows(label.replace("<br>", " "), max_rows, tick_size) for label in labels]
    if axis.ticktext is None or rewrap:
        axis.update(tickmode="array", tickvals=list(axis.tickvals or labels), ticktext=["<br>".join(lines) for lines in wrapped])
    widest = max(_text_width(line, tick_size) for lines in wrapped for line in lines)
    rows = max(len(lines) for lines in wrapped)
    axis.tickangle = -45
    return (widest + rows * tick_size * LINE) * 0.71 + 14 + title_space


def _wrap_to_rows(text: str, rows: int, size: float) -> list[str]:
    """`text` wrapped on at most `rows` lines, each as short as that allows."""
    full = _text_width(text, size)
    width = full / rows
    while width < full:
        lines = wrap_text(text, width, size)
        if len(lines) <= rows:
            return lines
        width += size
    return [text]


def _set_font_everywhere(figure: go.Figure) -> None:
    """Name the CJK family on every text a trace or annotation may carry its own font for."""
    figure.update_annotations(font_family=FONT_FAMILY)
    figure.update_layout(legend_font_family=FONT_FAMILY, hoverlabel_font_family=FONT_FAMILY)
    for trace in figure.data:
        for attribute in ("textfont", "insidetextfont", "outsidetextfont"):
            if attribute in trace:
                trace[attribute].family = FONT_FAMILY


def to_image(
    chart: Chart, fmt: str = "png", *, aspect: str = "16:9", scale: float = DEFAULT_SCALE, lang: str | None = None, with_title: bool = True
) -> bytes:
    """The chart as PNG, SVG or PDF bytes; PNG is (layout × scale) pixels: 1920×1080 by default.

    The chart's words are already in its language; `lang` (default `chart.lang`) is the language of
    the notes this module adds for qualifiers or derived figures the chart's footnotes leave out.
    Raises ExportError (with message_zh / message_en) when no browser, a timeout or a crash stops it.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    figure = build_export_figure(chart, aspect=aspect, lang=lang, with_title=with_title)
    width, height = ASPECTS[aspect]
    opts = {"format": fmt, "width": width, "height": height, "scale": scale if fmt == "png" else 1}
    try:
        data = _render(figure, opts)
    except RenderError:
        # plotly.js gives up when automargin cannot settle ("axis scaling"); fixed margins always draw.
        figure.update_xaxes(automargin=False)
        figure.update_yaxes(automargin=False)
        data = _render(figure, opts)
    if fmt == "svg":
        data = embed_svg_font(data if isinstance(data, bytes) else str(data).encode("utf-8"))
    return data


def _render(figure: go.Figure, opts: dict) -> bytes:
    """One export; a browser that crashed is replaced and asked once more.

    A geo chart's base map comes from `plotly.io.defaults.topojson` (charts.maps points it at the
    local empty base map), never from plotly's CDN: without it plotly.js fetches one and, offline,
    draws nothing.
    """
    topojson = pio.defaults.topojson if any(trace.type in GEO_TRACES for trace in figure.data) else None
    spec = figure.to_dict()
    for trace in spec["data"]:
        if isinstance(trace.get("geojson"), str) and trace["geojson"].startswith(STATIC_URL):
            # a map names its shipped boundaries by the app's URL (charts.maps.boundaries_url): kaleido reads the file
            trace["geojson"] = (STATIC_FOLDER / trace["geojson"].removeprefix(STATIC_URL)).as_uri()
    try:
        return SERVER.render(spec, opts, topojson)
    except BrowserCrashError:
        return SERVER.render(spec, opts, topojson)


# ---------------------------------------------------------------------------------------------
# SVG font embedding


@lru_cache(maxsize=4)
def font_file(family: str = CJK_FONT, style: str = "Regular") -> tuple[str, int]:
    """(path, index in a collection) of an installed font, from fontconfig."""
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}\t%{index}\t%{family}", f"{family}:style={style}"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise ExportError(f"找不到字体 {family}：{exc}", f"Font {family} not found: {exc}") from exc
    path, index, families = out.split("\t")
    if family not in families.split(","):
        raise ExportError(
            f"未安装字体 {family}（请安装 fonts-noto-cjk）。",
            f"Font {family} is not installed (install fonts-noto-cjk).",
        )
    return path, int(index or 0)


def font_subset(characters: str, style: str = "Regular") -> bytes:
    """A WOFF holding only the glyphs of `characters` from the CJK font."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    path, index = font_file(CJK_FONT, style)
    font = TTFont(path, fontNumber=index, lazy=True) if Path(path).suffix.lower() in (".ttc", ".otc") else TTFont(path)
    options = subset.Options()
    options.flavor = "woff"
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.layout_features = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def svg_characters(svg: str) -> str:
    """Every character drawn as text in an SVG (text between tags, entities decoded)."""
    texts = re.findall(r">([^<>]+)<", svg)
    chars = set(html.unescape("".join(texts)))
    chars |= set("0123456789.,%≥≈<-+ ")
    return "".join(sorted(c for c in chars if not c.isspace() or c == " "))


def embed_svg_font(svg_bytes: bytes) -> bytes:
    """Insert `@font-face` rules carrying subsets of the CJK font (regular and bold) into the SVG."""
    svg = svg_bytes.decode("utf-8")
    characters = svg_characters(svg)
    rules = []
    for style, weight in (("Regular", "normal"), ("Bold", "bold")):
        try:
            woff = font_subset(characters, style)
        except ExportError:
            if style == "Regular":
                raise
            continue
        encoded = base64.b64encode(woff).decode("ascii")
        rules.append(
            f"@font-face{{font-family:'{CJK_FONT}';font-weight:{weight};"
            f"src:url(data:font/woff;base64,{encoded}) format('woff');}}"
        )
    style_element = f"<style>{''.join(rules)}</style>"
    match = re.search(r"<svg\b[^>]*>", svg)
    if not match:
        raise ExportError("导出的 SVG 无法识别。", "The exported SVG could not be read.")
    return (svg[: match.end()] + style_element + svg[match.end() :]).encode("utf-8")
