"""Press-release extraction: invented sentences for each behaviour, and measured recall on the seeds."""

from __future__ import annotations

import json

import pytest

from bench.extract import curated_documents, long_transcript, score
from loaders.__main__ import main
from loaders.extract import ExtractError, decode_text, extract_file, extract_text, html_to_text, read_document


def figs(text: str):
    return extract_text(text).figures


def one(text: str):
    found = figs(text)
    assert len(found) == 1, [f.to_dict() for f in found]
    return found[0]


# --- numbers, qualifiers, scales --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [
        ("今年以来共查获营业执照2.7万余本。", 27000, "at_least"),
        ("拦截诈骗电话3.5亿余次。", 350000000, "at_least"),
        ("冻结资金6.18亿元。", 618000000, "exact"),
        ("成功劝阻约7万名群众。", 70000, "about"),
        ("目前每天涉案号卡不足20张。", 20, "less_than"),
        ("清理僵尸账户3万多户。", 30000, "at_least"),
        ("发送预警短信过亿条。", 100000000, "at_least"),
        ("破获案件超过300起。", 300, "at_least"),
        ("排查窝点40个左右。", 40, "about"),
        ("抓获嫌疑人１２３名。", 123, "exact"),  # full-width digits
        ("攔截詐騙電話1.2億餘次。", 120000000, "at_least"),  # traditional
        ("挽回損失3.4萬元。", 34000, "exact"),
        ("日均推送预警 612余条。", 612, "at_least"),
        ("破获案件 1,234 起。", 1234, "exact"),
    ],
)
def test_values_are_normalised_with_their_qualifier(text, value, qualifier):
    f = one(text)
    assert (f.value, f.qualifier, f.measure) == (value, qualifier, "level")


def test_evidence_is_verbatim_with_offsets_and_the_shortest_phrase():
    text = "行动以来，查获涉案银行卡812张、手机卡903张。"
    a, b = figs(text)
    assert text[a.start : a.end] == a.evidence == "查获涉案银行卡812张"
    assert b.evidence == "手机卡903张" and text[b.number_start : b.number_end] == "903"


def test_full_width_text_keeps_original_offsets():
    text = "全市破获案件１２３起，同比上升１５．５％。"
    a, b = figs(text)
    assert (a.value, b.value, b.measure, b.direction, b.basis) == (123, 15.5, "change", "increase", "yoy")
    assert text[b.start : b.end] == b.evidence and b.evidence.endswith("１５．５％")


# --- changes, shares, compounds -------------------------------------------------------------


def test_a_change_is_magnitude_with_direction_and_basis():
    f = one("全市电诈发案数同比下降12.3%。")
    assert (f.measure, f.value, f.unit, f.direction, f.basis) == ("change", 12.3, "percent", "decrease", "yoy")
    assert f.metric_id == "fraud_cases"


def test_falling_to_a_value_is_a_level_not_a_change():
    a, b = figs("每天涉案号卡由行动前的80余张下降至目前的不足5张。")
    assert (a.measure, a.value, a.qualifier) == ("level", 80, "at_least")
    assert (b.measure, b.value, b.qualifier) == ("level", 5, "less_than")


def test_compound_changes_are_bound_to_their_subjects():
    found = figs("其中，刷单诈骗、冒充客服、网络贷款等诈骗环比分别下降11.1%、22.2%、33.3%。")
    assert [(f.value, f.measure, f.direction, f.basis) for f in found] == [
        (11.1, "change", "decrease", "mom"),
        (22.2, "change", "decrease", "mom"),
        (33.3, "change", "decrease", "mom"),
    ]
    assert [f.metric_zh for f in found] == ["刷单诈骗", "冒充客服", "网络贷款"]


def test_two_subjects_with_he():
    a, b = figs("全市立案数和损失数分别同比上升3.2%和4.1%。")
    assert (a.metric_id, a.value, a.direction) == ("cases_filed", 3.2, "increase")
    assert (b.metric_id, b.value, b.direction) == ("fraud_losses", 4.1, "increase")


def test_shares_listed_together():
    found = figs("三类诈骗占比分别为21.5%、13%、9.8%。")
    assert [(f.measure, f.value) for f in found] == [("share", 21.5), ("share", 13), ("share", 9.8)]


def test_count_then_share():
    a, b = figs("一是刷单类诈骗，发案210起，占比高达 35.1%。")
    assert (a.measure, a.value, a.metric_id) == ("level", 210, "fraud_cases")
    assert (b.measure, b.value, b.metric_id) == ("share", 35.1, "fraud_case_share")


def test_flat_and_doubled_are_changes_in_words_marked_for_review():
    flat = one("全市电诈发案数与去年同期基本持平。")
    assert (flat.measure, flat.value, flat.direction, flat.basis, flat.doubtful) == ("change", 0, "", "yoy", True)
    doubled = one("破案数同比翻了一番。")
    assert (doubled.measure, doubled.value, doubled.direction) == ("change", 100, "increase")


# --- not statistics -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "10月10日，我省启动专项行动。",
        "发布会于2023-05-06 09:30举行。",
        "遇到诈骗请拨打96110报警。",
        "出租电话卡的，5年内不得办理新卡。",
        "外地身份证一个月内仅允许办理1张号卡。",
        "实施暂停新开户业务1-3个月的监管措施。",
        "一是加强宣传，二是强化打击，第一时间报警。",
        "第3类诈骗最常见。",
        "“11·23”专案告破，净网2021行动继续推进。",
        "咨询电话0931-1234567。",
        "2022年，省公安厅部署行动。",
    ],
)
def test_not_statistics_are_left_out(text):
    assert figs(text) == []


def test_a_single_victims_loss_is_proposed_as_doubtful():
    f = one("市民王女士被骗18万元，民警及时止付。")
    assert f.doubtful and f.doubt == "individual_case" and f.value == 180000


# --- guesses ---------------------------------------------------------------------------------


def test_region_and_period_guesses():
    text = "百色市召开新闻发布会\n2024年3月5日\n今年以来，百色市公安机关破获案件321起。截至2月，挽回损失12万元。"
    a, b = figs(text)
    assert (a.region_code, a.period_text, a.period_start, a.period_end) == (
        "451000",
        "今年以来",
        "2024-01-01",
        "2024-03-05",
    )
    assert (b.period_text, b.period_start, b.period_end) == ("截至2月", "2024-01-01", "2024-02-29")


def test_unknown_metric_keeps_the_texts_own_words():
    f = one("今年共走访养老机构65家。")
    assert f.metric_new and f.metric_id == "" and "养老机构" in f.metric_zh


# --- published claims rechecked -----------------------------------------------------------------


def test_a_change_that_recomputes_gives_no_warning():
    r = extract_text("本月发案31起，环比上月25起，上升24%。")
    assert [m.code for m in r.messages] == []


def test_a_wrong_published_change_is_a_warning_naming_both_numbers():
    r = extract_text("本月发案31起，环比上月25起，上升30%。")
    (m,) = r.messages
    assert m.level == "warning" and m.code == "change_mismatch"
    assert "31起" in m.message_zh and "25起" in m.message_zh and "24" in m.message_en and "30" in m.message_en
    assert m.offset == r.figures[-1].number_start


def test_a_change_in_the_wrong_direction_is_a_warning():
    r = extract_text("本月发案20起，环比上月25起，上升20%。")
    assert [m.code for m in r.messages] == ["change_direction"]


def test_rounding_follows_the_published_decimals():
    assert extract_text("本月发案37起，较上月27起，上升37%。").messages == []  # 37.04 -> 37
    assert [m.code for m in extract_text("本月发案37起，较上月27起，上升37.1%。").messages] == ["change_mismatch"]


def test_shares_against_a_stated_total():
    ok = extract_text("全市共发案200起。其中刷单类诈骗发案50起，占比25%。")
    assert ok.messages == []
    bad = extract_text("全市共发案200起。其中刷单类诈骗发案50起，占比30%。")
    assert [m.code for m in bad.messages] == ["share_mismatch"]


def test_shares_whose_counts_imply_different_totals():
    ok = extract_text("一是刷单类，发案50起，占比25%。二是贷款类，发案30起，占比15%。")
    assert ok.messages == []
    bad = extract_text("一是刷单类，发案50起，占比25%。二是贷款类，发案30起，占比20%。")
    assert [m.code for m in bad.messages] == ["shares_inconsistent"]


def test_listed_shares_over_100_percent():
    r = extract_text("三类诈骗占比分别为61%、32%、9%。")
    assert [m.code for m in r.messages] == ["shares_over_100"]


def test_parts_against_the_whole():
    r = extract_text("全市共破获案件120起，其中电诈案件80起、盗窃案件50起。")
    assert [m.code for m in r.messages] == ["parts_exceed_whole"]


# --- files and the command line --------------------------------------------------------------


def test_decoding_bom_utf8_gb18030():
    s = "破获案件12起"
    assert decode_text(b"\xef\xbb\xbf" + s.encode()) == s
    assert decode_text(s.encode("utf-8")) == s
    assert decode_text(s.encode("gb18030")) == s


def test_undecodable_and_binary_files_are_clear_errors():
    with pytest.raises(ExtractError) as exc:
        decode_text(b"\x81\x30")
    assert exc.value.message.code == "undecodable"
    with pytest.raises(ExtractError) as exc:
        read_document(b"x", "report.pdf")
    assert exc.value.message.code == "unsupported_type" and ".pdf" in exc.value.message.message_zh


def test_html_is_read_as_its_visible_text():
    page = "<html><head><title>通报</title><style>p{}</style></head><body><p>破获案件&nbsp;45起</p><script>var a=99元;</script></body></html>"
    text = html_to_text(page)
    assert "通报" in text and "99" not in text
    assert [f.value for f in extract_text(text).figures] == [45]


def test_empty_text_is_an_error_message():
    r = extract_text("  \n ")
    assert r.figures == [] and r.messages[0].code == "empty_text"


def test_cli_json_and_csv(tmp_path, capsys):
    path = tmp_path / "bulletin.txt"
    path.write_bytes("今年以来，全市破获案件321起，同比上升12.5%。".encode("gb18030"))
    assert main(["extract", str(path), "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [f["value"] for f in payload["figures"]] == [321, 12.5] and payload["messages"] == []
    assert main(["extract", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("figure_id,") and len(out) == 3


def test_cli_bad_file_is_a_message_not_a_traceback(tmp_path, capsys):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"\x81\x30\x81")
    assert main(["extract", str(path), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "neither UTF-8 nor GB18030" in err and "Traceback" not in err
    assert extract_file(tmp_path / "missing.txt").messages[0].code == "unreadable_file"


# --- measured on the curated documents -----------------------------------------------------------


def test_recall_on_the_curated_documents_is_at_least_95_percent(seeds_dir):
    documents = curated_documents(seeds_dir)
    assert len(documents) >= 2
    for source_id, path, rows in documents:
        text = path.read_text(encoding="utf-8")
        s = score(source_id, text, rows, extract_text(text))
        assert s.recall >= 0.95, (source_id, s.recall, s.missed)
        assert s.precision >= 0.8, (source_id, s.precision, [e["evidence"] for e in s.extra])


def test_evidence_offsets_point_into_the_seed_text(seeds_dir):
    for _source_id, path, _rows in curated_documents(seeds_dir):
        text = path.read_text(encoding="utf-8")
        for f in extract_text(text).figures:
            assert text[f.start : f.end] == f.evidence and f.start <= f.number_start < f.number_end <= f.end


def test_the_scorer_can_fail():
    rows = [
        {
            "figure_id": "x-1",
            "measure": "level",
            "value": "12",
            "qualifier": "exact",
            "direction": "",
            "evidence": "破获案件12起",
        }
    ]
    assert score("x", "破获案件12起。", rows, extract_text("破获案件12起。")).recall == 1
    assert score("x", "破获案件12起。", rows, extract_text("破获案件13起。")).recall == 0


def test_long_transcript_is_what_the_benchmark_measures(seeds_dir):
    assert len(long_transcript(seeds_dir)) == 20_000


# --- patterns found on the second development set (bench/extract_devset) -------------------------


def test_percentage_points_are_their_own_unit_not_percent():
    f = one("全市电诈发案占刑事案件比重同比下降3.2个百分点。")
    assert (f.measure, f.value, f.unit, f.direction, f.basis) == ("change", 3.2, "percentage_points", "decrease", "yoy")
    g = one("破案率同比上升5.1个百分点。")
    assert (g.unit, g.direction) == ("percentage_points", "increase")


@pytest.mark.parametrize(
    ("text", "measure", "value", "qualifier", "direction"),
    [
        ("损失金额同比下降近三成。", "change", 30, "about", "decrease"),
        ("发案数下降近3成。", "change", 30, "about", "decrease"),
        ("刷单类诈骗占比超五成。", "share", 50, "at_least", ""),
        ("被骗群众中老年人占四成左右。", "share", 40, "about", ""),
    ],
)
def test_tenths_are_read_as_percent(text, measure, value, qualifier, direction):
    f = one(text)
    assert (f.measure, f.value, f.unit, f.qualifier, f.direction) == (measure, value, "percent", qualifier, direction)


def test_tenths_are_not_read_inside_words():
    assert [f.unit_text for f in figs("专班成员3名成功劝阻，组成两个小组。")] == ["名"]
    assert [f.unit for f in figs("专案组成功打掉团伙7个。")] == ["gangs"]


def test_streaks_are_statistics_in_their_own_unit():
    a, b, c = figs("发案数连续13个月下降，冒充客服类案件连续两个月环比下降，已连续45天未发案。")
    assert (a.measure, a.value, a.unit) == ("level", 13, "months")
    assert (b.measure, b.value, b.unit) == ("level", 2, "months")
    assert (c.measure, c.value, c.unit) == ("level", 45, "days")


def test_a_count_word_is_not_replaced_by_a_money_metric():
    f = one("全市88起财产损失案件全部破获。")
    assert (f.value, f.unit) == (88, "cases")


def test_absolute_changes_week_on_week():
    a, b, c = figs("接报刑事警情70起，比前一周增加6起；诈骗警情31起，较上周减少3起。")[1:4]
    assert (a.measure, a.value, a.unit, a.direction, a.basis) == ("change", 6, "cases", "increase", "mom")
    assert (b.measure, b.value) == ("level", 31)
    assert (c.measure, c.value, c.direction, c.basis) == ("change", 3, "decrease", "mom")


def test_a_change_stated_for_both_bases_is_two_rows():
    found = figs("本月接报抢劫警情3起，环、同比均持平。")
    assert [(f.measure, f.value, f.basis) for f in found] == [
        ("level", 3, ""),
        ("change", 0, "mom"),
        ("change", 0, "yoy"),
    ]
    found = figs("涉校诈骗警情环比和同比的降幅均在40%以上。")
    assert [(f.value, f.qualifier, f.direction, f.basis) for f in found] == [
        (40, "at_least", "decrease", "mom"),
        (40, "at_least", "decrease", "yoy"),
    ]
    # one basis word nearer to the number wins over an earlier pair
    found = figs("同比、环比情况见下表。其中盗窃警情同比下降7.5%。")
    assert [(f.value, f.basis) for f in found] == [(7.5, "yoy")]


def test_a_class_boundary_is_not_a_statistic_but_a_stated_minimum_is():
    assert [f.value for f in figs("全市96起损失20万元以上案件全部破获。")] == [96]
    assert [f.value for f in figs("涉案金额在50万元以下的案件占比62%。")] == [62]
    f = one("抓获犯罪嫌疑人300人以上。")
    assert (f.value, f.qualifier) == (300, "at_least")


def test_a_schedule_is_not_a_statistic():
    assert figs("严格执行7×24小时值班制度。") == []


def test_falling_to_a_share_is_a_share_level():
    a, b = figs("贷款类案件占比由年初的38%下降至17%。")
    assert [(f.measure, f.value) for f in (a, b)] == [("share", 38), ("share", 17)]
