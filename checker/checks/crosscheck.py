"""crosscheck.*: narrative figures compared with the tables (the claims ledger)."""
from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from ..claims import NarrativeClaim, Target, extract_claims, load_spec
from ..diagnostics import Claim, Related
from ..engine import rule


def _example(narrative: str, row: str) -> str:
    """A minimal report for the rule documentation: one narrative line and 表四."""
    return (
        f"某区2024年政府信息公开工作年度报告\n一、总体情况\n{narrative}\n"
        "四、政府信息公开行政复议、行政诉讼情况\n"
        "行政复议 行政诉讼\n"
        "未经复议直接起诉 复议后起诉\n"
        + " ".join(["结果维持 结果纠正 其他结果 尚未审结 总计"] * 3) + "\n"
        f"{row}\n"
    )


_T4 = "3 0 0 1 4 0 0 0 0 0 0 0 0 0 0"


def _num(v) -> str:
    if isinstance(v, float):
        if v.is_integer():
            return str(int(v))
        return f"{v:.4f}".rstrip("0").rstrip(".")
    return str(v)


def _short(key: str) -> str:
    return key.split("/", 1)[1] if "/" in key else key


def _describe(target: Target, keys: list[str]) -> str:
    table = keys[0].split("/", 1)[0]
    if len(keys) == 1:
        return f"{table}“{_short(keys[0])}”"
    if len(keys) <= 3:
        return f"{table}" + "与".join(f"“{_short(k)}”" for k in keys) + "之和"
    return f"{table}“{target.label}”各项之和"


def resolve_target(doc, target: Target):
    """(keys, cells, total) for the first alternative whose cells all exist; reason str when none."""
    if not doc.tables:
        return None, "未识别到表格"
    for alt in target.alternatives:
        cells = [doc.cell(k) for k in alt]
        if all(c is not None for c in cells):
            if any(c.value is None for c in cells):
                return None, "表格中对应单元格为空或不是数字"
            total = sum(c.value for c in cells)
            return (alt, cells, total), None
    return None, f"表格中未找到“{target.label}”对应的单元格"


def _blank(cells) -> bool:
    return any((c.raw or "").strip() == "" or (c.note and "空白" in c.note) for c in cells)


def _equal(narr, table, decimals: int, money: bool) -> bool:
    if not money:
        return abs(float(narr) - float(table)) < 1e-9
    # money: the narrative may round or truncate to the decimals it writes
    n = Decimal(str(narr))
    t = Decimal(str(table))
    q = Decimal(1).scaleb(-decimals)
    return n in (t.quantize(q, ROUND_HALF_UP), t.quantize(q, ROUND_DOWN)) or abs(n - t) < Decimal("0.0000001")


def _percent_ok(stated, true_pct: float, decimals: int, tol: float) -> bool:
    s = Decimal(str(stated))
    t = Decimal(repr(true_pct))
    q = Decimal(1).scaleb(-decimals)
    if s in (t.quantize(q, ROUND_HALF_UP), t.quantize(q, ROUND_DOWN)):
        return True
    return abs(s - t) <= Decimal(str(tol)) + Decimal("1e-9")


def ledger(ctx, kinds: tuple[str, ...]):
    """Compare the claims of the given kinds; yields (NarrativeClaim, Claim, related, message) for mismatches."""
    doc = ctx.doc
    spec = load_spec()
    for nc in extract_claims(doc, tick=ctx.remaining):
        if nc.kind not in kinds:
            continue
        if nc.target is None:
            ctx.claim(Claim(nc.text, nc.start, nc.end, None, nc.value, None, "unresolved", nc.reason))
            continue
        if nc.kind == "percent":
            yield from _percent(ctx, nc, spec)
            continue
        found, why = resolve_target(doc, nc.target)
        if found is None:
            ctx.claim(Claim(nc.text, nc.start, nc.end, None, nc.value, None, "unresolved", why))
            continue
        keys, cells, total = found
        cell_expr = "+".join(keys)
        money = nc.target.unit == "money"
        if _equal(nc.value, total, nc.decimals, money):
            ctx.claim(Claim(nc.text, nc.start, nc.end, cell_expr, nc.value, total, "verified"))
            continue
        if not nc.target.strict:
            ctx.claim(Claim(nc.text, nc.start, nc.end, cell_expr, nc.value, total, "unresolved",
                            f"“{nc.target.label}”的统计口径可能与表格不同，未作比较"))
            continue
        if _blank(cells):
            ctx.claim(Claim(nc.text, nc.start, nc.end, cell_expr, nc.value, total, "unresolved",
                            "表格中对应单元格空白"))
            continue
        ctx.claim(Claim(nc.text, nc.start, nc.end, cell_expr, nc.value, total, "mismatch"))
        related = [Related(f"{_short(c.key)}：{c.raw if c.raw not in (None, '') else _num(c.value)}", c.start, c.end)
                   for c in cells[:8]]
        what = {"zero": "正文称没有", "completion": "正文称全部办结", "universal": "正文称"}.get(nc.kind)
        if nc.kind == "count":
            msg = (f"正文“{nc.text}”为{_num(nc.value)}，与{_describe(nc.target, keys)}"
                   f"（{_num(total)}）不一致")
        elif nc.kind == "universal":
            msg = (f"正文“{nc.text}”，但{_describe(nc.target, keys)}为{_num(total)}，不是0")
        else:
            msg = (f"{what}（“{nc.text}”，即{nc.target.label}为0），但{_describe(nc.target, keys)}"
                   f"为{_num(total)}")
        yield nc, related, msg


def _percent(ctx, nc: NarrativeClaim, spec):
    doc = ctx.doc
    pct = nc.percent
    part, why = resolve_target(doc, pct.part)
    if part is None:
        ctx.claim(Claim(nc.text, nc.start, nc.end, None, nc.value, None, "unresolved", why))
        return
    keys, cells, pval = part
    tol = float(spec.percent.get("tolerance", 0.01))
    tried = []
    for bt in pct.bases:
        base, _ = resolve_target(doc, bt)
        if base is None or not base[2]:
            continue
        true = 100.0 * float(pval) / float(base[2])
        tried.append((bt, base, true))
        if _percent_ok(nc.value, true, pct.decimals, tol):
            ctx.claim(Claim(nc.text, nc.start, nc.end, "+".join(keys), nc.value, round(true, 2), "verified",
                            f"百分比＝{pct.part.label}÷{bt.label}"))
            return
    if not tried:
        ctx.claim(Claim(nc.text, nc.start, nc.end, "+".join(keys), nc.value, None, "unresolved",
                        "找不到计算百分比的基数"))
        return
    if _blank(cells) or any(_blank(t[1][1]) for t in tried):
        ctx.claim(Claim(nc.text, nc.start, nc.end, "+".join(keys), nc.value, round(tried[0][2], 2), "unresolved",
                        "表格中对应单元格空白"))
        return
    bt, base, true = tried[0]
    ctx.claim(Claim(nc.text, nc.start, nc.end, "+".join(keys), nc.value, round(true, 2), "mismatch",
                    f"百分比＝{pct.part.label}÷{bt.label}"))
    alts = "；".join(f"{_num(pval)}÷{_num(b[2])}（{t.label}）={tv:.2f}%" for t, b, tv in tried)
    stated = f"{float(nc.value):.{pct.decimals}f}"
    msg = f"正文“{nc.text}”为{stated}%，与表格数据算出的比例不符：{alts}"
    related = [Related(f"{_short(c.key)}：{_num(c.value)}", c.start, c.end) for c in cells[:4]]
    related += [Related(f"{_short(c.key)}：{_num(c.value)}", c.start, c.end) for c in base[1][:2]]
    yield nc, related, msg


@rule(
    "crosscheck.mismatch",
    severity="error",
    summary="正文中的数字与表格不一致（收到/办结/予以公开/行政复议等）",
    wrong=[
        _example("本年度发生政府信息公开行政复议5件。", _T4),
        _example("本年度发生政府信息公开行政复议4件，均获维持。", _T4),
        _example("本年度未发生政府信息公开行政复议。", _T4),
    ],
    right=[
        _example("本年度发生政府信息公开行政复议4件，其中结果维持3件，尚未审结1件。", _T4),
        _example("2023年发生政府信息公开行政复议5件，本年度发生4件。", _T4),
    ],
)
def mismatch(ctx):
    """检查内容：正文（总体情况、存在的问题、其他事项及表格前后的文字）中关于表格的数字——收到、上年结转、
    予以公开、部分公开、不予公开及其理由、无法提供、不予处理、其他处理、办结/答复、结转下年度、行政复议、
    行政诉讼及其结果、规章和行政规范性文件、行政许可/处罚/强制、行政事业性收费——与表二、表三、表四中对应
    单元格（或几个单元格之和）是否一致；也检查“未发生行政复议”“全部按时完成答复”“均获维持”这类零值和全称说法。
    原因：正文与表格“打架”是年报最常被指出的差错之一，说明数据没有核对。
    修复：核对原始台账，改正正文或表格中错误的一方。说法与单元格的对应关系见 rules/claims.yaml；
    无法唯一对应到某个单元格的数字只列入核对清单（--show-claims），不报错。
    选项：无。
    """
    for nc, related, msg in ledger(ctx, ("count", "zero", "completion", "universal")):
        ctx.report(nc.start, nc.end, msg, related=related)


@rule(
    "crosscheck.percentage",
    severity="warning",
    summary="正文中的百分比与表格数据算出的比例不符",
    wrong=[_example("本年度发生政府信息公开行政复议4件，其中结果维持3件，占80%。", _T4)],
    right=[_example("本年度发生政府信息公开行政复议4件，其中结果维持3件，占75%。", _T4)],
)
def percentage(ctx):
    """检查内容：正文中“予以公开12件，占41.2%”这类比例是否等于对应数量除以基数（办理结果总计或本年新收申请数；
    正文写明“占收到申请总数”等时按写明的基数）。四舍五入或截断到所写位数都算一致，另允许0.01个百分点的误差。
    原因：比例算错或沿用上一年的比例是常见差错。
    修复：按表格数据重新计算比例。
    选项：无。
    """
    for nc, related, msg in ledger(ctx, ("percent",)):
        ctx.report(nc.start, nc.end, msg, related=related)
