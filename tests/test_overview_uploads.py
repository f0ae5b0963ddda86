"""Uploaded figures on the overview (issue 11.3, 12.12): official cards keep their place, uploaded
ones are marked with file, uploader and time, the sidebar says what is included, and however many
figures an upload brings the page draws a bounded number of cards and says so."""

from __future__ import annotations

import time

import pandas as pd
import pytest

import ui.data
from charts.cards import UPLOADED_CARD_LIMIT, build_card_view, build_cards
from loaders.catalog import load_catalog
from loaders.frame import build_all_figures
from loaders.store import Store
from loaders.tables import check_bytes
from tests.test_pages import all_text, open_page

# A Baise table repeating headline metrics for a new period: ten uploaded cards would compete for
# Baise's nine slots.
BAISE_CSV = (
    "地区,年份,立案数,发案数,群众被骗损失,挽回群众损失,打击处理人数,打掉犯罪团伙,捣毁窝点,破获案件,冻结资金,群众被骗损失同比下降\n"
    "百色市,2025,1500,1400,3000万元,500万元,300,12,7,800,900万元,32.1%\n"
).encode()
OFFICIAL_FIRST_VIEW = {
    "bs24-001", "bs24-002", "bs24-003", "bs24-004", "bs24-005", "bs24-007", "bs24-008", "bs24-012", "bs24-027",
}  # fmt: skip


@pytest.fixture
def store_url(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv("ANTIFRAUD_DB_URL", url)
    ui.data.clear_data_cache()
    yield url
    ui.data.clear_data_cache()


def save(url: str, data: bytes, name: str, who: str) -> str:
    report = check_bytes(data, name)
    assert report.status != "rejected", [m.message_en for m in report.messages]
    return Store(url).save_upload(report, data, name, who)


def test_an_upload_never_pushes_official_cards_off(store_url):
    upload_id = save(store_url, BAISE_CSV, "baise.csv", "百色市公安局")
    figures = build_all_figures()
    cards = build_cards(figures, "zh", load_catalog(), ["451000"])
    shown = [c.figure_id for c in cards]
    official = [f for f in shown if not f.startswith(upload_id)]
    assert set(official) == OFFICIAL_FIRST_VIEW
    assert shown[: len(official)] == official  # official first
    assert 0 < len(shown) - len(official) <= 9


def test_uploaded_cards_name_file_uploader_and_beijing_time(store_url):
    upload_id = save(store_url, BAISE_CSV, "baise.csv", "百色市公安局")
    uploads = Store(store_url).list_uploads()
    when = f"{uploads.uploaded_at.iloc[0] + pd.Timedelta(hours=8):%Y-%m-%d %H:%M}"
    cards, left_out = build_card_view(build_all_figures(), "zh", load_catalog(), ["451000"], True, uploads)
    uploaded = [c for c in cards if c.mark]
    assert left_out == 0 and uploaded
    for card in uploaded:
        assert card.mark == "上传数据" and card.group.endswith("· 上传数据")
        assert "baise.csv" in card.help and "百色市公安局" in card.help and f"{when}（北京时间）" in card.help
        assert upload_id in card.help
    assert all(not c.group.endswith("上传数据") for c in cards if not c.mark)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_marks_uploaded_cards_and_sources_and_the_sidebar_says_so(store_url, lang):
    save(store_url, BAISE_CSV, "baise.csv", "百色市公安局")
    at = open_page("overview", lang, all="1")
    mark = "上传数据" if lang == "zh" else "uploaded"
    badge = f":orange-badge[{mark}]"
    labels = [m.label for m in at.metric]
    assert sum(badge in label for label in labels) >= 10
    official = [m for m in at.metric if badge not in m.label]
    assert all("baise.csv" not in (m.help or "") for m in official)
    assert all("baise.csv" in (m.help or "").replace("\\", "") for m in at.metric if badge in m.label)
    sources = "\n".join(el.value for el in at.markdown).replace("\\", "")
    assert "baise.csv" in sources and "百色市公安局" in sources
    sidebar = " ".join(el.value for el in at.sidebar.caption).replace("\\", "")
    assert "baise.csv" in sidebar
    assert ("分析员上传" if lang == "zh" else "uploaded by analysts") in sidebar
    assert "所有数字均取自" not in sidebar and "Every number comes from" not in sidebar


def test_sidebar_without_uploads_names_the_press_conferences(store_url):
    at = open_page("overview", "zh")
    sidebar = " ".join(el.value for el in at.sidebar.caption).replace("\\", "")
    assert "甘肃省人民政府新闻办新闻发布会" in sidebar and "百色市打击治理电信网络诈骗犯罪工作新闻发布会" in sidebar
    assert "没有上传的数据" in sidebar


def many_metrics(count: int) -> pd.DataFrame:
    """The curated figures plus an upload of `count` distinct metrics for Baise (one row each)."""
    figures = build_all_figures(include_uploaded=False)
    template = figures[figures.figure_id == "bs24-007"].iloc[0].to_dict()
    numbers = range(1, count + 1)
    rows = pd.DataFrame([template] * count)
    rows["figure_id"] = [f"u-big-{i:06d}" for i in numbers]
    rows["fact_id"] = rows["figure_id"]
    rows["metric_id"] = [f"custom_{i:06d}" for i in numbers]
    rows["metric_zh"] = [f"自定义指标{i}" for i in numbers]
    rows["metric_en"] = [f"Custom metric {i}" for i in numbers]
    rows["value"] = [float(i) for i in numbers]
    rows["period_start"], rows["period_end"], rows["period_text"] = "2025-01-01", "2025-06-30", "上半年"
    rows["source_id"], rows["upload_id"], rows["evidence"] = "upload:big", "u-big", "big.csv"
    return pd.concat([figures, rows], ignore_index=True)


def test_cards_are_bounded_however_many_metrics_an_upload_brings():
    figures = many_metrics(5_000)
    curated_regions = list(dict.fromkeys(build_all_figures(include_uploaded=False)["region_code"]))
    cards, left_out = build_card_view(figures, "en", load_catalog(), curated_regions, show_all=True)
    official = build_cards(build_all_figures(include_uploaded=False), "en", load_catalog(), show_all=True)
    assert [c for c in cards if not c.mark] == official  # every official card, unchanged
    assert sum(bool(c.mark) for c in cards) == UPLOADED_CARD_LIMIT
    assert left_out == 5_000 - UPLOADED_CARD_LIMIT


def test_overview_with_100000_uploaded_metrics_draws_a_bounded_page(monkeypatch):
    figures = many_metrics(100_000)
    monkeypatch.setattr(ui.data, "build_all_figures", lambda: figures)
    ui.data.clear_data_cache()
    try:
        at = open_page("overview", "zh")  # loads the figures once
        started = time.perf_counter()
        at.toggle(key="overview_show_all").set_value(True).run()
        seconds = time.perf_counter() - started
    finally:
        ui.data.clear_data_cache()
    assert not at.exception
    official = build_cards(build_all_figures(include_uploaded=False), "zh", load_catalog(), show_all=True)
    assert len(at.metric) <= len(official) + UPLOADED_CARD_LIMIT
    assert f"另有 {100_000 - UPLOADED_CARD_LIMIT} 张未显示" in all_text(at)
    assert seconds < 10, seconds  # 23.6 s in the browser before the bound (issue 12.12)
