"""API endpoints of the core app: who the caller is and what they may do."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from anju.core.models import User

router = Router(tags=["core"])


class RoleOut(Schema):
    code: str
    name: str


class MeOut(Schema):
    username: str
    full_name: str
    is_superuser: bool
    roles: list[RoleOut]
    permissions: list[str]


@router.get(
    "/me",
    response=MeOut,
    summary="The authenticated user",
    description=(
        "The caller's roles and their permissions as sorted `module:action` strings "
        "(`*:action` grants the action in every module; a superuser may do everything)."
    ),
)
def me(request: HttpRequest) -> MeOut:
    user = request.user
    assert isinstance(user, User)
    return MeOut(
        username=user.username,
        full_name=user.full_name,
        is_superuser=user.is_superuser,
        roles=[RoleOut(code=role.code, name=role.name) for role in user.roles.all()],
        permissions=sorted(user.permission_set()),
    )
