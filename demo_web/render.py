"""Pages of the demo news web, rendered from `content.py` with each site's own chrome.

Four sites under one host: /xinwen/ (a national portal with an RSS feed and paged lists),
/zhengfu/ (a provincial government site in GBK, table layout, a sitemap index), /luntan/
(a Discuz-style forum) and /kuaizhao/ (a snapshot site that wraps other outlets' articles).
Every article page carries the boilerplate real pages do: navigation, breadcrumbs, byline,
related-news lists with their own dates, hot-news boxes, share prompts, disclaimers, ICP footers.
"""

from __future__ import annotations

import json
from contextvars import ContextVar
from html import escape

from demo_web.content import ARTICLES, BROKEN, DIFANG, DIFANG_NAVIGATION, REPRINTS, ROBOTS_DISALLOWED

BY_ID = {a["id"]: a for a in ARTICLES}

# Headlines of the boxes around articles: never part of any article body.
HOT_NEWS = [
    ("全国夏粮收购进度过半 收购价格总体平稳", "2024-06-28 08:00"),
    ("多地迎来强降雨 防汛应急响应启动", "2024-07-03 21:15"),
    ("暑期文旅消费升温 博物馆预约一票难求", "2024-07-11 10:40"),
    ("新能源汽车下乡活动在中部六省同步开展", "2024-05-30 14:05"),
]


def _reprint(original_id: str, spec: dict) -> dict:
    """A reprint article built from its original: the lead line, a dropped paragraph, a footer."""
    base = BY_ID[original_id]
    body = [p for i, p in enumerate(base["body"]) if i != spec.get("drop_paragraph")]
    return {**base, **spec, "body": body, "original": original_id}


REPRINTED = [_reprint(o, s) for o, s in REPRINTS]
ALL = ARTICLES + REPRINTED


def article_path(a: dict) -> str:
    if "path" in a:  # the discovery site: URL shapes of its own
        return a["path"]
    day, _time = a["date"].split(" ")
    y, m, d = day.split("-")
    if a["site"] == "xinwen":
        return f"/xinwen/{y}/{m}{d}/{a['id']}.html"
    if a["site"] == "zhengfu":
        return f"/zhengfu/system/{y}/{m}/{d}/{a['id']}.shtml"
    if a["site"] == "luntan":
        return f"/luntan/{a['id']}-1-1.html"
    return f"/kuaizhao/kz/{y}/{a['id']}.html"


# Article paths left out of lists, feeds and sitemaps for the request being rendered (not yet
# published there, or fallen off the list); the pages themselves are still served.
_withheld: ContextVar[frozenset] = ContextVar("withheld", default=frozenset())


def site_articles(site: str) -> list[dict]:
    hidden = _withheld.get()
    return sorted((a for a in ALL if a["site"] == site and article_path(a) not in hidden),
                  key=lambda a: a["date"], reverse=True)


def _paras(a: dict) -> str:
    return "\n".join(f"<p>{escape(p)}</p>" for p in a["body"])


def _related(a: dict, n: int = 4) -> list[tuple[str, str, str]]:
    """Other articles of the same site, with their own dates (title, path, date)."""
    others = [b for b in site_articles(a["site"]) if b["id"] != a["id"]][:n]
    return [(b["title"], article_path(b), b["date"]) for b in others]


def _hot_box(title: str) -> str:
    items = "".join(f'<li><a href="#">{escape(t)}</a><span class="time">{d}</span></li>' for t, d in HOT_NEWS)
    return f'<div class="hot"><h3>{title}</h3><ul>{items}</ul></div>'


# ------------------------------------------------------------------------------- xinwen


def xinwen_page(title: str, main: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}_新闻在线</title>
<meta name="keywords" content="新闻,时政,基层">
</head><body>
<div class="topbar"><a href="/xinwen/list/index.html">首页</a> | <a href="#">时政</a> | <a href="#">财经</a> | <a href="#">教育</a> | <a href="#">登录</a></div>
{main}
<div class="footer"><p>关于我们 | 联系方式 | 广告服务 | 网站地图</p>
<p>新闻在线版权所有 未经授权禁止转载 京ICP备00000000号-1 京公网安备11000000000000号</p></div>
</body></html>"""


def xinwen_article(a: dict) -> str:
    related = "".join(f'<li><a href="{p}">{escape(t)}</a> <span>{d}</span></li>' for t, p, d in _related(a))
    main = f"""<div class="crumb">当前位置：<a href="/xinwen/list/index.html">首页</a> &gt; 新闻中心 &gt; 正文</div>
<div class="article">
<h1>{escape(a['title'])}</h1>
<div class="info">发布时间：{a['date']}　来源：{escape(a['outlet'])}　作者：{escape(a['author'])}</div>
<div class="share">分享到：微信 微博 QQ空间　扫一扫，用手机看新闻</div>
<div class="content" id="content">
{_paras(a)}
</div>
<div class="editor">【责任编辑：{escape(a['author'] or '网编')}】</div>
</div>
<div class="related"><h3>相关新闻</h3><ul>{related}</ul></div>
{_hot_box("热点推荐")}
<div class="comment"><h3>网友评论</h3><p>请先登录后发表评论，文明上网理性发言</p></div>"""
    return xinwen_page(a["title"], main)


def xinwen_list(page: int) -> str:
    items = site_articles("xinwen")
    per = 4
    chunk = items[page * per:(page + 1) * per]
    lis = "".join(f'<li><a href="{article_path(a)}">{escape(a["title"])}</a><span>{a["date"][:10]}</span></li>'
                  for a in chunk)
    if page == 0:  # a broken link, a server error, a page robots.txt forbids
        lis += '<li><a href="/xinwen/2024/0601/xw190.html">基层治理新观察（已删除）</a><span>2024-06-01</span></li>'
        lis += '<li><a href="/xinwen/2024/0602/xw191.html">服务器维护中的页面</a><span>2024-06-02</span></li>'
        lis += f'<li><a href="{ROBOTS_DISALLOWED[0]}">内部稿件（草稿）</a><span>2024-06-03</span></li>'
    pages = (len(items) + per - 1) // per
    nav = []
    if page + 1 < pages:
        nav.append(f'<a href="/xinwen/list/index_{page + 1}.html">下一页</a>')
    main = f'<div class="list"><h2>要闻</h2><ul>{lis}</ul><div class="pager">第{page + 1}页 {" ".join(nav)}</div></div>'
    return xinwen_page("要闻列表", main)


def xinwen_rss() -> str:
    items = []
    for a in site_articles("xinwen"):
        link = "http://127.0.0.1:8765" + article_path(a)  # rewritten to the real base by the server
        if a["id"] == "xw102":  # a shared link with tracking parameters: the same page
            link += "?utm_source=rss&utm_medium=feed&spm=c1.d2"
        items.append(f"<item><title>{escape(a['title'])}</title><link>{escape(link)}</link>"
                     f"<pubDate>{a['date']}</pubDate></item>")
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>新闻在线·要闻</title>'
            f'<link>http://127.0.0.1:8765/xinwen/</link>{"".join(items)}</channel></rss>')


# ------------------------------------------------------------------------------- zhengfu (GBK)


def zhengfu_page(title: str, main: str, charset: str = "gbk") -> str:
    return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{escape(title)}-青海政务网</title></head>
<body><table width="1000" align="center"><tr><td class="banner">青海政务网（演示）</td></tr>
<tr><td class="nav"><a href="/zhengfu/zwdt/index.html">首页</a> | <a href="#">政务公开</a> | <a href="#">政务服务</a> | <a href="#">互动交流</a> | <a href="#">走进青海</a></td></tr>
<tr><td>{main}</td></tr>
<tr><td class="foot">主办：青海政务网（演示） 网站标识码6300000000 青ICP备00000000号 青公网安备63000000000000号<br>
本网站所刊登的信息未经协议授权，禁止下载使用或建立镜像。</td></tr></table></body></html>"""


def zhengfu_article(a: dict) -> str:
    related = "".join(f'<tr><td><a href="{p}">{escape(t)}</a></td><td>{d[:10]}</td></tr>' for t, p, d in _related(a))
    # One page declares gb2312 in its meta tag while the server says gbk and a name on it
    # needs GB18030: decoding must widen both labels rather than produce mojibake.
    charset = "gb2312" if a["id"] == "030001" else "gbk"
    main = f"""<table><tr><td class="crumb">您当前的位置：首页 &gt; 政务动态 &gt; 地区动态</td></tr>
<tr><td><h1 class="title">{escape(a['title'])}</h1></td></tr>
<tr><td class="source">时间：{a['date']}　　来源：{escape(a['outlet'])}　　【字体：大 中 小】　【打印本页】</td></tr>
<tr><td class="TRS_Editor">{_paras(a)}</td></tr>
<tr><td class="editor">{'撰稿：' + escape(a['author']) if a['author'] else ''}　【关闭窗口】</td></tr>
<tr><td><table class="xglj"><tr><td colspan="2">相关链接</td></tr>{related}</table></td></tr>
</table>"""
    return zhengfu_page(a["title"], main, charset)


def zhengfu_list(page: int) -> str:
    items = site_articles("zhengfu")
    per = 5
    chunk = items[page * per:(page + 1) * per]
    rows = "".join(f'<tr><td>·<a href="{article_path(a)}">{escape(a["title"])}</a></td><td>{a["date"][:10]}</td></tr>'
                   for a in chunk)
    if page == 0:
        rows += '<tr><td>·<a href="/zhengfu/system/2024/06/02/030099.shtml">关于调整办事大厅办公时间的通知</a></td><td>2024-06-02</td></tr>'
    pages = (len(items) + per - 1) // per
    nav = f'<a href="/zhengfu/zwdt/index_{page + 1}.html">下一页</a>' if page + 1 < pages else ""
    return zhengfu_page("政务动态", f'<table class="list">{rows}</table><div>{nav}</div>')


def zhengfu_sitemap_index(base: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f'<sitemap><loc>{base}/zhengfu/sitemap_2024.xml</loc></sitemap></sitemapindex>')


def zhengfu_sitemap(base: str) -> str:
    urls = "".join(f"<url><loc>{base}{article_path(a)}</loc><lastmod>{a['date'][:10]}</lastmod></url>"
                   for a in site_articles("zhengfu"))
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'


# ------------------------------------------------------------------------------- luntan (Discuz)

REPLIES = {
    "thread-201": [("松滋老王", "2019-5-13 10:02:41", "整理得很详细，希望真正落到实处。"),
                   ("乡镇小兵", "2019-5-14 08:30:12", "最盼着工作群少一点，晚上十点还在报数据。")],
    "thread-202": [("吃货小李", "2024-3-20 18:11:05", "鱼火锅确实好吃，上周刚去过。")],
}


def luntan_page(title: str, main: str) -> str:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(title)} - 江城论坛 - Powered by Discuz!</title></head>
<body><div id="hd"><a href="/luntan/forum-2-1.html">江城论坛</a> 登录 | 立即注册 | 找回密码</div>
<div id="pt">论坛 › 江城杂谈 › {escape(title)}</div>
{main}
<div id="ft">Powered by Discuz! X3.4 © 2001-2024 Comsenz Inc. 鄂ICP备00000000号-3
本站内容均为会员发表，不代表本站立场！</div></body></html>"""


def luntan_thread(a: dict) -> str:
    day, time = a["date"].split(" ")
    y, m, d = (int(x) for x in day.split("-"))
    posts = [f"""<div id="post_1" class="plhin"><div class="pls">{escape(a['author'])}</div>
<div class="plc"><div class="authi">发表于 {y}-{m}-{d} {time}:14 | 只看该作者 | 阅读模式</div>
<div class="t_fsz"><table><tr><td class="t_f" id="postmessage_1">{'<br><br>'.join(escape(p) for p in a['body'])}</td></tr></table></div>
<div class="po">回复 支持 反对 举报</div></div></div>"""]
    for i, (who, when, text) in enumerate(REPLIES.get(a["id"], []), start=2):
        posts.append(f"""<div id="post_{i}" class="plhin"><div class="pls">{escape(who)}</div>
<div class="plc"><div class="authi">发表于 {when} | 只看该作者</div>
<div class="t_fsz"><table><tr><td class="t_f" id="postmessage_{i}">{escape(text)}</td></tr></table></div>
<div class="po">回复 支持 反对</div></div></div>""")
    main = f"""<div id="ct"><div class="pgs">返回列表 发新帖</div>
<h1 class="ts"><span id="thread_subject">{escape(a['title'])}</span></h1>
<div class="hm">查看: 3062 | 回复: {len(posts) - 1}</div>
{''.join(posts)}
<div id="f_pst">您需要登录后才可以回帖 登录 | 立即注册</div>
<div class="qr">扫一扫关注公众号，了解江城新鲜事</div></div>"""
    return luntan_page(a["title"], main)


def luntan_list(page: int) -> str:
    threads = site_articles("luntan")
    chunk = threads[page:page + 1] if page < len(threads) else []
    rows = "".join(f'<tr><th><a href="{article_path(a)}" class="s xst">{escape(a["title"])}</a></th>'
                   f'<td class="by">{escape(a["author"])} {a["date"][:10]}</td></tr>' for a in chunk)
    nav = f'<a href="/luntan/forum-2-{page + 2}.html" class="nxt">下一页</a>' if page + 1 < len(threads) else ""
    return luntan_page("江城杂谈", f'<table id="threadlisttableid">{rows}</table><div class="pg">{nav}</div>')


# ------------------------------------------------------------------------------- kuaizhao (snapshot)


def kuaizhao_article(a: dict) -> str:
    more = "".join(f'<li><a href="#">{escape(t)}</a><p>{escape(t)}，详情请见原文。</p><span>{d}</span></li>'
                   for t, d in HOT_NEWS)
    body = [a["lead"] + "　" + a["body"][0], *a["body"][1:], a["footer"]]
    paras = "\n".join(f"<p>{escape(p)}</p>" for p in body)
    original = BY_ID[a["original"]]
    main = f"""<div class="sub">• 我的订阅　• 国内</div>
<h1>{escape(a['title'])}</h1>
<div class="meta">类别：国内　发布时间：{a['date']}:00　来源：{escape(a['outlet'])}</div>
<div class="snap">{paras}</div>
<div class="notice"><p>本页是资讯快照：程序自动抓取并保存了原网页的文字，文责归原发布单位，观点与本站无关。</p>
<p>快照生成时间：{a['date']}:30</p><p>信息原文地址：<a href="{article_path(original)}">{article_path(original)}</a></p></div>
<div class="more"><h3>更多关于国内的资讯：</h3><ul>{more}</ul></div>"""
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(a['title'])} - 资讯快照</title></head>
<body>{main}<div class="foot">资讯快照为非营利公共服务，如有侵权请联系删除。</div></body></html>"""


def kuaizhao_list() -> str:
    lis = "".join(f'<li><a href="{article_path(a)}">{escape(a["title"])}</a> {a["date"]}</li>'
                  for a in site_articles("kuaizhao"))
    return f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>资讯快照</title></head><body><ul>{lis}</ul></body></html>'


# ------------------------------------------------------------------------------- difang (no rules: discovery)

DIFANG_BY_PATH = {a["path"]: a for a in DIFANG}
DIFANG_ZT = "/difang/zt/2024/0620/100001.html"


def _difang_by_id(*ids: str) -> list[dict]:
    return [a for i in ids for a in DIFANG if a["id"] == i]


def difang_page(title: str, main: str) -> str:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(title)} - 云溪县融媒体中心</title>
<link rel="alternate" type="application/rss+xml" title="云溪新闻" href="/difang/rss.xml">
<link rel="stylesheet" href="/difang/static/site.css"></head>
<body><div class="header"><span class="logo">云溪县融媒体中心（演示）</span>
<ul class="nav"><li><a href="/difang/">首页</a></li><li><a href="/difang/news/">云溪新闻</a></li>
<li><a href="/difang/about.html">关于我们</a></li><li><a href="/difang/login.html">登录</a></li></ul></div>
{main}
<div class="footer">云溪县融媒体中心 版权所有 浙ICP备00000000号-2 <a href="/difang/about.html">联系我们</a></div></body></html>"""


def _difang_items(articles: list[dict]) -> str:
    return "".join(f'<li><a href="{a["path"]}">{escape(a["title"])}</a><span class="date">{a["date"][:10]}</span></li>'
                   for a in articles)


def difang_home() -> str:
    lead = _difang_by_id("d501", "d504")
    main = f"""<div class="focus"><h2>要闻</h2><ul>{_difang_items(lead)}</ul>
<p class="zt"><a href="{DIFANG_ZT}">专题：乡镇考核减负进行时</a></p>
<p><a href="/difang/news/">更多</a></p></div>
<div class="notice"><h3>便民服务</h3><a href="/difang/about.html">办事指南</a> <a href="/difang/login.html">网上办事</a></div>"""
    return difang_page("首页", main)


def difang_list(page: int) -> str:
    pages = [_difang_by_id("d501", "d504"), _difang_by_id("d503")]
    nav = '<a href="/difang/news/index_2.html">下一页</a>' if page == 0 else '<a href="/difang/news/">上一页</a>'
    main = f'<div class="list"><h2>云溪新闻</h2><ul>{_difang_items(pages[page])}</ul><div class="pager">{nav}</div></div>'
    return difang_page("云溪新闻", main)


def difang_zt() -> str:
    main = f"""<div class="zt-head"><h1>乡镇考核减负进行时</h1></div>
<div class="list"><ul>{_difang_items(_difang_by_id("d505", "d501", "d504"))}</ul></div>"""
    return difang_page("专题", main)


def difang_article(a: dict) -> str:
    more = _difang_items([b for b in DIFANG if b["id"] != a["id"]][:3])
    main = f"""<div class="crumb">当前位置：<a href="/difang/">首页</a> &gt; <a href="/difang/news/">云溪新闻</a></div>
<div class="article-main"><h1>{escape(a['title'])}</h1>
<p class="meta">发布时间：{a['date']}　来源：{escape(a['outlet'])}{'　记者：' + escape(a['author']) if a['author'] else ''}</p>
<div class="article-content">{_paras(a)}</div></div>
<div class="side"><h3>推荐阅读</h3><ul>{more}</ul></div>"""
    return difang_page(a["title"], main)


def difang_about() -> str:
    return difang_page("关于我们", '<div class="about"><h2>关于我们</h2><p>云溪县融媒体中心（演示站点）。</p></div>')


def difang_rss(base: str) -> str:
    items = "".join(f"<item><title>{escape(a['title'])}</title><link>{base}{a['path']}</link>"
                    f"<pubDate>{a['date']}</pubDate></item>" for a in _difang_by_id("d501", "d504"))
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>云溪新闻</title>'
            f"<link>{base}/difang/</link>{items}</channel></rss>")


def difang_news_sitemap(base: str) -> str:
    """A Google News sitemap, named only in robots.txt."""
    urls = "".join(f"<url><loc>{base}{a['path']}</loc><news:news><news:publication><news:name>云溪县融媒体中心"
                   f"</news:name><news:language>zh</news:language></news:publication>"
                   f"<news:publication_date>{a['date'][:10]}</news:publication_date>"
                   f"<news:title>{escape(a['title'])}</news:title></news:news></url>"
                   for a in _difang_by_id("d501", "d502"))
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>')


def _difang_route(path: str, base: str) -> tuple[int, str, str] | None:
    if path in DIFANG_BY_PATH:
        return 200, difang_article(DIFANG_BY_PATH[path]), "text/html"
    pages = {
        "/difang/": difang_home, "/difang/index.html": difang_home,
        "/difang/news/": lambda: difang_list(0), "/difang/news/index.html": lambda: difang_list(0),
        "/difang/news/index_2.html": lambda: difang_list(1),
        DIFANG_ZT: difang_zt, "/difang/about.html": difang_about,
    }
    if path in pages:
        return 200, pages[path](), "text/html"
    if path == "/difang/rss.xml":
        return 200, difang_rss(base), "application/xml"
    if path == "/difang/news-sitemap.xml":
        return 200, difang_news_sitemap(base), "application/xml"
    return None


# ------------------------------------------------------------------------------- routing

RENDER = {"xinwen": xinwen_article, "zhengfu": zhengfu_article, "luntan": luntan_thread, "kuaizhao": kuaizhao_article}
ARTICLE_AT = {article_path(a): a for a in ALL}


def robots_txt(base: str = "http://127.0.0.1:8765") -> str:
    return ("User-agent: *\n" + "".join(f"Disallow: {p}\n" for p in ROBOTS_DISALLOWED) + "Allow: /\n"
            f"Sitemap: {base}/difang/news-sitemap.xml\n")


def unreadable_article(a: dict) -> str:
    """The article in a new, script-rendered template: the text is only in a JSON blob.

    What a site switching to a client-side app looks like to a crawler: the extractor finds no
    article text (the site-health check must notice).
    """
    data = json.dumps({"title": a["title"], "paragraphs": a["body"]}, ensure_ascii=True)
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{escape(a['title'])}</title></head>"
            f"<body><div id=\"app\"></div><noscript>请开启浏览器的脚本功能</noscript>"
            f"<script>window.__ARTICLE__ = {data};</script><script src=\"/static/app.js\"></script></body></html>")


def route(path: str, base: str, withheld: frozenset = frozenset()) -> tuple[int, str, str] | None:
    """(status, text, content type) for a path, or None for 404. Text is encoded by the server.

    `withheld`: article paths to leave out of every list, feed and sitemap of this response.
    """
    token = _withheld.set(frozenset(withheld))
    try:
        return _route(path, base)
    finally:
        _withheld.reset(token)


def _route(path: str, base: str) -> tuple[int, str, str] | None:
    kind = BROKEN.get(path)
    if kind == "http_404":
        return None
    if kind == "http_500":
        return 500, "<html><body><h1>500 Internal Server Error</h1></body></html>", "text/html"
    if kind == "empty_body":
        return 200, "", "text/html"
    if path == "/robots.txt":
        return 200, robots_txt(base), "text/plain"
    if path.startswith("/difang/"):
        return _difang_route(path, base)
    if path in ARTICLE_AT:
        a = ARTICLE_AT[path]
        return 200, RENDER[a["site"]](a), "text/html"
    if path in ROBOTS_DISALLOWED:
        return 200, xinwen_page("内部稿件", "<h1>内部稿件</h1><p>此页面不应被抓取。</p>"), "text/html"
    lists = {
        "/xinwen/rss.xml": lambda: xinwen_rss().replace("http://127.0.0.1:8765", base),
        "/zhengfu/sitemap.xml": lambda: zhengfu_sitemap_index(base),
        "/zhengfu/sitemap_2024.xml": lambda: zhengfu_sitemap(base),
        "/kuaizhao/index.html": kuaizhao_list,
    }
    if path in lists:
        return 200, lists[path](), "application/xml" if path.endswith(".xml") else "text/html"
    for prefix, fn in (("/xinwen/list/index", xinwen_list), ("/zhengfu/zwdt/index", zhengfu_list)):
        if path.startswith(prefix) and path.endswith(".html"):
            num = path[len(prefix):-len(".html")].lstrip("_")
            if num == "" or num.isdigit():
                page = int(num or 0)
                html = fn(page)
                return 200, html, "text/html"
    if path.startswith("/luntan/forum-2-") and path.endswith(".html"):
        num = path[len("/luntan/forum-2-"):-len(".html")]
        if num.isdigit() and int(num) >= 1:
            return 200, luntan_list(int(num) - 1), "text/html"
    return None


def manifest() -> dict:
    """What the demo web holds, for tests and `make demo` readers: the ground truth of the crawl."""
    return {
        "articles": [
            {"path": article_path(a), "id": a["id"], "site": a["site"], "title": a["title"], "date": a["date"],
             "outlet": a["outlet"] or None, "is_burden_reduction": a["label"], "sense": a.get("sense"),
             "topics": a["topics"], "gbk": a["site"] == "zhengfu", "body": a["body"],
             "reprint_of": article_path(BY_ID[a["original"]]) if "original" in a else None}
            for a in ALL
        ],
        "boilerplate": [t for t, _ in HOT_NEWS] + ["扫一扫", "ICP", "立即注册", "请先登录", "相关新闻", "快照生成时间", "责任编辑", "本文转自", "支持 反对"],
        "lookalikes": [("/zhengfu/system/2024/06/20/030007.shtml", "/zhengfu/system/2024/09/25/030008.shtml")],
        "tracking_urls": {"/xinwen/2024/0510/xw102.html?utm_source=rss&utm_medium=feed&spm=c1.d2":
                          "/xinwen/2024/0510/xw102.html"},
        "broken": BROKEN,
        "robots_disallowed": ROBOTS_DISALLOWED,
        "gb18030_page": {"path": "/zhengfu/system/2024/04/26/030001.shtml", "char": "䶮"},
        # The site with no rules (seeds/demo-discovery.toml): found by discovery alone.
        "discovery": {
            "site": "difang", "home": "/difang/",
            "articles": [{"path": a["path"], "id": a["id"], "title": a["title"], "date": a["date"],
                          "outlet": a["outlet"], "is_burden_reduction": a["label"], "body": a["body"]}
                         for a in DIFANG],
            "navigation": DIFANG_NAVIGATION,
        },
    }
