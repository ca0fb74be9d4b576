"""The tax bureau's return file (税务核验结果): one row a deed-tax voucher with the tax it confirms. A voucher
of an application awaiting tax verification whose amount agrees is verified (the verify_tax step, for all
of them at once, by the user who uploads the file: the tax bureau's role); one whose amount differs stays
in verification and is listed; a voucher of no application awaiting verification is counted and skipped."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from anju.core import audit, imports
from anju.core.links import reverse
from anju.core.models import AuditEvent, User
from anju.lib.tabular import Column, Kind
from anju.subsidy import actions, rules
from anju.subsidy.models import Application, Status

COLUMNS = (
    Column("契税完税凭证号", Kind.CODE, required=True, max_length=40, terse=True),
    Column("契税税额", Kind.MONEY, required=True, terse=True, help="税务机关确认的已缴契税，元。"),
    Column("核验意见", max_length=200, omissible=True, terse=True),
)


@dataclass
class TaxResult:
    verified: int = 0
    skipped: int = 0
    differing: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"verified": self.verified, "skipped": self.skipped, "differing": self.differing}


class TaxFileImport(imports.ImportSpec):
    key = "subsidy.tax"
    title = "契税核验结果导入"
    module = "subsidy"
    tabs = ("subsidy/_tabs.html", "applications")
    permission = "review"
    columns = COLUMNS
    example = ("343126230000001", "15600.00", "已完税")
    notes = ("契税税额与申请一致的，税务核验通过；不一致的留在税务核验并列出；找不到待核验申请的凭证号跳过。",)

    def page_crumbs(self, target: imports.Options) -> list[imports.Crumb]:
        return [imports.Crumb(_("Home-purchase subsidies"), reverse("subsidy:home"))]

    def fetch(self, parsed: imports.Parsed, options: imports.Options) -> dict[str, Application]:
        vouchers = sorted({rules.normalize_code(r.values["契税完税凭证号"]) for r in parsed.rows if r.ok})
        found: dict[str, Application] = {}
        for chunk in imports.chunks(vouchers):
            pending = Application.objects.filter(tax_voucher__in=chunk, status=Status.TAX)
            found.update((a.tax_voucher, a) for a in pending.only("pk", "number", "tax_voucher", "deed_tax"))
        return found

    def write(
        self, actor: User | None, parsed: imports.Parsed, fetched: dict[str, Application], options: imports.Options
    ) -> TaxResult:
        result = TaxResult()
        agree: dict[int, Application] = {}
        for row in parsed.rows:
            app = fetched.get(rules.normalize_code(row.values["契税完税凭证号"]))
            if app is None:
                result.skipped += 1
            elif app.deed_tax == row.values["契税税额"]:
                agree[app.pk] = app
            else:
                result.differing.append(
                    {"row": row.number, "application": app.number, "declared": str(app.deed_tax),
                     "confirmed": str(row.values["契税税额"])}
                )  # fmt: skip
        if agree:
            actions.take_steps(actor, list(agree.values()), "verify_tax", note="税务机关核验结果文件确认")
        result.verified = len(agree)
        audit.record(
            actor,
            AuditEvent.Action.IMPORT,
            model="subsidy.Application",
            object_repr=options.get("filename", "")[:200],
            after={"verified": result.verified, "skipped": result.skipped, "differing": len(result.differing)},
            note=f"契税核验结果：通过{result.verified}份，不一致{len(result.differing)}份，跳过{result.skipped}行",
        )
        return result

    def summary(self, result: TaxResult) -> list[tuple[Any, Any]]:
        return [
            ("税务核验通过（份）", result.verified),
            ("税额不一致、仍待核验（份）", len(result.differing)),
            ("无待核验申请而跳过（行）", result.skipped),
            *(
                (f"第{d['row']}行 {d['application']}", f"申报{d['declared']}元，税务确认{d['confirmed']}元")
                for d in result.differing
            ),
        ]


TAX_IMPORT = TaxFileImport()
