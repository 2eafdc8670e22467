"""The one segmenter (`pipelines.vocabulary.tokenizer`): jieba's cuts, run by rjieba."""

from pipelines.vocabulary import jieba_tokenizer, lexicon, tokenizer

# Our own sentences in the register of the campaign's reports (no third-party text).
SENTENCES = [
    "县里今年把面向乡镇的督查检查考核事项从四十六项压减到十二项，村干部不再被一票否决捆住手脚。",
    "街道清理了二十多个政务APP和工作群，社区工作者每周填表的时间少了将近一半。",
    "市委办公室通报了三起文山会海问题，要求各部门严控发文数量，会议能合并的一律合并。",
    "为基层减负不是减责任，而是把干部从过度留痕和台账报表中解放出来，多到群众中去。",
]


def test_cuts_are_jiebas():
    """rjieba runs jieba's algorithm over jieba's dictionary: the same words as the Python
    original, with and without the HMM for unknown words."""
    for text in SENTENCES:
        for hmm in (True, False):
            assert tokenizer().cut(text, HMM=hmm) == list(jieba_tokenizer().cut(text, HMM=hmm))


def test_campaign_terms_are_one_word():
    fast = tokenizer()
    for term in ("一票否决", "文山会海", "过度留痕", "小马拉大车"):
        assert term in lexicon()
        assert fast.is_word(term)
        assert term in fast.cut(f"坚决纠治{term}等问题", HMM=True)


def test_is_word_knows_the_dictionary():
    fast = tokenizer()
    assert fast.is_word("基层") and fast.is_word("减负")
    assert not fast.is_word("层减")
