"""Dedupe on articles written for these tests: each reprint kind joins, each look-alike stays apart."""

import pytest

from pipelines.archive import Archive
from pipelines.dedupe import DedupeKeys, StoryIndex, body_hash, canonical_url, is_near_duplicate

ORIGINAL = (
    "今年以来，宁洱县把为基层减负作为作风建设的重点，全县发文数量同比下降三成，开到乡镇的会议下降四成。\n\n"
    "县委办公室牵头建立督查检查考核计划管理制度，全年只安排两次综合督查，其余事项一律并入综合督查一并开展。\n\n"
    "在村一级，县里统一了村务公开栏和各类标识牌，原先挂在村委会门口的十多块牌子只保留了三块。\n\n"
    "同心镇党委书记李红梅说，过去每周要填五六张报表，现在大部分数据由系统自动生成，干部有更多时间入户走访。\n\n"
    "下一步，宁洱县将建立基层减负监测点，定期听取乡镇干部意见，防止形式主义问题反弹回潮。"
)


def paragraphs(text):
    return text.split("\n\n")


REPRINTS = {
    "reprint lead line": "本文转自：普洱日报\n\n" + ORIGINAL,
    "editor footer": ORIGINAL + "\n\n（责任编辑：李文）\n\n扫一扫，关注我们",
    "cut paragraph": "\n\n".join(p for i, p in enumerate(paragraphs(ORIGINAL)) if i != 2),
    "excerpt": "\n\n".join(paragraphs(ORIGINAL)[:3]),
    "traditional characters": (
        "今年以來，寧洱縣把為基層減負作為作風建設的重點，全縣發文數量同比下降三成，開到鄉鎮的會議下降四成。\n\n"
        "縣委辦公室牽頭建立督查檢查考核計劃管理制度，全年只安排兩次綜合督查，其餘事項一律並入綜合督查一並開展。\n\n"
        "在村一級，縣裡統一了村務公開欄和各類標識牌，原先掛在村委會門口的十多塊牌子只保留了三塊。\n\n"
        "同心鎮黨委書記李紅梅說，過去每週要填五六張報表，現在大部分數據由系統自動生成，幹部有更多時間入戶走訪。\n\n"
        "下一步，寧洱縣將建立基層減負監測點，定期聽取鄉鎮幹部意見，防止形式主義問題反彈回潮。"
    ),
    "full-width and spacing": ORIGINAL.replace("，", ", ").replace("三成", "三 成").replace("两次", "两 次"),
    "pinyin annotation": ORIGINAL.replace("宁洱县把", "宁洱（níng'ěr）县把"),
    "rewritten lead": "记者近日从宁洱县委办公室了解到，该县持续推进整治形式主义为基层减负工作。\n\n"
                      + "\n\n".join(paragraphs(ORIGINAL)[1:]),
    "taiwan and hong kong variants": ORIGINAL.replace("党委", "黨委").replace("着", "著").replace("为", "爲"),
    "wording edits": ORIGINAL.replace("今年以来", "今年来").replace("一律并入", "全部并入").replace("下一步", "接下来"),
    "snapshot wrapping": "栏目：时政 | 收录：2024-03-02\n\n" + ORIGINAL + "\n\n本页是网页存档副本，由程序自动抓取，原文以来源网站为准。",
}

LOOKALIKES = {
    "next sitting of the same meeting": ORIGINAL.replace("三成", "四成").replace("四成。", "五成。"),
    "same template, another county": ORIGINAL.replace("宁洱县", "墨江县").replace("同心镇", "联珠镇"),
    "monthly bulletin with other figures": ORIGINAL.replace("两次", "三次").replace("十多块", "二十多块").replace("三块", "四块"),
    "same template, another speaker": ORIGINAL.replace("李红梅", "王国栋"),
    "same report, another year": ORIGINAL.replace("今年以来", "去年以来"),
    "same topic, another article": (
        "墨江县近日出台规定，县直部门不得要求乡镇干部在工作群中打卡或上传截图，也不得以政务APP的登录时长考核基层。\n\n"
        "县数据局牵头把全县二十多个政务应用整合为一个平台，数据一次采集、多方共享。\n\n"
        "不少村干部表示，手机里的工作群少了，晚上终于能好好休息了。"
    ),
}


BULLETIN_INTRO = ("近日，省纪委监委对五起整治形式主义为基层减负不力的典型问题进行通报。"
                  "这些问题反映出一些地方和部门仍然存在重留痕轻实效、以会议落实会议的现象。")
BULLETIN_OUTRO = ("省纪委监委要求，各级党组织要从通报的问题中汲取教训，举一反三抓好整改，"
                  "对顶风违纪的坚决严肃处理，切实把基层干部从繁文缛节中解脱出来。")
BULLETINS = (
    BULLETIN_INTRO + "\n\n甲县农业农村局要求村干部每天在工作群上传入户照片，一个月累计收集照片四千余张，局长被诫勉谈话。"
    "\n\n乙市某街道一年组织各类检查评比三十七次，街道党工委书记受到党内警告处分。\n\n" + BULLETIN_OUTRO,
    BULLETIN_INTRO + "\n\n丙县教育局在半年内向学校下发报表一百二十多种，多数内容重复填报，分管副局长被通报批评。"
    "\n\n丁区政务服务中心强制要求窗口人员下载六个政务应用并统计登录时长，中心主任受到政务警告处分。\n\n" + BULLETIN_OUTRO,
)


def test_successive_bulletins_stay_apart():
    assert not is_near_duplicate(*BULLETINS)


@pytest.mark.parametrize("kind", sorted(REPRINTS))
def test_reprint_kinds_are_near_duplicates(kind):
    assert is_near_duplicate(ORIGINAL, REPRINTS[kind]), kind
    assert is_near_duplicate(REPRINTS[kind], ORIGINAL), kind


@pytest.mark.parametrize("kind", sorted(LOOKALIKES))
def test_lookalikes_stay_apart(kind):
    assert not is_near_duplicate(ORIGINAL, LOOKALIKES[kind]), kind


def test_canonical_url():
    assert canonical_url("HTTP://WWW.Example.CN:80/a/b.html?utm_source=wx&spm=1.2&id=7#top") == \
        "http://www.example.cn/a/b.html?id=7"
    assert canonical_url("https://example.cn:443/news/index.html") == "https://example.cn/news/"
    assert canonical_url("https://m.example.cn/a/1.html?from=timeline&share=1", {"m.example.cn": "www.example.cn"}) == \
        "https://www.example.cn/a/1.html"
    assert canonical_url("http://example.cn:8080/a?b=2&a=1") == "http://example.cn:8080/a?a=1&b=2"


def test_body_hash_ignores_spacing_and_width_only():
    assert body_hash(ORIGINAL) == body_hash(ORIGINAL.replace("，", ",  "))
    assert body_hash(ORIGINAL) != body_hash(REPRINTS["cut paragraph"])


def article(url, body, date):
    return {"url": url, "site": "t", "status": 200, "headers": {}, "body": b"<html></html>",
            "fetched_at": "2024-03-05T08:00:00+08:00",
            "article": {"title": body[:12], "body": body, "date": date, "outlet": None, "encoding": "utf-8"},
            "verdict": {"is_burden_reduction": True, "score": 0.9}}


def test_story_ids_in_the_archive_and_stable_on_rerun(tmp_path):
    archive = Archive(tmp_path / "a.db")
    run = archive.start_run("test", [])
    archive.store_page(article("http://a.test/1.html", ORIGINAL, "2024-03-01T09:00:00+08:00"), run)
    for i, kind in enumerate(sorted(REPRINTS)):
        archive.store_page(article(f"http://b.test/{i}.html", REPRINTS[kind], "2024-03-02T09:00:00+08:00"), run)
    for i, kind in enumerate(sorted(LOOKALIKES)):
        archive.store_page(article(f"http://c.test/{i}.html", LOOKALIKES[kind], "2024-03-03T09:00:00+08:00"), run)
    rows = {r["url"]: r["story_id"] for r in archive.db["articles"].rows}
    first = rows["http://a.test/1.html"]
    # the original founds its own story (its story id is its article id)
    assert first == archive.conn.execute("SELECT id FROM articles WHERE url = 'http://a.test/1.html'").fetchone()[0]
    reprint_urls = [u for u in rows if u.startswith("http://b.test/")]
    assert all(rows[u] == first for u in reprint_urls)
    lookalike_stories = [rows[u] for u in rows if u.startswith("http://c.test/")]
    assert first not in lookalike_stories and len(set(lookalike_stories)) == len(LOOKALIKES)
    story = archive.db["stories"].get(first)
    assert story["size"] == 1 + len(reprint_urls) and story["first_published"].startswith("2024-03-01")
    # a second run of the same pages changes nothing
    before = {r["id"]: r["story_id"] for r in archive.db["articles"].rows}
    run2 = archive.start_run("again", [])
    for url, body in [("http://a.test/1.html", ORIGINAL), ("http://b.test/0.html", REPRINTS[sorted(REPRINTS)[0]])]:
        assert archive.store_page(article(url, body, "2024-03-01T09:00:00+08:00"), run2) == "duplicate"
    assert {r["id"]: r["story_id"] for r in archive.db["articles"].rows} == before


def test_index_finds_candidates_without_scanning(tmp_path):
    """EXPLAIN the very query `StoryIndex.candidates` issues: primary-key range reads, no scan."""
    archive = Archive(tmp_path / "a.db")
    keys = DedupeKeys.of(ORIGINAL).bands
    plan = archive.conn.execute("EXPLAIN QUERY PLAN " + StoryIndex.candidates_query(len(keys)), keys).fetchall()
    details = [str(row[-1]) for row in plan]
    assert any(d.startswith("SEARCH dedupe_bands") and "PRIMARY KEY" in d for d in details), details
    assert not any(d.startswith("SCAN dedupe_bands") for d in details), details
    assert archive.stories.find_story(ORIGINAL, None) is None  # empty index: nothing to join
    archive.close()


def test_why_look_alikes_stay_apart():
    """The reason names the guard that fired, so a wrong merge or split is easy to diagnose."""
    from pipelines.dedupe import compare, normalise
    assert compare(normalise(ORIGINAL), normalise(LOOKALIKES["next sitting of the same meeting"]))[1].startswith("numbers")
    assert compare(normalise(ORIGINAL), normalise(LOOKALIKES["same template, another county"]))[1].startswith("names")


def stored(archive, url, body, date):
    """Store one article through the archive; its id."""
    run = archive.start_run("test", [])
    assert archive.store_page(article(url, body, date), run) == "article"
    return archive.conn.execute("SELECT id FROM articles WHERE url = ?", (url,)).fetchone()[0]


def test_partial_reprint_needs_a_close_date(tmp_path):
    """A version sharing only part of its text joins within a month, not a year later."""
    archive = Archive(tmp_path / "a.db")
    first = stored(archive, "http://a.test/1.html", ORIGINAL, "2024-03-01T09:00:00+08:00")
    half = "\n\n".join(paragraphs(ORIGINAL)[:3]) + "\n\n" + LOOKALIKES["same topic, another article"]
    assert archive.stories.find_story(half, "2024-03-10T09:00:00+08:00") == first
    assert archive.stories.find_story(half, "2024-09-10T09:00:00+08:00") is None
    assert archive.stories.find_story(REPRINTS["cut paragraph"], "2024-09-10T09:00:00+08:00") == first
    archive.close()


CRASH = """
import os, sys
sys.path.insert(0, {root!r})
from pipelines.archive import Archive
from tests.test_dedupe import article
archive = Archive({db!r})
run = archive.start_run("crash", [])
with archive.db.atomic():  # the page's own transaction nests inside this one
    archive.store_page(article("http://b.test/2.html", sys.argv[1], None), run)
    assert archive.conn.execute("SELECT count(*) FROM dedupe_bands WHERE article_id = 2").fetchone()[0] > 0
    os._exit(9)  # killed after the article and index writes, before the commit
"""


def test_crash_between_index_and_article_writes_leaves_both_consistent(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    db = tmp_path / "a.db"
    archive = Archive(db)
    first = stored(archive, "http://a.test/1.html", ORIGINAL, None)
    root = str(Path(__file__).resolve().parents[1])
    child = subprocess.run([sys.executable, "-c", CRASH.format(root=root, db=str(db)),
                            LOOKALIKES["same topic, another article"]])
    assert child.returncode == 9
    conn = archive.conn
    indexed = {r[0] for r in conn.execute("SELECT DISTINCT article_id FROM dedupe_bands")}
    assert indexed == {r[0] for r in conn.execute("SELECT id FROM articles")} == {first}
    assert {r[0] for r in conn.execute("SELECT article_id FROM dedupe_texts")} == {first}
    assert StoryIndex(conn).find_story(REPRINTS["excerpt"], None) == first
    archive.close()


def test_index_rebuilds_itself_when_its_parameters_change(tmp_path):
    archive = Archive(tmp_path / "a.db")
    first = stored(archive, "http://a.test/1.html", ORIGINAL, None)
    with archive.db.atomic():
        archive.conn.execute("UPDATE dedupe_meta SET value = 'older' WHERE key = 'index_version'")
        archive.conn.execute("DELETE FROM dedupe_bands")
    archive.close()
    archive = Archive(tmp_path / "a.db")  # sees the other version: rebuilds from `articles`
    assert archive.stories.find_story(REPRINTS["editor footer"], None) == first
    archive.stories.remove(first)
    assert archive.stories.find_story(REPRINTS["editor footer"], None) is None
    assert archive.conn.execute("SELECT count(*) FROM dedupe_bands").fetchone()[0] == 0
    archive.close()


def test_a_date_swapped_in_the_opening_words_is_another_event():
    """A swap at the very start is still a swap (a rewritten lead is longer than one item)."""
    assert not is_near_duplicate("3月5日，" + ORIGINAL, "3月6日，" + ORIGINAL)
    assert is_near_duplicate("3月5日，" + ORIGINAL, ORIGINAL + "\n\n（编辑：周敏）")


# ---- wire credits: who carried the story and on which day is no evidence either way

MEETING = ("全省基层减负工作推进会当天在昆明召开，会议通报了上半年精简文件会议的进展，"
           "并要求各州市在年底前完成村级组织工作事项清单的清理。\n\n"
           "会议指出，一些部门仍然习惯用开会落实开会、用发文落实发文，基层干部反映的填表报数问题还没有根治。"
           "与会的十六个州市负责同志作了交流发言。\n\n"
           "会议要求，下半年要把督查检查考核的总量再压减一批，对借调基层干部的情况开展专项排查。")
CREDITS = {
    "agency dateline with reporter": "新华社昆明6月12日电（记者赵文）",
    "broadcaster credit": "央视网消息（新闻联播）：",
    "paper dateline citing the agency": "中评社北京6月13日电／据新华社报导，",
    "none": "",
}


@pytest.mark.parametrize("credit", sorted(CREDITS))
def test_another_outlets_credit_is_still_a_reprint(credit):
    original = CREDITS["agency dateline with reporter"] + MEETING
    assert is_near_duplicate(original, CREDITS[credit] + MEETING), credit
    assert is_near_duplicate(CREDITS["broadcaster credit"] + MEETING, CREDITS[credit] + MEETING), credit


def test_credit_stripped_body_still_tells_events_apart():
    """The credit goes, the opening of the body does not: another date or another speaker in the
    first words is another event."""
    credit = CREDITS["broadcaster credit"]
    assert not is_near_duplicate(credit + "6月11日，" + MEETING, credit + "9月11日，" + MEETING)
    assert not is_near_duplicate(credit + MEETING, credit + MEETING.replace("上半年", "前三季度"))
    speech = "省委书记王宁在会上强调，要坚决防止形式主义反弹回潮。\n\n" + MEETING
    assert not is_near_duplicate(credit + speech, credit + speech.replace("王宁", "刘刚"))


def test_copy_with_junk_fragments_injected_is_a_reprint():
    """Content farms copy a text and slip short junk fragments into every sentence; the text between
    the fragments is still copied in order. A header line and a cut tail come with it."""
    junk = ["基层负担", "作风为民", "减负专项", "形式问题"]
    sentences = [s for s in ORIGINAL.replace("\n\n", "").split("，") if s]
    spammed = "，".join(s[:len(s) // 2] + junk[i % len(junk)] + s[len(s) // 2:] for i, s in enumerate(sentences))
    copy = "您的位置：首页 > 资讯 > 正文\n\n" + spammed[:int(len(spammed) * 0.8)]
    assert is_near_duplicate(ORIGINAL, copy)
    assert is_near_duplicate(copy, ORIGINAL)
    # the same junk in a look-alike does not hide the substituted figure
    other = ORIGINAL.replace("三成", "五成").replace("四成", "六成")
    assert not is_near_duplicate(other, copy)


def test_page_header_lines_above_the_text_are_not_the_article():
    """A copy keeps the page's own top lines: site name, weather, a tag, the headline (sometimes
    twice), a time/source line. Two copies with different headers are still one story; the header
    does not hide another sitting in the body either."""
    headline = "宁洱县持续推进整治形式主义为基层减负工作取得新成效"
    one = "（两会专题）" + headline + "\n| 编辑 张三 | 时间 2024-03-02 10:00 |\n" + ORIGINAL
    other = "普洱日报\n-- 天气\n" + headline + "\n\n" + headline + "\n\n" + ORIGINAL + "\n\n（责任编辑：李文）"
    assert is_near_duplicate(one, other)
    assert is_near_duplicate(other, ORIGINAL)
    assert not is_near_duplicate(one, other.replace("两次综合督查", "三次综合督查"))
    # short lines that are the whole text (a list, a verse) are kept, so such texts still differ
    verse = "\n".join(["一行字", "二行字", "三行字", "四行字", "五行字", "六行字", "七行字"])
    assert body_hash(verse) != body_hash(verse.replace("七行字", "八行字"))


# ---- regional re-edits: 宗 for 起 after numerals, a date said relative to the day in the lead

CASES = ("中央纪委国家监委1月28日公布了2024年全国查处违反中央八项规定精神问题汇总情况。"
         "全年共查处问题12000起，批评教育帮助和处理17000人，其中党纪政务处分9000人。\n\n"
         "从查处问题类型看，违规收送名贵特产和礼品礼金问题3100起，违规吃喝问题2300起，"
         "违规发放津补贴或福利问题1900起，均比上年有所下降。")


def test_hong_kong_measure_word_for_cases_is_a_reprint():
    hk = CASES.replace("起", "宗")
    assert is_near_duplicate(CASES, hk)
    # the fold does not hide another figure
    assert not is_near_duplicate(CASES, hk.replace("3100宗", "3400宗"))


def test_relative_date_in_a_rewritten_lead_is_a_reprint():
    relative = CASES.replace("1月28日公布了2024年", "周三（28日）公布去年")
    assert is_near_duplicate(CASES, relative)
    assert is_near_duplicate(CASES, relative.replace("起", "宗"))
    # another day, or a relative date further into the text, is still another event
    assert not is_near_duplicate(CASES, CASES.replace("1月28日", "周三（25日）"))
    assert not is_near_duplicate(CASES, CASES.replace("3100起", "去年3100起").replace("违规吃喝问题2300起", "违规吃喝问题2600起"))
    # numerals written in characters are never forgiven, relative words nearby or not
    assert not is_near_duplicate("今年一季度" + CASES, "今年五季度" + CASES)
