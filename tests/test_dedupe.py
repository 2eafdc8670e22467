"""Dedupe on articles written for these tests: each reprint kind joins, each look-alike stays apart."""

import pytest

from pipelines.archive import Archive
from pipelines.dedupe import StoryIndex, body_hash, canonical_url, is_near_duplicate

ORIGINAL = (
    "今年以来，宁洱县把为基层减负作为作风建设的重点，全县发文数量同比下降三成，开到乡镇的会议下降四成。\n\n"
    "县委办公室牵头建立督查检查考核计划管理制度，全年只安排两次综合督查，其余事项一律并入综合督查一并开展。\n\n"
    "在村一级，县里统一了村务公开栏和各类标识牌，原先挂在村委会门口的十多块牌子只保留了三块。\n\n"
    "同心镇党委书记说，过去每周要填五六张报表，现在大部分数据由系统自动生成，干部有更多时间入户走访。\n\n"
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
        "同心鎮黨委書記說，過去每週要填五六張報表，現在大部分數據由系統自動生成，幹部有更多時間入戶走訪。\n\n"
        "下一步，寧洱縣將建立基層減負監測點，定期聽取鄉鎮幹部意見，防止形式主義問題反彈回潮。"
    ),
    "full-width and spacing": ORIGINAL.replace("，", ", ").replace("三成", "三 成").replace("两次", "两 次"),
    "pinyin annotation": ORIGINAL.replace("宁洱县把", "宁洱（níng'ěr）县把"),
    "snapshot wrapping": "类别：国内 发布时间：2024-03-02\n\n" + ORIGINAL + "\n\n以上内容为资讯信息快照，本站未对信息做任何修改。",
}

LOOKALIKES = {
    "next sitting of the same meeting": ORIGINAL.replace("三成", "四成").replace("四成。", "五成。"),
    "same template, another county": ORIGINAL.replace("宁洱县", "墨江县").replace("同心镇", "联珠镇"),
    "monthly bulletin with other figures": ORIGINAL.replace("两次", "三次").replace("十多块", "二十多块").replace("三块", "四块"),
    "same topic, another article": (
        "墨江县近日出台规定，县直部门不得要求乡镇干部在工作群中打卡或上传截图，也不得以政务APP的登录时长考核基层。\n\n"
        "县数据局牵头把全县二十多个政务应用整合为一个平台，数据一次采集、多方共享。\n\n"
        "不少村干部表示，手机里的工作群少了，晚上终于能好好休息了。"
    ),
}


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
    assert first == 1
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
    archive = Archive(tmp_path / "a.db")
    index = StoryIndex(archive.conn)
    plan = archive.conn.execute(
        "EXPLAIN QUERY PLAN SELECT article_id FROM dedupe_bands WHERE band IN (1, 2) GROUP BY article_id").fetchall()
    assert any("USING" in str(row[-1]) and "INDEX" in str(row[-1]) for row in plan)
    assert index.find_story(ORIGINAL, None) is None  # empty index: nothing to join
