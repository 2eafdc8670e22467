"""Extraction on pages written for these tests, one per failure mode, each asserting the field
that plain trafilatura (or a naive extractor) gets wrong."""

import pytest

from pipelines.decode import decode_html
from pipelines.errors import Rejected
from pipelines.extract import extract_page

PARAS = [
    "近日，阿坝县对全县各类考核事项进行清理，乡镇承担的考核指标由六十三项减少到二十一项。",
    "县委办公室相关负责人表示，考核要看实绩，不看材料厚度，今后不再要求乡镇报送过程性台账。",
    "龙藏乡一位干部说，以前一到年底就忙着整理档案盒，现在可以把时间留给牧民群众。",
]


def page(body_html, title="阿坝县大幅精简考核指标", head="", charset="utf-8"):
    return f"""<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title>{head}</head>
<body><div class="nav"><a href="/">首页</a> | <a href="/news/">新闻</a> | <a href="/gov/">政务</a></div>
{body_html}
<div class="footer">版权所有 示例新闻网 川ICP备00000000号</div></body></html>"""


def article_block(h1="阿坝县大幅精简考核指标", byline="发布时间：2024-03-18 09:12　来源：阿坝日报"):
    return (f'<div class="article"><h1>{h1}</h1><div class="info">{byline}</div><div class="content">'
            + "".join(f"<p>{p}</p>" for p in PARAS) + "</div></div>")


RELATED = """<div class="related"><h3>相关新闻</h3><ul>
<li><a href="/a/1.html">若尔盖县召开草原防火工作会议</a><span>2023-11-02 10:00</span></li>
<li><a href="/a/2.html">红原县推进牧区道路建设</a><span>2023-10-21 16:30</span></li>
</ul></div>"""
HOT = """<div class="hot-box"><div class="hd">热点推荐</div><ul><li><a href="/h/1.html">高原夏季旅游线路推荐</a> 2024-02-01</li>
<li><a href="/h/2.html">藏历新年文艺演出举行</a> 2024-02-10</li></ul></div>"""


def body_paras(result):
    return result["body"].split("\n\n")


def test_gb18030_only_character_under_gb2312_label():
    name = "马䶮"  # 䶮 is in GB18030, not in GB2312 or GBK
    html = page(article_block(byline=f"时间：2024-03-18 09:12　作者：{name}"), charset="gb2312")
    raw = html.encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("gbk")
    result = extract_page(raw, "http://example.test/a.html", content_type="text/html; charset=gb2312")
    assert result["encoding"] == "gb18030"
    assert result["author"] == name
    assert "\ufffd" not in result["body"] and body_paras(result) == PARAS


def test_header_and_meta_disagree():
    raw = page(article_block(), charset="gbk").encode("gb18030")
    # the server claims latin-1; the page says gbk; the bytes are Chinese
    result = extract_page(raw, None, content_type="text/html; charset=ISO-8859-1")
    assert result["encoding"] == "gb18030" and result["title"] == "阿坝县大幅精简考核指标"
    text, codec = decode_html(page(article_block()).encode("utf-8"), "text/html; charset=gbk")
    assert codec == "utf-8" and "阿坝县" in text  # a wrong header does not force mojibake


def test_not_text_is_a_clear_rejection():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20
    with pytest.raises(Rejected) as err:
        extract_page(png, "http://example.test/logo.png")
    assert (err.value.stage, err.value.reason) == ("decode", "not_text")
    with pytest.raises(Rejected) as err:
        extract_page(b"", "http://example.test/empty.html")
    assert err.value.reason == "empty_body"


def test_related_list_with_dates_stays_out_and_does_not_date_the_article():
    result = extract_page(page(article_block() + RELATED + HOT).encode(), "http://example.test/a.html")
    assert body_paras(result) == PARAS
    assert result["date"] == "2024-03-18T09:12:00+08:00"
    assert result["outlet"] == "阿坝日报"


def test_site_suffixed_title():
    for suffix in ("_示例新闻网", "-阿坝", " | 示例新闻网", " - 政务频道 - 示例网"):
        result = extract_page(page(article_block(), title="阿坝县大幅精简考核指标" + suffix).encode(), None)
        assert result["title"] == "阿坝县大幅精简考核指标", suffix
    # the h1 is a logo and the title tag has the headline glued to the site name
    html = page('<h1 class="logo">示例新闻网</h1>' + article_block(h1="").replace("<h1></h1>", ""),
                title="阿坝县大幅精简考核指标 示例新闻网")
    assert extract_page(html.encode(), None)["title"] == "阿坝县大幅精简考核指标"


def test_only_date_on_page_belongs_to_a_related_item():
    html = page(article_block(byline="来源：阿坝日报") + RELATED)
    result = extract_page(html.encode(), "http://example.test/news/abc.html")
    assert result["date"] is None  # not 2023-11-02, the related item's date


def test_bare_year_and_future_dates_are_not_dates():
    html = page(article_block(byline="2024年　来源：阿坝日报"))
    assert extract_page(html.encode(), None)["date"] is None  # never January 1st
    html = page(article_block(byline="发布时间：2031-01-05 08:00"))
    assert extract_page(html.encode(), None, fetched_at="2024-06-01T00:00:00+08:00")["date"] is None
    html = page(article_block(byline="来源：阿坝日报"))
    assert extract_page(html.encode(), "http://example.test/2024/0318/abc.html")["date"] == "2024-03-18"


FORUM = """<div id="pt">论坛 › 阿坝杂谈 › 帖子</div>
<h1 class="ts"><span id="thread_subject">阿坝县精简考核，大家怎么看</span></h1>
<div id="post_11" class="plhin"><div class="pls"><a class="xw1" href="#">草原骑手</a></div>
<div class="authi">发表于 2024-3-19 20:41:07 | 只看该作者</div>
<table><tr><td class="t_f" id="postmessage_11">{first}</td></tr></table><div class="po">回复 支持 反对</div></div>
<div id="post_12" class="plhin"><div class="pls"><a class="xw1" href="#">山里人</a></div>
<div class="authi">发表于 2024-3-19 21:05:33</div>
<table><tr><td class="t_f" id="postmessage_12">确实轻松多了，支持！这一条回帖不是正文。</td></tr></table></div>
<div id="f_pst">您需要登录后才可以回帖 登录 | 立即注册</div>"""


def test_forum_thread_first_post_only():
    html = page(FORUM.format(first="<br>".join(PARAS)), title="阿坝县精简考核，大家怎么看 - 阿坝论坛 - Powered by Discuz!")
    result = extract_page(html.encode(), "http://example.test/thread-11-1-1.html")
    assert body_paras(result) == PARAS
    assert result["title"] == "阿坝县精简考核，大家怎么看"
    assert result["author"] == "草原骑手"
    assert result["date"] == "2024-03-19T20:41:07+08:00"


TABLE_PORTAL = """<table width="980"><tr><td><a href="/">首页</a></td><td><a href="/zw/">政务公开</a></td><td><a href="/fw/">办事服务</a></td></tr></table>
<table width="980"><tr><td width="200" class="left"><table><tr><td><a href="/l/1.html">机构设置</a></td></tr>
<tr><td><a href="/l/2.html">领导信息</a></td></tr><tr><td><a href="/l/3.html">政策文件</a></td></tr></table></td>
<td><table><tr><td><h1 class="title">阿坝县大幅精简考核指标</h1></td></tr>
<tr><td class="source">日期：2024-03-18　来源：阿坝县人民政府</td></tr>
<tr><td class="zw">{paras}</td></tr></table></td></tr></table>"""


def test_table_layout_portal_page():
    html = page(TABLE_PORTAL.format(paras="".join(f"<p>{p}</p>" for p in PARAS)), title="阿坝县大幅精简考核指标-阿坝县人民政府")
    result = extract_page(html.encode(), None)
    assert body_paras(result) == PARAS  # no 首页/机构设置 rows, no table pipes
    assert result["date"] == "2024-03-18" and result["outlet"] == "阿坝县人民政府"


def test_reprint_names_outlet_and_original_url_and_boilerplate_lines_go():
    block = ('<div class="content"><h1>阿坝县大幅精简考核指标</h1><p>本文转自：四川日报</p>'
             + "".join(f"<p>{p}</p>" for p in PARAS)
             + '<p>（责任编辑：王林）</p><p>原文链接：http://example.test/orig/2024/0318/1.html</p>'
             '<p>【免责声明】本站转载文章仅供学习交流。</p><p>扫一扫，用手机看新闻</p></div>')
    result = extract_page(page(block).encode(), "http://snap.test/k/1.html")
    assert body_paras(result) == PARAS
    assert result["outlet"] == "四川日报"
    assert result["original_url"] == "http://example.test/orig/2024/0318/1.html"


def test_per_site_selectors_override_the_generic_method():
    html = page('<div id="story"><span class="hl">阿坝县大幅精简考核指标（附图）</span>'
                '<em class="when">2024-03-18</em>' + "".join(f"<div class=para>{p}</div>" for p in PARAS) + "</div>")
    result = extract_page(html.encode(), None, selectors={"title": "span.hl", "date": "em.when", "body": "#story"})
    assert result["title"] == "阿坝县大幅精简考核指标（附图）"
    assert result["date"] == "2024-03-18"
    assert all(p in result["body"] for p in PARAS)


def test_machine_readable_dates_json_ld_and_wechat():
    ld = ('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2024-03-18T01:12:00Z"}'
          '</script>')
    result = extract_page(page(article_block(byline="来源：阿坝日报") + RELATED, head=ld).encode(), None)
    assert result["date"] == "2024-03-18T09:12:00+08:00"  # UTC converted to Shanghai time
    wechat = page('<h1 id="activity-name">阿坝县大幅精简考核指标</h1><div id="js_content">'
                  + "".join(f"<p>{p}</p>" for p in PARAS) + '</div><script>var ct = "1710724320";</script>')
    result = extract_page(wechat.encode(), "https://mp.weixin.qq.com/s/abc")
    assert result["date"] == "2024-03-18T09:12:00+08:00" and body_paras(result) == PARAS


# ------------------------------------------------------------ failure modes found on other real pages


def test_article_inside_a_page_wide_form_is_kept():
    # ASP.NET / CMS templates wrap the page (or the article) in one <form>; only search and
    # comment forms are chrome.
    html = page('<form name="main_form" action="/view.aspx" method="post"><input type="hidden" name="vs" value="x">'
                '<span class="tit">阿坝县大幅精简考核指标</span><div class="txt">'
                + "".join(f"<p>{p}</p>" for p in PARAS) + "</div></form>"
                + '<form action="/search"><input name="q"> 站内搜索</form>')
    result = extract_page(page_bytes(html), None)
    assert body_paras(result) == PARAS


def page_bytes(html):
    return html.encode("utf-8")


def test_date_line_in_a_footer_named_meta_block():
    # the date line under the headline carries class="post-footer"; it is not the page footer
    block = ('<div class="post"><h2 class="post-title">阿坝县大幅精简考核指标</h2>'
             '<h6 class="post-footer"><a class="post-date">2024年03月18日</a> 阿坝日报 浏览 235</h6>'
             '<div class="post-body">' + "".join(f"<p>{p}</p>" for p in PARAS) + "</div></div>")
    result = extract_page(page_bytes(page(block + RELATED)), None)
    assert result["date"] == "2024-03-18"
    assert body_paras(result) == PARAS


def test_baidu_json_ld_pubdate():
    head = ('<script type="application/ld+json">{"@context": "https://ziyuan.baidu.com/contexts/cambrian.jsonld",'
            '"title": "阿坝县大幅精简考核指标", "pubDate": "2024-03-18T08:05:00"}</script>')
    body = '<div class="content">' + "".join(f"<p>{p}</p>" for p in PARAS) + "</div>"
    result = extract_page(page_bytes(page(body, head=head)), None)
    assert result["date"].startswith("2024-03-18")


def test_title_with_a_column_suffix_shown_as_plain_text():
    # no heading element; the headline is a styled span; the <title> adds the column name
    body = ('<table><tr><td><span class="STYLE8">阿坝县大幅精简考核指标</span></td></tr>'
            '<tr><td>来源: | 发布时间: 2024-03-18 | 浏览次数: 88</td></tr><tr><td>'
            + "".join(f"<p>{p}</p>" for p in PARAS) + "</td></tr></table>")
    result = extract_page(page_bytes(page(body, title="阿坝县大幅精简考核指标-纪检")), None)
    assert result["title"] == "阿坝县大幅精简考核指标"
    # a main title and subtitle joined by a dash stay one headline
    body2 = ('<div class="art-t">阿坝县大幅精简考核指标<br>——乡镇考核减少四十二项</div><div class="content">'
             + "".join(f"<p>{p}</p>" for p in PARAS) + "</div>")
    result2 = extract_page(page_bytes(page(body2, title="阿坝县大幅精简考核指标——乡镇考核减少四十二项_阿坝州政府网")), None)
    assert result2["title"] == "阿坝县大幅精简考核指标——乡镇考核减少四十二项"


def test_reprint_tail_ends_at_the_editor_line():
    # a portal reprint: a sign-off line, the portal's author line with its widget link, an empty
    # 责任编辑 line, then a teaser of another story and the outlet name
    tail = ('<p>采写：阿坝日报记者 卓玛 王强</p>'
            '<p>作者：卓玛 王强<a href="/"><span>返回搜狐，查看更多</span></a></p>'
            '<p>责任编辑：<span></span></p><blockquote><p>若尔盖县召开草原防火工作会议</p>'
            '<p>会议要求各乡镇落实防火责任，加强巡查，确保草原安全度过防火期，各级干部要靠前指挥。</p></blockquote>,阿坝日报')
    body = ('<div class="article"><h1>阿坝县大幅精简考核指标</h1><div class="content">'
            + "".join(f"<p>{p}</p>" for p in PARAS) + tail + "</div></div>")
    result = extract_page(page_bytes(page(body)), None)
    assert body_paras(result) == PARAS


def test_centred_caption_and_credit_line():
    # captions in <center> are article text; a 供稿/摄影/编辑 credit line and a 位置： breadcrumb are not
    body = ('<table><tr><td>位置：<a href="/">首页</a> &gt; <a href="/n/">新闻动态</a></td></tr></table>'
            '<div class="article"><h1>阿坝县大幅精简考核指标</h1><div class="content">'
            f"<p>{PARAS[0]}</p><center><strong>龙藏乡干部走访牧民</strong><br></center>"
            f"<p>{PARAS[1]}</p><p>{PARAS[2]}</p><p>县委办供稿  摄影/扎西  编辑/李娜</p></div></div>")
    result = extract_page(page_bytes(page(body)), None)
    assert body_paras(result) == [PARAS[0], "龙藏乡干部走访牧民", PARAS[1], PARAS[2]]


def test_hidden_blocks_and_network_credit_stay_out():
    # a public-account style page: a profile card and a toast hidden with display:none around the
    # text (the article container itself is only visibility:hidden until a script runs), and a
    # "来源于网络" credit under the last paragraph
    body = ('<div id="wrap"><h2 class="rich_media_title">阿坝县大幅精简考核指标</h2>'
            '<div class="meta"><a id="nick">高原观察</a><div class="card" style="display:none;">'
            '<strong>高原观察</strong><p>关注基层治理与民生服务的账号介绍</p></div></div>'
            '<div id="text" style="visibility: hidden;">'
            + "".join(f"<section><span>{p}</span></section>" for p in PARAS)
            + '<p><span>图片来源于网络</span></p></div>'
            '<div id="toast" style="display: none"><p>已发送到朋友圈</p><p>正在加载中</p></div></div>')
    result = extract_page(page_bytes(page(body)), None)
    assert body_paras(result)[-3:] == PARAS
    assert "账号介绍" not in result["body"] and "已发送" not in result["body"] and "来源于网络" not in result["body"]


def test_contact_box_beside_the_article_stays_out():
    body = ('<div class="left"><h1>阿坝县大幅精简考核指标</h1><div class="detail">'
            + "".join(f"<p>{p}</p>" for p in PARAS) + '</div></div>'
            '<div class="right"><div class="box"><h4>联系我们</h4><div class="box-bd"><h5>阿坝县融媒体中心</h5>'
            '<p>地 址：阿坝县某某路1号</p><p>邮政编码：624600</p><p>电 话：0837-0000000</p></div></div></div>')
    result = extract_page(page_bytes(page(body)), None)
    assert body_paras(result) == PARAS


def test_column_name_title_gives_way_to_the_heading_above_the_date_line():
    # the <title> names the column, not the article; the headline is a minor heading right
    # above the 发布时间/来源 line, and a breadcrumb heading repeats the column name
    body = ('<div class="crumb-bar"><h3>首页 - 工作动态</h3></div>'
            '<div class="detail"><h5>阿坝县大幅精简考核指标</h5>'
            '<div class="ly"><b>发布时间：2024-03-18</b> <i>来源：阿坝县委办</i></div><div class="con">'
            + "".join(f"<p>{p}</p>" for p in PARAS) + "</div></div>")
    result = extract_page(page_bytes(page(body, title="工作动态--阿坝县人民政府")), None)
    assert result["title"] == "阿坝县大幅精简考核指标"
    assert result["date"] == "2024-03-18" and body_paras(result) == PARAS


def test_article_after_a_header_include_that_closes_the_page():
    # the shared header include ends with its own </html>; the article follows it
    html = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>阿坝县大幅精简考核指标_阿坝州政府网</title></head>'
            '<body><div class="header"><a href="/">首页</a> <a href="/en/">EN</a></div></html>\n<!--end header-->'
            '<div class="main"><div class="article"><h1>阿坝县大幅精简考核指标</h1><div class="content">'
            + "".join(f"<p>{p}</p>" for p in PARAS) + '</div></div></div>'
            '<div class="footer">版权所有 示例新闻网</div></body></html>')
    result = extract_page(page_bytes(html), None)
    assert body_paras(result) == PARAS


def test_gazette_headline_broken_over_lines_with_a_double_underscore_suffix():
    # <title> = headline + "__" + issue name + "_" + site; the page shows the headline only as a
    # bold centred block broken by <br>, followed by the adoption note
    body = ('<div class="pages_content"><p align="center"><strong>阿坝县人民代表大会常务委员会<br>'
            '关于精简乡镇考核指标<br>的决定</strong><br>（2024年3月1日阿坝县第十八届人民代表大会常务委员会第九次会议通过）</p>'
            + "".join(f"<p>{p}</p>" for p in PARAS) + "</div>")
    title = "阿坝县人民代表大会常务委员会关于精简乡镇考核指标的决定__2024年第3号阿坝县人大常委会公报_阿坝县人民政府"
    result = extract_page(page_bytes(page(body, title=title)), None)
    assert result["title"] == "阿坝县人民代表大会常务委员会关于精简乡镇考核指标的决定"
    assert body_paras(result)[0].startswith("（2024年3月1日")  # the broken headline is not body text


def test_publication_time_kept_in_a_page_script():
    # the page shows the date split over three boxes (year / month-day / time) that no date
    # pattern reads; the text mentions an older date; the page script holds the publication time
    head = '<script>window.DATA = {"title": "阿坝县大幅精简考核指标", "pubtime": "2024-03-18 19:02:26"};</script>'
    body = ('<div class="article"><h1>阿坝县大幅精简考核指标</h1><div class="side"><div class="y">2024</div>'
            '<div class="md">03/18</div><div class="t">19:02</div></div><div class="content">'
            f"<p>{PARAS[0]}该县于2019年5月14日启动首轮考核清理。</p><p>{PARAS[1]}</p><p>{PARAS[2]}</p></div></div>")
    result = extract_page(page_bytes(page(body, head=head)), None)
    assert result["date"].startswith("2024-03-18")


def test_date_shown_without_a_year_falls_back_to_the_update_stamp():
    # "发布时间：03-18 22:46" has no year; the page's dateUpdate stamp (same day) is the best there is
    head = '<meta itemprop="dateUpdate" content="2024-03-18 22:46:13">'
    body = ('<div class="article"><h2>阿坝县大幅精简考核指标</h2><div class="src"><span class="date">发布时间：03-18</span>'
            '<span class="time">22:46</span></div><div class="content">'
            + "".join(f"<p>{p}</p>" for p in PARAS) + "</div></div>")
    result = extract_page(page_bytes(page(body, head=head)), None)
    assert result["date"].startswith("2024-03-18")


def test_breadcrumb_with_a_plain_class_stays_out():
    # a one-run news flash straight inside a div, under a "您所在的位置：" trail in a plainly named div
    text = "".join(PARAS)
    body = ('<div class="box_left"><div class="website">\n您所在的位置：\n<a href="/">首页</a> &gt;\n'
            '<a href="/kx/">快讯</a> &gt;\n<a href="/kx/gs/">公司</a>\n</div>'
            '<div class="tit"><h2>阿坝县大幅精简考核指标</h2><div class="info">2024-03-18 12:11<span>来源：阿坝日报</span></div></div>'
            f'<div class="txt" id="ctrlfscont">\n   {text}   <p></p>\n</div></div>')
    result = extract_page(page_bytes(page(body)), None)
    assert result["body"] == text


def test_text_directly_in_a_div_beside_a_sidebar_of_labels():
    # the article is one run of text straight inside a div (no <p>); around it, a sidebar of
    # short labels, counters and links that a whole-page extraction picks up
    text = "".join(PARAS)
    body = ('<div id="main"><div class="leftbar"><div class="tags-title">标签</div><div class="tag">考核|减负|乡镇</div>'
            '<div class="adjacent">上一篇 :</div><a href="/a/1.html">若尔盖县召开草原防火工作会议</a><div>下一篇 :</div>没有了</div>'
            '<div class="page-article"><div class="art-title">阿坝县大幅精简考核指标</div>'
            '<div class="art-time">发布时间：2024-03-18 10:09:11</div><span class="cnt">4</span>'
            f'<div class="art-content">{text}</div></div>'
            '<div class="author-box"><a href="/col/">基层动态</a><div>总篇数</div><span>919</span>篇<div>暂无简介</div>'
            '<div>点击量</div><div>116876</div></div></div>')
    result = extract_page(page_bytes(page(body)), None)
    assert result["body"] == text


def test_lead_box_inside_the_article_container_is_kept():
    # a lead paragraph in its own div at the top of the article container, above the <p>s, with a
    # date/tool column beside the container (trafilatura then skips the lead)
    lead = "阿坝县委办公室负责人表示，考核事项清理后，乡镇干部有更多时间深入牧区，解决群众反映的实际问题。"
    more = PARAS + ["清理工作分三步进行：先由乡镇列出全部考核事项，再由县级部门逐项说明依据，最后由县委审定保留清单。",
                    "对保留下来的二十一项指标，县里统一了填报口径，同一项数据只报一次，各部门共享使用，不再重复索要。",
                    "下一步，该县还将对督查检查事项开展清理，年内把面向乡镇的督查检查次数压减一半以上。"]
    body = ('<div class="LEFT"><h1>阿坝县大幅精简考核指标</h1><div class="content clearfix">'
            '<div id="LeftTool" class="LeftTool"><div class="year"><span>2024</span></div><div class="md">03/18</div></div>'
            f'<div class="content-article"><div class="introduction">{lead}</div>'
            + "".join(f'<p class="one-p">{p}</p>' for p in more) + "</div></div></div>")
    result = extract_page(page_bytes(page(body)), None)
    assert body_paras(result) == [lead] + more


def test_image_caption_in_a_div_between_paragraphs_is_kept():
    # portal template: each photo sits in a div with its caption in a span, between the <p>s of the
    # article container; trafilatura reads divs as text only while the <p>s hold under ~750
    # characters, so in a long article the captions vanish. A video box with a link title and an
    # editor line sit in the same container
    captions = ["龙藏乡干部在牧民家中核对草场补助名册（资料图）",
                "2024年3月15日，阿坝县召开考核事项清理工作推进会。（阿坝日报 供图）",
                "清理前后的考核台账对比（视频截图）"]
    paras = PARAS + [
        "清理后保留的指标统一填报口径，同一项数据只报一次，各部门共享使用，不再重复索要。",
        "县里还将对督查检查事项开展清理，年内把面向乡镇的督查检查次数压减一半以上。",
        "在安斗乡，过去每个季度都要迎接三四轮检查，干部常常连续几周加班整理材料，顾不上下村。",
        "今年起，县里把各部门的检查合并为一次综合检查，检查组到乡镇后统一调阅资料，不再层层要报表。",
        "一些部门起初担心合并检查会漏掉问题，县委督查室为此制定了检查清单，逐项列明需要查看的内容。",
        "试行两个月来，乡镇接受检查的天数减少了一大半，干部们把更多精力放在了春季防火和牲畜防疫上。",
        "牧民多吉说，乡里的干部现在来得勤了，草场纠纷、孩子上学这些事，当场就能商量出办法。",
        "县委办公室负责人表示，减负不是减责任，考核少了，对实绩的要求反而更高，年底将按实绩排位。",
        "下一步，阿坝县将把清理成果写进制度，新增考核事项须经县委审定，防止指标越清越多。",
        "记者在龙藏乡看到，乡政府档案室里原先堆到屋顶的迎检材料已经清走，腾出的房间改成了群众办事大厅。",
        "乡党委书记介绍，过去一份材料要按不同部门的格式抄好几遍，如今只需在共享平台上填一次，省下不少时间。",
        "不少乡镇干部表示，考核少了并不意味着轻松了，但劲儿终于能使在该使的地方，心里踏实了许多。",
        "据了解，阿坝州已将该县的做法在全州推广，要求各县在上半年完成考核事项清理，并向社会公开保留清单。",
        "州委组织部有关负责人说，对基层的考核要少而精，凡是能通过日常工作掌握的情况，一律不再要求专门报送。",
        "对清理后又以其他名义变相增加考核的，州里将予以通报，并追究相关部门负责人的责任。",
        "一位老支书感慨，现在乡里开会少了，干部进村多了，村里修路、引水的事情推进得比往年都快。",
    ]
    paras[4] = paras[4] + "各乡镇已经按新口径报送了第一季度数据，县统计部门汇总后向各部门开放查询。"
    blocks = [f"<p>{p}</p>" for p in paras]
    for at, cap in zip((2, 6, 10), captions):
        blocks.insert(at, f'<div class="img_wrapper"><img src="/p/{at}.jpg" alt="{cap}"><span class="img_descr">{cap}</span></div>')
    body = ('<h1>阿坝县大幅精简考核指标</h1><div class="date-source"><span class="date">2024年03月18日 09:12</span>'
            '<a class="source" href="/">阿坝日报</a></div>'
            '<div class="article-content"><div class="article" id="article">'
            '<div class="video-box"><div class="video-info"><a href="/v/1.html">视频-阿坝县精简考核指标</a></div></div>\n'
            + "\n".join(blocks) + '\n<p class="show_author">责任编辑：王芳</p></div></div>')
    expected = list(paras)
    for at, cap in zip((2, 6, 10), captions):
        expected.insert(at, cap)
    result = extract_page(page_bytes(page(body)), None)
    assert body_paras(result) == expected


def test_headline_reworded_above_the_text_stays_out():
    # the container repeats the headline with a word changed (the print edition's wording)
    body = ('<h1>阿坝县考核指标减少三分之二</h1><div class="post_time_source">2024-03-18 09:12:05　来源: 阿坝日报</div>'
            '<div class="post_text"><p class="otitle">（原标题：阿坝县考核指标减少三分之二）</p>'
            '<p>阿坝县乡镇考核指标减少三分之二</p>' + "".join(f"<p>{p}</p>" for p in PARAS)
            + '<div class="ep-source"><span>本文来源：阿坝日报</span><span>责任编辑：王芳</span></div></div>')
    result = extract_page(page_bytes(page(body, title="阿坝县考核指标减少三分之二_示例新闻")), None)
    assert result["title"] == "阿坝县考核指标减少三分之二"
    assert body_paras(result) == PARAS


# ------------------------------------------------------------ forums, blogs, old portals (extraction 1.5)

THREAD_POST = [
    "上周县里开了减负座谈会，我们村的文书也去了，回来说以后一个月只报一次表。",
    "以前光是村里的各类台账就有二十多本，有的内容还重复，填完了也没人看。",
    "希望这次能真正落实下去，让村干部多些时间跑田间地头，少些时间坐在电脑前。",
]


def old_bbs_thread(title_tag="江城论坛"):
    """A 2005-style threaded BBS page: the <title> is the board's name, the thread title a centred
    heading, the post's date only in the line after it, replies listed with their own dates."""
    return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{title_tag}</title></head><body>
<center><h3>村里的报表终于少了</h3></center>
<center>[ <a href="/reply?n=88">回复本贴</a> ] [ <a href="#follow">跟从标题</a> ] [ <a href="/">返回首页</a> ]</center>
<center><table width="95%"><tr><td><hr>{"<br><br>".join(THREAD_POST)}
<p><center>本贴由<b>稻花香</b>于2005年6月3日21:40:12在〖<a href="/bbs/12">乡村杂谈</a>〗发表.</center>
<hr></td></tr></table></center>
<a name="follow">本贴跟从标题:</a><ul>
<li><a href="89.html">我们乡也一样</a> <b>老刘</b> <i>2005年6月4日08:02:51</i></li>
<li><a href="90.html">报表少了是好事，关键看考核</a> <b>山里人</b> <i>2005年6月4日09:15:03</i></li></ul>
</body></html>"""


def test_old_bbs_thread_title_over_board_name_and_date_from_the_post_line():
    raw = old_bbs_thread().encode("gb18030")
    result = extract_page(raw, "http://bbs.example.test/12/messages/88.html")
    assert result["title"] == "村里的报表终于少了"  # not the board's name
    assert result["date"] == "2005-06-03T21:40:12+08:00"  # the post's line, not a reply's
    assert body_paras(result) == THREAD_POST


BLOG_POST = [
    "今天到镇里参加了一个座谈会，主题是清理面向村级的考核事项，会上大家说得很坦率。",
    "有位村支书讲，过去一年要迎接十几次检查，每次都要准备一摞材料，现在合并成了一次。",
    "我把会上听到的几条做法记下来，供同样在基层工作的朋友参考。",
]
COMMENTS = "".join(
    f'<h4><a href="#c{i}">#</a> re: 镇里的减负座谈会 <span>2024-03-2{i} 10:0{i}</span> <a>读者{i}</a></h4>'
    f"<p>{text}</p>" for i, text in enumerate([
        "写得很实在，我们县也在做类似的清理，不过进度比你们慢一些，希望上面能多督促几次。",
        "合并检查这个办法好，但是要防止一次检查变成一次加倍的材料准备，那样就没有意义了。",
        "作为乡镇干部看了很有感触，台账少了以后，确实能多跑几户人家，听听大家的想法。",
        "建议把清理后的事项清单公开出来，让村里的群众也能监督，看看是不是真的减下来了。",
        "博主能不能再写写考核指标是怎么定的，我们这里还是有不少指标靠材料来打分。",
    ], 1))


def blog_page(title_tag="稻花香的博客"):
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title_tag}</title></head><body>
<div id="top"><h1><a href="http://blog.example.test/daohua/">稻花香</a></h1><p>记录乡村工作的点滴</p></div>
<div id="side"><h3>导航</h3><ul><li><a href="/">首页</a></li></ul><h3>随笔分类</h3><ul><li><a href="/c/1">乡村工作</a></li></ul></div>
<div id="main"><div class="post"><h2><a href="http://blog.example.test/daohua/archive/2024/03/19/101.aspx">镇里的减负座谈会</a></h2>
{"".join(f"<p>{p}</p>" for p in BLOG_POST)}
<p class="postfoot">发表于 2024年3月19日 20:41 - (阅读:312;评论:5)</p></div>
<div id="comments"><h3>评论</h3>{COMMENTS}</div></div></body></html>"""


def test_blog_post_title_over_blog_name_and_comments_stay_out():
    url = "http://blog.example.test/daohua/archive/2024/03/19/101.aspx"
    result = extract_page(blog_page().encode(), url)
    assert result["title"] == "镇里的减负座谈会"  # not 稻花香的博客, not a sidebar heading
    assert body_paras(result) == BLOG_POST  # the five longer comments are not the post
    assert result["date"] == "2024-03-19T20:41:00+08:00"
    # without any <title> at all, the heading linked to the page itself is the post's title
    no_title = blog_page().replace("<title>稻花香的博客</title>", "")
    assert extract_page(no_title.encode(), url)["title"] == "镇里的减负座谈会"


def test_blog_archive_page_gives_its_first_post():
    posts = [("清明回乡记", "2024-04-05 21:10:33", ["清明回了一趟老家，村口的路修好了，车能直接开到家门口。",
                                                   "村委会的墙上少了很多牌子，只留下了几块常用的，看着清爽多了。"]),
             ("春耕时节", "2024-04-01 07:45:02", ["这几天大家都在忙着育秧，村干部也下田帮忙，很少坐在办公室了。"])]
    blocks = "".join(
        f'<table class="entry"><tr><td class="post-title">{t}</td><td class="post-title">{d}</td></tr>'
        f'<tr><td class="post-body">{"<br><br>".join(ps)}</td></tr>'
        f'<tr><td class="post-footer"><em>由稻花香张贴 @ <a href="/v?id={i}">{d}</a></em> <a href="/c?id={i}">发表评论</a></td></tr></table>'
        for i, (t, d, ps) in enumerate(posts))
    html = f"""<html><head><meta charset="utf-8"><title>稻花香 | blog.example.test</title></head><body>
<table><tr><td class="side_nav">博客标题</td></tr><tr><td><strong>稻花香的小屋</strong></td></tr></table>{blocks}</body></html>"""
    result = extract_page(html.encode(), "http://blog.example.test/archives.php?date=202404")
    assert result["title"] == "清明回乡记"
    assert body_paras(result) == posts[0][2]
    assert result["date"] == "2024-04-05T21:10:33+08:00"


NOTICE = [
    "为做好今年乡镇干部培训工作，现将有关事项通知如下。",
    "一、培训对象为各乡镇新任职的班子成员，每期培训五天，集中住宿。",
    "二、报名时间为2004年6月1日至6月15日，逾期不再受理。",
    "附：培训课程安排",
]


def old_gbk_portal(charset_meta='<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'):
    """A 2004-style portal page: the <title> is the site and column, the headline only bold text in
    a table cell, the date a bare line under it, a GBK-only (逄) and a GB18030-only (䶮) name."""
    rows = "".join(f"<tr><td><div align=center>{a}</div></td><td>{b}<br>{c}</td><td>{d}</td></tr>" for a, b, c, d in [
        ("日期", "课程", "内容", "授课人"), ("6月21日", "政策解读", "基层减负有关文件", "逄立新"),
        ("6月22日", "案例交流", "清理考核事项的做法", "马䶮"), ("6月23日", "实地调研", "走访两个行政村", "县委组织部")])
    return f"""<html><head>{charset_meta}<title>江城政务网>通知公告</title></head><body>
<table width="778"><tr><td><a href="/">首页</a></td><td><a href="/tz/">通知公告</a></td><td><a href="/ld/">领导之窗</a></td></tr></table>
<table width="690"><tr><td align="center"><p><strong><br>关于举办2004年乡镇干部培训班的通知</strong></p></td></tr>
<tr><td align="center"><font size="2">2004年5月28日</font></td></tr>
<tr><td><table width="580"><tr><td>{"<br>".join(NOTICE)}<br></td></tr></table>
<table width="580" border="1">{rows}</table></td></tr></table>
<table><tr><td>版权所有 江城政务网 2004</td></tr></table></body></html>"""


def test_old_gbk_portal_headline_in_a_bold_cell_and_bare_date_line():
    raw = old_gbk_portal().encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("gbk")  # 䶮 is GB18030-only, under a gb2312 label
    result = extract_page(raw, "http://www.example.test/tz/show.asp?id=77")
    assert result["title"] == "关于举办2004年乡镇干部培训班的通知"  # not 江城政务网>通知公告
    assert result["date"] == "2004-05-28"  # the line under the headline, not the deadline in the text
    paras = body_paras(result)
    assert paras[:4] == NOTICE
    # the programme table right after "附：" is part of the notice, one line per row
    assert paras[4:] == ["日期 课程 内容 授课人", "6月21日 政策解读 基层减负有关文件 逄立新",
                         "6月22日 案例交流 清理考核事项的做法 马䶮", "6月23日 实地调研 走访两个行政村 县委组织部"]
    # no charset anywhere: the bytes decide (GB18030, not mojibake)
    bare = old_gbk_portal(charset_meta="").encode("gb18030")
    result = extract_page(bare, None)
    assert result["encoding"] == "gb18030" and "马䶮" in result["body"] and "逄立新" in result["body"]


def test_utf8_bytes_under_a_stale_gb2312_label_and_gb_user_defined_bytes():
    # "阿坝" in UTF-8 (E9 98 BF E5 9D 9D) is also three valid GB18030 pairs: the label would win
    # and give mojibake; valid multi-byte UTF-8 is UTF-8
    raw = '<html><head><meta charset="gb2312"></head><body>阿坝</body></html>'.encode("utf-8")
    raw.decode("gb18030")  # no error: only the bytes' UTF-8 validity tells
    text, codec = decode_html(raw, "text/html; charset=gb2312")
    assert codec == "utf-8" and "阿坝" in text
    # 0xA3A0 (an old full-width indent) and 0xAAA5 (a site-made glyph) decode only under GB18030,
    # to private-use code points no font shows
    gb = '<html><head><meta charset="gb2312"></head><body><p>@@阿坝县</p></body></html>'.encode("gb18030")
    text, codec = decode_html(gb.replace(b"@@", b"\xa3\xa0\xaa\xa5"), None)
    assert codec == "gb18030" and "<p>\u3000阿坝县</p>" in text


def test_placeholder_titles_are_never_the_headline():
    for placeholder in ("null", "undefined", ""):
        html = page(article_block(), title=placeholder)
        assert extract_page(html.encode(), None)["title"] == "阿坝县大幅精简考核指标", placeholder
    bare = page('<div class="content">' + "".join(f"<p>{p}</p>" for p in PARAS) + "</div>", title="null")
    assert extract_page(bare.encode(), None)["title"] is None


def test_thread_title_label_and_comment_reviewer_lines():
    html = page('<h1>主题: 阿坝县大幅精简考核指标</h1><div class="content">'
                + "".join(f"<p>{p}</p>" for p in PARAS) + "<p>评论人：扎西（县委党校）卓玛（州社科院）</p></div>", title="")
    result = extract_page(html.encode(), None)
    assert result["title"] == "阿坝县大幅精简考核指标"
    assert body_paras(result) == PARAS + ["评论人：扎西（县委党校）卓玛（州社科院）"]  # a programme line, not a widget


def test_a_date_inside_the_text_is_not_the_publication_date():
    text = ["报名时间为2024年5月6日至5月20日，请各乡镇统一组织报送。"] + PARAS
    html = page('<h1>阿坝县大幅精简考核指标</h1><div class="content">' + "".join(f"<p>{p}</p>" for p in text) + "</div>")
    assert extract_page(html.encode(), "http://example.test/news/abc.html")["date"] is None


def test_a_bold_byline_above_the_text_is_not_the_headline():
    # the <title> names only the site; between the real headline and the text, a bold reporter line
    body = ('<table><tr><td align="center"><b>阿坝县大幅精简考核指标</b></td></tr>'
            '<tr><td><strong>本报记者 卓玛 王强</strong></td></tr><tr><td>'
            + "<br>".join(PARAS) + "</td></tr></table>")
    result = extract_page(page_bytes(page(body, title="阿坝日报")), None)
    assert result["title"] == "阿坝县大幅精简考核指标"
