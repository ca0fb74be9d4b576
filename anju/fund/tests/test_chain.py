"""The journal's HMAC chain: its key (settings, the system check), rotation, the migration that signs
existing entries, and concurrent postings (issue 18)."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import json
import threading
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from anju.core.models import AuditEvent
from anju.fund import chain, checks, ledger, rotation
from anju.fund.models import Account, JournalEntry, LedgerAnchor, LedgerHead
from anju.fund.tests import factories
from anju.fund.tests.test_tamper import lift_guards, run_check, sql

pytestmark = pytest.mark.django_db
PG = connection.vendor == "postgresql"
K1 = "k1:" + "a" * 48


@pytest.fixture
def key_file(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    path = tmp_path / "ledger.keys"
    path.write_text(f"# the ledger's keys\n{K1}\n", encoding="utf-8")
    settings.ANJU_LEDGER_DEV_KEY = False
    settings.ANJU_LEDGER_KEY = ""
    settings.ANJU_LEDGER_KEY_FILE = str(path)
    return path


def deposits(account: Account, *days: int) -> None:
    for day in days:
        factories.deposit(account, "10.00", dt.date(2023, 1, day), first=False)


def test_entries_are_signed_with_the_configured_key_and_chained(key_file: Path) -> None:
    deposits(factories.unit_account(), 1, 2)
    first, second = JournalEntry.objects.order_by("seq")
    assert first.key_id == second.key_id == "k1" and first.prev_mac == "" and second.prev_mac == first.mac
    assert LedgerHead.objects.get().last_mac == second.mac
    assert checks.check_ledger().ok


def test_rotation_keeps_old_entries_verifiable_and_is_audited(key_file: Path) -> None:
    account = factories.unit_account()
    deposits(account, 1, 2)
    out = io.StringIO()
    call_command("fund", "rotate-key", stdout=out)
    result = json.loads(out.getvalue())
    assert result["old_key"] == "k1" and result["after_seq"] == 2
    new_id = result["new_key"]
    keys = chain.parse_keys(key_file.read_text(encoding="utf-8"), source="file")
    assert [k.id for k in keys] == ["k1", new_id] and oct(key_file.stat().st_mode & 0o777) == "0o600"
    deposits(account, 3)
    assert list(JournalEntry.objects.order_by("seq").values_list("key_id", flat=True)) == ["k1", "k1", new_id]
    anchor = LedgerAnchor.objects.get()
    assert JournalEntry.objects.get(seq=3).prev_mac == anchor.mac
    code, report = run_check()
    assert code == 0 and report["chain"]["verified"] == 3 and report["chain"]["key_id"] == new_id  # type: ignore[index]
    assert AuditEvent.objects.filter(model="fund.LedgerAnchor", note="账簿密钥轮换").count() == 1

    # Without the old key the old entries no longer verify: every key ever used must stay configured.
    key_file.write_text(key_file.read_text(encoding="utf-8").replace(K1, ""), encoding="utf-8")
    code, report = run_check()
    assert code == 1 and report["chain"]["first_broken"]["seq"] == 1  # type: ignore[index]


def test_a_forged_rotation_or_an_old_key_after_it_is_caught(key_file: Path) -> None:
    account = factories.unit_account()
    deposits(account, 1)
    rotation.rotate_key(None)
    # Someone holding only the old key sets the head back to it and posts: the entry after the
    # rotation is under the old key.
    LedgerHead.objects.update(key_id="k1")
    deposits(account, 2)
    code, report = run_check()
    first = report["chain"]["first_broken"]  # type: ignore[index]
    assert code == 1 and first["seq"] == 2 and first["failure"] == "key"
    with transaction.atomic():
        if not PG:
            sql("DROP TRIGGER fund_ledgeranchor_no_update")
        else:
            sql("ALTER TABLE fund_ledgeranchor DISABLE TRIGGER USER")
        sql("UPDATE fund_ledgeranchor SET created_by_name = %s", ["别人"])
        code, report = run_check()
        transaction.set_rollback(True)
    assert report["chain"]["first_broken"]["failure"] == "anchor"  # type: ignore[index]
    assert "#1 之后的密钥轮换" in report["chain"]["first_broken"]["message"]  # type: ignore[index]


def test_rotation_with_keys_in_the_environment_names_the_new_key(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ANJU_LEDGER_DEV_KEY = False
    settings.ANJU_LEDGER_KEY_FILE = ""
    settings.ANJU_LEDGER_KEY = f"{K1},k2:{'b' * 48}"
    deposits(factories.unit_account(), 1)
    with pytest.raises(chain.LedgerKeyError, match="ANJU_LEDGER_KEY"):
        rotation.rotate_key(None)
    with pytest.raises(chain.LedgerKeyError, match="就是当前"):
        rotation.rotate_key(None, new_key_id="k1")
    anchor = rotation.rotate_key(None, new_key_id="k2")
    assert (anchor.old_key_id, anchor.new_key_id) == ("k1", "k2")
    deposits(Account.objects.filter(kind="unit").get(), 2)
    assert checks.check_ledger().ok


def test_a_missing_key_is_a_system_check_error_and_refuses_posting(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ANJU_LEDGER_DEV_KEY = False
    settings.ANJU_LEDGER_KEY = ""
    settings.ANJU_LEDGER_KEY_FILE = ""
    (error,) = chain.ledger_key_check()
    assert error.id == "fund.E001" and "ANJU_LEDGER_KEY" in error.msg
    with pytest.raises(chain.LedgerKeyError, match="未配置账簿密钥"):
        deposits(factories.unit_account(), 1)
    settings.ANJU_LEDGER_KEY = "short:abc"
    assert chain.ledger_key_check()[0].id == "fund.E001"
    settings.ANJU_LEDGER_KEY = K1
    assert chain.ledger_key_check() == []


def test_the_migration_signs_existing_entries_in_one_pass() -> None:
    account = factories.unit_account()
    deposits(account, 1, 2, 3)
    entry = JournalEntry.objects.get(seq=2)
    ledger.reverse(entry, actor=None, value_date=dt.date(2023, 1, 4), memo="冲正")
    macs = list(JournalEntry.objects.order_by("seq").values_list("mac", flat=True))
    migration = importlib.import_module("anju.fund.migrations.0007_ledger_chain")
    with transaction.atomic():
        lift_guards()
        sql("UPDATE fund_journalentry SET key_id = '', prev_mac = '', lines_sha256 = '', mac = ''")
        sql("UPDATE fund_ledgerhead SET last_mac = '', key_id = ''")
        assert not checks.check_ledger().ok
        migration.sign_existing(None, SimpleNamespace(connection=connection))
        report = checks.check_ledger()
        resigned = list(JournalEntry.objects.order_by("seq").values_list("mac", flat=True))
        transaction.set_rollback(True)
    assert report.ok, report.as_dict()
    assert report.chain["verified"] == 4
    # Posting time and every field are the same, so the migration signs exactly as posting did.
    assert resigned == macs


@pytest.mark.skipif(not PG, reason="concurrent transactions need PostgreSQL's row locks")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_postings_never_chain_from_the_same_predecessor() -> None:
    accounts = [factories.unit_account(room=f"{101 + i}") for i in range(4)]
    bank = factories.bank()
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def post(account: Account) -> None:
        try:
            barrier.wait()
            for day in range(1, 6):
                ledger.post(
                    kind="deposit",
                    value_date=dt.date(2023, 1, day),
                    legs=[ledger.debit(bank, Decimal("1.00")), ledger.credit(account, Decimal("1.00"))],
                    actor=None,
                )
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(a,)) for a in accounts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    prevs = list(JournalEntry.objects.values_list("prev_mac", flat=True))
    assert len(prevs) == 20 and len(set(prevs)) == 20
    report = checks.check_ledger()
    assert report.ok and report.chain["verified"] == 20, report.as_dict()


def test_the_web_server_refuses_to_start_without_a_key(settings) -> None:  # type: ignore[no-untyped-def]
    from django.core.exceptions import ImproperlyConfigured

    from anju.core.checks import refuse_to_start

    settings.ANJU_LEDGER_DEV_KEY = False
    settings.ANJU_LEDGER_KEY = ""
    settings.ANJU_LEDGER_KEY_FILE = ""
    with pytest.raises(ImproperlyConfigured, match=r"fund\.E001"):
        refuse_to_start()
    settings.ANJU_LEDGER_KEY = K1
    refuse_to_start()
