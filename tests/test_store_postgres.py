"""What a database server brings to the store: processes and replicas sharing one database, a server
that goes away, text PostgreSQL refuses. Real servers only (tests/pg.py); on both backends wherever
the behaviour is the store's own, on PostgreSQL alone where it is the server's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

import ui.data
from loaders.store import KEY_COLUMNS, Store, StoreError, StoreUnavailableError
from tests.conftest import CORPUS, REPO
from tests.filled_template import filled_template_csv
from tests.pg import free_port
from tests.store_crash_worker import build_figures
from tests.test_store import assert_all_or_none, expect_ready, figure, report_of, snapshots

WORKER = Path(__file__).with_name("store_crash_worker.py")
TIMEOUT = 60


# ----- many processes on one database ------------------------------------------------------------

OPENER = """
import sys, time
from pathlib import Path
from loaders.store import Store
go, urls = Path(sys.argv[1]), sys.argv[2:]
for n, url in enumerate(urls):
    print(f"ready {n}", flush=True)
    while not Path(f"{go}{n}").exists():
        time.sleep(0.001)
    print(f"ok {n} {len(Store(url).list_uploads())}", flush=True)
"""


@pytest.mark.slow
def test_processes_opening_a_new_database_at_once_all_succeed(db_factory, tmp_path):
    """Three processes open each of two empty databases at the same moment: the schema is created
    once, under a lock (on PostgreSQL two creators raced: IntegrityError pg_type_typname_nsp_index;
    without the advisory lock this test failed on its first database)."""
    urls = [db_factory(empty=True) for _ in range(2)]
    go = tmp_path / "go"
    openers = [
        subprocess.Popen(
            [sys.executable, "-c", OPENER, str(go), *urls], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    try:
        for n in range(len(urls)):
            for opener in openers:
                line = opener.stdout.readline().strip()
                assert line == f"ready {n}", (line, opener.communicate(timeout=60)[1][-3000:])
            Path(f"{go}{n}").touch()  # every opener is spinning on this file: they open the database together
            for opener in openers:
                line = opener.stdout.readline().strip()
                assert line == f"ok {n} 0", (line, opener.communicate(timeout=60)[1][-3000:])
    finally:
        for opener in openers:
            if opener.poll() is None:
                opener.kill()
            opener.communicate()
    for url in urls:
        assert Store(url).list_uploads().empty


@pytest.mark.slow
def test_writers_saving_removing_and_restoring_at_once_lose_nothing(db_url, tmp_path):
    """Three processes save conflicting uploads, remove and restore them at once. Afterwards the
    database holds exactly what each was told was done: every upload whole, every act one event in
    its order, each status from the last act, and every slot of an active upload shown."""
    workers_count, rounds, count = 3, 4, 600
    go = tmp_path / "go"
    workers = {
        seed: subprocess.Popen(
            [sys.executable, str(WORKER), db_url, str(count), str(seed), "--churn", str(rounds), "--go", str(go)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in range(1, workers_count + 1)
    }
    try:
        for worker in workers.values():
            expect_ready(worker)
        go.touch()
        outputs = {seed: worker.communicate(timeout=300) for seed, worker in workers.items()}
    finally:
        for worker in workers.values():
            if worker.poll() is None:
                worker.kill()
                worker.communicate()
    acts: dict[str, list[str]] = {}
    for seed, (out, err) in outputs.items():
        assert workers[seed].returncode == 0, err[-3000:]
        for line in out.splitlines():
            act, upload_id = line.split()
            acts.setdefault(upload_id, []).append(act)

    store = Store(db_url)
    assert len(acts) == workers_count * rounds and all(a[0] == "saved" for a in acts.values())
    assert set(assert_all_or_none(db_url).values()) == {count}  # every upload whole
    events = store.read_events()
    assert {u: list(e) for u, e in events.groupby("upload_id", sort=False)["event"]} == acts
    assert store.version() == events.event_id.max()
    uploads = store.list_uploads().set_index("upload_id")
    expected_status = {u: "removed" if a[-1] == "removed" else "active" for u, a in acts.items()}
    assert uploads.status.to_dict() == expected_status
    shown = store.read_figures()
    every_slot = set(build_figures(count, 0, metric_prefix="shared")[KEY_COLUMNS].itertuples(index=False, name=None))
    if "active" in expected_status.values():
        assert set(shown[KEY_COLUMNS].itertuples(index=False, name=None)) == every_slot
        assert set(shown.upload_id) <= {u for u, s in expected_status.items() if s == "active"}
    else:
        assert shown.empty


# ----- replicas: another process's writes are seen here ------------------------------------------

OTHER_PROCESS = """
import sys
sys.path.insert(0, ".")
from loaders.store import Store
from tests.store_crash_worker import Report, build_figures
store = Store(sys.argv[1])
print("ready", flush=True)
for line in sys.stdin:
    act, arg = line.split()
    if act == "save":
        print(store.save_upload(Report(build_figures(50, int(arg))), f"other {arg}".encode(), "o.csv", "other"), flush=True)
    elif act == "remove":
        print(store.remove_upload(arg, "other"), flush=True)
    elif act == "restore":
        print(store.restore_upload(arg, "other"), flush=True)
"""


@pytest.fixture
def other_process(db_env):
    """Another process (a second replica) on this test's database: `ask("save 7")` → its answer."""
    process = subprocess.Popen(
        [sys.executable, "-c", OTHER_PROCESS, db_env],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    expect_ready(process)

    def ask(command: str) -> str:
        process.stdin.write(command + "\n")
        process.stdin.flush()
        answer = process.stdout.readline().strip()
        assert answer, process.communicate(timeout=30)[1][-3000:]
        return answer

    yield ask
    process.stdin.close()
    process.wait(timeout=30)


def test_another_replicas_upload_removal_and_restore_are_seen_at_the_next_read(db_env, other_process):
    """What ui/data.py does on every page run: the store version moved → the figures are read again.
    Both this process's snapshot and the frame cached by version must follow every act."""
    ui.data.clear_data_cache()
    here = Store(db_env)
    curated = len(ui.data.load_figures())
    here.save_upload(report_of(figure()), b"here", "a.csv", "li")
    seen = [ui.data.store_key()[1]]

    def moved() -> pd.DataFrame:
        version = ui.data.store_key()[1]
        assert version > seen[-1]
        seen.append(version)
        frame = here.read_figures()
        assert len(ui.data.load_figures()) == curated + len(frame)
        return frame

    assert len(here.read_figures()) == 1  # writes this process's snapshot of that state
    upload_id = other_process("save 7")
    after_save = moved()
    assert (after_save.upload_id == upload_id).sum() == 50
    assert other_process(f"remove {upload_id}") == "True"
    assert upload_id not in set(moved().upload_id)
    assert other_process(f"restore {upload_id}") == "True"
    restored = moved()
    pd.testing.assert_frame_equal(restored, after_save, check_exact=True)
    assert len(snapshots(here)) == 1
    ui.data.clear_data_cache()


def test_a_snapshot_written_by_one_replica_is_never_stale_for_another(db_url, tmp_path, monkeypatch):
    """Two replicas with snapshot folders of their own or one shared folder: after any write, each
    reads what the database holds (the key is the last event, read in the figures' transaction)."""
    first = Store(db_url)
    first.save_upload(report_of(figure()), b"one", "a.csv", "li")
    expected = first.read_figures()
    other = subprocess.run(
        [sys.executable, str(WORKER), db_url, "40", "11"], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert other.returncode == 0, other.stderr[-3000:]
    for folder in (None, tmp_path / "replica-b"):  # shared, then one of its own
        if folder is not None:
            monkeypatch.setenv("ANTIFRAUD_SNAPSHOT_DIR", str(folder))
        now = Store(db_url).read_figures()
        assert len(now) == len(expected) + 40
        pd.testing.assert_frame_equal(now, Store(db_url).read_figures(), check_exact=True)  # from the snapshot


# ----- a server that goes away ------------------------------------------------------------------


@pytest.fixture
def dead_url(monkeypatch) -> str:
    """A PostgreSQL URL where no server listens (what a stopped server looks like to the store)."""
    url = f"postgresql+psycopg://antifraud:s3cret-pw@127.0.0.1:{free_port()}/gone"
    monkeypatch.setenv("ANTIFRAUD_DB_URL", url)
    ui.data.clear_data_cache()
    yield url
    ui.data.clear_data_cache()


@pytest.mark.postgres
def test_a_stopped_server_is_one_clear_error_without_the_password(dead_url):
    with pytest.raises(StoreUnavailableError) as raised:
        Store(dead_url)
    for lang in ("zh", "en"):
        text = raised.value.text(lang)
        assert "\n" not in text and "s3cret-pw" not in text and "127.0.0.1" in text
    assert "无法连接上传数据库" in raised.value.text("zh")


@pytest.mark.postgres
@pytest.mark.parametrize("page", ["pages/overview.py", "pages/sources.py"])
def test_pages_show_the_curated_figures_under_a_notice_while_the_server_is_down(dead_url, page):
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=TIMEOUT).run()
    if page != "pages/overview.py":
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("上传数据库暂时无法连接" in w.value for w in at.warning)
    curated = ui.data.load_figures()
    assert len(curated) and (curated.upload_id == "").all()


@pytest.mark.postgres
def test_the_upload_page_refuses_to_save_while_the_server_is_down(dead_url):
    at = AppTest.from_file(str(REPO / "pages" / "upload.py"), default_timeout=TIMEOUT).run()
    at.get("file_uploader")[0].set_value(("模板.csv", filled_template_csv(), "text/csv"))
    at = at.run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.error]
    assert any("上传数据库暂时无法连接，文件未保存" in e for e in errors), errors
    assert any("无法列出或管理已上传的文件" in e for e in errors), errors
    assert not any(b.key == "upload_confirm" for b in at.get("button"))


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("args", "stream"), [(("figures",), "stderr"), (("import", "A01_valid_baseline_utf8.csv", "--yes"), "stdout")]
)
def test_the_cli_says_the_server_is_down_in_one_line(dead_url, args, stream):
    args = tuple(str(CORPUS / "generated" / a) if a.endswith(".csv") else a for a in args)
    done = subprocess.run(
        [sys.executable, "-m", "loaders", *args], cwd=REPO, env={**os.environ}, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    last = getattr(done, stream).strip().splitlines()[-1]
    assert "无法连接上传数据库" in last and "s3cret-pw" not in last, last
    if stream == "stdout":
        assert done.stderr == "" and last.startswith("未保存：")


@pytest.mark.postgres
def test_connections_the_server_dropped_are_replaced_before_use(pg_url):
    """A restarted or failed-over server drops every connection; the next page must not fail."""
    store = Store(pg_url)
    store.save_upload(report_of(figure()), b"x", "a.csv", "li")
    assert len(store.read_figures()) == 1
    engine = sa.create_engine(pg_url)
    with engine.connect() as admin:
        dropped = admin.exec_driver_sql(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).scalar()
    engine.dispose()
    assert dropped >= 1  # the store's pooled connection
    assert len(store.read_figures()) == 1 and store.version() == 1


# ----- text PostgreSQL cannot store ------------------------------------------------------------


@pytest.fixture
def store(db_url) -> Store:
    return Store(db_url)


@pytest.mark.parametrize("act", ["save", "remove", "restore"])
def test_a_nul_character_in_a_name_is_refused_with_a_message(store, act):
    upload_id = store.save_upload(report_of(figure()), b"x", "a.csv", "li")
    before = store.read_events()
    with pytest.raises(StoreError) as raised:
        if act == "save":
            store.save_upload(report_of(figure(region_code="120000")), b"y", "b.csv", "张\x00三")
        elif act == "remove":
            store.remove_upload(upload_id, "管理\x00员")
        else:
            store.remove_upload(upload_id, "li")
            before = store.read_events()
            store.restore_upload(upload_id, "管理\x00员")
    assert "空字符" in raised.value.text("zh") and "NUL" in raised.value.text("en")
    assert "INSERT" not in str(raised.value) and "\n" not in raised.value.text("zh")
    pd.testing.assert_frame_equal(store.read_events(), before)


def test_a_nul_character_in_a_figure_never_reaches_the_database(store):
    """Figure texts pass loaders.labels.clean_label at the store's boundary (the checker already refuses
    control characters in cells): the NUL is dropped, never sent to the server, which would refuse it."""
    store.save_upload(report_of(figure(evidence="立案\x00数")), b"y", "b.csv", "li")
    assert list(store.read_figures()["evidence"]) == ["立案数"]


def test_the_engine_hides_stored_values_in_driver_errors(store):
    assert store.engine.hide_parameters
    if store.engine.dialect.name == "postgresql":
        assert store.engine.pool._pre_ping
