"""The owners' vote sheet import of a use application (业主表决导入), on the import kit: all or nothing,
each bad row named with its column and reason. Units not in the file keep their vote."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anju.core import imports
from anju.core.links import reverse
from anju.core.models import User
from anju.fund.models import ScopeUnit, UseApplication
from anju.fund.use import actions as use
from anju.fund.use import queries as use_queries
from anju.lib.tabular import Column, ImportRejected, RowError

CHOICES = "同意、反对、弃权、未表决"
Vote = ScopeUnit.Vote


def _vote(label: str) -> str:
    if label not in use_queries.VOTE_LABELS:
        raise ValueError(f"“{label}”不是 {CHOICES} 之一")
    return use_queries.VOTE_LABELS[label]


COLUMNS = (
    Column("房屋编码", required=True, help="分摊范围内房屋的编码；同一房屋只能出现一次。"),
    Column("表决意见", choices=use_queries.VOTE_LABELS, check=_vote, help="留空即未表决。"),
    Column("业主", omissible=True, help="仅供核对，导入时不读取。"),
    Column("建筑面积", omissible=True, help="仅供核对，导入时不读取。"),
)


@dataclass
class _Scope:
    units: list[tuple[str, str, str]]  # unit code, owner key, current vote
    votes: dict[str, str]
    first_row: dict[str, int]


class VotesImport(imports.ImportSpec):
    key = "fund.use_votes"
    title = "业主表决导入"
    module = "fund"
    columns = COLUMNS
    notes = ("同一业主的多户房屋表决意见须一致（一位业主只能表决一次）。", "申请页的“表决表”即为填好当前表决的模板。")
    example = ("P0001-1-1-101", "同意", "张三", "89.50")

    def target(self, **url_kwargs: Any) -> imports.Options:
        return {"application": get_object_or_404(UseApplication, pk=url_kwargs["pk"])}

    def page_crumbs(self, target: imports.Options) -> list[imports.Crumb]:
        application: UseApplication = target["application"]
        return [
            imports.Crumb(_("Maintenance fund"), reverse("fund:home")),
            imports.Crumb(_("Use for repairs"), reverse("fund:uses")),
            imports.Crumb(application.number, reverse("fund:use", args=[application.pk]) + "?tab=vote"),
        ]

    def fetch(self, parsed: imports.Parsed, options: imports.Options) -> _Scope:
        application: UseApplication = options["application"]
        units = list(application.scope_units.values_list("unit__code", "owner_key", "vote"))
        return _Scope(units, {}, {})

    def check(self, parsed: imports.Parsed, fetched: _Scope, options: imports.Options) -> list[RowError]:
        codes = {code for code, _, _ in fetched.units}
        errors: list[RowError] = []
        for row in parsed.rows:
            code, vote = row.values["房屋编码"], row.values["表决意见"]
            if code is None:
                continue
            if code not in codes:
                errors.append(RowError(row.number, "房屋编码", f"{code} 不在本申请的分摊范围内"))
            elif code in fetched.first_row:
                errors.append(RowError(row.number, "房屋编码", f"与第 {fetched.first_row[code]} 行重复"))
            elif "表决意见" not in row.failed:
                fetched.votes[code] = vote or Vote.NOT_VOTED
                fetched.first_row[code] = row.number
        if not errors and not parsed.errors:
            errors = owner_conflicts(fetched.units, fetched.votes, fetched.first_row)
        return errors

    def write(self, actor: User | None, parsed: imports.Parsed, fetched: _Scope, options: imports.Options) -> Any:
        try:
            return use.record_votes(actor, options["application"], fetched.votes)
        except use.UseError as exc:
            raise ImportRejected([RowError(0, "表决意见", str(exc))]) from exc

    def done(self, result: Any, options: imports.Options) -> imports.Done:
        url = reverse("fund:use", args=[options["application"].pk]) + "?tab=vote"
        if result.outcome.passed:
            return imports.Done(url, gettext("Votes saved: the vote passes."))
        return imports.Done(url, gettext("Votes saved: the vote does not pass (yet)."), level="warning")


def owner_conflicts(
    scope: Sequence[tuple[str, str, str]], votes: Mapping[str, str], first_row: Mapping[str, int]
) -> list[RowError]:
    """Rows that would give one owner's units different votes (with the file's votes over the current
    ones), each named by its row, with the owner's other units that vote otherwise."""
    by_owner: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for code, key, current in scope:
        by_owner[key].append((code, votes.get(code, current)))
    errors = []
    for units in by_owner.values():
        if len({vote for _, vote in units if vote != Vote.NOT_VOTED}) < 2:
            continue
        for code, vote in units:
            if code not in votes or vote == Vote.NOT_VOTED:
                continue
            others = [c for c, v in units if c != code and v not in (vote, Vote.NOT_VOTED)]
            more = f"等 {len(others)} 户" if len(others) > 5 else ""
            errors.append(
                RowError(
                    first_row[code],
                    "表决意见",
                    f"{code} 与同一业主的房屋 {'、'.join(others[:5])}{more} 表决意见不一致（一位业主只能表决一次）",
                )
            )
    return sorted(errors, key=lambda e: e.row)


VOTES_IMPORT = VotesImport()


def import_votes(actor: User | None, application: UseApplication, filename: str, content: bytes) -> use_queries.Tally:
    """Votes from a sheet (房屋编码, 表决意见 同意/反对/弃权/未表决): all or nothing."""
    result: use_queries.Tally = imports.run(VOTES_IMPORT, actor, filename, content, application=application)
    return result
