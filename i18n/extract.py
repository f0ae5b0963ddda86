"""Messages of the press-release review on the upload page; i18n.messages merges them into the one catalogue."""

from __future__ import annotations

EXTRACT_MESSAGES: dict[str, dict[str, str]] = {
    "extract.title": {"zh": "从新闻稿提取数据", "en": "Figures from a press release"},
    "extract.intro": {
        "zh": "粘贴新闻发布会实录或警情通报的文字，或上传 .txt / .html 文件：系统提出其中的统计数字，"
        "由您逐条核对、修改、删除或补充，填写来源后保存为一次普通上传。未经核对的数字不会保存。",
        "en": "Paste the text of a press conference or police bulletin, or drop a .txt / .html file: the figures it "
        "states are proposed for you to check, correct, delete or add to; with the source filled in they are saved "
        "as an ordinary upload. Nothing is stored unreviewed.",
    },
    "extract.file": {"zh": "新闻稿文件（.txt 或 .html）", "en": "Press-release file (.txt or .html)"},
    "extract.paste": {"zh": "或粘贴文字", "en": "or paste the text"},
    "extract.review": {
        "zh": "提出了 {figures} 个数字。请逐条核对：取消勾选“保留”即不保存；标为存疑的行默认不保留。",
        "en": "{figures} figures proposed. Check each one: untick “keep” to leave it out; doubtful rows start unticked.",
    },
    "extract.highlight": {
        "zh": "原文中标出了每个数字的依据，角标为表格中的行号（#）；淡红色虚线框、带“?”角标的为存疑数字。",
        "en": "Each figure's evidence is marked in the text; the badge is its row (#) in the table. Doubtful figures "
        "are pale red with a dashed outline and a “?” badge.",
    },
    "extract.highlight_cut": {
        "zh": "原文较长，只显示前 {shown} 个字（共 {total} 个字）；其后的数字只在表格中列出。",
        "en": "The text is long: only its first {shown} characters of {total} are shown; figures after that are "
        "listed in the table only.",
    },
    "extract.row_help": {"zh": "原文标注中的行号", "en": "The row number on the marks in the text"},
    "extract.keep": {"zh": "保留", "en": "keep"},
    "extract.doubtful": {"zh": "存疑原因", "en": "doubtful because"},
    "extract.evidence": {"zh": "原文依据", "en": "evidence"},
    "extract.offset": {"zh": "位置（字）", "en": "offset (characters)"},
    "extract.source_name": {"zh": "来源名称", "en": "Source name"},
    "extract.source_date": {"zh": "发布日期", "en": "Date published"},
    "extract.source_url": {"zh": "网址", "en": "Address (URL)"},
    "extract.check": {"zh": "校验并保存", "en": "Check and save"},
    "extract.source_required": {
        "zh": "请填写来源名称和上传人",
        "en": "Fill in the source name and the uploader",
    },
}
