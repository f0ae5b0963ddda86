"""Command line for analysts and automation.

python -m loaders check FILE... [--format text|json]
python -m loaders figures [--format csv|json]
python -m loaders import FILE... [--yes] [--uploader NAME]
python -m loaders extract FILE [--format csv|json] [--lang zh|en]
python -m loaders hash-passphrase
python -m loaders db upgrade [--lang zh|en]
python -m loaders db copy --to URL [--lang zh|en]
python -m loaders regions [--level province|prefecture|county] [--format csv|json]
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path

import pandas as pd


def _cmd_figures(args: argparse.Namespace) -> int:
    from loaders.frame import build_all_figures
    from loaders.labels import clean_frame

    # Labels without control characters (a terminal would obey an uploaded ESC sequence).
    figures = clean_frame(build_all_figures())
    # Integral values print as integers (1427, not 1427.0); others keep their stated decimals.
    figures["value"] = pd.Series([int(v) if float(v).is_integer() else v for v in figures["value"]], dtype=object)
    if args.format == "json":
        records = figures.to_dict(orient="records")
        json.dump(records, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        from loaders.csvsafe import neutralise_frame

        # Formula-safe like every CSV the project writes; values stay numbers (-20 prints as -20).
        neutralise_frame(figures).to_csv(sys.stdout, index=False, lineterminator="\n")
    return 0


def _cmd_regions(args: argparse.Namespace) -> int:
    from loaders.regions import build_regions_frame

    frame = build_regions_frame(args.level)
    if args.format == "json":
        records = [
            {k: (None if v is None or v is pd.NA else int(v) if k == "population" else v) for k, v in record.items()}
            for record in frame.to_dict(orient="records")
        ]
        json.dump(records, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        from loaders.csvsafe import neutralise_frame

        neutralise_frame(frame).to_csv(sys.stdout, index=False, lineterminator="\n")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from loaders.labels import clean_label
    from loaders.tables import check_file

    reports = [check_file(Path(name)) for name in args.files]
    if args.format == "json":
        payload = [r.to_dict() for r in reports]
        json.dump(payload[0] if len(payload) == 1 else payload, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        for report in reports:
            sys.stdout.write(clean_label(report.to_text(args.lang), keep_newlines=True) + "\n")
    return 0 if all(r.status != "rejected" for r in reports) else 1


def _cmd_import(args: argparse.Namespace) -> int:
    from loaders.importer import import_files

    return import_files(
        [Path(f) for f in args.files], yes=args.yes, uploader=args.uploader, lang=args.lang, replace=args.replace
    )


def _cmd_extract(args: argparse.Namespace) -> int:
    from loaders.extract import COLUMNS, extract_file
    from loaders.labels import clean_label

    result = extract_file(Path(args.file))
    if args.format == "json":
        json.dump(result.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        from loaders.csvsafe import neutralise_frame

        frame = pd.DataFrame([f.to_dict() for f in result.figures], columns=COLUMNS)
        frame["value"] = pd.Series([int(v) if float(v).is_integer() else v for v in frame["value"]], dtype=object)
        neutralise_frame(frame).to_csv(sys.stdout, index=False, lineterminator="\n")
        for m in result.messages:  # the table on stdout, the messages on stderr
            sys.stderr.write(clean_label(m.text(args.lang)) + "\n")
    return 1 if any(m.level == "error" for m in result.messages) else 0


DB_TEXTS = {
    "current": ("数据库结构已是最新（版本 {after}）：{db}", "The database schema is current (version {after}): {db}"),
    "created": ("已建立数据库结构（版本 {after}）：{db}", "Created the database schema (version {after}): {db}"),
    "upgraded": (
        "已升级数据库结构：版本 {before} → {after}（{steps}）：{db}",
        "Upgraded the database schema: version {before} → {after} ({steps}): {db}",
    ),
}


def _cmd_db(args: argparse.Namespace) -> int:
    """`db upgrade`: create or upgrade the store's schema (loaders.migrations), say what was done.
    `db copy --to URL`: every upload of this store into another, empty one (loaders.copy_store)."""
    import sqlalchemy as sa

    from loaders.store import database_url, upgrade_schema

    url = database_url()
    if args.action == "copy":
        if not args.to:
            sys.stderr.write("db copy 需要 --to URL / db copy needs --to URL\n")
            return 2
        from loaders.copy_store import copy_store

        done = copy_store(url, args.to)
        rows = done.rows
        zh = f"已复制 {rows['uploads']} 个上传、{rows['upload_figures']} 条数据、{rows['upload_events']} 条记录：{done.source} → {done.target}"
        en = f"Copied {rows['uploads']} uploads, {rows['upload_figures']} figures, {rows['upload_events']} events: {done.source} → {done.target}"
        sys.stdout.write((zh if args.lang == "zh" else en) + "\n")
        return 0
    done = upgrade_schema(url)
    kind = "created" if done.created else "upgraded" if done.applied or done.before == 0 else "current"
    zh, en = DB_TEXTS[kind]
    steps = ", ".join(str(v) for v in done.applied) or "1"
    db = sa.make_url(url).render_as_string(hide_password=True)
    text = (zh if args.lang == "zh" else en).format(before=done.before, after=done.after, steps=steps, db=db)
    sys.stdout.write(text + "\n")
    return 0


def _store_error_text(error: BaseException, lang: str) -> str | None:
    """The one-line message of a store that cannot be used (unreachable, schema newer than the code);
    the store module is looked up only where a command loaded it."""
    store = sys.modules.get("loaders.store")
    if store is not None and isinstance(error, store.StoreError):
        return error.text(lang)
    return None


def _cmd_hash_passphrase(args: argparse.Namespace) -> int:
    import getpass

    from loaders.access import ENV_VAR, SECRET_KEY, hash_passphrase

    passphrase = getpass.getpass("口令 / passphrase: ")
    if not passphrase or passphrase != getpass.getpass("再输入一次 / again: "):
        sys.stderr.write("两次输入不一致或为空 / the two entries differ or are empty\n")
        return 1
    encoded = hash_passphrase(passphrase)
    sys.stdout.write(f"{ENV_VAR}='{encoded}'\n# or in .streamlit/secrets.toml:\n{SECRET_KEY} = \"{encoded}\"\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `... | head` ends quietly
    parser = argparse.ArgumentParser(prog="python -m loaders", description="Anti-fraud figures: check, list, import.")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="validate CSV/XLSX tables; exit 0 when accepted, 1 when rejected")
    check.add_argument("files", nargs="+")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--lang", choices=("zh", "en"), default="zh")
    check.set_defaults(func=_cmd_check)

    figures = sub.add_parser("figures", help="print every figure the project knows")
    figures.add_argument("--format", choices=("csv", "json"), default="csv")
    figures.set_defaults(func=_cmd_figures)

    imp = sub.add_parser("import", help="check and store tables; exit 0 when stored, 1 when refused")
    imp.add_argument("files", nargs="+")
    imp.add_argument("--yes", action="store_true", help="store without asking for confirmation")
    imp.add_argument("--uploader", default="cli")
    imp.add_argument(
        "--replace",
        action="store_true",
        help="where the store already has a different value for the same region, metric and period, show the new one "
        "(default: keep the stored value; both are kept either way)",
    )
    imp.add_argument("--lang", choices=("zh", "en"), default="zh")
    imp.set_defaults(func=_cmd_import)

    ext = sub.add_parser("extract", help="propose the figures a press release (.txt/.html) states, for review")
    ext.add_argument("file")
    ext.add_argument("--format", choices=("csv", "json"), default="csv")
    ext.add_argument("--lang", choices=("zh", "en"), default="zh")
    ext.set_defaults(func=_cmd_extract)

    secret = sub.add_parser("hash-passphrase", help="make the hash that locks uploading and removing")
    secret.set_defaults(func=_cmd_hash_passphrase)

    db = sub.add_parser(
        "db",
        help="the upload store's database: `db upgrade` creates or upgrades its schema; "
        "`db copy --to URL` copies every upload into another, empty store",
    )
    db.add_argument("action", choices=("upgrade", "copy"))
    db.add_argument("--to", metavar="URL", help="db copy: the target store's database URL")
    db.add_argument("--lang", choices=("zh", "en"), default="zh")
    db.set_defaults(func=_cmd_db)

    regions = sub.add_parser("regions", help="every division with its code, names, level, parent and population")
    regions.add_argument("--level", choices=("province", "prefecture", "county"))
    regions.add_argument("--format", choices=("csv", "json"), default="csv")
    regions.set_defaults(func=_cmd_regions)

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except Exception as error:
        text = _store_error_text(error, getattr(args, "lang", "zh"))
        if text is None:
            raise
        sys.stderr.write(text + "\n")  # one line, no traceback: the database is down, not the program
        return 1


if __name__ == "__main__":
    sys.exit(main())
