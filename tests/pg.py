"""A throw-away PostgreSQL cluster for the test session, and the `db_url` fixture of both backends.

Loaded by tests/conftest.py (`pytest_plugins`). The cluster is started lazily, the first time a
test asks for a PostgreSQL database, so `-m "not postgres"` never starts it:

- `initdb` + `pg_ctl` in a fresh folder under the system temp folder, listening on a free port of
  127.0.0.1 only (no Unix socket), password authentication with a random password; fsync off (a
  test cluster: the crash tests kill clients, never the server). Run as the `postgres` user (or
  `nobody`) when the tests run as root, as the caller otherwise.
- A watchdog process stops the cluster and deletes its folder when this pytest process dies,
  even by SIGKILL; the session's end stops it at once.
- Every test gets a fresh database, `CREATE DATABASE ... TEMPLATE` of one made at the start with
  the store's schema (`pg_template`) or of an empty one (`empty_pg_url`), dropped afterwards.

When the cluster cannot start (no PostgreSQL installed, initdb failing) the PostgreSQL tests are
skipped with the reason; under CI (`CI` set to 1/true/yes, as `.ci/run` does, or
`ANTIFRAUD_REQUIRE_POSTGRES=1`) every skipped `postgres` test is reported as a failure instead.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

TEMPLATE = "antifraud_template"
EMPTY_TEMPLATE = "antifraud_empty"
USER = "antifraud"
START_TRIES = 3


def ci_requires_postgres() -> bool:
    """True where a skipped PostgreSQL test must fail the run (CI)."""
    flags = (os.environ.get("CI", ""), os.environ.get("ANTIFRAUD_REQUIRE_POSTGRES", ""))
    return any(flag.strip().lower() in ("1", "true", "yes") for flag in flags)


class ClusterError(RuntimeError):
    """Why the test cluster could not be started."""


def pg_bin_dir() -> Path:
    """The folder of initdb/pg_ctl: `ANTIFRAUD_PG_BIN`, Debian's newest version, or PATH."""
    configured = os.environ.get("ANTIFRAUD_PG_BIN")
    if configured:
        return Path(configured)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise ClusterError("PostgreSQL is not installed (no initdb in /usr/lib/postgresql/*/bin or on PATH); test.sh installs it")


def server_user() -> str | None:
    """The account the server runs as: None (this one) unless we are root, which PostgreSQL refuses."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise ClusterError("running as root and neither a 'postgres' nor a 'nobody' account exists to run the server")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Cluster:
    folder: Path
    bin_dir: Path
    user: str | None
    port: int
    password: str
    watchdog: subprocess.Popen | None = None

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{USER}:{self.password}@127.0.0.1:{self.port}/{database}"

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.user is not None:
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)

    def admin(self):
        """An autocommit psycopg connection to the `postgres` database (CREATE/DROP DATABASE)."""
        import psycopg

        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=USER, password=self.password, dbname="postgres", autocommit=True
        )

    def log_tail(self) -> str:
        log = self.folder / "server.log"
        return log.read_text(errors="replace")[-2000:] if log.exists() else ""

    def stop(self) -> None:
        self.run("pg_ctl", "stop", "-D", str(self.folder / "data"), "-m", "immediate", "-w", timeout=60)
        if self.watchdog is not None and self.watchdog.poll() is None:
            self.watchdog.kill()
            self.watchdog.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def start_cluster() -> Cluster:
    """initdb + pg_ctl start in a new temp folder; raises ClusterError saying why not."""
    bin_dir = pg_bin_dir()
    user = server_user()
    folder = Path(tempfile.mkdtemp(prefix="antifraud-pg-"))
    cluster = Cluster(folder, bin_dir, user, 0, secrets.token_hex(16))
    try:
        (folder / "pwfile").write_text(cluster.password + "\n")
        if user is not None:
            shutil.chown(folder, user=user)
            shutil.chown(folder / "pwfile", user=user)
        folder.chmod(0o700)
        data = folder / "data"
        done = cluster.run(
            "initdb", "-D", str(data), "-U", USER, "--pwfile", str(folder / "pwfile"), "--auth", "scram-sha-256",
            "-E", "UTF8", "--locale", "C", "--no-sync",
        )  # fmt: skip
        if done.returncode != 0:
            raise ClusterError(f"initdb failed: {(done.stderr or done.stdout).strip()[-1500:]}")
        last = ""
        for _ in range(START_TRIES):  # another process may take the free port before the server does
            cluster.port = free_port()
            options = (
                f"-c port={cluster.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
            )
            done = cluster.run(
                "pg_ctl", "start", "-D", str(data), "-l", str(folder / "server.log"), "-w", "-t", "60", "-o", options
            )
            if done.returncode == 0:
                break
            last = (done.stderr or done.stdout).strip() + "\n" + cluster.log_tail()
        else:
            raise ClusterError(f"pg_ctl start failed: {last.strip()[-1500:]}")
        cluster.watchdog = start_watchdog(cluster)
        with cluster.admin() as conn:
            conn.execute(f"CREATE DATABASE {EMPTY_TEMPLATE} TEMPLATE template0")
            conn.execute(f"CREATE DATABASE {TEMPLATE} TEMPLATE {EMPTY_TEMPLATE}")
        return cluster
    except ClusterError:
        cluster.stop()
        raise
    except Exception as error:
        cluster.stop()
        raise ClusterError(f"{type(error).__name__}: {error}") from error


def start_watchdog(cluster: Cluster) -> subprocess.Popen:
    """A process that stops the cluster and removes its folder once this process is gone."""
    script = textwrap.dedent(
        """
        import os, shutil, subprocess, sys, time
        parent, folder, command = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
        while True:
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                break
            time.sleep(2)
        subprocess.run(command, capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)
        """
    )
    stop = [str(cluster.bin_dir / "pg_ctl"), "stop", "-D", str(cluster.folder / "data"), "-m", "immediate"]
    if cluster.user is not None:
        stop = ["runuser", "-u", cluster.user, "--", *stop]
    return subprocess.Popen(
        [sys.executable, "-c", script, str(os.getpid()), str(cluster.folder), *stop],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # not killed with the test run's process group: it must outlive it
    )


# ----- fixtures --------------------------------------------------------------------------------

_names = itertools.count(1)


@pytest.fixture(scope="session")
def pg_cluster() -> Cluster:
    """The session's PostgreSQL cluster (started on first use), or a skip saying why there is none."""
    started = time.monotonic()
    try:
        cluster = start_cluster()
    except ClusterError as error:
        reason = f"PostgreSQL test cluster not started: {error}"
        if ci_requires_postgres():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    try:
        prepare_template(cluster)
    except Exception:
        cluster.stop()
        raise
    sys.stderr.write(f"\n[postgres] test cluster on 127.0.0.1:{cluster.port} ready in {time.monotonic() - started:.1f}s\n")
    yield cluster
    cluster.stop()


def prepare_template(cluster: Cluster) -> None:
    """The store's schema in the template database, made once by the store itself."""
    from loaders import store as store_module

    url = cluster.url(TEMPLATE)
    store_module.Store(url)
    forget_engine(url)


def forget_engine(url: str) -> None:
    """Close the store's pooled connections to `url` (a database about to be dropped or copied)."""
    from loaders import store as store_module

    with store_module._engines_lock:
        engine = store_module._engines.pop(url, None)
    if engine is not None:
        engine.dispose()


def new_database(cluster: Cluster, template: str) -> str:
    name = f"t{os.getpid()}_{next(_names)}"
    with cluster.admin() as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
    return name


def drop_database(cluster: Cluster, name: str) -> None:
    forget_engine(cluster.url(name))
    with cluster.admin() as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def pg_url(pg_cluster) -> str:
    """A fresh PostgreSQL database holding the store's (empty) tables."""
    name = new_database(pg_cluster, TEMPLATE)
    yield pg_cluster.url(name)
    drop_database(pg_cluster, name)


@pytest.fixture
def empty_pg_url(pg_cluster) -> str:
    """A fresh PostgreSQL database without any table (what a new office's server holds)."""
    name = new_database(pg_cluster, EMPTY_TEMPLATE)
    yield pg_cluster.url(name)
    drop_database(pg_cluster, name)


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def db_url(backend, request, tmp_path) -> str:
    """A fresh store database of each backend: a SQLite file in tmp_path, or a new PostgreSQL database."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def db_factory(backend, request, tmp_path):
    """`make(empty=False)`: another fresh database of this test's backend, per call (dropped at the end).

    For PostgreSQL `empty=True` gives one without tables; a new SQLite file is always empty."""
    made: list[str] = []
    files = itertools.count(1)

    def make(empty: bool = False) -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path / f'store{next(files)}.db'}"
        cluster = request.getfixturevalue("pg_cluster")
        name = new_database(cluster, EMPTY_TEMPLATE if empty else TEMPLATE)
        made.append(name)
        return cluster.url(name)

    yield make
    if made:
        cluster = request.getfixturevalue("pg_cluster")
        for name in made:
            drop_database(cluster, name)


@pytest.fixture
def db_env(db_url, monkeypatch) -> str:
    """ANTIFRAUD_DB_URL set to this test's database; its URL."""
    monkeypatch.setenv("ANTIFRAUD_DB_URL", db_url)
    return db_url


# ----- hooks -----------------------------------------------------------------------------------


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "postgres: runs against the session's PostgreSQL test cluster (tests/pg.py)")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.skipped and item.get_closest_marker("postgres") is not None and ci_requires_postgres():
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"a PostgreSQL test was skipped under CI, where it must run: {reason}"
    return report
