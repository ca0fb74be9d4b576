"""The annual self-evaluation report (部门整体支出绩效自评报告) written from the records: sections 一 to 八,
附件1-1 基础数据表 and 附件1-2 自评表, the consistency checks and figures.json (KPIS.md).

`build(year)` gathers everything once; the writers in `writers.py` lay the same content out as .docx,
.pdf and .xlsx."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from anju.core import kpis as registry
from anju.performance import narrative, queries, rules
from anju.performance.models import Asset, BudgetLine, Narrative, SpecialFund

logger = logging.getLogger(__name__)

Section = BudgetLine.Section
ZERO = Decimal("0.00")

INCOME_SOURCES = ("一般公共预算", "政府性基金拨款", "纳入专户管理的非税收入拨款", "其他资金")
OVERSEAS, VEHICLE_PURCHASE, VEHICLE_RUNNING, RECEPTION = (
    "因公出国（境）",
    "公务用车购置",
    "公务用车运行维护",
    "公务接待",
)
THREE_PUBLIC_LINES = (OVERSEAS, VEHICLE_PURCHASE, VEHICLE_RUNNING, RECEPTION)
ECONOMIC_CLASSES = ("工资福利支出", "商品和服务支出", "对个人和家庭的补助", "资本性支出")


def wan(amount: Decimal) -> str:
    return rules.wan(amount)


def texts(year: int) -> dict[str, str]:
    """Each section's template text for the year: the edited one, else the default."""
    edited = dict(Narrative.objects.filter(year=year).values_list("section", "text"))
    return {key: edited.get(key, section.default) for key, section in narrative.ALL_TEXTS.items()}


def facts(year: int) -> dict[str, Decimal | int | str]:
    """This module's figures that are not KPIs, for the narrative's `{fact.…}` placeholders."""
    out: dict[str, Decimal | int | str] = {
        "fact.initial_basic": queries.total(year, "initial", Section.PERSONNEL, Section.PUBLIC),
        "fact.initial_project": queries.total(year, "initial", Section.PROJECT),
        "fact.personnel": queries.total(year, "executed", Section.PERSONNEL),
        "fact.public": queries.total(year, "executed", Section.PUBLIC),
        "fact.three_public_budget": queries.total(year, "initial", Section.THREE_PUBLIC),
        "fact.assets_current": queries.assets_total(year, Asset.Kind.CURRENT),
        "fact.assets_fixed": queries.assets_total(year, Asset.Kind.FIXED),
        "fact.grade": queries.grade(year),
    }
    # The initial budget against the previous year's (its lines entered for that year): 增加/减少 and how much.
    if BudgetLine.objects.filter(year=year - 1).exists():
        parts = (("basic", (Section.PERSONNEL, Section.PUBLIC)), ("project", (Section.PROJECT,)))
        for key, sections in (("total", (Section.PERSONNEL, Section.PUBLIC, Section.PROJECT)), *parts):
            now, before = queries.total(year, "initial", *sections), queries.total(year - 1, "initial", *sections)
            out[f"fact.initial_{key}_trend"] = "增加" if now > before else "减少" if now < before else "持平"
            out[f"fact.initial_{key}_change"] = abs(now - before)
    economic = queries.by_name(year, Section.ECONOMIC)
    if economic:
        out["fact.economic_total"] = sum(economic.values(), ZERO)
    for name, amount in economic.items():
        out[f"fact.economic.{name}"] = amount
    three = queries.by_name(year, Section.THREE_PUBLIC)
    if three:
        out["fact.overseas"] = three.get(OVERSEAS, ZERO)
        out["fact.vehicles"] = three.get(VEHICLE_PURCHASE, ZERO) + three.get(VEHICLE_RUNNING, ZERO)
        out["fact.reception"] = three.get(RECEPTION, ZERO)
        prior = queries.total(year, "prior_year", Section.THREE_PUBLIC)
        if prior:
            # 上年决算数 as entered on this year's lines (附件1-1's own column), else the prior year's records.
            out["fact.three_public_prior"] = prior
        elif BudgetLine.objects.filter(year=year - 1, section=Section.THREE_PUBLIC).exists():
            prior = queries.three_public(year - 1)
            out["fact.three_public_prior"] = prior
        change = rules.change_percent(queries.three_public(year), prior)
        if change is not None and change < 0:
            out["fact.three_public_decrease"] = -change
        elif change is not None:
            out["fact.three_public_increase"] = change
    for line in queries.lines(year, Section.PROJECT):
        # A project line's figures (公房维修专项经费 and the like), for the text about each project.
        out[f"fact.project.{line.name}.initial"] = line.initial
        out[f"fact.project.{line.name}.final"] = line.final
        out[f"fact.project.{line.name}.executed"] = line.executed
    for fund in SpecialFund.objects.filter(year=year):
        for key in {fund.key, fund.name} - {""}:
            out[f"fact.fund.{key}.budget"] = fund.budget
            out[f"fact.fund.{key}.used"] = fund.used
            out[f"fact.fund.{key}.balance"] = fund.balance
    return out


# --- tables -----------------------------------------------------------------------------------------


@dataclass
class Cell:
    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    bold: bool = False
    align: str = "center"  # center, left, right
    indent: int = 0  # left indent in characters (附件1-1's sub-rows), laid out as an indent, not as spaces


@dataclass
class Table:
    code: str  # 附件1-1
    title: str
    columns: int
    widths: list[float]  # relative column widths
    cells: list[Cell] = field(default_factory=list)
    rows: int = 0

    def add(
        self,
        col: int,
        text: object,
        *,
        rowspan: int = 1,
        colspan: int = 1,
        bold: bool = False,
        align: str = "center",
        indent: int = 0,
    ) -> None:
        self.cells.append(Cell(self.rows, col, str(text), rowspan, colspan, bold, align, indent))

    def next_row(self) -> None:
        self.rows += 1

    def by_row(self) -> list[list[Cell]]:
        grid: list[list[Cell]] = [[] for _ in range(self.rows)]
        for cell in self.cells:
            grid[cell.row].append(cell)
        return [sorted(row, key=lambda c: c.col) for row in grid]


def _money_row(
    table: Table, label: str, prior: str, budget: str, actual: str, *, bold: bool = False, indent: int = 0
) -> None:
    table.add(0, label, align="left", bold=bold, indent=indent)
    table.add(1, prior, colspan=2)
    table.add(3, budget, colspan=2)
    table.add(5, actual, colspan=2)
    table.next_row()


def _wan_sum(items: Iterable[Any], attr: str) -> str:
    """The sum of one money field of the items, in 万元."""
    return wan(sum((getattr(item, attr) for item in items), ZERO))


def _budget_and_actual(lines: Iterable[BudgetLine]) -> tuple[str, str]:
    """The budget and the executed total of budget lines, in 万元."""
    rows = list(lines)
    return _wan_sum(rows, "initial"), _wan_sum(rows, "executed")


def annex_1_1(year: int, savings: str) -> Table:
    """附件1-1 部门整体支出绩效评价基础数据表, laid out as in the seed."""
    table = Table("附件1-1", "部门整体支出绩效评价基础数据表", 7, [3.2, 1, 1, 1, 1, 1, 1])
    record = queries.staffing(year)
    table.add(0, "财政供养人员情况（人）", rowspan=2, bold=True)
    table.add(1, "编制数", colspan=2, bold=True)
    table.add(3, f"{year}年实际在职人数", colspan=2, bold=True)
    table.add(5, "控制率", colspan=2, bold=True)
    table.next_row()
    if record:
        rate = f"{registry.rate(record.staff, record.posts)}%"
        table.add(1, record.posts, colspan=2)
        table.add(3, record.staff, colspan=2)
        table.add(5, rate, colspan=2)
    else:
        for col in (1, 3, 5):
            table.add(col, "", colspan=2)
    table.next_row()
    table.add(0, "经费控制情况（万元）", bold=True)
    table.add(1, f"{year - 1}年决算数", colspan=2, bold=True)
    table.add(3, f"{year}年预算数", colspan=2, bold=True)
    table.add(5, f"{year}年决算数", colspan=2, bold=True)
    table.next_row()
    three = {line.name: line for line in queries.lines(year, Section.THREE_PUBLIC)}

    def sums(*names: str) -> tuple[str, str, str]:
        picked = [three[n] for n in names if n in three]
        return (_wan_sum(picked, "prior_year"), *_budget_and_actual(picked))

    _money_row(table, "三公经费", *sums(*THREE_PUBLIC_LINES), bold=True)
    _money_row(table, "1、公务用车购置和维护经费", *sums(VEHICLE_PURCHASE, VEHICLE_RUNNING), indent=1)
    _money_row(table, "其中：公车购置", *sums(VEHICLE_PURCHASE), indent=2)
    _money_row(table, "公车运行维护", *sums(VEHICLE_RUNNING), indent=5)
    _money_row(table, "2、出国经费", *sums(OVERSEAS), indent=1)
    _money_row(table, "3、公务接待", *sums(RECEPTION), indent=1)
    funds = list(SpecialFund.objects.filter(year=year))
    _money_row(table, "专项资金（一个专项一行）", "——", _wan_sum(funds, "budget"), _wan_sum(funds, "used"), bold=True)
    for fund in funds:
        _money_row(table, fund.name, "——", wan(fund.budget), wan(fund.used))
    public = queries.lines(year, Section.PUBLIC)
    _money_row(table, "公用经费", "——", *_budget_and_actual(public), bold=True)
    for index, line in enumerate(queries.lines(year, Section.PUBLIC_DETAIL)):
        label, indent = ("其中：" + line.name, 1) if index == 0 else (line.name, 4)
        _money_row(table, label, "——", wan(line.initial), wan(line.executed), indent=indent)
    procurement = queries.lines(year, Section.PROCUREMENT)
    _money_row(table, "政府采购金额", "——", *_budget_and_actual(procurement))
    adjustment = queries.lines(year, Section.ADJUSTMENT)
    _money_row(table, "部门基本支出预算调整", "——", *_budget_and_actual(adjustment))
    table.add(0, "楼堂馆所控制情况", rowspan=2, bold=True)
    for col, label in enumerate(
        ("批复规模（㎡）", "实际规模（㎡）", "规模控制率", "预算投资（万元）", "实际投资（万元）", "投资概算控制率"),
        start=1,
    ):
        table.add(col, label, bold=True)
    table.next_row()
    control = queries.facility_control(year)
    if control is None:
        values: tuple[str, ...] = ("",) * 6
    else:
        area_rate = rules.control_rate(control.actual_area, control.approved_area)
        money_rate = rules.control_rate(control.actual_investment, control.budget_investment)
        values = (
            _number(control.approved_area),
            _number(control.actual_area),
            "——" if area_rate is None else f"{_number(area_rate)}%",
            wan(control.budget_investment),
            wan(control.actual_investment),
            "——" if money_rate is None else f"{_number(money_rate)}%",
        )
    for col, value in enumerate(values, start=1):
        table.add(col, value)
    table.next_row()
    table.add(0, "厉行节约保障措施", bold=True)
    table.add(1, savings, colspan=6, align="left")
    table.next_row()
    return table


def _target_text(s: queries.ScoredIndicator) -> str:
    ind = s.indicator
    if ind.target_text:
        return ind.target_text
    if ind.target is None:
        return ""
    # As the finance bureau's form writes them: "8个", "100%" for at least, "≤202万元" for at most.
    sign = {"le": "≤"}.get(ind.operator, "")
    return f"{sign}{_number(ind.target)}{ind.unit}"


def _number(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _actual_text(s: queries.ScoredIndicator) -> str:
    ind = s.indicator
    if ind.kpi_code and s.actual is not None and not s.kpi_missing:
        return f"{rules.two(s.actual)}{ind.unit}"  # compared unrounded, shown with two decimals
    if ind.actual_text:
        return ind.actual_text
    if s.actual is None:
        return narrative.NOT_IN_SYSTEM if s.kpi_missing else ""
    return f"{_number(rules.two(s.actual))}{ind.unit}"


def _score_text(value: Decimal | None) -> str:
    return "" if value is None else _number(value)


def annex_1_2(
    year: int, filler: narrative.Filler, all_texts: dict[str, str], scored: list[queries.ScoredIndicator]
) -> Table:
    """附件1-2 部门整体支出绩效自评表, laid out as in the seed."""
    table = Table("附件1-2", "部门整体支出绩效自评表", 9, [1.0, 1.6, 1.6, 2.0, 1.6, 1.6, 1.25, 1.15, 2.0])
    table.add(0, "预算单位名称", bold=True)
    table.add(1, "\n".join(filler.text(all_texts[narrative.UNIT_NAME])), colspan=8)
    table.next_row()
    budget_rows = [s for s in scored if s.indicator.operator == rules.BUDGET_EXECUTION]
    weight = budget_rows[0].indicator.weight if budget_rows else rules.rules_for(year).budget_execution_weight
    score = budget_rows[0].score if budget_rows else None
    table.add(0, "年度预算申请（万元）", rowspan=7, bold=True)
    for col, label in enumerate(("", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率"), start=1):
        table.add(col, label, bold=True)
    table.add(7, "得分", colspan=2, bold=True)
    table.next_row()
    table.add(1, "年度资金总额")
    table.add(2, wan(queries.initial(year)))
    table.add(3, wan(queries.final(year)))
    table.add(4, wan(queries.executed(year)))
    table.add(5, _number(weight))
    table.add(6, f"{queries.execution_rate(year)}%")
    table.add(7, _score_text(score), colspan=2)
    table.next_row()
    income = queries.by_name(year, Section.INCOME)
    basic, project = queries.basic_spent(year), queries.project_spent(year)
    left = ["按收入性质分："] + [
        f"{'其中：' if i == 0 else ''}{name}：{wan(income.get(name, ZERO))}" for i, name in enumerate(INCOME_SOURCES)
    ]
    right = ["按支出性质分：", f"其中：基本支出：{wan(basic)}", f"项目支出：{wan(project)}", "", ""]
    for text_left, text_right in zip(left, right, strict=True):
        table.add(1, text_left, colspan=4, align="left")
        table.add(5, text_right, colspan=4, align="left")
        table.next_row()
    table.add(0, "年度总体目标", rowspan=2, bold=True)
    table.add(1, "预期目标", colspan=4, bold=True)
    table.add(5, "实际完成情况", colspan=4, bold=True)
    table.next_row()
    table.add(1, "\n".join(filler.text(all_texts[narrative.GOALS])), colspan=4, align="left")
    table.add(5, "\n".join(filler.text(all_texts[narrative.RESULTS])), colspan=4, align="left")
    table.next_row()
    tree = [s for s in scored if s.indicator.operator != rules.BUDGET_EXECUTION]
    table.add(0, "绩效指标", rowspan=len(tree) + 2, bold=True)
    for col, label in enumerate(
        ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"),
        start=1,
    ):
        table.add(col, label, bold=True)
    table.next_row()
    for index, s in enumerate(tree):
        ind = s.indicator
        if index == 0 or tree[index - 1].indicator.level1 != ind.level1:
            span = _run(tree, index, lambda x: x.indicator.level1)
            heading = f"{ind.level1}（{_number(ind.level1_weight)}分）" if ind.level1_weight else ind.level1
            table.add(1, heading, rowspan=span)
        if index == 0 or (tree[index - 1].indicator.level1, tree[index - 1].indicator.level2) != (
            ind.level1,
            ind.level2,
        ):
            table.add(2, ind.level2, rowspan=_run(tree, index, lambda x: (x.indicator.level1, x.indicator.level2)))
        if ind.operator == rules.NOT_APPLICABLE:
            table.add(3, "不适用", colspan=6, align="left")
        else:
            table.add(3, ind.name, align="left")
            table.add(4, _target_text(s))
            table.add(5, _actual_text(s))
            table.add(6, _number(ind.weight))
            table.add(7, _score_text(s.score))
            note = ind.deviation_note or (ind.override_reason if ind.override_score is not None else "")
            table.add(8, note, align="left")
        table.next_row()
    total = sum((s.score for s in scored if s.score is not None), ZERO)
    total_weight = sum((s.indicator.weight for s in scored), Decimal(0))
    table.add(1, "总分", colspan=5, bold=True)
    table.add(6, _number(total_weight), bold=True)
    table.add(7, _number(total), bold=True)
    table.add(8, f"评价等级：{rules.grade(rules.rules_for(year), total)}", bold=True)
    table.next_row()
    return table


def _run(items: list[queries.ScoredIndicator], start: int, key: Callable[[queries.ScoredIndicator], Any]) -> int:
    value = key(items[start])
    end = start
    while end < len(items) and key(items[end]) == value:
        end += 1
    return end - start


# --- the whole report -------------------------------------------------------------------------------


@dataclass
class Chapter:
    heading: str
    parts: list[tuple[str, list[str]]]  # (sub-heading or "", paragraphs)


@dataclass
class Report:
    year: int
    unit_name: str
    title: str
    chapters: list[Chapter]
    tables: list[Table]
    figures: dict[str, Any]
    score: Decimal
    grade: str
    # Every filled paragraph as segments: the figures and the codes behind them (the number check, the links).
    trace: list[list[narrative.Segment]] = field(default_factory=list)

    @property
    def checks(self) -> list[dict[str, str]]:
        return self.figures["checks"]  # type: ignore[no-any-return]


def kpi_values(
    year: int, raw_values: dict[str, registry.Value] | None = None
) -> tuple[dict[str, Any], list[rules.Check]]:
    """figures.json's "kpis": every registered KPI for the year, and a check per KPI that failed to compute.
    Each raw value is also put in `raw_values` when given, so the narrative does not compute it again."""
    values: dict[str, Any] = {}
    problems: list[rules.Check] = []
    for kpi in registry.all_kpis():
        try:
            raw = kpi.compute(year)
            values[kpi.code] = {"name": kpi.name, "unit": kpi.unit, "value": registry.as_json(kpi, raw)}
            if raw_values is not None:
                raw_values[kpi.code] = raw
        except queries.NoRecord as exc:  # not entered yet (the checks warn about the missing record)
            logger.info("KPI %s: %s", kpi.code, exc)
            problems.append(failed_check(kpi.code))
        except Exception:  # another module's figure must not stop the report; it is listed instead
            logger.exception("KPI %s failed", kpi.code)
            problems.append(failed_check(kpi.code))
    return values, problems


def failed_check(code: str) -> rules.Check:
    """A KPI that raised: the cause is in the log, the check says so in Chinese (no exception text leaks)."""
    kpi = registry.find(code)
    name = kpi.name if kpi else narrative.EXPECTED_NAMES.get(code, code)
    return rules.Check(
        "kpi.failed",
        rules.ERROR,
        f"指标{code}（{name}）计算失败，报告中相应内容从略；原因已记入系统日志，请联系系统管理员",
    )


def missing_kpis() -> list[rules.Check]:
    return [
        rules.Check(
            "kpi.missing",
            rules.WARNING,
            f"指标{code}（{narrative.EXPECTED_NAMES.get(code, code)}）尚未纳入本系统，报告中相应内容从略",
        )
        for code in narrative.EXPECTED_KPIS
        if registry.find(code) is None
    ]


def fund_record_checks(year: int) -> list[rules.Check]:
    """The finance record of a special fund's use against the line's own records of what was spent (a line
    that recorded nothing in the year is not compared)."""
    found: list[rules.Check] = []
    for key, code in queries.FUNDS_FROM_RECORDS.items():
        fund = SpecialFund.objects.filter(year=year, key=key).first()
        recorded = queries.recorded_use(year, key)
        if fund is None or recorded is None or recorded == fund.used:
            continue
        kpi = registry.get(code)
        found.append(
            rules.Check(
                f"fund.{key}.records",
                rules.WARNING,
                f"{fund.name}使用数：财务记录{fund.used / 10000:.2f}万元，业务记录（{kpi.name}）"
                f"{recorded / 10000:.2f}万元，相差{(fund.used - recorded) / 10000:.2f}万元",
            )
        )
    return found


def checks(year: int) -> list[rules.Check]:
    """The consistency checks over the year's records, and the KPIs the report expects but cannot find."""
    found = rules.check_budget(queries.budget_facts(year)) + fund_record_checks(year)
    for s in queries.scored_indicators(year):
        label = s.indicator.name or s.indicator.level2
        if s.error:
            found.append(rules.Check("performance.indicator", rules.ERROR, f"指标“{label}”：{s.error}"))
        elif s.unscored:
            found.append(
                rules.Check(
                    "performance.unscored",
                    rules.ERROR,
                    f"指标“{label}”（{_number(s.indicator.weight)}分）尚无实际完成值或评价档次，未计入总分",
                )
            )
    return found + missing_kpis()


def narrative_checks(filler: narrative.Filler, listed: list[dict[str, str]]) -> list[dict[str, str]]:
    """What the text could not be filled with: a KPI that failed (unless already listed) and a bad placeholder;
    and a number typed into the text that no record gives (the number check)."""
    out: list[dict[str, str]] = []
    for paragraph in filler.trace:
        typed = narrative.typed_numbers(paragraph)
        if typed:
            text = "".join(seg.text for seg in paragraph)
            message = f"报告正文中的数字{'、'.join(typed)}不是由记录计算的，请改为占位符（所在段落：{text[:40]}…）"
            out.append(rules.Check("narrative.typed_number", rules.WARNING, message).as_dict())
    for code in sorted(filler.failed):
        if not any(c["rule"] == "kpi.failed" and code in c["message"] for c in listed):
            out.append(failed_check(code).as_dict())
    for placeholder, reason in filler.invalid.items():
        message = f"报告正文中的占位符{placeholder}无法填写（{reason}），所在句子从略"
        out.append(rules.Check("narrative.placeholder", rules.ERROR, message).as_dict())
    return out


def figures(year: int, raw_values: dict[str, registry.Value] | None = None) -> dict[str, Any]:
    values, problems = kpi_values(year, raw_values)
    return {"year": year, "kpis": values, "checks": [c.as_dict() for c in checks(year) + problems]}


def build(year: int, progress: Callable[[int, str], None] | None = None) -> Report:
    def step(percent: int, label: str) -> None:
        if progress:
            progress(percent, label)

    step(5, _("Computing the KPIs"))
    raw_values: dict[str, registry.Value] = {}
    figs = figures(year, raw_values)
    step(30, _("Writing the report text"))
    all_texts = texts(year)
    filler = narrative.Filler(year, facts(year))
    filler.cache.update(raw_values)
    chapters: list[Chapter] = []
    for section in narrative.SECTIONS:
        paragraphs = filler.text(all_texts[section.key])
        if not chapters or chapters[-1].heading != section.chapter:
            chapters.append(Chapter(section.chapter, []))
        chapters[-1].parts.append((section.title, paragraphs))
    scored = queries.scored_indicators(year)
    step(45, _("Laying out the attachments"))
    tables = [
        annex_1_1(year, "\n".join(filler.text(all_texts[narrative.SAVINGS]))),
        annex_1_2(year, filler, all_texts, scored),
    ]
    total = sum((s.score for s in scored if s.score is not None), ZERO)
    unit_name = "".join(filler.text(all_texts[narrative.UNIT_NAME]))
    figs["checks"].extend(narrative_checks(filler, figs["checks"]))
    return Report(
        year=year,
        unit_name=unit_name,
        title=f"{unit_name}{year}年度部门整体支出绩效自评报告",
        chapters=chapters,
        tables=tables,
        figures=figs,
        score=total,
        grade=rules.grade(rules.rules_for(year), total),
        trace=filler.trace,
    )
