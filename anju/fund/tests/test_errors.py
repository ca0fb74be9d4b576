"""Every refusal in the fund's code raises one of the fund's errors with a stable code."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from anju.fund import errors

FUND = Path(__file__).resolve().parents[1]
FUND_ERRORS = {
    name: value.default_code
    for name, value in vars(errors).items()
    if inspect.isclass(value) and issubclass(value, errors.FundError)
}
# Pure rules raise ValueError on arguments no caller passes (the actions check first and raise with a code);
# an import column's parser raises ValueError, which the import kit turns into a row error.
PARSERS = {"rules.py", "votes_import.py"}


def _sources() -> list[Path]:
    return [
        path
        for path in sorted(FUND.rglob("*.py"))
        if not {"tests", "migrations", "arrears", "lifts"} & set(path.relative_to(FUND).parts)
    ]


def _raised(path: Path) -> list[tuple[int, str, bool]]:
    """(line, error class, has code=) of every `raise X(...)` in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            func = node.exc.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            found.append((node.lineno, name, any(k.arg == "code" for k in node.exc.keywords)))
    return found


def test_the_scan_sees_the_fund_packages() -> None:
    names = {path.relative_to(FUND).parts[0] for path in _sources()}
    assert {"deposits", "bank", "interest", "use", "refunds", "owner_query", "reconcile", "ledger.py"} <= names


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(FUND)))
def test_every_fund_error_has_a_code(path: Path) -> None:
    raised = _raised(path)
    # A class of its own reason (Overdraw: fund.ledger.overdraw) needs no code= at the raise.
    missing = [
        f"{path.name}:{line} {name}"
        for line, name, coded in raised
        if name in FUND_ERRORS and not coded and FUND_ERRORS[name] == "rejected"
    ]
    assert missing == []
    if path.name not in PARSERS:
        bare = [f"{path.name}:{line} {name}" for line, name, _ in raised if name == "ValueError"]
        assert bare == []


def test_a_coded_refusal_reads_prefix_and_reason() -> None:
    error = errors.UseError("预算须大于零", code="budget_not_positive")
    assert error.code == "fund.use.budget_not_positive"
    assert error.as_dict() == {"detail": "预算须大于零", "code": "fund.use.budget_not_positive"}
