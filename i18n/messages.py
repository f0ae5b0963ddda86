"""The message catalogue: one key, one Chinese and one English text.

Placeholders use str.format names ({region}); both languages of a key take the same names.
"""

from __future__ import annotations

from i18n.extract import EXTRACT_MESSAGES
from i18n.regions import REGIONS_MESSAGES
from i18n.trends import TRENDS_MESSAGES
from i18n.upload import UPLOAD_MESSAGES

LANGUAGES = {"zh": "中文", "en": "English"}

MESSAGES: dict[str, dict[str, str]] = {
    # The frame
    "app.title": {"zh": "反诈数据看板", "en": "Anti-fraud statistics dashboard"},
    "app.language": {"zh": "语言 / Language", "en": "Language / 语言"},
    "app.uploads_unavailable": {
        "zh": "上传数据库暂时无法连接：本页只显示整理好的公开数据，不含各地上传的数字。请稍后刷新，或联系管理员。",
        "en": "The upload database cannot be reached: this page shows the curated figures only, without uploaded "
        "ones. Reload later or contact the administrator.",
    },
    "app.load_error": {
        "zh": "数据无法加载：{error}",
        "en": "The data could not be loaded: {error}",
    },
    "page.overview": {"zh": "概览", "en": "Overview"},
    "page.crackdown": {"zh": "断卡行动", "en": "Gansu crackdown"},
    "page.fraud_types": {"zh": "诈骗类型", "en": "Fraud types"},
    "page.compare": {"zh": "地区对比", "en": "Compare regions"},
    "page.sources": {"zh": "数据来源", "en": "Sources"},
    "page.upload": {"zh": "上传数据", "en": "Upload data"},
    # Words used everywhere
    "list.separator": {"zh": "、", "en": ", "},
    "source.line": {"zh": "数据来源：{citations}", "en": "Source: {citations}"},
    "source.separator": {"zh": "；", "en": "; "},
    "source.upload": {"zh": "上传数据（来源 {source}，上传编号 {upload}）", "en": "Uploaded data (source {source}, upload {upload})"},
    "period.range": {"zh": "{start}至{end}", "en": "{start} to {end}"},
    "period.until": {"zh": "截至{end}", "en": "up to {end}"},
    "period.unknown": {"zh": "期间未说明", "en": "period not stated"},
    "direction.increase": {"zh": "上升", "en": "up"},
    "direction.decrease": {"zh": "下降", "en": "down"},
    "basis.yoy": {"zh": "同比", "en": "year on year"},
    "basis.mom": {"zh": "环比", "en": "on the period before"},
    "basis.before_after": {"zh": "行动前后对比", "en": "before vs after"},
    "qualifier.exact": {"zh": "确数", "en": "exact"},
    "qualifier.at_least": {"zh": "下限（余/多/过）", "en": "lower bound (over)"},
    "qualifier.about": {"zh": "约数", "en": "approximate"},
    "qualifier.less_than": {"zh": "上限（不足）", "en": "upper bound (under)"},
    "measure.level": {"zh": "数值", "en": "level"},
    "measure.change": {"zh": "变化", "en": "change"},
    "measure.share": {"zh": "占比", "en": "share"},
    "phase.before": {"zh": "行动前", "en": "before"},
    "phase.after": {"zh": "目前", "en": "now"},
    "category.enforcement": {"zh": "打击整治", "en": "Enforcement"},
    "category.prevention": {"zh": "预警防范", "en": "Prevention"},
    "category.financial_control": {"zh": "金融管控", "en": "Financial controls"},
    "category.telecom_control": {"zh": "通信管控", "en": "Telecom controls"},
    "category.publicity": {"zh": "宣传教育", "en": "Publicity"},
    "category.outcome": {"zh": "成效", "en": "Outcomes"},
    "category.fraud_type": {"zh": "诈骗类型", "en": "Fraud types"},
    "derived.yes": {"zh": "推算", "en": "derived"},
    "derived.no": {"zh": "原文", "en": "reported"},
    # Footnotes under charts
    "footnote.at_least": {
        "zh": "{symbol} 表示下限：原文为“余”“多”“过”“突破”等，实际数不少于此数。",
        "en": "{symbol} marks a lower bound: the source says “over”/“more than”; the true number is at least this.",
    },
    "footnote.about": {
        "zh": "{symbol} 表示约数：原文为“约”，或由四舍五入的数字推算。",
        "en": "{symbol} marks an approximate number: the source says “about”, or it is derived from rounded figures.",
    },
    "footnote.less_than": {
        "zh": "{symbol} 表示上限：原文为“不足”，实际数小于此数。",
        "en": "{symbol} marks an upper bound: the source says “under”; the true number is below this.",
    },
    "footnote.derived": {
        "zh": "推算 {label}：{formula}",
        "en": "Derived {label}: {formula}",
    },
    "footnote.log_axis": {
        "zh": "数值跨越多个数量级，横轴为对数坐标：每一格是前一格的10倍。",
        "en": "The values span several orders of magnitude, so the axis is logarithmic: each step is ten times the last.",
    },
    "footnote.change_not_share": {
        "zh": "这些是各类诈骗较行动前的环比变化，不是占比，不能相加。",
        "en": "These are changes against the period before the operation, not shares; they do not add up.",
    },
    "footnote.not_rescaled": {
        "zh": "“其他类型”为推算的余数；各类占比按原文，未重新缩放到100%。",
        "en": "“Other types” is the derived remainder; the shares are as stated, not rescaled to 100%.",
    },
    "footnote.bounds": {
        "zh": "原文只给出范围（如“100余张”“不足10张”）：浅色竖条是可能的取值范围，≥ 的竖条向上开放，< 的竖条不含上端，都不是确数。",
        "en": "The source gives ranges only (such as “over 100” and “under 10”): the pale bars are the possible values, open upwards for ≥ and excluding the top for <; neither is an exact number.",
    },
    "footnote.same_fact": {
        "zh": "“{repeat}”与“{first}”是同一事实（由不同单位重复报告），只画一次，不相加。",
        "en": "“{repeat}” is the same fact as “{first}” (reported again by another agency); drawn once, never summed.",
    },
    "footnote.colour": {
        "zh": "绿色表示向好（如发案、损失下降），红色表示变差，灰色表示无好坏之分。",
        "en": "Green is good news (e.g. fewer cases or lower losses), red is bad news, grey is neither.",
    },
    "footnote.implied_total": {
        "zh": "推算发案总数 {value}：{formula}",
        "en": "Implied total of fraud cases {value}: {formula}",
    },
    "footnote.uploaded": {
        "zh": "标“（上传）”的数字由分析员上传，不是发布会原文；悬停可见其文件和行。",
        "en": "Figures marked “(uploaded)” were uploaded by analysts, not taken from the press-conference text; hover to see their file and row.",
    },
    "footnote.pattern": {
        "zh": "带斜线的条为下限或约数。",
        "en": "Hatched bars are lower bounds or approximate.",
    },
    # Chart words
    "chart.value": {"zh": "数值", "en": "Value"},
    "chart.log_axis": {"zh": "{unit}（对数坐标）", "en": "{unit} (log scale)"},
    "chart.count_axis": {"zh": "数量（对数坐标；各条单位见标签）", "en": "Count (log scale; each bar's unit in its label)"},
    "chart.change_axis": {"zh": "变化（%）", "en": "Change (%)"},
    "chart.change_axis_basis": {"zh": "{basis}变化（%）", "en": "% change {basis}"},
    "chart.share_axis": {"zh": "占全部发案的比例（%）", "en": "Share of all fraud cases (%)"},
    "chart.cases_axis": {"zh": "发案数（起）", "en": "Fraud cases"},
    "chart.hover.figure": {"zh": "编号：{figure_id}", "en": "Figure: {figure_id}"},
    "chart.hover.evidence": {"zh": "原文：{evidence}", "en": "Source text: {evidence}"},
    "chart.hover.period": {"zh": "期间：{period}", "en": "Period: {period}"},
    "chart.hover.agency": {"zh": "发布单位：{agency}", "en": "Reported by: {agency}"},
    "chart.hover.derived": {"zh": "推算值：{formula}", "en": "Derived: {formula}"},
    "chart.hover.uploaded": {
        "zh": "上传的数据（不是发布会原文）：{evidence}",
        "en": "Uploaded figure (not from the press-conference text): {evidence}",
    },
    "chart.uploaded_label": {"zh": "{label}（上传）", "en": "{label} (uploaded)"},
    "chart.label_quote": {"zh": "“{evidence}”", "en": "“{evidence}”"},
    "chart.no_data": {"zh": "没有可绘制的数据。", "en": "No data to plot."},
    "chart.show_data": {"zh": "查看图表数据", "en": "Show the chart's data"},
    "chart.column.figure_id": {"zh": "编号", "en": "Figure"},
    "chart.column.label": {"zh": "项目", "en": "Item"},
    "chart.column.region": {"zh": "地区", "en": "Region"},
    "chart.column.period": {"zh": "期间", "en": "Period"},
    "chart.column.value": {"zh": "原文数值", "en": "Stated value"},
    "chart.column.unit": {"zh": "单位", "en": "Unit"},
    "chart.column.qualifier": {"zh": "限定", "en": "Qualifier"},
    "chart.column.shown": {"zh": "显示为", "en": "Shown as"},
    "chart.column.plotted": {"zh": "绘图值", "en": "Plotted value"},
    "chart.column.derived": {"zh": "推算", "en": "Derived"},
    "chart.column.formula": {"zh": "公式", "en": "Formula"},
    "chart.column.evidence": {"zh": "原文", "en": "Source text"},
    # Overview
    "overview.title": {"zh": "概览：反诈工作主要数据", "en": "Overview: the main anti-fraud figures"},
    "overview.intro": {
        "zh": "各地区、各期间的主要数据。“≥”为下限，“≈”为约数，“<”为上限；绿色表示向好（如发案、损失下降）。",
        "en": "Main figures by region and period. “≥” is a lower bound, “≈” approximate, “<” an upper bound; green means good news (e.g. fewer cases or losses).",
    },
    "overview.regions": {"zh": "地区", "en": "Regions"},
    "overview.show_all": {"zh": "显示全部数据", "en": "Show every figure"},
    "overview.period_heading": {"zh": "{region} · {period}", "en": "{region} · {period}"},
    "overview.source_heading": {"zh": "谁在何时发布了什么", "en": "Who reported what, and when"},
    "overview.source_line": {
        "zh": "{producer}于{date}发布《{title}》：{region}{count}项数据，涉及{agencies}，期间{periods}。",
        "en": "{citation}: {count} figures for {region} reported by {agencies}, covering {periods}.",
    },
    "overview.upload_line": {
        "zh": "上传数据 {upload}：{region}{count}项数据（来源 {source}）。",
        "en": "Upload {upload}: {count} figures for {region} (source {source}).",
    },
    "overview.changes_title": {"zh": "同比、环比变化", "en": "Changes year on year and period on period"},
    "overview.card_help": {"zh": "原文：{evidence}\n\n期间：{period}\n\n编号：{figure_id}", "en": "Source text: {evidence}\n\nPeriod: {period}\n\nFigure: {figure_id}"},
    "overview.card_note": {"zh": "备注：{note}", "en": "Note: {note}"},
    "overview.no_regions": {"zh": "请至少选择一个地区。", "en": "Choose at least one region."},
    # Crackdown
    "crackdown.title": {"zh": "甘肃“断卡”行动成果", "en": "Gansu's card crackdown (断卡) results"},
    "crackdown.intro": {
        "zh": "按发布单位和工作类别列出行动成果。各项数字的单位不同、大小相差悬殊（从54处窝点到1.2亿次来电），因此按类别分图并使用对数坐标。",
        "en": "Results by reporting agency and kind of work. Units differ and sizes range from 54 dens to 120 million calls, so each kind has its own chart on a log scale.",
    },
    "crackdown.source": {"zh": "发布会", "en": "Press conference"},
    "crackdown.categories": {"zh": "工作类别", "en": "Kinds of work"},
    "crackdown.results_title": {"zh": "行动成果：{category}", "en": "Results: {category}"},
    "crackdown.cards_title": {"zh": "每日涉案电话卡数量：行动前后", "en": "Case-linked phone cards per day: before and after"},
    "crackdown.declines_title": {"zh": "电诈发案较行动前的环比变化（按诈骗类型）", "en": "Fraud cases against the period before the operation, by fraud type"},
    "crackdown.all_fraud": {"zh": "全部电诈发案", "en": "All telecom fraud cases"},
    "crackdown.streaks": {"zh": "连续未发案：{items}", "en": "Days without a case: {items}"},
    "crackdown.no_source": {"zh": "没有可显示的行动数据。", "en": "No operation data to show."},
    "crackdown.policies": {"zh": "配套惩戒措施", "en": "Penalties announced"},
    "crackdown.bound_before": {"zh": "行动前：不少于100张/天", "en": "Before: at least 100 a day"},
    # Fraud types
    "fraud_types.title": {"zh": "诈骗类型", "en": "Fraud types"},
    "fraud_types.intro": {
        "zh": "左：各类诈骗的发案数与占比，“其他类型”为按原文推算的余数；右：各类诈骗较行动前的环比变化（不是占比）。",
        "en": "Left: cases and shares by fraud type, with “other types” as the remainder derived from the stated figures. Right: changes against the period before an operation (not shares).",
    },
    "fraud_types.region": {"zh": "发案结构（地区与期间）", "en": "Case mix (region and period)"},
    "fraud_types.change_region": {"zh": "变化（地区与期间）", "en": "Changes (region and period)"},
    "fraud_types.counts_title": {"zh": "各类诈骗发案数", "en": "Fraud cases by type"},
    "fraud_types.shares_title": {"zh": "各类诈骗发案占比", "en": "Share of fraud cases by type"},
    "fraud_types.implied_total": {"zh": "推算发案总数", "en": "Implied total of fraud cases"},
    "fraud_types.implied_total_label": {"zh": "推算发案总数（{unit}，{derived}）", "en": "Implied total of fraud cases ({unit}, {derived})"},
    "fraud_types.implied_total_help": {"zh": "原文未给出总数，由各类发案数÷占比推算：{formula}", "en": "The source gives no total; derived as count ÷ share for each type: {formula}"},
    "fraud_types.implied_total_caption": {
        "zh": "原文未给出发案总数；此数由各类发案数÷占比推算，公式见图下注释。",
        "en": "The source states no total; this is derived as count ÷ share of each type; the formula is under the charts.",
    },
    "fraud_types.no_mix": {"zh": "没有按类型列出的发案数与占比。", "en": "No fraud cases by type with shares."},
    "fraud_types.no_changes": {"zh": "没有按类型列出的变化。", "en": "No changes by fraud type."},
    # Compare
    "compare.title": {"zh": "地区与年度对比", "en": "Compare regions and years"},
    "compare.intro": {
        "zh": "两个及以上地区或期间都报告过的指标。可切换为绝对数、每10万常住人口、每30天（按各自报告期长度折算）。",
        "en": "Metrics reported by two or more regions or periods, as absolute values, per 100,000 residents, or per 30 days of each reporting period.",
    },
    "compare.regions": {"zh": "地区", "en": "Regions"},
    "compare.periods": {"zh": "期间", "en": "Periods"},
    "compare.pairs_help": {
        "zh": "对比所选地区在所选期间内已报告的数据（某地区没有某期间的数据则不显示）。",
        "en": "Compares the chosen regions in the chosen periods wherever a region reported that period.",
    },
    "compare.metrics": {"zh": "指标", "en": "Metrics"},
    "compare.mode": {"zh": "口径", "en": "Measure"},
    "compare.mode.absolute": {"zh": "绝对数", "en": "Absolute"},
    "compare.mode.per_100k": {"zh": "每10万人", "en": "Per 100,000 residents"},
    "compare.mode.per_30_days": {"zh": "每30天", "en": "Per 30 days"},
    "compare.chart_title": {"zh": "共同指标对比（{mode}）", "en": "Shared metrics ({mode})"},
    "compare.axis.absolute": {"zh": "{unit}", "en": "{unit}"},
    "compare.axis.per_100k": {"zh": "{unit}/10万人", "en": "{unit} per 100,000 residents"},
    "compare.axis.per_30_days": {"zh": "{unit}/30天", "en": "{unit} per 30 days"},
    "compare.none": {"zh": "目前没有两个及以上地区或期间共同报告的指标。", "en": "No metric is reported by two or more regions or periods yet."},
    "compare.caveats": {"zh": "对比前请注意", "en": "Before comparing, note"},
    "compare.caveat.period_length": {"zh": "报告期长度不同：{items}。", "en": "Reporting periods differ in length: {items}."},
    "compare.caveat.period_item": {"zh": "{combo}为{days}天", "en": "{combo} {days} days"},
    "compare.caveat.levels": {"zh": "行政级别不同：{items}。全国、省级与地市级的人口和体量不可直接相比。", "en": "Levels of government differ: {items}. The whole country, a province and a city differ in size."},
    "compare.caveat.level_item": {"zh": "{region}为{level}", "en": "{region} is a {level}"},
    "compare.caveat.bases": {"zh": "变化的基准不同：{items}。同比与环比不能直接相比。", "en": "Changes use different bases: {items}. Year-on-year and period-on-period changes are not comparable."},
    "compare.caveat.basis_item": {"zh": "{region}用{basis}", "en": "{region} uses {basis}"},
    "compare.caveat.bounds": {"zh": "以下为下限或约数，实际值可能更大或不同：{items}。", "en": "These are lower bounds or approximate; the true values may be larger or different: {items}."},
    "compare.caveat.definitions": {"zh": "口径说明（原文与备注）：", "en": "Definitions (source text and notes):"},
    "compare.formula.days": {"zh": "{days}天", "en": "{days} days"},
    "compare.caveat.definition_item": {"zh": "{region}“{metric}”：原文“{evidence}”。备注：{note}", "en": "{region} “{metric}”: source text “{evidence}”. Note: {note}"},
    "compare.caveat.same_region_agencies": {"zh": "{region}的“{metric}”由不同单位分别报告（{agencies}），分别列出，不相加。", "en": "{region}'s “{metric}” is reported separately by {agencies}; shown apart, never summed."},
    "compare.caveat.no_population": {"zh": "以下地区没有人口数据，不计算每10万人：{items}。", "en": "No population for these regions, so no per-100,000 value: {items}."},
    "compare.caveat.no_period": {"zh": "以下数据没有明确的报告期，不计算每30天：{items}。", "en": "These figures have no stated period, so no per-30-days value: {items}."},
    "compare.caveat.population_source": {"zh": "人口：{items}。", "en": "Population: {items}."},
    "compare.caveat.derived_rate": {"zh": "每10万人、每30天为本看板推算值（数值÷人口×10万；数值÷天数×30），保留三位有效数字（整数部分不舍入；下限向下取、上限向上取）。", "en": "Per-100,000 and per-30-day values are derived here (value ÷ population × 100,000; value ÷ days × 30), to three significant digits (whole numbers kept; lower bounds rounded down, upper bounds up)."},
    "compare.unavailable.absolute": {"zh": "无数据", "en": "no data"},
    "compare.unavailable.per_100k": {"zh": "无人口数据", "en": "no population"},
    "compare.unavailable.per_30_days": {"zh": "无报告期", "en": "no period"},
    "compare.table": {"zh": "对比数据", "en": "Comparison data"},
    "compare.level.country": {"zh": "国家级", "en": "country"},
    "compare.level.province": {"zh": "省级", "en": "province"},
    "compare.level.prefecture": {"zh": "地市级", "en": "prefecture-level city"},
    "compare.level.county": {"zh": "县级", "en": "county"},
    "compare.column.combo": {"zh": "地区与期间", "en": "Region and period"},
    "compare.column.metric": {"zh": "指标", "en": "Metric"},
    "compare.column.agency": {"zh": "发布单位", "en": "Reported by"},
    "compare.column.days": {"zh": "报告期天数", "en": "Period days"},
    "compare.column.population": {"zh": "常住人口", "en": "Population"},
    "compare.chart_capped": {
        "zh": "所选地区与期间共{total}个，图中只画出前{shown}个；全部数值见下方对比数据表。",
        "en": "{total} regions and periods are selected; the chart draws the first {shown}. The table below lists every value.",
    },
    # Sources
    "sources.title": {"zh": "数据来源与全部数据", "en": "Sources and every figure"},
    "sources.intro": {
        "zh": "每一项数据及其原文短语、来源、限定与基准。推算数据标明公式。可下载全部或筛选后的数据。",
        "en": "Every figure with its source phrase, source, qualifier and basis; derived figures show their formula. Download all or the filtered data.",
    },
    "sources.search": {"zh": "搜索（指标、原文、编号……）", "en": "Search (metric, source text, id …)"},
    "sources.regions": {"zh": "地区", "en": "Regions"},
    "sources.categories": {"zh": "类别", "en": "Categories"},
    "sources.qualifiers": {"zh": "限定", "en": "Qualifiers"},
    "sources.derived": {"zh": "包含推算数据", "en": "Include derived figures"},
    "sources.count": {"zh": "显示 {shown} / {total} 项数据", "en": "Showing {shown} of {total} figures"},
    "sources.capped": {
        "zh": "显示前{rows}行，共{total}行；完整数据请下载",
        "en": "Showing the first {rows} rows of {total}; download for the complete data",
    },
    "sources.figures": {"zh": "全部数据", "en": "Every figure"},
    "sources.policies": {"zh": "惩戒措施", "en": "Penalties and rules"},
    "sources.documents": {"zh": "来源文件", "en": "Source documents"},
    "sources.download": {"zh": "下载", "en": "Download"},
    "sources.download.filtered_csv": {"zh": "筛选结果 CSV", "en": "Filtered CSV"},
    "sources.download.filtered_xlsx": {"zh": "筛选结果 XLSX", "en": "Filtered XLSX"},
    "sources.download.all_csv": {"zh": "全部数据 CSV", "en": "All figures CSV"},
    "sources.download.all_xlsx": {"zh": "全部数据 XLSX", "en": "All figures XLSX"},
    "sources.column.source": {"zh": "来源", "en": "Source"},
    "sources.column.metric": {"zh": "指标", "en": "Metric"},
    "sources.column.breakdown": {"zh": "分类", "en": "Breakdown"},
    "sources.column.measure": {"zh": "类型", "en": "Measure"},
    "sources.column.basis": {"zh": "基准", "en": "Basis"},
    "sources.column.category": {"zh": "类别", "en": "Category"},
    "sources.column.agency": {"zh": "发布单位", "en": "Agency"},
    "sources.column.note": {"zh": "备注", "en": "Note"},
    "sources.column.upload": {"zh": "上传编号", "en": "Upload"},
    "sources.column.producer": {"zh": "发布者", "en": "Producer"},
    "sources.column.title": {"zh": "标题", "en": "Title"},
    "sources.column.date": {"zh": "发布日期", "en": "Published"},
    "sources.column.publisher": {"zh": "刊载", "en": "Publisher"},
    "sources.column.license": {"zh": "许可", "en": "Licence"},
    "sources.column.applies_to": {"zh": "适用对象", "en": "Applies to"},
    "sources.column.rule": {"zh": "措施", "en": "Rule"},
    "sources.column.duration": {"zh": "期限", "en": "Duration"},
    # Errors and access (issue 12): what a viewer sees instead of internals; details go to the server log
    "app.load_failed": {
        "zh": "数据暂时无法加载。详情已记入服务器日志（编号 {reference}），请稍后再试或告知管理员。",
        "en": "The data could not be loaded just now. The details are in the server log (reference {reference}); "
        "try again later or tell the administrator.",
    },
    "app.page_failed": {
        "zh": "本页出错，未能完整显示。详情已记入服务器日志（编号 {reference}），请稍后再试或告知管理员。",
        "en": "This page ran into an error and could not be shown in full. The details are in the server log "
        "(reference {reference}); try again later or tell the administrator.",
    },
    "upload.locked_out": {
        "zh": "口令错误次数过多，已暂时锁定。请在 {seconds} 秒后再试。",
        "en": "Too many wrong passphrases: locked for now. Try again in {seconds} s.",
    },
}

MESSAGES.update(UPLOAD_MESSAGES)  # the upload page's messages live beside it, in the same catalogue
MESSAGES.update(EXTRACT_MESSAGES)
MESSAGES.update(REGIONS_MESSAGES)  # region pickers, population caveats and uploads
MESSAGES.update(TRENDS_MESSAGES)  # the trends and map pages' messages


def t(key: str, lang: str = "zh", **kwargs: object) -> str:
    """The message `key` in `lang` ("zh" default), with placeholders filled."""
    entry = MESSAGES[key]
    text = entry["en"] if lang == "en" else entry["zh"]
    return text.format(**kwargs) if kwargs else text
