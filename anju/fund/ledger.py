"""Posting to the fund journal. Every money movement goes through `post` or `post_bulk`.

Both lock the ledger head (so entry numbers have no gaps and each entry's HMAC chains from the one
before it, `anju.fund.chain`), write the entry and its lines, and move the cached balances in the same
transaction. The MACs are computed from the lines being inserted, never by reading them back.
`post` also locks the accounts it takes money from and refuses to overdraw them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from anju.core import audit, bulk
from anju.core.fields import from_fen, to_fen
from anju.core.imports import among
from anju.core.models import AuditEvent, User
from anju.fund import chain
from anju.fund.errors import LedgerError, Overdraw
from anju.fund.models import Account, JournalEntry, JournalLine, LedgerHead
from anju.lib.money import FEN

ASSET_KINDS = tuple(str(k) for k in Account.ASSET_KINDS)
MANY_ACCOUNTS = 20  # above this many accounts, `post` moves the balances set-based


@dataclass(frozen=True)
class Leg:
    account: Account
    amount: Decimal  # debit-positive


def debit(account: Account, amount: Decimal) -> Leg:
    return Leg(account, amount)


def credit(account: Account, amount: Decimal) -> Leg:
    return Leg(account, -amount)


def _next_seq() -> tuple[LedgerHead, int]:
    # On PostgreSQL the row lock serializes postings; on SQLite every transaction holds the write
    # lock from its BEGIN (transaction_mode IMMEDIATE).
    head, _ = LedgerHead.objects.select_for_update().get_or_create(pk=1)
    return head, head.last_seq + 1


def _advance(head: LedgerHead, seq: int, mac: str, key_id: str) -> None:
    head.last_seq, head.last_mac, head.key_id = seq, mac, key_id
    head.save(update_fields=["last_seq", "last_mac", "key_id"])


@dataclass(frozen=True)
class Signed:
    key_id: str
    prev_mac: str
    lines_sha256: str
    mac: str


def sign(
    secret: chain.LedgerKey,
    prev_mac: str,
    *,
    seq: int,
    kind: str,
    value_date: dt.date,
    posted_at: dt.datetime,
    posted_by_id: int | None,
    posted_by_name: str,
    memo: str,
    document: str,
    bank_txn_id: str | None,
    reverses_seq: int | None,
    lines: Iterable[tuple[int, int]],
) -> Signed:
    """The chain fields of an entry about to be written: lines are (account id, amount in fen)."""
    fields = chain.EntryFields(
        seq=seq,
        kind=str(kind),
        value_date=value_date.isoformat(),
        posted_at=chain.utc_text(posted_at),
        posted_by_id=posted_by_id,
        posted_by_name=posted_by_name,
        memo=memo,
        document=document,
        bank_txn_id=bank_txn_id,
        reverses_seq=reverses_seq,
        key_id=secret.id,
    )
    lines_hex = chain.lines_sha256(lines, value_date.toordinal())
    return Signed(secret.id, prev_mac, lines_hex, chain.entry_mac(secret, fields, lines_hex, prev_mac))


def _actor_name(actor: User | None) -> str:
    return audit.actor_label(actor)


def _check_line_amount(amount: Decimal) -> None:
    if amount == 0:
        raise LedgerError("分录金额不能为零", code="zero_amount")
    if amount != amount.quantize(FEN):
        raise LedgerError(f"分录金额最多两位小数：{amount}", code="fractional_fen")


def _check_amounts(amounts: Iterable[Decimal]) -> None:
    total = Decimal(0)
    count = 0
    for amount in amounts:
        _check_line_amount(amount)
        total += amount
        count += 1
    if count < 2:
        raise LedgerError("一笔分录至少两行", code="one_line")
    if total != 0:
        raise LedgerError(f"借贷不平衡：合计 {total}", code="unbalanced")


@transaction.atomic
def post(
    *,
    kind: str,
    value_date: dt.date,
    legs: Sequence[Leg],
    actor: User | None,
    memo: str = "",
    document: str = "",
    bank_txn_id: str | None = None,
    reverses: JournalEntry | None = None,
) -> JournalEntry:
    """Post one balanced entry. Liability accounts (unit ledgers, pooled, suspense) never go below zero."""
    _check_amounts(leg.amount for leg in legs)
    delta: dict[int, Decimal] = defaultdict(Decimal)
    for leg in legs:
        delta[leg.account.pk] += leg.amount
    # Lock every account touched, in id order so concurrent postings cannot deadlock.
    locked = _lock_accounts(delta)
    _check_postable(kind, locked, delta)
    head, seq = _next_seq()
    lines = [(leg.account.pk, leg.amount) for leg in legs]
    entry = _create_entry(
        head,
        seq,
        kind,
        value_date,
        actor,
        memo,
        document,
        [(account_id, to_fen(amount)) for account_id, amount in lines],
        bank_txn_id=bank_txn_id,
        reverses=reverses,
    )
    day = value_date.toordinal()
    JournalLine.objects.bulk_create(
        [JournalLine(entry=entry, account_id=account_id, amount=amount, day=day) for account_id, amount in lines]
    )
    if len(delta) > MANY_ACCOUNTS:
        # A repair shared by a whole estate: one statement instead of an UPDATE per ledger.
        apply_entry_to_balances(entry.pk)
    else:
        for account_id, amount in delta.items():
            # Raw fen: F() arithmetic bypasses MoneyField's conversion.
            Account.objects.filter(pk=account_id).update(
                balance=F("balance") + locked[account_id].sign * to_fen(amount)
            )
    _advance(head, seq, entry.mac, entry.key_id)
    audit.record(
        actor,
        AuditEvent.Action.CREATE,
        entry,
        after={
            "kind": kind,
            "value_date": value_date.isoformat(),
            "lines": [[a, str(m)] for a, m in lines],
            "document": document,
            "bank_txn_id": bank_txn_id,
        },
    )
    return entry


def _create_entry(
    head: LedgerHead,
    seq: int,
    kind: str,
    value_date: dt.date,
    actor: User | None,
    memo: str,
    document: str,
    fen_lines: Sequence[tuple[int, int]],
    *,
    bank_txn_id: str | None = None,
    reverses: JournalEntry | None = None,
) -> JournalEntry:
    """The entry's row, signed over its lines (account id, amount in fen): its MAC chains from the
    head's last MAC."""
    memo = memo[:300]
    posted_by = actor if actor and actor.pk else None
    name = _actor_name(actor)
    posted_at = timezone.now()
    signed = sign(
        chain.signing_key(head.key_id),
        head.last_mac,
        seq=seq,
        kind=kind,
        value_date=value_date,
        posted_at=posted_at,
        posted_by_id=posted_by.pk if posted_by else None,
        posted_by_name=name,
        memo=memo,
        document=document,
        bank_txn_id=bank_txn_id,
        reverses_seq=reverses.seq if reverses else None,
        lines=fen_lines,
    )
    return JournalEntry.objects.create(
        seq=seq,
        kind=kind,
        value_date=value_date,
        posted_at=posted_at,
        posted_by=posted_by,
        posted_by_name=name,
        memo=memo,
        document=document,
        bank_txn_id=bank_txn_id,
        reverses=reverses,
        key_id=signed.key_id,
        prev_mac=signed.prev_mac,
        lines_sha256=signed.lines_sha256,
        mac=signed.mac,
    )


@transaction.atomic
def post_bulk(
    *,
    kind: str,
    value_date: dt.date,
    lines: Sequence[tuple[int, Decimal]],
    actor: User | None,
    memo: str = "",
    document: str = "",
) -> JournalEntry:
    """Post one entry with many lines (interest to every unit, a demo year of deposits) set-based:
    the lines go in by multi-row INSERT and the balances move in one UPDATE. Only for entries that
    cannot overdraw (credits to liability accounts against a debit to an asset account)."""
    _check_amounts(amount for _, amount in lines)
    head, seq = _next_seq()
    fen_lines = [(account_id, to_fen(amount)) for account_id, amount in lines]
    entry = _create_entry(head, seq, kind, value_date, actor, memo, document, fen_lines)
    day = value_date.toordinal()
    bulk.insert_rows(
        JournalLine,
        ["entry_id", "account_id", "amount", "day"],
        ((entry.pk, account_id, fen, day) for account_id, fen in fen_lines),
    )
    if connection.vendor == "postgresql":
        deltas: dict[int, int] = defaultdict(int)
        for account_id, fen in fen_lines:
            deltas[account_id] += fen
        _apply_deltas(deltas)
    else:
        apply_entry_to_balances(entry.pk)
    _advance(head, seq, entry.mac, entry.key_id)
    audit.record(
        actor,
        AuditEvent.Action.CREATE,
        entry,
        after={"kind": kind, "value_date": value_date.isoformat(), "lines": len(lines), "document": document},
    )
    return entry


@transaction.atomic
def post_staged(
    *,
    kind: str,
    value_date: dt.date,
    lines: Sequence[tuple[int, Decimal]],
    staged: str,
    actor: User | None,
    memo: str = "",
    document: str = "",
) -> tuple[JournalEntry, int]:
    """Post one entry whose many lines the database already holds: `lines` first (a few, in Python), then
    the rows of the temporary table `staged` (account_id, amount in fen, debit-positive, one row per
    account, none zero) in account order, as `post_bulk` would write the same list. The MAC is computed
    from the staged rows before they are written; the lines go in by INSERT … SELECT and the staged
    accounts' balances move in one UPDATE … FROM, so no line crosses to Python and back. Only for
    entries that cannot overdraw (credits to liability accounts against a debit to an asset account).
    Returns the entry and the number of staged lines."""
    table = connection.ops.quote_name(staged)
    for _, amount in lines:
        _check_line_amount(amount)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT account_id, amount FROM {table} ORDER BY account_id")
        rows: list[tuple[int, int]] = cursor.fetchall()
    fen_lines = [(account_id, to_fen(amount)) for account_id, amount in lines]
    total = sum(fen for _, fen in fen_lines) + sum(fen for _, fen in rows)
    if len(fen_lines) + len(rows) < 2:
        raise LedgerError("一笔分录至少两行", code="one_line")
    if any(fen == 0 for _, fen in rows):
        raise LedgerError("分录金额不能为零", code="zero_amount")
    if total != 0:
        raise LedgerError(f"借贷不平衡：合计 {Decimal(total).scaleb(-2)}", code="unbalanced")
    head, seq = _next_seq()
    entry = _create_entry(head, seq, kind, value_date, actor, memo, document, fen_lines + rows)
    del rows
    day = value_date.toordinal()
    bulk.insert_rows(
        JournalLine, ["entry_id", "account_id", "amount", "day"], ((entry.pk, a, fen, day) for a, fen in fen_lines)
    )
    line = connection.ops.quote_name(JournalLine._meta.db_table)
    with connection.cursor() as cursor:
        # In account order, so the line ids follow the order the MAC covers.
        cursor.execute(
            f"INSERT INTO {line} (entry_id, account_id, amount, day) "
            f"SELECT %s, account_id, amount, %s FROM {table} ORDER BY account_id",
            [entry.pk, day],
        )
        count = cursor.rowcount
    deltas: dict[int, int] = defaultdict(int)
    for account_id, fen in fen_lines:
        deltas[account_id] += fen
    _apply_table_to_balances(
        "SELECT account_id, amount AS total FROM " + table, [(account_id, deltas[account_id]) for account_id in deltas]
    )
    _advance(head, seq, entry.mac, entry.key_id)
    audit.record(
        actor,
        AuditEvent.Action.CREATE,
        entry,
        after={
            "kind": kind,
            "value_date": value_date.isoformat(),
            "lines": len(lines) + count,
            "document": document,
        },
    )
    return entry, count


def _apply_table_to_balances(source: str, few: Sequence[tuple[int, int]]) -> None:
    """Move the cached balances by `source`'s rows (account_id, total in fen, debit-positive, one row per
    account) in one UPDATE … FROM, and by the `few` (account id, fen) given, one UPDATE each."""
    account = connection.ops.quote_name(Account._meta.db_table)
    kinds = ", ".join(["%s"] * len(ASSET_KINDS))
    signed = f"CASE WHEN {account}.kind IN ({kinds}) THEN %s ELSE -%s END"
    with connection.cursor() as cursor:
        for account_id, fen in few:
            cursor.execute(
                f"UPDATE {account} SET balance = {account}.balance + {signed} WHERE id = %s",
                [*ASSET_KINDS, fen, fen, account_id],
            )
        cursor.execute(
            f"UPDATE {account} SET balance = {account}.balance + "
            f"CASE WHEN {account}.kind IN ({kinds}) THEN s.total ELSE -s.total END "
            f"FROM ({source}) AS s WHERE {account}.id = s.account_id",
            [*ASSET_KINDS],
        )


def apply_entry_to_balances(entry_id: int) -> None:
    """Move every touched account's cached balance by its lines in the entry, in one statement."""
    _apply_lines_to_balances("entry_id = %s", [entry_id])


def _apply_deltas(deltas: dict[int, int]) -> None:
    """PostgreSQL: move balances by per-account line sums in fen (debit-positive), known in Python.

    The sums go into a temporary table by COPY and one UPDATE joins it; re-aggregating the lines just
    written would leave the plan to statistics that a bulk load has made stale."""
    account = connection.ops.quote_name(Account._meta.db_table)
    kinds = ", ".join(["%s"] * len(ASSET_KINDS))
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE IF NOT EXISTS anju_balance_delta (account_id bigint, total bigint)")
        cursor.execute("TRUNCATE anju_balance_delta")
        with cursor.cursor.copy("COPY anju_balance_delta (account_id, total) FROM STDIN") as copy:
            for account_id, total in deltas.items():
                copy.write_row((account_id, total))
        cursor.execute("ANALYZE anju_balance_delta")
        cursor.execute(
            f"UPDATE {account} SET balance = {account}.balance + "
            f"CASE WHEN {account}.kind IN ({kinds}) THEN d.total ELSE -d.total END "
            f"FROM anju_balance_delta d WHERE {account}.id = d.account_id",
            [*ASSET_KINDS],
        )


def _apply_lines_to_balances(where: str, params: list[Any]) -> None:
    account = connection.ops.quote_name(Account._meta.db_table)
    line = connection.ops.quote_name(JournalLine._meta.db_table)
    kinds = ", ".join(["%s"] * len(ASSET_KINDS))
    sql = (
        f"UPDATE {account} SET balance = {account}.balance + "
        f"CASE WHEN {account}.kind IN ({kinds}) THEN s.total ELSE -s.total END "
        f"FROM (SELECT account_id, SUM(amount) AS total FROM {line} WHERE {where} GROUP BY account_id) AS s "
        f"WHERE {account}.id = s.account_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ASSET_KINDS, *params])


@dataclass(frozen=True)
class EntrySpec:
    """One entry of a `post_many` batch."""

    kind: str
    value_date: dt.date
    legs: Sequence[Leg]
    memo: str = ""
    document: str = ""
    bank_txn_id: str | None = None


def _lock_accounts(account_ids: Iterable[int]) -> dict[int, Account]:
    ids = sorted(set(account_ids))
    locked: dict[int, Account] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        rows = Account.objects.select_for_update().filter(pk__in=chunk).order_by("pk")
        # Only what the checks read: a bank file's 50k ledgers built whole cost seconds.
        locked.update((a.pk, a) for a in rows.only("id", "kind", "balance", "closed", "unit_id", "name"))
    return locked


def _check_postable(kind: str, locked: dict[int, Account], delta: dict[int, Decimal]) -> None:
    for account_id, amount in delta.items():
        account = locked[account_id]
        new_balance = account.balance + account.sign * amount
        if not account.is_asset and new_balance < 0:
            raise Overdraw(f"{account} 余额不足：余额 {account.balance}，需支出 {-account.sign * amount}")
        if account.closed is not None and kind != JournalEntry.Kind.REVERSAL:
            raise LedgerError(f"{account} 已销户，不能记账", code="account_closed")


@transaction.atomic
def post_many(specs: Sequence[EntrySpec], *, actor: User | None, note: str = "") -> list[JournalEntry]:
    """Post many entries at once (a bank file's receipts, each its own entry with its own bank
    transaction id): the same rules as `post`, with the accounts locked once, the entries and lines
    written by multi-row INSERT and the balances moved in one UPDATE. One audit event for the batch
    (`post_rows`, which takes the lines in fen and builds no model objects)."""
    if not specs:
        return []
    # Checked against the outflows alone, so no order of the batch's entries could overdraw.
    outflow: dict[int, Decimal] = defaultdict(Decimal)
    entries: list[NewEntry] = []
    for spec in specs:
        _check_amounts(leg.amount for leg in spec.legs)
        for leg in spec.legs:
            if leg.account.sign * leg.amount < 0:
                outflow[leg.account.pk] += leg.amount
            else:
                outflow.setdefault(leg.account.pk, Decimal(0))
        entries.append(
            NewEntry(
                spec.kind,
                spec.value_date,
                [(leg.account.pk, to_fen(leg.amount)) for leg in spec.legs],
                spec.memo,
                spec.document,
                spec.bank_txn_id,
            )
        )
    first, ids = _post_rows(entries, actor, note, outflow)
    return [
        JournalEntry(
            pk=pk,
            seq=first + offset,
            kind=spec.kind,
            value_date=spec.value_date,
            memo=spec.memo[:300],
            document=spec.document,
            bank_txn_id=spec.bank_txn_id,
        )
        for offset, (pk, spec) in enumerate(zip(ids, specs, strict=True))
    ]


@transaction.atomic
def reverse(entry: JournalEntry, *, actor: User | None, value_date: dt.date, memo: str) -> JournalEntry:
    """The correction of an entry: the same lines with opposite signs, pointing at the original."""
    if entry.kind == JournalEntry.Kind.REVERSAL:
        raise LedgerError("冲正分录不能再冲正", code="reverse_reversal")
    if JournalEntry.objects.filter(reverses=entry).exists():
        raise LedgerError(f"分录 #{entry.seq} 已冲正", code="already_reversed")
    legs = [Leg(line.account, -line.amount) for line in entry.lines.select_related("account")]
    return post(
        kind=JournalEntry.Kind.REVERSAL,
        value_date=value_date,
        legs=legs,
        actor=actor,
        memo=memo or f"冲正第{entry.seq}号凭证",
        document=f"reversal:{entry.seq}",
        reverses=entry,
    )


# Stored names of the fund-level accounts: data, in the center's language, whatever the UI language.
FUND_ACCOUNT_NAMES = {
    Account.Kind.POOLED: "统筹账户",
    Account.Kind.SUSPENSE: "待查款项",
    Account.Kind.RECEIVABLE: "应收追缴款",
}


def fund_account(kind: str, name: str = "") -> Account:
    """The fund-level account of a kind (the pooled account, suspense), created on first use."""
    existing = Account.objects.filter(kind=kind, unit=None).order_by("pk").first()
    if existing is not None and not name:
        return existing
    account, _ = Account.objects.get_or_create(
        kind=kind, unit=None, name=name or FUND_ACCOUNT_NAMES.get(Account.Kind(kind), kind)
    )
    return account


# --- Set-based posting of many entries ----------------------------------------------------------


class NewEntry(NamedTuple):
    """One entry of a `post_rows` batch: its lines as (account id, amount in fen), debit-positive."""

    kind: str
    value_date: dt.date
    lines: Sequence[tuple[int, int]]
    memo: str = ""
    document: str = ""
    bank_txn_id: str | None = None


ENTRY_COLUMNS = (
    *("seq", "kind", "value_date", "posted_at", "posted_by_id", "posted_by_name", "memo", "document"),
    *("bank_txn_id", "key_id", "prev_mac", "lines_sha256", "mac"),
)


def _check_fen_lines(lines: Sequence[tuple[int, int]]) -> None:
    """`_check_amounts` for lines already in fen (whole numbers: no fraction to refuse)."""
    if len(lines) < 2 or any(fen == 0 for _, fen in lines) or sum(fen for _, fen in lines) != 0:
        _check_amounts([from_fen(fen) for _, fen in lines])


def _outflows(entries: Sequence[NewEntry], kinds: dict[int, str]) -> dict[int, int]:
    """Money taken from each account by the batch (its outflows alone, so no order of the entries
    could overdraw), in fen; every account touched is there, with 0 when it only receives."""
    outflow: dict[int, int] = {}
    for entry in entries:
        for account_id, fen in entry.lines:
            direction = 1 if kinds[account_id] in ASSET_KINDS else -1
            outflow[account_id] = outflow.get(account_id, 0) + (fen if direction * fen < 0 else 0)
    return outflow


def post_rows(
    entries: Sequence[NewEntry], *, actor: User | None, note: str = "", outflow: dict[int, Decimal] | None = None
) -> list[int]:
    """Post many entries set-based (a bank file's receipts): the same rules and the same HMAC chain as
    `post_many`, without a model object per entry, account or line. The accounts are read and locked
    by one query, the entries and their lines written by one bulk insert each, the balances moved by
    one UPDATE; one audit event for the batch. Returns the entries' ids in the order given.

    `outflow` (by account, in yuan) is `post_many`'s own sum, for its messages; by default computed here."""
    return _post_rows(entries, actor, note, outflow)[1] if entries else []


def _post_rows(
    entries: Sequence[NewEntry], actor: User | None, note: str, outflow: dict[int, Decimal] | None
) -> tuple[int, list[int]]:
    """`post_rows`: the first entry's number and the entries' ids."""
    with transaction.atomic():
        for entry in entries:
            lines = entry.lines
            if len(lines) == 2:  # a receipt's two lines: checked inline, the full check names what is wrong
                (_, a_fen), (_, b_fen) = lines
                if a_fen and a_fen + b_fen == 0:
                    continue
            _check_fen_lines(lines)
        ids = sorted({account_id for entry in entries for account_id, _ in entry.lines})
        # Read and locked by one plain query: balances in fen as stored, no model field conversion per row.
        wanted = among(ids)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, kind, balance, closed FROM {connection.ops.quote_name(Account._meta.db_table)} "
                f"WHERE id IN ({wanted.sql}) ORDER BY id{lock}",
                wanted.params,
            )
            state = {pk: (kind, balance, closed) for pk, kind, balance, closed in cursor.fetchall()}
        kinds = {pk: kind for pk, (kind, _, _) in state.items()}
        if outflow is None:
            outflow_fen = _outflows(entries, kinds)
            refused = any(
                state[account_id][2] is not None
                or (state[account_id][0] not in ASSET_KINDS and state[account_id][1] - fen < 0)
                for account_id, fen in outflow_fen.items()
            )
            if refused:
                outflow = {pk: from_fen(fen) for pk, fen in outflow_fen.items()}
        else:
            refused = any(
                state[account_id][2] is not None
                or (state[account_id][0] not in ASSET_KINDS and from_fen(state[account_id][1]) - amount < 0)
                for account_id, amount in outflow.items()
            )
        if refused:
            assert outflow is not None
            # The refusal, worded by the one-entry rules (with the account's name).
            _check_postable(JournalEntry.Kind.DEPOSIT, _lock_accounts(outflow), outflow)
        head, first = _next_seq()
        secret = chain.signing_key(head.key_id)
        posted_at = timezone.now()
        stamp = bulk.db_datetime(posted_at)
        posted_by = actor.pk if actor and actor.pk else None
        name = _actor_name(actor)
        entry_rows = []
        prev = head.last_mac
        signer = chain.BatchSigner(secret, chain.utc_text(posted_at), posted_by, name)
        days: dict[dt.date, tuple[str, int]] = {}  # a file's entries fall on a few hundred days
        for seq, entry in enumerate(entries, start=first):
            memo = entry.memo[:300]
            value_date, lines = entry.value_date, entry.lines
            known = days.get(value_date)
            if known is None:
                known = days[value_date] = (value_date.isoformat(), value_date.toordinal())
            day_text, day = known
            if len(lines) == 2:
                (a, a_fen), (b, b_fen) = lines
                lines_hex = chain.lines_sha256_pair(a, a_fen, b, b_fen, day)
            else:
                lines_hex = chain.lines_sha256(lines, day)
            mac = signer.mac(seq, entry.kind, day_text, memo, entry.document, entry.bank_txn_id, None, lines_hex, prev)
            # The day as text: what the backend's date adapter would write, without a Python call per row.
            entry_rows.append(
                (
                    *(seq, entry.kind, day_text, stamp, posted_by, name, memo, entry.document),
                    *(entry.bank_txn_id, secret.id, prev, lines_hex, mac),
                )
            )
            prev = mac
        last = first + len(entries) - 1
        bulk.insert_rows(JournalEntry, ENTRY_COLUMNS, entry_rows)
        entry_table = connection.ops.quote_name(JournalEntry._meta.db_table)
        with connection.cursor() as cursor:  # the ids as plain ints: no ORM row per entry
            cursor.execute(f"SELECT id FROM {entry_table} WHERE seq BETWEEN %s AND %s ORDER BY seq", [first, last])
            entry_ids = [entry_id for (entry_id,) in cursor.fetchall()]
        bulk.insert_rows(
            JournalLine,
            ["entry_id", "account_id", "amount", "day"],
            (
                (entry_id, account_id, fen, day)
                for entry_id, entry in zip(entry_ids, entries, strict=True)
                for day in (days[entry.value_date][1],)
                for account_id, fen in entry.lines
            ),
        )
        if connection.vendor == "postgresql":
            deltas: dict[int, int] = defaultdict(int)
            for entry in entries:
                for account_id, fen in entry.lines:
                    deltas[account_id] += fen
            _apply_deltas(deltas)
        else:
            _apply_lines_to_balances(
                f"entry_id IN (SELECT id FROM {entry_table} WHERE seq BETWEEN %s AND %s)", [first, last]
            )
        _advance(head, last, prev, secret.id)
        audit.record(
            actor,
            AuditEvent.Action.CREATE,
            model="fund.JournalEntry",
            object_repr=f"第{first}–{last}号",
            after={"entries": len(entries), "first_seq": first, "last_seq": last},
            note=note,
        )
    return first, entry_ids
