"""Write the nginx configuration for N dashboard replicas from the shipped deploy/nginx/antifraud.conf.

    python deploy/nginx_conf.py --listen 80 --replica 10.0.0.11:8501 --replica 10.0.0.12:8501 \
        > /etc/nginx/conf.d/antifraud.conf
    python deploy/nginx_conf.py --listen 127.0.0.1:8080 --replica 127.0.0.1:8501 --replica 127.0.0.1:8502 \
        --standalone "$HOME/antifraud-nginx" > "$HOME/antifraud-nginx"/nginx.conf
    nginx -p "$HOME/antifraud-nginx" -c "$HOME/antifraud-nginx"/nginx.conf      # no root needed

Only the `listen` line and the upstream's `server` lines of the shipped file change, so what the
tests run is the file an office installs. `--standalone DIR` wraps it in a whole nginx.conf whose
pid file, logs and temporary folders are in DIR (a user without root, or a test, can run it).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

SITE = Path(__file__).resolve().parent / "nginx" / "antifraud.conf"
UPSTREAM_SERVER = re.compile(r"^(\s*)server\s+\S+:\d+(\s[^;]*)?;\s*$", re.MULTILINE)
LISTEN = re.compile(r"^(\s*)listen\s+[^;]+;", re.MULTILINE)
# The access log of a standalone nginx: which replica answered each request, and for which browser.
LOG_FORMAT = "$request_method $uri $status upstream=$upstream_addr affinity=$antifraud_affinity"


def site_config(listen: str, replicas: list[str], template: str | None = None) -> str:
    """The shipped site file with `listen` and the replicas (HOST:PORT each) put in."""
    if not replicas:
        raise ValueError("at least one replica (HOST:PORT) is needed")
    for replica in replicas:
        if not re.fullmatch(r"[\w.\-\[\]:]+:\d+", replica):
            raise ValueError(f"a replica is HOST:PORT, not {replica!r}")
    if not re.fullmatch(r"[\w.\-\[\]:]+", listen):
        raise ValueError(f"listen is PORT or ADDRESS:PORT, not {listen!r}")
    text = template if template is not None else SITE.read_text(encoding="utf-8")
    servers = list(UPSTREAM_SERVER.finditer(text))
    if not servers:
        raise ValueError("no upstream `server HOST:PORT` line in the template")
    indent, options = servers[0].group(1), servers[0].group(2) or ""
    lines = "\n".join(f"{indent}server {replica}{options};" for replica in replicas)
    text = text[: servers[0].start()] + lines + text[servers[-1].end() :]
    text, count = LISTEN.subn(lambda m: f"{m.group(1)}listen {listen};", text)
    if count != 1:
        raise ValueError(f"expected one `listen` line in the template, found {count}")
    return text


def standalone_config(prefix: Path, site: str) -> str:
    """A whole nginx.conf around `site`: pid, logs and temporary files in `prefix`, in the foreground.

    As root the workers run as root too (a test's temporary folder is not readable by `nobody`)."""
    prefix = Path(prefix)
    user = "user root;\n" if os.geteuid() == 0 else ""
    temporaries = "\n".join(
        f"    {kind}_temp_path {prefix / 'temp' / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}worker_processes 1;\n"
        "daemon off;\n"
        f"pid {prefix / 'nginx.pid'};\n"
        f"error_log {prefix / 'error.log'} notice;\n"
        "events { worker_connections 512; }\n"
        "http {\n"
        f"{temporaries}\n"
        f"    log_format antifraud '{LOG_FORMAT}';\n"
        f"    access_log {prefix / 'access.log'} antifraud;\n"
        + "".join(f"    {line}\n" if line else "\n" for line in site.splitlines())
        + "}\n"
    )


def prepare_prefix(prefix: Path) -> None:
    """The folders a standalone nginx writes into."""
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (Path(prefix) / "temp" / kind).mkdir(parents=True, exist_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", default="80", help="PORT or ADDRESS:PORT nginx listens on (default 80)")
    parser.add_argument("--replica", action="append", required=True, help="HOST:PORT of a replica (repeat)")
    parser.add_argument("--standalone", metavar="DIR", help="write a whole nginx.conf with pid/logs/temp in DIR")
    args = parser.parse_args(argv)
    try:
        site = site_config(args.listen, args.replica)
    except ValueError as error:
        parser.error(str(error))
    if args.standalone:
        prepare_prefix(Path(args.standalone))
        sys.stdout.write(standalone_config(Path(args.standalone).resolve(), site))
    else:
        sys.stdout.write(site)
    return 0


if __name__ == "__main__":
    sys.exit(main())
