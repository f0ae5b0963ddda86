"""Two dashboard replicas on one PostgreSQL database behind a real nginx running the shipped
configuration (deploy/nginx/antifraud.conf, only its addresses changed by deploy/nginx_conf.py).

An upload through the page served by replica A is seen by a page served by replica B without a
restart; each browser sticks to one replica (page, websocket, upload); the websocket works through
the proxy; uploads up to server.maxUploadSize pass nginx, larger ones are refused by it.

nginx runs unprivileged-style: pid, logs and temporary folders in the test's folder, a free port.
Without nginx the test is skipped with the reason (failed under CI, like every `postgres` test).
"""

from __future__ import annotations

import http.client
import re
import shutil
import subprocess
import time
import urllib.request
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path

import pytest

from bench.servers import ServerError, StreamlitServer, free_port
from deploy.nginx_conf import prepare_prefix, site_config, standalone_config
from tests.corpus_fixtures import build
from tests.e2e.conftest import STARTUP_SECONDS, launch_chromium, require_chromium
from tests.pg import ci_requires_postgres

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]
require_chromium()
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the python playwright package")
expect = sync_api.expect

GBK_NAME = "gbk_excel_export.csv"  # built in code (tests/corpus_fixtures.py); holds 北京市
LOAD_MS = 90_000
COOKIE = "antifraud_replica"
MAX_UPLOAD_MB = 100  # .streamlit/config.toml server.maxUploadSize


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        reason = "nginx is not installed (test.sh installs Debian's nginx); the replicas test needs a real one"
        if ci_requires_postgres():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return found


class Nginx:
    """nginx in the foreground with pid/logs/temp in `prefix`, on a free port of 127.0.0.1."""

    def __init__(self, binary: str, prefix: Path, replicas: list[str]):
        self.prefix = prefix
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        prepare_prefix(prefix)
        self.conf = prefix / "nginx.conf"
        self.conf.write_text(
            standalone_config(prefix, site_config(f"127.0.0.1:{self.port}", replicas)), encoding="utf-8"
        )
        checked = subprocess.run(
            [binary, "-t", "-p", str(prefix), "-c", str(self.conf)], capture_output=True, text=True
        )
        assert checked.returncode == 0, checked.stderr
        self.process = subprocess.Popen(
            [binary, "-p", str(prefix), "-c", str(self.conf)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 30
        while True:
            if self.process.poll() is not None:
                pytest.fail(
                    f"nginx exited with {self.process.returncode}: {self.process.stderr.read().decode()[-2000:]}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"nginx did not answer on {self.url}: {self.error_log()}")
            time.sleep(0.05)

    def access_log(self) -> list[dict[str, str]]:
        """Each logged request: method, uri, status, upstream (HOST:PORT), affinity."""
        entries = []
        for line in (self.prefix / "access.log").read_text(encoding="utf-8").splitlines():
            method, uri, status, upstream, affinity = line.split(" ", 4)
            entries.append(
                {
                    "method": method,
                    "uri": uri,
                    "status": status,
                    "upstream": upstream.removeprefix("upstream="),
                    "affinity": affinity.removeprefix("affinity="),
                }
            )
        return entries

    def error_log(self) -> str:
        log = self.prefix / "error.log"
        return log.read_text(errors="replace")[-2000:] if log.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # nginx: fast shutdown
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


def new_cookie(url: str) -> str:
    """The affinity cookie nginx gives a browser that has none."""
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as answer:
        headers = answer.headers.get_all("Set-Cookie") or []
    found = [m.group(1) for h in headers if (m := re.match(rf"{COOKIE}=([0-9a-f]+);", h))]
    assert len(found) == 1, f"nginx set no affinity cookie (or several): {headers!r}"
    return found[0]


def get_with_cookie(url: str, cookie: str) -> http.client.HTTPResponse:
    request = urllib.request.Request(f"{url}/_stcore/health", headers={"Cookie": f"{COOKIE}={cookie}"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        again = [h for h in answer.headers.get_all("Set-Cookie") or [] if h.startswith(f"{COOKIE}=")]
        assert not again, "a browser with the cookie must not get another"
        return answer


def upload_status(port: int, cookie: str, length: int, body: bytes | None) -> int:
    """Status of a PUT to Streamlit's upload endpoint through nginx (a body of `length` bytes, or only its header).

    With a valid XSRF cookie and header, so Streamlit reads the whole body before it answers."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=10) as answer:
        xsrf = [
            h.split(";")[0].split("=", 1)[1]
            for h in answer.headers.get_all("Set-Cookie") or []
            if h.startswith("_streamlit_xsrf=")
        ]
    assert xsrf, "Streamlit set no XSRF cookie"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.putrequest("PUT", "/_stcore/upload_file/no-session/no-file")
        connection.putheader("Cookie", f"{COOKIE}={cookie}; _streamlit_xsrf={xsrf[0]}")
        connection.putheader("X-Xsrftoken", xsrf[0])
        connection.putheader("Content-Type", "application/octet-stream")
        connection.putheader("Content-Length", str(length))
        connection.endheaders()
        if body is not None:
            connection.send(body)
        return connection.getresponse().status
    finally:
        connection.close()


def test_two_replicas_behind_nginx_see_each_others_uploads(pg_url, tmp_path):
    binary = nginx_binary()
    gbk_csv = tmp_path / GBK_NAME
    gbk_csv.write_bytes(build(GBK_NAME))
    with ExitStack() as stack:
        replicas = []
        for name in ("a", "b"):  # each replica its own snapshot folder, as on separate machines
            env = {"ANTIFRAUD_DB_URL": pg_url, "ANTIFRAUD_SNAPSHOT_DIR": str(tmp_path / f"snapshots-{name}")}
            server = stack.enter_context(StreamlitServer("dashboard.py", env=env))
            replicas.append(server)
        for server in replicas:
            try:
                server.wait_ready(timeout=STARTUP_SECONDS)
            except ServerError as error:
                pytest.fail(str(error))
        addresses = [f"127.0.0.1:{server.port}" for server in replicas]
        nginx = Nginx(binary, tmp_path / "nginx", addresses)
        stack.callback(nginx.stop)

        # Affinity: every browser gets its own cookie once; all its requests go to one replica;
        # different browsers (from one address, as a whole office behind NAT) spread over both.
        cookies = [new_cookie(nginx.url) for _ in range(16)]
        assert len(set(cookies)) == len(cookies)
        for cookie in cookies:
            for _ in range(3):
                get_with_cookie(nginx.url, cookie)
        served: dict[str, set[str]] = defaultdict(set)
        for entry in nginx.access_log():
            if entry["affinity"] in cookies:
                served[entry["affinity"]].add(entry["upstream"])
        assert all(len(served[cookie]) == 1 for cookie in cookies), served
        by_replica: dict[str, str] = {next(iter(ups)): cookie for cookie, ups in served.items()}
        assert set(by_replica) == set(addresses), f"16 browsers all on one replica: {served}"
        cookie_a, cookie_b = by_replica[addresses[0]], by_replica[addresses[1]]

        # Uploads: up to server.maxUploadSize pass nginx (Streamlit answers, here refusing an unknown
        # session); a larger one is refused by nginx itself (413) before any byte is sent.
        refused = upload_status(nginx.port, cookie_a, 5 << 20, b"x" * (5 << 20))
        assert 400 <= refused < 500 and refused != 413, refused  # Streamlit's own refusal, not nginx's
        assert upload_status(nginx.port, cookie_a, (MAX_UPLOAD_MB << 20) + 1, None) == 413

        with sync_api.sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:

                def browser_on(cookie: str):
                    context = browser.new_context(viewport={"width": 1400, "height": 2000}, locale="zh-CN")
                    context.add_cookies([{"name": COOKIE, "value": cookie, "url": nginx.url}])
                    page = context.new_page()
                    page.set_default_timeout(LOAD_MS)
                    return page

                # Replica B's page, before any upload: the curated figures only (no 北京市).
                viewer = browser_on(cookie_b)
                viewer.goto(f"{nginx.url}/compare?lang=zh")
                expect(viewer.locator("h1").first).to_contain_text("对比", timeout=LOAD_MS)
                chart = viewer.locator(".js-plotly-plot").first
                expect(chart.locator(".main-svg").first).to_be_attached(timeout=LOAD_MS)
                expect(chart).not_to_contain_text("北京市")

                # The upload, through the page that replica A serves (its websocket and upload endpoint via nginx).
                uploader = browser_on(cookie_a)
                uploader.goto(f"{nginx.url}/upload?lang=zh")
                expect(uploader.locator("h1").first).to_contain_text("上传", timeout=LOAD_MS)
                uploader.locator("input[type=file]").first.set_input_files(str(gbk_csv))
                expect(uploader.get_by_text("校验通过", exact=False).first).to_be_visible(timeout=LOAD_MS)
                uploader.get_by_label("上传人（姓名或单位）").fill("北京市反诈中心")
                uploader.get_by_role("button", name="确认保存").click()
                expect(uploader.get_by_text(f"已保存 {GBK_NAME}", exact=False).first).to_be_visible(timeout=LOAD_MS)
                expect(uploader.get_by_test_id("stException")).to_have_count(0)

                # Replica B, not restarted: its next page run shows the upload.
                viewer.reload()
                expect(viewer.locator("h1").first).to_contain_text("对比", timeout=LOAD_MS)
                chart = viewer.locator(".js-plotly-plot").first
                expect(chart).to_contain_text("北京市", timeout=LOAD_MS)
                expect(viewer.get_by_test_id("stException")).to_have_count(0)
            finally:
                browser.close()

        # What went where: each browser's page, websocket and upload on its own replica only.
        log = nginx.access_log()
        streams = {(e["affinity"], e["upstream"], e["status"]) for e in log if e["uri"] == "/_stcore/stream"}
        assert (cookie_b, addresses[1], "101") in streams, streams
        assert (cookie_a, addresses[0], "101") in streams, streams
        uploads = [
            e
            for e in log
            if e["uri"].startswith("/_stcore/upload_file/") and e["method"] == "PUT" and e["status"] in ("200", "204")
        ]
        assert uploads and {e["upstream"] for e in uploads} == {addresses[0]}, uploads
        for cookie, address in ((cookie_a, addresses[0]), (cookie_b, addresses[1])):
            assert {e["upstream"] for e in log if e["affinity"] == cookie and e["status"] != "413"} == {address}
        for server in replicas:
            assert "Traceback" not in server.log(), server.log()[-3000:]
