"""Messages of the upload page; i18n.messages merges them into the one catalogue."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pandas as pd

# Times are stored in UTC and shown in Beijing time (China has one time zone and no summer time).
BEIJING = timezone(timedelta(hours=8))


def format_beijing_time(moment: datetime | pd.Timestamp | str) -> str:
    """A stored (UTC) time as Beijing time, "2026-11-23 17:05"; the text around it says which zone."""
    stamp = pd.Timestamp(moment)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
    return f"{stamp.tz_convert(BEIJING):%Y-%m-%d %H:%M}"


UPLOAD_MESSAGES: dict[str, dict[str, str]] = {
    "upload.store_unavailable": {
        "zh": "上传数据库暂时无法连接，文件未保存。请稍后重试，或联系管理员。（{error}）",
        "en": "The upload database cannot be reached, so the file was not stored. Try again later or contact the "
        "administrator. ({error})",
    },
    "upload.history_unavailable": {
        "zh": "上传数据库暂时无法连接，无法列出或管理已上传的文件。（{error}）",
        "en": "The upload database cannot be reached: past uploads cannot be listed or managed now. ({error})",
    },
    "upload.title": {"zh": "上传地区数据", "en": "Upload regional figures"},
    "upload.intro": {
        "zh": "上传本地区的统计表（CSV 或 XLSX）。先校验并预览，确认后才保存；被拒绝的文件不会改变任何已保存的数据。",
        "en": "Upload your region's table (CSV or XLSX). It is checked and previewed first and stored only when you "
        "confirm; a refused file changes nothing already stored.",
    },
    "upload.open": {
        "zh": "未设置分析员口令：任何能打开本页的人都可以上传和删除数据（本机默认设置）。",
        "en": "No analyst passphrase is set: anyone who can open this page can upload and remove data (the local default).",
    },
    "upload.passphrase": {"zh": "分析员口令", "en": "Analyst passphrase"},
    "upload.passphrase_help": {
        "zh": "上传和删除需要口令；查看不需要。",
        "en": "Uploading and removing need the passphrase; viewing does not.",
    },
    "upload.locked": {"zh": "请输入正确的口令后再上传或删除。", "en": "Enter the correct passphrase to upload or remove."},
    "upload.unlocked": {"zh": "口令正确，可以上传和删除。", "en": "Passphrase accepted: you can upload and remove."},
    "upload.wrong_passphrase": {"zh": "口令不正确。", "en": "Wrong passphrase."},
    "upload.bad_config": {
        "zh": "口令配置无法读取，上传已锁定。请管理员重新生成口令哈希。",
        "en": "The passphrase configuration cannot be read, so uploads are locked. Ask the administrator to regenerate the hash.",
    },
    "upload.templates": {"zh": "模板", "en": "Templates"},
    "upload.templates_help": {
        "zh": "按模板填写最省事：每行一个数字，地区、单位、限定词可从下拉列表选择。也可以直接上传本单位现有的表格。",
        "en": "The template is the easiest: one figure per row, with drop-down lists for region, unit and qualifier. "
        "Your office's own table can be uploaded as it is, too.",
    },
    "upload.template_xlsx": {"zh": "下载 XLSX 模板", "en": "Download XLSX template"},
    "upload.template_csv": {"zh": "下载 CSV 模板", "en": "Download CSV template"},
    "upload.file": {
        "zh": "选择文件（CSV、XLSX 或 TXT 文本表格，单个文件最大 {limit} MB；不支持旧版 .xls，请另存为 .xlsx）",
        "en": "Choose a file (CSV, XLSX or a TXT text table, at most {limit} MB; old .xls files are not read: save as .xlsx)",
    },
    "upload.browse": {"zh": "选择文件", "en": "Browse files"},
    "upload.checking": {"zh": "正在校验 {file}…", "en": "Checking {file}…"},
    "upload.checked": {"zh": "已校验 {file}", "en": "Checked {file}"},
    "upload.status.accepted": {"zh": "{file}：校验通过，共 {rows} 行数据、{figures} 个数字。", "en": "{file}: accepted, {rows} data rows, {figures} figures."},
    "upload.status.accepted_with_warnings": {
        "zh": "{file}：校验通过但有 {warnings} 条警告，共 {rows} 行数据、{figures} 个数字。请核对警告后再确认。",
        "en": "{file}: accepted with {warnings} warning(s), {rows} data rows, {figures} figures. Review the warnings before confirming.",
    },
    "upload.status.rejected": {
        "zh": "{file}：未通过校验（{errors} 个错误），未保存任何数据。请按下表修改后重新上传。",
        "en": "{file}: refused ({errors} error(s)); nothing was stored. Fix what the table below says and upload again.",
    },
    "upload.details": {"zh": "编码：{encoding}；工作表：{sheet}", "en": "Encoding: {encoding}; sheet: {sheet}"},
    "upload.report": {"zh": "校验报告", "en": "Validation report"},
    "upload.preview": {"zh": "将要保存的数字（预览）", "en": "Figures to be stored (preview)"},
    "upload.preview_first": {"zh": "显示前 {shown} 行，共 {total} 行", "en": "Showing the first {shown} rows of {total}"},
    "upload.col.level": {"zh": "级别", "en": "Level"},
    "upload.col.row": {"zh": "行", "en": "Row"},
    "upload.col.column": {"zh": "列", "en": "Column"},
    "upload.col.code": {"zh": "代码", "en": "Code"},
    "upload.col.message": {"zh": "说明", "en": "Message"},
    "upload.level.error": {"zh": "错误", "en": "Error"},
    "upload.level.warning": {"zh": "警告", "en": "Warning"},
    "upload.level.info": {"zh": "提示", "en": "Info"},
    "upload.col.region": {"zh": "地区", "en": "Region"},
    "upload.col.metric": {"zh": "指标", "en": "Metric"},
    "upload.col.value": {"zh": "数值", "en": "Value"},
    "upload.col.unit": {"zh": "单位", "en": "Unit"},
    "upload.col.qualifier": {"zh": "限定", "en": "Qualifier"},
    "upload.col.period": {"zh": "期间", "en": "Period"},
    "upload.col.source_row": {"zh": "原表行号", "en": "Row in file"},
    "upload.col.existing": {"zh": "已有数值", "en": "Stored value"},
    "upload.col.new": {"zh": "新数值", "en": "New value"},
    "upload.col.existing_from": {"zh": "已有数值来自", "en": "Stored value from"},
    "upload.col.choice": {"zh": "采用", "en": "Keep"},
    "upload.choice.existing": {"zh": "保留已有", "en": "stored value"},
    "upload.choice.new": {"zh": "采用新值", "en": "new value"},
    "upload.duplicate": {
        "zh": "同一文件已于 {when}（北京时间）由 {who} 上传（编号 {upload_id}，文件名 {file}），不再重复保存。",
        "en": "The same file was already uploaded on {when} (Beijing time) by {who} (upload {upload_id}, file {file}); it is not stored twice.",
    },
    "upload.conflicts": {
        "zh": "有 {n} 个数字与已保存的数据（同一地区、指标、期间）不同。请逐个选择采用哪个值：",
        "en": "{n} figure(s) differ from stored figures for the same region, metric and period. Choose which value to keep:",
    },
    "upload.uploader": {"zh": "上传人（姓名或单位）", "en": "Uploaded by (name or office)"},
    "upload.uploader_required": {"zh": "请填写上传人。", "en": "Please say who is uploading."},
    "upload.confirm": {"zh": "确认保存", "en": "Confirm and store"},
    "upload.saving": {"zh": "正在保存 {done}/{total} 个数字…", "en": "Storing {done}/{total} figures…"},
    "upload.saved": {
        "zh": "已保存 {file}：{figures} 个数字（上传编号 {upload_id}）。对比页和数据来源页已更新。",
        "en": "Stored {file}: {figures} figures (upload {upload_id}). The comparison and sources pages now show them.",
    },
    "upload.save_failed": {"zh": "保存失败，未改变任何已保存的数据：{error}", "en": "Saving failed; nothing stored was changed: {error}"},
    "upload.history": {"zh": "已上传的文件", "en": "Past uploads"},
    "upload.history_empty": {"zh": "还没有上传过文件。", "en": "Nothing has been uploaded yet."},
    "upload.col.upload_id": {"zh": "上传编号", "en": "Upload"},
    "upload.col.file": {"zh": "文件名", "en": "File"},
    "upload.col.uploader": {"zh": "上传人", "en": "Uploaded by"},
    "upload.col.when": {"zh": "时间（北京时间，UTC+8）", "en": "When (Beijing time, UTC+8)"},
    "upload.col.rows": {"zh": "行数", "en": "Rows"},
    "upload.col.figures": {"zh": "数字数", "en": "Figures"},
    "upload.col.status": {"zh": "状态", "en": "Status"},
    "upload.status_active": {"zh": "有效", "en": "active"},
    "upload.status_removed": {"zh": "已删除", "en": "removed"},
    "upload.manage": {"zh": "选择一次上传", "en": "Choose an upload"},
    "upload.remove": {"zh": "删除（可恢复）", "en": "Remove (can be restored)"},
    "upload.restore": {"zh": "恢复", "en": "Restore"},
    "upload.removed": {"zh": "已删除上传 {upload_id}；它的数字不再显示，可随时恢复。", "en": "Removed upload {upload_id}; its figures are hidden and can be restored."},
    "upload.restored": {"zh": "已恢复上传 {upload_id}。", "en": "Restored upload {upload_id}."},
    "upload.action_failed": {"zh": "操作未完成：{error}", "en": "Not done: {error}"},
    "upload.download_original": {"zh": "下载原始文件", "en": "Download the original file"},
    # Uploaded figures wherever they are shown (overview cards and sources, the sidebar): marked as uploaded.
    "overview.uploaded_mark": {"zh": "上传数据", "en": "uploaded"},
    "overview.uploaded_group": {"zh": "{heading} · 上传数据", "en": "{heading} · uploaded figures"},
    "overview.uploaded_by": {
        "zh": "上传数据（非新闻发布会原文）：文件 {file}，上传人 {who}，{when}（北京时间），上传编号 {upload}",
        "en": "Uploaded figure (not from a press conference): file {file}, uploaded by {who} on {when} (Beijing time), upload {upload}",
    },
    "overview.uploaded_id": {
        "zh": "上传数据（非新闻发布会原文）：上传编号 {upload}",
        "en": "Uploaded figure (not from a press conference): upload {upload}",
    },
    "overview.uploaded_line": {"zh": "{detail}：{region}{count}项数据。", "en": "{detail}: {count} figures for {region}."},
    "overview.uploaded_cards_left_out": {
        "zh": "为保证页面速度，上传数据卡片只显示前 {shown} 张，另有 {left_out} 张未显示（官方数据全部显示）。全部数字见“数据来源”页，可下载。",
        "en": "To keep the page fast, only the first {shown} uploaded-figure cards are shown; {left_out} more are not "
        "(every official figure is shown). The sources page lists and downloads every figure.",
    },
    "app.about_official": {
        "zh": "官方数字取自政府新闻发布会原文：{sources}。每张图下方可查看数据与出处。",
        "en": "Official figures come from government press conferences: {sources}. Under each chart you can see its data and source.",
    },
    "app.about_uploads": {
        "zh": "另含分析员上传的数据（{uploads} 次上传，{files}），标有“上传数据”，不是新闻发布会原文。",
        "en": "Also shown: figures uploaded by analysts ({uploads} upload(s): {files}), marked “uploaded”; they are not press-conference text.",
    },
    "app.about_no_uploads": {"zh": "没有上传的数据。", "en": "No uploaded figures are included."},
}

