"""Start the dashboard: Streamlit's own `streamlit run dashboard.py`, warmed while it starts.

    python serve.py [streamlit run options, e.g. --server.port 8502]

Two things make the first visitor's page come sooner (bench/RESULTS.md, cold_start):
- a warm-up thread imports what the first page run needs and fills the figure caches while the
  browser boots the page (ui/warm_up.py);
- Streamlit is told before its first run that dashboard.py routes with st.navigation, so that run
  is not spent in its legacy `pages/` mode (see use_the_router_from_the_first_run).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPT = "dashboard.py"


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
    # Streamlit (and what the warm-up thread reads of it) is imported here, before the thread starts.
    import streamlit.runtime.runtime  # noqa: F401
    from streamlit.web import cli

    from ui import warm_up

    use_the_router_from_the_first_run()
    warm_up.start()
    sys.argv = ["streamlit", "run", str(HERE / SCRIPT), *argv]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
