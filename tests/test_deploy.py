"""deploy/nginx_conf.py and the shipped nginx configuration: what it renders and what nginx itself accepts.

The configuration in front of real replicas is tested by tests/e2e/test_replicas.py."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from deploy.nginx_conf import SITE, main, prepare_prefix, site_config, standalone_config

REPO = Path(__file__).resolve().parents[1]


def test_the_site_gets_the_replicas_and_the_listen_address_and_keeps_everything_else():
    shipped = SITE.read_text(encoding="utf-8")
    site = site_config("10.0.0.1:8080", ["10.0.0.11:8501", "10.0.0.12:8501", "10.0.0.13:8501"])
    assert re.findall(r"^\s*server (\S+) max_fails=3 fail_timeout=10s;$", site, re.MULTILINE) == [
        "10.0.0.11:8501",
        "10.0.0.12:8501",
        "10.0.0.13:8501",
    ]
    assert re.findall(r"^\s*listen ([^;]+);", site, re.MULTILINE) == ["10.0.0.1:8080"]
    # Nothing else moved: the shipped file minus its addresses is the rendered one minus its addresses.
    strip = lambda text: re.sub(r"^\s*(server \S+:\d+ [^;]*|listen [^;]+);\n", "", text, flags=re.MULTILINE)  # noqa: E731
    assert strip(site) == strip(shipped)


@pytest.mark.parametrize(
    ("listen", "replicas"),
    [("80", []), ("80", ["10.0.0.1"]), ("80", ["10.0.0.1:8501; evil"]), ("80; include /etc/passwd", ["a:1"])],
)
def test_bad_addresses_are_refused(listen, replicas):
    with pytest.raises(ValueError):
        site_config(listen, replicas)


def test_uploads_up_to_streamlits_limit_pass_and_sessions_stick():
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    site = SITE.read_text(encoding="utf-8")
    assert f"client_max_body_size {config['server']['maxUploadSize']}m;" in site
    upstream = re.search(r"upstream antifraud_replicas \{(.*?)\}", site, re.DOTALL).group(1)
    assert "hash $antifraud_affinity consistent;" in upstream  # cookie affinity, not round robin
    assert "proxy_set_header Upgrade $http_upgrade;" in site


@pytest.fixture
def nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        pytest.skip("nginx is not installed (test.sh installs Debian's nginx)")
    return found


def test_nginx_accepts_the_standalone_configuration(nginx, tmp_path):
    prepare_prefix(tmp_path)
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        standalone_config(tmp_path, site_config("127.0.0.1:1", ["127.0.0.1:2", "127.0.0.1:3"])), encoding="utf-8"
    )
    done = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr


def test_nginx_accepts_the_site_inside_debians_http_block(nginx, tmp_path):
    """The file as installed in /etc/nginx/conf.d/: included at http level of a plain main config."""
    prepare_prefix(tmp_path)
    (tmp_path / "antifraud.conf").write_text(site_config("127.0.0.1:1", ["127.0.0.1:2"]), encoding="utf-8")
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"pid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'};\nevents {{}}\n"
        f"http {{\n    client_body_temp_path {tmp_path / 'temp' / 'client_body'};\n"
        f"    proxy_temp_path {tmp_path / 'temp' / 'proxy'};\n    include {tmp_path / 'antifraud.conf'};\n}}\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


def test_the_command_line_writes_the_site(capsys):
    assert main(["--listen", "8080", "--replica", "127.0.0.1:8501", "--replica", "127.0.0.1:8502"]) == 0
    out = capsys.readouterr().out
    assert "listen 8080;" in out and "server 127.0.0.1:8502 max_fails=3" in out
    with pytest.raises(SystemExit):
        main(["--replica", "nonsense"])
