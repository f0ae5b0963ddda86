"""`python -m loaders import FILE... [--yes]`: check tables and store them, from the command line.

Each file is read once; the bytes that were checked are the bytes stored. For each file: the
validation report is printed; a rejected file is refused; otherwise, unless `--yes`, the analyst
confirms on a terminal (without a terminal the file is refused with a hint to pass `--yes`).
Conflicts with figures already stored (same region, metric, breakdown, period and measure) are
listed side by side; by default the stored value is kept (the new one is stored but hidden), and
`replace=True` (`--replace`) shows the new value instead. On a terminal without `--yes` the
analyst is asked which to keep. Each file is stored in one transaction, all figures or none;
exit status 0 when every file was stored, 1 otherwise.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

import sqlalchemy as sa

TEXTS = {
    "refused_rejected": (
        "未保存：文件未通过校验，请按上面的提示修改后重新导入。",
        "Not stored: the file failed validation; fix the problems above and import it again.",
    ),
    "refused_no_figures": ("未保存：文件中没有可保存的数字。", "Not stored: the file holds no figures to store."),
    "refused_duplicate": ("未保存：{error}", "Not stored: {error}"),
    "no_terminal": (
        "未保存：没有可以确认的终端。确认要保存时，请加上 --yes 重新运行。",
        "Not stored: there is no terminal to confirm on. To store without asking, run again with --yes.",
    ),
    "declined": ("未保存：已取消。", "Not stored: cancelled."),
    "conflicts": (
        "库中已有 {count} 个相同地区、指标、期间的数字：",
        "The store already has {count} figure(s) for the same region, metric and period:",
    ),
    "conflict_line": (
        "  {where}：现有 {existing}（上传 {upload}，{who}，{when}）｜新 {new}（第{row}行）",
        "  {where}: existing {existing} (upload {upload}, {who}, {when}) | new {new} (row {row})",
    ),
    "more": ("  ……另有 {count} 处数值不同", "  … and {count} more with different values"),
    "same": ("  其中 {count} 个与库中数字完全相同", "  {count} of them are identical to the stored figures"),
    "keep_existing": (
        "冲突处保留现有数字（新数字一并保存但不显示）；要改用新数字，请加上 --replace。",
        "Conflicts keep the existing figures (the new ones are stored but hidden); pass --replace to use the new ones.",
    ),
    "use_new": (
        "冲突处改用新数字（现有数字保留但不再显示）。",
        "Conflicts use the new figures (the existing ones are kept, hidden).",
    ),
    "ask_conflicts": (
        "冲突处保留现有数字(e)还是改用新数字(n)？[E/n] ",
        "Keep the existing figures (e) or use the new ones (n) where they conflict? [E/n] ",
    ),
    "ask_store": (
        "保存 {figures} 个数字（{rows} 行）到 {db}？[y/N] ",
        "Store {figures} figures ({rows} rows) in {db}? [y/N] ",
    ),
    "stored": (
        "已保存：上传编号 {upload_id}，{rows} 行，{figures} 个数字（{db}）。",
        "Stored: upload {upload_id}, {rows} rows, {figures} figures ({db}).",
    ),
    "store_error": ("未保存：数据库出错（{error}）。", "Not stored: database error ({error})."),
    "store_unavailable": ("未保存：{error}", "Not stored: {error}"),
    "summary": ("共 {total} 个文件，已保存 {stored} 个。", "{stored} of {total} file(s) stored."),
}


def _t(key: str, lang: str, **values) -> str:
    zh, en = TEXTS[key]
    return (zh if lang == "zh" else en).format(**values)


MAX_CONFLICT_LINES = 20


def _number(value: float, unit: str, qualifier: str, lang: str) -> str:
    from loaders.catalog import load_catalog

    sign = {"at_least": "≥", "about": "≈", "less_than": "<"}.get(qualifier, "")
    shown = f"{int(value)}" if float(value).is_integer() else f"{value}"
    return f"{sign}{shown} {load_catalog().label('units', unit, lang)}".strip()


def _conflict_lines(conflicts, lang: str) -> list[str]:
    """Differing values first, one line each (at most MAX_CONFLICT_LINES); equal ones counted."""
    from loaders.catalog import load_catalog

    catalog = load_catalog()
    lines = [_t("conflicts", lang, count=len(conflicts))]
    differing = conflicts[~conflicts.same_value]
    for c in differing.head(MAX_CONFLICT_LINES).itertuples(index=False):
        period = f"{c.period_start}–{c.period_end}" if c.period_start else c.period_end
        region = catalog.label("divisions", c.region_code, lang)
        metric = c.metric_zh if lang == "zh" and c.metric_zh else catalog.label("metrics", c.metric_id, lang)
        breakdown = catalog.label("breakdowns", c.breakdown, lang) if c.breakdown else ""
        measure = "" if c.measure == "level" else c.measure
        where = " · ".join(p for p in (region, metric, breakdown, period, measure) if p)
        lines.append(
            _t(
                "conflict_line",
                lang,
                where=where,
                existing=_number(c.existing_value, c.existing_unit, c.existing_qualifier, lang),
                new=_number(c.new_value, c.new_unit, c.new_qualifier, lang),
                upload=c.existing_upload_id,
                who=c.existing_uploader,
                when=c.existing_uploaded_at.strftime("%Y-%m-%d %H:%M UTC"),
                row=c.new_source_row,
            )
        )
    if len(differing) > MAX_CONFLICT_LINES:
        lines.append(_t("more", lang, count=len(differing) - MAX_CONFLICT_LINES))
    same = int(conflicts.same_value.sum())
    if same:
        lines.append(_t("same", lang, count=same))
    return lines


def _ask(question: str, stdin: TextIO, out: TextIO) -> str:
    out.write(question)
    out.flush()
    answer = stdin.readline()
    if not answer:  # end of input
        out.write("\n")
    return answer.strip().lower()


def _interactive(stdin: TextIO | None) -> bool:
    try:
        return stdin is not None and stdin.isatty()
    except (AttributeError, ValueError):
        return False


def import_file(
    path: Path,
    *,
    yes: bool,
    uploader: str,
    lang: str = "zh",
    replace: bool = False,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
) -> str | None:
    """Check and store one file; the new upload id, or None when nothing was stored."""
    from loaders.labels import clean_label
    from loaders.store import DuplicateUploadError, Store, StoreError
    from loaders.tables import check_bytes, check_file

    stdin = sys.stdin if stdin is None else stdin
    out = sys.stdout if out is None else out

    def say(text: str) -> None:
        # Reports quote the file's cells and conflicts name earlier uploaders: no escape codes reach the terminal.
        out.write(clean_label(text, keep_newlines=True) + "\n")
        out.flush()

    try:
        data = Path(path).read_bytes()
    except OSError:
        report = check_file(Path(path))  # names the problem (missing, unreadable) in a message
        data = b""
    else:
        report = check_bytes(data, Path(path).name)
        report.file = str(path)
    say(report.to_text(lang))
    if report.status == "rejected":
        say(_t("refused_rejected", lang))
        return None
    if report.figures.empty:
        say(_t("refused_no_figures", lang))
        return None

    try:
        store = Store()
    except (sa.exc.SQLAlchemyError, OSError) as error:
        say(_t("store_error", lang, error=f"{type(error).__name__}: {error}"))
        return None
    db = sa.make_url(store.url).render_as_string(hide_password=True)
    duplicate = store.find_duplicate(data)
    if duplicate is not None:
        say(_t("refused_duplicate", lang, error=duplicate.text(lang)))
        return None

    use_new = replace
    conflicts = store.find_conflicts(report.figures)
    if len(conflicts):
        for line in _conflict_lines(conflicts, lang):
            say(line)
    if not yes:
        if not _interactive(stdin):
            say(_t("no_terminal", lang))
            return None
        if len(conflicts) and not replace:
            use_new = _ask(_t("ask_conflicts", lang), stdin, out) in ("n", "new", "新")
        answer = _ask(_t("ask_store", lang, figures=len(report.figures), rows=report.rows, db=db), stdin, out)
        if answer not in ("y", "yes", "是"):
            say(_t("declined", lang))
            return None
    if len(conflicts):
        say(_t("use_new" if use_new else "keep_existing", lang))

    try:
        upload_id = store.save_upload(
            report, data, Path(path).name, uploader, replace={"*": "new" if use_new else "existing"}
        )
    except DuplicateUploadError as error:  # stored by someone else since the check above
        say(_t("refused_duplicate", lang, error=error.text(lang)))
        return None
    except StoreError as error:
        say(_t("store_error", lang, error=error.text(lang)))
        return None
    except sa.exc.SQLAlchemyError as error:
        say(_t("store_error", lang, error=str(getattr(error, "orig", None) or error)))
        return None
    say(_t("stored", lang, upload_id=upload_id, rows=report.rows, figures=len(report.figures), db=db))
    return upload_id


def import_files(paths: list[Path], yes: bool, uploader: str, lang: str, replace: bool = False) -> int:
    """Import each file on its own (one transaction each); 0 when all were stored, else 1.

    An unreachable database stops the import with one line saying so (the next files would fail alike)."""
    from loaders.store import StoreUnavailableError

    stored = 0
    for path in paths:
        try:
            upload_id = import_file(path, yes=yes, uploader=uploader, lang=lang, replace=replace)
        except StoreUnavailableError as error:
            sys.stdout.write(_t("store_unavailable", lang, error=error.text(lang)) + "\n")
            return 1
        if upload_id is not None:
            stored += 1
        sys.stdout.write("\n")
    if len(paths) > 1:
        sys.stdout.write(_t("summary", lang, total=len(paths), stored=stored) + "\n")
    return 0 if stored == len(paths) else 1
