"""Verifying the journal's HMAC chain (`anju fund check`): the lines streamed once, the entries once.

The lines are hashed per entry in one pass: on PostgreSQL by the database (`sha256` over the
entry's lines in the table's order, grouped by hashing; an entry whose hash differs is hashed again in
line order), on SQLite streamed in line order into Python's SHA-256, with
each entry's line count and sum taken in the same pass (so the balance checks need no scan of their
own). Then the entries are walked in number order: each MAC is recomputed from the entry's fields,
its lines' hash and the previous MAC, with the rotations (`LedgerAnchor`) verified where they fall."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from anju.fund import chain
from anju.fund.models import JournalEntry, JournalLine, LedgerAnchor, LedgerHead

EMPTY = chain.EMPTY_SHA256
FETCH = 50_000


@dataclass
class EntryLines:
    sha256: str
    count: int
    total: int  # fen


@dataclass
class Break:
    seq: int | None
    failure: str  # lines | fields | link | key | anchor | head | orphan
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"seq": self.seq, "failure": self.failure, "message": self.message}


@dataclass
class ChainReport:
    verified: int = 0
    breaks: list[Break] = field(default_factory=list)
    unbalanced: list[tuple[int, int, int]] = field(default_factory=list)  # seq, line count, sum in fen
    last_mac: str = ""
    key_id: str = ""

    def as_dict(self) -> dict[str, object]:
        first = self.breaks[0].as_dict() if self.breaks else None
        return {
            "ok": not self.breaks,
            "verified": self.verified,
            "broken": len(self.breaks),
            "first_broken": first,
            "last_mac": self.last_mac,
            "key_id": self.key_id,
        }


def _q(model: type) -> str:
    return connection.ops.quote_name(model._meta.db_table)  # type: ignore[attr-defined]


def lines_by_entry() -> dict[int, EntryLines]:
    """Every entry's lines: their SHA-256 as posting computed it, their count and their sum, in one pass.

    Posting gives every line of an entry the entry's day, so the database concatenates each entry's
    lines as `account:fen` only (two conversions a line instead of three) and reports the entry's
    lowest and highest day; Python puts the day back with one `str.replace` per entry (C speed). An
    entry whose lines do not all carry one day cannot hash as signed; it is hashed from its lines
    (`exact_lines`, every line's own day) and fails with the exact hash of what is stored."""
    line = _q(JournalLine)
    found: dict[int, EntryLines] = {}
    if connection.vendor == "postgresql":
        # One sequential scan hashed into each entry's aggregate, the day put back in the same statement. The
        # lines arrive in the table's order, which is the order they were written (the journal is append-only);
        # `string_agg(… ORDER BY id)` would sort all 3.7M lines first (PostgreSQL 15 sorts every ordered
        # aggregate's input), which cost 2–3× this whole pass. No order is promised, so an entry whose hash
        # differs is hashed again in line order (`exact_lines`) before it is called broken; and the statement
        # runs without the plans that would shuffle the lines: no sort-based grouping, no parallel workers,
        # no scan joining one already under way (`PG_IN_WRITE_ORDER`).
        sql = (
            "SELECT entry_id, CASE WHEN MIN(day) = MAX(day) THEN encode(sha256(convert_to(replace("
            "string_agg(account_id::text || ':' || amount::text, ','), ',', ':' || MIN(day) || ';') "
            "|| ':' || MIN(day) || ';', 'UTF8')), 'hex') END, COUNT(*), SUM(amount) "
            f"FROM {line} GROUP BY entry_id"
        )
    else:
        # SQLite walks the entry_id index, so in (entry, rowid) order: the order they were written. SQLite
        # 3.40 cannot order inside group_concat: an entry whose hash then differs is hashed again from its
        # lines in explicit order (`exact_lines`) before it is called broken.
        # The entry's line count is its text's commas plus one (an aggregate less per line).
        sql = (
            "SELECT entry_id, CASE WHEN MIN(day) = MAX(day) THEN MIN(day) END, "
            "group_concat(account_id || ':' || amount, ','), SUM(amount) "
            f"FROM {line} GROUP BY entry_id"
        )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with pg_settings(cursor, PG_IN_WRITE_ORDER):
                cursor.execute(sql)
                rows = cursor.fetchall()  # one row an entry
            for entry_id, digest, count, total in rows:
                found[int(entry_id)] = (
                    EntryLines(digest, int(count), int(total)) if digest else exact_lines(int(entry_id))
                )
            return found
        cursor.execute(sql)
        while batch := cursor.fetchmany(FETCH):
            for entry_id, day, text, total in batch:
                if day is None:
                    found[int(entry_id)] = exact_lines(int(entry_id))
                    continue
                end = f":{day};"
                digest = hashlib.sha256((text.replace(",", end) + end).encode()).hexdigest()
                found[int(entry_id)] = EntryLines(digest, text.count(",") + 1, int(total))
    return found


# While PostgreSQL hashes the lines: grouped by hashing (a sort is not stable), by one process, from the
# table's first page.
PG_IN_WRITE_ORDER = {"enable_sort": "off", "max_parallel_workers_per_gather": "0", "synchronize_seqscans": "off"}


@contextmanager
def pg_settings(cursor: Any, settings: dict[str, str]) -> Iterator[None]:
    """PostgreSQL settings for this session while the block runs, then put back as they were."""
    before = {}
    for name, value in settings.items():
        cursor.execute("SELECT current_setting(%s), set_config(%s, %s, false)", [name, name, value])
        before[name] = cursor.fetchone()[0]
    try:
        yield
    finally:
        for name, value in before.items():
            cursor.execute("SELECT set_config(%s, %s, false)", [name, value])


def exact_lines(entry_id: int) -> EntryLines:
    """One entry's lines hashed in explicit line order (what posting computed)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT entry_id, account_id, amount, day FROM {_q(JournalLine)} WHERE entry_id = %s ORDER BY id",
            [entry_id],
        )
        rows = list(cursor.fetchall())
    hasher = hashlib.sha256()
    chain.lines_update(hasher, rows)
    return EntryLines(hasher.hexdigest(), len(rows), sum(int(r[2]) for r in rows))


def _entries() -> Iterator[tuple[Any, ...]]:
    entry = _q(JournalEntry)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.id, e.seq, e.kind, e.value_date, e.posted_at, e.posted_by_id, e.posted_by_name, e.memo, "
            "e.document, e.bank_txn_id, r.seq, e.key_id, e.prev_mac, e.lines_sha256, e.mac "
            f"FROM {entry} e LEFT JOIN {entry} r ON r.id = e.reverses_id ORDER BY e.seq"
        )
        while batch := cursor.fetchmany(FETCH):
            yield from batch


def verify_chain(lines: dict[int, EntryLines]) -> ChainReport:
    report = ChainReport()
    ring = chain.keyring()
    anchors = list(LedgerAnchor.objects.order_by("pk"))
    prev, current_key = "", ""
    prev_seq: int | None = 0
    seen: set[int] = set()

    def broken(seq: int | None, failure: str, message: str) -> None:
        report.breaks.append(Break(seq, failure, message))

    def apply_anchors(before_seq: int | None) -> None:
        nonlocal prev, current_key
        while anchors and (before_seq is None or anchors[0].after_seq < before_seq):
            anchor = anchors.pop(0)
            label = f"分录 #{anchor.after_seq} 之后的密钥轮换（{anchor.old_key_id}→{anchor.new_key_id}）"
            problem = _anchor_problem(anchor, ring, prev, current_key)
            if problem:
                broken(anchor.after_seq, "anchor", f"{label}：{problem}")
            prev, current_key = anchor.mac, anchor.new_key_id

    for row in _entries():
        entry_id, seq, kind, value_date, posted_at, posted_by_id, name, memo, document, txn = row[:10]
        reverses_seq, key_id, stored_prev, stored_lines, stored_mac = row[10:]
        apply_anchors(int(seq))
        seen.add(int(entry_id))
        stats = lines.get(int(entry_id)) or EntryLines(EMPTY, 0, 0)
        if stats.count < 2 or stats.total != 0:
            report.unbalanced.append((int(seq), stats.count, stats.total))
        fields = chain.EntryFields(
            seq=int(seq),
            kind=str(kind),
            value_date=chain.date_text(value_date),
            posted_at=chain.utc_text(posted_at),
            posted_by_id=None if posted_by_id is None else int(posted_by_id),
            posted_by_name=str(name),
            memo=str(memo),
            document=str(document),
            bank_txn_id=txn,
            reverses_seq=None if reverses_seq is None else int(reverses_seq),
            key_id=str(key_id),
        )
        stored = (str(stored_prev), str(stored_lines), str(stored_mac))
        problem = _entry_problem(ring, fields, stats.sha256, prev, current_key, stored, prev_seq)
        if problem and problem[0] == "lines":
            # The grouped concatenation's order is the scan's, not promised: hash this entry again in order.
            exact = exact_lines(int(entry_id))
            if exact.count:
                problem = _entry_problem(ring, fields, exact.sha256, prev, current_key, stored, prev_seq)
        if problem:
            broken(int(seq), *problem)
        else:
            report.verified += 1
        prev, current_key, prev_seq = str(stored_mac), str(key_id), int(seq)
    apply_anchors(None)
    head = LedgerHead.objects.filter(pk=1).first()
    if head is not None and (head.last_mac != prev or (head.key_id and current_key and head.key_id != current_key)):
        broken(None, "head", f"账簿记录的链尾（#{head.last_seq}）与最后一笔分录或密钥轮换不符")
    orphans = sorted(set(lines) - seen)
    if orphans:
        broken(None, "orphan", f"{len(orphans)} 组明细属于不存在的分录（分录编号 id {orphans[:5]}）")
    report.last_mac, report.key_id = prev, current_key
    return report


def _entry_problem(
    ring: dict[str, chain.LedgerKey],
    fields: chain.EntryFields,
    lines_hex: str,
    prev: str,
    current_key: str,
    stored: tuple[str, str, str],
    prev_seq: int | None,
) -> tuple[str, str] | None:
    """None when the entry verifies, else (failure, message) saying what differs."""
    stored_prev, stored_lines, stored_mac = stored
    secret = ring.get(fields.key_id)
    seq = fields.seq
    if secret is None:
        return "key", f"分录 #{seq} 的密钥 {fields.key_id or '（空）'} 未配置或不存在（伪造或密钥缺失）"
    if current_key and fields.key_id != current_key:
        return "key", f"分录 #{seq} 换用密钥 {fields.key_id}，但之前没有密钥轮换记录"
    if chain.entry_mac(secret, fields, lines_hex, prev) == stored_mac:
        return None
    if lines_hex != stored_lines:
        return "lines", f"分录 #{seq} 的明细（账户、金额或日期）与记账时不符：被修改、删除或增加"
    if chain.entry_mac(secret, fields, stored_lines, stored_prev) != stored_mac:
        return "fields", f"分录 #{seq} 的内容（编号、日期、类型、记账人、时间、摘要或单据）与记账时不符"
    if prev_seq is not None and prev_seq != seq - 1:
        return "link", f"分录 #{seq} 之前的分录 #{prev_seq + 1}–#{seq - 1} 缺失（被删除），链接断开"
    return "link", f"分录 #{seq} 与前一笔分录的链接断开：其前的分录被删除、插入、调换或恢复过"


def _anchor_problem(anchor: LedgerAnchor, ring: dict[str, chain.LedgerKey], prev: str, current_key: str) -> str:
    old, new = ring.get(anchor.old_key_id), ring.get(anchor.new_key_id)
    if old is None or new is None:
        return "旧密钥或新密钥未配置"
    if current_key and anchor.old_key_id != current_key:
        return f"旧密钥与当时使用的密钥 {current_key} 不符"
    message = chain.anchor_message(
        anchor.after_seq,
        anchor.old_key_id,
        anchor.new_key_id,
        chain.utc_text(anchor.created_at),
        anchor.created_by_name,
        prev,
    )
    if chain.anchor_macs(old, new, message) != (anchor.old_mac, anchor.mac):
        return "签名不符（记录被修改或链接断开）"
    return ""
