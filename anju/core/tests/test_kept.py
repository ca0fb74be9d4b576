"""Figures kept per version of their tables (anju.core.kept) and computed once in a page's scope
(anju.core.memo): a kept figure is computed again whenever a watched table's version moves, never else."""

from __future__ import annotations

import pytest

from anju.core import kept, memo
from anju.core.models import TableVersion

pytestmark = pytest.mark.django_db


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


def test_a_kept_figure_is_computed_again_only_when_a_watched_table_moves() -> None:
    kept.forget()
    compute = Counter()
    assert kept.kept("figure", ["t_a", "t_b"], compute) == 1
    assert kept.kept("figure", ["t_b", "t_a"], compute) == 1  # the same tables in another order
    TableVersion.objects.create(table="t_other", n=1, stamp=5)
    assert kept.kept("figure", ["t_a", "t_b"], compute) == 1  # a table it does not read
    TableVersion.objects.create(table="t_a", n=1, stamp=7)
    assert kept.kept("figure", ["t_a", "t_b"], compute) == 2
    TableVersion.objects.filter(table="t_a").update(stamp=8)  # same count, another database: not the same
    assert kept.kept("figure", ["t_a", "t_b"], compute) == 3
    assert kept.kept("another", ["t_a", "t_b"], compute) == 4  # each name its own figure
    assert kept.kept("figure", ["t_a", "t_b"], compute) == 3


def test_the_kept_figures_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    kept.forget()
    monkeypatch.setattr(kept._kept, "size", 2)
    compute = Counter()
    for name in ("a", "b", "c"):
        kept.kept(name, ["t_a"], compute)
    assert kept.kept("c", ["t_a"], compute) == 3
    assert kept.kept("a", ["t_a"], compute) == 4  # the least recently used went first


def test_a_page_scope_computes_each_key_once_and_outside_every_call_computes() -> None:
    compute = Counter()
    assert [memo.once("k", compute), memo.once("k", compute)] == [1, 2]
    with memo.scope():
        assert [memo.once("k", compute), memo.once("k", compute), memo.once("j", compute)] == [3, 3, 4]
        with memo.scope():
            assert memo.once("k", compute) == 5
        assert memo.once("k", compute) == 3
    assert memo.once("k", compute) == 6


def test_a_scope_reads_the_versions_once_for_all_its_kept_figures(django_assert_num_queries: object) -> None:
    kept.forget()
    compute = Counter()
    with memo.scope(), django_assert_num_queries(1):  # type: ignore[operator]
        kept.kept("a", ["t_a", "t_b"], compute)
        kept.kept("b", ["t_b", "t_a"], compute)
        kept.kept("a", ["t_a", "t_b"], compute)
    assert compute.calls == 2


def test_a_table_is_unwatched_until_its_triggers_exist() -> None:
    """`unwatched` names the tables without their version triggers: the fund's rent tables have them (rental
    0007), a table nobody watches has none, and dropping one table's triggers makes it unwatched."""
    from django.db import connection

    from anju.core.migration_ops import _version_sql

    assert kept.unwatched(["rental_rentbill", "rental_payment"]) == []
    assert kept.unwatched(["rental_rentbill", "core_auditevent"]) == ["core_auditevent"]
    create, drop = _version_sql("rental_rentbill")
    with connection.cursor() as cursor:
        cursor.execute(drop[connection.vendor][-1])
    assert kept.unwatched(["rental_rentbill"]) == ["rental_rentbill"]
    with connection.cursor() as cursor:
        for statement in create[connection.vendor]:
            cursor.execute(statement)
    assert kept.unwatched(["rental_rentbill"]) == []
