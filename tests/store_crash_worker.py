"""A process that saves one large synthetic upload, for the store's crash and concurrency tests.

    python tests/store_crash_worker.py DB_URL FIGURES SEED [--go FILE]
    python tests/store_crash_worker.py DB_URL FIGURES --serve
    python tests/store_crash_worker.py DB_URL FIGURES SEED --churn ROUNDS --go FILE

Prints one line per step, flushed, so the test knows where a kill landed:
`ready` (waiting for the go file), `go <t>` (about to save), `begin <t>` (inside the transaction, before the first figure),
`chunk <done> <t>` (after each chunk), `committed <upload_id> <t>` (save returned).
With `--go FILE` the worker waits for FILE to exist before saving (to start two at once), and
exits with status 3 if it does not appear within GO_WAIT_SECONDS.

With `--serve` the worker imports once, then for each line `save SEED` read on stdin forks a
child that prints `child <pid>` and saves as above; on the next line (`reap`) the parent waits for
the child and prints `exit <code>` (`exit -9` when it was killed by SIGKILL). The crash test kills the children: each is a
process saving on its own connection, and no round pays for a Python start-up.

With `--churn ROUNDS` the worker, once the go file exists, does ROUNDS times: save an upload on
keys shared by every churn worker (so their saves conflict), remove one of its own uploads, and
mostly restore it; it prints `saved|removed|restored <upload_id>` after each act returns, so the test
can hold the database to exactly what every worker was told was done.

The figure builder and report stand-in are imported by the tests too, so the test knows what
a given seed saves (its bytes' sha256, its figure count) without talking to the worker.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from loaders.model import FIGURE_COLUMNS  # noqa: E402

GO_WAIT_SECONDS = 120


@dataclass
class Report:
    """The part of `loaders.tables.CheckReport` the store reads."""

    figures: pd.DataFrame
    status: str = "accepted"
    encoding: str | None = "utf-8"
    sheet: str | None = None
    rows: int = 0
    messages: list = field(default_factory=list)
    new_metrics: list[dict] = field(default_factory=list)


def build_figures(count: int, seed: int, regions: int = 300, metric_prefix: str | None = None) -> pd.DataFrame:
    """`count` figures with keys unique to `seed` (so seeds never conflict), values from the seed.

    With `metric_prefix` the keys are the same for every seed (metric `<prefix>_<n>`): uploads conflict."""
    rng = np.random.default_rng(seed)
    index = np.arange(count)
    frame = pd.DataFrame({c: [""] * count for c in FIGURE_COLUMNS})
    frame["figure_id"] = [f"w{seed}-{i:03d}" for i in index]
    frame["fact_id"] = frame["figure_id"]
    frame["source_id"] = "upload"
    frame["region_code"] = [str(110000 + 100 * int(r)) for r in index % regions]
    frame["period_start"] = "2024-01-01"
    frame["period_end"] = "2024-12-31"
    frame["period_text"] = "2024年"
    frame["agency_id"] = "public_security"
    frame["category"] = "outcome"
    prefix = metric_prefix or f"worker_{seed}"
    frame["metric_id"] = [f"{prefix}_{int(m)}" for m in index // regions]
    frame["measure"] = "level"
    frame["value"] = rng.integers(0, 10**7, count) / 10
    frame["unit"] = "cases"
    frame["qualifier"] = "exact"
    frame["evidence"] = "立案数"
    frame["metric_zh"] = "立案数"
    frame["metric_en"] = "Cases filed"
    frame["source_row"] = index // regions + 2
    return frame


def data_for(seed: int) -> bytes:
    """The 'file' a seed uploads: distinct bytes per seed."""
    return f"store worker upload, seed {seed}\n".encode() * 64


def save(url: str, count: int, seed: int, go: Path | None = None) -> int:
    from loaders.store import Store

    store = Store(url)
    report = Report(build_figures(count, seed), rows=count)
    data = data_for(seed)
    if go is not None:
        print("ready", flush=True)
        deadline = time.monotonic() + GO_WAIT_SECONDS
        while not go.exists():
            if time.monotonic() > deadline:  # the test gave up: never linger
                return 3
            time.sleep(0.005)
    print(f"go {time.time():.6f}", flush=True)

    def progress(done: int, total: int) -> None:
        if done == 0:
            print(f"begin {time.time():.6f}", flush=True)
        else:
            print(f"chunk {done} {time.time():.6f}", flush=True)

    upload_id = store.save_upload(report, data, f"worker-{seed}.csv", f"worker {seed}", progress=progress)
    print(f"committed {upload_id} {time.time():.6f}", flush=True)
    return 0


def wait_for(go: Path) -> bool:
    print("ready", flush=True)
    deadline = time.monotonic() + GO_WAIT_SECONDS
    while not go.exists():
        if time.monotonic() > deadline:  # the test gave up: never linger
            return False
        time.sleep(0.005)
    return True


def churn(url: str, count: int, seed: int, rounds: int, go: Path) -> int:
    """Save, remove and restore uploads on shared keys (see the module's doc)."""
    import random

    from loaders.store import Store

    store = Store(url)
    rng = random.Random(seed)
    reports = [Report(build_figures(count, seed * 100 + r, metric_prefix="shared"), rows=count) for r in range(rounds)]
    if not wait_for(go):
        return 3
    mine: list[str] = []
    who = f"worker {seed}"
    for r, report in enumerate(reports):
        choice = rng.choice(["new", "existing"])
        upload_id = store.save_upload(report, data_for(seed * 100 + r), f"churn-{seed}-{r}.csv", who, replace={"*": choice})
        print(f"saved {upload_id}", flush=True)
        mine.append(upload_id)
        victim = rng.choice(mine)
        if store.remove_upload(victim, who):
            print(f"removed {victim}", flush=True)
        if rng.random() < 0.7 and store.restore_upload(victim, who):
            print(f"restored {victim}", flush=True)
    return 0


def serve(url: str, count: int) -> int:
    """Fork one saving child per `save SEED` line; the parent never opens the database."""
    import loaders.store  # noqa: F401  (imported once, before any fork)

    print("ready", flush=True)
    for line in sys.stdin:
        if not line.startswith("save"):
            continue
        seed = int(line.split()[1])
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                print(f"child {os.getpid()}", flush=True)
                code = save(url, count, seed)
            finally:
                sys.stdout.flush()
                os._exit(code)
        # Reap only when told: until then the child's pid cannot be reused, so the test's
        # SIGKILL can only reach this child (running, or finished and waiting as a zombie).
        sys.stdin.readline()
        _, status = os.waitpid(pid, 0)
        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        print(f"exit {code}", flush=True)
    return 0


def main(argv: list[str]) -> int:
    url, count = argv[0], int(argv[1])
    if "--serve" in argv:
        return serve(url, count)
    go = Path(argv[argv.index("--go") + 1]) if "--go" in argv else None
    if "--churn" in argv:
        return churn(url, count, int(argv[2]), int(argv[argv.index("--churn") + 1]), go)
    return save(url, count, int(argv[2]), go)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
