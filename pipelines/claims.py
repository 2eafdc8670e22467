"""The campaign's results as data: figures claimed in burden-reduction articles.

Reports on 基层减负 carry their results as figures ("开到旗县的会议减少48.4%", "清理规范政务APP
1.3万个", "督查检查考核事项压减一半以上"). `extract_claims` turns each such figure into a
`Claim`: the sentence, what was reduced (the subject phrase and its campaign topic, the
classifier's taxonomy), the quantity (Chinese numerals, 万/亿, 近3/4, 一半以上, 四成,
百分之二十五 normalised with cn2an; shares become percentages), the unit, the direction, the
period and region the sentence speaks of, and a confidence.

Only burden-reduction articles have claims (`claims_for` checks the verdict): the same verbs
and figures in a 学生减负 or 减税降费 article are another campaign's results.

How a figure becomes a claim, clause by clause (clauses end at ，；：。！？):
1. every quantity in the clause is found (`QUANTITY`); numbers that are dates, ordinals or
   have no unit are not quantities;
2. its direction comes from the nearest campaign verb on its left since the previous quantity
   (压减/清理/下降 … reduced_by; the same verb followed by 至/到/为, or 控制在/不超过/仅保留 …
   reduced_to; 增加/提高/腾出 … increased; 查处/问责/调整 … counted), else from a verb on its
   right (448名干部进行了调整, 52人回到原岗位); a quantity with no verb is no claim, and
   neither is the "from" figure of 由20多块减少到4块;
3. the subject is the object between verb and figure (清理规范**政务APP**1.3万个), else the
   phrase before the verb (**基层报表**减少近80%); its topic is the first taxonomy keyword in it
   (`TOPIC_WORDS`), else in the clause.

No network, no model: cn2an converts numerals by its own rules.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

import cn2an

from pipelines.regions import find_regions

# Directions (one name each across code, schema and docs).
REDUCED_BY, REDUCED_TO, INCREASED, COUNTED = "reduced_by", "reduced_to", "increased", "counted"

# Confidence: a rule-based score, not a calibrated probability. A claim with its verb on the
# left and a subject of a campaign topic is the pattern of nearly every result sentence in
# the fixtures (tests/data/claims_sentences.jsonl); each weaker sign takes off its share.
BASE_CONFIDENCE = 0.9
NO_TOPIC_PENALTY = 0.35      # the figure is about something outside the campaign taxonomy (GDP, 满意度)
TOPIC_FROM_CLAUSE_PENALTY = 0.1  # the topic word is in the clause but not in the subject phrase
VERB_ON_RIGHT_PENALTY = 0.1  # 448名干部…进行了调整: the verb comes after the figure
COUNTED_PENALTY = 0.1        # enforcement counts are results, but not a burden reduced

# The topic taxonomy of pipelines/data/jianfu_terms.txt (the classifier's topics, Datasette's
# facets), with the nouns a result sentence names. Checked in this order: the specific
# campaign objects before the generic 事项/清单 (督查检查考核事项 is an inspection, not an
# admission list).
TOPIC_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("一票否决/责任状/属地管理", ("一票否决", "责任状", "责任书", "属地管理")),
    ("借调抽调", ("借调", "抽调")),
    ("指尖上的形式主义", ("政务APP", "APP", "app", "App", "应用程序", "工作群", "微信群", "群组", "公众账号",
                  "政务账号", "公众号", "打卡", "小程序", "业务系统", "指尖")),
    ("督查检查考核", ("督查", "检查", "考核", "督检考", "迎检", "评估")),
    ("留痕/台账/报表", ("报表", "台账", "表格", "填表", "填报", "报送", "上报", "材料", "留痕", "拍照", "一表通",
                  "数据")),
    ("挂牌/创建示范", ("挂牌", "牌子", "牌匾", "标识牌", "标牌", "牌", "创建示范", "示范创建", "创建", "评比", "达标",
                 "表彰", "上墙")),
    ("调研/迎来送往", ("调研", "陪同", "迎来送往")),
    ("文山会海", ("会议", "发文", "文件", "简报", "精文减会", "篇幅", "印发", "开会", "会")),
    ("权责清单/事项准入", ("证明", "准入", "事项", "清单", "工作任务", "任务", "承担")),
    ("容错纠错/激励", ("容错", "纠错", "激励")),
)

_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
_NUM = rf"(?:\d+(?:\.\d+)?(?:[万亿]+)?|[{_CN_DIGITS}]+(?:点[零〇一二三四五六七八九]+)?)"
# Units a result is counted in, longest first (个小时 before 个, 人次 before 人).
UNITS = ("个百分点", "个小时", "个月", "人次", "分钟", "小时", "个", "件", "项", "次", "份", "场", "名", "人", "张",
         "块", "类", "家", "本", "条", "起", "天", "字", "篇", "批", "套", "轮", "处", "户", "种", "组", "元", "万元",
         "亿元", "周", "页")
_UNIT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
# One quantity; the alternatives are tried in this order at each position.
QUANTITY = re.compile(
    rf"(?P<pre>近|将近|接近|约|大约|超过|逾|达|仅|不到|不足|不超过)?"
    rf"(?:百分之(?P<pct_cn>{_NUM})"
    rf"|(?P<den>{_NUM})分之(?P<num>{_NUM})"
    rf"|(?P<fa>\d+)\s*/\s*(?P<fb>\d+)"
    rf"|(?P<rlo>[一二三四五六七八九]|\d+(?:\.\d+)?)(?:到|至|~|-)(?:[一二三四五六七八九]|\d+(?:\.\d+)?)(?P<runit>成|[%％])"
    rf"|(?P<half>一半|半数|过半|近半)"
    rf"|(?P<cheng>[一二三四五六七八九]|\d)成"
    rf"|(?P<bei>{_NUM})倍"
    rf"|(?P<pct>\d+(?:\.\d+)?)\s*[%％]"
    rf"|(?P<n>{_NUM})\s*(?P<more>多|余)?\s*(?P<unit>{_UNIT}))"
    rf"(?P<post>以上|以下|以内|左右|多|余)?"
)
# A figure that is an ordinal or part of a name: 第5年, 十四五, 一刀切.
_NOT_QUANTITY_BEFORE = re.compile(r"(第|《|“)$")
_CLAUSE_END = re.compile(r"[，,；;：:。！？!?\n]")
SENTENCE_END = re.compile(r"(?<=[。！？!?])")

# Verbs, longest first inside each set so 压减 is matched before 减.
_REDUCE = ("清理规范", "清理", "压减", "压缩", "精简", "减少", "下降", "降低", "缩减", "缩短", "削减", "减轻", "撤并",
           "撤销", "撤除", "取消", "整合", "合并", "砍掉", "节省", "节约", "清退", "退回", "收回", "归并", "精减",
           "裁减", "关停", "注销", "压降", "少了", "减", "降", "少")
_REDUCE_TO_MARKERS = ("控制在", "不超过", "只剩下", "只剩", "仅保留", "保留了", "保留", "仅占", "仅为", "原来的", "原有的",
                      "原有数量的")
_REDUCE_TO = ("压到", "压至", "减到", "减至", "降到", "降至")
_INCREASE = ("增加", "提高", "提升", "增长", "上升", "多了", "多出", "腾出", "增至", "翻了")
_COUNT = ("予以容错", "容错", "通报曝光", "查处", "问责", "调整", "处理", "处分", "约谈", "通报", "曝光", "立案", "诫勉", "追责", "免职")
_RIGHT_REDUCE = ("回到原岗位", "回原岗位", "返岗", "回到原单位", "被清理", "被撤销", "被取消", "被精简")
_RIGHT_REDUCE_RE = re.compile("|".join(map(re.escape, _RIGHT_REDUCE)) + r"|回到\S{0,4}?(?:岗位|单位)")
# A baseline: the figure a result is measured from (由过去的20多块, 比去年的42项, 原有的37个, 从去年的六十多项).
_BASELINE = re.compile(r"(?:由|从|比|较|原有的?|原来的?|过去的?)(?:去年的?|上年的?|过去的?|原来的?|原有的?|年初的?|"
                       r"平均|每[村人年月户镇]|的)*$")
# 每季度通报一次: a frequency, not a result.
_FREQUENCY = re.compile(r"每[^，、]{0,4}$")
_VERBS = sorted([(v, REDUCED_BY) for v in _REDUCE] + [(v, REDUCED_TO) for v in _REDUCE_TO]
                + [(v, INCREASED) for v in _INCREASE]
                + [(v, COUNTED) for v in _COUNT], key=lambda x: -len(x[0]))
_VERB_RE = re.compile("|".join(re.escape(v) for v, _ in _VERBS))
_VERB_DIRECTION = dict(_VERBS)
_LIMIT_PRE = ("不超过", "仅", "不到", "不足")  # 清理后…不超过5个: a limit left, not an amount cut
_TO_AFTER_VERB = re.compile(r"^(?:了)?(?:至|到|为|成)")
# Words that are a verb's letters inside a noun: 会议减负 is not 减 a figure; 降低 of 降 ...
_FALSE_VERB_CONTEXT = re.compile(r"减负|减税|减免|降费")

_PERIOD = re.compile(
    r"(?<![较比与和同])((?:20\d{2}|今|去|前)年(?:以来|上半年|下半年|前三季度|第[一二三四]季度|\d{1,2}至\d{1,2}月|一季度)?"
    r"|今年以来|上半年|下半年|前三季度|近[一二三两五0-9]年(?:来|以来)?)")
_STRIP_SUBJECT = re.compile(
    r"^(?:(?:20\d{2}|今|去|前)年(?:以来|上半年|下半年)?|今年以来|上半年|下半年|经过\S{0,6}后?|通过\S{0,8}?，|"
    r"(?:清理|精简|整合|规范)?后|\d{1,2}至\d{1,2}月|[全各本该](?:乡镇|街道|省|市|县|区|州|旗|镇|乡|村|盟)|各级|各地|全国|共计|共|累计|同比|"
    r"平均|普遍|已|都|均)+")
# Comparisons and adverbs between the subject and its verb: 文件同比, 会议数量比上年, 每次.
_SUBJECT_TAIL = re.compile(r"(?:比去年同期|较去年同期|同比|环比|比上年度?|较上年度?|比去年|较去年|[较比]\d{4}年|比过去|较过去|平均|共计|进行了?|"
                           r"仅占|仅为|每次|每年|分别|总共|一共)+$")


@dataclass
class Claim:
    """One figure claimed in one sentence."""

    sentence: str
    paragraph: int         # index of its paragraph in the article body (0-based), for the page's anchor
    subject: str           # the phrase naming what was reduced (会议, 基层报表, 政务APP)
    topic: str | None      # its campaign topic (TOPIC_WORDS), None when outside the taxonomy
    quantity: float        # shares as percentages: 近3/4 -> 75, 一半 -> 50, 四成 -> 40
    quantity_text: str     # the figure as written (近3/4)
    qualifier: str | None  # approx (近, 约, 左右), at_least (以上, 余, 多, 超过), at_most (以内, 不超过, 不到)
    unit: str              # "%" for shares, else the measure word (个, 件, 项, 名 …)
    direction: str         # reduced_by | reduced_to | increased | counted
    period: str | None     # the time phrase of the sentence (2023年, 今年以来), when it has one
    year: int | None       # that period's year, else the article's
    region: str | None     # the most specific place the sentence (else the article) is about
    confidence: float

    def as_dict(self) -> dict:
        return asdict(self)


def _number(text: str) -> float:
    """A numeral (48.4, 1.3万, 六十, 十二万五千) as a float, by cn2an."""
    return float(cn2an.cn2an(text, "smart"))


def _quantity(m: re.Match) -> tuple[float, str]:
    """(value, unit) of a QUANTITY match; shares are percentages."""
    g = m.groupdict()
    if g["pct_cn"]:
        return _number(g["pct_cn"]), "%"
    if g["den"]:
        return round(100 * _number(g["num"]) / _number(g["den"]), 4), "%"
    if g["fa"]:
        return round(100 * int(g["fa"]) / int(g["fb"]), 4), "%"
    if g["rlo"]:  # 三到五成: the range's lower end (qualifier at_least)
        return (10 if g["runit"] == "成" else 1) * _number(g["rlo"]), "%"
    if g["half"]:
        return 50.0, "%"
    if g["cheng"]:
        return 10 * _number(g["cheng"]), "%"
    if g["bei"]:
        return 100 * _number(g["bei"]), "%"
    if g["pct"]:
        return float(g["pct"]), "%"
    unit = g["unit"]
    value = _number(g["n"])
    if unit in ("万元", "亿元"):
        value, unit = value * (10_000 if unit == "万元" else 100_000_000), "元"
    if unit == "个小时":
        unit = "小时"
    return value, unit


def _qualifier(m: re.Match) -> str | None:
    pre, post, g = m.group("pre"), m.group("post"), m.groupdict()
    if pre in ("近", "将近", "接近", "约", "大约") or post == "左右" or g["half"] in ("近半",):
        return "approx"
    if pre in ("超过", "逾") or post in ("以上", "多", "余") or g.get("more") or g["half"] == "过半" or g["rlo"]:
        return "at_least"
    if pre in ("不到", "不足", "不超过") or post in ("以下", "以内"):
        return "at_most"
    return None


def _topic(text: str) -> str | None:
    for topic, words in TOPIC_WORDS:
        if any(w in text for w in words):
            return topic
    return None


# Adverbs left where a clause names no subject (最终只保留11项): the subject is in the clause before.
_ADVERBS = re.compile(r"^(?:最终|最后|目前|现已|已经|已|只|仅|还|也|都|均|一律|全部|其中|如今|现在)+$")


def _clean_subject(text: str) -> str:
    text = re.sub(r"^[，、\s]+|[的了，、\s]+$", "", text)
    text = _STRIP_SUBJECT.sub("", text)
    text = re.sub(r"^(?:的|了|对|把|将|向|为|使|让|由|从)", "", text)
    text = re.sub(r"(?:由|从)(?:过去的|原来的|年初的|原有的)?$", "", text)
    text = _SUBJECT_TAIL.sub("", text.strip("，、 的了"))
    text = _ADVERBS.sub("", text.strip("，、 的了"))
    return text.strip("，、 的了")[-20:]


def _verbs(segment: str):
    """(start, end, direction) of the campaign verbs in a piece of a clause, left to right."""
    for v in _VERB_RE.finditer(segment):
        word = v.group()
        ctx = segment[max(0, v.start() - 1):v.end() + 1]
        if _FALSE_VERB_CONTEXT.search(ctx):
            continue
        if word == "少" and not segment[v.end():v.end() + 1] == "了":
            continue  # 少 alone: 不少, 多少; 少了 is listed
        yield v.start(), v.end(), _VERB_DIRECTION[word]


def _period(sentence: str, published_year: int | None) -> tuple[str | None, int | None]:
    m = _PERIOD.search(sentence)
    if not m:
        return None, published_year
    text = m.group(1)
    y = re.match(r"20\d{2}", text)
    if y:
        return text, int(y.group())
    if published_year is not None:
        for word, delta in (("今年", 0), ("去年", -1), ("前年", -2)):
            if text.startswith(word):
                return text, published_year + delta
    return text, published_year


def _region(sentence: str, article_regions: list[str]) -> str | None:
    found = find_regions("", sentence)
    if found:
        return found[-1]
    return article_regions[-1] if article_regions else None


def clause_claims(clause: str) -> list[dict]:
    """The figures of one clause with direction, subject and topic (no sentence context)."""
    out = []
    quantities = [m for m in QUANTITY.finditer(clause)
                  if not _NOT_QUANTITY_BEFORE.search(clause[:m.start()])
                  and not re.match(r"[年月日号时]", clause[m.end():m.end() + 1])]
    prev_end = 0
    from_subject = None
    for i, m in enumerate(quantities):
        segment = clause[prev_end:m.start()]
        baseline = _BASELINE.search(segment)
        if baseline and not list(_verbs(segment[baseline.start():])) and not re.search(
                r"(?:为|至|到|不到|占|仅为)$", segment[:baseline.start()]):  # 精简为原来的三分之一 is a result
            from_subject = from_subject or _clean_subject(segment[:baseline.start()])
            prev_end = m.end()
            continue  # the figure a result is measured from, not a result
        verbs = list(_verbs(segment))
        direction = subject = None
        penalty = 0.0
        if verbs:
            start, end, direction = verbs[-1]
            between = segment[end:]
            if direction == REDUCED_BY and (_TO_AFTER_VERB.match(between) or any(
                    k in between for k in _REDUCE_TO_MARKERS) or m.group("pre") in _LIMIT_PRE):
                direction = REDUCED_TO
            obj = re.sub(r"^(?:了|至|到|为|成|约|近|达|共|累计|各类|各种|幅度|比例|率)+", "", between)
            obj = re.sub(r"(?:原来的|原有的|原有数量的|过去的)$", "", obj)
            if len(re.findall(r"[\u4e00-\u9fffA-Za-z]", obj)) >= 2 and not re.fullmatch(r"(?:了|的)+", obj):
                subject = _clean_subject(obj)
            else:
                subject = _clean_subject(segment[:start])
        elif any(k in segment for k in _REDUCE_TO_MARKERS):
            direction = REDUCED_TO
            subject = _clean_subject(re.split("|".join(_REDUCE_TO_MARKERS), segment)[0])
        else:
            rest_end = quantities[i + 1].start() if i + 1 < len(quantities) else len(clause)
            rest = clause[m.end():rest_end]
            right = list(_verbs(rest))
            if right:
                direction = right[0][2]
                subject = _clean_subject(rest[:right[0][0]])
                penalty += VERB_ON_RIGHT_PENALTY
            elif _RIGHT_REDUCE_RE.search(rest):
                direction = REDUCED_BY
                subject = _clean_subject(rest[:_RIGHT_REDUCE_RE.search(rest).start()])
                penalty += VERB_ON_RIGHT_PENALTY
        prev_end = m.end()
        if direction is None:
            continue
        if m.group("unit") == "次" and _FREQUENCY.search(segment[-8:]):
            continue
        if not subject and from_subject:  # 文件篇幅从8000字缩减到5000字: named before the "from" figure
            subject = from_subject
        if not subject:  # 取消了6项面向村级的创建示范和评比活动: named after the figure
            after = clause[m.end():quantities[i + 1].start() if i + 1 < len(quantities) else len(clause)]
            if _topic(after):
                subject = _clean_subject(re.sub(r"^(?:的|面向\S{1,4}?的)", "", after))
        try:
            value, unit = _quantity(m)
        except ValueError:  # a bare magnitude (万余份, 千余个) is no figure: cn2an refuses it
            continue
        topic = _topic(subject or "")
        if topic is None:
            topic = _topic(clause)
            penalty += TOPIC_FROM_CLAUSE_PENALTY if topic else NO_TOPIC_PENALTY
        if direction == COUNTED:
            penalty += COUNTED_PENALTY
        out.append({"subject": subject or "", "topic": topic, "quantity": value,
                    "quantity_text": m.group(0), "qualifier": _qualifier(m), "unit": unit,
                    "direction": direction, "confidence": round(max(0.05, BASE_CONFIDENCE - penalty), 2)})
    return out


def sentences(body: str) -> list[tuple[int, str]]:
    """(paragraph index, sentence) of a body; paragraphs as the article page shows them."""
    from pipelines.reading import paragraphs
    out = []
    for i, para in enumerate(paragraphs(body)):
        for s in SENTENCE_END.split(para):
            if s.strip():
                out.append((i, s.strip()))
    return out


def extract_claims(body: str, published_at: str | None = None, regions: list[str] | None = None) -> list[Claim]:
    """Every figure claimed in the text, sentence by sentence (the title is left out: a headline
    repeats a figure of the text)."""
    year = int(published_at[:4]) if published_at and published_at[:4].isdigit() else None
    out = []
    for para, sentence in sentences(body):
        if not QUANTITY.search(sentence):
            continue
        period, claim_year = _period(sentence, year)
        region = None
        subject_of_previous = None
        for clause in _CLAUSE_END.split(sentence):
            for c in clause_claims(clause):
                if not c["subject"] and subject_of_previous:  # ……，同比下降20%: the subject before
                    c["subject"], c["topic"] = subject_of_previous
                if region is None:
                    region = _region(sentence, regions or [])
                out.append(Claim(sentence=sentence, paragraph=para, period=period, year=claim_year,
                                 region=region, **c))
                subject_of_previous = (c["subject"], c["topic"])
            if subject_of_previous is None and _topic(clause):  # a clause naming the subject, no figure yet
                subject_of_previous = (_clean_subject(clause), _topic(clause))
    return out


def claims_for(article: dict, verdict: dict) -> list[dict]:
    """The claims of an extracted article as rows, or none when the verdict is negative: the
    results of another campaign (学生减负, 减税降费) are not this campaign's."""
    if not verdict or not verdict.get("is_burden_reduction"):
        return []
    return [c.as_dict() for c in extract_claims(article.get("body") or "", article.get("date") or article.get("published_at"),
                                                verdict.get("regions") or [])]
