# Builds eval/generalization/questions.jsonl and conversations.jsonl (test split).
# Questions were written by hand from the captured documents only.
import json, os
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

HZ = "hz-binjiang-ip-report-2023"
CN = "cnipa-scio-2023-ip-work"
DY = "dongying-ip-press-2022"
BJ = "bj-ip-protection-2024"
SH = "sh-ip-whitepaper-2022"
CD = "cd-ip-14th-fyp"
SPC = "spc-ip-cases-2023"
HK = "hk-original-grant-patent-2024"
ZJG = "zjg-ip-pledge-2024-en"
SZ = "suzhou-ip-pledge-2019"
TZ = "tongzhou-ip-protection-plan-2023"
XH = "xinhua-en-ip-h1-2023"

# (question, answers, doc_id, evidence, type, variant)
Q = [
# ---------------- plain ----------------
("2023年杭州高新区(滨江)专利授权量是多少件?", ["18317件", "18317"], HZ, "2023年度专利授权量达18317件", "metric", "plain"),
("截至2023年底,杭州高新区(滨江)每万人发明专利拥有量是多少?", ["730.0件", "730.0"], HZ, "每万人发明专利拥有量达730.0件", "metric", "plain"),
("2023年杭州高新区(滨江)获得专利授权的企业有多少家?", ["1913家", "1913"], HZ, "全区获得专利授权的企业有1913家", "metric", "plain"),
("杭州高新区(滨江)有几家企业上榜2023年浙江省知识产权示范企业名单?", ["10家", "10"], HZ, "10家企业上榜2023年浙江省知识产权示范企业名单", "metric", "plain"),
("2023年全国授权实用新型专利多少件?", ["209万件", "209万"], CN, "实用新型专利209万件", "metric", "plain"),
("2023年中国申请人提交海牙外观设计国际申请多少件?", ["1814件", "1814"], CN, "提交海牙外观设计国际申请1814件", "metric", "plain"),
("截至2023年底,我国有效商标注册量是多少?", ["4614.6万件", "4614.6万"], CN, "我国有效商标注册量为4614.6万件", "metric", "plain"),
("国务院新闻办公室介绍2023年知识产权工作进展的发布会上,是国家知识产权局哪位副局长作介绍?", ["胡文辉"], CN, "国家知识产权局副局长胡文辉在会上表示", "event", "plain"),
("截至2023年底,知识产权保护中心和快速维权中心总数达到多少家?", ["112家", "112"], CN, "快速维权中心7家,总数达112家", "metric", "plain"),
("2022年东营市共授权国内专利多少件?", ["8931件", "8931"], DY, "全市共授权国内专利8931件", "metric", "plain"),
("2022年东营市新申请商标多少件?", ["7062件", "7062"], DY, "新申请商标7062件", "metric", "plain"),
("2022年东营市完成专利质押融资多少笔?", ["185笔", "185"], DY, "全年完成专利质押融资185笔", "metric", "plain"),
("东营市哪个县获批国家知识产权强县建设示范县?", ["广饶县"], DY, "广饶县、东营区分别获批国家知识产权强县建设示范、试点县", "policy", "plain"),
("按东营市这场发布会的说法,东营市是什么时候获批国家知识产权强市建设试点城市的?", ["去年8月"], DY, "去年8月,我市获批国家知识产权强市建设试点城市", "event", "plain"),
("2022年上海PCT国际专利申请量是多少?", ["5591件", "5591"], SH, "PCT国际专利申请量为5591件", "metric", "plain"),
("截至2022年底,上海有效商标注册量达到多少?", ["242.75万件", "242.75万"], SH, "上海有效商标注册量达242.75万件", "metric", "plain"),
("2022年上海获得农业植物新品种授权多少项?", ["31项", "31"], SH, "上海获得农业植物新品种授权31项", "metric", "plain"),
("成都市已累计支持建设多少家市级高价值专利培育中心?", ["16家", "16"], CD, "累计支持建设16家市级高价值专利培育中心", "metric", "plain"),
("成都地理标志总量是多少个?", ["116个", "116"], CD, "地理标志总量达116个", "metric", "plain"),
("成功获批国家级产业知识产权运营中心的“华西精准”由哪家单位牵头组建?", ["四川大学华西医院"], CD, "四川大学华西医院牵头组建的“华西精准”", "event", "plain"),
("2025年获批首批四川省产业知识产权运营中心的单位有哪些(文中点名的)?", ["“成飞集团”“科伦药业”", "成飞集团", "科伦药业"], CD, "“成飞集团”“科伦药业”等6家单位", "event", "plain"),
("最高人民法院2023年知识产权司法保护新闻发布会由谁主持?", ["姬忠彪"], SPC, "发布会由最高人民法院新闻局副局长姬忠彪主持", "event", "plain"),
("2023年全国法院在多少件知识产权民事侵权案件中适用了惩罚性赔偿?", ["319件", "319"], SPC, "在319件知识产权民事侵权案件中适用惩罚性赔偿", "metric", "plain"),
("“橡胶防老剂”技术秘密侵权案判赔多少?", ["2.02亿元", "2.02亿"], SPC, "审结“橡胶防老剂”技术秘密侵权案,判赔2.02亿元", "metric", "plain"),
("“盼盼”商标侵权案适用了几倍惩罚性赔偿?", ["4倍"], SPC, "对恶意攀附商誉的行为适用4倍惩罚性赔偿", "metric", "plain"),
("2023中国法院10件知识产权重点宣传案例的第一件是什么案?", ["真假“西门子”——涉“西门子”商标侵权及不正当竞争纠纷案", "涉“西门子”商标侵权及不正当竞争纠纷案"], SPC, "一、真假“西门子”——涉“西门子”商标侵权及不正当竞争纠纷案", "event", "plain"),
("2019年前11个月苏州市知识产权质押融资金额是多少?", ["23.37亿元", "23.37亿"], SZ, "实现知识产权质押融资金额23.37亿元", "metric", "plain"),
("苏州市从2009年起制定实施的知识产权质押贷款文件叫什么?", ["《苏州市知识产权质押贷款管理暂行办法》", "苏州市知识产权质押贷款管理暂行办法"], SZ, "《苏州市知识产权质押贷款管理暂行办法》", "policy", "plain"),
("苏州市签约了几家重点合作银行?", ["6家", "6"], SZ, "苏州市还签约了6家重点合作银行", "metric", "plain"),
("苏州知识产权质押融资工作显成效一文的作者是谁?", ["林言君"], SZ, "(林言君)", "event", "plain"),
("通州区江苏省知识产权保护示范区建设工作方案的印发通知文号是什么?", ["通政发〔2023〕4号"], TZ, "文号: 通政发〔2023〕4号", "policy", "plain"),
("通州区这份工作方案经区人民政府第几次常务会议讨论通过?", ["第14次常务会议", "第14次"], TZ, "已经区人民政府第14次常务会议讨论通过", "policy", "plain"),
("通州区工作方案的成文日期是哪天?", ["2023-02-17", "2023年2月17日"], TZ, "成文日期: 2023-02-17", "policy", "plain"),
("香港截至2023年12月底收到多少宗原授標準專利申請?", ["825宗"], HK, "截至去年12月底知識產權署收到825宗申請", "metric", "plain"),
("香港知识产权署计划到哪一年把专利审查人员增至100人?", ["2030年", "2030"], HK, "目標2030年達100人", "policy", "plain"),
("2023年全国受理PCT国际专利申请多少件?", ["7.4万件", "7.4万"], CN, "受理PCT国际专利申请7.4万件", "metric", "plain"),
# ---------------- paraphrase ----------------
("在滨江那份报告里,当地企业拿到的专利授权占全区的比重是多少?", ["95.10%"], HZ, "企业专利授权量达17419件,占比为95.10%", "metric", "paraphrase"),
("滨江区人均(按万人计)发明专利存量是整个浙江的多少倍?", ["13.2倍"], HZ, "是全市的5.9倍,全省的13.2倍", "metric", "paraphrase"),
("去年一整年,国家层面拿到认可的地理标志产品新增了几个?", ["13个", "13"], CN, "全年批准地理标志产品13个", "metric", "paraphrase"),
("截止2023年末,国家一共发放了多少芯片版图登记证书?", ["7.2万件", "7.2万"], CN, "集成电路布图设计累计发证7.2万件", "metric", "paraphrase"),
("地理标志类商品一年能产出多大的经济价值?", ["超过8000亿元", "8000亿元"], CN, "地理标志产品年产值超过8000亿元", "metric", "paraphrase"),
("东营靠专利贷款给企业贴了多少利息补助?", ["420万元", "420万"], DY, "发放质押融资贴息资金420万元", "metric", "paraphrase"),
("东营那些拿到补贴的公司因此多招了多少员工?", ["248人", "248"], DY, "新增就业248人,专利产品新增产值", "metric", "paraphrase"),
("东营外贸出口工厂平均每家握有几件马德里体系商标?", ["2.4件", "2.4"], DY, "平均每家外贸出口生产企业拥有2.4件马德里国际注册商标", "metric", "paraphrase"),
("上海每万名居民拥有的高价值发明专利比前一年多了几件?", ["6.7件", "6.7"], SH, "较上年度增长6.7件", "metric", "paraphrase"),
("在WIPO的科技集群排名里,上海从第几名升到了第几名?", ["由2021年第8位上升至第6位", "第6位"], SH, "由2021年第8位上升至第6位", "metric", "paraphrase"),
("成都为轨道交通、生物医药这类行业实体化建起了几家赋能机构?", ["8个", "8"], CD, "实体化建设8个市级知识产权产业赋能中心", "metric", "paraphrase"),
("成都拥有的注册商标在副省级城市里排第几?", ["第四位", "第四"], CD, "稳居副省级城市第四位", "metric", "paraphrase"),
("苏州为了让银行愿意放贷,给已还清的这类贷款多少比例的风险补偿?", ["1.5%"], SZ, "发放额1.5%的风险补贴", "policy", "paraphrase"),
("苏州去年对接了多少家有资金需求的公司?", ["1233家", "1233"], SZ, "2019年收集、对接1233家企业", "metric", "paraphrase"),
("最高法那场发布会上,全国法院一年新接的知产官司大概有多少?", ["54万余件", "54万余"], SPC, "各类知识产权案件54万余件", "metric", "paraphrase"),
("通州这份文件的下发对象里排在第一个的是哪个机构?", ["南通高新区管委会"], TZ, "南通高新区管委会,各镇(街道)人民政府", "policy", "paraphrase"),
# ---------------- traditional ----------------
("2024年北京專利授權量是多少?", ["19.9702萬件", "19.9702萬"], BJ, "本市專利授權量19.9702萬件", "metric", "traditional"),
("截至2024年12月,北京每萬人口高價值發明專利擁有量是多少?", ["159.81件", "159.81"], BJ, "每萬人口高價值發明專利擁有量159.81件", "metric", "traditional"),
("北京2024年認定登記的專利轉讓(含許可)合同成交額是多少?", ["166.9億元", "166.9億"], BJ, "成交額166.9億元", "metric", "traditional"),
("報道北京知識產權保護狀況的北京晚報記者是誰?", ["孫樂琪"], BJ, "本報訊(記者孫樂琪)", "event", "traditional"),
("香港知識產權署署長是誰?", ["黃福來"], HK, "知識產權署長黃福來表示", "event", "traditional"),
("截至2023年底,香港知識產權署招聘了多少名專利審查員?", ["29名", "29"], HK, "該署已招聘29名審查員", "metric", "traditional"),
("東營市2022年專利質押融資金額是多少?", ["15.74亿元", "15.74亿"], DY, "融资金额15.74亿元", "metric", "traditional"),
("上海2022年發明專利授權量是多少?", ["3.68万件", "3.68万"], SH, "发明专利授权量3.68万件", "metric", "traditional"),
("香港原授專利審查員入職後要到國家知識產權局培訓中心參加多長時間的培訓課程?", ["4個月"], HK, "參加為期4個月的基本入職培訓課程", "policy", "traditional"),
# ---------------- confusable ----------------
("2023年杭州高新区(滨江)发明专利授权量是多少?(注意不是专利授权总量)", ["7699件", "7699"], HZ, "发明专利授权量达7699件", "metric", "confusable"),
("2023年杭州高新区(滨江)企业专利授权量是多少?", ["17419件", "17419"], HZ, "企业专利授权量达17419件", "metric", "confusable"),
("2023年全年(不是上半年)全国授权发明专利多少件?", ["92.1万件", "92.1万"], CN, "全年授权发明专利92.1万件", "metric", "confusable"),
("截至2023年底我国累计批准地理标志产品多少个?", ["2508个", "2508"], CN, "累计批准地理标志产品2508个", "metric", "confusable"),
("2022年东营市授权的发明专利是多少件?", ["1846件", "1846"], DY, "其中发明专利1846件", "metric", "confusable"),
("2022年末东营市国内有效发明专利拥有量是多少?", ["5783件", "5783"], DY, "全市国内有效发明专利拥有量5783件", "metric", "confusable"),
("2022年上海新增商标注册量(不是商标申请量)是多少?", ["35.07万件", "35.07万"], SH, "新增商标注册量35.07万件", "metric", "confusable"),
("北京2024年的商标注册量(不是有效商标注册量)是多少?", ["23.7367萬件", "23.7367萬"], BJ, "商標註冊量23.7367萬件", "metric", "confusable"),
("苏州商标质押单笔最高额是多少?", ["15.23亿元", "15.23亿"], SZ, "商标质押单笔最高额达15.23亿元", "metric", "confusable"),
("2023年全国法院适用惩罚性赔偿的判赔总金额是多少?", ["11.6亿元", "11.6亿"], SPC, "判赔金额达11.6亿元", "metric", "confusable"),
("香港原授標準專利申請中有多少宗獲批?", ["87宗"], HK, "825宗申請,當中87宗獲批", "metric", "confusable"),
("截至2025年11月成都市有效发明专利拥有量是多少?(不是高价值发明专利)", ["13.5万件", "13.5万"], CD, "成都市有效发明专利拥有量达13.5万件", "metric", "confusable"),
# ---------------- unanswerable ----------------
("2022年杭州高新区(滨江)专利授权量是多少?", [], HZ, "", "none", "unanswerable"),
("2023年杭州高新区(滨江)商标注册量是多少?", [], HZ, "", "none", "unanswerable"),
("2023年东营市授权国内专利多少件?", [], DY, "全市共授权国内专利8931件", "none", "unanswerable"),
("2022年东营市地理标志商标有多少件?", [], DY, "", "none", "unanswerable"),
("2023年北京發明專利授權量是多少?", [], BJ, "其中發明專利授權量11.9635萬件", "none", "unanswerable"),
("2024年北京PCT国际专利申请量是多少?", [], BJ, "", "none", "unanswerable"),
("2023年南京市专利授权量是多少?", [], SH, "", "none", "unanswerable"),
("2023年上海专利授权量是多少?", [], SH, "2022年,上海专利授权量17.83万件", "none", "unanswerable"),
("2023年全国专利商标质押融资登记总额是多少?", [], CN, "", "none", "unanswerable"),
("2024年全国授权发明专利多少件?", [], CN, "全年授权发明专利92.1万件", "none", "unanswerable"),
("2025年成都市PCT国际专利申请量是多少?", [], CD, "", "none", "unanswerable"),
("最高人民法院公布的2023中国法院10件知识产权重点宣传案例中第五件是什么?", [], SPC, "", "none", "unanswerable"),
("2020年苏州市知识产权质押融资金额是多少?", [], SZ, "苏州市实现知识产权质押融资金额23.37亿元", "none", "unanswerable"),
("通州区工作方案提出到2025年有效发明专利拥有量要达到多少件?", [], TZ, "", "none", "unanswerable"),
("香港原授專利制度2024年全年收到多少宗申請?", [], HK, "截至去年12月底知識產權署收到825宗申請", "none", "unanswerable"),
("张家港2023年全年知识产权质押融资金额是多少?", [], ZJG, "", "none", "unanswerable"),
("How many trademarks were newly registered in China in the first half of 2023?", [], XH, "registered trademarks in China was about 44.24 million", "none", "unanswerable"),
("谁是东营市知识产权新闻发布会的主持人?", [], DY, "", "none", "unanswerable"),
# ---------------- english ----------------
("How many invention patents did China grant in the first half of 2023?", ["433,000"], XH, "China granted 433,000 invention patents", "metric", "english"),
("Who is the NIPA official quoted on green and low-carbon technologies in the Xinhua report?", ["Ge Shu"], XH, "said Ge Shu, a senior NIPA official", "event", "english"),
("What share of the global total did Chinese green and low-carbon invention patents account for from 2016 to 2022?", ["31.9 percent"], XH, "accounting for 31.9 percent of the global total", "metric", "english"),
("How much IP pledge financing did Zhangjiagang secure in the first half of the year?", ["1.4 billion yuan"], ZJG, "secured total financing of 1.4 billion yuan", "metric", "english"),
("Who is the general manager of Jiangsu Gulyu Technology?", ["Wang Xiaogang"], ZJG, "Wang Xiaogang, the company's general manager", "event", "english"),
("How many patents did Jiangsu Gulyu Technology pledge to secure its 15 million yuan loan?", ["two patents", "two"], ZJG, "a loan of 15 million yuan by pledging two patents", "metric", "english"),
("What was Beijing's number of valid invention patents as of December 2024?", ["66.3490萬件", "66.3490萬"], BJ, "本市有效發明專利量66.3490萬件", "metric", "english"),
("How many national IP protection demonstration zones were in China's second batch selected in 2023?", ["15家", "15"], CN, "完成第二批15家的遴选和公示工作", "metric", "english"),
("In Hong Kong, what percentage of the original grant patent applications were first filings worldwide?", ["38%"], HK, "有38%屬全球首次申請", "metric", "english"),
("Which bank branch in Zhangjiagang introduced a zero-cost self-assessment model for IP pledge financing?", ["Zhejiang Tailong Commercial Bank's Zhangjiagang branch", "Zhejiang Tailong Commercial Bank"], ZJG, "Zhejiang Tailong Commercial Bank's Zhangjiagang branch", "event", "english"),
]

CONV = [
 [("2022年东营市共授权国内专利多少件?", ["8931件", "8931"], DY, "全市共授权国内专利8931件"),
  ("其中发明专利多少件?", ["1846件", "1846"], DY, "其中发明专利1846件"),
  ("同比增长多少?", ["15.16%"], DY, "其中发明专利1846件,同比增长15.16%")],
 [("2024年北京專利授權量是多少?", ["19.9702萬件", "19.9702萬"], BJ, "本市專利授權量19.9702萬件"),
  ("那商標註冊量呢?", ["23.7367萬件", "23.7367萬"], BJ, "商標註冊量23.7367萬件"),
  ("那2023年呢?", [], BJ, "")],
 [("最高人民法院2023年知识产权司法保护新闻发布会是哪天召开的?", ["4月22日"], SPC, "4月22日,最高人民法院召开新闻发布会"),
  ("谁主持的?", ["姬忠彪"], SPC, "发布会由最高人民法院新闻局副局长姬忠彪主持"),
  ("是谁介绍的全国法院整体情况?", ["陶凯元"], SPC, "副院长陶凯元介绍了全国法院2023年知识产权")],
 [("2022年上海专利授权量是多少?", ["17.83万件", "17.83万"], SH, "上海专利授权量17.83万件"),
  ("其中发明专利多少?", ["3.68万件", "3.68万"], SH, "其中发明专利授权量3.68万件"),
  ("那商标申请量呢?", ["40.31万件", "40.31万"], SH, "上海商标申请量40.31万件"),
  ("比上一年增长了多少?", [], SH, "")],
 [("香港的原授標準專利制度是什麼時候開始推行的?", ["2019年12月"], HK, "本港2019年12月起推行「原授標準專利」制度"),
  ("到2023年底收到多少宗申請?", ["825宗"], HK, "截至去年12月底知識產權署收到825宗申請"),
  ("其中本地申請人佔多少宗?", ["285宗"], HK, "當中本地申請人佔285宗")],
 [("2023年全年全国注册商标多少件?", ["438.3万件", "438.3万"], CN, "全年注册商标438.3万件"),
  ("完成了多少商标异议案件审查?", ["15.3万件", "15.3万"], CN, "完成商标异议案件审查15.3万件"),
  ("那马德里商标国际注册申请呢?", ["6196件", "6196"], CN, "收到中国申请人马德里商标国际注册申请6196件")],
 [("How much IP pledge financing did Zhangjiagang secure in the first half of the year?", ["1.4 billion yuan"], ZJG, "secured total financing of 1.4 billion yuan"),
  ("How many registrations was that?", ["101"], ZJG, "documented 101 IP pledge financing registrations"),
  ("And how many tech enterprises benefited?", ["95"], ZJG, "benefiting 95 tech enterprises")],
 [("2019年前11个月苏州市知识产权质押融资金额是多少?", ["23.37亿元", "23.37亿"], SZ, "实现知识产权质押融资金额23.37亿元"),
  ("其中商标质押单笔最高多少?", ["15.23亿元", "15.23亿"], SZ, "商标质押单笔最高额达15.23亿元"),
  ("近三年累计发放贷款多少?", ["109亿元", "109亿"], SZ, "共发放贷款109亿元")],
 [("杭州高新区(滨江)2023年专利授权量多少?", ["18317件", "18317"], HZ, "2023年度专利授权量达18317件"),
  ("占全省的比例呢?", ["4.80%"], HZ, "专利授权量占全市的17.01%,占全省的4.80%"),
  ("那发明专利授权量占全市多少?", ["24.07%"], HZ, "发明专利授权量占全市的24.07%")],
 [("通州区知识产权保护示范区建设工作方案的文号是什么?", ["通政发〔2023〕4号"], TZ, "文号: 通政发〔2023〕4号"),
  ("是哪个机构发布的?", ["通州区人民政府", "南通市通州区人民政府"], TZ, "发布机构: 通州区人民政府"),
  ("方案的实施期限到哪一年?", ["2025年", "2022-2025年"], TZ, "建设工作方案(2022-2025年)的通知")],
]

def main():
    out = []
    for i, (q, a, d, e, t, v) in enumerate(Q, 1):
        out.append({"id": "g%03d" % i, "question": q, "answers": a, "doc_id": d, "evidence": e, "type": t, "variant": v})
    with open(os.path.join(ROOT, "questions.jsonl"), "w", encoding="utf-8") as f:
        for o in out:
            f.write(json.dumps(o, ensure_ascii=False) + "\n")
    with open(os.path.join(ROOT, "conversations.jsonl"), "w", encoding="utf-8") as f:
        for i, turns in enumerate(CONV, 1):
            o = {"id": "gc%02d" % i, "turns": [{"question": q, "answers": a, "doc_id": d, "evidence": e} for (q, a, d, e) in turns]}
            f.write(json.dumps(o, ensure_ascii=False) + "\n")

if __name__ == "__main__":
    main()
