"""Uploaded text and the upload page in a real Chromium (issue 11.5, 11.6, 11.9, 12.3).

- A URL, a www. name or an e-mail address in uploaded text (metric name, note, file name, uploader)
  is shown as text on every page, never as a link.
- English card labels fit their cards at 1400 px (the unit was cut off).
- The uploader speaks the user's language and offers only the accepted types.
- The upload-history picker shows the status after a removal and a restore.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.store import Store
from loaders.tables import check_bytes
from tests.e2e.conftest import require_chromium, running_app

pytestmark = pytest.mark.e2e
require_chromium()
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the python playwright package")
expect = sync_api.expect

LOAD_MS = 60_000
URL_METRICS_CSV = "地区,年份,见 http://evil.example,立案数\n百色市,2024,5,1500\n".encode()
URL_NOTE_CSV = (
    "地区,期间,指标,数值,计量单位,限定词,来源,备注\n"
    "百色市,2024年1-10月,立案数,1200,起,精确,百色市公安局 www.evil.example 或 tip@evil.example,无\n"
).encode()
UPLOADS = [
    ("见 www.evil.example.csv", URL_METRICS_CSV, "http://evil.example/who"),
    ("tip@evil.example.csv", URL_NOTE_CSV, "analyst@evil.example"),
]
# Anchors a bare URL, www. name or e-mail address would have become.
LINKS_JS = """() => Array.from(document.querySelectorAll('a'))
    .map(a => a.getAttribute('href') || '')
    .filter(h => h.includes('evil') || h.startsWith('mailto:'))"""
# Each card label's text box against its card: [text, overflowing its own box?, outside the card?].
LABELS_JS = """() => Array.from(document.querySelectorAll('[data-testid="stMetric"]')).map(card => {
    const box = card.getBoundingClientRect();
    const text = card.querySelector('[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"]');
    const p = text.querySelector('p') || text;
    const r = p.getBoundingClientRect();
    const cut = p.scrollWidth > p.clientWidth + 1 || text.scrollWidth > text.clientWidth + 1
        || getComputedStyle(p).textOverflow === 'ellipsis' && p.scrollWidth > p.clientWidth;
    const outside = r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1;
    return [p.textContent, cut, outside];
})"""


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    store = tmp_path_factory.mktemp("e2e_uploaded_text") / "store.db"
    url = f"sqlite:///{store}"
    for name, data, who in UPLOADS:
        report = check_bytes(data, name)
        assert report.status != "rejected", [m.message_en for m in report.messages]
        Store(url).save_upload(report, data, name, who)
    with running_app("dashboard.py", store) as base:
        yield base


@pytest.fixture
def page(browser):
    tab = browser.new_page(viewport={"width": 1400, "height": 2400}, locale="zh-CN")
    tab.set_default_timeout(LOAD_MS)
    yield tab
    tab.close()


def open_page(page, base: str, path: str) -> None:
    page.goto(f"{base}/{path}")
    expect(page.get_by_test_id("stMainBlockContainer").locator("h1").first).to_be_visible(timeout=LOAD_MS)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=LOAD_MS)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=LOAD_MS)  # the run has finished


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("?lang=zh&regions=451000&all=1", "evil.example"),
        ("?lang=en&regions=451000&all=1", "evil.example"),
        ("upload?lang=zh", "evil.example"),
        ("sources?lang=zh", None),
        ("compare?lang=zh", None),
        ("crackdown?lang=en", None),
        ("fraud_types?lang=en", None),
    ],
)
def test_uploaded_urls_are_text_not_links(app, page, path, shown):
    open_page(page, app, path)
    if shown:
        expect(page.get_by_test_id("stMainBlockContainer")).to_contain_text(shown)
    expect(page.get_by_test_id("stSidebar")).to_contain_text("evil.example")  # the sidebar names the files
    assert page.evaluate(LINKS_JS) == []
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_english_card_labels_fit_their_cards_at_1400px(app, page):
    open_page(page, app, "?lang=en&all=1")
    labels = page.evaluate(LABELS_JS)
    assert len(labels) > 60
    assert [label for label in labels if label[1] or label[2]] == []
    assert any(text.endswith("(persons)") for text, _, _ in labels)  # the unit is there to be seen
    Path("artifacts/screenshots").mkdir(parents=True, exist_ok=True)
    page.screenshot(path="artifacts/screenshots/overview_en_cards_1400.png", full_page=True)


def test_the_uploader_speaks_chinese_and_offers_only_accepted_types(app, page):
    open_page(page, app, "upload?lang=zh")
    dropzone = page.get_by_test_id("stFileUploaderDropzone").first  # the tables' uploader (the press-release one follows)
    expect(dropzone).to_be_visible()
    assert dropzone.get_by_test_id("stFileUploaderDropzoneInput").get_attribute("accept").split(",")[1:] == [
        ".csv",
        ".xlsx",
        ".txt",
    ]
    expect(dropzone.get_by_test_id("stFileUploaderDropzoneInstructions")).to_be_hidden()  # "100MB per file • CSV, …"
    button_text = dropzone.locator("button [data-testid=stMarkdownContainer] p")
    shown = button_text.evaluate("p => getComputedStyle(p, '::after').content")
    assert shown == '"选择文件"'
    assert button_text.evaluate("p => getComputedStyle(p).fontSize") == "0px"  # "Upload" is not seen
    label = page.get_by_test_id("stFileUploader").first.get_by_test_id("stWidgetLabel")
    expect(label).to_contain_text("CSV、XLSX 或 TXT")
    page.screenshot(path="artifacts/screenshots/upload_zh_dropzone.png")


def test_the_history_picker_follows_remove_and_restore(app, page):
    open_page(page, app, "upload?lang=zh")
    picker = page.get_by_test_id("stSelectbox").locator("input")
    before = picker.input_value()
    assert before.endswith("· 有效"), before
    chosen = before.rsplit("·", 1)[0]
    page.get_by_role("button", name="删除（可恢复）").click()
    expect(page.get_by_text("已删除上传", exact=False).first).to_be_visible()
    # The picker's key follows its labels: until the page's run ends the old picker stays beside the
    # new one (Streamlit removes stale elements then), which takes longer than 5 s on a loaded machine.
    expect(page.get_by_test_id("stSelectbox")).to_have_count(1, timeout=LOAD_MS)
    expect(picker).to_have_value(chosen + "· 已删除", timeout=LOAD_MS)
    page.get_by_role("button", name="恢复", exact=True).click()
    expect(page.get_by_text("已恢复上传", exact=False).first).to_be_visible()
    expect(page.get_by_test_id("stSelectbox")).to_have_count(1, timeout=LOAD_MS)
    expect(picker).to_have_value(chosen + "· 有效", timeout=LOAD_MS)
    expect(page.get_by_test_id("stException")).to_have_count(0)
