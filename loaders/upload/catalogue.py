"""Every message the checker's passes give, in Chinese and English, by key (`code` or `code:variant`).

A template names its fields ({cell}, {header} …); `Collector.say(level, key, row=…, column=…, **fields)`
fills them. The code a person's report shows is the key before the colon. The reader's messages
(what a file is, encodings, XLSX safety, size limits) are here too, after the passes' ones, and
are made by `loaders.upload.messages.catalogued`; number, period and region messages come from
`loaders.numbers`, `loaders.periods` and `loaders.regions`.
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
    "percentage_points_not_stored": (
        "{cell}是以“百分点”表示的变化（如破案率上升3.2个百分点），不是百分比变化；看板暂不能区分两者，此数未保存，其余数据照常导入",
        "{cell} is a change in percentage points (e.g. a clearance rate up 3.2 points), not a percent change; the "
        "dashboard cannot tell the two apart yet, so this figure was not stored; the other figures are imported as usual",
    ),
    "template_example_row": (
        "这是模板的示例行（备注“示例行，请删除”），其中的数字只是格式示例、不是真实数据：请删除此行后再上传",
        "this is one of the template's example rows (备注 “示例行，请删除”): its numbers only show the format "
        "and are not real data; delete the row and upload again",
    ),
    "region_outside_title": (
        "“{text}”（{name_zh}）不在标题所写的{title_zh}之内，请核对标题或地区",
        "“{text}” ({name_en}) is not within {title_en}, which the title names; please check the title or the region",
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

    # The readers' messages (loaders.upload.grid, delimited, workbook, reading): what a file is,
    # its encoding, its safety and its size. `catalogued(level, key, …)` gives them as a Message.

    "not_bytes": (
        "上传的内容不是文件数据",
        "expected the file's bytes, got {type_data___name}",
    ),
    "file_too_large": (
        "文件大小为 {megabytes_len_data}，超过上限 {megabytes_max_bytes}，请拆分后再上传",
        "The file is {megabytes_len_data}, above the limit of {megabytes_max_bytes}; split it "
        "and upload the parts",
    ),
    "unreadable": (
        "无法读取该文件，文件可能已损坏。请在Excel中打开后另存为“Excel 工作簿(*.xlsx)”或“CSV UTF-8(逗号分隔)”再上传",
        "The file could not be read and may be damaged ({type_exc___name}: {short_exc}). Open "
        "it in Excel and save it as an Excel workbook (*.xlsx) or CSV UTF-8, then upload again",
    ),
    "not_a_table": (
        "这是{name}文件，不是表格。请上传 .xlsx 或 .csv 文件",
        "This is a {name} file, not a table; upload an .xlsx or .csv file",
    ),
    "kind_mismatch": (
        "文件扩展名为 {shown}，但内容是文本(CSV)，已按CSV读取",
        "The file's extension is {shown_en} but its content is text (CSV); it was read as CSV",
    ),
    "file_empty": (
        "文件为空，没有表头和数据",
        "The file is empty: no header and no data",
    ),
    "too_many_cells": (
        "表格超过 {MAX_CELLS:,} 个单元格，已拒绝。请拆分后上传",
        "The table has more than {MAX_CELLS:,} cells; split it and upload the parts",
    ),
    "kind_mismatch:2": (
        "文件扩展名为 {shown}，但内容是Excel工作簿(xlsx)，已按xlsx读取",
        "The file's extension is {shown_en} but its content is an Excel workbook (xlsx); it was "
        "read as xlsx",
    ),
    "legacy_or_encrypted": (
        "这是旧版Excel(.xls)文件或设置了打开密码的工作簿，不支持。请在Excel中去掉打开密码，并另存为“Excel 工作簿(*.xlsx)”后上传",
        "This is an old Excel (.xls) file or a password-protected workbook, which is not supported. "
        "Remove the password in Excel and save it as an Excel workbook (*.xlsx)",
    ),
    "encrypted": (
        "该工作簿设置了打开密码（已加密），无法读取。请在Excel中去掉密码（文件→信息→保护工作簿→用密码进行加密，清空密码）后另存为 .xlsx 再上传",
        "The workbook is password-protected (encrypted) and cannot be read. Remove the password "
        "in Excel (File > Info > Protect Workbook > Encrypt with Password, clear it) and save "
        "as .xlsx",
    ),
    "unsafe_xml": (
        "文件包含不安全的XML内容（实体声明或外部引用），已拒绝。请在Excel中另存为“Excel 工作簿(*.xlsx)”后上传",
        "The file contains unsafe XML (entity declarations or external references: {detail}); "
        "refused. Save it from Excel as an Excel workbook (*.xlsx)",
    ),
    "unsafe_xml:2": (
        "文件中的XML部件“{shown}”使用 {encoding} 编码（Excel只写UTF-8），无法做安全检查，已拒绝。请在Excel中另存为“Excel 工作簿(*.xlsx)"
        "”后上传",
        "The XML part “{shown}” is encoded in {encoding} (Excel writes only UTF-8) and cannot "
        "be checked safely; refused. Save it from Excel as an Excel workbook (*.xlsx)",
    ),
    "cell_longer_than_excel": (
        "第{r_1}行“{label}”列有 {length:,} 个字符，超过Excel单元格上限 {EXCEL_CELL_CHARS:,} 个字符",
        "row {r_1}, column “{label}” has {length:,} characters, more than an Excel cell can hold "
        "({EXCEL_CELL_CHARS:,})",
    ),
    "formula_without_value": (
        "单元格 {cell} 是公式但没有保存计算结果（文件可能由程序生成），按空值处理。请在Excel中打开并保存后重新上传",
        "cell {cell} holds a formula without a saved result (the file was probably written by "
        "a program); it is read as empty. Open and save the file in Excel, then upload again",
    ),
    "date_out_of_range": (
        "单元格 {cell} 设为日期格式，但数值超出日期范围，按错误值 #VALUE! 处理",
        "cell {cell} is formatted as a date but its number is outside the range of dates; it is "
        "read as the error value #VALUE!",
    ),
    "control_characters": (
        "第{r_1}行“{label}”列含控制字符（如空字符、ESC），已删除",
        "row {r_1}, column “{label}” contained control characters (such as NUL or ESC); they were "
        "removed",
    ),
    "invalid_character": (
        "第{r_1}行“{label}”列含无效的Unicode字符，已替换为“�”",
        "row {r_1}, column “{label}” contained invalid Unicode (a lone surrogate); it was replaced "
        "by “�”",
    ),
    "bom_in_middle": (
        "第{r_1}行含字节顺序标记(BOM)，文件可能由两个导出文件拼接而成；已删除该标记，请检查是否有重复的表头",
        "row {r_1} contains a byte-order mark: the file looks like two exports pasted together. "
        "The mark was removed; check for a repeated header row",
    ),
    "more_of_the_same": (
        "另有 {more} 处同类问题未逐一列出",
        "{more} more of the same were not listed",
    ),
    "undecodable": (
        "第 {line} 行含无法识别的字节 0x{byte:02X}{euro_zh}：文件既不是 UTF-8 也不是 GBK/GB18030 编码。请在Excel中另存为“CSV "
        "UTF-8(逗号分隔)”后重新上传",
        "line {line} holds byte 0x{byte:02X}{euro_en}, which is neither UTF-8 nor GBK/GB18030. "
        "Save the file from Excel as CSV UTF-8 and upload again (decoder: {short_failed})",
    ),
    "spreadsheetml_2003": (
        "这是“XML 电子表格 2003”格式，不支持。请用Excel打开后另存为“Excel 工作簿(*.xlsx)”再上传",
        "This is an 'XML Spreadsheet 2003' file, which is not supported; open it in Excel and "
        "save it as an Excel workbook (*.xlsx)",
    ),
    "binary_file": (
        "文件包含大量空字符(NUL)，不是文本表格。请上传 .xlsx 或另存为“CSV UTF-8(逗号分隔)”的文件",
        "The file is full of NUL bytes and is not a text table; upload an .xlsx file or save as "
        "CSV UTF-8",
    ),
    "fullwidth_delimiter": (
        "文件只有1列，且各行含全角逗号“，”：分隔符应为半角逗号“,”。请在Excel中另存为“CSV UTF-8(逗号分隔)”",
        "The file has a single column whose rows contain full-width commas “，”; the delimiter "
        "must be an ASCII comma. Save it from Excel as CSV UTF-8",
    ),
    "implausible_encoding": (
        "文件不是 UTF-8 编码；按 GBK/GB18030 解码后大多是生僻字或乱码（常用字仅占 {share:.0%}），可能是繁体 Big5、日文 Shift-JIS 或西文 "
        "Latin-1 等编码。请在Excel中另存为“CSV UTF-8(逗号分隔)”后重新上传",
        "The file is not UTF-8, and read as GBK/GB18030 it is mostly rare characters or garbage "
        "(common characters: {share:.0%}); it is probably Big5, Shift-JIS, Latin-1 or another "
        "encoding. Save it from Excel as CSV UTF-8 and upload again",
    ),
    "html_disguised": (
        "这是网页(HTML)文件，不是CSV或Excel表格。如果其中有表格，请用Excel打开后另存为“Excel 工作簿(*.xlsx)”",
        "This is a web page (HTML), not a CSV or Excel table. If it holds a table, open it in "
        "Excel and save it as an Excel workbook (*.xlsx)",
    ),
    "xml_document": (
        "这是XML文件，不是CSV或Excel表格",
        "This is an XML document, not a CSV or Excel table",
    ),
    "too_many_data_rows": (
        "文件“{name}”超过 {self_max_rows:,} 行数据的上限，已停止读取。请拆分为每个不超过 {self_max_rows:,} 行的文件后分别上传",
        "The file “{name}” has more than {self_max_rows:,} data rows, the upload limit; reading "
        "stopped there. Split it into files of at most {self_max_rows:,} rows and upload them "
        "one by one",
    ),
    "unbalanced_quote": (
        "第{len_rows}行“{label}”列的引号未闭合：从这里到文件末尾的内容都被当成了同一个单元格。请补上或删除该单元格中的引号",
        "the quote that opens in row {len_rows}, column “{label}” is never closed, so everything "
        "up to the end of the file became one cell; close or remove that quote",
    ),
    "html_disguised:2": (
        "这是网页(HTML)表格另存为 {extension} 的文件，不是真正的Excel文件（很多系统的“导出Excel”会生成这种文件）。请用Excel打开后另存为“Excel "
        "工作簿(*.xlsx)”再上传",
        "This is a web page (HTML table) saved as {extension}, not a real Excel file (many systems' "
        "'export to Excel' produce these). Open it in Excel and save it as an Excel workbook (*.xlsx)",
    ),
    "csv_error": (
        "第{row_number}行无法按CSV格式读取",
        "row {row_number} cannot be read as CSV ({short_exc})",
    ),
    "too_many_rows:2": (
        "文件超过 {EXCEL_MAX_ROWS:,} 行（Excel的最大行数），已拒绝。请拆分后上传",
        "The file has more than {EXCEL_MAX_ROWS:,} rows (Excel's limit); split it and upload the "
        "parts",
    ),
    "cell_too_long": (
        "第{row_number}行有一个超过 {csv_field_size_limit:,} 个字符的单元格，通常是引号未闭合，使后面的内容都并进了同一个单元格。请检查该行的引号",
        "row {row_number} has a cell longer than {csv_field_size_limit:,} characters, usually "
        "an unclosed quote that swallowed the rest of the file; check the quotes on that row",
    ),
    "undecodable:2": (
        "文件开头标明是 {name} 编码，但第 {exc_start_len_bom} 字节处的内容不符合该编码，文件可能已损坏",
        "The file starts with a {name} byte-order mark but byte {exc_start_len_bom} is not valid "
        "{name}; the file may be damaged",
    ),
    "workbook_unreadable": (
        "无法读取该Excel工作簿，文件可能已损坏或由不兼容的程序生成。请在Excel中打开后另存为“Excel 工作簿(*.xlsx)”再上传",
        "The workbook could not be read ({type_exc___name}: {short_exc}); it may be damaged or "
        "written by an incompatible program. Open it in Excel and save it as an Excel workbook "
        "(*.xlsx)",
    ),
    "no_data_sheet": (
        "工作簿中没有含数据的可见工作表{detail_zh}。如数据在隐藏工作表中，请取消隐藏后重新上传",
        "The workbook has no visible sheet with data{detail_en}. If the data are on a hidden sheet,"
        " unhide it and upload again",
    ),
    "macros_not_run": (
        "工作簿含宏（.xlsm），宏不会被执行，只读取单元格中保存的值",
        "The workbook contains macros (.xlsm); they are never run, only the stored cell values "
        "are read",
    ),
    "zip_too_many_entries": (
        "文件内部包含 {len_entries:,} 个部件，超过上限 {MAX_ZIP_ENTRIES:,}，已拒绝",
        "The file holds {len_entries:,} parts, above the limit of {MAX_ZIP_ENTRIES:,}; refused",
    ),
    "zip_too_large": (
        "文件解压后有 {megabytes_declared}，超过上限 {megabytes_MAX_UNCOMPRESSED_BYTES}（可能是“压缩炸弹”），已拒绝",
        "The file would unpack to {megabytes_declared}, above the limit of {megabytes_MAX_UNCOMPRESSED_BYTES} "
        "(possibly a zip bomb); refused",
    ),
    "not_a_workbook": (
        "这是一个ZIP压缩包，不是Excel工作簿(.xlsx)。请解压后上传其中的表格，或上传 .xlsx/.csv 文件",
        "This is a ZIP archive, not an Excel workbook (it has no [Content_Types].xml); unpack "
        "it and upload the table inside, or upload an .xlsx/.csv file",
    ),
    "not_a_workbook:2": (
        "文件中没有找到工作簿（缺少 xl/workbook.xml），不是有效的Excel工作簿",
        "No workbook part was found (xl/workbook.xml is missing); this is not a valid Excel workbook",
    ),
    "strict_ooxml": (
        "这是“Strict Open XML 电子表格”格式，不支持。请在Excel中另存为“Excel 工作簿(*.xlsx)”后上传",
        "This workbook uses the Strict Open XML format, which is not supported; save it from Excel "
        "as an Excel workbook (*.xlsx)",
    ),
    "too_many_parts": (
        "工作簿的部件清单（[Content_Types].xml）有 {megabytes_entry_file_size}，超过上限 {megabytes_MAX_CONTENT_TYPES_BYTES}（工作表或部件过多）"
        "，已拒绝。请只保留需要的工作表后另存为 .xlsx 再上传",
        "The workbook's list of parts ([Content_Types].xml) is {megabytes_entry_file_size}, above "
        "the limit of {megabytes_MAX_CONTENT_TYPES_BYTES} (too many sheets or parts); refused. "
        "Keep only the sheets needed and save it as .xlsx",
    ),
    "other_office_document": (
        "这是{Word_文档_if_word_else_PowerPoint_演示文稿}，不是Excel工作簿。请上传 .xlsx 或 .csv 文件",
        "This is a {Word_document_if_word_else_PowerPoint_presentation}, not an Excel workbook;"
        " upload an .xlsx or .csv file",
    ),
    "damaged_file": (
        "文件已损坏（内部数据校验失败），无法读取。请重新导出或在Excel中另存为 .xlsx 后上传",
        "The file is damaged ({short_exc}); export it again or save it from Excel as .xlsx",
    ),
    "no_sheets": (
        "工作簿中没有可读取的工作表。请在Excel中另存为“Excel 工作簿(*.xlsx)”后上传",
        "The workbook has no readable worksheet; save it from Excel as an Excel workbook (*.xlsx)",
    ),
    "damaged_file:2": (
        "文件已损坏或不完整，无法作为Excel工作簿(.xlsx)打开。请重新导出或在Excel中另存为 .xlsx 后上传",
        "The file is damaged or incomplete and cannot be opened as an Excel workbook ({short_exc})"
        "; export it again or save it from Excel as .xlsx",
    ),
    "zip_ratio": (
        "文件解压后体积异常（压缩比 {ratio:,.0f}:1，上限 {MAX_COMPRESSION_RATIO}:1），可能是“压缩炸弹”，已拒绝",
        "The file's compression ratio is abnormal ({ratio:,.0f}:1, limit {MAX_COMPRESSION_RATIO}:"
        "1), possibly a zip bomb; refused",
    ),
    "text_amplification": (
        "工作簿中的文字总量超过 {self_limit:,} 个字符（可能是同一长文本被大量单元格引用），已拒绝",
        "The workbook's cells hold more than {self_limit:,} characters in total (possibly one "
        "long text referenced by many cells); refused",
    ),
    "ods_file": (
        "这是 OpenDocument 表格(.ods)，不支持。请另存为“Excel 工作簿(*.xlsx)”后上传",
        "This is an OpenDocument spreadsheet (.ods), which is not supported; save it as an Excel "
        "workbook (*.xlsx)",
    ),
    "damaged_sheet": (
        "工作表“{sheet_title}”的内容已损坏（XML格式错误），无法读取。请在Excel中打开后另存为 .xlsx 再上传",
        "sheet “{sheet_title}” is damaged (malformed XML: {short_exc}); open the file in Excel,"
        " save it as .xlsx and upload again",
    ),
    "bad_shared_string": (
        "工作表“{sheet_title}”的单元格{exc_cell}引用了不存在的共享字符串（编号“{exc_index}”，文件中只有{exc_count}个），文件已损坏。"
        "请在Excel中打开后另存为 .xlsx 再上传",
        "sheet “{sheet_title}”, cell {exc_cell} refers to shared string “{exc_index}”, but the "
        "file holds {exc_count} (numbered from 0); the file is damaged. Open it in Excel, save "
        "it as .xlsx and upload again",
    ),
    "bad_cell_reference": (
        "工作表“{sheet_title}”含无效的单元格位置或引用，文件可能已损坏。请在Excel中另存为 .xlsx 后上传",
        "sheet “{sheet_title}” has an invalid cell position or reference ({short_exc}); the file "
        "may be damaged. Save it from Excel as .xlsx and upload again",
    ),
}


def texts(key: str, **fields) -> tuple[str, str]:
    """The message `key` in Chinese and English, its fields filled."""
    zh, en = TEXTS[key]
    return zh.format(**fields), en.format(**fields)
