"""`chain.BatchSigner` (the bank import's signing, issue 17) signs exactly the message `EntryFields` does:
the same canonical JSON byte for byte, whatever the text fields hold, so `anju fund check` verifies it."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from anju.fund import chain

KEY = chain.LedgerKey("k1", b"s" * 40)
LINES_HEX = chain.lines_sha256([(3, 12345), (9, -12345)], 738886)
TEXTS = ["", "银行到账 业主1 维修资金交存", 'quote " and \\ backslash', "tab\tnew\nline\r\x00\x1f", "\u2028\u2029 😀 é"]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("poster", [None, 7])
@pytest.mark.parametrize("txn", [None, "ICBC0001", 'a"b'])
@pytest.mark.parametrize("reverses", [None, 41])
def test_batch_signer_signs_what_entry_fields_sign(
    text: str, poster: int | None, txn: str | None, reverses: int | None
):
    posted_at = "2026-12-06T23:00:00.123456"
    fields = chain.EntryFields(
        seq=42,
        kind="deposit",
        value_date="2024-03-01",
        posted_at=posted_at,
        posted_by_id=poster,
        posted_by_name=f"出纳 {text}",
        memo=text,
        document=f"bank_import:{text}",
        bank_txn_id=txn,
        reverses_seq=reverses,
        key_id=KEY.id,
    )
    prev = "ab" * 32
    signer = chain.BatchSigner(KEY, posted_at, poster, f"出纳 {text}")
    got = signer.mac(42, "deposit", "2024-03-01", text, f"bank_import:{text}", txn, reverses, LINES_HEX, prev)
    assert got == chain.entry_mac(KEY, fields, LINES_HEX, prev)
    assert got == hmac.new(KEY.secret, fields.message(LINES_HEX, prev), hashlib.sha256).hexdigest()
    # The first entry of a journal chains from an empty MAC.
    assert signer.mac(1, "deposit", "2024-03-01", text, "", txn, None, LINES_HEX, "") == chain.entry_mac(
        KEY, fields.__class__(**{**fields.__dict__, "seq": 1, "document": "", "reverses_seq": None}), LINES_HEX, ""
    )


def test_lines_of_a_pair_hash_as_lines():
    assert chain.lines_sha256_pair(3, 12345, 9, -12345, 738886) == LINES_HEX
