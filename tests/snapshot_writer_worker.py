"""A reader that stops for good while it writes the figure snapshot, for the stale-temporary tests.

    python tests/snapshot_writer_worker.py DB_URL

Reads the store's figures (which writes the Arrow snapshot beside the SQLite file) with the Arrow
writer held up after the temporary file is created and locked: prints `writing`, flushed,
then sleeps until killed. The temporary, its lock and the write are the store's own (loaders.storage.snapshot);
only the moment is held, so the test can kill the process exactly mid-write or keep it alive.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import pyarrow.ipc  # noqa: E402

from loaders import store  # noqa: E402

real_new_file = pyarrow.ipc.new_file


def held_new_file(sink, *args, **kwargs):
    writer = real_new_file(sink, *args, **kwargs)
    print("writing", flush=True)
    while True:
        time.sleep(60)
    return writer


pyarrow.ipc.new_file = held_new_file
store.Store(sys.argv[1]).read_figures()
