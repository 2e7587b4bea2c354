"""``table.*``: arithmetic (勾稽关系) and value format of the recognised tables.

The identities are data (``identities`` in ``rules/templates/*.yaml``); this
module evaluates them on ``doc.tables`` and reports each violated one at the
cell most likely to be wrong:

- by default the identity's own cell (the total it defines);
- but when one cell is involved in two or more violated identities, none of them
  holding, and every one of them would be repaired by the same value of that
  cell, that cell is blamed instead (a wrong 自然人 figure in row 一 breaks both
  the row's 总计 and the column's 一+二=（七）+四: the diagnostic points at it,
  not at the two totals).

Every diagnostic names the table, row and column in Chinese, gives the expected
and the found value, and relates the cells the expectation was computed from.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..diagnostics import Related
from ..document import Cell, Document, Table
from ..engine import rule
from ..report.templates import Identity, TableSpec, column_spec, load_template, templates

_EPS = 1e-6


@dataclass
class Instance:
    ident: Identity
    table: Table
    target: Cell
    terms: list[tuple[int, Cell]]
    where: str  # "“自然人”列" / "“一、本年新收…”行"

    @property
    def total(self) -> float:
        return sum(s * (c.value or 0) for s, c in self.terms)

    @property
    def ok(self) -> bool:
        v = self.target.value or 0
        if self.ident.kind == "le":
            return v <= self.total + _EPS
        return abs(v - self.total) < _EPS

    def cells(self) -> list[Cell]:
        return [self.target] + [c for _, c in self.terms]

    def fix_for(self, cell: Cell) -> float | None:
        """The value of ``cell`` that makes this (sum) identity hold."""
        if cell is self.target:
            return self.total
        for s, c in self.terms:
            if c is cell:
                rest = sum(s2 * (c2.value or 0) for s2, c2 in self.terms if c2 is not cell)
                return ((self.target.value or 0) - rest) / s
        return None


def _spec(t: Table) -> TableSpec | None:
    if t.template not in templates():
        return None
    return load_template(t.template).tables.get(t.name)


def _row_cells(t: Table, row: str, col: str, spec: TableSpec) -> list[Cell] | None:
    """The cells standing for ``row`` in column ``col``: the row itself, or for a
    group without a printed subtotal, all of its items. None when incomplete."""
    c = t.get(f"{t.name}/{row}/{col}")
    if c is not None:
        return [c]
    rs = spec.row(row)
    if rs is not None and rs.is_group:
        items = spec.group_items(row)
        cells = [t.get(f"{t.name}/{it.key}/{col}") for it in items]
        if cells and all(x is not None for x in cells):
            return cells
    return None


def instances(doc: Document) -> list[Instance]:
    cache = getattr(doc, "_table_instances", None)
    if cache is not None:
        return cache
    out: list[Instance] = []
    for t in doc.tables:
        spec = _spec(t)
        if spec is None:
            continue
        tpl = load_template(t.template)
        for ident in tpl.identities:
            if ident.table != t.name:
                continue
            out.extend(_expand(ident, t, spec))
    doc._table_instances = out  # type: ignore[attr-defined]
    return out


def _expand(ident: Identity, t: Table, spec: TableSpec) -> list[Instance]:
    out = []
    if ident.each == "column":
        for col in spec.columns:
            target = t.get(f"{t.name}/{ident.cell}/{col.label}")
            if target is None:
                continue
            terms: list[tuple[int, Cell]] = []
            ok = True
            for sign, term in ident.terms:
                if term == "group-items":
                    items = spec.group_items(ident.cell)
                    cells = [t.get(f"{t.name}/{it.key}/{col.label}") for it in items]
                    if not items or any(c is None for c in cells):
                        ok = False
                        break
                    terms += [(sign, c) for c in cells]
                    continue
                cells = _row_cells(t, term, col.label, spec)
                if cells is None:
                    ok = False
                    break
                terms += [(sign, c) for c in cells]
            if ok:
                out.append(Instance(ident, t, target, terms, f"“{col.label}”列"))
        return out
    # each row: the terms are columns of the same row
    rows: list[str] = []
    for c in t.cells.values():
        if c.row not in rows:
            rows.append(c.row)
    for row in rows:
        if ident.item and not row.startswith(ident.item + "/"):
            continue
        target = t.get(f"{t.name}/{row}/{ident.cell}")
        if target is None:
            continue
        terms = []
        for sign, col in ident.terms:
            c = t.get(f"{t.name}/{row}/{col}")
            if c is None:
                break
            terms.append((sign, c))
        else:
            out.append(Instance(ident, t, target, terms, f"“{_row_name(row)}”行"))
    return out


def _row_name(row: str) -> str:
    return row


def blame(doc: Document) -> dict[int, tuple[Cell, float | None]]:
    """For each violated sum instance (by id()), the cell to blame and its expected value."""
    cache = getattr(doc, "_table_blame", None)
    if cache is not None:
        return cache
    insts = [i for i in instances(doc) if i.ident.kind == "sum"]
    failing = [i for i in insts if not i.ok]
    involved: dict[int, list[Instance]] = {}
    passing: dict[int, int] = {}
    cells: dict[int, Cell] = {}
    for i in insts:
        for c in i.cells():
            cells[id(c)] = c
            if i.ok:
                passing[id(c)] = passing.get(id(c), 0) + 1
            else:
                involved.setdefault(id(c), []).append(i)
    culprits = []
    for cid, fl in involved.items():
        if len(fl) < 2 or passing.get(cid):
            continue
        c = cells[cid]
        fixes = {round(f, 6) for f in (i.fix_for(c) for i in fl) if f is not None}
        if len(fixes) == 1:
            culprits.append((len(fl), c, fixes.pop(), fl))
    culprits.sort(key=lambda x: -x[0])
    out: dict[int, tuple[Cell, float | None]] = {}
    for _, c, fix, fl in culprits:
        for i in fl:
            out.setdefault(id(i), (c, fix))
    for i in failing:
        out.setdefault(id(i), (i.target, i.total))
    doc._table_blame = out  # type: ignore[attr-defined]
    return out


def _num(v) -> str:
    if v is None:
        return "空"
    if isinstance(v, float):
        if abs(v - round(v)) < _EPS:
            return str(int(round(v)))
        return f"{v:.6f}".rstrip("0").rstrip(".")
    return str(v)


def _cell_name(c: Cell) -> str:
    return f"{c.table}“{c.row}”行“{c.col}”列"


def _found(c: Cell) -> str:
    return "空白" if not c.raw.strip() else f"“{c.raw}”" if c.raw != _num(c.value) else _num(c.value)


def _related(inst: Instance, blamed: Cell) -> list[Related]:
    out = []
    for c in inst.cells():
        if c is blamed:
            continue
        out.append(Related(f"{_cell_name(c)}：{_num(c.value)}", c.start, c.end))
    return out


def _report_identities(ctx, rule_id: str) -> None:
    doc = ctx.doc
    b = blame(doc)
    seen = set()
    for inst in instances(doc):
        if inst.ident.rule != rule_id or inst.ok:
            continue
        if inst.ident.kind == "le":
            c = inst.target
            ctx.report(c.start, c.end,
                       f"{_cell_name(c)}为{_num(c.value)}，超过了"
                       + "与".join(f"“{t.col}”" for _, t in inst.terms)
                       + f"之和{_num(inst.total)}：{inst.ident.text}",
                       related=_related(inst, c), location=c.location)
            continue
        cell, exp = b.get(id(inst), (inst.target, inst.total))
        if cell is inst.target and not cell.raw.strip():
            continue  # a blank total: table.blank-total
        key = (id(cell), inst.where)
        if key in seen:
            continue
        seen.add(key)
        msg = f"{_cell_name(cell)}应为{_num(exp)}，表中为{_found(cell)}（{inst.where}：{inst.ident.text}"
        if cell is not inst.target:
            msg += "；这个数字同时使多条勾稽关系不成立，改为该值即全部成立"
        msg += "）"
        ctx.report(cell.start, cell.end, msg, related=_related(inst, cell), location=cell.location)


_T3_HEAD = "申请人情况"


@rule(
    "table.balance",
    severity="error",
    summary="表三“第一项加第二项之和，等于第三项加第四项之和”不成立",
    wrong=[
        f"{_T3_HEAD}\n一、本年新收政府信息公开申请数量 6 0 0 0 0 0 6\n二、上年结转政府信息公开申请数量 1 0 0 0 0 0 1\n"
        "（七）总计 6 0 0 0 0 0 6\n四、结转下年度继续办理 0 0 0 0 0 0 0"
    ],
    right=[
        f"{_T3_HEAD}\n一、本年新收政府信息公开申请数量 6 0 0 0 0 0 6\n二、上年结转政府信息公开申请数量 1 0 0 0 0 0 1\n"
        "（七）总计 6 0 0 0 0 0 6\n四、结转下年度继续办理 1 0 0 0 0 0 1"
    ],
)
def balance(ctx):
    """检查内容：表三每一列（自然人、五类法人或其他组织、总计）是否满足表头注明的勾稽关系：
    一、本年新收 + 二、上年结转 = 三、本年度办理结果（七）总计 + 四、结转下年度继续办理（T3-1）。

    原因：这是表三表头明文规定的勾稽关系，不成立说明至少有一个数字填错，常见于结转数漏填或总计未更新。

    定位：默认指向“四、结转下年度继续办理”的对应单元格；若某个单元格同时破坏了多条勾稽关系，
    且改成同一个值即可全部恢复，则指向该单元格。相关位置列出参与计算的各单元格。

    修复：核对原始台账，改正填错的单元格（无自动修复）。
    """
    _report_identities(ctx, "table.balance")


@rule(
    "table.result-total",
    severity="error",
    summary="表三（七）总计不等于（一）至（六）各项之和",
    wrong=[
        f"{_T3_HEAD}\n（一）予以公开 1 0 0 0 0 0 1\n（二）部分公开 0 0 0 0 0 0 0\n（三）不予公开 0 0 0 0 0 0 0\n"
        "（四）无法提供 5 0 0 0 0 0 5\n（五）不予处理 0 0 0 0 0 0 0\n（六）其他处理 0 0 0 0 0 0 0\n（七）总计 7 0 0 0 0 0 7"
    ],
    right=[
        f"{_T3_HEAD}\n（一）予以公开 1 0 0 0 0 0 1\n（二）部分公开 0 0 0 0 0 0 0\n（三）不予公开 0 0 0 0 0 0 0\n"
        "（四）无法提供 5 0 0 0 0 0 5\n（五）不予处理 0 0 0 0 0 0 0\n（六）其他处理 0 0 0 0 0 0 0\n（七）总计 6 0 0 0 0 0 6"
    ],
)
def result_total(ctx):
    """检查内容：表三每一列的“（七）总计”是否等于（一）予以公开、（二）部分公开、（三）不予公开、
    （四）无法提供、（五）不予处理、（六）其他处理之和（T3-2）。报告未单列小计的分组，按其各子项之和计。

    原因：每件申请只能按一种办理结果统计一次（“区分处理的，只计这一情形”），所以（七）总计必然是各种结果之和；
    不相等说明漏计、重复计算或抄错。

    修复：核对各项办理结果的统计，改正（七）总计或填错的分项（无自动修复）。
    """
    _report_identities(ctx, "table.result-total")


@rule(
    "table.group-total",
    severity="error",
    summary="表三分组小计不等于其子项之和",
    wrong=[
        f"{_T3_HEAD}\n（四）无法提供 3 0 0 0 0 0 3\n1.本机关不掌握相关政府信息 2 0 0 0 0 0 2\n"
        "2.没有现成信息需要另行制作 0 0 0 0 0 0 0\n3.补正后申请内容仍不明确 0 0 0 0 0 0 0"
    ],
    right=[
        f"{_T3_HEAD}\n（四）无法提供 2 0 0 0 0 0 2\n1.本机关不掌握相关政府信息 2 0 0 0 0 0 2\n"
        "2.没有现成信息需要另行制作 0 0 0 0 0 0 0\n3.补正后申请内容仍不明确 0 0 0 0 0 0 0"
    ],
)
def group_total(ctx):
    """检查内容：表三中单独印出小计行的分组——（三）不予公开、（四）无法提供、（五）不予处理，
    以及2021版的（六）其他处理——小计是否等于各子项之和（T3-3），逐列检查。
    模板本身没有小计行，只有报告印出了小计行时才检查。

    原因：小计与子项不符，说明其中一处填错，并会连带影响（七）总计的核对。

    修复：核对子项，改正小计或填错的子项（无自动修复）。
    """
    _report_identities(ctx, "table.group-total")


@rule(
    "table.row-total",
    severity="error",
    summary="表三某行的总计不等于自然人与各类法人或其他组织之和",
    wrong=["申请人情况\n一、本年新收政府信息公开申请数量 5 1 0 0 0 0 7"],
    right=["申请人情况\n一、本年新收政府信息公开申请数量 5 1 0 0 0 0 6"],
)
def row_total(ctx):
    """检查内容：表三每一行的“总计”列是否等于自然人、商业企业、科研机构、社会公益组织、法律服务机构、
    其他六列之和（T3-4）。表三没有“法人或其他组织”小计列。

    原因：总计列按申请人类别求和得出，不相等说明某一类别或总计填错。
    若错的是某个类别的数字（它同时破坏了本列的勾稽关系），诊断指向该数字。

    修复：改正总计或填错的类别数字（无自动修复）。
    """
    _report_identities(ctx, "table.row-total")


@rule(
    "table.review-total",
    severity="error",
    summary="表四行政复议或行政诉讼的总计不等于各项结果之和",
    wrong=["行政复议 行政诉讼\n1 1 0 0 3 0 0 0 2 2 0 0 0 0 0"],
    right=["行政复议 行政诉讼\n1 1 0 0 2 0 0 0 2 2 0 0 0 0 0"],
)
def review_total(ctx):
    """检查内容：表四中行政复议、未经复议直接起诉、复议后起诉三组数据，每组的“总计”是否等于
    结果维持、结果纠正、其他结果、尚未审结之和（T4-1）。

    原因：每件复议或诉讼案件必居其一，总计必须是四项之和。每组只有这一条关系，
    无法判断错的是总计还是某一项，诊断指向总计并列出参与计算的各项。

    修复：核对复议、诉讼案件台账后改正（无自动修复）。
    """
    _report_identities(ctx, "table.review-total")


@rule(
    "table.document-count",
    severity="warning",
    summary="表二本年制发件数超过现行有效件数与本年废止件数之和",
    wrong=["第二十条第（一）项\n信息内容 本年制发件数 本年废止件数 现行有效件数\n规章 0 0 0\n行政规范性文件 8 0 5"],
    right=["第二十条第（一）项\n信息内容 本年制发件数 本年废止件数 现行有效件数\n规章 0 0 0\n行政规范性文件 3 0 5"],
)
def document_count(ctx):
    """检查内容：2021版表二第二十条第（一）项中，规章和行政规范性文件的“本年制发件数”
    不应超过“现行有效件数”与“本年废止件数”之和（T2-1）。

    原因：本年制发的文件到年底要么仍然有效，要么已在本年废止，所以制发件数最多等于两者之和；
    超过说明某个数字填错（例如把累计数填成了本年数）。文件到期自然失效等少见情形也可能造成不符，
    因此只作警告。

    修复：核对制发、废止和现行有效件数（无自动修复）。
    """
    _report_identities(ctx, "table.document-count")


def _col_spec(t: Table, c: Cell):
    item = c.row.split("/", 1)[0] if t.name == "表二" else None
    return column_spec(t.name, t.template, c.col, item)


def _blank_totals(doc: Document) -> dict[int, tuple[Cell, Instance]]:
    out: dict[int, tuple[Cell, Instance]] = {}
    for inst in instances(doc):
        if inst.ident.kind != "sum" or inst.ok:
            continue
        c = inst.target
        if not c.raw.strip() and abs(inst.total) > _EPS:
            out.setdefault(id(c), (c, inst))
    return out


@rule(
    "table.blank-total",
    severity="error",
    summary="合计单元格为空，但其组成部分不为零",
    wrong=["| 申请人情况 |\n| 一、本年新收政府信息公开申请数量 | 6 | 0 | 0 | 0 | 0 | 0 |  |"],
    right=["| 申请人情况 |\n| 一、本年新收政府信息公开申请数量 | 6 | 0 | 0 | 0 | 0 | 0 | 6 |"],
)
def blank_total(ctx):
    """检查内容：表三、表四中的总计、小计或结转数单元格为空白，而按勾稽关系计算它不为零。

    原因：空白通常按0理解，但这里的组成部分不为零，空白的合计是漏填，读者无法核对。
    应填写计算出的数值。

    修复：填写计算出的合计数（无自动修复，需人工确认各组成部分无误）。
    """
    for c, inst in _blank_totals(ctx.doc).values():
        ctx.report(c.start, c.end,
                   f"{_cell_name(c)}为空白，按勾稽关系应为{_num(inst.total)}（{inst.where}：{inst.ident.text}）",
                   related=_related(inst, c), location=c.location)


@rule(
    "table.value-format",
    severity="error",
    summary="应为非负整数的表格单元格填了负数或小数",
    wrong=["申请人情况\n一、本年新收政府信息公开申请数量 6 0 0 0 0 -1 5"],
    right=["申请人情况\n一、本年新收政府信息公开申请数量 6 0 0 0 0 0 6"],
)
def value_format(ctx):
    """检查内容：表二、表三、表四中按模板应为“件数/个数”的单元格必须是非负整数（T3-7）；
    “本年增/减”可以为负；金额（万元）不能为负。

    原因：申请件数、案件数、文件件数不可能为负或带小数，出现这种值多半是录入错误
    （如把“本年增/减”的负号带到了别的列）。

    修复：核对后填写非负整数（无自动修复）。
    """
    for t in ctx.doc.tables:
        for c in t.cells.values():
            if c.value is None or not c.raw.strip():
                continue
            col = _col_spec(t, c)
            typ = col.type if col else "count"
            v = c.value
            if typ == "count":
                if v < 0:
                    ctx.report(c.start, c.end, f"{_cell_name(c)}为{_num(v)}：件数不能为负数", location=c.location)
                elif isinstance(v, float) and abs(v - round(v)) > _EPS:
                    ctx.report(c.start, c.end, f"{_cell_name(c)}为{_num(v)}：件数应为整数", location=c.location)
            elif typ == "change":
                if isinstance(v, float) and abs(v - round(v)) > _EPS:
                    ctx.report(c.start, c.end, f"{_cell_name(c)}为{_num(v)}：项目增减数应为整数", location=c.location)
            elif typ == "amount" and v < 0:
                ctx.report(c.start, c.end, f"{_cell_name(c)}为{_num(v)}：金额不能为负数", location=c.location)


@rule(
    "table.unit-mismatch",
    severity="warning",
    summary="表格单元格中写的单位与表头规定的单位不一致",
    wrong=["第二十条第（八）项\n信息内容 本年收费金额（单位：万元）\n行政事业性收费 251000元"],
    right=["第二十条第（八）项\n信息内容 本年收费金额（单位：万元）\n行政事业性收费 25.1"],
)
def unit_mismatch(ctx):
    """检查内容：金额列（如2021版表二“本年收费金额（单位：万元）”、2019版“采购总金额（万元）”）
    的单元格里另写了“元”等其他单位（T2-3）。

    原因：表头已规定以万元为单位，单元格写成“251000元”会让读者误读数量级，也无法与其他年份比较。
    应换算为万元并去掉单位。

    修复：换算为表头规定的单位，单元格只填数字（无自动修复）。
    """
    for t in ctx.doc.tables:
        for c in t.cells.values():
            col = _col_spec(t, c)
            if col is None or not col.unit or not c.note or "含单位" not in c.note:
                continue
            if f"“{col.unit}”" in c.note:
                continue
            ctx.report(c.start, c.end,
                       f"{_cell_name(c)}写作“{c.raw}”，但该列单位为{col.unit}，应换算为{col.unit}并只填数字",
                       location=c.location)


@rule(
    "table.blank-cell",
    severity="info",
    summary="表格单元格空白或用“—”代替0",
    wrong=["| 申请人情况 |\n| 一、本年新收政府信息公开申请数量 | 6 |  | 0 | 0 | 0 | 0 | 6 |"],
    right=["| 申请人情况 |\n| 一、本年新收政府信息公开申请数量 | 6 | 0 | 0 | 0 | 0 | 0 | 6 |"],
)
def blank_cell(ctx):
    """检查内容：表二、表三、表四中空白或填“—”“-”“无”的数据单元格。核对勾稽关系时按0计算。

    原因：统一格式要求逐项填写数字，没有发生的填“0”。空白与“0”混用，读者无法区分“为零”和“漏填”。
    空白的合计单元格另由 table.blank-total 报告。

    修复：在空白单元格中填写“0”（无自动修复）。
    """
    skip = set(_blank_totals(ctx.doc))
    for t in ctx.doc.tables:
        rows: dict[str, list[Cell]] = {}
        for c in t.cells.values():
            if id(c) in skip:
                continue
            if not c.raw.strip() or (c.note and "按0计" in c.note):
                rows.setdefault(c.row, []).append(c)
        for row, cells in rows.items():
            first = cells[0]
            cols = "、".join(f"“{c.col}”" for c in cells)
            how = "空白" if all(not c.raw.strip() for c in cells) else "空白或填写“—”"
            ctx.report(first.start, first.end,
                       f"{t.name}“{row}”行的{cols}列{how}，已按0计；没有发生的应填写“0”",
                       related=[Related(f"{_cell_name(c)}：{c.raw or '空白'}", c.start, c.end) for c in cells[1:]],
                       location=first.location)
