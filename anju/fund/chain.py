"""The fund journal's HMAC-SHA256 chain (issue 18): tamper evidence with a key kept outside the database.

Each entry's MAC is HMAC-SHA256, under the key named by its `key_id`, over a canonical JSON array of
every field of the entry (number, kind, value date, posting time in UTC, poster and poster's name,
memo, source document, bank transaction, the number of the entry it reverses, key id), the SHA-256 of
its lines and the previous entry's MAC. The lines are encoded as `account:fen:day;` each, in the
order they were written (ascending line id), so posting hashes the lines it is about to insert and
`anju fund check` hashes them streamed in one pass. A key rotation (`LedgerAnchor`) links the last MAC
under the old key to the first under the new one, signed by both.

Keys: `ANJU_LEDGER_KEY` ("id:secret", several separated by commas) and the lines of
`ANJU_LEDGER_KEY_FILE`; every key ever used stays configured. Started with DEBUG on, a fixed
development key signs when none is configured (never accepted when started with DEBUG off)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import starmap
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks
from django.utils import timezone

from anju.fund.errors import LedgerError

KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
MIN_SECRET = 32
DEV_KEY_ID = "dev"
_DEV_SECRET = b"anju-insecure-development-ledger-key-do-not-use-in-production"
VERSION = "anju-ledger-1"
LINE = "{0}:{1}:{2};".format  # account id, amount in fen, day number
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


class LedgerKeyError(LedgerError):
    default_code = "ledger_key"


@dataclass(frozen=True)
class LedgerKey:
    id: str
    secret: bytes


def parse_keys(text: str, *, source: str) -> list[LedgerKey]:
    """ "id:secret" pairs separated by commas or lines; # starts a comment line."""
    keys = []
    for raw in re.split(r"[,\n]", text):
        item = raw.strip()
        if not item or item.startswith("#"):
            continue
        key_id, sep, secret = item.partition(":")
        if not sep or not KEY_ID.match(key_id) or len(secret) < MIN_SECRET:
            raise LedgerKeyError(
                f"{source} 中的账簿密钥格式错误：应为 “编号:密钥”，编号为 1–16 位字母数字，密钥至少 {MIN_SECRET} 个字符"
            )
        keys.append(LedgerKey(key_id, secret.encode()))
    return keys


def configured_keys() -> list[LedgerKey]:
    """The keys from the environment and the key file, in that order (without the development key)."""
    keys = parse_keys(getattr(settings, "ANJU_LEDGER_KEY", ""), source="ANJU_LEDGER_KEY")
    path = getattr(settings, "ANJU_LEDGER_KEY_FILE", "")
    if path:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise LedgerKeyError(f"无法读取账簿密钥文件 {path}：{exc.strerror or exc}") from exc
        keys += parse_keys(text, source=str(path))
    return keys


def keyring() -> dict[str, LedgerKey]:
    ring: dict[str, LedgerKey] = {}
    for key in configured_keys():
        if key.id in ring and ring[key.id].secret != key.secret:
            raise LedgerKeyError(f"账簿密钥编号 {key.id} 配置了两个不同的密钥")
        ring.setdefault(key.id, key)
    if getattr(settings, "ANJU_LEDGER_DEV_KEY", False):
        ring.setdefault(DEV_KEY_ID, LedgerKey(DEV_KEY_ID, _DEV_SECRET))
    return ring


def missing_key_message() -> str | None:
    """Why the ledger cannot be signed in production, or None."""
    if getattr(settings, "ANJU_LEDGER_DEV_KEY", False):
        return None
    try:
        if not configured_keys():
            return "ANJU_LEDGER_KEY or ANJU_LEDGER_KEY_FILE must be set when DEBUG is off (the fund journal's HMAC key)"
    except LedgerKeyError as exc:
        return exc.message
    return None


def key(key_id: str, ring: dict[str, LedgerKey] | None = None) -> LedgerKey:
    ring = keyring() if ring is None else ring
    found = ring.get(key_id)
    if found is None:
        raise LedgerKeyError(f"账簿密钥 {key_id or '（未指定）'} 未配置（ANJU_LEDGER_KEY / ANJU_LEDGER_KEY_FILE）")
    return found


def signing_key(head_key_id: str) -> LedgerKey:
    """The key that signs the next entry: the one the last rotation chose, else the first configured."""
    ring = keyring()
    if head_key_id:
        return key(head_key_id, ring)
    configured = configured_keys()
    if configured:
        return configured[0]
    if DEV_KEY_ID in ring:
        return ring[DEV_KEY_ID]
    raise LedgerKeyError("未配置账簿密钥（ANJU_LEDGER_KEY 或 ANJU_LEDGER_KEY_FILE），不能记账")


def utc_text(value: dt.datetime | str) -> str:
    """A posting time as the MAC covers it: UTC, to the microsecond (naive values are UTC, as stored)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


def date_text(value: dt.date | str) -> str:
    return value.isoformat() if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)).isoformat()


def lines_sha256(lines: Iterable[tuple[int, int]], day: int) -> str:
    """SHA-256 of the lines (account id, amount in fen) in the order they are written."""
    line = ("{0}:{1}:" + str(int(day)) + ";").format  # LINE with the entry's day fixed, called from C
    return hashlib.sha256("".join(starmap(line, lines)).encode()).hexdigest()


# The same encoding from an (entry, account, fen, day) row; called from C by starmap, no Python frame
# per line (a third of the check's time on SQLite otherwise).
ROW = "{1}:{2}:{3};".format


def lines_update(hasher: Any, rows: Iterable[tuple[Any, ...]]) -> None:
    """Feed (entry, account, fen, day) rows of one entry to a SHA-256, as `lines_sha256` encodes them."""
    hasher.update("".join(starmap(ROW, rows)).encode())


@dataclass(frozen=True)
class EntryFields:
    """What an entry's MAC covers besides the lines and the previous MAC."""

    seq: int
    kind: str
    value_date: str
    posted_at: str
    posted_by_id: int | None
    posted_by_name: str
    memo: str
    document: str
    bank_txn_id: str | None
    reverses_seq: int | None
    key_id: str

    def message(self, lines_hex: str, prev_mac: str) -> bytes:
        return json.dumps(
            [
                VERSION,
                self.seq,
                self.kind,
                self.value_date,
                self.posted_at,
                self.posted_by_id,
                self.posted_by_name,
                self.memo,
                self.document,
                self.bank_txn_id,
                self.reverses_seq,
                self.key_id,
                lines_hex,
                prev_mac,
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()


def mac(secret: LedgerKey, message: bytes) -> str:
    return hmac.digest(secret.secret, message, "sha256").hex()


# What json.dumps(ensure_ascii=False) writes for a string, quotes included: the same C function it calls.
_JSON_STR = json.encoder.encode_basestring


def lines_sha256_pair(a: int, a_fen: int, b: int, b_fen: int, day: int) -> str:
    """`lines_sha256` of a two-line entry (a bank receipt's), without the per-line format calls."""
    return hashlib.sha256(f"{a}:{a_fen}:{day};{b}:{b_fen}:{day};".encode()).hexdigest()


class BatchSigner:
    """Signs the entries of one posting batch: the same message as `EntryFields.message` (byte for byte,
    `tests/test_chain_batch.py` compares them), with the fields every entry of the batch shares (posting time,
    poster, key) encoded once and the rest joined into the JSON array directly, MAC'd by `hmac.digest`."""

    def __init__(self, secret: LedgerKey, posted_at: str, posted_by_id: int | None, posted_by_name: str) -> None:
        self.secret = secret.secret
        self.head = f"[{_JSON_STR(VERSION)},"
        poster = "null" if posted_by_id is None else str(int(posted_by_id))
        self.middle = f",{_JSON_STR(posted_at)},{poster},{_JSON_STR(posted_by_name)},"
        self.key_part = f",{_JSON_STR(secret.id)},"

    def mac(
        self,
        seq: int,
        kind: str,
        value_date: str,
        memo: str,
        document: str,
        bank_txn_id: str | None,
        reverses_seq: int | None,
        lines_hex: str,
        prev_mac: str,
    ) -> str:
        message = (
            f"{self.head}{int(seq)},{_JSON_STR(kind)},{_JSON_STR(value_date)}{self.middle}{_JSON_STR(memo)},"
            f"{_JSON_STR(document)},{'null' if bank_txn_id is None else _JSON_STR(bank_txn_id)},"
            f"{'null' if reverses_seq is None else int(reverses_seq)}{self.key_part}"
            f"{_JSON_STR(lines_hex)},{_JSON_STR(prev_mac)}]"
        )
        return hmac.digest(self.secret, message.encode(), "sha256").hex()


def entry_mac(secret: LedgerKey, fields: EntryFields, lines_hex: str, prev_mac: str) -> str:
    return mac(secret, fields.message(lines_hex, prev_mac))


def anchor_message(after_seq: int, old_key_id: str, new_key_id: str, created_at: str, name: str, prev: str) -> bytes:
    return json.dumps(
        [VERSION, "rotate", after_seq, old_key_id, new_key_id, created_at, name, prev],
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def anchor_macs(old: LedgerKey, new: LedgerKey, message: bytes) -> tuple[str, str]:
    """The old key signs the hand-over, the new key signs it with the old key's MAC: the chain's next link."""
    old_mac = mac(old, message)
    return old_mac, mac(new, message + old_mac.encode())


def new_key() -> LedgerKey:
    stamp = timezone.now().strftime("%Y%m%d")
    return LedgerKey(f"k{stamp}{secrets.token_hex(2)}", secrets.token_urlsafe(48).encode())


def append_to_key_file(path: str, added: LedgerKey) -> None:
    """Add a key to the key file, written aside and renamed so a crash leaves the old file whole."""
    target = Path(path)
    text = target.read_text(encoding="utf-8") if target.exists() else ""
    if text and not text.endswith("\n"):
        text += "\n"
    text += f"# added by `anju fund rotate-key` {timezone.now():%Y-%m-%d %H:%M}\n{added.id}:{added.secret.decode()}\n"
    aside = target.with_name(target.name + ".new")
    aside.write_text(text, encoding="utf-8")
    os.chmod(aside, 0o600)
    os.replace(aside, target)


@checks.register(checks.Tags.security)
def ledger_key_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """fund.E001: with DEBUG off the journal cannot be signed without a configured key."""
    message = missing_key_message()
    if message:
        return [checks.Error(message, hint="See README, Configuration: ANJU_LEDGER_KEY.", id="fund.E001")]
    return []
