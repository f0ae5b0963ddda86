"""The baseline app: bare Streamlit with one selectbox and one plotly chart, nothing else.

Run by bench/run.py as `streamlit run bench/bare_app.py`; its cold start and selectbox redraw are
what the dashboard's are measured against.
"""

import plotly.graph_objects as go
import streamlit as st

SERIES = {
    "甘肃": ([2019, 2020, 2021, 2022, 2023], [1820, 1544, 1210, 980, 1102]),
    "百色": ([2019, 2020, 2021, 2022, 2023], [640, 702, 515, 433, 390]),
    "北京": ([2019, 2020, 2021, 2022, 2023], [5210, 4802, 4410, 3980, 3705]),
}

region = st.selectbox("地区", list(SERIES), key="bare_region")
years, cases = SERIES[region]
figure = go.Figure(go.Bar(x=years, y=cases, name=region))
figure.update_layout(title=f"{region} 立案数", height=400)
st.plotly_chart(figure, key="bare_chart")
