"""Burden-reduction classifier (first version: a weighted lexicon with sense rules)."""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field

CLASSIFIER_VERSION = "lexicon-0.1"

TOPICS = {
    "文山会海": ["文山会海", "精简文件", "精简会议", "发文", "会议"],
    "督查检查考核": ["督查检查考核", "督检考", "考核指标", "督查", "检查考核"],
    "留痕/台账/报表": ["留痕", "台账", "报表", "填表报数"],
    "指尖上的形式主义": ["指尖上的形式主义", "政务APP", "政务应用程序", "工作群", "打卡", "截图"],
    "一票否决/责任状/属地管理": ["一票否决", "责任状", "属地管理"],
    "挂牌/创建示范": ["挂牌", "摘牌", "牌子", "创建示范", "评比"],
    "调研/迎来送往": ["调研", "迎来送往", "四不两直", "陪同"],
    "借调抽调": ["借调", "抽调"],
    "权责清单/事项准入": ["权责清单", "事项准入", "履职事项清单", "小马拉大车", "准入"],
    "容错纠错/激励": ["容错纠错", "激励", "担当作为"],
}
STRONG = {"基层减负": 3.0, "为基层减负": 3.0, "减轻基层负担": 3.0, "整治形式主义": 2.5, "形式主义": 1.0,
          "官僚主义": 0.8, "基层负担": 2.0, "减负": 0.8, "松绑": 0.6}
OTHER_SENSE = {"减税降费": 2.0, "涉企收费": 2.0, "双减": 2.5, "学生": 0.8, "作业": 0.8, "校外培训": 2.0,
               "企业减负": 2.5, "医保": 1.0, "患者": 1.0, "污染": 1.0, "排放": 1.0, "任职前公示": 3.0,
               "挂牌督办": 2.0}


@dataclass(frozen=True)
class Verdict:
    is_burden_reduction: bool
    score: float
    topics: list = field(default_factory=list)
    regions: list = field(default_factory=list)
    evidence: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def classify(title: str, body: str) -> Verdict:
    text = f"{title}\n{body}"
    hits = {t: text.count(t) for t in STRONG if t in text}
    other = {t: text.count(t) for t in OTHER_SENSE if t in text}
    topics = [name for name, terms in TOPICS.items() if sum(text.count(t) for t in terms) >= 2]
    raw = sum(STRONG[t] * min(n, 3) for t, n in hits.items()) + 0.7 * len(topics)
    raw -= sum(OTHER_SENSE[t] * min(n, 3) for t, n in other.items())
    raw += 2.0 * sum(1 for t in STRONG if t in (title or "") and STRONG[t] >= 2)
    score = 1 / (1 + math.exp(-(raw - 4.0) / 2.0))
    is_br = score >= 0.5
    sentences = [s for s in re.split(r"(?<=[。！？])", body) if any(t in s for t in hits)][:3]
    return Verdict(is_br, round(score, 4), topics if is_br else [], [],
                   {"terms": hits, "other_sense": other, "sentences": sentences})


def predict(text: str) -> tuple[bool, float]:
    v = classify("", text)
    return v.is_burden_reduction, v.score
