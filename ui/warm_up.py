"""The launcher's warm-up (serve.py), and the first page run's wait for it.

While the server starts and the first browser fetches and boots the page's scripts (about a second
in which the Python process otherwise idles), a background thread imports what the first page run
needs and loads the curated figures into the same caches the pages read (`ui.data`); the first
visitor then finds them ready (bench/RESULTS.md, cold_start).

Two threads must never import the same modules at once: a package with import cycles (pandas,
streamlit itself) can then be seen half-initialised ("module 'streamlit.runtime' has no attribute
'exists'"). So the launcher imports Streamlit before starting the thread, the thread starts only
once Streamlit's runtime runs, and dashboard.py's first statement waits until the thread is done.
A failed warm-up is only logged: the page run then loads the data itself and shows any error.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time

# What dashboard.py and the first page (overview) import; python-pptx, openpyxl and SQLAlchemy stay
# unloaded until an export or an upload asks for them.
FIRST_RUN_MODULES = (
    "pandas",
    "plotly.graph_objects",
    "charts.pages",
    "charts.cards",
    "ui.page",
    "ui.charts",
    "ui.cards",
    "ui.params",
    "ui.export",
)
WAIT_SECONDS = 120.0  # the most a first run waits for a warm-up (it would do the same work itself)

_done = threading.Event()
_started = threading.Event()
log = logging.getLogger("antifraud.serve")


def start() -> threading.Thread:
    """Start the warm-up thread (serve.py, once Streamlit is imported)."""
    _started.set()
    thread = threading.Thread(target=_warm_up_when_the_server_runs, name="antifraud-warm-up", daemon=True)
    thread.start()
    return thread


def wait() -> None:
    """Block until a started warm-up has finished (at once when none was started)."""
    if _started.is_set():
        _done.wait(WAIT_SECONDS)


def wait_for_the_server(timeout: float = 60.0) -> None:
    """Until Streamlit's runtime has started (the server answers): warming earlier would only slow
    the server's own start, which competes for the same interpreter."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.runtime import RuntimeState

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Runtime.exists() and Runtime.instance().state != RuntimeState.INITIAL:
            return
        time.sleep(0.02)


def warm_up() -> None:
    """Import the first run's modules and fill the figure and reference caches."""
    try:
        for name in FIRST_RUN_MODULES:
            importlib.import_module(name)
        from ui.data import load_figures, load_reference

        load_reference()
        load_figures()
    except Exception:  # noqa: BLE001 - the page's own load reports the error to the person
        log.warning("warm-up failed; the first page run loads the data itself", exc_info=True)


def _warm_up_when_the_server_runs() -> None:
    try:
        wait_for_the_server()
        warm_up()
    finally:
        _done.set()
