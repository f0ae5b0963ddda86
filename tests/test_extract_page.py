"""The press-release review on the upload page (AppTest): propose, warn, store only on confirmation."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from streamlit.testing.v1 import AppTest

import ui.extract
from loaders import access
from loaders.extract import extract_text
from loaders.store import Store
from tests.conftest import REPO
from ui.extract import review_frame

PAGE = str(REPO / "pages" / "upload.py")
TEXT = "百色市通报\n2024年3月5日\n今年以来，全市破获案件321起。本月发案31起，环比上月25起，上升30%。"


@pytest.fixture
def db_url(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    monkeypatch.setenv("ANTIFRAUD_DB_URL", url)
    monkeypatch.delenv(access.ENV_VAR, raising=False)
    return url


def pasted(lang: str = "zh", text: str = TEXT) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    at.text_area(key="extract_text").input(text)
    return at.run()


def test_pasted_text_is_proposed_with_the_recheck_warning_and_nothing_stored(db_url):
    at = pasted()
    assert not at.exception
    warnings = "\n".join(str(w.value) for w in at.warning)
    assert "31起" in warnings and "25起" in warnings
    assert Store(db_url).read_figures().empty


def test_saving_needs_a_source_then_stores_an_ordinary_upload(db_url):
    at = pasted("en")
    at.button(key="extract_check").click()
    at = at.run()
    assert "source name" in "\n".join(str(e.value) for e in at.error)
    assert Store(db_url).read_figures().empty
    at.text_input(key="extract_source_name").input("百色市公安局通报")
    at.text_input(key="extract_uploader").input("analyst")
    at.button(key="extract_check").click()
    at = at.run()
    assert not at.exception
    stored = Store(db_url).read_figures()
    assert sorted(stored["value"].tolist()) == [25, 30, 31, 321]
    uploads = Store(db_url).list_uploads()
    assert len(uploads) == 1 and uploads["file_name"].iloc[0].startswith("extract-")


# A doubtful figure (a single victim's story), nested evidences (分别下降 …) and text that must stay inert.
UNSAFE = "<script>alert(1)</script> **bold** [x](http://evil.example) see https://evil.example/y"
MARKED = TEXT + "王女士被骗5万元。电诈、盗窃分别下降15.9%、20.5%。\n" + UNSAFE


class MarkReader(HTMLParser):
    """Reads the highlighted HTML back: the visible text, which characters are marked how, and the row badges."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text, self.kinds, self.badges, self.tags = "", [], [], []
        self.mark, self.sup, self.in_style = None, None, False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        doubtful = ("class", "af-doubt") in attrs
        if tag == "mark":
            self.mark = "doubt" if doubtful else "mark"
        elif tag == "sup":
            self.sup = doubtful
        elif tag == "style":
            self.in_style = True

    def handle_endtag(self, tag):
        if tag == "mark":
            self.mark = None
        elif tag == "style":
            self.in_style = False

    def handle_data(self, data):
        if self.in_style:
            return
        if self.sup is not None:
            self.badges.append((data, self.sup, len(self.text)))
            self.sup = None
            return
        self.text += data
        self.kinds += [self.mark] * len(data)


def highlighted(at: AppTest) -> str:
    bodies = [h.proto.body for h in at.html if "af-evtext" in h.proto.body]
    assert len(bodies) == 1
    return bodies[0]


def test_the_text_shows_each_evidence_marked_with_its_row_and_doubtful_ones_apart(db_url):
    at = pasted("zh", MARKED)
    assert not at.exception
    reader = MarkReader()
    reader.feed(highlighted(at))
    assert reader.text == MARKED  # the whole text, verbatim
    figures = extract_text(MARKED).figures
    frame = review_frame(extract_text(MARKED))
    assert frame["#"].tolist() == list(range(1, len(figures) + 1))
    assert any(f.doubtful for f in figures) and not all(f.doubtful for f in figures)
    # one badge per row, right after that row's evidence, "?" and the doubtful class on a doubtful row
    expected = [(f"{row}?" if f.doubtful else f"{row}", f.doubtful, f.end) for row, f in enumerate(figures, 1)]
    assert sorted(reader.badges, key=lambda b: (b[2], b[0])) == sorted(expected, key=lambda b: (b[2], b[0]))
    for row, f in zip(frame["#"], figures, strict=True):
        assert MARKED[f.start : f.end] == frame.loc[row - 1, "evidence"]
        kinds = set(reader.kinds[f.start : f.end])
        assert kinds == ({"doubt"} if f.doubtful else {"mark"}), (row, f.evidence, kinds)
    covered = {i for f in figures for i in range(f.start, f.end)}
    assert all(kind is None for i, kind in enumerate(reader.kinds) if i not in covered)
    assert "王女士被骗5万元" in [f.evidence for f in figures if f.doubtful]


def test_pasted_markup_links_and_urls_show_as_literal_text(db_url):
    at = pasted("en", MARKED)
    body = highlighted(at)
    reader = MarkReader()
    reader.feed(body)
    assert UNSAFE in reader.text  # <script>, **bold**, [x](…) and the bare URL as typed
    assert set(reader.tags) <= {"style", "div", "mark", "b", "sup"}  # no script, no a, nothing from the text
    assert "href" not in body and "<script" not in body and "&lt;script&gt;" in body
    # the bare URL carries nothing a Markdown renderer would link: it is only ever in st.html, never in Markdown
    assert not [m for m in at.markdown if "evil.example" in str(m.value)]
    assert "marked in the text" in "\n".join(str(c.value) for c in at.caption)


def test_a_long_text_is_cut_and_says_so(db_url, monkeypatch):
    monkeypatch.setattr(ui.extract, "SHOWN_CHARS", 40)
    at = pasted("en", MARKED)
    assert not at.exception
    reader = MarkReader()
    reader.feed(highlighted(at))
    assert reader.text == MARKED[:40]
    assert f"first 40 characters of {len(MARKED)}" in "\n".join(str(c.value) for c in at.caption)
    assert [b[0] for b in reader.badges] == ["1", "2"]  # rows past the cut are in the table only
