"""`anju fund rotate-key`: a new key signs the journal from now on, the chain re-anchored.

The rotation record is signed by the old key and then by the new one over the chain's last MAC, so
old entries keep verifying under the old key and the next entry chains from the record. With a key
file the new key is generated and appended to it (in the same transaction: a failed write rotates
nothing); with keys in the environment, the new key must already be listed and is named."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from anju.core import audit
from anju.core.models import AuditEvent, User
from anju.fund import chain
from anju.fund.models import LedgerAnchor, LedgerHead


@transaction.atomic
def rotate_key(actor: User | None, *, new_key_id: str = "") -> LedgerAnchor:
    head, _ = LedgerHead.objects.select_for_update().get_or_create(pk=1)
    old = chain.signing_key(head.key_id)
    key_file = getattr(settings, "ANJU_LEDGER_KEY_FILE", "")
    generated = None
    if new_key_id:
        new = chain.key(new_key_id)
    elif key_file:
        new = generated = chain.new_key()
    else:
        raise chain.LedgerKeyError(
            "密钥在环境变量中：请先把新密钥（编号:密钥）加入 ANJU_LEDGER_KEY 并重启，再用 --key 编号 轮换；"
            "或改用 ANJU_LEDGER_KEY_FILE，由本命令生成新密钥"
        )
    if new.id == old.id:
        raise chain.LedgerKeyError(f"新密钥 {new.id} 就是当前使用的密钥")
    created_at = timezone.now()
    name = audit.actor_label(actor)
    message = chain.anchor_message(head.last_seq, old.id, new.id, chain.utc_text(created_at), name, head.last_mac)
    old_mac, new_mac = chain.anchor_macs(old, new, message)
    anchor = LedgerAnchor.objects.create(
        after_seq=head.last_seq,
        old_key_id=old.id,
        new_key_id=new.id,
        prev_mac=head.last_mac,
        created_at=created_at,
        created_by_name=name,
        old_mac=old_mac,
        mac=new_mac,
    )
    head.last_mac, head.key_id = new_mac, new.id
    head.save(update_fields=["last_mac", "key_id"])
    audit.record(
        actor,
        AuditEvent.Action.CREATE,
        anchor,
        after={"after_seq": head.last_seq, "old_key": old.id, "new_key": new.id},
        note="账簿密钥轮换",
    )
    if generated is not None:
        chain.append_to_key_file(key_file, generated)
    return anchor
