"""State changes of the core app: logins, accounts, tokens. Each writes an audit event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core import audit, modules
from anju.core.models import ApiToken, AuditEvent, Role, RoleGrant, User
from anju.lib.errors import DomainError

A = AuditEvent.Action
USER_FIELDS = ("username", "full_name", "email", "is_active", "locked_until", "must_change_password")


class UserError(DomainError):
    """Codes: ``users.own_roles`` (nobody changes their own roles or deactivates themself),
    ``users.role_held`` (nobody changes the permissions of a role they hold), ``users.bad_permission``,
    ``users.role_exists``."""

    prefix = "users"


ROLE_FIELDS = ("code", "name", "kind", "permissions")


@dataclass
class LoginResult:
    user: User | None
    error: str = ""


def _recent_failures(username: str, now: dt.datetime) -> int:
    window_start = now - dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    last_ok = (
        AuditEvent.objects.filter(action__in=[A.LOGIN, A.LOCKED], actor_name=username, at__gte=window_start)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    since = max(window_start, last_ok) if last_ok else window_start
    return AuditEvent.objects.filter(action=A.LOGIN_FAILED, actor_name=username, at__gt=since).count()


def _name_locked(username: str, now: dt.datetime) -> bool:
    """A user name with no account is locked like one with an account, so the answers do not tell apart a
    name that exists from one that does not."""
    since = now - dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    return AuditEvent.objects.filter(action=A.LOCKED, actor_name=username, at__gte=since).exists()


def attempt_login(request: object, username: str, password: str, ip: str | None) -> LoginResult:
    """Check the credentials; repeated failures lock the user name for LOGIN_LOCKOUT_MINUTES. Whether the
    name has an account or not, the answers are the same (wrong name or password; locked)."""
    now = timezone.now()
    user = User.objects.filter(username=username).first()
    locked_message = _("Too many failed logins: the account is locked for %(minutes)d minutes.") % {
        "minutes": settings.LOGIN_LOCKOUT_MINUTES
    }
    if user.is_locked() if user is not None else _name_locked(username, now):
        audit.record(
            None, A.LOGIN_FAILED, user, actor_name=username, ip=ip, model="core.User", object_repr=username,
            note="account locked",
        )  # fmt: skip
        return LoginResult(None, locked_message)
    authenticated = authenticate(request, username=username, password=password)  # type: ignore[arg-type]
    if authenticated is None:
        audit.record(None, A.LOGIN_FAILED, user, actor_name=username, ip=ip, model="core.User", object_repr=username)
        if _recent_failures(username, now) >= settings.LOGIN_MAX_FAILURES:
            if user is not None:
                user.locked_until = now + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
                user.save(update_fields=["locked_until"])
            audit.record(
                None,
                A.LOCKED,
                user,
                actor_name=username,
                ip=ip,
                model="core.User",
                object_repr=username,
                note=f"{settings.LOGIN_MAX_FAILURES} failed logins",
            )
            return LoginResult(None, locked_message)
        return LoginResult(None, _("Wrong user name or password."))
    assert isinstance(authenticated, User)
    audit.record(authenticated, A.LOGIN, authenticated, ip=ip)
    return LoginResult(authenticated)


@transaction.atomic
def create_user(
    actor: User | None,
    *,
    username: str,
    full_name: str,
    password: str,
    roles: Iterable[Role],
    email: str = "",
    must_change_password: bool = True,
    password_hash: str = "",
) -> User:
    """`password_hash`: `password` as `make_password` already hashed it (the demo hashes its staff's side
    by side), stored as it is."""
    user = User(username=username, full_name=full_name, email=email, must_change_password=must_change_password)
    if password_hash:
        user.password = password_hash
    else:
        user.set_password(password)
    user.save()
    role_list = _granted_now(actor, user, list(roles), held=[])
    user.roles.set(role_list)
    after = audit.snapshot(user, USER_FIELDS) | {"roles": sorted(r.name for r in role_list)}
    audit.record(actor, A.CREATE, user, after=after)
    return user


@transaction.atomic
def update_user(
    actor: User | None,
    user: User,
    *,
    full_name: str,
    email: str,
    is_active: bool,
    roles: Iterable[Role],
) -> User:
    before = audit.snapshot(user, USER_FIELDS) | {"roles": sorted(r.name for r in user.roles.all())}
    role_list = list(roles)
    if actor is not None and actor.pk == user.pk:
        if sorted(r.name for r in role_list) != before["roles"]:
            raise UserError("不能更改自己的角色：请由另一位管理员办理", code="own_roles", field="roles")
        if not is_active:
            raise UserError("不能停用自己的账号", code="own_roles", field="is_active")
    user.full_name, user.email, user.is_active = full_name, email, is_active
    user.save()
    role_list = _granted_now(actor, user, role_list, held=list(user.roles.all()))
    user.roles.set(role_list)
    after = audit.snapshot(user, USER_FIELDS) | {"roles": sorted(r.name for r in role_list)}
    if after != before:
        audit.record(actor, A.UPDATE, user, before=before, after=after)
    return user


def _granted_now(actor: User | None, user: User, wanted: list[Role], held: list[Role]) -> list[Role]:
    """The roles given at once: all but a new approver role given by an administrator, which waits for a
    second administrator's confirmation (a RoleGrant; the command line, with no actor, grants at once)."""
    if actor is None:
        return wanted
    waiting = [r for r in wanted if r.approves and r not in held]
    for role in waiting:
        if not RoleGrant.objects.filter(user=user, role=role, status=RoleGrant.Status.PENDING).exists():
            grant = RoleGrant.objects.create(user=user, role=role, requested_by=actor)
            audit.record(actor, A.CREATE, grant, after={"user": user.username, "role": role.name, "status": "pending"})
    return [r for r in wanted if r not in waiting]


@transaction.atomic
def decide_role_grant(actor: User, grant: RoleGrant, *, confirm: bool) -> RoleGrant:
    """A second administrator confirms (the role is given) or refuses a pending approver role; not the one who
    asked for it, nor the user it is for."""
    grant = RoleGrant.objects.select_for_update().select_related("user", "role").get(pk=grant.pk)
    if grant.status != RoleGrant.Status.PENDING:
        raise UserError("该授权已处理", code="grant_decided")
    if actor.pk in (grant.requested_by_id, grant.user_id):
        raise UserError("审批角色须由另一位管理员确认：申请人或被授权人本人不能确认", code="grant_same_person")
    grant.status = RoleGrant.Status.CONFIRMED if confirm else RoleGrant.Status.REFUSED
    grant.decided_by, grant.decided_at = actor, timezone.now()
    grant.save(update_fields=["status", "decided_by", "decided_at"])
    if confirm:
        grant.user.roles.add(grant.role)
    audit.record(
        actor, A.UPDATE, grant, after={"user": grant.user.username, "role": grant.role.name, "status": grant.status}
    )
    return grant


@transaction.atomic
def unlock_user(actor: User | None, user: User) -> None:
    before = audit.snapshot(user, ["locked_until"])
    user.locked_until = None
    user.save(update_fields=["locked_until"])
    audit.record(actor, A.UPDATE, user, before=before, after={"locked_until": None}, note="unlocked")


@transaction.atomic
def reset_password(actor: User | None, user: User, password: str) -> None:
    user.set_password(password)
    user.must_change_password = True
    user.locked_until = None
    user.save(update_fields=["password", "must_change_password", "locked_until"])
    audit.record(actor, A.PASSWORD, user, note="reset by administrator")
    _revoke_tokens(actor, user)


@transaction.atomic
def change_password(user: User, password: str, ip: str | None = None) -> None:
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    audit.record(user, A.PASSWORD, user, ip=ip, note="changed by the user")
    _revoke_tokens(user, user)


def _revoke_tokens(actor: User | None, user: User) -> None:
    """A new password ends every API token of the user (a token taken with the old one stops working)."""
    revoked = ApiToken.objects.filter(user=user, revoked=False).update(revoked=True)
    if revoked:
        audit.record(actor, A.UPDATE, user, after={"api_tokens_revoked": revoked}, note="password changed")


@transaction.atomic
def create_api_token(actor: User | None, user: User, name: str) -> str:
    """Creates a token and returns its key, which is not stored and cannot be shown again."""
    key = ApiToken.new_key()
    expires = timezone.now() + dt.timedelta(days=settings.API_TOKEN_DAYS)
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[5:13], digest=ApiToken.hash_key(key), expires=expires
    )
    audit.record(actor, A.CREATE, token, after={"user": user.username, "name": name, "prefix": token.prefix})
    return key


@transaction.atomic
def revoke_api_token(actor: User | None, token: ApiToken) -> None:
    token.revoked = True
    token.save(update_fields=["revoked"])
    audit.record(actor, A.UPDATE, token, before={"revoked": False}, after={"revoked": True})


def _checked_permissions(permissions: Iterable[str]) -> list[str]:
    """`module:action` strings with a known action (`*` for every module); sorted, without repeats."""
    cleaned = sorted({p.strip() for p in permissions if p.strip()})
    for permission in cleaned:
        module, _sep, action = permission.partition(":")
        if not module or action not in modules.ACTIONS:
            raise UserError(f"权限格式错误：{permission}", code="bad_permission", field="permissions")
    return cleaned


@transaction.atomic
def create_role(actor: User | None, *, code: str, name: str, kind: str, permissions: Iterable[str]) -> Role:
    """A new role (a department, the leadership, an outside agency with a limited role)."""
    if Role.objects.filter(code=code).exists() or Role.objects.filter(name=name.strip()).exists():
        raise UserError(f"角色 {name}（{code}）已存在", code="role_exists", field="code")
    role = Role.objects.create(code=code, name=name.strip(), kind=kind, permissions=_checked_permissions(permissions))
    audit.record(actor, A.CREATE, role, after=audit.snapshot(role, ROLE_FIELDS))
    return role


@transaction.atomic
def update_role(actor: User | None, role: Role, *, name: str, kind: str, permissions: Iterable[str]) -> Role:
    """A role's name, kind and permissions; nobody changes the permissions of a role they hold."""
    role = Role.objects.select_for_update().get(pk=role.pk)
    checked = _checked_permissions(permissions)
    if actor is not None and checked != sorted(role.permissions) and actor.roles.filter(pk=role.pk).exists():
        raise UserError("不能更改自己所属角色的权限：请由另一位管理员办理", code="role_held", field="permissions")
    if Role.objects.filter(name=name.strip()).exclude(pk=role.pk).exists():
        raise UserError(f"角色名称 {name} 已被使用", code="role_exists", field="name")
    before = audit.snapshot(role, ROLE_FIELDS)
    role.name, role.kind, role.permissions = name.strip(), kind, checked
    role.save()
    audit.record_change(actor, role, before)
    return role
