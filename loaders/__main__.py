"""Command line for analysts and automation.

    python -m loaders check FILE... [--format text|json]
    python -m loaders figures [--format csv|json]
    python -m loaders import FILE... [--yes] [--uploader NAME]
    python -m loaders hash-passphrase
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

    figures = build_all_figures()
    # Integral values print as integers (1427, not 1427.0); others keep their stated decimals.
    figures["value"] = pd.Series([int(v) if float(v).is_integer() else v for v in figures["value"]], dtype=object)
    if args.format == "json":
        records = figures.to_dict(orient="records")
        json.dump(records, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        figures.to_csv(sys.stdout, index=False, lineterminator="\n")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from loaders.tables import check_file

    reports = [check_file(Path(name)) for name in args.files]
    if args.format == "json":
        payload = [r.to_dict() for r in reports]
        json.dump(payload[0] if len(payload) == 1 else payload, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        for report in reports:
            sys.stdout.write(report.to_text(args.lang) + "\n")
    return 0 if all(r.status != "rejected" for r in reports) else 1


def _cmd_import(args: argparse.Namespace) -> int:
    from loaders.importer import import_files

    return import_files(
        [Path(f) for f in args.files], yes=args.yes, uploader=args.uploader, lang=args.lang, replace=args.replace
    )


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

    secret = sub.add_parser("hash-passphrase", help="make the hash that locks uploading and removing")
    secret.set_defaults(func=_cmd_hash_passphrase)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
