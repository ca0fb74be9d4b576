"""The chain's pass over the lines cut into parts (`chain_parts`) finds exactly what the one pass finds: on
honest lines, on lines altered inside an entry a cut falls in, on an entry whose lines are on several days, and
through `anju fund check` with its processes forked on a SQLite file."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable

import pytest
from django.db import connection, transaction

from anju.fund import chain_check, chain_parts, checks
from anju.fund.models import JournalEntry
from anju.fund.tests import factories

PG = connection.vendor == "postgresql"


def sql(statement: str, params: list[object] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def in_parts(parts: int) -> tuple[dict[int, chain_check.EntryLines], list[list[chain_parts.Fragment]]]:
    plan = chain_parts.plan(parts, min_lines=0)
    assert plan is not None and len(plan) == parts
    fragments = [part.read() for part in plan]
    return chain_parts.merge(fragments), fragments


def cut_entries(fragments: list[list[chain_parts.Fragment]]) -> set[int]:
    """The entries whose lines lie in more than one part."""
    seen: dict[int, int] = {}
    for fragment in (f for part in fragments for f in part):
        seen[fragment.entry_id] = seen.get(fragment.entry_id, 0) + 1
    return {entry for entry, times in seen.items() if times > 1}


@pytest.mark.django_db
def test_the_parts_find_what_the_one_pass_finds() -> None:
    if PG:  # pages of lines rolled back before the journal's (as a failed posting leaves): no cut falls there
        # The table's storage made anew (empty: the test's transaction sees no line): the lines then fill its
        # pages in order. Left as earlier tests left it, the space their rolled-back lines freed (autovacuum)
        # took this test's lines in whatever pages it had, and the first and last line could lie fewer pages
        # apart than the parts asked for (no cut: `plan` answers None, as it should for so few pages).
        sql("TRUNCATE fund_journalline")
        with contextlib.suppress(RuntimeError), transaction.atomic():
            factories.journal(entries=60, units=8)
            raise RuntimeError("rolled back")
    factories.journal()
    whole = chain_check.lines_by_entry()
    assert len(whole) == 80 and sum(stats.count for stats in whole.values()) == 720
    cut: set[int] = set()
    for parts in (2, 3, 5):
        found, fragments = in_parts(parts)
        assert found == whole, parts
        cut |= cut_entries(fragments)
        # Every line is in exactly one part.
        assert sum(f.count for part in fragments for f in part) == 720
    assert cut, "no cut fell inside an entry: the joining of the texts went untested"

    # A line of an entry a cut falls in altered (its amount), and another entry's lines moved onto two days:
    # the parts hash what the one pass hashes, and the check says the same either way.
    victim = min(cut)
    if PG:
        sql("SET CONSTRAINTS ALL IMMEDIATE")  # the pending checks fired first, as an owner of the tables can
        sql("ALTER TABLE fund_journalline DISABLE TRIGGER USER")
    else:
        sql("DROP TRIGGER fund_journalline_no_update")
    sql(
        "UPDATE fund_journalline SET amount = amount + 1 WHERE id = (SELECT MAX(id) FROM fund_journalline "
        "WHERE entry_id = %s AND amount > 0)",
        [victim],
    )
    other = JournalEntry.objects.exclude(pk=victim).order_by("seq").values_list("pk", flat=True)[5]
    sql(
        "UPDATE fund_journalline SET day = day + 1 WHERE id = (SELECT MIN(id) FROM fund_journalline "
        "WHERE entry_id = %s)",
        [other],
    )
    whole = chain_check.lines_by_entry()
    for parts in (2, 3, 5):
        found = in_parts(parts)[0]
        if PG:  # the altered line's new version is written elsewhere in the table: its order is the scan's
            assert {k: (v.count, v.total) for k, v in found.items()} == {
                k: (v.count, v.total) for k, v in whole.items()
            }
        else:
            assert found == whole, parts
    assert whole[victim].total == 1  # one fen more: unbalanced

    one, three = checks.check_ledger(parts=1), checks.check_ledger(parts=3)
    assert not one.ok and one.as_dict() == three.as_dict()
    victim_seq = JournalEntry.objects.get(pk=victim).seq
    assert three.chain["first_broken"]["seq"] == min(  # type: ignore[index]
        victim_seq, JournalEntry.objects.get(pk=other).seq
    )
    assert any(v.rule == "balanced" and f"#{victim_seq} " in v.message for v in three.violations)


@pytest.mark.django_db
def test_one_pass_where_the_lines_are_few() -> None:
    factories.journal(entries=3, units=2)
    assert chain_parts.plan(2) is None  # fewer than SPLIT_MIN lines
    assert chain_parts.plan(1, min_lines=0) is None
    # Asked for, even nine lines are cut (on PostgreSQL by the table's pages, as many as the table has).
    plan = chain_parts.plan(4, min_lines=0)
    if not PG:
        assert plan is not None and len(plan) == 4
    if plan is not None:
        assert chain_parts.merge([part.read() for part in plan]) == chain_check.lines_by_entry()
    assert not chain_parts.forkable()  # inside the test's transaction


FORKED = """
import json, os
from anju.fund import chain_parts
big = "行" * 300_000  # more than a pipe holds at once
results = chain_parts.forked([os.getpid, lambda: big, lambda: sum(range(10))])
try:
    chain_parts.forked([lambda: 1, lambda: 1 // 0])
    failure = ""
except RuntimeError as exc:
    failure = str(exc)
print(json.dumps([os.getpid(), results[0], results[1] == big, results[2], failure]))
"""


def test_forked_runs_each_work_in_a_process_of_its_own(anju_on_file: Callable[..., str]) -> None:
    """In a process of its own (pytest's workers run threads, which a fork does not copy)."""
    out = anju_on_file("shell", "-v", "0", "-c", FORKED)
    parent, child, big_back, total, failure = json.loads(out)
    assert child != parent and big_back and total == 45
    assert "ZeroDivisionError" in failure


CHECK = """
import json
from anju.fund import chain_parts, checks
chain_parts.SPLIT_MIN = 0
assert chain_parts.forkable()
print(json.dumps([checks.check_ledger(parts=p).as_dict() for p in (1, 3)]))
"""
JOURNAL = """
from anju.fund.tests import factories
factories.journal(entries=20, units=4)
"""
TAMPER = """
from django.db import connection
with connection.cursor() as c:
    c.execute("DROP TRIGGER fund_journalline_no_update")
    c.execute("UPDATE fund_journalline SET account_id = (SELECT MIN(account_id) FROM fund_journalline) "
              "WHERE id = (SELECT id FROM fund_journalline ORDER BY entry_id, id LIMIT 1 OFFSET 34)")
"""


@pytest.mark.skipif(PG, reason="the processes are forked on SQLite; PostgreSQL's parts are its connections")
def test_the_check_forks_its_parts_on_a_sqlite_file(anju_on_file: Callable[..., str]) -> None:
    anju = anju_on_file
    anju("migrate", "-v", "0")
    anju("shell", "-v", "0", "-c", JOURNAL)
    one, three = json.loads(anju("shell", "-v", "0", "-c", CHECK))
    assert one["ok"] and one == three and three["lines"] == 100 and three["chain"]["verified"] == 20
    # A line moved to another ledger, in the entry the first cut (at line 33 of 100) falls in.
    anju("shell", "-v", "0", "-c", TAMPER)
    one, three = json.loads(anju("shell", "-v", "0", "-c", CHECK))
    assert not one["ok"] and one == three, three
    assert three["chain"]["first_broken"]["failure"] == "lines"
    assert {v["rule"] for v in three["violations"]} >= {"unchanged", "balances"}
