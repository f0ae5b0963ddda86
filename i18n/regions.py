"""Messages of the region pickers, the population caveats and the population upload; i18n.messages merges them."""

from __future__ import annotations

REGIONS_MESSAGES: dict[str, dict[str, str]] = {
    "regions.label": {"zh": "{name} · {level} · {code}", "en": "{name} · {level} · {code}"},
    "regions.help": {
        "zh": "按级别排列（全国、省级、地市级、县级）；可输入名称、级别或6位区划代码搜索。",
        "en": "Listed by level (country, province, prefecture, county); type a name, a level or the 6-digit code to search.",
    },
    "compare.population_uploaded": {"zh": "，上传数据", "en": ", uploaded"},
    "compare.caveat.population_item": {
        "zh": "{region} {population}（{year}年，{source}{uploaded}）",
        "en": "{region} {population} ({year}, {source}{uploaded})",
    },
    "compare.caveat.population_other_year": {
        "zh": "以下每10万人的值所用人口不是本期年份的，取最近年份：{items}。",
        "en": "These per-100,000 values use a population of another year than their period (the nearest year): {items}.",
    },
    "compare.footnote.populations": {
        "zh": "人口年份：{items}。",
        "en": "Population years: {items}.",
    },
    "compare.footnote.population_one_year": {"zh": "人口：{year}年（各地区同一年份）。", "en": "Populations: {year} for every region."},
    "compare.footnote.population_item": {"zh": "{region}{year}年{uploaded}", "en": "{region} {year}{uploaded}"},
    "compare.caveat.population_year_item": {"zh": "{combo}用{year}年人口", "en": "{combo} uses the {year} population"},
    "populations.heading": {"zh": "上传人口数据", "en": "Upload populations"},
    "populations.intro": {
        "zh": "表格需有四列：地区（名称或6位代码）、年份、常住人口（人）或常住人口（万人）、来源。同一地区同一年份的上传数会取代普查数和先前的上传数；每10万人的对比取与期间最近年份的人口。",
        "en": "The table needs four columns: region (name or 6-digit code), year, population (persons) or population"
        " (10k persons), and source; Chinese headers work too. An upload for a region and year replaces the census"
        " figure and earlier uploads of that year; per-100,000 comparisons use the population of the year nearest the period.",
    },
    "populations.file": {"zh": "人口表（CSV 或 XLSX）", "en": "Population table (CSV or XLSX)"},
    "populations.preview": {"zh": "将保存的人口（{count}行）", "en": "Populations to store ({count} rows)"},
    "populations.save": {"zh": "保存人口数据", "en": "Store the populations"},
    "populations.saved": {"zh": "已保存{count}行人口数据（上传）。", "en": "Stored {count} uploaded population rows."},
    "populations.has_errors": {"zh": "表格有错误，未保存：", "en": "The table has errors and was not stored:"},
    "populations.notes": {"zh": "提示：", "en": "Notes:"},
    "populations.locked": {"zh": "输入口令后才能保存。", "en": "Enter the passphrase to store."},
    "populations.stored": {"zh": "已上传的人口（上传数据）", "en": "Uploaded populations (uploaded figures)"},
    "populations.column.region": {"zh": "地区", "en": "Region"},
    "populations.column.code": {"zh": "代码", "en": "Code"},
    "populations.column.year": {"zh": "年份", "en": "Year"},
    "populations.column.population": {"zh": "常住人口（人）", "en": "Resident population (persons)"},
    "populations.column.source": {"zh": "来源", "en": "Source"},
    "populations.column.row": {"zh": "行", "en": "Row"},
    "populations.column.file": {"zh": "文件", "en": "File"},
    "populations.column.uploaded_at": {"zh": "上传时间", "en": "Uploaded at"},
    "populations.store_error": {"zh": "无法保存：{error}", "en": "Could not store: {error}"},
}
