"""The classifier on articles written for these tests: each other sense of 减负 and each borrowed
vocabulary is negative, each topic is tagged, and every positive carries its evidence."""

import pytest

from pipelines.classify import CLASSIFIER_VERSION, classify, predict

POSITIVES = {
    "文山会海": ("定边县精简文件会议见实效",
             "今年以来，定边县大力整治文山会海，全县发文数量同比下降四成，县级会议原则上只开到乡镇。"
             "县委办公室规定，上级文件已有明确要求的不再照抄照转，能合并召开的会议一律合并。"
             "乡镇干部说，过去一周有三天在开会，如今终于能把精力用在为群众办实事上，基层负担明显减轻。"),
    "督查检查考核": ("吴起县压减督查检查考核事项",
               "吴起县对面向乡镇的督查检查考核事项进行统筹，全年只保留五项，其余一律取消。"
               "县里明确，不得以督查检查考核的名义要求基层准备汇报材料，考核结果以实绩为准。"
               "镇村干部表示，迎检少了，为基层减负的成效看得见。"),
    "留痕/台账/报表": ("富县整治过度留痕",
                 "富县近日集中清理村级台账和报表，把原来的六十多类台账合并为十二类。"
                 "县里要求不得把会议记录、照片等留痕材料作为考核依据，坚决纠正过度留痕问题。"
                 "村干部说，填表报数的时间少了，入户走访的时间多了，基层减负落到了实处。"),
    "指尖上的形式主义": ("洛川县清理政务APP和工作群",
                  "洛川县集中整治指尖上的形式主义，全县政务APP由三十个整合为八个，乡镇干部加入的工作群减少一半以上。"
                  "县里规定不得要求基层干部在工作群里打卡、上传截图，不得以登录时长考核干部。"
                  "基层干部普遍反映，手机里的负担轻了，为基层减负让人有感。"),
    "一票否决/责任状/属地管理": ("黄陵县规范一票否决事项",
                        "黄陵县对各部门设立的一票否决和责任状事项进行清理，取消了没有依据的十一项。"
                        "县委明确，职能部门不得以属地管理为名把监管责任推给乡镇，不得随意要求基层签订责任状。"
                        "乡镇干部说，权责清楚了，基层负担减轻了。"),
    "挂牌/创建示范": ("宜川县清理村级组织挂牌",
                 "宜川县对村级组织挂牌进行规范，全县村部门口的牌子由平均十五块减少到四块。"
                 "县里同时取消了七项面向村级的创建示范和评比活动，为基层减负松绑。"
                 "村干部表示，摘牌之后，群众办事更方便了，干部也不用再为迎检准备材料。"),
    "调研/迎来送往": ("子长市整治调研扎堆",
                 "子长市规定上级部门到基层调研要统筹安排，坚决防止调研扎堆、迎来送往。"
                 "调研一律采取四不两直方式，不得要求乡镇主要负责人全程陪同，不得增加基层负担。"
                 "乡镇干部说，现在来调研的都是来解决问题的，为基层减负实实在在。"),
    "借调抽调": ("甘泉县规范借调抽调基层干部",
             "甘泉县出台办法，严格规范从乡镇借调、抽调工作人员，确需抽调的须报县委组织部审批。"
             "此前不少乡镇干部被长期借调到县直部门，基层人手紧张。"
             "办法实施后，四十多名借调干部回到乡镇岗位，基层负担得到缓解。"),
    "权责清单/事项准入": ("志丹县建立村级事项准入制度",
                   "志丹县为乡镇和村级组织编制权责清单，建立事项准入制度，未经审核的事项不得交给基层。"
                   "县委编办负责人说，过去部门把工作层层下压，基层小马拉大车问题突出。"
                   "有了清单，基层干部可以理直气壮地说不，为基层减负有了制度保障。"),
    "容错纠错/激励": ("安塞区完善容错纠错机制",
                 "安塞区出台激励干部担当作为的办法，细化容错纠错情形，为敢于担当的基层干部撑腰。"
                 "办法明确，对在改革中出现失误但没有谋取私利的干部予以容错，并及时为受到不实举报的干部澄清正名。"
                 "区委组织部表示，整治形式主义为基层减负，也要让干部放下包袱、轻装上阵。"),
}

NEGATIVES = {
    "schoolwork": ("多地落实双减 学生作业减负",
                   "新学期多地学校落实双减政策，控制书面作业总量，为学生减负。"
                   "小学一二年级不布置书面家庭作业，课后服务时间开设体育和艺术社团。"
                   "家长表示，孩子作业少了，睡眠时间多了。"),
    "enterprise": ("新一轮减税降费为企业减负",
                   "省财政厅介绍，今年新出台的减税降费政策将为企业减负超过三百亿元。"
                   "政策包括降低增值税税率、清理涉企收费、阶段性降低社保费率。"
                   "一家小微企业负责人说，各项费用降下来后，企业有更多资金投入研发。"),
    "medical": ("扩大门诊慢特病保障 为患者减负",
                "市医保局将门诊慢特病病种扩大到四十种，提高报销比例，为患者减负。"
                "参保人员在定点医院的门诊费用可按规定报销，个人自付费用明显下降。"),
    "environment": ("为湖泊减负 入湖污染物下降",
                    "当地持续推进湖泊治理，截污纳管、生态补水，为湖泊减负。"
                    "监测显示，主要入湖河流总磷浓度同比下降一成以上，水质逐步改善。"),
    "supervision": ("一批重大安全隐患被挂牌督办",
                    "省安委办对十二项重大事故隐患实行挂牌督办，要求限期整改。"
                    "相关地市要落实整改责任，逐项销号，整改不力的将严肃追责。"),
    "appointment": ("干部任职前公示",
                    "根据《党政领导干部选拔任用工作条例》，经研究，现将拟任职干部情况予以公示。"
                    "张某某，男，1976年生，现任某县副县长，拟任某县县委副书记。"
                    "公示期间，如有不同意见，可向组织部反映。"),
    "party-building": ("开展主题党日活动",
                       "七一前夕，各基层党组织开展主题党日活动，组织党员重温入党誓词。"
                       "县委组织部要求规范三会一课制度，加强基层党组织建设。"
                       "两千余名党员走进社区开展志愿服务。"),
    "passing-mention": ("市政府召开经济形势分析会",
                        "会议通报，上半年全市地区生产总值同比增长百分之五点六，规模以上工业增加值增长百分之七。"
                        "会议要求，要抓好重大项目建设，加快推进招商引资，积极扩大有效投资。"
                        "要持续优化营商环境，加强对民营企业的服务，帮助企业解决融资难题。"
                        "要抓好粮食生产，稳定生猪产能，确保重要农产品供给。"
                        "要做好防汛救灾和安全生产工作，守住不发生重大事故的底线。"
                        "同时要注意为基层减负，让干部把精力用在抓落实上。"
                        "会议还对民生保障和社会稳定工作作了部署。"),
}


@pytest.mark.parametrize("topic", sorted(POSITIVES))
def test_each_topic_is_positive_and_tagged_with_evidence(topic):
    title, body = POSITIVES[topic]
    v = classify(title, body)
    assert v.is_burden_reduction and v.score > 0.5, (topic, v.evidence)
    assert topic in v.topics, (topic, v.topics)
    assert v.evidence["terms"] and v.evidence["sentences"]


@pytest.mark.parametrize("sense", sorted(NEGATIVES))
def test_other_senses_and_borrowed_vocabulary_are_negative(sense):
    title, body = NEGATIVES[sense]
    v = classify(title, body)
    assert not v.is_burden_reduction and v.score < 0.5, (sense, v.evidence)
    assert v.topics == []


def test_traditional_characters():
    title, body = POSITIVES["文山会海"]
    trad = body.replace("县", "縣").replace("减负", "減負").replace("负担", "負擔").replace("层", "層") \
        .replace("会议", "會議").replace("发文", "發文").replace("这", "這").replace("为", "為")
    v = classify("定邊縣精簡文件會議見實效", trad)
    assert v.is_burden_reduction and "文山会海" in v.topics


def test_positive_without_the_word_jianfu():
    body = ("清涧县为每个乡镇编制履职事项清单，明确基本履职事项八十六项、配合履职事项四十项。"
            "清单之外的事项，县直部门不得随意交给乡镇，确需乡镇配合的须经审核准入。"
            "乡镇干部说，过去什么活都往下压，现在有了清单，可以把主要精力用在服务群众上。"
            "县里还对村级组织牌子进行了摘牌清理，表哥表姐的日子一去不返。")
    assert "减负" not in body
    v = classify("清涧县编制乡镇履职事项清单", body)
    assert v.is_burden_reduction, v.evidence


def test_regions_at_county_level():
    v = classify("耿马县清理责任状事项", "临沧市耿马傣族佤族自治县近日清理一票否决和责任状事项，为基层减负。"
                 "耿马县委组织部说，清理后乡镇签订的责任书减少一半，基层干部负担明显减轻。")
    assert v.regions == ["云南省", "临沧市", "耿马傣族佤族自治县"]


def test_predict_for_the_scorer_and_version():
    label, score = predict("\n".join(POSITIVES["借调抽调"]))
    assert label is True and 0.5 < score <= 1.0
    label, score = predict(NEGATIVES["enterprise"][1])
    assert label is False and 0.0 <= score < 0.5


# Failure modes found on held-out news (lexicon-1.1); every article below is written for the test.
HELD_OUT_POSITIVES = {
    "mixed-case-app": ("某市政务App清零",
                       "某市近日宣布，面向乡镇的政务App由二十多个压减为两个，其余一律关停。"
                       "市里同时规定，不得把App登录时长和点赞数量作为对街道、社区的考核依据。"
                       "街道干部说，指尖形式主义少了，手机不再是第二个办公室。"),
    "no-jianfu-one-table": ("村里的数一次报齐",
                            "某县推行一表通，部门需要的村级数据统一从共享平台调取，不再向村里重复索要。"
                            "过去同一个人口数字，民政、卫健、农业等部门要村干部分头填表十几次。"
                            "县里规定，没有经过审核的表格一律不得下发到村，填报情况不作为考核内容。"
                            "村党支部书记说，现在能把整块时间用在入户走访上了。"),
    "no-jianfu-meetings": ("每周三为无会日",
                           "某区推行每周三无会日，当天不召开要求街道参加的会议，确需召开的改为视频会。"
                           "区委办公室同时对年度发文实行计划管理，坚持精文减会，以文件落实文件的做法被叫停。"
                           "一名街道党工委书记说，过去周三常常在区里开会，现在可以带着干部去社区解决问题。"),
    "traditional-app": ("某縣清理政務App",
                        "某縣對面向鄉鎮幹部的政務App進行清理，能合併的一律合併，僵屍應用全部關停。"
                        "縣裏明確，不得要求基層幹部在工作群裏打卡接龍、上傳截圖，防止指尖形式主義。"
                        "鄉鎮幹部說，手機裏的任務少了，進村入戶的時間多了。"),
    # lexicon-1.2: community-level burden reduction, told through plates and ledgers, without 基层减负
    "community-plates": ("社区的牌子和台账",
                         "某市一个老旧小区的社区居委会，门口和墙上挂着十几块工作站的牌子。"
                         "社区主任说，每加挂一块牌子就多一项工作，社区这几个人实在扛不动。"
                         "年底各部门轮流来查台账，社区干部不堪重负。"
                         "今年民政部门牵头开展社区减负，把社区承担的工作事项重新梳理了一遍。"
                         "居民们说，希望社区干部能多到楼道里走走。"
                         "小区里的老人最关心的是加装电梯和菜市场的事。"
                         "社区主任表示，会把更多时间用在居民身上。"),
    # lexicon-1.3: a 纪检 通报 of formalism cases that burden the grassroots, worded as 工作负担
    "discipline-notice": ("某省纪委通报三起形式主义典型问题",
                          "近日，某省纪委监委通报三起形式主义、官僚主义典型问题。"
                          "某市农业农村局将省里已印发到县的文件原文照搬照抄后再次转发，内容重复率超过九成，相关负责人受到诫勉谈话。"
                          "某县住建局在一次专项检查中要求乡镇一周内报送五类台账和大量照片，加重了乡镇工作负担，相关责任人受到党纪处分。"
                          "某区商务局以工作群接龙的方式每天要求街道上报数据，同一数据反复报送，相关负责人被约谈。"
                          "通报要求，各级党组织要引以为戒，切实减轻基层工作负担。"),
}

HELD_OUT_NEGATIVES = {
    # two strong sentences inside a long feature about something else
    "passing-paragraph": ("总书记牵挂的民生实事",
                          "今年以来，各地把群众急难愁盼的问题列入民生实事清单。"
                          "在城市，老旧小区改造让居民住得更舒心，加装电梯解决了老人上下楼的难题。"
                          "在农村，农村公路和饮水工程持续推进，群众出行和用水更加方便。"
                          "教育方面，新建改扩建的中小学校陆续投入使用，学位供给不断增加。"
                          "医疗方面，县域医共体建设让群众在家门口就能看上好医生。"
                          "养老方面，社区食堂和日间照料中心越来越多，老年人吃饭有了着落。"
                          "就业方面，各地开展技能培训，帮助农民工和高校毕业生找到工作。"
                          "持续为基层减负，也是保障民生工作落地的重要一环。"
                          "中央层面要求整治形式主义为基层减负，让干部把更多时间用在为群众办事上。"
                          "文化方面，乡村文化广场和农家书屋丰富了群众的精神生活。"
                          "生态方面，城乡环境整治让天更蓝、水更清、地更绿。"
                          "安全方面，各地加强防汛和安全生产，守护群众生命财产安全。"
                          "社会保障方面，城乡居民基础养老金标准再次提高。"
                          "住房方面，保障性住房建设加快，新市民和青年人住房困难得到缓解。"
                          "交通方面，城市公交线路不断优化，群众出行更加便捷。"
                          "群众说，一件件民生实事办到了心坎上。"),
    # a slogan, not the campaign
    "slogan": ("国务院通报表扬一批真抓实干成效明显的地方",
               "国务院办公厅日前发出通报，对真抓实干、成效明显的二百余个地方予以督查激励。"
               "通报要求各地对标先进、力戒形式主义、官僚主义，确保完成全年目标任务。"),
    # ordinary work vocabulary in a grassroots story
    "ordinary-ledger": ("第一书记带村民种药材",
                        "驻村第一书记到村后走访了全部农户，为每户建立了帮扶台账。"
                        "他带领村民种植中药材，成立合作社，去年村集体经济收入突破四十万元。"
                        "乡镇党委对驻村工作队开展年度考核，考核指标包括产业发展和群众满意度。"
                        "村民说，第一书记是真心实意为大家办事。"),
    # 摘牌 and 属地管理 in the other sense of 挂牌
    "hazard-delisting": ("重大隐患整改到位后摘牌销号",
                         "市安委会对五处重大事故隐患实行挂牌督办，要求限期整改。"
                         "各县区按照属地管理原则落实整改责任，乡镇街道负责日常巡查。"
                         "隐患整改验收合格后，由挂牌单位摘牌销号并向社会公布。"),
    "enterprise-inspections": ("涉企检查综合查一次",
                               "某省推行涉企检查综合查一次，同一部门一年内对同一企业的检查原则上不超过一次。"
                               "省市场监管局负责人说，这一举措将减轻企业迎检负担，让企业把精力放在生产经营上。"
                               "企业负责人表示，过去填表报材料多，现在轻松多了。"),
    "teachers": ("减轻中小学教师非教学负担",
                 "某市出台办法减轻中小学教师非教学负担，未经教育部门同意不得进校园开展评比、填表等活动。"
                 "教师不再被要求在工作群里打卡转发与教学无关的内容。"
                 "教育局负责人说，要让老师把时间还给课堂和学生。"),
    # lexicon-1.2: 一表通查 is the checklist of an inspection of firms, not the village table 一表通
    "enterprise-checklist": ("涉企行政检查推行一表通查",
                             "某省司法厅介绍，今年起对同一企业的检查实行综合查一次，各部门的检查项目合成一张表，推行一表通查。"
                             "检查人员扫码入企，检查过程全程留痕，同一企业每年被检查的次数设定上限。"
                             "一家机械厂的负责人说，以前一个月要接待好几拨检查，现在可以专心抓生产。"),
    # lexicon-1.3: 照搬照抄 in ordinary political speech is not the 文山会海 of the campaign
    "copying-models": ("市委理论学习中心组集体学习",
                       "市委理论学习中心组近日举行集体学习。"
                       "会议强调，推进现代化要坚持从实际出发，不能照搬照抄别国模式，也不能照抄照搬外地做法。"
                       "要加强调查研究，提高领导干部推动高质量发展的本领。"
                       "要深化改革开放，持续优化营商环境，扩大有效投资。"),
    # lexicon-1.3: teachers' burden told with the campaign's vocabulary is still the schoolwork sense
    "teacher-inspections": ("减少进校园的督查评比",
                            "某市规定，各部门开展涉及中小学校和教师的督查检查评比考核事项，实行年度计划和审批报备制度。"
                            "同类事项要合并进行，不能层层加码，坚决避免对学校和教师随意提出要求。"
                            "教育局负责人说，要让教师把精力放在教书育人上。"),
}


@pytest.mark.parametrize("case", sorted(HELD_OUT_POSITIVES))
def test_held_out_failure_modes_positive(case):
    title, body = HELD_OUT_POSITIVES[case]
    v = classify(title, body)
    assert v.is_burden_reduction and v.score > 0.5, (case, v.evidence)
    assert v.evidence["terms"] and v.evidence["sentences"]
    label, score = predict(body)  # the scorer usually sends the text alone
    assert label is True, (case, score)


@pytest.mark.parametrize("case", sorted(HELD_OUT_NEGATIVES))
def test_held_out_failure_modes_negative(case):
    title, body = HELD_OUT_NEGATIVES[case]
    v = classify(title, body)
    assert not v.is_burden_reduction and v.score < 0.5, (case, v.evidence)
    assert v.topics == []
    label, _ = predict(body)
    assert label is False, case


def test_passing_paragraph_keeps_its_evidence():
    """The two sentences still show in the evidence: the story is negative because they are a sliver of it."""
    v = classify(*HELD_OUT_NEGATIVES["passing-paragraph"])
    assert "为基层减负" in v.evidence["terms"] and v.evidence["sentences_carrying"] <= 2
    assert v.evidence["sentences_total"] >= 15


# --- one test per rule of pipelines/data/classify_rules.toml (each fails when its rule is removed) ---
# Sentences written for these tests. They test the sentence analysis directly: the learnt model
# may still get a whole article right without a rule, the rule's own effect is what is pinned here.

import tomllib
from importlib import resources

from pipelines import classify as clf
from pipelines.vocabulary import lexicon


def sentence(text):
    return clf._analyse_sentence(text)


def test_rule_grassroots_gives_weaker_terms_their_full_weight():
    outside, inside = sentence("机关清理台账，合并报表。"), sentence("村里清理台账，合并报表。")
    assert inside.weight > outside.weight > 0
    assert inside.concepts and not outside.concepts  # paraphrase counts only about 基层


def test_rule_cutting_separates_the_campaign_from_ordinary_ledgers():
    ordinary, cut = sentence("驻村工作队为每户建立台账。"), sentence("驻村工作队把每户的台账合并为一本。")
    assert cut.weight > ordinary.weight > 0
    assert "records" in cut.concepts and not ordinary.concepts


def test_rule_grassroots_includes_the_village_office():
    # 村部 (the village committee's office) is where plaques hang and certificates are stamped
    assert "plaques-certificates" in sentence("村部门口的牌子清理到三块。").concepts


def test_rule_cutting_includes_results_told_as_results():
    # implementers describe the cut by its result (排名消失, 压力减小) as often as by the verb
    assert "inspections" in sentence("乡镇干部说，按月的考核排名消失了。").concepts
    assert not sentence("乡镇干部说，按月的考核排名公布了。").concepts


def test_rule_burden_marks_a_grassroots_sentence_about_the_burden():
    assert sentence("乡镇干部疲于应付各种事务。").burden
    assert not sentence("乡镇干部走访了各家农户。").burden
    assert not sentence("机关人员疲于应付各种事务。").burden  # the burden, but not at 基层


def test_rule_outlet_keeps_datelines_and_outlets_out_of_the_bigrams():
    a = clf.analyse("", "本报北京3月1日电（记者王某）乡镇干部说，会议少了。央视网消息说明了什么。")
    bag = clf.bag_of_bigrams(a)
    assert "乡镇" in bag and "会议" in bag
    assert not {"本报", "记者", "北京", "央视", "视网"} & set(bag)


def test_rule_remedies_count_without_a_cutting_verb():
    s = sentence("乡镇推行准入制度。")
    assert s.terms == ["准入"] and s.weight == lexicon()["准入"][0]


def test_rule_borrowable_words_drop_out_of_a_borrowed_sentence():
    s = sentence("挂牌督办的问题要按期整改，乡镇的台账和工作群也要压减。")
    assert "台账" not in s.terms and "工作群" in s.terms and s.cancelled_by is None


def test_rule_false_compounds():
    s = sentence("乡镇推行一表通查，减少重复检查。")
    assert "一表通" not in s.terms


def test_rule_speaker_is_not_an_object_cut():
    said = sentence("会议强调，要为基层减负，让乡镇干部多办实事。")
    cut = sentence("县里要求压减乡镇的会议，为基层减负。")
    assert "meetings-documents" not in said.concepts and "meetings-documents" in cut.concepts


@pytest.mark.parametrize("sense,text", [
    ("enterprise", "今年为企业减负一百亿元。"),
    ("schoolwork", "学校为学生减负，控制书面作业。"),
    ("schoolwork", "社区组织中小学生参加课后服务，减轻家长负担。"),
    ("public-cost", "医保新政为患者减负，报销比例提高。"),
    ("environment", "为洱海减负，入湖污染物下降。"),
])
def test_rule_other_sense(sense, text):
    s = sentence(text)
    assert s.cancelled_by == sense and s.weight == 0 and not s.concepts


@pytest.mark.parametrize("kind,text", [
    ("supervision", "省里对这处隐患挂牌督办。"),
    ("inspection-praise", "大督查发现的典型经验做法予以表扬，检查考核结果公开。"),
    ("appointment", "该同志拟任乡镇党委书记，考核指标位列前茅。"),
])
def test_rule_borrowed(kind, text):
    s = sentence(text)
    assert s.cancelled_by == kind and s.weight == 0


def test_teachers_burden_told_as_grassroots_formalism_is_the_campaign():
    """Teachers are not another sense of 减负 as students are: the load of forms, inspections and
    work chats on 基层 teachers is the campaign's (the 2019 基层减负年 took it up). Only a story that
    frames it at 基层 gets the concept; a schools notice without that frame stays education policy
    (HELD_OUT_NEGATIVES "teachers", "teacher-inspections")."""
    s = sentence("基层教师填报的表格减少了一半，不再疲于应付检查。")
    assert s.cancelled_by is None and {"records", "inspections"} <= set(s.concepts)


CONCEPT_SENTENCES = {
    "meetings-documents": "县里精简面向乡镇的会议和文件。",
    "inspections": "对乡镇的考核评比一律合并。",
    "records": "村里要填的表格减少了一半。",
    "digital": "不得要求村干部在微信群里截图。",
    "responsibility": "不得以属地为名把责任推给乡镇。",
    "admission": "未经审核的事项不得交给社区。",
    "plaques-certificates": "村里门口的牌子清理到四块，不再开具无谓证明。",
    "secondment": "严禁长期从乡镇借调干部。",
    "quotas": "不得向村里摊派招商指标。",
}


@pytest.mark.parametrize("concept", sorted(CONCEPT_SENTENCES))
def test_rule_concept(concept):
    assert concept in sentence(CONCEPT_SENTENCES[concept]).concepts
    # the same object, not cut and not at 基层, is ordinary news
    assert not sentence("全国人大常委会召开会议审议文件。").concepts


def test_every_rule_in_the_data_file_has_its_test():
    raw = tomllib.loads(resources.files("pipelines").joinpath("data/classify_rules.toml").read_text(encoding="utf-8"))
    names = set(raw) - {"other_sense", "borrowed", "concepts"}
    tested = {"grassroots", "cutting", "burden", "outlet", "remedies", "borrowable", "false_compounds", "speaker"}
    assert names == tested
    assert set(raw["other_sense"]) == {"enterprise", "schoolwork", "public-cost", "environment"}
    assert set(raw["borrowed"]) == {"supervision", "inspection-praise", "appointment"}
    assert set(raw["concepts"]) == set(CONCEPT_SENTENCES)


def test_min_sentences_keeps_a_one_line_brief_from_full_coverage():
    a = clf.analyse("", "乡镇干部说为基层减负让人有感。")
    assert len(a.sentences) == 1 and a.features["lex_coverage"] < 1.0


def test_passing_share_flags_a_long_story_with_one_paragraph():
    a = clf.analyse(*HELD_OUT_NEGATIVES["passing-paragraph"])
    mass = sum(s.weight for s in a.sentences if s.weight >= clf.CARRYING_WEIGHT)
    assert a.features["passing"] == 1.0 and a.features["lex_mass"] < 0.9 * min(mass, 14) / 14  # scaled down
    b = clf.analyse(*POSITIVES["文山会海"])
    assert b.features["passing"] == 0.0


# --- the learnt model ---

def test_score_is_the_calibrated_probability_and_the_evidence_decides():
    v = classify("某镇的一周", "镇里规定，部门要乡镇报送的表格一律先经审核，同类表格合并，不再重复报送。"
                 "镇干部说，每周填表的时间从两天减到半天，多出的时间用来走访群众。")
    assert v.score == round(clf.probability(v.evidence["log_odds"]), 4)
    assert v.evidence["concepts"] and v.evidence["sentences"] and v.evidence["deciding"]
    assert set(v.evidence["features"]) >= set(clf.FEATURES)


def test_model_file_holds_weights_and_single_words_only():
    m = clf.model()
    assert m["features"] == clf.FEATURES and len(m["dense_weights"]) == len(clf.FEATURES)
    assert len(m["vocabulary"]) == len(m["bow_weights"]) == len(m["idf"])
    assert all(len(w) <= 10 for w in m["vocabulary"])  # words, never a sentence of the corpus


def test_version_is_a_hash_of_the_rules_terms_model_and_segmenter():
    import hashlib
    from importlib import metadata

    h = hashlib.sha256()
    for name in ("classify_rules.toml", "jianfu_terms.txt", "classifier_model.json"):
        h.update(name.encode() + b"\0" + resources.files("pipelines").joinpath("data", name).read_bytes())
    h.update(f"rjieba={metadata.version('rjieba')}".encode())  # its tokens are features
    assert CLASSIFIER_VERSION == clf.FAMILY + "+" + h.hexdigest()[:10]


# --- the score's breakdown in the evidence ---

def test_breakdown_parts_add_up_to_the_log_odds():
    """Sentences, title, the rest of the article and the intercept sum to the model's log-odds:
    the weights shown beside the sentences are the model's own, not a separate guess."""
    for title, body in [POSITIVES["文山会海"], HELD_OUT_NEGATIVES["passing-paragraph"], NEGATIVES["enterprise"]]:
        a = clf.analyse(title, body)
        log_odds, dense, words = clf.contributions(a)
        split = clf.breakdown(a, dense, words)
        total = clf.model()["intercept"] + split["title"] + split["article"] + sum(split["sentences"])
        assert abs(total - log_odds) < 1e-9
        assert len(split["sentences"]) == len(a.sentences)


def test_breakdown_ranks_the_campaign_sentence_first_and_lists_what_pushed():
    body = ("镇里召开了秋收工作会，安排农机调度。"
            "县里规定部门要乡镇报送的表格一律先审核，同类表格合并，乡镇干部填表的时间少了一半。"
            "当天下午还举行了农民丰收节文艺演出。")
    v = classify("某镇的一周", body)
    b = v.evidence["breakdown"]
    text, weight, why = b["sentences_for"][0]
    assert text.startswith("县里规定") and weight >= clf.DECIDING_SENTENCE
    assert "concept:records" in why
    assert v.evidence["sentences"] == [s for s, w, _ in b["sentences_for"] if w >= clf.DECIDING_SENTENCE]
    assert "丰收" not in "".join(v.evidence["sentences"])  # an ordinary sentence is not shown as deciding
    assert b["features"]["concept_share"] > 0 and b["bigrams_for"] and b["bigrams_for"][0][1] > 0
    assert all(w < 0 for _, w in b["bigrams_against"])
    assert b["intercept"] == round(clf.model()["intercept"], 3)
    shown = b["intercept"] + sum(b["features"].values()) + b["bigrams"]
    assert abs(shown - v.evidence["log_odds"]) < 0.01


def test_breakdown_of_a_negative_names_what_held_it_back():
    v = classify(*HELD_OUT_NEGATIVES["passing-paragraph"])
    b = v.evidence["breakdown"]
    assert b["features"]["passing"] < 0  # a passing mention is what held it back
    assert b["sentences_for"] and all("减负" in s or w < 1 for s, w, _ in b["sentences_for"])


def test_probability_of_an_extreme_score_does_not_overflow():
    assert clf.probability(-5000.0) == 0.0 and clf.probability(5000.0) == 1.0
