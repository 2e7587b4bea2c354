"""The report against itself: who is reporting (unit kind, unit name) and for which year."""
from __future__ import annotations

import functools

import regex

from ..diagnostics import Related
from ..engine import Context, rule
from ..prose import blocks
from ..nlp import sentences
from ..resources import load_yaml

# self-references of one kind of department that another kind never uses of itself
_DEPT_SELF = {"局": ("我局", "本局"), "委": ("我委", "本委"), "厅": ("我厅", "本厅")}
_GOV_KINDS = {"乡", "镇", "街道", "县区政府", "市政府", "省政府"}


@functools.lru_cache(maxsize=1)
def _kinds() -> dict[str, dict]:
    return {k["kind"]: k for k in load_yaml("templates/unit-kinds.yaml")["kinds"]}


def _dept_letter(unit: str) -> str | None:
    for suf, letter in (("委员会", "委"), ("局", "局"), ("委", "委"), ("厅", "厅")):
        if unit.endswith(suf):
            return letter
    return None


def foreign_terms(unit: str, kind: str) -> list[str]:
    """Words that, used of itself, betray text written for another kind of unit."""
    spec = _kinds().get(kind) or {}
    terms = list(spec.get("foreign") or [])
    if kind == "部门":
        mine = _dept_letter(unit)
        if mine:
            terms += [w for letter, ws in _DEPT_SELF.items() if letter != mine for w in ws]
    elif kind in _GOV_KINDS:
        terms += [w for ws in _DEPT_SELF.values() for w in ws]
    # the unit's own words are never foreign (a 街道办事处 may say 办事处)
    own = set(spec.get("self") or [])
    if kind == "部门":
        own -= {w for ws in _DEPT_SELF.values() for w in ws}
    return sorted({t for t in terms if t not in own and t not in unit}, key=len, reverse=True)


# what may stand right before a bare “办事处”/“镇政府” used of the unit itself: a self-marker
# (本/我/全/该) or a function word (本年度办事处…, 提高了办事处…, 均为办事处村民, 网站办事处专栏);
# any other Chinese character is taken as the end of a name (某某街道办事处, 驻京办事处)
_SELF_LEFT = regex.compile(r"(?:[本我全该度了为在由对向将经是及与和的从把被给]|网站)$")


def _named(text: str, pos: int) -> bool:
    """True if the term at ``pos`` continues a name written before it."""
    before = text[max(0, pos - 2):pos]
    if not before or not regex.match(r"\p{Han}", before[-1]):
        return False
    return not _SELF_LEFT.search(before)


def _title_span(ctx: Context) -> tuple[int, int] | None:
    r = ctx.doc.report
    if r.title_start is not None and r.title_end is not None:
        return r.title_start, r.title_end
    return None


@rule(
    "consistency.unit-kind",
    severity="warning",
    summary="正文自称与标题中的单位类型不符，如乡政府报告中出现“办事处”“本街道”",
    wrong=["北京市朝阳区某某乡人民政府\n2020年政府信息公开工作年度报告\n公开栏的宣传阵地作用充分发挥，办事处22个基层单位进行公开公示。",
           "某某市教育局\n2020年政府信息公开工作年度报告\n我委高度重视政府信息公开工作。"],
    right=["北京市朝阳区某某乡人民政府\n2020年政府信息公开工作年度报告\n公开栏的宣传阵地作用充分发挥，全乡22个基层单位进行公开公示。",
           "北京市朝阳区某某街道办事处\n2020年政府信息公开工作年度报告\n办事处22个基层单位进行公开公示。",
           "北京市朝阳区某某乡人民政府\n2020年政府信息公开工作年度报告\n配合某某街道办事处开展联合执法信息公开。"],
)
def unit_kind(ctx: Context):
    """检查内容：标题中的单位类型（乡、镇、街道办事处、区县政府、局、委……，见 rules/templates/unit-kinds.yaml）
    与正文对自身的称呼是否一致：乡政府的报告中出现“办事处”“本街道”“全镇”，局的报告中出现“我委”等。
    “某某街道办事处”这类带名称的称呼指的是其他单位，不算。
    原因：自称与单位类型不符，几乎都是从其他单位的报告中复制而来，是年报评议中常被指出的问题。
    修复：改为本单位的称呼（如“本乡”“全乡”），无法自动修复。"""
    rep = ctx.doc.report
    if not rep.unit or not rep.unit_kind:
        return
    terms = foreign_terms(rep.unit, rep.unit_kind)
    if not terms:
        return
    rx = regex.compile("|".join(regex.escape(t) for t in terms))
    title = _title_span(ctx)
    for b in blocks(ctx.doc):
        for m in rx.finditer(b.text):
            w = m.group(0)
            if w[0] not in "本我全" and _named(b.text, m.start()):
                continue  # 某某街道办事处, 驻京办事处: a named unit, not a self-reference
            s, e = b.doc_span(m.start(), m.end())
            rel = [Related(f"标题中的单位为“{rep.unit}”", *title)] if title else []
            ctx.report(s, e, f"本报告是{rep.unit}的报告，正文却以“{w}”自称，疑为从其他单位的报告中复制，"
                             f"请改为本单位的称呼", related=rel)


_SELF_NAMED = [
    regex.compile(r"本报告(?:是|系)?由(?P<u>[\p{Han}（）()]{3,30}?)(?:根据|依据|按照|依照|编制|制作|负责)"),
    regex.compile(r"(?:(?<=^)|(?<=[，。；：、“《\s])|(?<=本报告(?:是|为|系)))(?!本报告|本|我|该)(?P<u>[\p{Han}]{3,30}?)"
                  r"(?:\d{4}|[〇零一二三四五六七八九]{4})[ \t]*年度?政府信息公开(?:工作)?年度报告"),
]
_GENERIC_SUFFIX = regex.compile(r"(?:人民政府|政府|办事处|办公室|办公厅|委员会|管理委员会|管委会|局|委|办|厅|中心|党委)+$")


_LEAD_VERB = regex.compile(r"^.*?(?:公布|发布|公开|印发|编制|形成|制作|现将|特此|予以|报送|提交)")
_UNITISH = regex.compile(r"(?:乡|镇|街道|区|县|市|省|旗|州|盟|局|委员会|委|办公室|办|厅|政府|中心|办事处|管委会|院|所|站)$")


def _core(unit: str) -> str:
    return _GENERIC_SUFFIX.sub("", regex.sub(r"[^\p{Han}]", "", unit))


def _in_book_title(text: str, pos: int) -> bool:
    """Inside 《…》: the title of a document, not the reporting unit."""
    return text.rfind("《", 0, pos) > text.rfind("》", 0, pos)


def _same_unit(a: str, b: str) -> bool:
    ca, cb = _core(a), _core(b)
    if not ca or not cb:
        return True
    return ca in cb or cb in ca or ca in b or cb in a


@rule(
    "consistency.other-unit",
    severity="warning",
    summary="正文中说明本报告编制单位时写成了其他单位的名称",
    wrong=["北京市朝阳区某某乡人民政府\n2020年政府信息公开工作年度报告\n本报告由北京市朝阳区金盏乡人民政府根据《条例》要求编制。",
           "某某区人民政府\n2020年政府信息公开工作年度报告\n本报告是另一区人民政府2020年政府信息公开工作年度报告。"],
    right=["洪泽区人民政府\n2023年政府信息公开工作年度报告\n本报告由淮安市洪泽区人民政府办公室根据《条例》要求编制。",
           "淮安市人民政府\n2024年政府信息公开工作年度报告\n本报告由淮安市人民政府办公室根据《条例》规定编制。"],
)
def other_unit(ctx: Context):
    """检查内容：正文中说明报告身份的句子（“本报告由……编制”“……XXXX年政府信息公开工作年度报告”）中的单位名称
    与标题中的单位是否一致（本单位的办公室编制本单位的报告视为一致）。
    原因：套用其他单位的报告时，最容易漏改的就是这类说明句。
    修复：改为本单位名称，无法自动修复。"""
    rep = ctx.doc.report
    if not rep.unit:
        return
    title = _title_span(ctx)
    for b in blocks(ctx.doc):
        for rx in _SELF_NAMED:
            for m in rx.finditer(b.text):
                u = _LEAD_VERB.sub("", m.group("u")).lstrip("是系为即")
                if (len(u) < 3 or not _UNITISH.search(u) or regex.search(r"本|我|该|上述|此|关于|通知|各", u)
                        or _in_book_title(b.text, m.start("u")) or _same_unit(rep.unit, u)):
                    continue
                off = m.end("u") - len(u)
                s, e = b.doc_span(off, m.end("u"))
                rel = [Related(f"标题中的单位为“{rep.unit}”", *title)] if title else []
                ctx.report(s, e, f"此处的单位“{u}”与标题中的“{rep.unit}”不一致，疑为从其他单位的报告中复制",
                           related=rel)


_YEAR_PAREN = regex.compile(
    r"(?P<w>本年度|本年|今年|上年度|上一年度|上年|去年|下年度|下一年度|明年)[ \t]*[（(][ \t]*(?P<y>(?:19|20)\d{2})[ \t]*年?度?[ \t]*[）)]"
    r"|(?P<y>(?:19|20)\d{2})[ \t]*年度?[ \t]*[（(][ \t]*(?P<w>本年度|本年|今年|上年度|上一年度|上年|去年|下年度|下一年度|明年)[ \t]*[）)]"
    r"|(?P<w>本年度|今年)[ \t]*[即是为][ \t]*(?P<y>(?:19|20)\d{2})[ \t]*年")
_OFFSET = {"本年度": 0, "本年": 0, "今年": 0, "上年度": -1, "上一年度": -1, "上年": -1, "去年": -1,
           "下年度": 1, "下一年度": 1, "明年": 1}
_DONE_VERB = regex.compile(
    r"(?<![\d.])(?P<y>(?:19|20)\d{2})[ \t]*年度?[ \t]*[，,]?[ \t]*(?:本单位|我单位|本机关|我乡|我镇|我街道|我区|我县|我市|我局|我委|全年)?"
    r"[ \t]*(?:共|累计)?[ \t]*(?:收到|受理|新收|办结|主动公开|公开政府信息|发布政府信息|收到和处理)")
_COMPARE = regex.compile(r"上年|去年|同比|较|相比|比上|增长|下降|减少|增加|结转|持平|截至|截止|以来|期间|分别|本年|今年|当年")


@rule(
    "consistency.year",
    severity="warning",
    summary="正文中的“本年度/今年”等所指年份与报告年度不符",
    wrong=["某某乡人民政府\n2020年政府信息公开工作年度报告\n本年度（2019年）共收到政府信息公开申请6件。",
           "某某乡人民政府\n2020年政府信息公开工作年度报告\n本单位2019年度共收到政府信息公开申请6件，全部按时答复。"],
    right=["某某乡人民政府\n2020年政府信息公开工作年度报告\n本年度（2020年）共收到政府信息公开申请6件。",
           "某某乡人民政府\n2020年政府信息公开工作年度报告\n2021年，我乡将继续深入推进政府信息公开。",
           "某某乡人民政府\n2020年政府信息公开工作年度报告\n2020年共收到申请6件，2019年共收到申请4件，同比增长50%。"],
)
def year(ctx: Context):
    """检查内容：①“本年度（2019年）”“上年度（2018年）”一类写明年份的说法与报告年度（标题中的年份）不符；
    ②说明本年度工作量的句子（“2019年度共收到政府信息公开申请……”“2019年主动公开……”）用了往年年份，
    而同一句中没有“同比、较上年、结转”等比较的说法。对下一年的计划（“2021年，我乡将……”）不检查。
    原因：套用上年报告时只改了标题年份，正文年份漏改，是常见的“照抄上年”痕迹。
    修复：核对后改为报告年度，无法自动修复。"""
    y = ctx.doc.report.year
    if not y:
        return
    title = _title_span(ctx)
    rel = [Related(f"标题中的报告年度为{y}年", *title)] if title else []
    for b in blocks(ctx.doc):
        for m in _YEAR_PAREN.finditer(b.text):
            w, yy = m.group("w"), int(m.group("y"))
            want = y + _OFFSET[w]
            if yy != want:
                s, e = b.doc_span(m.start(), m.end())
                ctx.report(s, e, f"“{w}”应指{want}年（报告年度为{y}年），文中写作{yy}年", related=rel)
        for s0, e0 in sentences(b.text):
            sent = b.text[s0:e0]
            m = _DONE_VERB.search(sent)
            if not m:
                continue
            yy = int(m.group("y"))
            if yy >= y or yy < y - 3:
                continue
            if _COMPARE.search(sent) or regex.search(rf"{y}[ \t]*年", sent):
                continue
            s, e = b.doc_span(s0 + m.start("y"), s0 + m.end("y"))
            ctx.report(s, e, f"本报告是{y}年度报告，此处说明本年工作情况却写作“{yy}年”，疑为套用往年报告未改",
                       related=rel)
