# Builds eval/generalization/dev/questions.jsonl and dev/conversations.jsonl (dev split).
import json, os
HERE = os.path.dirname(os.path.abspath(__file__))
DEV = os.path.join(os.path.dirname(HERE), "dev")

ZJ = "zj-patent-grants-2023"
CND = "cnipa-directors-meeting-2024"
HKT = "hk-regional-ip-trade-centre-2021"
SPC22 = "spc-ip-cases-2022"
SZF = "suzhou-ip-finance-2022"

Q = [
# plain
("浙江省市场监督管理局印发2023年全省专利授权量等统计数据的通知成文日期是哪天?", ["2024-02-27", "2024年2月27日"], ZJ, "成文日期: 2024-02-27", "policy", "plain"),
("2023年杭州市本级专利合计授权量是多少件?", ["103080"], ZJ, "3564\n\n99516\n\n3564\n\n103080", "metric", "plain"),
("2023年杭州西湖区发明专利授权量是多少件?", ["6602"], ZJ, "西湖区\n\n6602", "metric", "plain"),
("2023年淳安县发明专利授权量是多少件?", ["116"], ZJ, "淳安县\n\n116", "metric", "plain"),
("中国2023年全年共授权专利多少件?", ["364.9万件", "364.9万"], CND, "中国2023年全年共授权专利364.9万件", "metric", "plain"),
("2023年发明专利平均审查周期缩短至多少?", ["16个月"], CND, "发明专利平均审查周期缩短至16个月", "metric", "plain"),
("2024年全国知识产权局局长会议在哪里举行?", ["北京"], CND, "2024年全国知识产权局局长会议当天在北京举行", "event", "plain"),
("2023年发明专利审查结案准确率是多少?", ["94.2%"], CND, "发明专利审查结案准确率达到94.2%", "metric", "plain"),
("2022年中国法院十大知识产权案件发布会由谁主持?", ["李广宇"], SPC22, "发布会由最高人民法院新闻发言人李广宇主持", "event", "plain"),
("2022年中国法院十大知识产权案件的第一件是什么案件?", ["杭州大头儿子文化发展有限公司与央视动漫集团有限公司著作权侵权纠纷案"], SPC22, "杭州大头儿子文化发展有限公司与央视动漫集团有限公司著作权侵权纠纷案", "event", "plain"),
("中外制药株式会社与温州海鹤药业有限公司案的判决书文号是什么?", ["(2022)最高法知民终905号"], SPC22, "(2022)最高法知民终905号民事判决书", "event", "plain"),
("最高法2022年十大知识产权案件发布会上启动了什么活动?", ["‘知识产权司法保护北京行’活动", "知识产权司法保护北京行"], SPC22, "并启动‘知识产权司法保护北京行’活动", "event", "plain"),
("南京银行给星童医疗技术(苏州)有限公司提供了多少贷款支持?", ["3000万元", "3000万"], SZF, "给予企业3000万元贷款支持", "metric", "plain"),
("苏州市知识产权金融实验室联合多少家金融机构发布首批研究课题?", ["18家", "18"], SZF, "联合18家金融机构发布首批21项研究课题", "metric", "plain"),
("苏州首批发布了多少项知识产权金融研究课题?", ["21项", "21"], SZF, "发布首批21项研究课题", "metric", "plain"),
("报道“苏州:拓展知识产权金融服务深度与广度”的来源是哪家媒体?", ["中国知识产权报"], SZF, "2022-12-22 来源:中国知识产权报", "event", "plain"),
# paraphrase
("浙江那份通知随附的最后一份材料统计的是什么?", ["2023年全省PCT国际专利申请量"], ZJ, "3.2023年全省PCT国际专利申请量", "policy", "paraphrase"),
("申长雨说专利审查的满意程度打了多少分?", ["86.3"], CND, "专利审查满意度指数达86.3", "metric", "paraphrase"),
("一般情况下拿到商标注册要等多久?", ["7个月"], CND, "一般情形商标注册周期稳定在7个月", "metric", "paraphrase"),
("苏州哪家做免疫诊断的公司靠专利抵押拿到了银行的钱?", ["星童医疗技术(苏州)有限公司"], SZF, "星童医疗技术(苏州)有限公司主要从事免疫诊断平台", "event", "paraphrase"),
("2022年最高法十大案件里,涉及自来水公司垄断的那起案件被告是谁?", ["威海市水务集团有限公司"], SPC22, "威海宏福置业有限公司与威海市水务集团有限公司滥用市场支配地位纠纷案", "event", "paraphrase"),
("去年香港新开的创业公司有多少家?", ["3755間", "3755"], HKT, "今年的初創企業數目達到新高,有3755間", "metric", "paraphrase"),
("苏州的两个金融实验室是跟哪个监管机构一起搭的?", ["中国银保监会苏州监管分局"], SZF, "与中国银保监会苏州监管分局创新共建", "event", "paraphrase"),
# traditional
("國家知識產權局局長申長雨在網上論壇上說香港要建設成什麼中心?", ["區域知識產權貿易中心"], HKT, "國家知識產權局指香港將建設成區域知識產權貿易中心", "policy", "traditional"),
("香港的初創企業相關創業投資接近多少?", ["接近100億港元", "100億港元"], HKT, "相關的創業投資接近100億港元", "metric", "traditional"),
("林鄭月娥提到當局計劃修訂哪條條例?", ["《版權條例》", "版權條例"], HKT, "當局計劃修訂《版權條例》工作", "policy", "traditional"),
("2023年中國核准註冊商標多少件?", ["438.3万件", "438.3万"], CND, "中国2023年全年注册商标438.3万件", "metric", "traditional"),
("2022年中國法院十大知識產權案件發布會上,北京市高級人民法院院長是誰?", ["寇昉"], SPC22, "北京市高级人民法院院长寇昉", "event", "traditional"),
# confusable
("2023年登记集成电路布图设计多少件?", ["1.13万件", "1.13万"], CND, "登记集成电路布图设计1.13万件", "metric", "confusable"),
("2023年通过PCT体系提交的专利国际申请有多少件?", ["73812件", "73812"], CND, "申请73812件", "metric", "confusable"),
("2023年通过海牙体系提交的外观设计国际申请有多少件(前11个月)?", ["1166件", "1166"], CND, "1166件(2023年前11个月)", "metric", "confusable"),
("2023年杭州滨江区专利合计授权量是多少?(不是发明专利)", ["18317"], ZJ, "18071\n\n246\n\n18317", "metric", "confusable"),
("根据世界知識產權組織報告,2021年中國在全球創新排名第幾位?", ["12位"], HKT, "中國在全球排名上升至12位", "metric", "confusable"),
("2023年商标注册平均审查周期稳定在多少?", ["4个月"], CND, "商标注册平均审查周期稳定在4个月", "metric", "confusable"),
# unanswerable
("截至2022年10月,苏州生物医药企业知识产权质押融资涉及金额是多少?", [], SZF, "涉及金额达19", "none", "unanswerable"),
("2023年宁波市发明专利授权量是多少?", [], ZJ, "", "none", "unanswerable"),
("2022年中国法院十大知识产权案件的第七件是什么?", [], SPC22, "", "none", "unanswerable"),
("2024年全国知识产权局局长会议上公布的2024年发明专利授权量是多少?", [], CND, "", "none", "unanswerable"),
("2022年香港初創企業數目是多少?", [], HKT, "", "none", "unanswerable"),
("苏州市知识产权金融实验室的负责人是谁?", [], SZF, "", "none", "unanswerable"),
("2023年浙江省PCT国际专利申请量是多少?", [], ZJ, "3.2023年全省PCT国际专利申请量", "none", "unanswerable"),
("How many trademarks did Hong Kong register in 2021?", [], HKT, "", "none", "unanswerable"),
# english
("How many patents in total did China grant in 2023?", ["364.9万件", "364.9万"], CND, "中国2023年全年共授权专利364.9万件", "metric", "english"),
("Who presided over the Supreme People's Court press conference releasing the top 10 IP cases of 2022?", ["李广宇"], SPC22, "发布会由最高人民法院新闻发言人李广宇主持", "event", "english"),
("Who was Hong Kong's Chief Executive speaking at the same online forum?", ["林鄭月娥"], HKT, "行政長官林鄭月娥在同一論壇致辭時表示", "event", "english"),
("How many invention patents were granted in Hangzhou's Xiaoshan district in 2023?", ["2393"], ZJ, "萧山区\n\n2393", "metric", "english"),
("For how many consecutive years has the patent examination satisfaction index stayed in the satisfied range?", ["连续14年", "14年"], CND, "连续14年保持在满意区间", "metric", "english"),
]

CONV = [
 [("中国2023年全年共授权专利多少件?", ["364.9万件", "364.9万"], CND, "中国2023年全年共授权专利364.9万件"),
  ("其中发明专利多少?", ["92.1万件", "92.1万"], CND, "包括发明专利92.1万件"),
  ("这些数字是谁在什么会上公布的?", ["申长雨"], CND, "国家知识产权局局长申长雨1月4日表示")],
 [("2022年中国法院十大知识产权案件是什么时候发布的?", ["2023年4月20日"], SPC22, "2023年4月20日,最高人民法院举行新闻发布会"),
  ("谁主持的?", ["李广宇"], SPC22, "发布会由最高人民法院新闻发言人李广宇主持"),
  ("第四件案件的原告是谁?", ["上海万翠堂餐饮管理有限公司"], SPC22, "上海万翠堂餐饮管理有限公司与温江五阿婆青花椒鱼火锅店")],
 [("2023年杭州西湖区发明专利授权量是多少?", ["6602"], ZJ, "西湖区\n\n6602"),
  ("那合计授权量呢?", ["13686"], ZJ, "594\n\n13686"),
  ("那2022年呢?", [], ZJ, "")],
 [("申長雨在網上論壇說香港要建設成什麼?", ["區域知識產權貿易中心"], HKT, "香港將建設成區域知識產權貿易中心"),
  ("那今年初創企業有多少間?", ["3755間", "3755"], HKT, "有3755間"),
  ("其中有多少間來自內地?", [], HKT, "")],
 [("南京银行给星童医疗技术(苏州)有限公司多少贷款?", ["3000万元", "3000万"], SZF, "给予企业3000万元贷款支持"),
  ("用的是什么方式?", ["知识产权质押融资"], SZF, "南京银行以知识产权质押融资方式")],
]

def main():
    with open(os.path.join(DEV, "questions.jsonl"), "w", encoding="utf-8") as f:
        for i, (q, a, d, e, t, v) in enumerate(Q, 1):
            f.write(json.dumps({"id": "d%03d" % i, "question": q, "answers": a, "doc_id": d, "evidence": e, "type": t, "variant": v}, ensure_ascii=False) + "\n")
    with open(os.path.join(DEV, "conversations.jsonl"), "w", encoding="utf-8") as f:
        for i, turns in enumerate(CONV, 1):
            f.write(json.dumps({"id": "dc%02d" % i, "turns": [{"question": q, "answers": a, "doc_id": d, "evidence": e} for (q, a, d, e) in turns]}, ensure_ascii=False) + "\n")

if __name__ == "__main__":
    main()
