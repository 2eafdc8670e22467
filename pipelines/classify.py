"""Is an article about 整治形式主义为基层减负? Explainable features, combined by a learnt linear model.

How a verdict is reached (every step leaves evidence):
1. Traditional characters are converted to simplified (OpenCC tables), so 為基層減負 counts.
2. The text is split into sentences and each sentence is segmented once with jieba, with the
   campaign's vocabulary (`pipelines/data/jianfu_terms.txt`) loaded as a user dictionary so each
   term is one token — only the sentences that can matter (step 4's and those holding a term):
   the tokens serve both the lexicon and the bag of words (`Analysis.tokens`).
3. Lexicon: each sentence scores the weights of the campaign terms in it. Terms of weight < 3 need
   company: a sentence about 基层/干部/乡镇/村…, and for common words (台账, 打卡…) something being
   cut, merged or forbidden. Other senses of 减负 (企业, 学生, 患者, 湖泊) cancel a sentence;
   borrowed vocabulary (挂牌督办, 大督查 praise, 任职前公示) adds none. The rules are data:
   `pipelines/data/classify_rules.toml`, each with the reason it exists.
4. Paraphrase: a sentence is *about the burden* when it names an object of the campaign's
   measures (meetings, inspections, ledgers, apps and work chats, 属地 responsibility, admission
   lists, plaques and certificates, secondments, quotas — the `concepts` of the rules file), cuts
   or limits it, and is about 基层. Their share and variety catch local reports that never say 减负.
5. A logistic regression, fit by `jianfu train-classifier` on the labelled corpus
   (`pipelines/classify_train.py`), weighs these named features plus a small bag of jieba words
   (title words apart). Its output is `score`, a probability calibrated on held-out folds; the
   label is `score >= LABEL_THRESHOLD`. The learnt weights are `pipelines/data/classifier_model.json`.
6. `evidence` names the deciding sentences (the highest-scoring lexicon and burden sentences), the
   terms, the concepts, and the features that pushed the score most.
"""

from __future__ import annotations

import functools
import hashlib
import heapq
import itertools
import json
import math
import operator
import re
import tomllib
from collections import Counter
from dataclasses import asdict, dataclass, field
from importlib import resources

from pipelines.regions import find_regions
from pipelines.vocabulary import lexicon, segmenter_version, to_simplified, tokenizer

# --- named thresholds (each says how it was set) ------------------------------------------------
# Label cut on the calibrated probability. Cross-validated on the train part of the corpus (by
# month), F1 was flat between 0.35 and 0.55; 0.5 is the plain "more likely than not" and kept the
# hard-negative false-positive rate under 0.03 in every fold.
LABEL_THRESHOLD = 0.5
# Terms of weight < 3 outside a sentence about 基层/干部 count this share of their weight: the
# campaign's own remedies (weight 2: 以文件落实文件, 政务APP…) more than common words (台账…).
# Hand-set in lexicon-1.1 on the dev transcripts; the model now learns how much the mass matters.
OUT_OF_CONTEXT_REMEDY = 0.6
OUT_OF_CONTEXT_COMMON = 0.4
# Common words in a sentence that neither cuts nor names the burden count this share.
NOT_CUTTING = 0.6
# A sentence's lexicon weight is capped here (one sentence listing every slogan is still one).
SENTENCE_CAP = 6.0
# A sentence carries lexicon weight from this weight on (a lone 负担 at 0.5 does not carry).
CARRYING_WEIGHT = 1.0
# Below this share of sentences carrying terms, in a story of at least PASSING_MIN_SENTENCES
# sentences, the term mass is scaled down by the share: two strong sentences in a long feature
# stay a passing mention. Set on the passing-mention slice of the dev transcripts (lexicon-1.2).
MIN_COVERAGE = 0.15
PASSING_MIN_SENTENCES = 8
# Very short texts: their share of carrying sentences is counted over at least this many
# sentences, so a one-sentence brief with one slogan is not 100% about the campaign.
MIN_SENTENCES = 2
# Sentences shorter than this are headings, bylines or debris, not counted.
MIN_SENTENCE_CHARS = 6

_APP = re.compile(r"(?<=政务)app", re.I)
_SENTENCE = re.compile(r"[^。！？!?\n；;]+[。！？!?\n；;]?")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")

DATA = "data"
RULES_FILE = "classify_rules.toml"
MODEL_FILE = "classifier_model.json"
TERMS_FILE = "jianfu_terms.txt"


class ModelMissing(RuntimeError):
    """The model file is absent: the repository ships one; `jianfu train-classifier` writes it."""


@functools.lru_cache(maxsize=1)
def rules() -> dict:
    """The sense rules and context lists of classify_rules.toml, compiled."""
    raw = tomllib.loads(_data_text(RULES_FILE))
    return {
        "grassroots": re.compile(raw["grassroots"]),
        "cutting": re.compile(raw["cutting"]),
        "burden": re.compile(raw["burden"]),
        "outlet": re.compile(raw["outlet"]),
        "remedies": frozenset(raw["remedies"]),
        "borrowable": frozenset(raw["borrowable"]),
        "false_compounds": re.compile(raw["false_compounds"]),
        "speaker": re.compile(raw["speaker"]),
        "other_sense": [(k, re.compile(v)) for k, v in raw["other_sense"].items()],
        "borrowed": [(k, re.compile(v)) for k, v in raw["borrowed"].items()],
        "concepts": [(k, re.compile(v)) for k, v in raw["concepts"].items()],
    }


def _data_text(name: str) -> str:
    return resources.files("pipelines").joinpath(DATA, name).read_text(encoding="utf-8")


def content_hash(*names: str, extra: str = "") -> str:
    """Short sha256 over data files: the version changes exactly when a rule, term or weight does.
    (Kept local and small so a project-wide hash helper can replace it.)"""
    h = hashlib.sha256()
    for name in names:
        h.update(name.encode() + b"\0" + resources.files("pipelines").joinpath(DATA, name).read_bytes())
    h.update(extra.encode())  # the segmenter (its tokens are features)
    return h.hexdigest()[:10]


@functools.lru_cache(maxsize=1)
def model() -> dict:
    try:
        m = json.loads(_data_text(MODEL_FILE))
    except FileNotFoundError as exc:
        raise ModelMissing(f"pipelines/{DATA}/{MODEL_FILE} is missing: run `jianfu train-classifier`") from exc
    m["_vocab"] = {w: i for i, w in enumerate(m["vocabulary"])}
    return m


# The family of the classifier (the shape of its features and model); the hash says which rules,
# terms and weights. lr-2.1: character bigrams of the whole text replace the words of the
# campaign sentences.
FAMILY = "lr-2.1"


def classifier_version() -> str:
    try:
        return f"{FAMILY}+{content_hash(RULES_FILE, TERMS_FILE, MODEL_FILE, extra=segmenter_version())}"
    except FileNotFoundError:
        return f"{FAMILY}+{content_hash(RULES_FILE, TERMS_FILE, extra=segmenter_version())}-untrained"


CLASSIFIER_VERSION = classifier_version()


@dataclass(frozen=True)
class Verdict:
    is_burden_reduction: bool
    score: float
    topics: list = field(default_factory=list)
    regions: list = field(default_factory=list)
    evidence: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Sentence:
    text: str
    tokens: list
    weight: float = 0.0          # lexicon weight that counted
    terms: list = field(default_factory=list)
    cancelled_by: str | None = None
    concepts: list = field(default_factory=list)   # concepts this sentence cuts or limits at 基层
    burden: bool = False         # names the burden or the campaign in a sentence about 基层


@dataclass
class Analysis:
    """Everything the model reads from one article, kept for the evidence (and the tokens for reuse)."""
    sentences: list
    title: Sentence | None
    features: dict
    tokens: list                 # jieba tokens of the segmented body sentences, in order
    title_tokens: list
    body: str                    # the body as analysed (simplified), for the bag of bigrams
    bigram_counts: dict | None = None  # raw counts of the body's bigrams, kept by bag_of_bigrams


def _segment(text: str) -> list[str]:
    return tokenizer().lcut(rules()["false_compounds"].sub("", text), HMM=False)


@functools.lru_cache(maxsize=1)
def _term_finder():
    """Aho-Corasick automaton of the lexicon: which sentences can hold a term at all."""
    import ahocorasick

    auto = ahocorasick.Automaton()
    for term in lexicon():
        auto.add_word(term, term)
    auto.make_automaton()
    return auto


def _analyse_sentence(text: str) -> Sentence:
    """One sentence's lexicon weight, concepts and tokens. Only sentences that can matter are
    segmented (a lexicon term is in them, or they speak of 基层 and of cutting or the burden):
    jieba is most of the classifier's time, and the other sentences add nothing the model reads."""
    r, lex = rules(), lexicon()
    grassroots = bool(r["grassroots"].search(text))
    cutting = bool(r["cutting"].search(text))
    burden = bool(r["burden"].search(text))
    candidate = next(_term_finder().iter(text), None) is not None
    if not (candidate or (grassroots and (cutting or burden))):
        return Sentence(text, [])
    s = Sentence(text, _segment(text))
    terms = [t for t in s.tokens if t in lex] if candidate else []
    other = next((k for k, rule in r["other_sense"] if rule.search(text)), None)
    if other is None and grassroots:
        if cutting:
            told = r["speaker"].sub("", text)
            s.concepts = [k for k, rule in r["concepts"] if rule.search(told)]
        s.burden = burden
    if not terms:
        return s
    if other and not any(lex[t][0] >= 3 for t in terms):
        s.cancelled_by = other
        return s
    for kind, rule in r["borrowed"]:
        if rule.search(text):
            terms = [t for t in terms if t not in r["borrowable"]]
            if not terms:
                s.cancelled_by = kind
                return s
    weight = 0.0
    for t in dict.fromkeys(terms):
        w = lex[t][0]
        if w >= 3:
            weight += w
        elif w >= 2:
            weight += w if grassroots else w * OUT_OF_CONTEXT_REMEDY
        else:  # common words (台账, 打卡, 考核指标…) are the campaign's only where something is being cut
            weight += (w * (1.0 if grassroots else OUT_OF_CONTEXT_COMMON)
                       * (1.0 if cutting or t in r["remedies"] else NOT_CUTTING))
    s.weight, s.terms = min(weight, SENTENCE_CAP), list(dict.fromkeys(terms))
    return s


def analyse(title: str, body: str) -> Analysis:
    """Segment once and compute the named features (see FEATURES) of one article."""
    title = _APP.sub("APP", to_simplified(title or "")).strip()
    body = _APP.sub("APP", to_simplified(body or ""))
    sentences = [_analyse_sentence(t) for t in (s.strip() for s in _SENTENCE.findall(body))
                 if len(t) >= MIN_SENTENCE_CHARS]
    head = _analyse_sentence(title) if title else None
    n = len(sentences)
    carrying = [s for s in sentences if s.weight >= CARRYING_WEIGHT]
    mass = sum(s.weight for s in carrying)
    coverage = len(carrying) / max(n, MIN_SENTENCES)
    spread = min(1.0, coverage / MIN_COVERAGE) if n >= PASSING_MIN_SENTENCES else 1.0
    other = sum(1 for s in sentences if s.cancelled_by in dict(rules()["other_sense"]))
    concept_sentences = [s for s in sentences if s.concepts]
    kinds = {c for s in concept_sentences for c in s.concepts}
    burden = sum(1 for s in sentences if s.burden)
    about = sum(1 for s in sentences if s.weight >= CARRYING_WEIGHT or s.concepts or s.burden)
    about_share = about / max(n, MIN_SENTENCES)
    lex = lexicon()
    features = {
        "lex_mass": min(mass, 14.0) / 14.0 * spread,
        "lex_coverage": min(coverage, 0.6) / 0.6,
        "lex_strong": min(sum(1 for s in carrying if any(lex[t][0] >= 3 for t in s.terms)), 5) / 5,
        "lex_title": min(head.weight, 5.0) / 5.0 if head else 0.0,
        "other_sense": min(other, 6) / 6,
        "title_other_sense": 1.0 if head and head.cancelled_by else 0.0,
        "passing": 1.0 if n >= PASSING_MIN_SENTENCES and about_share < MIN_COVERAGE else 0.0,
        "concept_share": min(len(concept_sentences) / max(n, MIN_SENTENCES), 0.5) / 0.5,
        "concept_kinds": min(len(kinds), 5) / 5,
        "burden_share": min(burden / max(n, MIN_SENTENCES), 0.5) / 0.5,
        "title_concept": 1.0 if head and (head.concepts or head.burden or
                                          (head.weight == 0 and rules()["cutting"].search(title)
                                           and any(rule.search(title) for _, rule in rules()["concepts"]))) else 0.0,
        "length": min(math.log1p(n) / math.log(200), 1.0),
    }
    tokens = [t for s in sentences for t in s.tokens]
    return Analysis(sentences, head, features, tokens, head.tokens if head else [], body)


# The features the model weighs. Also computed (for the evidence) but not weighed: other_sense,
# title_other_sense, lex_strong and length. Fit with them, their weights took the sign opposite
# to their meaning (more other-sense sentences -> *more* likely positive) because of a few
# articles, which would carry into unseen text; other senses already act per sentence.
FEATURES = ["lex_mass", "lex_coverage", "lex_title", "passing",
            "concept_share", "concept_kinds", "burden_share", "title_concept"]


def bag_of_bigrams(a: Analysis) -> dict[str, float]:
    """Character bigram -> sublinear count over the whole text, title bigrams apart (prefixed `T:`).

    Why bigrams of the whole text rather than jieba words: cross-validated on the train part
    (grouped by month; see classify_train.py), whole-text bigrams and whole-text jieba words rank
    equally well (ROC-AUC 0.99 against 0.96 for the words of the campaign sentences only), and
    bigrams need no second jieba pass over the text (jieba is most of the classifier's time) and
    do not depend on how a dictionary cuts a paraphrase."""
    counts: Counter[str] = Counter()
    for run in _HAN_RUN.findall(rules()["outlet"].sub(" ", a.body)):
        counts.update(map(operator.add, run, run[1:]))  # the run's bigrams, counted in C
    a.bigram_counts = counts
    bag = {g: 1.0 + math.log(c) for g, c in counts.items()}
    for run in _HAN_RUN.findall(a.title.text if a.title else ""):
        for k in range(len(run) - 1):
            bag["T:" + run[k:k + 2]] = 1.0
    return bag


def contributions(a: Analysis, m: dict | None = None) -> tuple[float, dict[str, float], dict[str, float]]:
    """The model's log-odds for one analysis, each named feature's contribution, and each bigram's
    (title bigrams prefixed `T:`)."""
    m = m or model()
    dense = {f: m["dense_weights"][i] * a.features[f] for i, f in enumerate(m["features"])}
    vocab, idf, bw = m["_vocab"], m["idf"], m["bow_weights"]
    vec = {vocab[w]: c * idf[vocab[w]] for w, c in bag_of_bigrams(a).items() if w in vocab}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    words = {m["vocabulary"][i]: bw[i] * v / norm for i, v in vec.items()}
    return m["intercept"] + sum(dense.values()) + sum(words.values()), dense, words


def raw_score(a: Analysis, m: dict | None = None) -> tuple[float, dict[str, float]]:
    """The model's log-odds for one analysis, and each named part's contribution (bigrams as `w:`)."""
    log_odds, dense, words = contributions(a, m)
    return log_odds, {**dense, **{"w:" + k: v for k, v in words.items()}}


def probability(log_odds: float, m: dict | None = None) -> float:
    """Platt calibration (fit on held-out folds) of the model's log-odds."""
    m = m or model()
    a, b = m["calibration"]
    return sigmoid(a * log_odds + b)


def sigmoid(x: float) -> float:
    """1/(1+e^-x) without overflow: a text far from the boundary has log-odds in the hundreds."""
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


# Which sentences share each named feature's contribution (the rest is the title's or the article's).
_SENTENCE_SHARES = {
    "lex_coverage": lambda s: s.weight >= CARRYING_WEIGHT,
    "concept_share": lambda s: bool(s.concepts),
    "concept_kinds": lambda s: bool(s.concepts),
    "burden_share": lambda s: s.burden,
}
_TITLE_FEATURES = ("lex_title", "title_concept")
# How many sentences and bigrams the evidence lists (the breakdown of the score).
EVIDENCE_SENTENCES = 5
EVIDENCE_AGAINST = 3
EVIDENCE_BIGRAMS = 8
# A sentence is shown as deciding (evidence["sentences"], marked on the reader's page) from this many
# log-odds on: on the train part, half of the listed sentences add under 0.06 (ordinary wording),
# the campaign's sentences 0.5 to 6.
DECIDING_SENTENCE = 0.25


def breakdown(a: Analysis, dense: dict[str, float], words: dict[str, float]) -> dict:
    """The model's log-odds split over where it came from: each sentence, the title, the article as
    a whole (passing, bigrams in no counted sentence) and the intercept; they sum to the log-odds.

    A bigram's contribution is shared equally among its occurrences, and each occurrence belongs to
    the sentence it is in; a sentence-share feature (concept_share, burden_share…) is shared
    equally among the sentences it counts, lex_mass by their lexicon weight. Linear model, so this
    split is exact, not an approximation of the model."""
    if a.bigram_counts is None:
        bag_of_bigrams(a)
    counts = a.bigram_counts
    # each occurrence of a weighed body bigram carries an equal share of its contribution
    share = {g: v / counts[g] for g, v in words.items() if g in counts}
    outlet, get, zero = rules()["outlet"], share.get, itertools.repeat(0.0)
    weights = [sum(sum(map(get, map(operator.add, run, run[1:]), zero)) for run in _HAN_RUN.findall(outlet.sub(" ", s.text)))
               for s in a.sentences]
    for name, counts_in in _SENTENCE_SHARES.items():
        idx = [i for i, s in enumerate(a.sentences) if counts_in(s)]
        for i in idx:
            weights[i] += dense.get(name, 0.0) / len(idx)
    mass = sum(s.weight for s in a.sentences if s.weight >= CARRYING_WEIGHT)
    for i, s in enumerate(a.sentences):
        if s.weight >= CARRYING_WEIGHT:
            weights[i] += dense.get("lex_mass", 0.0) * s.weight / mass
    title = sum(dense.get(f, 0.0) for f in _TITLE_FEATURES) + sum(v for g, v in words.items() if g.startswith("T:"))
    total = sum(dense.values()) + sum(words.values())
    return {"sentences": weights, "title": title, "article": total - title - sum(weights)}


def classify(title: str, body: str) -> Verdict:
    a = analyse(title, body)
    log_odds, dense, words = contributions(a)
    score = probability(log_odds)
    is_br = score >= LABEL_THRESHOLD
    lex = lexicon()
    term_counts: dict[str, int] = {}
    topic_weight: dict[str, float] = {}
    for s in a.sentences:
        if s.weight >= CARRYING_WEIGHT:
            for t in s.terms:
                term_counts[t] = term_counts.get(t, 0) + 1
                if lex[t][1] != "-":
                    topic_weight[lex[t][1]] = topic_weight.get(lex[t][1], 0) + lex[t][0]
    concept_counts: dict[str, int] = {}
    for s in a.sentences:
        for c in s.concepts:
            concept_counts[c] = concept_counts.get(c, 0) + 1
    cancelled: dict[str, int] = {}
    for s in a.sentences:
        if s.cancelled_by:
            cancelled[s.cancelled_by] = cancelled.get(s.cancelled_by, 0) + 1
    topics = [t for t, w in sorted(topic_weight.items(), key=lambda kv: -kv[1]) if w >= 2.0] if is_br else []
    split = breakdown(a, dense, words)
    # deciding sentences: those that added most to the score (each with what it added)
    order = sorted(range(len(a.sentences)), key=lambda i: -split["sentences"][i])
    top = [i for i in order[:EVIDENCE_SENTENCES] if split["sentences"][i] >= 0.0005]
    against = [i for i in reversed(order[-EVIDENCE_AGAINST:]) if split["sentences"][i] <= -0.0005 and i not in top]
    bigrams_for = heapq.nlargest(EVIDENCE_BIGRAMS, words.items(), key=lambda kv: kv[1])
    bigrams_against = heapq.nsmallest(EVIDENCE_BIGRAMS, words.items(), key=lambda kv: kv[1])
    deciding = heapq.nlargest(6, itertools.chain(dense.items(), (("w:" + g, v) for g, v in bigrams_for + bigrams_against)),
                              key=lambda kv: abs(kv[1]))
    m = model()
    evidence = {
        "terms": dict(sorted(term_counts.items(), key=lambda kv: -kv[1])),
        "title_terms": a.title.terms if a.title else [],
        "concepts": dict(sorted(concept_counts.items(), key=lambda kv: -kv[1])),
        "sentences": [a.sentences[i].text[:160] for i in top if split["sentences"][i] >= DECIDING_SENTENCE],
        "sentences_carrying": sum(1 for s in a.sentences if s.weight >= CARRYING_WEIGHT),
        "sentences_about_burden": sum(1 for s in a.sentences if s.concepts or s.burden),
        "sentences_total": len(a.sentences),
        "other_senses": cancelled,
        "features": {k: round(v, 3) for k, v in a.features.items()},
        "deciding": {k: round(v, 3) for k, v in deciding},
        "log_odds": round(log_odds, 3),
        # the score's breakdown (log-odds; the calibrated score is probability(log_odds)): what each
        # part added, so a reader sees why, and that the parts add up
        "breakdown": {
            "intercept": round(m["intercept"], 3),
            "features": {f: round(v, 3) for f, v in dense.items() if abs(v) >= 0.0005},
            "bigrams": round(sum(words.values()), 3),
            "bigrams_for": [[g, round(v, 3)] for g, v in bigrams_for if v > 0],
            "bigrams_against": [[g, round(v, 3)] for g, v in bigrams_against if v < 0],
            "sentences_for": [[a.sentences[i].text[:160], round(split["sentences"][i], 3), _why(a.sentences[i])]
                              for i in top],
            "sentences_against": [[a.sentences[i].text[:160], round(split["sentences"][i], 3)] for i in against],
            "title": round(split["title"], 3),
            "rest": round(split["article"], 3),
        },
    }
    return Verdict(is_br, round(score, 4), topics, find_regions(title, body), evidence)


def _why(s: Sentence) -> list[str]:
    """What a sentence counted for, in the names the features use."""
    return s.terms + [f"concept:{c}" for c in s.concepts] + (["burden"] if s.burden else [])


def predict(text: str) -> tuple[bool, float]:
    """For the scorer: the text may start with the title on its own line."""
    head, _, rest = (text or "").partition("\n")
    if rest and len(head) <= 60 and not re.search(r"[。！？]$", head):
        verdict = classify(head, rest)
    else:
        verdict = classify("", text)
    return verdict.is_burden_reduction, verdict.score
