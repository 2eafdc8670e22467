"""A generated local news web for bench/crawl.py: portal pages with boilerplate, GBK and UTF-8.

Every sentence is built here from templates and word lists written for this benchmark (no text
is copied from anywhere). Four sites with their own templates (navigation bars, breadcrumbs, a
"相关新闻" list, a ranking sidebar, share bar, footer with filing numbers), two of them in GBK;
about 40 % of the articles are about cutting the burden on grassroots cadres, the others about
other local news; one article in ten is a reprint of another site's (its own lead, a 来源 line,
an editor footer), so the near-duplicate index has work to do. A site lists its articles in a
sitemap.xml; robots.txt allows everything. `serve(pages, port)` serves the pages from memory.
"""

from __future__ import annotations

import functools
import random
import re
from pathlib import Path
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SITES = [  # name, display name, encoding, path template
    ("xwzx", "新闻在线", "utf-8", "/xwzx/{y}/{md}/c{n}.html"),
    ("zwgk", "政务公开网", "gbk", "/zwgk/art/{y}/{md}/art_{n}.html"),
    ("rbw", "日报网", "utf-8", "/rbw/content/{y}-{md}/{n}.htm"),
    ("xcb", "乡村报", "gbk", "/xcb/news/{y}{md}/t{n}.shtml"),
]

PLACES = ["临沧市耿马县", "湖北省恩施州", "浙江省湖州市", "四川省凉山州", "河南省信阳市", "甘肃省定西市", "广西壮族自治区百色市",
          "江西省赣州市", "山东省临沂市", "贵州省遵义市", "云南省大理州", "陕西省延安市", "湖南省湘西州", "福建省宁德市",
          "安徽省六安市", "河北省保定市", "吉林省延边州", "青海省海东市", "内蒙古赤峰市", "黑龙江省绥化市"]
TOWNS = ["城关镇", "新华乡", "石桥镇", "东山街道", "河口乡", "白马镇", "清水镇", "龙泉街道", "柳林乡", "红旗镇"]
DEPTS = ["县委办公室", "市委组织部", "县政府办", "纪委监委", "县农业农村局", "市住建局", "县教育局", "市场监管局", "县应急管理局"]
PEOPLE = ["张明", "李华", "王建国", "刘芳", "陈静", "杨帆", "赵磊", "黄海", "周敏", "吴涛"]

BURDEN = [
    "{town}党委书记说，过去每月要填二十多张表格，很多数据重复上报，现在统一由县里的数据平台共享，基层干部腾出了更多时间走村入户。",
    "{dept}对各类督查检查考核事项进行清理，合并同类事项{k}项，取消不必要的台账和痕迹材料。",
    "今年以来，{place}精简会议{k}个、压减发文{k2}件，会议文件数量同比下降{p}%。",
    "针对政务APP和工作群过多的问题，当地关停整合政务应用程序{k}个，规定工作群不再要求“打卡”“晒照片”。",
    "村干部告诉记者，挂在村委会墙上的各种牌子从{k2}块减到{k}块，“现在可以把精力放在为群众办实事上”。",
    "{dept}负责人表示，将持续整治形式主义为基层减负，坚决防止层层加码、变相增加基层负担。",
    "据了解，{place}建立基层减负观测点{k}个，定期收集基层干部反映的问题，形成问题清单逐项整改。",
    "在{town}便民服务中心，工作人员不再需要为迎检准备厚厚的材料，窗口办件时间平均缩短了{p}%。",
    "有基层干部坦言，以前一项工作要拍照留痕、填报多个系统，如今“一表通”让同一数据只报一次。",
    "{place}明确规定，未经批准不得要求乡镇（街道）开展属地责任以外的事项，严禁随意向基层摊派任务。",
]
OTHER = [
    "{place}今年新建高标准农田{k}万亩，推广水肥一体化技术，粮食产量预计增长{p}%。",
    "{town}的特色民宿已发展到{k2}家，节假日期间游客接待量同比增长{p}%，带动周边农户增收。",
    "{dept}组织开展安全生产大检查，排查整改隐患{k2}处，确保人民群众生命财产安全。",
    "当地投资{k}亿元建设的快速通道已完成路基工程，预计明年底建成通车，届时到市区只需{k}十分钟。",
    "{place}新增学位{k2}个，新建改扩建中小学校{k}所，义务教育阶段大班额问题基本消除。",
    "在{town}的产业园区，一批新能源项目陆续投产，全年预计实现产值{k}亿元。",
    "{dept}开展“送医下乡”活动，为{k2}名老人进行免费体检，并建立健康档案。",
    "今年前三季度，{place}地区生产总值同比增长{p}%，规模以上工业增加值增长{k}%。",
    "市民{person}说，小区改造后加装了电梯、修好了道路，“住得更舒心了”。",
    "{place}持续推进河湖长制，全年巡河{k2}次，水质优良比例提高到{p}%。",
]
TITLES_BURDEN = ["{place}：为基层松绑减负 让干部把精力用在抓落实上", "{place}精简会议文件 基层干部有了更多时间办实事",
                 "{town}：告别“表哥表姐” 一表通减轻填报负担", "{place}整治形式主义 清理督查检查考核事项",
                 "{dept}：持续为基层减负 防止层层加码"]
TITLES_OTHER = ["{place}推进高标准农田建设", "{town}特色民宿带动农户增收", "{place}前三季度经济运行稳中有进",
                "{dept}开展安全生产大检查", "{place}新增义务教育学位{k2}个"]
NAV = ["首页", "时政", "要闻", "地方", "政务", "经济", "社会", "文化", "教育", "健康", "图片", "视频", "专题", "评论", "理论", "党建"]
STYLE = "".join(f".box{i} ul li a{{color:#{i:03d}333;font-size:14px;line-height:28px;padding:0 {i}px}} " for i in range(60))
LINK_TITLES = ["我市召开经济运行分析会", "全省秋粮收购工作有序开展", "一图读懂政府工作报告", "这个周末天气晴好适合出游",
               "多部门联合开展食品安全检查", "乡村振兴看这里", "新一批惠民实事项目公布", "网络安全宣传周启动",
               "高速公路服务区提档升级", "社区养老服务中心投入使用", "文化惠民演出走进乡村", "冬季供暖准备工作就绪"]


# Connective frames for sentences of ordinary news prose; the content words come from jieba's
# dictionary (the most frequent 2-4 character words), so two articles share vocabulary the way
# two real reports do, not whole sentences.
FRAMES = ["{place}{dept}围绕{w}{w}，{w}{w}和{w}{w}，推动{w}{w}取得新进展。",
          "记者了解到，{town}把{w}{w}作为{w}的重点，{w}{w}{w}，群众{w}明显提升。",
          "“{w}{w}，{w}{w}。”{person}说，{w}{w}{w}还需要{w}{w}。",
          "据介绍，{place}今年{w}{w}{k2}个，{w}{w}同比增长{p}%，{w}{w}{w}。",
          "下一步，{dept}将进一步{w}{w}，{w}{w}{w}，确保{w}{w}落到实处。",
          "在{town}，{w}{w}的{w}已经{w}，{w}{w}{w}也在{w}{w}中。"]


@functools.lru_cache(maxsize=1)
def _words() -> list[str]:
    """The 10,000 most frequent 2-4 character Chinese words of jieba's dictionary."""
    import jieba

    path = Path(jieba.__file__).parent / "dict.txt"
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word, freq, *_ = line.split()
        if 2 <= len(word) <= 4 and all("\u4e00" <= ch <= "\u9fff" for ch in word):
            rows.append((int(freq), word))
    rows.sort(reverse=True)
    return [w for _, w in rows[:10000]]


def _fill(rnd: random.Random, template: str) -> str:
    if "{w}" in template:
        words = _words()
        template = re.sub(r"\{w\}", lambda _: rnd.choice(words), template)
    return template.format(place=rnd.choice(PLACES), town=rnd.choice(TOWNS), dept=rnd.choice(DEPTS),
                           person=rnd.choice(PEOPLE), k=rnd.randint(2, 9), k2=rnd.randint(11, 60),
                           p=rnd.randint(10, 45))


def article_text(rnd: random.Random, about_burden: bool) -> tuple[str, list[str]]:
    """A title and 14-26 paragraphs of 2-5 sentences."""
    pool = BURDEN if about_burden else OTHER
    title = _fill(rnd, rnd.choice(TITLES_BURDEN if about_burden else TITLES_OTHER))
    paragraphs = []
    for _ in range(rnd.randint(14, 26)):
        sentences = [_fill(rnd, rnd.choice(pool) if rnd.random() < 0.2 else rnd.choice(FRAMES))
                     for _ in range(rnd.randint(2, 5))]
        paragraphs.append("".join(sentences))
    lead = f"{rnd.choice(PLACES)}{rnd.randint(1, 12)}月{rnd.randint(1, 28)}日电（记者 {rnd.choice(PEOPLE)}）"
    paragraphs[0] = lead + paragraphs[0]
    return title, paragraphs


def _links(rnd: random.Random, base: str, n: int) -> str:
    return "".join(f'<li><a href="{base}/list/{rnd.randint(1, 999)}.html">{rnd.choice(LINK_TITLES)}</a>'
                   f'<span class="date">2024-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}</span></li>'
                   for _ in range(n))


def page_html(rnd: random.Random, site: tuple, title: str, paragraphs: list[str], date: str, source: str) -> str:
    name, display, encoding, _ = site
    base = f"/{name}"
    nav = "".join(f'<li><a href="{base}/{i}/index.html">{n}</a></li>' for i, n in enumerate(NAV))
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html><head><meta charset="{encoding}"><title>{title}_{display}</title>
<meta name="keywords" content="{display},新闻,{title[:8]}"><meta name="description" content="{paragraphs[0][:60]}">
<link rel="stylesheet" href="{base}/css/main.css"><style>{STYLE}</style><script src="{base}/js/jquery.min.js"></script>
<script>var _hmt = _hmt || []; (function() {{ var hm = document.createElement("script"); hm.src = "{base}/js/stat.js"; }})();</script>
</head><body>
<div class="topbar"><div class="w1200"><span>欢迎访问{display}！</span><a href="{base}/login.html">登录</a> | <a href="{base}/reg.html">注册</a>
<a href="{base}/app.html">客户端下载</a><a href="{base}/wap/">手机版</a><span class="weather">今日天气：晴 12~23℃</span></div></div>
<div class="header"><div class="logo"><a href="{base}/"><img src="{base}/img/logo.png" alt="{display}"></a></div>
<form class="search" action="{base}/search"><input name="q" placeholder="请输入关键词"><button>搜索</button></form></div>
<div class="nav"><ul>{nav}</ul></div>
<div class="crumb">当前位置：<a href="{base}/">首页</a> &gt; <a href="{base}/2/index.html">要闻</a> &gt; 正文</div>
<div class="main w1200"><div class="left">
<div class="article"><h1 class="title">{title}</h1>
<div class="info"><span class="time">{date} 09:{rnd.randint(10, 59)}</span><span class="source">来源：{source}</span>
<span class="author">作者：{rnd.choice(PEOPLE)}</span><span class="views">阅读：{rnd.randint(100, 9999)}</span>
<span class="font">字号：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a></span></div>
<div class="content" id="content">
{body}</div>
<div class="editor">（责任编辑：{rnd.choice(PEOPLE)}）</div>
<div class="share">分享到：<a href="#">微信</a><a href="#">微博</a><a href="#">QQ空间</a><a href="javascript:window.print()">打印本页</a><a href="javascript:window.close()">关闭窗口</a></div>
</div>
<div class="related"><h3>相关新闻</h3><ul>{_links(rnd, base, 10)}</ul></div>
<div class="comment"><h3>网友评论</h3><p>已有{rnd.randint(0, 99)}人参与评论</p><textarea placeholder="文明上网，理性发言"></textarea><button>发表评论</button></div>
</div><div class="right">
<div class="box"><h3>热点排行</h3><ol>{_links(rnd, base, 20)}</ol></div>
<div class="box"><h3>本周热评</h3><ol>{_links(rnd, base, 15)}</ol></div>
<div class="box"><h3>图片新闻</h3><ul>{_links(rnd, base, 8)}</ul></div>
<div class="box"><h3>专题推荐</h3><ul>{_links(rnd, base, 15)}</ul></div>
<div class="box"><h3>地方频道</h3><ul>{_links(rnd, base, 20)}</ul></div>
</div></div>
<div class="links"><h3>友情链接</h3>{"".join(f'<a href="http://www.example.com/{i}">{n}网</a>' for i, n in enumerate(NAV))}</div>
<div class="footer"><p><a href="{base}/about.html">关于我们</a> | <a href="{base}/contact.html">联系我们</a> | <a href="{base}/ad.html">广告服务</a> | <a href="{base}/law.html">法律声明</a> | <a href="{base}/map.html">网站地图</a></p>
<p>{display} 版权所有 未经书面授权禁止转载 违法和不良信息举报电话：0000-12345678</p>
<p>ICP备案号：示例ICP备{rnd.randint(10000000, 99999999)}号 公安机关备案号：{rnd.randint(10**13, 10**14 - 1)}</p></div>
</body></html>"""


def build(n_pages: int, seed: int = 2024) -> tuple[dict[str, tuple[bytes, str]], list[str], list[tuple]]:
    """(path -> (body, content type), article paths in order, the sites) for `n_pages` articles."""
    rnd = random.Random(seed)
    pages: dict[str, tuple[bytes, str]] = {}
    articles: list[str] = []
    texts: list[tuple[str, list[str], str]] = []
    per_site: dict[str, list[str]] = {s[0]: [] for s in SITES}
    for i in range(n_pages):
        site = SITES[i % len(SITES)]
        month, day = rnd.randint(1, 12), rnd.randint(1, 28)
        date = f"2024-{month:02d}-{day:02d}"
        if texts and rnd.random() < 0.1:  # a reprint of an earlier article of another site
            title, paragraphs, source = rnd.choice(texts)
            paragraphs = [f"{rnd.choice(PLACES)}讯 " + paragraphs[0][paragraphs[0].find("）") + 1:]] + paragraphs[1:]
            source = source if rnd.random() < 0.5 else site[1]
        else:
            title, paragraphs = article_text(rnd, rnd.random() < 0.4)
            source = site[1]
            texts.append((title, paragraphs, source))
        path = site[3].format(y=2024, md=f"{month:02d}{day:02d}", n=100000 + i)
        html = page_html(rnd, site, title, paragraphs, date, source)
        encoding = site[2]
        pages[path] = (html.encode(encoding, errors="xmlcharrefreplace"), f"text/html; charset={encoding}")
        articles.append(path)
        per_site[site[0]].append(path)
    for name, paths in per_site.items():
        urls = "".join(f"<url><loc>{{base}}{p}</loc></url>" for p in paths)
        pages[f"/{name}/sitemap.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
            .encode(), "application/xml")
    pages["/robots.txt"] = (b"User-agent: *\nAllow: /\n", "text/plain")
    return pages, articles, SITES


def seeds_toml(base: str) -> str:
    out = []
    for name, display, encoding, template in SITES:
        pattern = template.replace(".", r"\.").replace("{y}", r"\d{4}").replace("{md}", r"\d{4}").replace("{n}", r"\d+")
        out.append(f'[sites.{name}]\ndisplay_name = "{display}（基准）"\nregion = "全国"\n'
                   f'url_prefixes = ["{base}/{name}/"]\nsitemaps = ["{base}/{name}/sitemap.xml"]\n'
                   f"article_allow = ['{pattern}$']\n")
    return "\n".join(out)


def serve(pages: dict[str, tuple[bytes, str]], port: int, ready=None) -> None:
    """Serve `pages` on 127.0.0.1:`port` until killed (run in a child process)."""
    base_holder = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            path = self.path.split("?")[0]
            found = pages.get(path)
            if found is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            data, ctype = found
            if path.endswith("sitemap.xml"):
                data = data.replace(b"{base}", base_holder["base"].encode())
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    class Server(ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass  # a client closing its kept-alive connection at the end of a run

    httpd = Server(("127.0.0.1", port), Handler)
    httpd.daemon_threads = True
    base_holder["base"] = f"http://127.0.0.1:{httpd.server_address[1]}"
    if ready is not None:
        ready.put(httpd.server_address[1])
    httpd.serve_forever()
