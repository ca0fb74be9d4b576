"""Resident ID numbers as people see them: the one place that decides masked or in full.

Pages (the `masked` template filter and the list kit's ID column), exports, the API (`MaskedId` on a
schema field) and the audit log all call this module: a number is shown in full only to a user whose
role has `see_id` on the module the record belongs to; everyone else sees the first 3 and last 4
characters (`anju.lib.ids.mask_id`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import PlainSerializer, SerializationInfo

from anju.core.modules import SEE_ID
from anju.lib.ids import mask_id

# Keys of audit snapshots (and other stored JSON) that hold a person's ID number.
ID_KEYS = frozenset({"id_number", "lessor_id", "lessee_id"})


def may_see(user: Any, module: str) -> bool:
    """The user's role may see ID numbers of the module's records in full."""
    return bool(user is not None and user.is_authenticated and user.can(module, SEE_ID))


def shown(number: str, visible: bool) -> str:
    """The number in full when `visible`, else masked."""
    return number if visible else mask_id(number)


def for_user(number: str, user: Any, module: str) -> str:
    return shown(number, may_see(user, module))


def is_id_key(key: str) -> bool:
    return key in ID_KEYS or key.endswith("_id_number")


def masked_data(data: Mapping[str, Any] | None, visible: bool) -> dict[str, Any] | None:
    """Stored JSON (an audit snapshot) with the values of ID keys masked unless `visible`."""
    if data is None:
        return None
    if visible:
        return dict(data)
    return {k: mask_id(v) if is_id_key(k) and isinstance(v, str) else v for k, v in data.items()}


def MaskedId(module: str) -> PlainSerializer:
    """An API field's serializer: the number in full when the request's user may see the module's ID numbers,
    masked otherwise (and masked when there is no request, so a missing context never leaks a number)."""

    def serialize(number: str, info: SerializationInfo) -> str:
        context = info.context if isinstance(info.context, dict) else {}
        request = context.get("request")
        return shown(number, may_see(getattr(request, "user", None), module))

    return PlainSerializer(serialize, return_type=str, when_used="always")
