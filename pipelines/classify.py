"""Is an article about 整治形式主义为基层减负? A lexicon with sense rules, explainable by design.

How a verdict is reached (every step leaves evidence):
1. Traditional characters are converted to simplified (OpenCC tables), so 為基層減負 counts.
2. The text is split into sentences and segmented with jieba, with the campaign's vocabulary
   (`pipelines/data/jianfu_terms.txt`) loaded as a user dictionary so each term is one token.
3. Each sentence scores the weights of the campaign terms in it. Terms of weight < 3 need
   company: they count in full only in a sentence that also speaks of 基层/干部/乡镇/村…, and
   the common words among them (台账, 打卡, 考核指标…) only where something is being cut,
   merged or forbidden (清理, 压减, 不得…) or the burden itself is named (不堪重负, 扛不动,
   加挂): 建立帮扶台账 is ordinary work. 社区减负 names the campaign at community level, and
   基层工作负担/乡镇工作负担 the burden itself (the wording of 纪检 通报 of formalism cases, which
   are the campaign when they are the story); 照搬照抄 counts only as a weak word, so
   不能照搬照抄别国模式 stays ordinary speech.
4. Other meanings of 减负 cancel a sentence: 为企业减负, 减税降费, 涉企(行政)检查/入企检查,
   学生作业, 患者/家庭负担, 为洱海减负; borrowed vocabulary (挂牌督办, 挂牌督战, 大督查 praise,
   任职前公示) adds none, and 一表通查 (the checklist of an inspection of firms) is not 一表通.
5. The article is about the campaign when the terms are *spread* over it: a passing sentence
   in a long story about something else is not enough. The score mixes the term mass, the
   share of sentences that carry it and the title, through a logistic curve centred so 0.5 is
   the cut. In a story of 8+ sentences where under 15% carry terms, the term mass is scaled
   down by that share, so two strong sentences in a long feature stay a passing mention.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field

from pipelines.regions import find_regions
from pipelines.vocabulary import lexicon, to_simplified, tokenizer

CLASSIFIER_VERSION = "lexicon-1.3"

# Sentence context that makes the weaker campaign vocabulary count.
_GRASSROOTS = re.compile(r"基层|干部|乡镇|街道|村级|村干部|社区|嘎查|苏木|一线|县直|旗县|县乡|县级及以下|村(党|委|组织|里|支书|务|两委)|"
                         r"镇村|(到|下|进|入|驻)村")
# Other senses of 减负 and borrowed vocabulary, per sentence.
_OTHER_SENSE = [
    ("enterprise", re.compile(r"(为|给|帮|助)?(企业|市场主体|经营主体|小微|中小企业|纳税人|民营|个体工商户|实体经济|商户)"
                              r".{0,8}(减负|纾困|降本)|减税降费|税费|涉企收费|增值税|降费|退税|缓费|社保费|收费清单|"
                              r"减轻.{0,4}(企业|经营主体|市场主体).{0,2}负担|涉企(行政)?(检查|执法)|入企检查|企业.{0,4}迎检")),
    ("schoolwork", re.compile(r"学生|作业|双减|课业|校外培训|学业|课后服务|中小学生|(中小学|幼儿园)?教师.{0,8}(负担|减负)")),
    ("public-cost", re.compile(r"患者|医保|就医|看病|药费|医疗费|报销|保育|生育|家庭.{0,4}(减负|负担)|群众.{0,4}减负|"
                               r"农民.{0,4}减负|减轻.{0,6}(家庭|患者|群众|农民)")),
    ("environment", re.compile(r"(湖|海|江|河|流域|水体|生态).{0,4}减负|污染|排放|入湖|截污|总磷|水质")),
]
_BORROWED = [
    ("supervision", re.compile(r"挂牌督办|挂牌督战|挂牌成立|挂牌上市|挂牌出让|挂牌交易|挂牌仪式|揭牌|摘牌销号|隐患.{0,6}摘牌")),
    ("inspection-praise", re.compile(r"大督查.{0,20}(表扬|典型经验|做法)|(表扬|典型经验).{0,20}大督查")),
    ("appointment", re.compile(r"任职前公示|拟任|拟提名|公示期间|选拔任用工作条例")),
]
# Campaign words that borrowed vocabulary (挂牌督办, 大督查, 任职公示) also uses in its own sense.
_BORROWABLE = {"挂牌", "摘牌", "牌子", "标牌", "督查检查考核", "检查考核", "考核指标", "调研", "属地管理", "台账"}
# Terms of weight < 3 outside a sentence about 基层/干部 count this share of their weight: the
# campaign's own remedies (weight 2: 以文件落实文件, 政务APP…) more than common words (台账, 形式主义…).
_OUT_OF_CONTEXT_REMEDY = 0.6
_OUT_OF_CONTEXT_COMMON = 0.4
# A sentence that speaks of cutting, merging or forbidding something, or names the burden itself
# (不堪重负, 扛不动, 加挂): without it, 建立帮扶台账 or 考核指标包括… is ordinary work, not the campaign.
_CUTTING = re.compile(r"减负|负担|形式主义|松绑|减轻|精简|精减|清理|压减|压缩|削减|整治|纠治|规范|取消|合并|整合|归并|"
                      r"不得|不再|一律|严禁|杜绝|防止|叫停|摘除|减少|少了|过多|过频|过度|过滥|重复|多头|层层|繁|疲于|"
                      r"应付|只减不增|瘦身|关停|清零|解脱|解放|腾出|省下|反复|分头|频繁|"
                      r"不堪|重负|之重|扛不动|吃不消|疲于奔命|倒苦水|加挂")
_NOT_CUTTING = 0.6
# Weaker terms that name a remedy, not an object of work: they need no cutting verb.
_REMEDIES = {"准入", "事项清单", "权责清单", "容错纠错", "三个区分开来", "四不两直", "轻装上阵", "甩锅"}
# Below this share of sentences carrying terms, the term mass is scaled down (a passing paragraph).
_MIN_COVERAGE = 0.15
# Very short texts: their share of carrying sentences is counted over at least this many sentences.
_MIN_SENTENCES = 2
# Longer words of another sense that contain a campaign term: 一表通查 is the single checklist of
# an inspection of firms (涉企检查), not the village data table 一表通. Removed before segmenting.
_FALSE_COMPOUNDS = re.compile(r"一表通查")
_APP = re.compile(r"(?<=政务)app", re.I)
_SENTENCE = re.compile(r"[^。！？!?\n；;]+[。！？!?\n；;]?")


@dataclass(frozen=True)
class Verdict:
    is_burden_reduction: bool
    score: float
    topics: list = field(default_factory=list)
    regions: list = field(default_factory=list)
    evidence: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def _terms_in(sentence: str) -> list[str]:
    lex = lexicon()
    return [t for t in tokenizer().lcut(_FALSE_COMPOUNDS.sub("", sentence), HMM=False) if t in lex]


def _score_sentence(sentence: str) -> tuple[float, list[str], str | None]:
    """(weight, terms that counted, other sense or borrowed vocabulary that cancelled it)."""
    terms = _terms_in(sentence)
    if not terms:
        return 0.0, [], None
    lex = lexicon()
    strong = any(lex[t][0] >= 3 for t in terms)
    for sense, rule in _OTHER_SENSE:
        if rule.search(sentence) and not strong:
            return 0.0, [], sense
    for kind, rule in _BORROWED:
        if rule.search(sentence):
            terms = [t for t in terms if t not in _BORROWABLE]
            if not terms:
                return 0.0, [], kind
    grassroots = bool(_GRASSROOTS.search(sentence))
    cutting = bool(_CUTTING.search(sentence))
    weight = 0.0
    for t in dict.fromkeys(terms):
        w = lex[t][0]
        if w >= 3:
            weight += w
        elif w >= 2:
            weight += w if grassroots else w * _OUT_OF_CONTEXT_REMEDY
        else:  # common words (台账, 打卡, 考核指标…) are the campaign's only where something is being cut
            weight += w * (1.0 if grassroots else _OUT_OF_CONTEXT_COMMON) * (1.0 if cutting or t in _REMEDIES else _NOT_CUTTING)
    return min(weight, 6.0), list(dict.fromkeys(terms)), None


def classify(title: str, body: str) -> Verdict:
    title = _APP.sub("APP", to_simplified(title or ""))
    body = _APP.sub("APP", to_simplified(body or ""))
    lex = lexicon()
    sentences = [s.strip() for s in _SENTENCE.findall(body) if len(s.strip()) >= 6]
    n = max(len(sentences), 1)
    mass, carrying, deciding, cancelled = 0.0, 0, [], {}
    topic_weight: dict[str, float] = {}
    term_counts: dict[str, int] = {}
    for s in sentences:
        w, terms, why = _score_sentence(s)
        if why:
            cancelled[why] = cancelled.get(why, 0) + 1
        if w >= 1.0:
            carrying += 1
            mass += w
            if len(deciding) < 3 or w > 4:
                deciding.append(s[:160])
            for t in terms:
                term_counts[t] = term_counts.get(t, 0) + 1
                topic = lex[t][1]
                if topic != "-":
                    topic_weight[topic] = topic_weight.get(topic, 0) + lex[t][0]
    title_w, title_terms, title_why = _score_sentence(title) if title else (0.0, [], None)
    coverage = carrying / max(n, _MIN_SENTENCES)
    other = sum(cancelled.get(k, 0) for k, _ in _OTHER_SENSE)
    # a long story about something else with one paragraph on 减负 is a passing mention, not the topic
    spread = min(1.0, coverage / _MIN_COVERAGE) if len(sentences) >= 8 else 1.0
    raw = min(mass, 14.0) * 0.55 * spread + 9.0 * min(coverage, 0.6) + 1.2 * min(title_w, 5.0) - 0.6 * min(other, 6)
    if title_why:
        raw -= 2.0
    score = 1.0 / (1.0 + math.exp(-(raw - 6.0) / 1.2))
    is_br = score >= 0.5
    topics = [t for t, w in sorted(topic_weight.items(), key=lambda kv: -kv[1]) if w >= 2.0] if is_br else []
    evidence = {
        "terms": dict(sorted(term_counts.items(), key=lambda kv: -kv[1])),
        "title_terms": title_terms,
        "sentences": deciding[:5],
        "sentences_carrying": carrying,
        "sentences_total": len(sentences),
        "other_senses": cancelled,
        "raw": round(raw, 3),
    }
    return Verdict(is_br, round(score, 4), topics, find_regions(title, body), evidence)


def predict(text: str) -> tuple[bool, float]:
    """For the scorer: the text may start with the title on its own line."""
    head, _, rest = (text or "").partition("\n")
    if rest and len(head) <= 60 and not re.search(r"[。！？]$", head):
        verdict = classify(head, rest)
    else:
        verdict = classify("", text)
    return verdict.is_burden_reduction, verdict.score
