"""Punctuation in Chinese prose (GB/T 15834—2011 《标点符号用法》).

Half-width marks next to Chinese text, unpaired or badly nested paired marks,
doubled marks, and the brackets of a 文号.
"""
from __future__ import annotations

import regex

from ..diagnostics import Edit, Fix
from ..engine import Context, rule
from ..prose import blocks, inside, url_spans

_HALF = ",;:()?!"
_FULL = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "?": "？", "!": "！"}
_NAMES = {",": "逗号", ";": "分号", ":": "冒号", "(": "括号", ")": "括号", "?": "问号", "!": "叹号"}
# Chinese context: Han characters and full-width punctuation
_CJK = regex.compile(r"[\p{Han}\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\u2018-\u201d\u2026\u2014《》〈〉【】〔〕]")
_SPACE = " \t\u00a0"


def _neighbour(text: str, i: int, step: int) -> str:
    j = i + step
    while 0 <= j < len(text) and text[j] in _SPACE:
        j += step
    return text[j] if 0 <= j < len(text) else ""


def _is_cjk(ch: str) -> bool:
    return bool(ch) and bool(_CJK.match(ch))


def _half_pairs(text: str) -> dict[int, int]:
    """Matching ASCII parentheses (index of '(' -> index of ')'), nesting aware."""
    stack, pairs = [], {}
    for i, ch in enumerate(text):
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            pairs[stack.pop()] = i
    return pairs


@rule(
    "punctuation.halfwidth",
    severity="warning",
    summary="中文语句中使用了半角标点（, ; : ( ) ? !），应使用全角",
    wrong=["依据《中华人民共和国政府信息公开条例》(以下简称《条例》)第五十条规定，编制本报告。",
           "本报告所列数据的统计期限,自2020年1月1日起至2020年12月31日止。",
           "联系电话:010-85381234。"],
    right=["依据《中华人民共和国政府信息公开条例》（以下简称《条例》）第五十条规定，编制本报告。",
           "电子版可登录http://www.bjchy.gov.cn/index.html?id=1,2下载。",
           "全年受理申请14,069件，办理时间9:00至17:00。", "开通“Hello, World”栏目。"],
    fixable=True,
)
def halfwidth(ctx: Context):
    """检查内容：紧挨汉字或中文标点的半角逗号、分号、冒号、括号、问号、叹号。
    不检查网址、电子邮箱、数字之间（如“14,069”“9:00”）和英文词句中的半角标点。
    原因：GB/T 15834—2011 规定中文文本中的点号、括号占一个汉字位置（全角）；半角标点多为输入法切换遗漏。
    修复：换为对应的全角标点（安全修复）；成对的半角括号一起替换。"""
    for b in blocks(ctx.doc):
        text = b.text
        if not any(c in text for c in _HALF):
            continue
        urls = url_spans(text)
        pairs = _half_pairs(text)
        closing = {v: k for k, v in pairs.items()}
        done: set[int] = set()
        for i, ch in enumerate(text):
            if ch not in _HALF or i in done or inside(urls, i):
                continue
            prev, nxt = _neighbour(text, i, -1), _neighbour(text, i, 1)
            if ch in "()":
                o, c = (i, pairs.get(i)) if ch == "(" else (closing.get(i), i)
                if o is None or c is None:
                    if not (_is_cjk(prev) or _is_cjk(nxt)):
                        continue
                    s, e = b.doc_span(i, i + 1)
                    ctx.report(s, e, f"中文语句中使用了半角括号“{ch}”，应为全角“{_FULL[ch]}”", replacement=_FULL[ch])
                    continue
                if o > 0 and text[o - 1] == "]":
                    done.update((o, c))
                    continue  # a Markdown link: [文字](网址)
                inner = text[o + 1:c]
                around = _is_cjk(_neighbour(text, o, -1)) or _is_cjk(_neighbour(text, c, 1))
                if not (around or regex.search(r"\p{Han}", inner)):
                    continue
                if inside(urls, o) or inside(urls, c):
                    continue
                done.update((o, c))
                so, eo = b.doc_span(o, o + 1)
                sc, ec = b.doc_span(c, c + 1)
                ctx.report(so, ec, f"中文语句中使用了半角括号“({inner})”，应使用全角括号“（{inner}）”",
                           fix=Fix([Edit(so, eo, "（"), Edit(sc, ec, "）")], safe=True))
                continue
            if not (_is_cjk(prev) or _is_cjk(nxt)):
                continue
            if ch in ",:" and prev.isdigit() and nxt.isdigit():
                continue
            # replace the mark and the spaces a PDF or a careless typist put after it
            j = i + 1
            while j < len(text) and text[j] in _SPACE and ch in ",;:?!":
                j += 1
            s, e = b.doc_span(i, j)
            ctx.report(s, e, f"中文语句中使用了半角{_NAMES[ch]}“{ch}”，应为全角“{_FULL[ch]}”", replacement=_FULL[ch])


_OPEN = {"《": "》", "〈": "〉", "“": "”", "‘": "’", "（": "）", "【": "】", "〔": "〕", "(": ")"}
_CLOSE = {v: k for k, v in _OPEN.items()}
_PAIR_NAME = {"《": "书名号", "〈": "书名号", "“": "引号", "‘": "引号", "（": "括号", "(": "括号", "【": "方头括号",
              "〔": "六角括号"}


def _same(a: str, b: str) -> bool:
    """'(' and '（' count as the same bracket (mixed widths are reported by halfwidth)."""
    norm = {"(": "（", ")": "）"}
    return norm.get(a, a) == norm.get(b, b)


@rule(
    "punctuation.unpaired",
    severity="warning",
    summary="成对标点（《》“”‘’（））缺一半或嵌套错误",
    wrong=["认真贯彻落实《中华人民共和国政府信息公开条例，规范依申请公开工作。",
           "开设“政策解读专栏，集中发布政策解读信息。",
           "依据《国务院办公厅关于印发“政府信息公开信息处理费管理办法》的通知”执行。"],
    right=["认真贯彻落实《中华人民共和国政府信息公开条例》，规范依申请公开工作。",
           "电子版可登录“朝阳区政府门户网站（“北京·朝阳”）http://www.bjchy.gov.cn/”下载查阅。",
           "依据《国务院办公厅关于印发〈政府信息公开信息处理费管理办法〉的通知》执行。"],
)
def unpaired(ctx: Context):
    """检查内容：同一段落中书名号、引号、括号等成对标点只出现一半，或交叉嵌套（如《…“…》…”）。
    单引号“’”夹在英文字母之间（英文撇号）不算。
    原因：GB/T 15834—2011 第4.8、4.15条：成对标点须配对并正确嵌套；缺一半多为删改时遗漏。
    修复：补全或调整标点，无法自动修复。"""
    for b in blocks(ctx.doc):
        text = b.text
        if not any(c in _OPEN or c in _CLOSE for c in text):
            continue
        urls = url_spans(text)  # sorted, non-overlapping
        stack: list[int] = []
        u = 0
        for i, ch in enumerate(text):
            if ch not in _OPEN and ch not in _CLOSE:
                continue
            # inside(urls, i), walking the sorted spans once (linear on a megabyte paragraph)
            while u < len(urls) and urls[u][1] <= i:
                u += 1
            if u < len(urls) and urls[u][0] <= i:
                continue
            if ch == "’" and 0 < i < len(text) - 1 and text[i - 1].isascii() and text[i - 1].isalpha():
                continue  # English apostrophe
            if ch in _OPEN:
                stack.append(i)
            elif ch in _CLOSE:
                want = _CLOSE[ch]
                if stack and _same(text[stack[-1]], want):
                    stack.pop()
                    continue
                # a closer whose opener is deeper in the stack: crossed nesting
                depth = next((k for k in range(len(stack) - 1, -1, -1) if _same(text[stack[k]], want)), None)
                if depth is not None:
                    inner = stack[depth + 1:]
                    o = inner[-1]
                    s, e = b.doc_span(o, i + 1)
                    ctx.report(s, e, f"标点嵌套错误：“{text[o]}”在“{ch}”之前没有配对的“{_OPEN[text[o]]}”，"
                                     f"成对标点应完整嵌套")
                    del stack[depth:]
                    continue
                if ch == ")":
                    continue  # a lone half-width bracket: "1)" list items, English runs
                s, e = b.doc_span(i, i + 1)
                ctx.report(s, e, f"“{ch}”没有对应的“{want}”（{_PAIR_NAME.get(want, '成对标点')}不完整）")
        for o in stack:
            if text[o] == "(":
                continue
            s, e = b.doc_span(o, o + 1)
            ctx.report(s, e, f"“{text[o]}”没有对应的“{_OPEN[text[o]]}”（{_PAIR_NAME.get(text[o], '成对标点')}不完整）")


_DOUBLED = regex.compile(r"([，。、；：！？])(?:[ \t\u3000]*)([，。、；：])")


@rule(
    "punctuation.doubled",
    severity="warning",
    summary="标点重复或连用，如“。。”“，，”“，。”",
    wrong=["全年共受理申请6件。。", "主动公开政府信息265条，，全文电子化率达100%。", "按时答复，。"],
    right=["全年共受理申请6件。", "主要表现如下：一是……二是……", "他说：“好。”"],
    fixable=True,
)
def doubled(ctx: Context):
    """检查内容：两个点号紧挨出现（“。。”“，，”“，。”“、、”等）；省略号“……”和破折号“——”不算。
    原因：GB/T 15834—2011：同一位置只用一个点号；重复多为删改时遗留。
    修复：相同标点重复的，删去一个（安全修复）；不同标点连用的，需人工判断保留哪个。"""
    for b in blocks(ctx.doc):
        for m in _DOUBLED.finditer(b.text):
            a, c = m.group(1), m.group(2)
            s, e = b.doc_span(m.start(), m.end())
            if a == c:
                ctx.report(s, e, f"标点“{a}”重复，应只保留一个", replacement=a)
            else:
                ctx.report(s, e, f"标点“{a}{c}”连用，应只保留一个")


_WENHAO = regex.compile(r"(?<=\p{Han})([\[【(（［])\s*((?:19|20)\d{2})\s*([\]】)）］])\s*(?=第?\s*\d{1,4}\s*号)")


@rule(
    "punctuation.wenhao",
    severity="warning",
    summary="文号中的年份应使用六角括号〔〕，如“国办公开办函〔2021〕30号”",
    wrong=["依据国办公开办函[2021]30号文件要求编制本报告。", "按照国办公开办函（2019）60号要求。",
           "根据京政办发【2020】12号文件。"],
    right=["依据国办公开办函〔2021〕30号文件要求编制本报告。", "（2021）京0105行初123号行政诉讼案件尚未审结。",
           "共收到申请（2021年）30件。"],
    fixable=True,
)
def wenhao(ctx: Context):
    """检查内容：文号（发文机关代字＋年份＋序号）中年份两侧用了方括号、圆括号或方头括号。
    原因：GB/T 9704—2012《党政机关公文格式》第7.2.5条：年份用六角括号“〔〕”括入。
    修复：改为“〔YYYY〕”（安全修复）。"""
    for b in blocks(ctx.doc):
        for m in _WENHAO.finditer(b.text):
            s, e = b.doc_span(m.start(1), m.end(3))
            ctx.report(s, e, f"文号年份“{m.group(0).strip()}”应使用六角括号，写作“〔{m.group(2)}〕”",
                       replacement=f"〔{m.group(2)}〕")


_BOOK_DUN = regex.compile(r"》、(?=《)|”、(?=“)")


@rule(
    "punctuation.book-title-dunhao",
    severity="info",
    summary="并列的书名号或引号之间通常不用顿号，如“《条例》、《规定》”",
    wrong=["认真落实《条例》、《规定》要求。", "开展“法治宣传”、“政策解读”活动。"],
    right=["认真落实《条例》《规定》要求。", "开设“政策解读”（含图解）、“互动交流”栏目。"],
    fixable=True,
)
def book_title_dunhao(ctx: Context):
    """检查内容：并列的书名号之间（“》、《”）或引号之间（“”、“”）的顿号。
    原因：GB/T 15834—2011 第4.5.3.5条：标有引号或书名号的并列成分之间通常不用顿号。
    修复：删去顿号（安全修复）。"""
    for b in blocks(ctx.doc):
        for m in _BOOK_DUN.finditer(b.text):
            s, e = b.doc_span(m.start() + 1, m.end())
            ctx.report(s, e, "并列的书名号或引号之间通常不用顿号", replacement="")
