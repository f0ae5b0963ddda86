"""诈骗类型 Fraud types: the case mix by type (with the derived remainder) beside declines by type."""

import pandas as pd
import streamlit as st

from charts.changes import build_changes_chart, select_changes
from charts.fraud_types import (
    build_type_mix_chart,
    combo_key,
    describe_combo,
    fraud_type_rows,
    mix_combos,
    select_implied_total,
)
from charts.provenance import in_language, text_column
from i18n import format_number, t
from ui.charts import render_chart, render_page_export
from ui.data import per_store
from ui.markdown import escape_markdown
from ui.page import start_page
from ui.params import init_choice, sync_param


def region_names_of(figures: pd.DataFrame, lang: str) -> dict[str, str]:
    """Each region code's name (the last figure's, as dict(zip(codes, names)) gives)."""
    column = text_column("region", lang)
    last = figures[["region_code", column]].drop_duplicates("region_code", keep="last")
    return dict(zip(last["region_code"], last[column], strict=True))


lang, _, catalog = start_page("fraud_types.title", "fraud_types.intro")
# Only the rows this page reads (by type, changes, implied totals), taken once per store version:
# every builder below gives the same result from this slice as from every figure.
figures = per_store("fraud_type_rows", fraud_type_rows)

combos = mix_combos(figures)
mix_keys = [combo_key(r) for _, r in combos.iterrows()]
mix_names = {combo_key(r): describe_combo(r, lang) for _, r in combos.iterrows()}
changes = select_changes(figures, by_type=True)
change_regions = list(dict.fromkeys(changes["region_code"]))
region_names = per_store("region_names_last", region_names_of, lang)

left, right = st.columns(2, gap="large")
with left:
    if mix_keys:
        init_choice("fraud_types_mix", "mix", mix_keys, mix_keys[0])
        st.selectbox(t("fraud_types.region", lang), mix_keys, format_func=mix_names.get, key="fraud_types_mix")
        sync_param("fraud_types_mix", "mix", mix_keys[0])
        key = st.session_state["fraud_types_mix"]
        for _, total in select_implied_total(figures, key).iterrows():
            unit = total[f"unit_{lang}"]
            derived = t("derived.yes", lang)
            st.metric(
                label=escape_markdown(t("fraud_types.implied_total_label", lang, unit=unit, derived=derived)),
                value=escape_markdown(format_number(total["value"], None, total["qualifier"], lang)),
                help=escape_markdown(t("fraud_types.implied_total_help", lang, formula=in_language(total["formula"], total.get("formula_zh", ""), lang))),
                border=True,
            )
            st.caption(escape_markdown(t("fraud_types.implied_total_caption", lang, figure_id=total["figure_id"])))
        render_chart(build_type_mix_chart(figures, lang, catalog, key, "level"), "fraud_types_mix_level")
        render_chart(build_type_mix_chart(figures, lang, catalog, key, "share"), "fraud_types_mix_share")
    else:
        st.info(t("fraud_types.no_mix", lang))
with right:
    if change_regions:
        init_choice("fraud_types_changes", "changes", change_regions, change_regions[0])
        st.selectbox(t("fraud_types.change_region", lang), change_regions, format_func=region_names.get, key="fraud_types_changes")
        sync_param("fraud_types_changes", "changes", change_regions[0])
        st.warning(t("footnote.change_not_share", lang))
        chart = build_changes_chart(
            figures, lang, catalog, region_codes=[st.session_state["fraud_types_changes"]], by_type=True, chart_id="fraud_types_changes", page="fraud_types"
        )
        render_chart(chart, "fraud_types_changes")
    else:
        st.info(t("fraud_types.no_changes", lang))

render_page_export("fraud_types", lang)
