"""Upload templates: an XLSX with instructions and drop-down lists, and the same as CSV.

Every cell goes through `loaders.csvsafe.neutralise_cell` (the one formula-neutralising function),
so a catalogue label can never become a formula in the template. Both use the tidy shape (one row per
figure) the upload checker reads: 地区, 期间, 指标, 数值, 计量单位, 限定词, 来源, 备注. The two example
rows only show the format and are refused if sent back (备注 `TEMPLATE_EXAMPLE_NOTE`); a template filled
in as instructed passes `check_bytes` unchanged.
"""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from loaders.catalog import load_catalog
from loaders.csvsafe import neutralise_cell, to_csv_bytes
from loaders.upload.labels import TEMPLATE_EXAMPLE_NOTE

HEADERS = ["地区", "期间", "指标", "数值", "计量单位", "限定词", "来源", "备注"]
UNIT_CHOICES = ["人", "起", "个", "张", "户", "次", "场", "条", "份", "元", "万元", "亿元", "%"]
QUALIFIER_CHOICES = ["精确", "余", "约", "不足"]
EXAMPLE_ROWS = [
    ["百色市", "2024年1-10月", "立案数", 1200, "起", "精确", "示例：某市公安局", TEMPLATE_EXAMPLE_NOTE],
    ["百色市", "2024年1-10月", "挽回群众损失", 2230, "万元", "余", "示例：某市公安局", TEMPLATE_EXAMPLE_NOTE],
]
INSTRUCTIONS = [
    ("填写说明", ""),
    ("1", "在“数据”工作表中每行填写一个数字；不要合并单元格，不要加合计行。两行示例（备注“示例行，请删除”）只示范格式，上传前请删除，否则文件会被拒绝。"),
    ("2", "地区：从下拉列表选择（省级、地级或县级行政区），或填写6位行政区划代码。"),
    ("3", "期间：如“2024年”“2024年1-10月”“2024年10月”。"),
    ("4", "指标：使用指标目录中的名称（见“指标目录说明”工作表）；新指标会作为新指标导入并提示核对。"),
    ("5", "数值：只填数字；单位写在“计量单位”列（万元、亿元会自动换算为元）。"),
    ("6", "限定词：精确；余（至少，如“1.3万余”）；约；不足（少于）。"),
    ("7", "来源：发布单位或文件名称，便于核对。"),
    ("Instructions", ""),
    ("1", "One figure per row on the 数据 (data) sheet; no merged cells, no total rows. The two example rows (备注 示例行，请删除) only show the format: delete them before uploading, or the file is refused."),
    ("2", "地区 (region): pick from the list (provinces, prefectures, counties), or enter the 6-digit GB/T 2260 code."),
    ("3", "期间 (period): e.g. 2024年, 2024年1-10月, 2024年10月."),
    ("4", "指标 (metric): a name from the 指标目录说明 (metric catalogue) sheet; new names become new metrics with a warning."),
    ("5", "数值 (value): digits only; put the unit in 计量单位 (万元 and 亿元 are converted to yuan)."),
    ("6", "限定词 (qualifier): 精确 exact; 余 at least; 约 about; 不足 less than."),
    ("7", "来源 (source): the reporting office or document, for tracing."),
]


def _row(values: list) -> list:
    return [neutralise_cell(v) for v in values]


def build_template_csv() -> bytes:
    """The tidy template as CSV: UTF-8 with BOM so Excel opens it, header and two example rows."""
    return to_csv_bytes(pd.DataFrame(EXAMPLE_ROWS, columns=HEADERS))


def build_template_xlsx() -> bytes:
    """The tidy template as XLSX: instructions, data sheet with drop-down lists, metric catalogue."""
    catalog = load_catalog()
    wb = Workbook()
    data = wb.active
    data.title = "数据"
    data.append(_row(HEADERS))
    for row in EXAMPLE_ROWS:
        data.append(_row(row))
    for cell in data[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
    for column, width in zip("ABCDEFGH", (14, 16, 24, 14, 10, 10, 20, 24), strict=True):
        data.column_dimensions[column].width = width
    data.freeze_panes = "A2"

    lists = wb.create_sheet("下拉选项说明")
    regions = list(catalog.divisions["name_zh"])
    for n, name in enumerate(regions, start=1):
        lists.cell(row=n, column=1, value=neutralise_cell(name))
    for n, unit in enumerate(UNIT_CHOICES, start=1):
        lists.cell(row=n, column=2, value=neutralise_cell(unit))
    for n, word in enumerate(QUALIFIER_CHOICES, start=1):
        lists.cell(row=n, column=3, value=neutralise_cell(word))

    def dropdown(formula: str, column: str, title: str) -> None:
        rule = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True)
        rule.errorTitle = title
        rule.error = "请从下拉列表中选择 / please choose from the list"
        data.add_data_validation(rule)
        rule.add(f"{column}2:{column}5000")

    dropdown(f"'下拉选项说明'!$A$1:$A${len(regions)}", "A", "地区")
    dropdown(f"'下拉选项说明'!$B$1:$B${len(UNIT_CHOICES)}", "E", "计量单位")
    dropdown(f"'下拉选项说明'!$C$1:$C${len(QUALIFIER_CHOICES)}", "F", "限定词")

    metrics = wb.create_sheet("指标目录说明")
    metrics.append(["指标", "Metric", "默认单位", "同义词"])
    for m in catalog.metrics.itertuples():
        unit = catalog.units.at[m.unit, "label_zh"] if m.unit in catalog.units.index else m.unit
        metrics.append(_row([m.label_zh, m.label_en, unit, m.synonyms.replace("|", "、")]))
    metrics.column_dimensions["A"].width = 30
    metrics.column_dimensions["B"].width = 50

    notes = wb.create_sheet("填表说明", 0)
    for key, text in INSTRUCTIONS:
        notes.append(_row([key, text]))
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 100
    for row in notes.iter_rows():
        row[1].alignment = Alignment(wrap_text=True)
        if row[1].value == "":
            row[0].font = Font(bold=True, size=13)
    wb.active = wb.sheetnames.index("数据")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
