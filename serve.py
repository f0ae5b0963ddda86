"""Start the dashboard: Streamlit's own `streamlit run dashboard.py`, warmed while it starts.

    python serve.py [streamlit run options, e.g. --server.port 8502]

While the server starts and the first browser fetches and boots the page's scripts (about a second
in which the Python process otherwise idles), a background thread imports what the first page run
needs and loads the curated figures into the same caches the pages read (`ui.data`). The first
visitor then finds them ready instead of waiting for them (bench/RESULTS.md, cold_start). A failure
in the warm-up is only logged: the first page run loads again and shows any error to the person.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPT = "dashboard.py"
# What dashboard.py and the first page (overview) import, in the order they import it; python-pptx,
# openpyxl and SQLAlchemy stay unloaded until an export or an upload asks for them.
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


def wait_for_the_server(timeout: float = 60.0) -> None:
    """Until Streamlit's runtime has started (the server answers): warming earlier would only
    slow the server's own start, which competes for the same interpreter."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.runtime import RuntimeState

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Runtime.exists() and Runtime.instance().state != RuntimeState.INITIAL:
            return
        time.sleep(0.02)


def warm_up() -> None:
    """Once the server runs: import the first run's modules and fill the figure and reference caches."""
    import importlib

    try:
        wait_for_the_server()
        for name in FIRST_RUN_MODULES:
            importlib.import_module(name)
        from ui.data import load_figures, load_reference

        load_reference()
        load_figures()
    except Exception:  # noqa: BLE001 - the page's own load reports the error to the person
        logging.getLogger("antifraud.serve").warning("warm-up failed; the first page run loads the data itself", exc_info=True)


def use_the_router_from_the_first_run() -> None:
    """dashboard.py routes with st.navigation; tell Streamlit before its first run.

    With a `pages/` folder beside the main script, Streamlit runs a new server's first script run in
    its legacy multipage mode until some run calls st.navigation; ui.page.ensure_router then
    switches it off and reruns, which cost the first visitor a whole wasted run (~0.35 s). Streamlit
    decides this only while the flag is unset, so setting it here, as st.navigation itself does,
    makes the first run the router's. (ensure_router stays for `streamlit run dashboard.py`.)
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a Streamlit without the legacy mode
        return
    PagesManager.uses_pages_directory = False


def main(argv: list[str]) -> int:
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    threading.Thread(target=warm_up, name="antifraud-warm-up", daemon=True).start()
    use_the_router_from_the_first_run()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(HERE / SCRIPT), *argv]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
