"""The one error a business rule raises: `DomainError`, with a stable code and a Chinese message.

Framework-free, so pure `rules.py` modules raise it too. Each line subclasses it once in its
`errors.py` (``class ArrearsError(DomainError): prefix = "arrears"``) and passes a code per reason
(``raise ArrearsError("案件已存在", code="case_exists")`` has the code ``arrears.case_exists``).
The API turns any DomainError into a JSON error and pages into a form message (`anju.core.errors`),
so no endpoint or view writes its own ``except`` block for it."""

from __future__ import annotations

from typing import Any


class DomainError(ValueError):
    """A change the rules refuse. `message` is Chinese and says why; `code` is stable for clients.

    `field` names the form field or input the message is about (None: the whole request)."""

    prefix = "anju"
    default_code = "rejected"
    status = 400

    def __init__(self, message: str, *, code: str = "", field: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.reason = code or self.default_code
        self.field = field
        self.params = params

    @property
    def code(self) -> str:
        """`<line>.<reason>`, e.g. ``arrears.case_exists``."""
        return f"{self.prefix}.{self.reason}"

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"detail": self.message, "code": self.code}
        if self.field:
            data["field"] = self.field
        return data
