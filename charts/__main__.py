"""Command line for scripted reports.

    python -m charts export --out DIR [--format png|svg|pdf|pptx|xlsx] [--lang zh|en] [--page PAGE]

Images are written one per chart as DIR/<page>/<chart_id>.<format>; decks and workbooks one per page
as DIR/<page>.pptx / DIR/<page>.xlsx. Exit 0 when everything was written, 1 when the data cannot be
loaded, no browser is found or an export does not answer in time (the message says which).
"""

from __future__ import annotations

import argparse
import re
import signal
import sys
from pathlib import Path

IMAGE_FORMATS = ("png", "svg", "pdf")
PAGE_FORMATS = ("pptx", "xlsx")

WORDS = {
    "zh": {
        "wrote": "已写入",
        "no_charts": "页面“{page}”没有图表，跳过",
        "done": "完成：{files} 个文件，{charts} 张图表，保存在 {out}",
        "failed": "导出失败：{message}",
        "data_failed": "无法载入数据：{message}",
        "out_failed": "无法写入 {path}：{message}",
    },
    "en": {
        "wrote": "wrote",
        "no_charts": "page “{page}” has no charts; skipped",
        "done": "done: {files} file(s), {charts} chart(s), in {out}",
        "failed": "export failed: {message}",
        "data_failed": "cannot load the data: {message}",
        "out_failed": "cannot write {path}: {message}",
    },
}


def file_stem(text: str) -> str:
    """A safe file name part: letters, digits, _ and - only."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_") or "chart"


def _size(n: int) -> str:
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def _cmd_export(args: argparse.Namespace) -> int:
    from charts.deck import build_deck
    from charts.export import ExportError, find_browser, to_image
    from charts.pages import PAGES, build_page_charts
    from charts.workbook import build_workbook
    from loaders.frame import build_all_figures

    words = WORDS[args.lang]
    out = Path(args.out)
    if args.format != "xlsx":
        try:
            find_browser()  # before loading anything: a missing browser is the likeliest failure
        except ExportError as exc:
            print(words["failed"].format(message=exc.text(args.lang)), file=sys.stderr)
            return 1
    try:
        figures = build_all_figures()
    except Exception as exc:  # noqa: BLE001 - any loading failure is reported, not traced
        print(words["data_failed"].format(message=exc), file=sys.stderr)
        return 1
    pages = [p for p in PAGES if args.page in (None, p.page_id)]
    jobs = []
    for page in pages:
        charts = build_page_charts(page.page_id, figures, args.lang)
        if charts:
            jobs.append((page, charts))
        else:
            print(words["no_charts"].format(page=page.title(args.lang)))
    total = sum(len(charts) for _, charts in jobs)
    files = done = 0
    try:
        for page, charts in jobs:
            if args.format in IMAGE_FORMATS:
                folder = out / file_stem(page.page_id)
                folder.mkdir(parents=True, exist_ok=True)
                for chart in charts:
                    done += 1
                    data = to_image(chart, args.format, lang=args.lang)
                    path = folder / f"{file_stem(chart.chart_id)}.{args.format}"
                    path.write_bytes(data)
                    files += 1
                    print(f"[{done}/{total}] {words['wrote']} {path} ({_size(len(data))}) {chart.title}", flush=True)
            else:
                out.mkdir(parents=True, exist_ok=True)
                path = out / f"{file_stem(page.page_id)}.{args.format}"
                if args.format == "pptx":

                    def progress(i: int, n: int, start: int = done, charts: list = charts) -> None:
                        print(f"[{start + i}/{total}] {charts[i - 1].title}", flush=True)

                    data = build_deck(charts, page.title(args.lang), args.lang, progress=progress, headlines=_headlines(page.page_id, figures, args.lang))
                else:
                    data = build_workbook(charts, args.lang)
                done += len(charts)
                path.write_bytes(data)
                files += 1
                print(f"{words['wrote']} {path} ({_size(len(data))})", flush=True)
    except ExportError as exc:
        print(words["failed"].format(message=exc.text(args.lang)), file=sys.stderr)
        return 1
    except OSError as exc:
        print(words["out_failed"].format(path=exc.filename or out, message=exc.strerror or exc), file=sys.stderr)
        return 1
    print(words["done"].format(files=files, charts=done, out=out))
    return 0


def _headlines(page_id: str, figures, lang: str) -> list | None:
    """The overview's cards in its first view (the deck's headline slide); None for other pages."""
    if page_id != "overview":
        return None
    from charts.cards import build_cards, default_regions
    from loaders.catalog import load_catalog

    regions = default_regions(figures)
    return build_cards(figures[figures["region_code"].isin(regions)], lang, load_catalog(), regions)


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `... | head` ends quietly
    from charts.pages import PAGE_IDS

    parser = argparse.ArgumentParser(prog="python -m charts", description="Anti-fraud charts: export for slides and reports.")
    sub = parser.add_subparsers(dest="command", required=True)
    export = sub.add_parser("export", help="export every chart of every page (or one page)")
    export.add_argument("--out", required=True, help="folder to write into (created when missing)")
    export.add_argument("--format", choices=IMAGE_FORMATS + PAGE_FORMATS, default="png")
    export.add_argument("--lang", choices=("zh", "en"), default="zh")
    export.add_argument("--page", choices=PAGE_IDS, help="only this page")
    export.set_defaults(func=_cmd_export)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
