"""Applications in bulk (issue 14's import contract), on the import kit: one row an application, all rows
or none. A bad value (an ID's check digit, a non-positive area or price, a contract date outside the
program's window, a missing field) refuses the whole file, named by row and column. A row whose 申请编号
exists is skipped and counted; duplicates are imported and flagged (the existing application too), with
the reasons of rules.REASONS. `anju subsidy import-applications FILE --program CODE` prints the result."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anju.core import audit, imports
from anju.core.links import reverse
from anju.core.models import AuditEvent, User
from anju.lib import ids
from anju.lib.tabular import Column, ImportRejected, Kind, RowError, file_error
from anju.subsidy import actions
from anju.subsidy.models import Application, Program

HEADERS = (
    "申请编号",
    "购房人姓名",
    "购房人身份证号",
    "共同购房人身份证号",
    "房屋坐落",
    "不动产单元号",
    "合同备案号",
    "合同签订日期",
    "建筑面积",
    "成交总价",
    "契税完税凭证号",
    "契税税额",
    "收款人",
    "收款账号",
    "开户行",
    "申请日期",
)
MAX = Decimal("99999999.99")


def _positive(value: Decimal) -> Decimal:
    if value <= 0:
        raise ValueError("须大于0")
    if value > MAX:
        raise ValueError("过大")
    return value


def _not_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError("不能为负数")
    if value > MAX:
        raise ValueError("过大")
    return value


def _co_buyers(text: str) -> tuple[str, ...]:
    numbers = []
    for part in actions.split_ids(text):
        try:
            numbers.append(ids.normalize_resident_id(part))
        except ValueError as exc:
            raise ValueError(f"{exc}：{part}") from None
    return tuple(numbers)


def _area(value: Decimal) -> Decimal:
    return _positive(value)


COLUMNS = (
    Column("申请编号", Kind.CODE, required=True, max_length=40, terse=True, help="已导入的申请编号再次导入时跳过。"),
    Column("购房人姓名", required=True, max_length=60, terse=True),
    Column("购房人身份证号", Kind.ID_NUMBER, required=True, terse=True, help="18位居民身份证号码，校验位须正确。"),
    Column(
        "共同购房人身份证号",
        required=False,
        omissible=True,
        terse=True,
        check=_co_buyers,
        help="多人以“；”或“;”分隔。",
    ),
    Column("房屋坐落", required=True, max_length=200, terse=True),
    Column("不动产单元号", Kind.CODE, required=True, max_length=40, terse=True),
    Column("合同备案号", Kind.CODE, required=True, max_length=40, terse=True, help="网签合同备案号。"),
    Column("合同签订日期", Kind.DATE, required=True, terse=True, help="须在补贴项目的资格期间内。"),
    Column("建筑面积", Kind.DECIMAL, required=True, terse=True, check=_area, help="平方米，大于0。"),
    Column("成交总价", Kind.MONEY, required=True, terse=True, check=_positive, help="元，大于0。"),
    Column("契税完税凭证号", Kind.CODE, required=True, max_length=40, terse=True),
    Column("契税税额", Kind.MONEY, required=True, terse=True, check=_not_negative, help="元。"),
    Column("收款人", required=True, max_length=60, terse=True),
    Column("收款账号", Kind.CODE, required=True, max_length=40, terse=True),
    Column("开户行", required=True, max_length=80, terse=True),
    Column("申请日期", Kind.DATE, required=True, terse=True),
)


@dataclass
class ImportResult:
    imported: int = 0
    skipped: int = 0
    flags: list[dict[str, Any]] = field(default_factory=list)
    flagged_existing: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"imported": self.imported, "skipped": self.skipped, "flagged": len(self.flags), "flags": self.flags}


def new_application(values: dict[str, Any]) -> actions.NewApplication:
    return actions.NewApplication(
        number=values["申请编号"],
        buyer_name=values["购房人姓名"],
        buyer_id=values["购房人身份证号"],
        co_buyer_ids=values.get("共同购房人身份证号") or (),
        address=values["房屋坐落"],
        unit_code=values["不动产单元号"],
        contract_number=values["合同备案号"],
        contract_date=values["合同签订日期"],
        area=values["建筑面积"],
        price=values["成交总价"],
        tax_voucher=values["契税完税凭证号"],
        deed_tax=values["契税税额"],
        payee_name=values["收款人"],
        payee_account=values["收款账号"],
        payee_bank=values["开户行"],
        applied_on=values["申请日期"],
    )


class ApplicationsImport(imports.ImportSpec):
    key = "subsidy.applications"
    title = "购房补贴申请导入"
    module = "subsidy"
    tabs = ("subsidy/_tabs.html", "applications")
    columns = COLUMNS
    example = (
        "GF2023-00001", "张三", "431202198001011234", "431202198202021238", "鹤城区迎丰中路88号3栋1单元501",
        "431202003001GB00001F00010501", "WQ2023-0001", "2023-06-01", "98.50", "520000.00", "HN2023-000001",
        "15600.00", "张三", "6217000000000000001", "中国建设银行怀化分行", "2023-07-10",
    )  # fmt: skip
    command = "anju subsidy import-applications FILE --program CODE"
    notes = (
        "申请编号已在系统中或在文件前面的行中出现的行跳过并计数。",
        "同一文件中或与系统中已有申请的不动产单元号、合同备案号、契税完税凭证号、购房人或收款账号相同的，照常导入并标记为疑似重复，"
        "由经办人以外的第二人核查清除后才能审核通过。",
    )

    def page_crumbs(self, target: imports.Options) -> list[imports.Crumb]:
        return [imports.Crumb(_("Home-purchase subsidies"), reverse("subsidy:home"))]

    def prepare(self, options: imports.Options) -> imports.Options:
        program = options.get("program")
        if isinstance(program, Program):
            return options
        found = Program.objects.filter(code=str(program or "")).first()
        if found is None:
            raise file_error(f"没有代码为“{program}”的补贴项目")
        return {**options, "program": found}

    def form_fields(self, target: imports.Options) -> dict[str, forms.Field]:
        return {
            "program": forms.ModelChoiceField(
                Program.objects.all(), label="补贴项目", to_field_name="code", empty_label=None
            )
        }

    def fetch(self, parsed: imports.Parsed, options: imports.Options) -> set[str]:
        numbers = sorted({row.values["申请编号"] for row in parsed.rows if row.values["申请编号"]})
        found: set[str] = set()
        for chunk in imports.chunks(numbers):
            found.update(Application.objects.filter(number__in=chunk).values_list("number", flat=True))
        return found

    def check(self, parsed: imports.Parsed, fetched: set[str], options: imports.Options) -> list[RowError]:
        program: Program = options["program"]
        versions = list(program.rules.order_by("-effective_from"))
        errors: list[RowError] = []
        for row in parsed.rows:
            day = row.values["合同签订日期"]
            if day is None:
                continue
            if not program.window_from <= day <= program.window_to:
                errors.append(
                    RowError(
                        row.number,
                        "合同签订日期",
                        f"{day:%Y-%m-%d}不在{program.name}的资格期间"
                        f"（{program.window_from:%Y-%m-%d}至{program.window_to:%Y-%m-%d}）内",
                    )
                )
            elif actions.rule_for(versions, day) is None:
                errors.append(RowError(row.number, "合同签订日期", f"{day:%Y-%m-%d}签订的合同没有适用的补贴标准"))
        return errors

    def write(
        self, actor: User | None, parsed: imports.Parsed, fetched: set[str], options: imports.Options
    ) -> ImportResult:
        program: Program = options["program"]
        result = ImportResult()
        rows = []
        taken = set(fetched)
        for row in parsed.rows:  # a number in Anju, or on an earlier row of the file, already exists: skipped
            if row.values["申请编号"] in taken:
                result.skipped += 1
            else:
                taken.add(row.values["申请编号"])
                rows.append(row)
        registered = actions.register_applications(
            actor, program, [new_application(row.values) for row in rows], source=Application.Source.IMPORT
        )
        for index, row in enumerate(rows):
            reasons = registered.reasons.get(index)
            if reasons:
                result.flags.append({"row": row.number, "application": row.values["申请编号"], "reasons": reasons})
        result.imported = len(rows)
        result.flagged_existing = registered.flagged_existing
        audit.record(
            actor,
            AuditEvent.Action.IMPORT,
            model="subsidy.Application",
            object_repr=options.get("filename", "")[:200],
            after={**result.as_dict(), "flags": len(result.flags), "program": program.code},
            note=f"导入{program.name}补贴申请{result.imported}份，跳过{result.skipped}份，疑似重复{len(result.flags)}份",
        )
        return result

    def summary(self, result: ImportResult) -> list[tuple[Any, Any]]:
        return [
            ("导入申请（份）", result.imported),
            ("申请编号已存在而跳过（份）", result.skipped),
            ("疑似重复（份）", len(result.flags)),
            ("被标记的已有申请（份）", result.flagged_existing),
        ]


APPLICATIONS_IMPORT = ApplicationsImport()


def import_applications(
    actor: User | None, filename: str, content: bytes, *, program: Program | str, ip: str | None = None
) -> ImportResult:
    result: ImportResult = imports.run(APPLICATIONS_IMPORT, actor, filename, content, ip=ip, program=program)
    return result


__all__ = ["APPLICATIONS_IMPORT", "HEADERS", "ImportRejected", "import_applications"]
