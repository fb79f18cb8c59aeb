"""Typed span extraction inside one normalized sentence."""

from __future__ import annotations

from qa.answering.question import analyze
from qa.answering.spans import case_spans, find_spans, leader_spans
from qa.normalize import normalize


def spans(question: str, sentence: str, people: set[str] | None = None) -> list[str]:
    s = normalize(sentence)
    return [s[sp.start : sp.end] for sp in find_spans(s, analyze(question), people or set())]


def best(question: str, sentence: str, people: set[str] | None = None) -> str:
    s = normalize(sentence)
    found = find_spans(s, analyze(question), people or set())
    top = max(found, key=lambda sp: sp.strength)
    return s[top.start : top.end]


def test_quantities_keep_units_magnitudes_and_qualifiers() -> None:
    sentence = "全市国内专利授权量23.51万件,商标注册量24.97万件,居全国第一;为企业减少损失超21亿美元,150余家企业"
    found = spans("专利授权量是多少?", sentence)
    assert "23.51万件" in found and "24.97万件" in found
    assert "超21亿美元" in spans("减少损失超过多少钱?", sentence)
    assert "150余家" in spans("多少家企业?", sentence)


def test_figures_grouped_in_thousands_are_one_figure() -> None:
    # Taiwan, Hong Kong and English-style pages group digits: 18,199件 is one figure, not 199件
    found = spans("本国人发明专利申请多少件?", "本國人發明專利18,199件,年增8%;外國人32,956件。")
    assert found[:2] == ["18,199件", "32,956件"]
    assert spans("金额多少?", "共计1,234.5万元") == ["1,234.5万元"]
    assert "123件" in spans("多少件?", "2023年,123件")  # a clause's comma after a year groups nothing


def test_quantity_unit_asked_for_ranks_first() -> None:
    sentence = "查办知识产权行政案件1796宗,海关查扣涉嫌侵权货物物品5822批次"
    assert best("查扣了多少批次货物?", sentence) == "5822批次"
    assert best("查办了多少宗案件?", sentence) == "1796宗"


def test_years_and_editions_are_not_quantities() -> None:
    found = spans("深圳获得多少项?", "2023年在第二十四届中国专利奖中深圳获奖96项")
    assert found == ["96项"]


def test_streak_ranking_ratio_and_fraction() -> None:
    assert spans("连续多少年居首位?", "PCT国际专利申请量1.59万件,连续20年居全国大中城市首位") == ["连续20年"]
    assert spans("在全省排第几?", "商标注册申请量18856件,全省排名第2位") == ["全省排名第2位"]
    assert "8.3倍" in spans("是全国平均的几倍?", "98.36件,是全国平均水平(11.8件)的8.3倍")
    assert "八分之一" in spans("占全国的多大比例?", "其中金奖5项,占全国的八分之一")
    assert "12%" in spans("占全国的百分之几?", "银奖7项,占全国12%(全国60项)")
    assert "1/5" in spans("带涉外因素的占多大比例?", "超过1/5的案例具有涉外因素")
    assert spans("占多大比例?", "截至2023/4/5,共发布12/31号文件") == []  # dates and numbers with slashes are no fractions


def test_a_subject_of_a_respectively_list_gets_its_own_figure() -> None:
    sentence = "2023年,沪、苏、浙、皖四省市新增发明专利授权量24.77万件(分别为4.43万件、10.79万件、6.5万件、3.05万件)"
    assert spans("2023年浙江省新增发明专利授权量是多少?", sentence) == ["6.5万件"]
    assert spans("上海新增发明专利授权多少?", sentence) == ["4.43万件"]
    assert "24.77万件" in spans("四省市新增发明专利授权量是多少?", sentence)  # no subject named: the total stays
    assert "24.77万件" in spans("沪苏浙皖四省市新增发明专利授权量合计多少?", sentence)  # all of them named: the total
    marks = "商标有效注册量达82.01万件,居全国首位;马德里国际注册商标、驰名商标分别达1982件、159件"
    assert spans("有多少件驰名商标?", marks) == ["159件"]
    assert spans("马德里国际注册商标有多少件?", marks) == ["1982件"]
    assert "82.01万件" in spans("商标有效注册量是多少?", marks)  # 注册 is said outside the list too: no choice
    assert spans("2022年专利授权量是多少?", "2021年、2022年和2023年专利授权量分别为10件、20件、30件") == ["20件"]
    # the figures may come later, after a second list of what was counted, with notes in brackets
    systems = "通过PCT、海牙、马德里体系分别提交专利、外观设计、商标国际注册申请73812件、1166件(2023年前11个月)、6196件,居世界前列"
    assert spans("通过海牙体系提交的外观设计国际申请有多少件?", systems) == ["1166件"]
    assert spans("马德里体系的商标国际注册申请有多少件?", systems) == ["6196件"]
    # figures paired with their shares ('2803批、7435.64万件,分别占…') are no subjects
    shares = "依职权扣留侵权嫌疑货物2803批、7435.64万件,分别占货运渠道扣留总数的98.97%、99.68%"
    assert spans("依职权扣留侵权嫌疑货物多少批?", shares)[0] == "2803批"


def test_common_measure_words_and_currencies_are_units() -> None:
    sentence = "今年的初创企业数目达到新高,有3755间,相关的创业投资接近100亿港元。"
    assert spans("香港新开的创业公司有多少家?", sentence)[0] == "3755间"  # 家 and 间 count the same things
    assert "近100亿港元" in spans("创业投资接近多少?", sentence)
    assert spans("惠及多少户企业?", "惠及企业3200户,发放贷款12亿元") == ["3200户"]


def test_a_question_of_how_long_is_answered_with_a_span_of_time() -> None:
    sentence = "发明专利平均审查周期缩短至16个月;商标注册平均审查周期稳定在4个月,一般情形商标注册周期稳定在7个月。"
    assert "7个月" in spans("一般情况下拿到商标注册要等多久?", sentence)
    assert spans("商标注册平均审查周期稳定在多少?", sentence)[1] == "4个月"  # whole units: not '4个'
    assert spans("多久能办结?", "2023年起,10个工作日内办结,共办结96件") == ["10个工作日"]  # no year, no count
    # a span of time asked in its unit (判了几年) is no count of anything else
    assert spans("被告人最后被判了几年?", "该案共抓获犯罪嫌疑人六人,其中主犯被判处有期徒刑三年") == ["三年"]
    assert spans("主犯被判了几年?", "4月25日,法院判决六人构成假冒注册商标罪。") == []


def test_the_parties_of_a_case_named_by_them() -> None:
    case = "三、 威海宏福置业有限公司与威海市水务集团有限公司滥用市场支配地位纠纷案〔最高人民法院(2022)最高法知民终395号〕"
    assert spans("这起案件的被告是谁?", case) == ["威海市水务集团有限公司"]
    assert spans("这起案件的原告是谁?", case) == ["威海宏福置业有限公司"]
    assert spans("原告是谁?", "在张三诉李四著作权侵权案中,法院判决赔偿") == ["张三"]
    assert best("十大案件的第三件是什么案件?", case) == "威海宏福置业有限公司与威海市水务集团有限公司滥用市场支配地位纠纷案"
    assert spans("是什么案件?", "发布2022年中国法院十大知识产权案件和50件典型知识产权案例") == []  # no case named
    assert spans("是什么案件?", "发布2009年中国法院十大专利案件和50件典型商标案例") == []
    # a list titles its cases by the right they are about
    assert spans("10大案件的第三件是什么案子?", "3、武汉晶源“烟气脱硫”方法专利案") == ["武汉晶源“烟气脱硫”方法专利案"]
    # a criminal case is named by its defendant and its cause; 什么案 asks for a case too
    assert spans("第6件是什么案?", "6. 叶某敏假冒注册商标案") == ["叶某敏假冒注册商标案"]
    assert case_spans(normalize("检察机关在办理侵犯商业秘密犯罪案件中,立足检察职能")) == []  # 案件 of a kind, no case
    # a party asked and no case named: no other person answers
    assert spans("被告是谁?", "会议由副院长陶凯元主持") == []


def test_organisation_names_end_on_their_kind_and_hold_no_conjunction() -> None:
    from qa.answering.spans import ORG_SUFFIX

    found = [m.group(0) for m in ORG_SUFFIX.finditer("苏州市科学技术局与中国银保监会苏州监管分局创新共建")]
    assert found == ["中国银保监会苏州监管分局"]  # 与 joins two organisations; 分局 ends one
    assert [m.group(0) for m in ORG_SUFFIX.finditer("中华人民共和国国家知识产权局发布")] == ["中华人民共和国国家知识产权局"]


def test_the_items_of_a_list_that_name_the_place_asked() -> None:
    sentence = "确定上海市浦东新区、江苏省苏州市、浙江省杭州市、浙江省宁波市、安徽省合肥市为首批示范区建设城市"
    assert best("其中浙江有哪两个?", sentence) == "浙江省杭州市、浙江省宁波市"


def test_a_deputy_is_not_the_head_asked() -> None:
    sentence = "最高人民法院副院长陶凯元、北京市高级人民法院院长寇昉、最高人民法院民三庭庭长林广海出席发布会"
    assert best("北京市高级人民法院院长是谁?", sentence) == "寇昉"
    assert best("最高人民法院副院长是谁?", sentence) == "陶凯元"


def test_one_predicate_says_what_is_a_share() -> None:
    from qa.answering.numbers import is_share

    assert all(is_share(x) for x in ("15.2%", "3倍", "1/5", "三分之一", "百分之十", "8.3‰"))
    assert all(is_share(x) for x in ("53.3 percent", "10 per cent", "2.5 times", "3 percentage points"))
    assert not any(is_share(x) for x in ("23.51万件", "1/5的案例", "2023年", "96项", "1.5 million", "times"))


def test_people_after_titles_and_known_names() -> None:
    sentence = "会议由市市场监管局副局长李军主持"
    assert spans("谁主持了会议?", sentence) == ["李军"]
    assert best("中心主任是谁?", "「……贡献了积极力量。」中心主任宋洋说") == "宋洋"
    assert spans("谁作了讲话?", "蔡英权在会上作了讲话", people={"蔡英权"}) == ["蔡英权"]
    # a three-character window stops before a verb: 金李在 -> 金李
    assert spans("代理副校长是谁?", "南方科技大学代理副校长金李在挂牌仪式上兴奋地说") == ["金李"]
    # four characters: a two-character surname, or a married name of two surnames, before a verb
    assert spans("行政长官是谁?", "行政長官林鄭月娥在同一論壇致辭時表示") == ["林郑月娥"]
    assert spans("谁是局长?", "局长欧阳明高表示") == ["欧阳明高"] and spans("谁是主任?", "主任司马南说") == ["司马南"]
    assert spans("谁主持?", "院长张文华主持会议") == ["张文华"]  # 文 is a surname too, but 主 follows
    assert spans("谁是司长?", "战略规划司司长葛树先生出席") == ["葛树"]  # an honorific after a name is no part of it
    # 委员 of 委员会 is no title: the chairman's name follows 主席
    assert spans("法案委员会的主席是谁?", "感谢法案委員會主席馬逢國議員及其他委员的努力") == ["马逢国"]


def test_dates_at_the_precision_asked() -> None:
    sentence = "2023年11月29日下午,在会务中心第三会议室召开发布会"
    assert best("发布会是哪天举行的?", sentence) == "2023年11月29日"
    assert best("哪一年度的评价工作情况?", "大会通报了2022年度知识产权保护工作站评价工作情况") == "2022年度"
    assert best("什么时候成立的?", "2020年4月,国家知识产权局深圳分中心正式成立") == "2020年4月"
    assert best("通知的成文日期是哪天?", "发布机构:市场监管局 成文日期: 2024-02-27") == "2024-02-27"
    assert best("哪天发布的?", "发布时间 2024/2/5 10:30") == "2024/2/5"
    assert spans("哪天发布的?", "版本号 2024.02.27.1") == []  # a version number, not a date


def test_a_name_asked_is_no_bare_figure() -> None:
    sentence = "2024年前七月外国申请人占61.8%,其中以日本占25%居首,其次为美国占13.4%"
    assert best("外国申请人中,哪个国家占比最高?", sentence) == "日本"  # not '占61.8%', nor '日本占'
    # the particle the question's words end on is the sentence's too: the gap starts after it
    assert best("全省登记量最大的作品类别是什么?", "全省登记量最大的作品类别是摄影作品,达到187395件") == "摄影作品"


def test_a_place_is_where_something_is_done() -> None:
    # 在 + a place + what is done there, the question's words in another order
    assert spans("海南打算在哪里探索建立综合管理体制?", "探索在三亚崖州湾科技城建立“五合一”综合管理体制。") == ["三亚崖州湾科技城"]
    assert spans("证券化产品在哪个交易所挂牌?", "专项计划在深圳证券交易所正式挂牌。") == ["深圳证券交易所"]


def test_a_change_of_a_share_is_in_percentage_points() -> None:
    assert "3.6个百分点" in spans("比2020年上升了多少?", "占比61.8%,比2020年上升3.6個百分點")  # not '3.6个'
    assert "0.27个百分点" in spans("比上年提高了几个百分点?", "占GDP的比重为12.71%,比上年提高0.27个百分点")


def test_the_one_a_clause_ends_on_as_most_leads() -> None:
    sentence = "从增长速度看,新材料制造业增长最快,增速为12.8%;其次是信息通信技术制造业,增速为11.5%"
    assert best("哪个产业增长最快?", sentence) == "新材料制造业"
    assert best("规模最大的是哪个产业?", "从内部结构看,新装备制造业规模最大,增加值为41643亿元") == "新装备制造业"
    # a sentence that says of none that it leads names no leader (最高人民法院 is a name, not a ranking)
    assert spans("哪个产业增长最快?", "2022年专利密集型产业增加值为153176亿元,比上年增长7.1%") == []
    assert spans("哪家法院受理案件最多?", "最高人民法院发布了十大案件") == []


def test_a_documents_number_or_a_cases_number_as_asked() -> None:
    sentence = "根据法〔2010〕172号通知,(2008)民三终字第8号案入选"
    assert spans("通知的文号是什么?", sentence) == ["法〔2010〕172号"]
    assert spans("该案的案号是什么?", sentence) == ["(2008)民三终字第8号"]


def test_dates_written_in_chinese_numerals() -> None:
    # official documents are signed, and speeches date events, in Chinese numerals (zero as ○, 〇 or 零)
    assert best("什么时候提交立法会审议的?", "我們於二○二二年六月提交《條例草案》予立法會審議") == "二○二二年六月"
    assert best("落款日期是哪天?", "最高人民法院 二○一○年四月十四日") == "二○一○年四月十四日"
    assert best("哪天印发的?", "该院于二〇二三年十二月三十一日印发") == "二〇二三年十二月三十一日"
    assert best("哪一年成立的?", "协会成立于一九九八年,现有会员") == "一九九八年"
    assert spans("哪天发布的?", "共有二十三件案件入选") == []  # numbers in Chinese numerals are no dates


def test_lists_are_cut_to_their_items() -> None:
    sentence = "局长蔡英权为福田、南山、宝安、龙岗、光明5个区颁发2024年国家知识产权强县建设试点示范县特色项目任务书"
    assert best("哪5个区获颁任务书?", sentence) == "福田、南山、宝安、龙岗、光明"
    assert best("指的是哪三种保护?", "构建知识产权行政保护、司法保护、行业保护“三网立体保护格局”") == "行政保护、司法保护、行业保护"


def test_titles_and_quoted_names() -> None:
    assert best("发布了什么宣言?", "发布《深圳市知识产权保护工作站自律宣言》,建立健全") == "《深圳市知识产权保护工作站自律宣言》"
    assert best("建立了什么机制?", "广州知识产权法院建立“多元技术事实查明”机制,服务湾区科技创新") == "“多元技术事实查明”机制"
    assert best("新增的地理标志证明商标是什么?", "新增地理标志证明商标“蒙城玉米”1件") == "“蒙城玉米”"


def test_cloze_fills_the_gap_the_question_leaves() -> None:
    assert best("“一庭两中心”整体入驻了哪里?", "“一庭两中心”整体入驻中新广州知识城,形成知识产权综合改革新范式") == "中新广州知识城"
    assert best(
        "河套“36条”是全国首部面向哪个区域的知识产权保护和运用制度?",
        "该意见是全国首部面向深港科技创新合作区的知识产权保护和运用制度",
    ) == "深港科技创新合作区"


def test_an_organisation_question_wants_that_kind_of_organisation() -> None:
    sentence = "深圳市照明与显示工程协会知识产权保护工作站积极参与协调,一公司在美国申请发起调查"
    assert spans("发起调查的是哪家公司?", sentence) == []


def test_rankings_in_their_usual_forms() -> None:
    assert spans("排名第几?", "每亿元GDP专利产出量6.79件,在全国大中城市排名第一") == ["在全国大中城市排名第一"[1:]]
    assert spans("居第几?", "PCT国际专利申请量连续18年居全国首位") == ["居全国首位"]


def test_a_rate_answers_a_quantity_question_without_a_unit() -> None:
    assert best("实际融资成本是多少?", "入池企业实际融资成本仅为2.98%/年") == "2.98%"


def test_an_amount_asked_is_not_answered_with_a_share_or_a_growth_rate() -> None:
    sentence = "全国著作权登记总量达 6353144 件,同比增长 1.42%,发明专利授权量增长28.8%"
    assert spans("著作权登记总量是多少?", sentence) == ["6353144 件"]  # a space between figure and unit
    assert spans("发明专利授权量是多少?", "发明专利授权量增长28.8%") == []  # no amount there: no answer
    assert best("登记总量增长了多少?", sentence) == "1.42%"  # a growth asked: the rate answers it
    assert best("实际融资成本是多少?", "实际融资成本为2.98%") == "2.98%"  # a cost is no count


def test_a_measure_word_that_counts_the_same_things_fits_the_question() -> None:
    # 起 counts cases as 宗 does: a follow-up that kept 宗 still finds the 起 figure
    sentence = "海关查扣涉嫌侵权货物物品5822批次,破获犯罪案件271起"
    assert best("破获了多少宗犯罪案件?", sentence) == "271起"
    assert best("建了多少家企业?", "已有47家企业的89个产品") == "47家"  # 个 counts anything, not firms


def test_an_amount_of_money_is_not_answered_with_a_count() -> None:
    sentence = "每亿元GDP专利产出量6.79件,专利质押金额58.56亿元"
    assert spans("专利质押金额是多少亿元?", sentence) == ["58.56亿元"]
    assert spans("专利产出量是多少件?", sentence) == ["6.79件"]


def test_the_noun_asked_about_is_not_part_of_the_answer() -> None:
    sentence = "新增地理标志证明商标“蒙城玉米”1件,组织地理标志产品“亳菊”申报制定省级地方标准。"
    assert best("组织哪个地理标志产品申报制定省级地方标准?", sentence) == "“亳菊”"


def test_a_name_cut_inside_its_brackets_is_no_span() -> None:
    sentence = "印发《亳州市知识产权信息公共服务网点建设管理办法(试行)》,备案市级网点9批。"
    found = spans("印发了什么知识产权信息公共服务网点管理文件?", sentence)
    assert "《亳州市知识产权信息公共服务网点建设管理办法(试行)》" in found
    assert all(text.count("《") == text.count("》") and text.count("(") == text.count(")") for text in found)


def test_an_organisation_and_its_branch_are_one_name() -> None:
    sentence = "邮储银行亳州分行联合举行银企对接会并签订战略合作协议"
    assert best("哪家银行举行了银企对接会?", sentence) == "邮储银行亳州分行"


def test_how_a_case_ended() -> None:
    assert spans("最后结果怎样?", "艾比森等企业积极应诉,并最终胜诉,赢得了市场") == ["最终胜诉"]


def test_a_place_asked_with_the_verb_before_it() -> None:
    # '在哪里打造X' is said '打造福田、南山X': the places stand between the verb and the rest
    # (a 、-list of districts of one city counts as places: qa/resources/divisions.tsv)
    sentence = "二是聚焦推动重大国家战略落地落实,打造福田、南山深港知识产权创新高地;"
    assert best("2024年深圳计划在哪里打造深港知识产权创新高地?", sentence) == "福田、南山"


def test_the_gap_is_found_when_the_text_leaves_out_the_question_verb() -> None:
    sentence = "深圳是全国首个国家知识产权示范城市、首批知识产权强市创建市。"
    assert best("深圳是全国首个被评为什么的城市?", sentence) == "国家知识产权示范城市"


def test_the_posts_said_before_a_person() -> None:
    sentence = "市市场监管局(知识产权局)机关党委书记、二级巡视员夏昆山致辞,并由联盟作报告。"
    found = [s[x.start : x.end] for s in [normalize(sentence)] for x in find_spans(s, analyze("夏昆山是什么职务?"), {"夏昆山"})]
    assert found == ["机关党委书记、二级巡视员"]
    # the body whose post it is, named first, is no part of the post; a department is
    for sentence, person, post in [
        ("香港特区政府财政司司长陈茂波7日表示,香港将加快建设。", "陈茂波", "财政司司长"),
        ("国家知识产权局党组成员、副局长胡文辉出席发布会。", "胡文辉", "党组成员、副局长"),
        ("国家知识产权局知识产权运用促进司司长雷筱云介绍情况。", "雷筱云", "知识产权运用促进司司长"),
        ("国家知识产权局副局长胡文辉出席会议。", "胡文辉", "副局长"),
    ]:
        assert spans(f"{person}是什么职务?", sentence, {person}) == [post], sentence


def test_a_count_of_other_things_is_no_answer() -> None:
    # 多少件 asked: 50余项 counts services, not cases; 个 and 起/宗 still fit as before
    assert spans("受理了多少件案件?", "承接快速预审等50余项知识产权业务") == []
    assert spans("有多少人次参与?", "发布15项基层改革创新举措") == []
    assert best("拿了几个金奖?", "其中金奖5项") == "5项"


def test_an_organisation_name_starts_after_its_function_word() -> None:
    sentence = "二级巡视员夏昆山致辞,并由深圳市知识产权保护工作站联盟作报告。"
    assert "深圳市知识产权保护工作站联盟" in spans("由哪个组织作的报告?", sentence)
    assert not any(text.startswith("并由") for text in spans("由哪个组织作的报告?", sentence))


def test_a_thing_asked_by_its_head_noun() -> None:
    sentence = "深圳出台实施《关于对知识产权侵权行为先行发布禁令工作指引(试行)》,在一宗网络平台店铺专利权侵权纠纷案件中,发布了全国首例知识产权行政禁令决定书。"
    assert best("深圳在什么案件中发布了全国首例行政禁令决定书?", sentence) == "网络平台店铺专利权侵权纠纷案件"


def test_a_list_asked_may_be_the_gap_the_question_leaves() -> None:
    sentence = "市市场监管局围绕“20+8”战略性新兴产业和重点产业,引导行业协会、商会建设知识产权保护工作站130家"
    assert any(text.startswith("“20+8”战略性新兴") and "," not in text for text in spans("工作站是围绕哪些产业建设的?", sentence))


def test_a_company_name_keeps_the_place_in_brackets_inside_it() -> None:
    sentence = "据介绍,晨光生物科技(无锡)有限公司主要从事体外诊断试剂的研发生产"
    assert best("无锡哪家做诊断试剂的公司获得了贷款?", sentence) == "晨光生物科技(无锡)有限公司"
    assert spans("哪家公司获得了贷款?", "(无锡)有限公司获得贷款") == []  # a legal form alone names no company


def test_a_document_or_case_number_asked_is_read_whole() -> None:
    sentence = "国家知识产权局印发国知发保字〔2022〕27号文件,原判决见(2022)最高法知民终905号"
    assert spans("《示范区建设方案》的文号是什么?", sentence)[0] == "国知发保字〔2022〕27号"  # not 印发国知…
    assert "(2022)最高法知民终905号" in spans("该案的判决书文号是什么?", sentence)
    assert spans("案号是什么?", "案例索引:湖北省武漢市中級人民法院(2023)鄂01知民初481號") == ["(2023)鄂01知民初481号"]
    assert spans("通知的文号是什么?", "关于印发实施方案的通知 通政发〔2023〕4号") == ["通政发〔2023〕4号"]


def test_the_leader_of_a_ranking_is_its_subject_or_the_one_named_after_yi() -> None:
    def leaders(sentence: str) -> list[str]:
        s = normalize(sentence)
        return [s[sp.start : sp.end] for sp in leader_spans(s)]

    assert leaders("智慧局部分,台積電以1,582件連續5年居冠,其次依序是美國應材(794件)") == ["台积电"]
    assert leaders("2023年本國人在我國發明專利申請縣市,以新竹市4,842件居首,創歷年新高") == ["新竹市"]
    assert leaders("其中,深圳市位居榜首") == ["深圳市"]
    assert leaders("全市专利授权量23.51万件,居全国第一") == []  # no subject in its clause
    assert leaders("深圳排名第12,广州第二") == []
    assert "新竹市" in spans("2023年本國人發明專利申請件數最多的縣市是哪個?", "以新竹市4,842件居首,創歷年新高")
    assert analyze("最多的是哪个城市?").leader and not analyze("深圳有多少件?").leader


def test_the_one_a_ranking_puts_nth_and_its_figure() -> None:
    from qa.answering.spans import ranked_spans

    s = normalize("今年部分,甲公司以1,582件连续5年居冠,其次依序是乙研究院(794件)、丙大学(747件)。")
    assert [s[sp.start : sp.end] for sp in ranked_spans(s, 2)] == ["乙研究院"]
    assert [s[sp.start : sp.end] for sp in ranked_spans(s, 3)] == ["丙大学"]
    assert ranked_spans(s, 4) == []
    assert analyze("第二名呢?").ranked == 2 and analyze("排名第三的是哪家?").ranked == 3
    assert analyze("排第几位?").ranked is None  # a rank asked for, not named
    assert spans("第二名是谁?", s) == ["乙研究院"]
    assert spans("第一名申请了多少件?", s) == ["1,582件"]
    assert spans("第三名申请了多少件?", s) == ["747件"]
    # a ranked one's figure is not read from a sentence that ranks nothing
    assert spans("第一名申请了多少件?", "今年共受理申请50,854件。") == []
    assert spans("排名第一的城市专利授权量是多少?", "深圳专利授权量排名第一,达23.51万件。") == ["23.51万件"]


def test_a_ranking_by_its_list_of_top_places_or_by_ordinals() -> None:
    top = "以扣留数量统计,电子电器、运动器械、烟草制品等货物占据前三位,分别为2007.78万件、1314.21万件和1156万件。"
    assert spans("按数量算扣得最多的是哪类货物?", top)[-1:] == ["电子电器"]
    assert "运动器械" in spans("排名第二的是哪类货物?", top)
    named = "从作品类型看,登记量最多的是美术作品1670092件,占41.92%;第二是摄影作品1553318件,占38.99%。"
    assert "摄影作品" in spans("登记量第二的作品类型是哪类?", named)
    assert spans("登记量第二的作品类型有多少件?", named) == ["1553318件"]


def test_a_person_asked_as_madam_or_sir_is_one_the_sentence_calls_so() -> None:
    sentence = "共同出席今天发布会的还有战略规划司司长葛树先生,知识产权运用促进司司长雷筱云女士,知识产权公共服务司司长王培章先生。"
    assert best("一同出席的女士是谁?", sentence) == "雷筱云"
    assert best("战略规划司司长是哪位先生?", sentence) == "葛树"


def test_a_word_of_the_thing_asked_may_end_the_answer() -> None:
    # '作品类别是什么': 作品 describes what is asked, so 摄影作品 answers; a word said of something else
    # than what is asked still ends no answer ('金融实验室是跟哪个监管机构一起搭的')
    from qa.answering.answerer import Answerer
    from qa.answering.context import build_doc_context
    from qa.documents import Document

    text = "全省登记量最大的作品类别是摄影作品,达到187395件。"
    doc = Document(doc_id="d", title="t", published=None, source=None, path="d.txt", sha256="0" * 64, text=text)
    ctx = build_doc_context(doc, normalize(text))
    s = normalize(text)
    found = [s[sp.start : sp.end] for sp in Answerer._spans(s, analyze("2023年河北省登记量最大的作品类别是什么?"), ctx)]
    assert "摄影作品" in found
    text = "苏州市市场监督管理局与中国银保监会苏州监管分局创新共建苏州市知识产权金融实验室。"
    doc = Document(doc_id="d", title="t", published=None, source=None, path="d.txt", sha256="0" * 64, text=text)
    ctx = build_doc_context(doc, normalize(text))
    s = normalize(text)
    found = [s[sp.start : sp.end] for sp in Answerer._spans(s, analyze("苏州的金融实验室是跟哪个监管机构一起搭的?"), ctx)]
    assert not any(f.endswith("实验室") for f in found)


def test_the_leader_of_a_respectively_list_is_its_largest_figure() -> None:
    sentence = "全省各地市登记量均有大幅度的提升,石家庄、沧州、唐山、邯郸的年登记量超过3万件,分别为70792件、67179件、53020件、35545件。"
    assert "石家庄" in spans("2023年河北哪个地级市的作品著作权登记量最高?", sentence)
    # a rate's lead is not read from a list of amounts, nor an amount's from a list of rates
    assert "石家庄" not in spans("哪个城市增长最快?", sentence)
    rates = "无锡、常州、苏州分别增长12.5%、30.1%、8%。"
    assert "常州" in spans("哪个城市增长最快?", rates)
    assert spans("哪个城市登记量最多?", "无锡、常州分别为100件、100件。") == []  # a tie names no leader


def test_a_place_asked_by_its_level_is_answered_by_a_place() -> None:
    sentence = "从登记类别情况看,全省登记量最大的作品类别是摄影作品,达到187395件。"
    assert spans("2023年河北哪个地级市的作品著作权登记量最高?", sentence) == []
    assert "摄影作品" in spans("2023年河北登记量最高的作品类别是什么?", sentence)


def test_an_index_or_a_score_is_a_figure_of_no_unit() -> None:
    sentence = "发明专利审查结案准确率达到94.2%,专利审查满意度指数达86.3,连续14年保持在满意区间"
    assert best("专利审查满意度指数是多少?", sentence) == "86.3"
    assert "86.3" in spans("专利审查的满意程度打了多少分?", sentence)
    assert "86.3" not in spans("审查结案准确率是多少?", sentence)  # no index or score asked


def test_a_day_asked_is_not_answered_by_a_year_alone() -> None:
    assert spans("发布会是哪天举行的?", "2024年长三角知识产权新闻发布会在嘉善召开。") == []
    assert spans("发布会是哪天举行的?", "4月19日,2024年长三角知识产权新闻发布会在嘉善召开。") == ["4月19日"]


def test_a_province_asked_is_not_answered_by_a_city() -> None:
    sentence = "漳州有效地理标志商标数量位列全国设区市首位。"
    assert spans("有效注册商标数量全国排第一的是哪个省?", sentence) == []
    assert "漳州" in spans("有效地理标志商标数量全国排第一的是哪个市?", sentence)
    assert "广东" in spans("有效注册商标数量全国排第一的是哪个省?", "广东有效注册商标数量位列全国首位。")


def test_a_figure_a_change_came_from_is_the_old_one() -> None:
    sentence = "发明专利授权周期从平均16个月缩短到2个月。"
    assert best("发明专利现在大概多久就能批下来?", sentence) == "2个月"
    assert "16个月" in spans("发明专利授权周期原来要多久?", sentence)


def test_a_figure_in_wan_and_the_rest_is_one_figure() -> None:
    assert spans("2025年受理商标注册申请多少件?", "商標註冊申請量達到9萬7,411件,年增8%") == ["9万7,411件"]


def test_a_change_asked_is_not_the_figure_a_total_came_to() -> None:
    sentence = "2025年申請件數達9萬7,411件,年增8%。"
    assert best("2025年商標申請件數年增多少?", sentence) == "8%"
    assert best("2025年商標申請件數是多少?", sentence) == "9万7,411件"


def test_a_share_asked_is_not_a_growth_rate_nor_the_other_way_round() -> None:
    sentence = "2021年,南昌市专利授权量23800件,同比增长32.9%,占全省24.44%。"
    assert best("2021年南昌专利授权量占全省的比例是多少?", sentence) == "24.44%"
    assert best("2021年南昌专利授权量同比增长多少?", sentence) == "32.9%"


def test_two_subjects_joined_by_he_before_fenbie_get_their_own_figures() -> None:
    sentence = "粤港澳大湾区经国家知识产权局授权的有效发明专利和有效注册商标分别达到81.7万件和852.4万件,均占国内总量的约1/6"
    assert spans("截至2025年6月粤港澳大湾区有效注册商标有多少件?", sentence) == ["852.4万件"]
    assert spans("截至2025年6月粤港澳大湾区有效发明专利有多少件?", sentence) == ["81.7万件"]


def test_a_deadline_at_a_years_end_is_one_date() -> None:
    sentence = "2024年1月出台的工作方案提出,到2024年底前实现未转化有效专利盘点全覆盖。"
    assert best("未转化的有效专利最晚什么时候要摸清?", sentence) == "2024年底前"
    assert "2024年1月" in spans("工作方案是什么时候出台的?", sentence)


def test_a_country_asked_is_answered_by_a_place_name() -> None:
    sentence = "其中日本以1萬2,524件穩居外國人申請首位,美國以6,954件居次。"
    assert spans("到台湾申请发明专利的外国人里,哪个国家的人最多?", sentence) == ["日本"]


def test_what_was_added_is_no_stock_asked() -> None:
    sentence = "去年,我省新增有效注册商标22946件,有效注册商标246162件,同比增长8.1%。"
    assert best("2023年临川有效注册商标多少件?", sentence) == "246162件"
    assert best("2023年临川新增有效注册商标多少件?", sentence) == "22946件"


def test_a_change_asked_is_the_figure_said_as_the_change() -> None:
    sentence = "2025年全省完成作品著作权登记31769件,登记增量为18616件,同比增长141.55%。"
    assert best("2025年临川作品著作权登记比上年增加了多少件?", sentence) == "18616件"
    assert best("2025年临川作品著作权登记了多少件?", sentence) == "31769件"


def test_a_head_said_once_before_two_subjects_serves_both() -> None:
    sentence = "其中发明专利申请量、授权量分别为5121件和2207件;"
    assert spans("2019年临川发明专利授权量是多少件?", sentence) == ["2207件"]
    assert spans("2019年临川发明专利申请量是多少件?", sentence) == ["5121件"]
    # and words said once after the last subject: 发明 and 外观, not 发明 and 外观设计专利授权量
    assert spans("发明专利授权量是多少?", "发明、外观设计专利授权量分别为100件、200件") == ["100件"]


def test_a_period_asked_is_answered_by_a_range() -> None:
    sentence = "试点时限自2021年3月至2024年2月,3月5日起施行。"
    assert spans("试点时限是从什么时候到什么时候?", sentence) == ["2021年3月至2024年2月"]  # one date is no period
    assert "3月5日" in spans("什么时候起施行?", sentence)


def test_a_bound_stays_with_its_figure() -> None:
    assert spans("平均每件能快多久?", "平均每件申请缩短审查周期7个月以上。") == ["7个月以上"]
    assert spans("有多少件?", "共受理申请2300件左右。") == ["2300件左右"]


def test_the_head_asked_without_a_title_is_whoever_heads_it() -> None:
    sentence = "副局长张丽主持发布会,局长王明介绍情况。"
    assert best("临川市知识产权局一把手是谁?", sentence) == "王明"  # a deputy is no head
    assert spans("临川市知识产权局一把手是谁?", "副局长张丽主持发布会。") == ["张丽"]  # (still a person, if no head is named)
