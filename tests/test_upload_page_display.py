"""What the upload page shows (issue 11.2, 11.5, 11.6, 12.3): the preview's values as the pages show
them, only accepted file types, Beijing time, no "already uploaded" right after a save, file names as text."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from loaders.store import Store
from tests.filled_template import filled_template_csv
from tests.test_upload_page import db_url, run_page, texts, upload  # noqa: F401 - db_url is a fixture

CHANGES_CSV = "地区,年份,群众被骗损失同比下降,立案数\n百色市,2024,32.1%,1500\n".encode()


def table_with(at, column: str) -> pd.DataFrame:
    """The page's dataframe that has `column`."""
    return next(el.value for el in at.dataframe if column in el.value.columns)


def preview(at) -> pd.DataFrame:
    return table_with(at, "原表行号" if "原表行号" in str([el.value.columns for el in at.dataframe]) else "Row in file")


@pytest.mark.parametrize(
    ("lang", "column", "shown"),
    [("zh", "数值", "同比下降32.1%"), ("en", "Value", "down 32.1% year on year")],
)
def test_preview_shows_the_direction_and_basis_of_a_change(db_url, lang, column, shown):  # noqa: F811
    at = upload(run_page(lang), "changes.csv", CHANGES_CSV)
    assert not at.exception
    values = list(preview(at)[column])
    assert shown in values, values
    assert ("32.1%" if lang == "zh" else "32.1%") not in values  # never the bare number without its sign


def test_uploader_offers_only_the_types_the_checker_reads(db_url):  # noqa: F811
    uploader = run_page().get("file_uploader")[0]
    assert sorted(uploader.proto.type) == [".csv", ".txt", ".xlsx"]
    assert "TXT" in uploader.proto.label and ".xls" in uploader.proto.label  # says .xls is not read


def save(at, who: str = "百色市公安局"):
    at.text_input(key="upload_uploader").input(who)
    at.button(key="upload_confirm").click()
    return at.run()


def test_no_already_uploaded_warning_right_after_a_save(db_url):  # noqa: F811
    at = save(upload(run_page(), "模板.csv", filled_template_csv()))
    assert not at.exception
    assert "已保存" in texts(at)
    assert "不再重复保存" not in texts(at), texts(at)
    assert len(Store(db_url).list_uploads()) == 1


def test_upload_times_are_shown_in_beijing_time(db_url):  # noqa: F811
    at = save(upload(run_page(), "模板.csv", filled_template_csv()))
    stored = Store(db_url).list_uploads().uploaded_at.iloc[0]  # UTC
    column = "时间（北京时间，UTC+8）"
    history = table_with(at, column)
    assert list(history[column]) == [f"{stored + pd.Timedelta(hours=8):%Y-%m-%d %H:%M}"]


def test_the_same_file_again_names_beijing_time(db_url):  # noqa: F811
    data = filled_template_csv()
    save(upload(run_page(), "模板.csv", data))
    stored = Store(db_url).list_uploads().uploaded_at.iloc[0]
    at = upload(run_page(), "again.csv", data)
    assert f"{stored + pd.Timedelta(hours=8):%Y-%m-%d %H:%M}（北京时间）" in texts(at).replace("\\", "")


URL_FILE = "见 http://evil.example 与 www.evil.example a@evil.example.csv"
# remark-gfm's autolink literal patterns (mdast-util-gfm-autolink-literal), run on the text after escapes.
AUTOLINK = re.compile(r"(https?://|www(?=\.))([-.\w]+)|([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)", re.IGNORECASE | re.ASCII)


def unescaped(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def test_a_file_name_with_a_url_is_never_a_link(db_url):  # noqa: F811
    at = save(upload(run_page(), URL_FILE, filled_template_csv()))
    bodies = [el.value for kind in ("success", "warning", "error", "info", "markdown", "caption") for el in at.get(kind)]
    bodies += [el.proto.label for el in at.get("expandable")]  # st.status labels
    assert any("evil" in body for body in bodies)
    for body in bodies:
        assert not AUTOLINK.search(unescaped(body)), body


def many_figures_csv(count: int) -> bytes:
    """A tidy CSV of `count` figures: one city's 立案数, 破案数 and 打击处理人数 month by month from
    January 1990 (periods that have not begun yet are refused, so no more than three a month)."""
    metrics = [("立案数", "起"), ("破案数", "起"), ("打击处理人数", "人")]
    lines = ["地区,期间,指标,数值,单位"]
    lines += [f"百色市,{1990 + i // 3 // 12}年{i // 3 % 12 + 1}月,{metrics[i % 3][0]},{100 + i},{metrics[i % 3][1]}"
              for i in range(count)]
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize(("lang", "caption"), [("zh", "显示前 1,000 行，共 1,203 行"), ("en", "Showing the first 1,000 rows of 1,203")])
def test_the_preview_shows_the_first_thousand_rows_and_says_how_many_there_are(db_url, lang, caption):  # noqa: F811
    at = upload(run_page(lang), "many.csv", many_figures_csv(1_203))
    assert not at.exception
    assert "1,203" in texts(at) or "1203" in texts(at), texts(at)  # every figure is checked and will be stored
    shown = preview(at)
    assert len(shown) == 1_000
    assert list(shown.iloc[:2, 0]) == ["2", "3"]  # the file's first data rows, in order
    assert caption in [el.value for el in at.caption]


def test_a_preview_under_the_cap_shows_every_row_without_a_count(db_url):  # noqa: F811
    at = upload(run_page(), "few.csv", many_figures_csv(30))
    assert len(preview(at)) == 30
    assert not [el.value for el in at.caption if "显示前" in el.value]
