"""上传数据 · Upload: analysts' regional tables in, validated, previewed, stored on confirmation."""

import streamlit as st

from i18n import t
from ui.data import load_reference
from ui.extract import render_extract
from ui.language import current_lang
from ui.page import ensure_router
from ui.populations import render_population_upload
from ui.upload import render_access, render_flash, render_history, render_templates, render_upload

ensure_router()
lang = current_lang()
st.title(t("upload.title", lang))
st.caption(t("upload.intro", lang))
render_flash()
allowed = render_access(lang)
catalog = load_reference()

render_templates(lang)
st.subheader(t("page.upload", lang))
render_upload(catalog, allowed, lang)
render_population_upload(allowed, lang)
render_extract(allowed, lang)
render_history(allowed, lang)
