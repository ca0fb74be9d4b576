"""The center's default roles and what each may do. Administrators edit roles afterwards."""

from __future__ import annotations

V, H, A, E, S = "view", "handle", "approve", "export", "see_id"
R = "review"  # 审核: finance checks the fund's use and refunds; 住房保障服务部 checks rental exits


def _grant(module: str, *actions: str) -> list[str]:
    return [f"{module}:{action}" for action in actions]


DEFAULT_ROLES: list[dict[str, object]] = [
    {
        "code": "office",
        "name": "办公室",
        "kind": "department",
        "permissions": _grant("registry", V, E)
        + _grant("petitions", V, H, E)
        + _grant("legacy", V, H, E)
        # The leading group's office of inspection rectification (巡察整改工作领导小组办公室) checks tasks.
        + _grant("oversight", V, H, R, E)
        # The 办公室 keeps the center's work records; see_id = it reads the confidential ones (talks and home
        # visits name staff), as leaders do.
        + _grant("worklog", V, H, E, S)
        + _grant("performance", V),
    },
    {
        "code": "finance",
        "name": "人事财务部",
        "kind": "department",
        "permissions": _grant("registry", V)
        + _grant("fund", V, H, R, E)
        + _grant("performance", V, H, E)
        + _grant("subsidy", V, E)
        + _grant("oversight", V, H)
        + _grant("worklog", V, H),
    },
    {
        "code": "housing",
        "name": "住房保障服务部",
        "kind": "department",
        "permissions": _grant("registry", V, H, E, S)
        + _grant("rental", V, H, R, E, S)
        + _grant("subsidy", V, H, E, S)
        + _grant("oversight", V, H)
        + _grant("worklog", V, H),
    },
    {
        "code": "information",
        "name": "住建信息服务部",
        "kind": "department",
        "permissions": _grant("registry", V, H, E)
        + _grant("fund", V)
        + _grant("rental", V)
        + _grant("oversight", V, H)
        + _grant("worklog", V, H),
    },
    {
        "code": "station",
        "name": "市住房保障服务站",
        "kind": "department",
        "permissions": _grant("registry", V, H, E, S)
        + _grant("fund", V, H, E, S)
        + _grant("termite", V, H, E)
        + _grant("rental", V, H)
        + _grant("oversight", V, H)
        + _grant("worklog", V, H),
    },
    {
        # Outside agencies of the home-purchase subsidy's review (issue 14): limited to their step.
        "code": "tax_agency",
        "name": "税务局（契税核验）",
        "kind": "external",
        "permissions": _grant("subsidy", V, R),
    },
    {
        "code": "finance_bureau",
        "name": "财政局（补贴审核）",
        "kind": "external",
        "permissions": _grant("subsidy", V, A),
    },
    {
        "code": "leadership",
        "name": "中心领导",
        "kind": "leadership",
        "permissions": [f"*:{action}" for action in (V, A, E, S)],
    },
    {
        "code": "admin",
        "name": "系统管理员",
        "kind": "admin",
        "permissions": _grant("registry", V) + _grant("audit", V, E) + _grant("users", V, H) + _grant("calendar", V, H),
    },
]
