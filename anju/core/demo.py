"""The demo city's first step: the demo staff, one per department, created through `actions.create_user`."""

from __future__ import annotations

from anju.core import actions, organisation
from anju.core.demokit import Context, Step, hashed_passwords, register
from anju.core.models import Role

DEMO_PASSWORD = "Anju@2023demo"
# (user name, full name, role code)
DEMO_USERS = [
    ("admin", "系统管理员", "admin"),
    ("leader", "张主任", "leadership"),
    ("office", "办公室 李明", "office"),
    ("finance", "人事财务部 王芳", "finance"),
    ("housing", "住房保障服务部 刘洋", "housing"),
    ("info", "住建信息服务部 陈静", "information"),
    ("station", "住房保障服务站 赵强", "station"),
]


def build_users(ctx: Context) -> None:
    roles = {r.code: r for r in Role.objects.all()}
    hashes = hashed_passwords(DEMO_PASSWORD, len(DEMO_USERS))
    for (username, full_name, role_code), password_hash in zip(DEMO_USERS, hashes, strict=True):
        actions.create_user(
            None,
            username=username,
            full_name=full_name,
            password=DEMO_PASSWORD,
            password_hash=password_hash,
            roles=[roles[role_code]],
            must_change_password=False,
        )
    organisation.set_organisation(
        None,
        name="怀化市住房保障服务中心",
        city="怀化市",
        station="怀化市住房保障服务站",
        address="怀化市鹤城区迎丰中路",
    )
    ctx.out.write(f"  users: {len(DEMO_USERS)}\n")


def register_steps() -> None:
    register(Step(10, "users and roles", build_users))
