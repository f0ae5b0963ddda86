"""Every message the checker's passes give, in Chinese and English, by key (`code` or `code:variant`).

A template names its fields ({cell}, {header} …); `Collector.say(level, key, row=…, column=…, **fields)`
fills them. The code a person's report shows is the key before the colon. The reader's messages
(encodings, XLSX safety) are `loaders.upload.grid`'s; number, period and region messages come
from `loaders.numbers`, `loaders.periods` and `loaders.regions`.
"""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "column_not_imported": (
        "文件“{file}”的“{header}”列不是可识别的地区、期间、指标或说明列，未导入：该列的内容不会保存。"
        "如果它是统计指标，请把列名改为指标名称（如“立案数”）后重新上传",
        "column “{header}” of “{file}” is not a recognised region, period, metric or note column and was not "
        "imported: its cells are not stored. If it holds a statistic, rename the column to the metric "
        "(e.g. 立案数) and upload again",
    ),
    "column_not_imported:identifier": (
        "文件“{file}”的“{header}”列是编号或号码，不是统计数字，未导入：该列的内容不会保存",
        "column “{header}” of “{file}” holds identifiers or numbers such as phone numbers, not statistics, "
        "and was not imported: its cells are not stored",
    ),
    "total_row": (
        "“{label_zh}”行不是地区数据，已排除",
        "the “{label_en}” row is not regional data; excluded",
    ),
    "subtotal_row:excluded": (
        "“{label_zh}”行不是地区数据，已排除",
        "the “{label_en}” row is not regional data; excluded",
    ),
    "missing_cell": (
        "此行只有{len_raw}个值，缺少{missing_zh}",
        "this row has only {len_raw} values; missing {missing_en}",
    ),
    "empty_file": (
        "文件没有表头和数据",
        "the file has no header and no data",
    ),
    "too_many_columns": (
        "列数({table_width})超过上限{limits_max_columns}，请只保留需要的列",
        "{table_width} columns exceed the limit of {limits_max_columns}; keep only the columns needed",
    ),
    "no_header": (
        "找不到表头：应有一行列名，如“地区、年份、立案数”",
        "no header row found: one row should name the columns, e.g. 地区, 年份, 立案数",
    ),
    "cross_field": (
        "破案数({solved_value:f})大于立案数({filed_value:f})，请核对",
        "cases solved ({solved_value:f}) exceed cases filed ({filed_value:f}); please check",
    ),
    "cross_field:2": (
        "挽损金额大于涉案金额，请核对",
        "losses recovered exceed the amount lost; please check",
    ),
    "subtotal_row": (
        "“{label_zh}”为分项小计（其中），已排除，未核对",
        "“{label_en}” is an of-which subtotal; excluded, not checked",
    ),
    "formula_no_value": (
        "{excel_column_c_index}{row_no} 是公式但没有计算结果，无法核对合计（请在Excel中打开并保存）",
        "{excel_column_c_index}{row_no} is a formula without a computed value; the total cannot be checked (open and save the file in Excel)",
    ),
    "total_mismatch": (
        "合计行的“{c_header}”为{cell}，但第{min_rows}-{max_rows}行之和为{shown_sum_normalize:f}",
        "the total of “{c_header}” is {cell} but rows {min_rows}-{max_rows} add up to {shown_sum_normalize:f}",
    ),
    "conflicting_duplicate": (
        "与第{earlier}行同为“{what}”，但数值不同，请删除其中一行",
        "rows {earlier} and {later} are both “{what}” with different values; delete one",
    ),
    "duplicate_row": (
        "与第{earlier}行完全重复（同为“{what}”），请删除其中一行",
        "row {later} repeats row {earlier} (“{what}”); delete one",
    ),
    "cross_field:3": (
        "破案率{rate_value:f}与破案数/立案数={computed:.1f}不符，请核对",
        "clearance rate {rate_value:f} does not match solved/filed = {computed:.1f}; please check",
    ),
    "region_from_title": (
        "表中没有“地区”列，地区取自标题：{title_region_name_zh}",
        "no region column; the region is taken from the title: {title_region_name_en}",
    ),
    "no_metric_columns": (
        "找不到数字列：表头应有指标名称，如“立案数”“涉案金额(万元)”，或“指标”和“数值”两列",
        "no figure columns found: headers should name metrics such as 立案数 or 涉案金额(万元), or have 指标 and 数值 columns",
    ),
    "no_metric_column": (
        "有“数值”列但没有“指标”列",
        "a 数值 column needs a 指标 column",
    ),
    "no_metric_column:2": (
        "各列是年份/期间，但没有“指标”列说明是什么数字",
        "the columns are periods but no 指标 column says what the numbers are",
    ),
    "duplicate_header": (
        "表头“{c_header}”重复出现（第{excel_column_first_index}列和第{excel_column_c_index}列），请删除或改名",
        "the header “{c_header}” appears twice (columns {excel_column_first_index} and {excel_column_c_index}); delete or rename one",
    ),
    "no_region_column": (
        "找不到“地区”列（列名应为地区、地市、单位或行政区划代码）{listed_zh}",
        "no region column found (name it 地区, 地市, 单位 or 行政区划代码){listed_en}",
    ),
    "period_required": (
        "缺少统计期间：请增加“年份”列（或“统计期间”列，如 2024、2024年1-10月），或在标题中写明年份",
        "the period is required: add a 年份 column (or 统计期间, e.g. 2024, 2024年1-10月) or state the year in the title",
    ),
    "period_from_title": (
        "表中没有期间列，期间取自标题：{table_table_period_text}",
        "no period column; the period is taken from the title: {table_table_period_text}",
    ),
    "change_attributed": (
        "“{c_header}”未写明指标，按左侧列视为“{base_metric_zh}”的{同比_if_label_basis_yoy_else_环比}变化；如不对请改写表头",
        "“{c_header}” names no metric; read as the change of “{base_metric_zh}” (the column to its left); rename the header if that is wrong",
    ),
    "change_without_metric": (
        "“{c_header}”未写明是哪个指标的变化，该列未导入",
        "“{c_header}” does not say which metric changed; the column was not imported",
    ),
    "bad_code": (
        "区划代码“{code_text}”无效（应为6位GB/T 2260代码，如 451000）",
        "region code “{code_text}” is not a valid 6-digit GB/T 2260 code (e.g. 451000)",
    ),
    "region_renamed": (
        "“{text}”已于{year}年调整，按今天的{name_zh}（{code}）读取",
        "“{text}” was changed in {year}; read as today's {name_en} ({code})",
    ),
    "region_outside_parent": (
        "“{inner_col_header}”列的“{inner_text}”（{inner_name_zh}）不属于“{outer_col_header}”列的“{outer_text}”（{outer_name_zh}），请核对",
        "“{inner_text}” in column “{inner_col_header}” ({inner_name_en}) is not in “{outer_text}” in column “{outer_col_header}” ({outer_name_en}); please check",
    ),
    "missing_region": (
        "地区为空",
        "the region is empty",
    ),
    "region_filled": (
        "地区为空，沿用上一行“{previous_text}”",
        "the region is empty; “{previous_text}” from the row above is used",
    ),
    "region_filled:2": (
        "地区为空，沿用上一行“{previous_name_zh}”",
        "the region is empty; “{previous_name_en}” from the row above is used",
    ),
    "region_mismatch": (
        "地区“{text}”与区划代码{code_text}（{by_code_name_zh}）不一致，按代码读取",
        "region “{text}” does not fit code {code_text} ({by_code_name_en}); the code is used",
    ),
    "region_mismatch:2": (
        "地区“{cell_text_values_region_col_in}”与区划代码{code_text}（{match__name_zh}）不一致，按代码读取",
        "region “{cell_text_values_region_col_in}” does not fit code {code_text} ({match__name_en}); the code is used",
    ),
    "no_rows": (
        "只有表头，没有数据行",
        "there is a header but no data rows",
    ),
    "repeated_header": (
        "此行是重复的表头（可能是两个文件拼接），请删除后重试",
        "this row repeats the header (two files joined together?); delete it and try again",
    ),
    "extra_cell": (
        "此行有{len_raw}个值，表头只有{table_width}列（多出的值在{excel_column_extra_0}列）",
        "this row has {len_raw} values but the header has {table_width} columns (extra value in column {excel_column_extra_0})",
    ),
    "cell_without_header": (
        "{excel_column_unbound_0}{row_no} 有值，但该列没有表头",
        "{excel_column_unbound_0}{row_no} has a value but its column has no header",
    ),
    "too_many_rows": (
        "数据行超过{limits_max_data_rows}行上限",
        "more than {limits_max_data_rows} data rows",
    ),
    "blank_row": (
        "空行，已忽略",
        "blank row, ignored",
    ),
    "no_values": (
        "此行只有地区，没有数值",
        "this row names a region but has no values",
    ),
    "section_row": (
        "“{first_text}”不是地区数据行（分组标题），已跳过",
        "“{first_text}” is not a data row (a section label); skipped",
    ),
    "unit_mismatch": (
        "“{text}”的单位与指标不符（如金额写成了“人”）",
        "the unit of “{text}” does not fit the metric (e.g. an amount given in persons)",
    ),
    "unknown_unit": (
        "无法识别单位“{str_unit_text}”（可写 元、万元、亿元、人、起、%）",
        "unknown unit “{str_unit_text}” (use 元, 万元, 亿元, 人, 起, %)",
    ),
    "new_metric": (
        "“{label_zh}”不在指标目录中，已作为新指标（{metric_id}）导入，请核对",
        "“{label_zh}” is not in the metric catalogue; imported as a new metric ({metric_id}), please review",
    ),
    "too_long": (
        "{excel_column_j}{i_1} 有{len_value}个字符，超过单元格上限{limits_max_cell_chars}",
        "{excel_column_j}{i_1} holds {len_value} characters, over the cell limit of {limits_max_cell_chars}",
    ),
    "control_char": (
        "{excel_column_j}{i_1} 含控制字符（如NUL），请删除后重新上传",
        "{excel_column_j}{i_1} contains control characters (such as NUL); remove them and upload again",
    ),
    "missing_period": (
        "期间为空",
        "the period is empty",
    ),
    "missing_metric": (
        "指标为空",
        "the metric is empty",
    ),
    "formula_no_value:2": (
        "{cell} 是公式但没有计算结果（文件可能由程序生成），请在Excel中打开并保存后重新上传",
        "{cell} is a formula without a computed value (the file was probably written by a program); open and save it in Excel, then upload again",
    ),
    "formula_no_value:3": (
        "{cell} 是公式“{value}”但没有计算结果，请在Excel中打开并保存后重新上传",
        "{cell} is a formula “{value}” without a computed value; open and save the file in Excel, then upload again",
    ),
    "not_a_number": (
        "{cell} 是日期，不是数字",
        "{cell} is a date, not a number",
    ),
    "conflicting_qualifiers": (
        "{cell} 的修饰词与“限定”列不一致",
        "{cell}'s qualifier contradicts the qualifier column",
    ),
    "unit_mismatch:2": (
        "{cell} “{cell_text_raw}”的单位“{parsed_unit}”与该列不符",
        "{cell} “{cell_text_raw}”: the unit “{parsed_unit}” does not fit this column",
    ),
    "money_unit_missing": (
        "{cell} 金额没有注明单位：请在表头写明（如“涉案金额(万元)”）或在单元格中写“2230万元”",
        "{cell}: the amount has no unit; state it in the header (e.g. 涉案金额(万元)) or in the cell (2230万元)",
    ),
    "not_integer": (
        "{cell} “{cell_text_raw}”不是整数，件数/人数应为整数",
        "{cell} “{cell_text_raw}” is not a whole number; counts must be whole",
    ),
    "percent_format": (
        "该列为Excel百分比格式，按显示的百分数读取（0.429 即 42.9%）",
        "the column is in Excel's percent format; read as the percentages shown (0.429 is 42.9%)",
    ),
    "unit_outlier": (
        "{cell} “{cell_text_raw}”按表头单位折合{number_10_8:,.0f}亿元，疑似以“元”为单位填写；请核对后重新上传",
        "{cell} “{cell_text_raw}” in the header's unit is {number_10_8:,.0f} hundred million yuan; probably entered in yuan. Check and upload again",
    ),
    "precision_lost": (
        "{excel_column_c_index}{row_no} 以数字保存（{v:.6g}），超过15位有效数字已丢失精度；请把该列设为文本后重新输入",
        "{excel_column_c_index}{row_no} is stored as a number ({v:.6g}); digits beyond 15 are lost. Format the column as text and enter it again",
    ),
    "missing_value": (
        "{cell} “{cell_text_value}”表示缺失，未生成数字（不按0计）",
        "{cell} “{cell_text_value}” marks a missing value; no figure (not zero)",
    ),
    "ambiguous_percent": (
        "{cell} 为{raw}，是{raw}%还是{plain_decimal_str_parsed_value}%？请写成带“%”的形式",
        "{cell} is {raw}: {raw}% or {plain_decimal_str_parsed_value}%? Write it with a % sign",
    ),
}


def texts(key: str, **fields) -> tuple[str, str]:
    """The message `key` in Chinese and English, its fields filled."""
    zh, en = TEXTS[key]
    return zh.format(**fields), en.format(**fields)
