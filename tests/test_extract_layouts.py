"""Headline and date on forum, blog, old-portal and government layouts (extraction 1.6, 1.7).

Each page here is written for this test (own text, a made-up county) in the shape of a common
template: Discuz X/X3/6/7 threads and their archiver, phpwind, dvbbs and telnet-style BBS posts,
Sina/NetEase/WordPress/Blogger/Movable Type blogs and blog archive pages, 2003-2008 table-layout
portals, reports and notices with their issuer's line, 政务公开 pages with an 索引号 table,
WeChat articles and their mirrors, print versions. Most pages are rows of one table
(`LAYOUTS`, `KINDS_17`, `KINDS_17_NEW`) read by one test. Each asserts the fields a generic rule
has to get right (the thread title and not the board, the post title and not the blog's name or
a navigation bar, the post's date and not the poster's registration day, a header clock, a
reply's or an edit's time, the first post of a list and not the next)."""

from __future__ import annotations

import pytest

from pipelines.extract import extract_page

PARAS = [
    "临江县今年起把乡镇需要填报的各类表格从四十多张压缩到十二张，能共享的数据一律不再重复报送。",
    "县委组织部的同志介绍，过去每逢检查，村干部要花好几天整理台账，现在更多时间花在走访群众上。",
    "清溪镇一位驻村干部说，微信工作群从二十多个合并成三个，晚上终于不用守着手机回复通知了。",
]
TEXT_BR = "<br><br>".join(PARAS)
TEXT_P = "".join(f"<p>{p}</p>" for p in PARAS)
TITLE = "临江县精简表格给村干部松绑"


def html(head_title: str, body: str, charset: str = "utf-8", head: str = "") -> bytes:
    page = (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
            f"<title>{head_title}</title>{head}</head><body>{body}</body></html>")
    return page.encode("gb18030" if charset.lower() in ("gb2312", "gbk") else "utf-8")


def extract(page: bytes, url: str = "http://bbs.example.test/a.html", fetched_at: str = "2026-12-01T10:00:00+08:00"):
    result = extract_page(page, url, fetched_at=fetched_at)
    assert result["body"].split("\n\n")[:3] == PARAS, result["body"][:300]
    return result


# ------------------------------------------------------------------------------------ forums

SIDEBAR = ('<td class="pls"><div class="pi"><a class="xw1" href="space-uid-7.html">江边钓客</a></div>'
           '<dl class="pil"><dt>积分</dt><dd>2310</dd><dt>帖子</dt><dd>415</dd></dl>'
           '<p>注册时间 2011-4-2 08:15:33</p><p>最后登录 2026-11-30 21:02:11</p></td>')


def discuz_x(subject_html: str, posted_html: str) -> str:
    reply = ('<div id="post_9" class="plhin"><table><tr><td class="pls">老街坊</td><td class="plc">'
             '<div class="authi"><em>发表于 2019-5-13 10:02:41</em></div>'
             '<table><tr><td class="t_f" id="postmessage_9">希望说到做到，少填表多办事。</td></tr></table>'
             '</td></tr></table></div>')
    return (f'<div id="hd"><a href="/">临江论坛</a> 登录 | 注册</div>'
            f'<div id="pt"><a href="/">临江论坛</a> › <a href="forum-2-1.html">临江新闻</a> › {TITLE}</div>'
            f'<div id="ct"><div class="pgs">返回列表 发新帖</div>'
            f'<table><tr><td class="pls"><div class="hm">查看: 10517 | 回复: 1</div></td>'
            f'<td class="plc ptm pbn vwthd"><h1 class="ts">{subject_html}</h1></td></tr></table>'
            f'<div id="post_8" class="plhin"><table><tr>{SIDEBAR}<td class="plc">'
            f'<div class="pi"><strong>楼主</strong><div class="authi">{posted_html} | 只看该作者 | 阅读模式</div></div>'
            f'<div class="pct"><table><tr><td class="t_f" id="postmessage_8">'
            f'<i class="pstatus"> 本帖最后由 江边钓客 于 2019-5-14 08:00 编辑 </i><br>{TEXT_BR}</td></tr></table></div>'
            f'</td></tr></table></div>{reply}</div>'
            f'<div id="ft">Powered by Discuz! X3.4 © 2001-2019 Comsenz Inc.</div>')


def test_discuz_x_thread_with_type_tag_and_poster_sidebar():
    # the thread's type tag ([关注]) is not part of the headline; the sidebar's registration and
    # last-login times are the poster's, not the post's
    page = html(f"{TITLE} - 临江新闻 - 临江论坛 - Powered by Discuz!",
                discuz_x(f'<a href="forum.php?mod=forumdisplay&fid=2&typeid=1">[关注]</a> '
                         f'<span id="thread_subject">{TITLE}</span>',
                         '<em id="authorposton8">发表于 2019-5-13 09:17:14</em>'))
    result = extract(page, "http://www.example.test/thread-8-1-1.html")
    assert result["title"] == TITLE
    assert result["date"] == "2019-05-13T09:17:14+08:00"


def test_discuz_x_relative_post_time_reads_the_exact_time_from_its_tooltip():
    # a recent post shows "3 天前" and keeps the exact time in the span's title attribute
    page = html(f"{TITLE} - 临江新闻 - 临江论坛 - Powered by Discuz!",
                discuz_x(f'<span id="thread_subject">{TITLE}</span>',
                         '<em id="authorposton8">发表于 <span title="2026-11-28 09:17:14">3&nbsp;天前</span></em>'))
    result = extract(page, "http://www.example.test/thread-8-1-1.html")
    assert result["title"] == TITLE
    assert result["date"] == "2026-11-28T09:17:14+08:00"


def test_discuz_thread_whose_title_tag_is_null():
    # a broken template prints "null" for the <title>: the thread subject is still the headline
    page = html("null", discuz_x(f'<span id="thread_subject">{TITLE}</span>',
                                 '<em id="authorposton8">发表于 2019-5-13 09:17:14</em>'))
    result = extract(page, "http://www.example.test/thread-8-1-1.html")
    assert result["title"] == TITLE and result["date"].startswith("2019-05-13")


# ------------------------------------------------------------------------------------- blogs

BLOG_SIDE = ('<div class="side"><h3>个人资料</h3><p>江边钓客</p><h3>文章分类</h3><ul><li><a href="/c/1">乡村笔记</a></li>'
             '<li><a href="/c/2">读书</a></li></ul><h3>文章存档</h3><ul><li><a href="/m/200509">2005年09月</a></li>'
             '<li><a href="/m/200508">2005年08月</a></li></ul></div>')


@pytest.mark.parametrize("title", [
    f"江边博客 » Blog Archive » {TITLE}",            # WordPress: blog name first
    f"江边钓客的博客 - {TITLE}",                     # blog name first, 某某的博客
    f"{TITLE} - 江边钓客的日志 - 网易博客",            # post, blog, host
    f"{TITLE}_江边钓客_新浪博客",
])
def test_blog_names_are_cut_from_the_title_tag(title):
    from pipelines.headline import title_without_site

    assert title_without_site(title, set()) == TITLE


def test_a_headline_about_blogs_is_not_a_blog_name():
    from pipelines.headline import title_without_site

    assert title_without_site("博客改变了我们的写作方式 - 临江新闻网", set()) == "博客改变了我们的写作方式"


@pytest.mark.parametrize("text, expected", [
    ("发信站: 临江BBS站 (Sat Aug 13 16:12:21 2005), 站内", "2005-08-13 16:12:21"),
    ("September 10th, 2005", "2005-09-10"), ("Posted on 10 Sep 2005", "2005-09-10"),
    ("二〇〇四年十二月十日", "2004年12月10日"), ("二○○五年一月二十三日", "2005年1月23日"),
    ("注册时间 2011-4-2 08:15:33", ""), ("最后登录：2026-11-30", ""), ("今天是：2006年12月27日 星期三", "星期三"),
    ("本帖最后由 江边钓客 于 2019-5-14 08:00 编辑", ""),
])
def test_date_text_as_the_rules_read_it(text, expected):
    from pipelines.dates import visible_dates

    assert expected in visible_dates(text) and (expected or not any(c.isdigit() for c in visible_dates(text)))


def test_a_news_date_followed_by_an_editor_label_is_kept():
    from pipelines.dates import visible_dates

    assert "2024-03-18 09:12" in visible_dates("发布时间：2024-03-18 09:12 编辑：王海")


def test_songzi_forum_seed_layout_gets_thread_title_and_post_date():
    # the shape of the 松滋100 thread the project started from (seeds/sites.toml: songzi100): a
    # Discuz! X3 thread with a [关注] type tag, a 查看/回复 counter, the poster's column, and
    # "发表于 2019-5-13 09:17:14 | 查看全部 阅读模式" over the first post (the text here is ours)
    subject = "松滋市扎实推进“基层减负年”活动"
    body = (f'<div id="pt" class="bm cl"><a href="./">松滋100网</a> <em>›</em> <a href="forum.php">论坛</a> <em>›</em> '
            f'<a href="forum-2-1.html">松滋新闻</a> <em>›</em> <a href="thread-8-1-1.html">{subject}</a></div>'
            f'<div id="ct" class="wp cl"><div id="pgt" class="pgs mbm cl"><a href="forum-2-1.html">返回列表</a> '
            f'<a id="newspecial" href="#">发布新帖</a></div>'
            f'<div id="postlist" class="pl bm"><table cellspacing="0" cellpadding="0"><tr><td class="pls ptn pbn">'
            f'<div class="hm ptn"><span class="xg1">查看:</span> <span class="xi1">10517</span><span class="pipe">|</span>'
            f'<span class="xg1">回复:</span> <span class="xi1">0</span></div></td>'
            f'<td class="plc ptm pbn vwthd"><h1 class="ts"><a href="forum.php?mod=forumdisplay&fid=2&filter=typeid&typeid=5">[关注]</a> '
            f'<span id="thread_subject">{subject}</span></h1></td></tr></table>'
            f'<div id="post_8"><table id="pid8" class="plhin"><tr>{SIDEBAR}<td class="plc"><div class="pi"><div class="pti">'
            f'<div class="authi"><img class="authicn vm" src="online_member.gif"><em id="authorposton8">发表于 2019-5-13 09:17:14</em>'
            f'<span class="pipe">|</span><a href="#">查看全部</a><span class="pipe">|</span><a href="#">阅读模式</a></div></div></div>'
            f'<div class="pct"><div class="pcb"><div class="t_fsz"><table><tr><td class="t_f" id="postmessage_8">{TEXT_BR}'
            f'</td></tr></table></div></div></div></td></tr></table></div></div></div>')
    result = extract(html(f"{subject} - 松滋新闻 - 松滋100网 -  Powered by Discuz!", body),
                     "https://www.songzi100.com/thread-8-1-1.html")
    assert result["title"] == subject
    assert result["date"] == "2019-05-13T09:17:14+08:00"


@pytest.mark.parametrize("head_title", ["临江县精简表格给村干…_临江新闻网", "临江县精简表格给村干...-临江新闻网"])
def test_a_title_tag_cut_short_is_completed_from_the_heading(head_title):
    body = (f'<div class="nav">首页 > 本地新闻</div><div class="bigtit">{TITLE}</div>'
            f'<div class="info">2004-12-10 10:20 来源：临江日报</div><div class="content">{TEXT_P}</div>')
    result = extract(html(head_title, body), "http://www.example.test/n/1.htm")
    assert result["title"] == TITLE


def test_a_two_digit_year_is_read_only_with_a_time_of_day():
    from pipelines.dates import visible_dates

    page = html(f"{TITLE}_临江新闻网", f'<h1>{TITLE}</h1><div>[04-12-10 10:20]　临江日报</div><div class="c">{TEXT_P}</div>')
    assert extract(page, "http://www.example.test/n/1.htm")["date"] == "2004-12-10T10:20:00+08:00"
    assert visible_dates("编号 04-12-10") == "编号 04-12-10"  # without a time it may be anything


@pytest.mark.parametrize("reply", ["顶一下，表格少了是好事，希望各个乡镇都能落实到位。", "顶一下。"])
def test_a_post_time_after_a_long_signature_and_before_the_replies(reply):
    # the post's own time is the first date after its text, past a signature of several lines
    # (which is not text); the reply below, long or short, carries a labelled date of its own
    signature = "<br>".join(["----------------------------------------------", "江边钓客的签名档：",
                             "一条江，两岸人，三更灯火五更鸡", "临江论坛版主，欢迎大家多提建议多发帖子",
                             "手机上网请访问 wap.example.test 我们的QQ群：12345678", "看帖要回帖，人品才会好"])
    body = (f'<table width="98%"><tr><td>临江论坛 → 临江新闻 → 浏览帖子</td></tr></table>'
            f'<table width="98%" class="tableborder1">'
            f'<tr><td class="tablebody1" width="175" rowspan="2"><b>江边钓客</b><br>等级：版主<br>文章：415</td>'
            f'<td class="tablebody1"><b>{TITLE}</b><br><br>{TEXT_BR}<br>{signature}</td></tr>'
            f'<tr><td class="tablebody1"><img src="ip.gif"> IP：已设置保密　2005-6-7 8:30:00　<a href="#">引用</a> <a href="#">回复</a></td></tr>'
            f'<tr><td class="tablebody2" rowspan="2"><b>老街坊</b></td>'
            f'<td class="tablebody2"><b>回复：{TITLE}</b><br><br>{reply}</td></tr>'
            f'<tr><td class="tablebody2">发表于 2005-6-8 9:01:12</td></tr></table>')
    result = extract(html(f"临江论坛 -- {TITLE}", body, "gb2312"), "http://www.example.test/dispbbs.asp?id=8")
    assert result["title"] == TITLE and result["date"] == "2005-06-07T08:30:00+08:00"
    assert "签名" not in result["body"] and reply not in result["body"]


def test_a_thread_type_tag_in_the_heading_is_not_part_of_the_headline():
    body = (f'<div id="pt">临江论坛 › 临江新闻</div><h1>[关注] {TITLE}</h1>'
            f'<div class="authi">发表于 2019-5-13 09:17:14</div><div class="t_f">{TEXT_BR}</div>')
    result = extract(html(f"{TITLE} - 临江新闻 - 临江论坛 - Powered by Discuz!", body), "http://www.example.test/t-8.html")
    assert result["title"] == TITLE


@pytest.mark.parametrize("head_title, block", [
    # a blog's page: the post title in an element whose class abbreviates "title" (art_tit)
    ("江边钓客的博客", f'<h1>江边钓客的博客</h1><div class="art"><div class="art_tit">{TITLE}</div>'
                      f'<div class="art_con">{TEXT_P}</div><div class="art_foot">阅读(5) | 2005-09-10 15:20</div></div>'),
    # a board's page: the thread subject in a cell of class "bt" (标题), the <title> names the board
    ("临江杂谈 - 临江社区", f'<table><tr><td class="bt">{TITLE}</td></tr><tr><td class="nr">{TEXT_BR}</td></tr>'
                          f'<tr><td>江边钓客 2005-09-10 15:20</td></tr></table>'),
])
def test_post_title_in_an_abbreviated_title_class(head_title, block):
    result = extract(html(head_title, block), "http://www.example.test/b/88.html")
    assert result["title"] == TITLE and result["date"] == "2005-09-10T15:20:00+08:00"


def test_a_rule_line_before_a_closing_news_box_does_not_end_the_text():
    box = "链接：临江县去年起推行“表格瘦身”，全县共清理报表八十余种。"
    page = html(f"{TITLE}_临江新闻网", f'<h1>{TITLE}</h1><div class="i">2024-03-18 09:12 来源：临江日报</div>'
                                      f'<div class="c">{TEXT_P}<p>------------</p><p>{box}</p></div>')
    assert extract(page, "http://www.example.test/n/1.htm")["body"].endswith(box)


@pytest.mark.parametrize("head_title, block", [
    # the board's name is the page's only heading and a segment of the <title>
    (f"{TITLE} - 临江杂谈 - 临江社区", f'<h1>临江杂谈</h1><div class="t">{TITLE}</div>'
                                     f'<div class="a">作者：江边钓客 发表于 2008-05-06 12:30</div><div class="m">{TEXT_BR}</div>'),
    (f"{TITLE} - 临江杂谈 - 临江社区", f'<h1>临江杂谈</h1><p><strong>{TITLE}</strong></p><div class="m">{TEXT_BR}</div>'
                                     f'<div class="a">江边钓客 2008-05-06 12:30</div>'),
    # the blog's name as a heading and as the <title>'s suffix, the post title in a plain block
    (f"{TITLE} - 江边随笔", f'<h2>江边随笔</h2><div class="p"><div class="pt">{TITLE}</div><div class="pc">{TEXT_P}</div>'
                          f'<div class="pf">2008-05-06 12:30</div></div>'),
])
def test_a_board_or_blog_name_heading_that_is_part_of_the_title_is_not_the_headline(head_title, block):
    result = extract(html(head_title, block), "http://www.example.test/t/1.htm")
    assert result["title"] == TITLE and result["date"] == "2008-05-06T12:30:00+08:00"


def test_a_column_heading_beside_the_headline_heading():
    page = html(f"{TITLE} - 本地要闻 - 临江日报", f'<div class="col"><h2>本地要闻</h2></div><h1>{TITLE}</h1>'
                                                 f'<div>2024-03-18 09:12</div><div class="c">{TEXT_P}</div>')
    assert extract(page, "http://www.example.test/n/1.htm")["title"] == TITLE


# ------------------------------------------------------------------------- the layouts, as a table
# Each case: (<title>, body markup, charset, url, headline, date, the body's first paragraphs).
# Forums: Discuz 7 and its archiver, phpwind, dvbbs, a telnet-style BBS, an old board; blogs:
# Sina, NetEase, WordPress, Blogger, Movable Type; 2003-2008 table portals, a signed notice,
# a mobile Discuz thread, a Tieba-like thread (written for extraction 1.6).
LAYOUTS = [
    pytest.param(f"{TITLE} - 临江新闻 - 临江论坛 - Powered by Discuz!",
                 f'<div id="nav"><a href="/">临江论坛</a> &raquo; <a href="forumdisplay.php?fid=2">临江新闻</a> &raquo; {TITLE}</div>'
                 f'<div class="mainbox viewthread"><h1>{TITLE}</h1>'
                 f'<table id="pid8" summary="pid8"><tr><td class="postauthor"><cite><a href="space.php?uid=7">江边钓客</a></cite>'
                 f'<dl class="profile"><dt>UID</dt><dd>7</dd><dt>帖子</dt><dd>415</dd><dt>注册时间</dt><dd>2006-4-2</dd></dl></td>'
                 f'<td class="postcontent"><div class="postinfo"><strong>1#</strong> 大 中 小 发表于 2008-5-6 12:30 只看该作者</div>'
                 f'<div class="postmessage firstpost"><div class="t_msgfontfix"><table><tr><td class="t_msgfont" id="postmessage_8">'
                 f'{TEXT_BR}</td></tr></table></div></div></td></tr></table>'
                 f'<table id="pid9"><tr><td class="postauthor">老街坊</td><td class="postcontent">'
                 f'<div class="postinfo"><strong>2#</strong> 发表于 2008-5-7 09:01</div>'
                 f'<div class="postmessage"><div class="t_msgfontfix"><table><tr><td class="t_msgfont" id="postmessage_9">'
                 f'顶一下，希望落实。</td></tr></table></div></div></td></tr></table></div>',
                 "gbk", "http://www.example.test/viewthread.php?tid=8", TITLE, "2008-05-06T12:30:00+08:00", PARAS, id="discuz-7-thread-registration-date-in-sidebar-is-not-the-post-date"),
    pytest.param(f"{TITLE} - 临江论坛 - Powered by Discuz! Archiver",
                 f'<div id="nav"><a href="./">临江论坛</a> &rsaquo; <a href="?fid-2.html">临江新闻</a> &rsaquo; {TITLE}</div>'
                 f'<div id="content"><h3>{TITLE}</h3>'
                 f'<p class="author"><strong>江边钓客</strong> 发表于 2009-1-8 20:15</p>{TEXT_BR}<br><br>'
                 f'<p class="author"><strong>老街坊</strong> 发表于 2009-1-9 07:40</p>顶一下，希望落实。</div>'
                 f'<div id="footer">查看完整版本: <a href="../viewthread.php?tid=8">{TITLE}</a></div>',
                 "gbk", "http://www.example.test/archiver/tid-8.html", TITLE, "2009-01-08T20:15:00+08:00", PARAS, id="discuz-archiver-thread"),
    pytest.param(f"{TITLE}|临江新闻 - 临江社区 - Powered by phpwind",
                 f'<div id="breadcrumb"><a href="/">临江社区</a> &raquo; <a href="thread.php?fid=2">临江新闻</a></div>'
                 f'<div class="t5"><table><tr><td class="r_two" rowspan="2"><b>江边钓客</b><br>级别: 论坛版主<br>'
                 f'注册时间: 2007-03-02<br>最后登录: 2026-11-30</td>'
                 f'<td><h1 id="subject_tpc" class="read_h1">{TITLE}</h1>'
                 f'<div class="tiptop"><span class="fl">楼主</span> <span class="fl gray" title="2010-05-06 12:00">'
                 f'发表于: 2010-05-06</span></div>'
                 f'<div class="tpc_content"><div class="f14" id="read_tpc">{TEXT_BR}</div></div></td></tr></table></div>'
                 f'<div class="t5"><table><tr><td class="r_two">老街坊</td><td><div class="tiptop">'
                 f'<span class="fl gray" title="2010-05-07 08:00">发表于: 2010-05-07</span></div>'
                 f'<div class="tpc_content"><div class="f14" id="read_1">顶一下，希望落实。</div></div></td></tr></table></div>',
                 "gbk", "http://www.example.test/read.php?tid=8", TITLE, "2010-05-06T12:00:00+08:00", PARAS, id="phpwind-thread"),
    # old boards print the post's time in a row under the text, after the signature and the IP
    pytest.param(f"临江论坛 -- {TITLE}",
                 f'<table width="98%"><tr><td>临江论坛 → 临江新闻 → 浏览帖子</td></tr></table>'
                 f'<table width="98%" class="tableborder1">'
                 f'<tr><td class="tablebody1" width="175" rowspan="2"><b>江边钓客</b><br>等级：版主<br>文章：415<br>'
                 f'积分：2310<br>注册：2004年4月2日</td>'
                 f'<td class="tablebody1"><b>{TITLE}</b><br><br>{TEXT_BR}'
                 f'<br>----------------------------------------------<br>心中有数，脚下有路</td></tr>'
                 f'<tr><td class="tablebody1"><img src="ip.gif"> 已设置保密　'
                 f'2005-6-7 8:30:00</td></tr>'
                 f'<tr><td class="tablebody2" rowspan="2"><b>老街坊</b><br>注册：2005年1月3日</td>'
                 f'<td class="tablebody2"><b>回复：{TITLE}</b><br><br>顶一下，希望落实。</td></tr>'
                 f'<tr><td class="tablebody2">2005-6-8 9:01:12</td></tr></table>',
                 "gb2312", "http://www.example.test/dispbbs.asp?id=8", TITLE, "2005-06-07T08:30:00+08:00", PARAS, id="dvbbs-post-with-its-time-after-the-text-and-a-signature"),
    # 发信站: 站名 (Sat Aug 13 16:12:21 2005): the post time in the header, in English
    pytest.param("临江BBS站",
                 f'<table><tr><td>临江BBS → 临江新闻 → 文章阅读</td></tr></table><pre>'
                 f'发信人: riverfisher (江边钓客), 信区: News\n'
                 f'标  题: {TITLE}\n'
                 f'发信站: 临江BBS站 (Sat Aug 13 16:12:21 2005), 站内\n\n'
                 + "\n\n".join(PARAS) + "\n\n--\n※ 来源:·临江BBS站 bbs.example.test·[FROM: 10.1.2.3]</pre>",
                 "gb2312", "http://bbs.example.test/bbscon?board=News&file=M.1123921941.A", TITLE, "2005-08-13T16:12:21+08:00", PARAS, id="telnet-style-bbs-post-header"),
    pytest.param("临江杂谈 - 临江社区",
                 f'<div class="head">临江社区 > 临江杂谈</div><table><tr><td align="center"><font size="4"><b>{TITLE}</b></font></td></tr>'
                 f'<tr><td>作者：江边钓客　提交日期：2005-6-7 10:20:00　访问：1234　回复：5</td></tr>'
                 f'<tr><td>{TEXT_BR}</td></tr>'
                 f'<tr><td>作者：老街坊　回复日期：2005-6-7 11:02:45</td></tr><tr><td>顶一下，希望落实。</td></tr></table>',
                 "gb2312", "http://bbs.example.test/showart.asp?id=8", TITLE, "2005-06-07T10:20:00+08:00", PARAS, id="old-bbs-with-submission-date-label"),
    pytest.param(f"{TITLE}_江边钓客_新浪博客",
                 f'<div class="blogtitle"><h1><a href="/u/123">江边钓客的博客</a></h1><p>http://blog.example.test/u/123</p></div>'
                 f'<div class="nav">首页 博文目录 图片 关于我</div>{BLOG_SIDE}'
                 f'<div class="articalTitle"><h2 class="titName SG_txta">{TITLE}</h2>'
                 f'<span class="time SG_txtc">(2010-05-06 12:30:00)</span></div>'
                 f'<div class="articalTag">标签：<a>减负</a> 分类：<a>乡村笔记</a></div>'
                 f'<div class="articalContent">{TEXT_P}</div><div class="articalInfo">阅读(123) 评论(4) 收藏 转载</div>',
                 "utf-8", "http://blog.example.test/s/blog_4a1b.html", TITLE, "2010-05-06T12:30:00+08:00", PARAS, id="sina-style-blog-post"),
    pytest.param(f"{TITLE} - 江边钓客的日志 - 网易博客",
                 f'<div class="blogname"><h1>江边钓客的博客</h1><h2>记下乡村的变化</h2></div>{BLOG_SIDE}'
                 f'<div class="nbw-act"><h3 class="title pre fs1"><span class="tcnt">{TITLE}</span></h3>'
                 f'<p class="tdep"><span class="blogsep">2010-05-06 12:30:00</span>| 分类：<a>乡村笔记</a> | 标签：减负</p>'
                 f'<div class="nbw-blog">{TEXT_P}</div></div>',
                 "utf-8", "http://fisher.blog.example.test/blog/static/1234/", TITLE, "2010-05-06T12:30:00+08:00", PARAS, id="netease-style-blog-post"),
    # "博客名 » Blog Archive » 标题": the old WordPress default title, blog name first
    pytest.param(f"江边博客 &raquo; Blog Archive &raquo; {TITLE}",
                 f'<div id="header"><h1><a href="/">江边博客</a></h1><div class="description">记下乡村的变化</div></div>'
                 f'<div id="content"><div class="navigation">&laquo; 上一篇 下一篇 &raquo;</div>'
                 f'<div class="post" id="post-88"><h2><a href="http://fisher.example.test/archives/88" rel="bookmark" title="Permanent Link: {TITLE}">{TITLE}</a></h2>'
                 f'<div class="entry">{TEXT_P}</div>'
                 f'<p class="postmetadata">本文发表于 2005年9月10日 星期六 下午 3:20，分类：乡村笔记。</p></div></div>'
                 f'<div id="sidebar"><h2>日历</h2><p>2006年12月</p><h2>近期文章</h2><ul><li><a href="/archives/90">冬至包饺子</a></li></ul></div>',
                 "utf-8", "http://fisher.example.test/archives/88", TITLE, "2005-09-10", PARAS, id="wordpress-blog-name-and-blog-archive-before-the-post-title"),
    # a blog's header prints today's date; the post's own date is in its footer
    pytest.param("江边钓客的博客 - 博客频道",
                 f'<div id="header"><h1>江边钓客的博客</h1><div class="clock">今天是：2006年12月27日 星期三</div></div>'
                 f'<div class="post"><div class="posttitle"><b>{TITLE}</b></div>'
                 f'<div class="postbody">{TEXT_P}</div>'
                 f'<div class="postfoot">江边钓客 发表于 2005-09-10 15:20 | 阅读 56 | 评论 2</div></div>',
                 "utf-8", "http://blog.example.test/fisher/archive/88.html", TITLE, "2005-09-10T15:20:00+08:00", PARAS, id="blog-clock-in-the-header-is-not-the-post-date"),
    pytest.param(f"江边随笔: {TITLE}",
                 f'<div id="header"><h1><a href="/">江边随笔</a></h1></div>'
                 f'<div class="date-outer"><h2 class="date-header"><span>2006年12月27日星期三</span></h2>'
                 f'<div class="post hentry"><h3 class="post-title entry-title"><a href="http://fisher.example.test/2006/12/blog-post_27.html">{TITLE}</a></h3>'
                 f'<div class="post-body entry-content">{TEXT_P}</div>'
                 f'<div class="post-footer">张贴者： 江边钓客 时间： 下午3:20 <a href="http://fisher.example.test/2006/12/blog-post_27.html#comments">0 评论</a></div></div></div>'
                 f'<div id="sidebar"><h2>博客归档</h2><ul><li>2006 (12)</li><li>十二月 (3)</li></ul></div>',
                 "utf-8", "http://fisher.example.test/2006/12/blog-post_27.html", TITLE, "2006-12-27", PARAS, id="blogger-style-post-with-its-date-header-above-the-title"),
    pytest.param(f"江边随笔: {TITLE}",
                 f'<div id="banner"><h1><a href="/">江边随笔</a></h1><h2>记下乡村的变化</h2></div>'
                 f'<div class="blog"><h2 class="date">2005年09月10日</h2><div class="blogbody">'
                 f'<h3 class="title">{TITLE}</h3>{TEXT_P}'
                 f'<div class="posted">Posted by 江边钓客 at 03:20 PM | <a href="http://fisher.example.test/archives/000088.html#comments">评论 (2)</a></div></div></div>',
                 "utf-8", "http://fisher.example.test/archives/000088.html", TITLE, "2005-09-10", PARAS, id="movable-type-blog-with-colon-title"),
    pytest.param("临江新闻网--新闻中心--本地新闻",
                 f'<table width="760"><tr><td><a href="/">首页</a> | <a href="/news/">新闻中心</a> | <a href="/zw/">政务</a></td></tr></table>'
                 f'<table width="760"><tr><td width="560">'
                 f'<table width="100%"><tr><td align="center" height="40"><font style="font-size:20px" color="#990000"><b>{TITLE}</b></font></td></tr>'
                 f'<tr><td align="center"><font size="2">2004年12月10日 15:20　临江日报</font></td></tr>'
                 f'<tr><td><font class="zw">{TEXT_BR}</font></td></tr></table></td>'
                 f'<td width="200"><b>今日要闻</b><br><a href="/n/1.htm">沿江公路春节前通车</a> 2004-12-09<br>'
                 f'<a href="/n/2.htm">县医院新大楼启用</a> 2004-12-08</td></tr></table>',
                 "gb2312", "http://www.example.test/news/2004/1210/88.htm", TITLE, "2004-12-10T15:20:00+08:00", PARAS, id="2004-portal-headline-in-font-cell-and-bare-date-line"),
    # the <title> is the site's and the blog's name; the post title is a relative link to the post
    pytest.param("临江博客--江边钓客",
                 f'<div class="top"><a href="/">博客首页</a> <a href="/login">登录</a></div>'
                 f'<div class="blogname"><span>江边钓客</span><p>记下乡村的变化</p></div>{BLOG_SIDE}'
                 f'<div class="list"><div class="item"><div class="t"><a href="/fisher/archive/2005/09/10/88.aspx">{TITLE}</a></div>'
                 f'<div class="c">{TEXT_P}</div><div class="f">posted on 2005-09-10 15:20 江边钓客 阅读(56) 评论(2)</div></div></div>',
                 "utf-8", "http://blog.example.test/fisher/archive/2005/09/10/88.aspx", TITLE, "2005-09-10T15:20:00+08:00", PARAS, id="blog-post-title-linked-to-its-own-page-by-a-relative-address"),
    pytest.param(f"江边随笔 &raquo; {TITLE}",
                 f'<div id="header"><h1><a href="/">江边随笔</a></h1></div><div id="content"><div class="post">'
                 f'<h2><a href="http://fisher.example.test/?p=88" rel="bookmark">{TITLE}</a></h2><small>September 10th, 2005</small>'
                 f'<div class="entry">{TEXT_P}</div><p class="postmetadata">Posted in 乡村笔记 | 2 Comments &#187;</p></div></div>'
                 f'<div id="sidebar"><h2>Archives</h2><ul><li><a href="/?m=200512">December 2006</a></li></ul></div>',
                 "utf-8", "http://fisher.example.test/?p=88", TITLE, "2005-09-10", PARAS, id="wordpress-english-theme-date"),
    pytest.param("临江县人民政府--通知公告",
                 f'<table><tr><td align="center"><font size="5"><b>临江县关于精简基层报表的通知</b></font></td></tr>'
                 f'<tr><td>{TEXT_BR}<br><br><p align="right">临江县人民政府办公室<br>二〇〇四年十二月十日</p></td></tr></table>'
                 f'<div class="foot">临江县人民政府 版权所有 2003-2006</div>',
                 "gb2312", "http://www.example.test/tzgg/88.htm", "临江县关于精简基层报表的通知", "2004-12-10", PARAS, id="notice-signed-with-a-date-in-chinese-numerals"),
    pytest.param(f"{TITLE} - 手机版 - 临江论坛",
                 f'<header class="header"><a href="/">返回</a><h2>临江新闻</h2></header>'
                 f'<div class="view_tit"><em>[关注]</em>{TITLE}</div>'
                 f'<div class="plc"><div class="avatar"><img src="a.png"></div><div class="display pi">'
                 f'<ul class="authi"><li class="grey"><em>楼主</em><b><a href="home.php?uid=7">江边钓客</a></b></li>'
                 f'<li class="grey rela">2019-5-13 09:17</li></ul>'
                 f'<div class="message">{TEXT_BR}</div></div></div>'
                 f'<div class="plc"><ul class="authi"><li><b>老街坊</b></li><li class="grey rela">2019-5-13 10:02</li></ul>'
                 f'<div class="message">顶一下，希望落实。</div></div>',
                 "utf-8", "http://www.example.test/forum.php?mod=viewthread&tid=8&mobile=2", TITLE, "2019-05-13T09:17:00+08:00", PARAS, id="mobile-discuz-thread-with-an-unlabelled-post-time"),
    pytest.param(f"{TITLE}_临江吧_百度贴吧",
                 f'<div class="card_head"><a class="card_title_fname">临江吧</a></div>'
                 f'<div class="core_title"><h1 class="core_title_txt" title="{TITLE}">{TITLE}</h1></div>'
                 f'<div class="l_post"><div class="d_author"><a class="p_author_name">江边钓客</a><div class="d_badge">等级 8</div></div>'
                 f'<div class="d_post_content_main"><div class="d_post_content">{TEXT_BR}</div>'
                 f'<div class="post-tail-wrap"><span class="tail-info">1楼</span><span class="tail-info">2012-05-06 10:20</span></div></div></div>'
                 f'<div class="l_post"><div class="d_author"><a class="p_author_name">老街坊</a></div>'
                 f'<div class="d_post_content_main"><div class="d_post_content">顶一下，希望落实。</div>'
                 f'<div class="post-tail-wrap"><span class="tail-info">2楼</span><span class="tail-info">2012-05-06 11:02</span></div></div></div>',
                 "utf-8", "http://tieba.example.test/p/88", TITLE, "2012-05-06T10:20:00+08:00", PARAS, id="tieba-style-thread-with-its-time-in-the-post-tail"),
    pytest.param("临江新闻网",
                 f'<table width="760"><tr><td align="right">2004-12-10</td></tr>'
                 f'<tr><td align="center"><font size="5"><b>{TITLE}</b></font></td></tr>'
                 f'<tr><td align="center">临江日报　记者 王海</td></tr><tr><td>{TEXT_BR}</td></tr></table>'
                 f'<div>临江新闻网 版权所有</div>',
                 "gb2312", "http://www.example.test/news/88.htm", TITLE, "2004-12-10", PARAS, id="portal-date-printed-above-the-headline"),
    # no h1, no <b>, no "title" class: the headline is the line over "2004年12月10日 … 来源：…"
    pytest.param("临江新闻网--新闻中心--正文",
                 f'<table><tr><td><a href="/">首页</a> | <a href="/n/">新闻</a></td></tr>'
                 f'<tr><td><span class="style3">{TITLE}</span></td></tr>'
                 f'<tr><td><span class="style2">2004年12月10日 10:20　来源：临江日报</span></td></tr><tr><td>{TEXT_BR}</td></tr></table>',
                 "gb2312", "http://www.example.test/n/1.htm", TITLE, "2004-12-10T10:20:00+08:00", PARAS, id="portal-headline-styled-by-a-css-class-right-above-the-date-line"),
    # a report whose only date is a month: the month line is not the headline, and no day is made up
    pytest.param("临江县人民政府网 政务公开",
                 '<table><tr><td align="center"><b>临江县表格减负调查报告</b></td></tr>'
                 f'<tr><td align="center"><b>2003年5月</b></td></tr><tr><td>{TEXT_BR}</td></tr></table>',
                 "gb2312", "http://www.example.test/zwgk/88.htm", "临江县表格减负调查报告", None, PARAS,
                 id="report-with-a-month-only-date-line"),
]


# ------------------------------------------------------------------ page kinds of extraction 1.7
# Each case: (<title>, body markup, charset, url, headline, date, first paragraphs of the body).
# Written before any 1.7 rule; the figure each kind had with 1.6 is in docs/extraction.md.

OTHER_POST = ("<p>冬至那天村里请了县里的农技员来讲课，来的人比往年多，会后大家一起包了饺子。</p>"
              "<p>讲课的时候村干部只拍了一张照片，没有再像过去那样为了留痕摆拍十几张。</p>")
NOTICE_OPENING = "各乡镇人民政府，县直各单位："


def _archive_entry(title_markup: str, date: str, text: str, permalink: str) -> str:
    return (f'<div class="item">{title_markup}<div class="meta">{date} | 分类：乡村笔记</div>'
            f'<div class="words">{text}</div>'
            f'<div class="meta">阅读(56) | 评论(2) | <a href="{permalink}">全文</a></div></div>')


def blog_archive(title_of) -> str:
    """A blog's home or month page: several posts, newest first, each title a link to its post."""
    first, second = "/fisher/201005/88.html", "/fisher/201005/87.html"
    return (f'<div id="top"><a href="/">临江博客</a> <a href="/reg">注册</a> <a href="/login">登录</a></div>'
            f'<div id="head"><div class="name">江边钓客</div><div class="desc">记下乡村的变化</div></div>'
            f'<table><tr><td width="200" valign="top">{BLOG_SIDE}</td><td valign="top">'
            + _archive_entry(title_of(first, TITLE), "2010-05-06 12:30", TEXT_P, first)
            + _archive_entry(title_of(second, "冬至村里来了农技员"), "2010-05-02 09:10", OTHER_POST, second)
            + "</td></tr></table>")


NAV_BAR = ('<a href="/reg">注册</a> | <a href="/login">登入</a> | <a href="/faq">FAQ</a> | '
           '<a href="/">临江主页</a> | <a href="/bbs/">临江论坛</a>')

KINDS_17 = [
    # (1) a blog's archive page, <title> "name | host": the newest post's title and date
    pytest.param("江边钓客 | blog.linjiang.cn",
                 blog_archive(lambda href, t: f'<div class="t"><b><a href="{href}">{t}</a></b></div>'), "utf-8",
                 "http://blog.linjiang.cn/fisher/", TITLE, "2010-05-06T12:30:00+08:00", PARAS, id="blog-archive-bold-link"),
    pytest.param("江边钓客 | blog.linjiang.cn",
                 blog_archive(lambda href, t: f'<div class="t"><a href="{href}"><font size="3">{t}</font></a></div>'), "utf-8",
                 "http://blog.linjiang.cn/fisher/", TITLE, "2010-05-06T12:30:00+08:00", PARAS, id="blog-archive-plain-link"),
    pytest.param("江边钓客 | blog.linjiang.cn",
                 blog_archive(lambda href, t: f'<h3><a href="{href}">{t}</a></h3>'), "utf-8",
                 "http://blog.linjiang.cn/fisher/", TITLE, "2010-05-06T12:30:00+08:00", PARAS, id="blog-archive-h3-link"),
    # (2) a report: the issuing body's line between the headline and the text
    pytest.param("临江县人民政府网 政务公开",
                 '<table><tr><td align="center"><font size="4"><b>临江县村级组织工作负担调查报告</b></font></td></tr>'
                 '<tr><td align="center"><b>临江县委政策研究室调研组</b></td></tr>'
                 f'<tr><td>{TEXT_BR}</td></tr></table>', "gb2312",
                 "http://www.linjiang.gov.cn/zwgk/88.htm", "临江县村级组织工作负担调查报告", None, PARAS, id="report-issuer-line"),
    pytest.param("临江县人民政府网--调研文章",
                 '<div align="center"><strong>关于村级组织台账负担的调查与思考</strong></div>'
                 '<div align="center"><strong>临江县妇女联合会课题组</strong></div>'
                 '<div align="center">（2004年12月）</div>'
                 f'<div>{TEXT_P}</div>', "gb2312",
                 "http://www.linjiang.gov.cn/dywz/88.htm", "关于村级组织台账负担的调查与思考", None, PARAS,
                 id="report-issuer-and-month"),
    # a red-header notice: the issuing body's 文件 line and the 文号 above the headline
    pytest.param("临江县人民政府网",
                 '<div align="center"><font color="red" size="6"><b>临江县人民政府办公室文件</b></font></div>'
                 '<div align="center">临政办发〔2004〕12号</div><hr color="red">'
                 '<div align="center"><b>临江县人民政府办公室关于精简基层报表的通知</b></div>'
                 f'<div>{NOTICE_OPENING}<br>{TEXT_BR}</div>'
                 '<div align="right">临江县人民政府办公室<br>2004年12月10日</div>', "gb2312",
                 "http://www.linjiang.gov.cn/wj/88.htm", "临江县人民政府办公室关于精简基层报表的通知", "2004-12-10",
                 [NOTICE_OPENING] + PARAS, id="notice-red-header"),
    # (3) a navigation line of short |-separated links above a blog post
    pytest.param("江边钓客的博客 - 临江网",
                 f'<div class="toptitle" align="center">{NAV_BAR}</div>'
                 '<div class="blogname">江边钓客的博客</div>'
                 f'<div class="entry"><div class="posthead"><a href="/fisher/88.html">{TITLE}</a></div>'
                 f'<div class="words">{TEXT_P}</div><div class="meta">2005-09-10 15:20 | 阅读(56)</div></div>', "utf-8",
                 "http://blog.linjiang.cn/fisher/88.html?from=list", TITLE, "2005-09-10T15:20:00+08:00", PARAS,
                 id="nav-bar-over-blog-post"),
    pytest.param("临江网博客",
                 f'<table><tr><td align="center">{NAV_BAR}</td></tr></table>'
                 f'<div class="post"><span class="ptitle">{TITLE}</span>'
                 f'<div class="words">{TEXT_P}</div><div class="meta">江边钓客 发表于 2005-09-10 15:20</div></div>', "utf-8",
                 "http://blog.linjiang.cn/fisher/88.html", TITLE, "2005-09-10T15:20:00+08:00", PARAS,
                 id="nav-bar-centred-cell"),
    # (4) a forum thread whose post time is printed after the post's text
    pytest.param("临江论坛 - 临江杂谈",
                 f'<div class="bar">临江论坛 &gt; 临江杂谈</div><div class="topic"><b>{TITLE}</b></div>'
                 '<div class="who">作者：江边钓客</div>'
                 f'<div class="msg">{TEXT_BR}</div><div class="when">2003-5-6 10:20:31　[回复] [引用]</div>'
                 '<div class="who">作者：老街坊</div><div class="msg">顶一下。</div><div class="when">2003-5-6 11:02:45</div>',
                 "gb2312", "http://bbs.linjiang.cn/show.asp?id=8", TITLE, "2003-05-06T10:20:31+08:00", PARAS,
                 id="thread-time-after-text"),
    pytest.param("临江论坛 - 临江杂谈",
                 f'<div class="bar">临江论坛 &gt; 临江杂谈</div><div class="topic"><b>{TITLE}(转载)</b></div>'
                 f'<div class="msg">{TEXT_BR}<br><br>转自：临江日报</div>'
                 '<div class="when">【作者：江边钓客】【发表日期：2003-5-6】【人气：1234】</div>'
                 '<div class="msg">顶一下，希望落实，少填表多办事才是正经事情。</div><div class="when">【作者：老街坊】【发表日期：2003-5-7】</div>',
                 "gb2312", "http://bbs.linjiang.cn/show.asp?id=8", f"{TITLE}(转载)", "2003-05-06", PARAS,
                 id="thread-labelled-day-after-text"),
    pytest.param("临江论坛",
                 f'<table><tr><td class="tt">{TITLE}</td></tr>'
                 f'<tr><td>{TEXT_BR}</td></tr>'
                 '<tr><td align="right">江边钓客　2003/05/06 10:20</td></tr>'
                 '<tr><td>回复：顶一下，希望落实，少填表多办事才是正经事情。</td></tr><tr><td align="right">老街坊　2003/05/06 11:02</td></tr></table>',
                 "gb2312", "http://bbs.linjiang.cn/show.asp?id=8", TITLE, "2003-05-06T10:20:00+08:00", PARAS,
                 id="thread-slash-time-after-text"),
    pytest.param("江边钓客 | blog.linjiang.cn",
                 blog_archive(lambda href, t: f'<div class="t"><a href="{href}">{t}</a></div>'), "utf-8",
                 "http://blog.linjiang.cn/fisher/", TITLE, "2010-05-06T12:30:00+08:00", PARAS, id="blog-archive-link-line"),
    pytest.param("江边钓客 | blog.linjiang.cn",
                 blog_archive(lambda href, t: f'<div class="t"><a href="{href}">{t}</a>　<span class="n">[乡村笔记]</span></div>'),
                 "utf-8", "http://blog.linjiang.cn/fisher/", TITLE, "2010-05-06T12:30:00+08:00", PARAS,
                 id="blog-archive-link-and-tag"),
]


def _x3_post(pid: int, floor: str, who: str, when: str, text: str) -> str:
    """One post of a Discuz! X3.2 thread: the poster's column, the floor label (楼主, 沙发 …), the time."""
    return (f'<div id="post_{pid}"><table id="pid{pid}" class="plhin" summary="pid{pid}"><tr>'
            f'<td class="pls" rowspan="2"><div class="pi"><div class="authi"><a class="xw1" href="space-uid-{pid}.html">{who}</a></div></div>'
            f'<div class="tns xg2"><table><tr><th><p>415</p>主题</th><th><p>2310</p>帖子</th><td><p>9876</p>积分</td></tr></table></div>'
            f'<p><em><a href="home.php?mod=spacecp&ac=usergroup">中级会员</a></em></p>'
            f'<dl class="pil cl"><dt>积分</dt><dd>9876</dd></dl></td>'
            f'<td class="plc"><div class="pi"><strong><a href="forum.php?mod=redirect&ptid=8&pid={pid}" id="postnum{pid}">{floor}</a></strong>'
            f'<div class="pti"><div class="authi"><img class="authicn vm" src="online_member.gif"> '
            f'<em id="authorposton{pid}">发表于 {when}</em><span class="pipe">|</span><a href="#">只看该作者</a></div></div></div>'
            f'<div class="pct"><div class="pcb"><div class="t_fsz"><table cellspacing="0" cellpadding="0"><tr>'
            f'<td class="t_f" id="postmessage_{pid}">{text}</td></tr></table></div></div></div></td></tr>'
            f'<tr><td class="plc plm"><div class="sign">心中有数，脚下有路</div></td></tr></table></div>')


WECHAT_HEAD = ('<meta property="og:title" content="{t}"><meta property="og:site_name" content="微信公众平台">'
               '<meta property="og:description" content="少填表多办事">')

GOV_TABLE = ('<table class="xxgk_table"><tr><td>索 引 号：</td><td>114210000000000000/2024-00123</td>'
             '<td>主题分类：</td><td>综合政务</td></tr>'
             '<tr><td>发布机构：</td><td>临江县人民政府办公室</td><td>成文日期：</td><td>2024年03月15日</td></tr>'
             '<tr><td>名　　称：</td><td colspan="3">{t}</td></tr>'
             '<tr><td>文　　号：</td><td>临政办发〔2024〕5号</td><td>发布日期：</td><td>2024年03月18日</td></tr></table>')
GOV_NOTICE = "临江县人民政府办公室关于进一步精简基层报表的通知"

KINDS_17_NEW = [
    # Discuz! X3.2: 楼主 / 沙发 / 板凳 blocks, the type tag in the subject line, a reply quoting the post
    pytest.param(f"{TITLE} - 临江新闻 - 临江社区 - Powered by Discuz!",
                 '<div id="pt" class="bm cl"><div class="z"><a href="./">临江社区</a> <em>›</em> '
                 '<a href="forum-2-1.html">临江新闻</a></div></div>'
                 '<div id="ct" class="wp cl"><div id="postlist" class="pl bm"><table cellspacing="0"><tr>'
                 '<td class="pls ptn pbn"><div class="hm ptn"><span class="xg1">查看:</span> <span class="xi1">2046</span>'
                 '<span class="pipe">|</span><span class="xg1">回复:</span> <span class="xi1">2</span></div></td>'
                 f'<td class="plc ptm pbn vwthd"><h1 class="ts"><a href="forum.php?mod=forumdisplay&fid=2&typeid=3">[原创]</a> '
                 f'<span id="thread_subject">{TITLE}</span></h1>'
                 '<span class="xg1"><a href="forum.php?mod=viewthread&tid=8" onclick="return copyThreadUrl(this)">[复制链接]</a></span></td>'
                 '</tr></table>'
                 + _x3_post(8, "楼主", "江边钓客", '<span title="2019-5-13 09:17:14">前天&nbsp;09:17</span>', TEXT_BR)
                 + _x3_post(9, "沙发", "老街坊", "2019-5-13 10:02:41",
                            '<div class="quote"><blockquote>临江县今年起把乡镇需要填报的各类表格从四十多张压缩到十二张</blockquote></div>顶一下，希望说到做到。')
                 + _x3_post(10, "板凳", "清溪人", "2019-5-14 08:15:00", "我们村也是这样，少填表多办事。")
                 + '</div></div>', "utf-8", "http://bbs.linjiang.cn/thread-8-1-1.html", TITLE,
                 "2019-05-13T09:17:14+08:00", PARAS, id="discuz-x3-floors"),
    # a WeChat article as mp.weixin.qq.com serves it: the time only as a timestamp in a script
    pytest.param(TITLE,
                 f'<div id="js_article" class="rich_media"><div class="rich_media_inner"><h1 class="rich_media_title" id="activity-name">\n  {TITLE}\n</h1>'
                 '<div id="meta_content" class="rich_media_meta_list"><span class="rich_media_meta rich_media_meta_text">临江融媒</span>'
                 '<span class="rich_media_meta rich_media_meta_nickname" id="profileBt"><a id="js_name">临江发布</a></span>'
                 '<em id="publish_time" class="rich_media_meta rich_media_meta_text"></em></div>'
                 f'<div class="rich_media_content" id="js_content"><section>{TEXT_P}</section>'
                 '<p>来源：临江发布</p><p>编辑：王海</p></div>'
                 '<div id="js_pc_qr_code"><p>微信扫一扫<br>关注该公众号</p></div></div></div>'
                 '<script>var nickname = "临江发布"; var ct = "1710724320"; var user_name = "gh_0123";</script>',
                 "utf-8", "https://mp.weixin.qq.com/s/AbCdEf0123", TITLE, "2024-03-18T09:12:00+08:00", PARAS,
                 id="wechat-original"),
    # the same article mirrored by an aggregator: the account name and a date line, no timestamp
    pytest.param(f"{TITLE} - 临江发布 - 公众号文章 - 微读网",
                 '<div class="crumb"><a href="/">微读网</a> &gt; <a href="/gzh/linjiang">临江发布</a> &gt; 正文</div>'
                 f'<div class="art"><h2 class="rich_media_title">{TITLE}</h2>'
                 '<div class="rich_media_meta_list"><span class="rich_media_meta">临江融媒</span> '
                 '<a class="rich_media_meta_nickname">临江发布</a> <em class="rich_media_meta">2024-03-18</em></div>'
                 f'<div class="rich_media_content">{TEXT_P}<p>预览时标签不可点</p></div>'
                 '<div class="src">阅读原文：https://mp.weixin.qq.com/s/AbCdEf0123</div></div>'
                 '<div class="more"><h3>临江发布的其他文章</h3><ul><li><a href="/a/1">县城新添三座口袋公园</a> 2024-03-17</li>'
                 '<li><a href="/a/2">春耕备耕正当时</a> 2024-03-16</li></ul></div>',
                 "utf-8", "http://www.weidu.cn/a/88", TITLE, "2024-03-18", PARAS, id="wechat-mirror"),
    # a 政务公开 page: the 索引号 table above the headline holds 成文日期 and 发布日期
    pytest.param(f"{GOV_NOTICE}_临江县人民政府",
                 '<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 通知公告</div>'
                 + GOV_TABLE.format(t=GOV_NOTICE)
                 + f'<div class="article"><h1>{GOV_NOTICE}</h1>'
                 f'<div class="content"><p>{NOTICE_OPENING}</p>{TEXT_P}'
                 '<p style="text-align:right">临江县人民政府办公室</p><p style="text-align:right">2024年3月15日</p></div>'
                 '<div class="tool">【字体：大 中 小】 【打印本页】 【关闭窗口】</div></div>',
                 "utf-8", "http://www.linjiang.gov.cn/zwgk/tzgg/202403/t20240318_88.html", GOV_NOTICE, "2024-03-18",
                 [NOTICE_OPENING] + PARAS, id="gov-open-index-table"),
    pytest.param(f"{GOV_NOTICE}_临江县人民政府",
                 f'<div class="article"><h1>{GOV_NOTICE}</h1>'
                 '<table class="info"><tr><td>索引号：114210000000000000/2024-00123</td><td>发文机关：临江县人民政府办公室</td></tr>'
                 '<tr><td>成文日期：2024-03-15</td><td>发布日期：2024-03-18</td></tr></table>'
                 f'<div class="content"><p>{NOTICE_OPENING}</p>{TEXT_P}'
                 '<p style="text-align:right">临江县人民政府办公室</p><p style="text-align:right">2024年3月15日</p></div></div>',
                 "utf-8", "http://www.linjiang.gov.cn/zwgk/88.html", GOV_NOTICE, "2024-03-18",
                 [NOTICE_OPENING] + PARAS, id="gov-open-table-under-headline"),
    # print versions: a bare page with the headline, a date/来源 line, the text, 【打印】【关闭】
    pytest.param("临江新闻网--打印页面",
                 f'<table width="600" align="center"><tr><td align="center"><b>{TITLE}</b></td></tr>'
                 '<tr><td align="center">2004-12-10　来源：临江日报</td></tr><tr><td><hr></td></tr>'
                 f'<tr><td>{TEXT_BR}</td></tr><tr><td><hr></td></tr>'
                 '<tr><td>本文网址：http://www.linjiang.cn/news/2004/1210/88.htm</td></tr>'
                 '<tr><td align="center">【<a href="javascript:window.print()">打印</a>】　【<a href="javascript:window.close()">关闭</a>】</td></tr></table>',
                 "gb2312", "http://www.linjiang.cn/print.asp?id=88", TITLE, "2004-12-10", PARAS, id="print-version-table"),
    pytest.param(f"{TITLE}",
                 f'<div class="print"><div class="logo"><img src="logo.gif" alt="临江日报"></div><h2>{TITLE}</h2>'
                 '<p class="info">作者：王海　发布时间：2024-03-18 09:12</p>'
                 f'<div class="c">{TEXT_P}</div>'
                 '<p class="url">原文链接：http://www.linjiang.cn/n/88.html</p>'
                 '<p>Copyright 临江日报社 All Rights Reserved</p></div>',
                 "utf-8", "http://www.linjiang.cn/n/88.html?print=1", TITLE, "2024-03-18T09:12:00+08:00", PARAS,
                 id="print-version-div"),
]


KINDS_17_MORE = [
    # a Tianya-like thread: 楼主's header with 点击/回复 counters and a labelled time, replies below
    pytest.param(f"{TITLE}_临江杂谈_临江社区",
                 '<div id="doc"><div class="atl-location"><a href="/">临江社区</a> &gt; <a href="/list/zatan">临江杂谈</a></div>'
                 f'<div class="atl-head"><h1><span class="s_title"><span>{TITLE}</span></span></h1>'
                 '<div class="atl-info"><span>楼主：<a href="/u/7">江边钓客</a></span> <span>时间：2012-05-06 10:20:30</span> '
                 '<span>点击：10517</span> <span>回复：2</span></div></div>'
                 f'<div class="atl-main"><div class="atl-item host-item"><div class="bbs-content clearfix">{TEXT_BR}</div></div>'
                 '<div class="atl-item"><div class="atl-info"><span>作者：<a href="/u/9">老街坊</a></span> <span>时间：2012-05-06 11:02:45</span></div>'
                 '<div class="bbs-content">顶一下，希望落实。</div></div></div></div>',
                 "utf-8", "http://bbs.linjiang.cn/post-zatan-8-1.shtml", TITLE, "2012-05-06T10:20:30+08:00", PARAS,
                 id="tianya-like-thread"),
    # a Discuz! X3 portal article (portal.php?mod=view): date, 发布者, 查看 and 评论 on one line
    pytest.param(f"{TITLE} - 临江新闻 - 临江社区 - Powered by Discuz!",
                 '<div id="pt" class="bm cl"><a href="./">临江社区</a> <em>›</em> <a href="portal.php">门户</a> <em>›</em> 临江新闻</div>'
                 f'<div class="bm vw"><div class="h hm"><h1 class="ph">{TITLE}</h1>'
                 '<p class="xg1">2019-5-13 09:17<span class="pipe">|</span> 发布者: <a href="#">江边钓客</a><span class="pipe">|</span> '
                 '查看: 1234<span class="pipe">|</span> 评论: 0</p></div>'
                 f'<div class="d"><table cellpadding="0" cellspacing="0"><tr><td id="article_content">{TEXT_P}</td></tr></table></div></div>',
                 "utf-8", "http://bbs.linjiang.cn/portal.php?mod=view&aid=88", TITLE, "2019-05-13T09:17:00+08:00", PARAS,
                 id="discuz-x3-portal-article"),
    # an old people's-forum thread: 发表日期 under the title, 回复日期 on the replies
    pytest.param("临江论坛--临江杂谈",
                 f'<table width="760"><tr><td align="center"><font size="4"><b>{TITLE}</b></font></td></tr>'
                 '<tr><td align="center">[ 作者：江边钓客　发表日期：2004-12-10 10:20:30　点击：1234 ]</td></tr>'
                 f'<tr><td>{TEXT_BR}</td></tr>'
                 '<tr><td>[ 回复人：老街坊　回复日期：2004-12-10 11:02:45 ]</td></tr><tr><td>顶一下，希望落实。</td></tr></table>',
                 "gb2312", "http://bbs.linjiang.cn/show.asp?id=8", TITLE, "2004-12-10T10:20:30+08:00", PARAS,
                 id="people-forum-thread"),
    # a government article whose date and counter are printed after the text
    pytest.param(f"{TITLE}_临江县人民政府",
                 f'<div class="crumb">首页 &gt; 政务动态</div><div class="detail"><h2>{TITLE}</h2>'
                 f'<div class="txt">{TEXT_P}</div>'
                 '<div class="info">发布日期：2024-03-18　浏览次数：123　【<a href="javascript:window.print()">打印</a>】'
                 '【<a href="javascript:window.close()">关闭</a>】</div></div>'
                 '<div class="links"><h3>政务动态</h3><ul><li><a href="/a/1">县城新添三座口袋公园</a> 2024-03-17</li></ul></div>',
                 "utf-8", "http://www.linjiang.gov.cn/zwdt/88.html", TITLE, "2024-03-18", PARAS, id="gov-date-after-text"),
    # a notice with its attachments listed after the sign-off
    pytest.param(f"{GOV_NOTICE}_临江县人民政府",
                 f'<h1>{GOV_NOTICE}</h1><div class="content"><p>{NOTICE_OPENING}</p>{TEXT_P}'
                 '<p style="text-align:right">临江县人民政府办公室</p><p style="text-align:right">2024年3月15日</p>'
                 '<p>附件：<a href="/f/1.doc">1.乡镇报表保留目录.doc</a></p><p><a href="/f/2.xls">2.村级报表清单.xls</a></p></div>',
                 "utf-8", "http://www.linjiang.gov.cn/zwgk/89.html", GOV_NOTICE, "2024-03-15", [NOTICE_OPENING] + PARAS,
                 id="notice-with-attachments"),
    # a WeChat mirror whose <title> is only the account's name; the date in the meta line, Chinese style
    pytest.param("临江发布",
                 f'<div class="rich_media_area_primary"><h1 class="rich_media_title">{TITLE}</h1>'
                 '<div class="rich_media_meta_list"><span class="rich_media_meta_text">原创</span> '
                 '<a class="rich_media_meta_link">临江发布</a> <em id="publish_time">2024年3月18日 09:12</em></div>'
                 f'<div class="rich_media_content" id="js_content">{TEXT_P}<p>继续滑动看下一个</p><p>向上滑动看下一个</p></div></div>',
                 "utf-8", "http://www.weidu.cn/a/89", TITLE, "2024-03-18T09:12:00+08:00", PARAS, id="wechat-mirror-account-title"),
    # a self-media article: the date without a year ("03-18 09:12"), read in the year of the fetch
    pytest.param(f"{TITLE}",
                 f'<div class="article-title"><h2>{TITLE}</h2></div>'
                 '<div class="article-source"><span class="author">临江发布</span><span class="date">发布时间：03-18</span>'
                 f'<span class="time">09:12</span></div><div class="article-content">{TEXT_P}</div>',
                 "utf-8", "https://mbd.example.cn/s?id=1793", TITLE, "2026-03-18T09:12:00+08:00", PARAS, id="self-media-no-year"),
    # a government page: 发布时间 and 更新时间 (the update printed first)
    pytest.param(f"{TITLE}_临江县人民政府",
                 f'<h1>{TITLE}</h1><div class="info">更新时间：2024-03-20 08:00　发布时间：2024-03-18 09:12　来源：县政府办</div>'
                 f'<div class="c">{TEXT_P}</div>',
                 "utf-8", "http://www.linjiang.gov.cn/zwdt/90.html", TITLE, "2024-03-18T09:12:00+08:00", PARAS, id="gov-update-before-publish"),
    # a 人民网-style message board: the message's time and the official reply's
    pytest.param("临江县村里表格太多能否精简_领导留言板",
                 '<div class="replyInfoHead"><h1 class="replyTitle">临江县村里表格太多能否精简</h1>'
                 '<p class="replyObject">留言对象：临江县委书记</p><p class="replyTime">留言时间：2023-11-02 10:20</p></div>'
                 f'<div class="replyContent">{TEXT_BR}</div>'
                 '<div class="replyHandle"><h3>办理回复</h3><p class="replyUnit">回复单位：临江县委办公室</p>'
                 '<p>您好，您反映的问题已转交相关部门办理，县里将继续清理各类报表。</p><p>回复时间：2023-11-20 16:00</p></div>',
                 "utf-8", "http://liuyan.example.cn/threads/content?tid=88", "临江县村里表格太多能否精简",
                 "2023-11-02T10:20:00+08:00", PARAS, id="message-board"),
    # a Discuz thread printed (print view): the title, the poster and time line, the text
    pytest.param(f"{TITLE} - 临江社区",
                 f'<h1>{TITLE}</h1><div class="prnt">江边钓客 2019-5-13 09:17</div><div class="t_f">{TEXT_BR}</div>'
                 '<div class="prnt">老街坊 2019-5-13 10:02</div><div class="t_f">顶一下，希望落实。</div>',
                 "utf-8", "http://bbs.linjiang.cn/forum.php?mod=viewthread&action=printable&tid=8", TITLE,
                 "2019-05-13T09:17:00+08:00", PARAS, id="discuz-printable"),
]

KINDS_17_VARIANTS = [
    # a blog's archive page whose items are rows of one table, the date beside each title
    pytest.param("江边钓客 | blog.linjiang.cn",
                 '<div id="head"><div class="name">江边钓客</div></div><table class="list">'
                 '<tr><td class="t"><a href="/fisher/201005/88.html">' + TITLE + '</a></td><td class="d">2010-05-06 12:30:00</td></tr>'
                 f'<tr><td colspan="2">{TEXT_P}</td></tr>'
                 '<tr><td class="t"><a href="/fisher/201005/87.html">冬至村里来了农技员</a></td><td class="d">2010-05-02 09:10:00</td></tr>'
                 f'<tr><td colspan="2">{OTHER_POST}</td></tr></table>', "utf-8",
                 "http://blog.linjiang.cn/fisher/", TITLE, "2010-05-06T12:30:00+08:00", PARAS, id="blog-archive-table-rows"),
    # a blog's archive page of excerpts, each title followed by its date in brackets, "阅读全文" below
    pytest.param("江边钓客 | blog.linjiang.cn",
                 '<div id="head"><div class="name">江边钓客</div></div>'
                 + "".join(f'<div class="cell"><div class="ttl"><a href="/fisher/{n}.html">{t}</a> [{d}]</div>'
                           f'<div class="txt">{x}</div><div class="more"><a href="/fisher/{n}.html">阅读全文</a></div></div>'
                           for n, t, d, x in ((88, TITLE, "2010-05-06 12:30", TEXT_P), (87, "冬至村里来了农技员", "2010-05-02 09:10", OTHER_POST))),
                 "utf-8", "http://blog.linjiang.cn/fisher/", TITLE, "2010-05-06T12:30:00+08:00", PARAS,
                 id="blog-archive-title-and-date-line"),
    # an ASP board on an English-locale server: the post time after the text, month/day/year
    pytest.param("临江论坛 - 临江杂谈",
                 f'<div class="bar">临江论坛 &gt; 临江杂谈</div><table><tr><td><b>{TITLE}</b></td></tr>'
                 f'<tr><td>{TEXT_BR}</td></tr><tr><td>江边钓客 发表于 5/6/2003 10:20:31 AM</td></tr>'
                 '<tr><td>顶一下。</td></tr><tr><td>老街坊 发表于 5/6/2003 11:02:45 AM</td></tr></table>',
                 "gb2312", "http://bbs.linjiang.cn/show.asp?id=8", TITLE, "2003-05-06T10:20:31+08:00", PARAS,
                 id="thread-us-date-after-text"),
    # a reply that quotes the post's last lines: the post's time is the one under the post
    pytest.param("临江论坛 - 临江杂谈",
                 f'<div class="bar">临江论坛 &gt; 临江杂谈</div><div class="topic"><b>{TITLE}</b></div>'
                 f'<div class="msg">{TEXT_BR}</div><div class="when">江边钓客　2003-5-6 10:20:31</div>'
                 f'<div class="msg">引用江边钓客的帖子：<br>{PARAS[2]}<br>顶一下，希望落实。</div><div class="when">老街坊　2003-5-7 11:02:45</div>',
                 "gb2312", "http://bbs.linjiang.cn/show.asp?id=8", TITLE, "2003-05-06T10:20:31+08:00", PARAS,
                 id="thread-reply-quotes-the-post"),
]

# Text that is never the article's: replies, a second post, widgets, print and WeChat furniture, a signature.
FOREIGN = ("顶一下", "冬至", "预览时标签", "滑动看下一个", "微信扫一扫", "打印", "关闭窗口", "本文网址", "原文链接", "Copyright",
           "心中有数", "少填表多办事", "您反映的问题")


@pytest.mark.parametrize("head_title, body, charset, url, title, date, first", LAYOUTS + KINDS_17 + KINDS_17_NEW + KINDS_17_MORE
                         + KINDS_17_VARIANTS)
def test_layout_gets_headline_date_and_text(head_title, body, charset, url, title, date, first):
    result = extract_page(html(head_title, body, charset), url, fetched_at="2026-12-01T10:00:00+08:00")
    assert (result["title"], result["date"]) == (title, date)
    assert result["body"].split("\n\n")[:len(first)] == first, result["body"][:300]
    assert not [w for w in FOREIGN if w in result["body"]], result["body"]


def test_a_date_without_its_year_is_read_only_with_the_fetch_time():
    page = html(TITLE, f'<h2>{TITLE}</h2><div class="src">发布时间：03-18 09:12</div><div class="c">{TEXT_P}</div>')
    url = "https://mbd.example.cn/s?id=1794"
    # fetched in February: March 18th of the year before; without a fetch time the year is unknown
    assert extract(page, url, fetched_at="2026-02-01T10:00:00+08:00")["date"] == "2025-03-18T09:12:00+08:00"
    assert extract_page(page, url)["date"] is None
