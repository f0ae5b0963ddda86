"""反诈数据看板: the router and the frame (page config, language switch, navigation)."""

from ui import warm_up

warm_up.wait()  # serve.py's warm-up imports what this run imports: never two threads importing at once

from pathlib import Path  # noqa: E402

import streamlit as st  # noqa: E402

from charts.pages import PAGES, old_url_paths  # noqa: E402
from i18n import t  # noqa: E402
from ui.language import render_language_switch  # noqa: E402
from ui.page import ensure_router, run_page, settle_memory  # noqa: E402
from ui.provenance import render_about  # noqa: E402

HERE = Path(__file__).resolve().parent
# Shipped, not a Material icon: Streamlit makes browsers fetch a Material page icon from Google's
# font host, and the dashboard makes no request off its own machine (static/build_icon.py draws it).
PAGE_ICON = HERE / "static" / "icon.png"
# Pages written by other parts of the project join the navigation when their script exists.
OPTIONAL_PAGES = [("upload", "pages/upload.py", "page.upload", "upload", ":material/upload_file:")]


def redirect_to(target: st.Page):
    """A page for an old path: it opens `target` with the same query string (the view it named)."""

    def redirect() -> None:
        params = [(key, value) for key in st.query_params for value in st.query_params.get_all(key)]
        st.switch_page(target, query_params=params)

    return redirect


ensure_router()
st.set_page_config(page_title="反诈数据看板 · Anti-fraud dashboard", page_icon=str(PAGE_ICON), layout="wide")
lang = render_language_switch()

pages = [
    st.Page(f"pages/{info.page_id}.py", title=info.title(lang), icon=info.icon, url_path=info.url_path, default=index == 0)
    for index, info in enumerate(PAGES)
]
for _, script, title_key, url_path, icon in OPTIONAL_PAGES:
    if (HERE / script).exists():
        pages.append(st.Page(script, title=t(title_key, lang), icon=icon, url_path=url_path))
# Paths the app once showed (/overview, /fraud-types) open their page, never "Page not found".
by_id = dict(zip((info.page_id for info in PAGES), pages, strict=False))
for path, page_id in old_url_paths().items():
    pages.append(st.Page(redirect_to(by_id[page_id]), title=by_id[page_id].title, url_path=path, visibility="hidden"))

page = st.navigation(pages)
render_about(lang)  # which sources, and whether uploaded figures are included (issue 11.3)
run_page(page, lang)  # an unhandled error reads as a message in the viewer's language, details in the log
settle_memory()  # once per process, after the first complete run
