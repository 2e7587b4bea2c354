"""Ordinals: the heading hierarchy 一、→（一）→1.→（1） and inline enumerations
(一是/二是…, 第一，/第二，…, 首先/其次, （1）/①).

Headings are heading paragraphs and prose paragraphs that begin with an ordinal
(“（一）主动公开情况。本年度……” is a run-in heading); a leading Markdown heading mark
(“### （一）”) is skipped. A level-2 list restarts under
each level-1 heading, a level-3 list under each level-2 heading, and so on. Inline
enumerations are read per paragraph; a paragraph that itself begins with an
ordinal (“二是人员素质需进一步提高。一是……二是……”) is an item of the list that
runs across paragraphs, and the list inside it restarts at 一是.

Level-1 headings (一、…六、) are the report's sections: their order and presence
belong to the structure rules; here they only delimit scopes and have their
punctuation checked. Sections 二、三、四 (the tables) are skipped.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass

import regex

from ..diagnostics import Related
from ..document import Paragraph
from ..engine import Context, rule
from ..prose import blocks, is_page_mark
from ..report.structure import md_heading_prefix

CN = "一二三四五六七八九十"
_CN_NUM = rf"[{CN}]{{1,3}}"
_HEAD = [
    (1, regex.compile(rf"^(?P<n>{_CN_NUM})(?P<p>[ \t]*[、.．，,：:]|[ \t]+)(?=\S)")),
    (2, regex.compile(rf"^(?P<o>[（(])(?P<n>{_CN_NUM})(?P<c>[）)])(?P<p>[ \t]*[、.．，,：:])?")),
    (3, regex.compile(r"^(?P<n>\d{1,2})(?P<p>[ \t]*[.．、，,](?!\d))")),
    (4, regex.compile(r"^(?P<o>[（(])(?P<n>\d{1,2})(?P<c>[）)])(?P<p>[ \t]*[、.．，,：:])?")),
]
_LEVEL_NAME = {1: "一、", 2: "（一）", 3: "1.", 4: "（1）"}
_TABLE_SECTIONS = {2, 3, 4}
_TABLEISH = regex.compile(r"(?:\d+[ \t]+){3,}\d+|^\S{0,30}[ \t]+\d+(?:\.\d+)?$")


def cn_value(s: str) -> int | None:
    vals = {c: i + 1 for i, c in enumerate(CN)}
    if not s or any(c not in vals for c in s):
        return None
    if len(s) == 1:
        return vals[s]
    if s[0] == "十" and len(s) == 2:
        return 10 + vals[s[1]]
    if len(s) == 2 and s[1] == "十":
        return vals[s[0]] * 10
    if len(s) == 3 and s[1] == "十":
        return vals[s[0]] * 10 + vals[s[2]]
    return None


def _num(s: str) -> int | None:
    return int(s) if s.isdigit() else cn_value(s)


def cn_label(n: int) -> str:
    if n <= 10:
        return CN[n - 1]
    if n < 20:
        return "十" + CN[n - 11]
    t, u = divmod(n, 10)
    return CN[t - 1] + "十" + (CN[u - 1] if u else "")


def _fmt(level: int, n: int) -> str:
    if level == 1:
        return f"{cn_label(n)}、"
    if level == 2:
        return f"（{cn_label(n)}）"
    if level == 3:
        return f"{n}."
    return f"（{n}）"


@dataclass
class HeadItem:
    level: int
    n: int
    start: int  # doc offset of the ordinal
    end: int  # doc offset after the ordinal (and its punctuation)
    para: Paragraph
    match: regex.Match  # on the paragraph text after ``off``
    off: int = 0  # length of a leading Markdown heading mark (``### ``)


def heading_items(doc) -> list[HeadItem | None]:
    """Ordinal-led headings and paragraphs in document order. ``None`` marks a boundary
    (a table, a table section) where lists cannot continue."""
    out: list[HeadItem | None] = []
    starts = {b.paragraphs[0].start for b in blocks(doc)}
    for p in doc.paragraphs:
        if p.kind in ("title",):
            continue
        if p.kind == "table":
            if out and out[-1] is not None:
                out.append(None)
            continue
        if p.kind == "prose" and p.start not in starts:
            continue  # a continuation line of a wrapped paragraph
        if is_page_mark(p.text) or _TABLEISH.search(p.text):
            continue
        off = md_heading_prefix(p.text)
        text = p.text[off:]
        for level, rx in _HEAD:
            m = rx.match(text)
            if not m:
                continue
            n = _num(m.group("n"))
            if n is None:
                break
            if level == 1 and ((p.kind == "prose" and not m.group("p").strip()) or text[m.end():m.end() + 1] in CN):
                break  # "一 …" in prose, "一、二季度…": not an ordinal
            if level == 3 and p.kind == "prose" and regex.match(r"^\d{1,2}[ \t]*[.．](?:\d|[ \t]*[%％年月日])", text):
                break  # 1.5%, a decimal
            out.append(HeadItem(level, n, p.start + off, p.start + off + m.end(), p, m, off))
            break
    return out


def _in_table_section(item: HeadItem) -> bool:
    return item.para.section in _TABLE_SECTIONS


@rule(
    "numbering.sequence",
    severity="warning",
    summary="标题序号不连续、重复或倒序，如“（一）”之后是“（三）”",
    wrong=["一、总体情况\n（一）主动公开情况\n本年度主动公开信息265条。\n（三）政府信息管理情况\n加强审核。",
           "五、存在的主要问题及改进情况\n1.主动公开条数不够。\n2.培训不足。\n2.队伍不稳定。"],
    right=["一、总体情况\n（一）主动公开情况\n本年度主动公开信息265条。\n（二）政府信息管理情况\n加强审核。",
           "一、总体情况\n（一）主动公开\n1.网站\n2.新媒体\n（二）依申请公开\n1.受理\n2.答复"],
)
def sequence(ctx: Context):
    """检查内容：同一上级标题下的“（一）（二）……”“1. 2. ……”“（1）（2）……”是否从一开始、依次递增，
    有无跳号、重号、倒序。下级序号在每个上级标题下重新编号；“一、二、……”一级标题即报告的六个部分，
    其顺序由结构规则检查。表格所在的第二至四部分不检查。
    原因：GB/T 9704—2012 第7.3.3条规定了层次序数的写法；跳号、重号多为增删段落后未重新编号。
    修复：重新编号，无法自动修复（后续序号可能都要改）。"""
    items = heading_items(ctx.doc)
    last: dict[int, HeadItem | None] = {}
    for idx, it in enumerate(items):
        if it is None:
            last = {k: v for k, v in last.items() if k == 1}
            continue
        for deeper in range(it.level + 1, 5):
            last.pop(deeper, None)
        prev = last.get(it.level)
        last[it.level] = it
        if it.level == 1 or _in_table_section(it):
            continue
        if prev is None:
            if it.n != 1 and it.n <= 10:
                # a list that does not start at one: only when the next sibling confirms it is a list
                nxt = next((x for x in items[idx + 1:] if x is None or x.level <= it.level), None)
                if nxt is not None and nxt.level == it.level and nxt.n == it.n + 1:
                    ctx.report(it.start, it.end,
                               f"序号“{_fmt(it.level, it.n)}”前缺少“{_fmt(it.level, 1)}”，同级序号应从“{_fmt(it.level, 1)}”开始")
            continue
        if prev.para.section != it.para.section and it.n == 1:
            continue
        rel = [Related(f"上一个同级序号“{_fmt(prev.level, prev.n)}”", prev.start, prev.end)]
        if it.n == prev.n + 1 or it.n == 1:
            continue
        if it.n == prev.n:
            ctx.report(it.start, it.end, f"序号“{_fmt(it.level, it.n)}”重复，应为“{_fmt(it.level, prev.n + 1)}”",
                       related=rel)
        elif it.n > prev.n + 1:
            missing = "”“".join(_fmt(it.level, k) for k in range(prev.n + 1, it.n))
            ctx.report(it.start, it.end,
                       f"序号不连续：“{_fmt(it.level, prev.n)}”之后是“{_fmt(it.level, it.n)}”，缺少“{missing}”",
                       related=rel)
        else:
            ctx.report(it.start, it.end,
                       f"序号顺序颠倒：“{_fmt(it.level, it.n)}”出现在“{_fmt(it.level, prev.n)}”之后，"
                       f"应为“{_fmt(it.level, prev.n + 1)}”", related=rel)


@rule(
    "numbering.level-skip",
    severity="info",
    summary="越级使用序号，如“一、”下直接用“1.”而没有“（一）”",
    wrong=["五、存在的主要问题及改进情况\n1.主动公开条数不够。\n2.培训不足。",
           "一、总体情况\n（一）主动公开\n（1）网站发布信息。\n（2）新媒体发布信息。"],
    right=["五、存在的主要问题及改进情况\n（一）主要问题\n1.主动公开条数不够。\n2.培训不足。",
           "一、总体情况\n（一）主动公开\n1.网站\n（1）首页\n（2）专栏"],
)
def level_skip(ctx: Context):
    """检查内容：某级序号的上一级在当前位置没有出现，如“一、”之下直接出现“1.”，“（一）”之下直接出现“（1）”。
    原因：GB/T 9704—2012 第7.3.3条：结构层次序数依次为“一、”“（一）”“1.”“（1）”；越级使用虽常见，
    但不合规范（提示级）。
    修复：补上缺少的层级或调整序号写法，无法自动修复。"""
    items = heading_items(ctx.doc)
    seen: dict[int, HeadItem] = {}
    reported: set[tuple] = set()
    for it in items:
        if it is None:
            seen = {k: v for k, v in seen.items() if k == 1}
            continue
        for deeper in range(it.level + 1, 5):
            seen.pop(deeper, None)
        seen[it.level] = it
        if it.level <= 2 or _in_table_section(it) or it.para.kind == "table":
            continue
        parent = it.level - 1
        if parent in seen:
            continue
        above = max((k for k in seen if k < it.level - 1), default=None)
        if above is None:
            continue
        key = (above, id(seen[above]), it.level)
        if key in reported:
            continue
        reported.add(key)
        ctx.report(it.start, it.end,
                   f"“{_fmt(above, seen[above].n)}”之下直接使用了“{_fmt(it.level, it.n)}”，"
                   f"按层次应先用“{_fmt(parent, 1)}”一级",
                   related=[Related("上级标题", seen[above].start, seen[above].end)])


_EXPECTED_PUNCT = {1: "、", 2: "", 3: ".", 4: ""}


@rule(
    "numbering.punctuation",
    severity="warning",
    summary="序号后的标点不规范，如“一.”“（一）、”“1、”“第一、”",
    wrong=["一.总体情况", "（一）、主动公开情况", "五、存在的主要问题及改进情况\n1、主动公开条数不够。",
           "(二)依申请公开情况", "第一、加强组织领导。第二、完善制度。"],
    right=["一、总体情况", "（一）主动公开情况", "1.主动公开条数不够。", "第一，加强组织领导。第二，完善制度。",
           "第一、二季度分别公开信息30条、45条。"],
    fixable=True,
)
def punctuation(ctx: Context):
    """检查内容：序号后的标点：“一”后用顿号（一、），“（一）”“（1）”后不加标点，“1”后用下脚点（1.），
    “第一”“首先”后用逗号（第一，）；“(一)”应使用全角括号“（一）”。表格中的序号不检查。
    原因：GB/T 15834—2011 第4.5.3.4条及附录、GB/T 9704—2012 第7.3.3条对序号后的标点有明确规定。
    修复：改为规范写法（安全修复）。"""
    for it in heading_items(ctx.doc):
        if it is None or _in_table_section(it):
            continue
        m = it.match
        p = (m.group("p") or "")
        pstrip = p.strip()
        base = it.para.start + it.off
        if it.level in (2, 4):
            o, c = m.group("o"), m.group("c")
            if o != "（" or c != "）":
                s, e = base + m.start("o"), base + m.end("c")
                ctx.report(s, e, f"序号“{o}{m.group('n')}{c}”应使用全角括号“（{m.group('n')}）”",
                           replacement=f"（{m.group('n')}）")
            if pstrip:
                s, e = base + m.start("p"), base + m.end("p")
                ctx.report(s, e, f"序号“（{m.group('n')}）”后不加标点，应删去“{pstrip}”", replacement="")
            continue
        want = _EXPECTED_PUNCT[it.level]
        if it.level == 1 and not pstrip:
            continue  # "一 总体情况": a space, leave it
        if it.level == 3 and pstrip in (".", "．"):
            continue
        if pstrip == want:
            continue
        s, e = base + m.start("p"), base + m.end("p")
        ctx.report(s, e, f"序号“{m.group('n')}”后应使用“{want}”，不用“{pstrip}”（应为“{m.group('n')}{want}”）",
                   replacement=want)
    for b in blocks(ctx.doc):
        if b.section in _TABLE_SECTIONS:
            continue
        for m in _DI_BAD.finditer(b.text):
            s, e = b.doc_span(m.start(2), m.end(2))
            ctx.report(s, e, f"“{m.group(1)}”后应使用逗号（“{m.group(1)}，”），不用顿号", replacement="，")


_DI_BAD = regex.compile(rf"(?:(?<=^)|(?<=[。；;！？\n]))[ \t]*(第{_CN_NUM}|首先|其次|再次)(、)(?![{CN}])")

# ---------------------------------------------------------------- inline enumerations

_LEAD = r"(?:(?<=^)|(?<=[。；;，,：:！？、“”（）()\s]))"
_INLINE = {
    "shi": (regex.compile(rf"{_LEAD}(?P<n>{_CN_NUM})是(?!否|非|不是)"), lambda n: f"{cn_label(n)}是"),
    "di": (regex.compile(rf"{_LEAD}第(?P<n>{_CN_NUM})(?=[，,：:])"), lambda n: f"第{cn_label(n)}"),
    "paren": (regex.compile(rf"{_LEAD}[（(](?P<n>\d{{1,2}})[）)](?![ \t]*[%％])"), lambda n: f"（{n}）"),
    "circle": (regex.compile(rf"(?P<n>[①②③④⑤⑥⑦⑧⑨⑩])"), lambda n: "①②③④⑤⑥⑦⑧⑨⑩"[n - 1]),
}


def _inline_value(kind: str, s: str) -> int | None:
    if kind == "circle":
        return "①②③④⑤⑥⑦⑧⑨⑩".index(s) + 1
    return _num(s)


@dataclass
class Mark:
    kind: str
    n: int
    s: int  # block offsets
    e: int


def _marks(text: str, kind: str) -> list[Mark]:
    rx, _ = _INLINE[kind]
    out = []
    for m in rx.finditer(text):
        n = _inline_value(kind, m.group("n"))
        if n is None or n > 20:
            continue
        out.append(Mark(kind, n, m.start(), m.end()))
    return out


@rule(
    "numbering.inline",
    severity="warning",
    summary="段内列举序号不连续，如“一是……三是……”缺少“二是”",
    wrong=["一是政府信息公开欠规范。三是报送表时出现迟报现象；四是校稿较慢。",
           "主要表现在：一是公开不及时；二是解读不到位；二是回应不充分。",
           "下一步，我们将：第一，加强培训；第三，完善制度。"],
    right=["一是政府信息公开欠规范。二是报送不及时；三是校稿较慢。",
           "一是政府信息公开欠规范。\n\n二是人员素质需进一步提高。一是科室配合不够紧密。二是人员更换频繁。三是把握不好。",
           "实现政务公开全覆盖是否到位。统一是关键。"],
)
def inline(ctx: Context):
    """检查内容：段落中的“一是、二是……”“第一，第二，……”“（1）（2）……”“①②……”是否依次递增，
    有无缺号、重号、倒序；以序号开头的段落（如“二是人员素质需进一步提高。”）属于跨段落的列举，
    段内另起的“一是……”视为下一层列举，重新从一开始。
    原因：列举序号缺号或重号多为删改内容后未调整序号，读者会以为漏掉了内容。
    修复：调整序号，无法自动修复。"""
    by_scope: dict = {}
    for b in blocks(ctx.doc):
        if b.section in _TABLE_SECTIONS:
            continue
        scope = by_scope.setdefault(_scope_key(ctx.doc, b), {})
        for kind in _INLINE:
            st = scope.setdefault(kind, {"last": None, "tail": None, "broken": False})
            ms = _marks(b.text, kind)
            if not ms:
                st["tail"] = None
                continue
            lead = ms[0] if ms[0].s == _lead_len(b.text) else None
            if lead is not None:
                # an item of the list that runs across paragraphs
                prev = st["last"] or st["tail"]
                if lead.n != 1 and not st["broken"]:
                    if prev is None:
                        _report_late_start(ctx, b, lead, kind)
                    else:
                        _check_step(ctx, prev[1].n, b, lead, kind, prev)
                rest = ms[1:]
                if rest and rest[0].n == 1:  # a nested list inside the item
                    st["broken"] = not _check_list(ctx, b, rest, kind)
                    st["last"] = (b, lead)
                else:
                    st["broken"] = not _check_list(ctx, b, ms, kind)
                    st["last"] = (b, ms[-1])
            else:
                tail = st["tail"]
                if ms[0].n != 1 and not (tail and ms[0].n == tail[1].n + 1):
                    _report_late_start(ctx, b, ms[0], kind)
                _check_list(ctx, b, ms, kind)
                st["broken"] = False
            st["tail"] = (b, ms[-1])


def _report_late_start(ctx, b, mark: Mark, kind: str) -> None:
    if kind not in ("shi", "di"):
        return
    name = _INLINE[kind][1]
    missing = "”“".join(name(k) for k in range(1, mark.n))
    s, e = b.doc_span(mark.s, mark.e)
    ctx.report(s, e, f"列举从“{name(mark.n)}”开始，前面没有“{missing}”")


def _scope_key(doc, b):
    """Blocks between two headings (or tables) share a scope."""
    cache = doc.__dict__.setdefault("_numbering_heads", {})
    key = (len(doc.paragraphs), len(doc.text))
    heads = cache.get(key)
    if heads is None:
        heads = cache[key] = [p.start for p in doc.paragraphs if p.kind in ("heading", "title", "table")]
    i = bisect.bisect_left(heads, b.start)
    return heads[i - 1] if i else -1


def _lead_len(text: str) -> int:
    m = regex.match(r"^[ \t\u3000]*", text)
    return m.end()


def _check_step(ctx, prev: int, b, mark: Mark, kind: str, prev_ref) -> None:
    name = _INLINE[kind][1]
    s, e = b.doc_span(mark.s, mark.e)
    pb, pm = prev_ref
    ps, pe = pb.doc_span(pm.s, pm.e)
    rel = [Related(f"上一个序号“{name(pm.n)}”", ps, pe)]
    if mark.n == prev + 1:
        return
    if mark.n == prev:
        ctx.report(s, e, f"列举序号“{name(mark.n)}”重复，应为“{name(prev + 1)}”", related=rel)
    elif mark.n > prev + 1:
        missing = "”“".join(name(k) for k in range(prev + 1, mark.n))
        ctx.report(s, e, f"列举序号不连续：“{name(prev)}”之后是“{name(mark.n)}”，缺少“{missing}”", related=rel)
    else:
        ctx.report(s, e, f"列举序号顺序颠倒：“{name(mark.n)}”出现在“{name(prev)}”之后，应为“{name(prev + 1)}”",
                   related=rel)


def _check_list(ctx, b, ms: list[Mark], kind: str) -> bool:
    """Check one list of marks in a block; a later 1 restarts the list. True if it was in order."""
    ok = True
    for a, c in zip(ms, ms[1:]):
        if c.n == a.n + 1 or c.n == 1:
            continue
        ok = False
        _check_step(ctx, a.n, b, c, kind, (b, a))
        break  # one finding per list: later numbers follow from the first slip
    return ok


@rule(
    "numbering.order-words",
    severity="warning",
    summary="“首先、其次、最后”顺序颠倒或重复",
    wrong=["其次，加强培训。首先，完善制度。", "首先，加强培训；首先，完善制度。"],
    right=["首先，加强培训。其次，完善制度。最后，强化考核。", "首先要提高认识。"],
)
def order_words(ctx: Context):
    """检查内容：同一段中作列举用的“首先，”“其次，”“再次，”“最后，”（后接逗号）顺序颠倒或重复。
    原因：列举顺序词用错，读者会误解条目之间的关系。
    修复：调整顺序词，无法自动修复。"""
    rank = {"首先": 1, "其次": 2, "再次": 3, "最后": 4}
    rx = regex.compile(rf"{_LEAD}(首先|其次|再次|最后)(?=[，,])")
    for b in blocks(ctx.doc):
        seen: list[tuple[str, int, int]] = []
        for m in rx.finditer(b.text):
            w = m.group(1)
            if seen:
                pw = seen[-1][0]
                bad = None
                if w == pw and w != "再次":
                    bad = f"“{w}，”重复出现"
                elif rank[w] < rank[pw]:
                    bad = f"“{w}，”出现在“{pw}，”之后，顺序颠倒"
                if bad:
                    s, e = b.doc_span(m.start(), m.end())
                    ps, pe = b.doc_span(seen[-1][1], seen[-1][2])
                    ctx.report(s, e, f"列举顺序词有误：{bad}", related=[Related(f"前面的“{pw}”", ps, pe)])
            seen.append((w, m.start(), m.end()))
