"""The Content-Security-Policy (settings.SECURE_CSP): the header on every answer, the nonce on every
inline script and style, and no inline event handlers or javascript: links in any template.

The browser's own verdict is tests/e2e/test_csp_browser.py."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

ANJU = Path(__file__).resolve().parents[2]
# Rendered into PDFs by WeasyPrint, never served to a browser.
PDF_TEMPLATES = {
    "fund/disclosure_pdf.html",
    "performance/report_pdf.html",
    "termite/certificate_pdf.html",
    "petitions/notice_pdf.html",
}
NONCE = 'nonce="{{ csp_nonce }}"'

EXPECTED = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'nonce-*'"],
    "style-src": ["'self'", "'nonce-*'"],
    "style-src-attr": ["'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


def policy(header: str) -> dict[str, list[str]]:
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {d[0]: d[1:] for d in directives}


def nonce_of(header: str) -> str | None:
    found = re.search(r"'nonce-([^']+)'", header)
    return found.group(1) if found else None


def templates() -> list[tuple[str, str]]:
    found = []
    for path in sorted(ANJU.rglob("templates/**/*.html")):
        name = str(path).split("/templates/", 1)[1]
        if name not in PDF_TEMPLATES:
            found.append((name, path.read_text()))
    return found


def test_the_middleware_order() -> None:
    middleware = settings.MIDDLEWARE
    auth = middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert middleware[auth + 1] == "django.contrib.auth.middleware.LoginRequiredMiddleware"
    # Before whitenoise and the upload limit: their answers carry the policy too.
    csp = middleware.index("django.middleware.csp.ContentSecurityPolicyMiddleware")
    assert csp < middleware.index("whitenoise.middleware.WhiteNoiseMiddleware") < auth


def test_no_template_has_inline_handlers_or_javascript_links() -> None:
    offenders = [
        (name, match.group(0))
        for name, text in templates()
        for match in re.finditer(r"""\s(on[a-z]+\s*=|href\s*=\s*["']?\s*javascript:)""", text, re.IGNORECASE)
    ]
    assert offenders == []


def test_every_inline_script_and_style_carries_the_nonce() -> None:
    missing = []
    for name, text in templates():
        for tag in re.findall(r"<(?:script|style)\b[^>]*>", text, re.IGNORECASE):
            external = re.search(r"\ssrc=", tag) or 'type="application/json"' in tag
            if not external and NONCE not in tag:
                missing.append((name, tag))
    assert missing == []


@pytest.mark.django_db
def test_the_login_page_has_the_policy_and_no_inline_script(client: Client) -> None:
    response = client.get("/login/")
    header = response["Content-Security-Policy"]
    assert policy(header) == {**EXPECTED, "script-src": ["'self'"], "style-src": ["'self'"]}  # no nonce used
    html = response.content.decode()
    assert "/static/js/anju.js" in html and "/static/vendor/htmx.min.js" in html
    assert '"includeIndicatorStyles": false' in html


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/rental/?year=2023", "/performance/dashboard/?year=2023"])
def test_a_chart_pages_inline_script_runs_under_the_requests_nonce(
    client_for: Callable[..., Client], path: str
) -> None:
    response = client_for("leadership").get(path)
    assert response.status_code == 200
    header = response["Content-Security-Policy"]
    nonce = nonce_of(header)
    assert nonce and len(nonce) >= 16
    assert {k: [v if not v.startswith("'nonce-") else "'nonce-*'" for v in vs] for k, vs in policy(header).items()} == (
        EXPECTED
    )
    html = response.content.decode()
    inline = re.findall(r"<script(?![^>]*\ssrc=)(?![^>]*application/json)([^>]*)>", html)
    assert inline and all(f'nonce="{nonce}"' in attrs for attrs in inline), inline
    # Another request, another nonce.
    assert nonce_of(client_for("leadership", username="second").get(path)["Content-Security-Policy"]) != nonce


@pytest.mark.django_db
def test_the_api_docs_and_the_upload_refusal_carry_the_policy(
    client: Client, settings: object, client_for: Callable[..., Client]
) -> None:
    docs = client_for("office").get("/api/docs")
    assert docs.status_code == 200 and policy(docs["Content-Security-Policy"])["script-src"] == ["'self'"]
    assert not re.search(r"<script(?![^>]*\ssrc=)(?![^>]*application/json)[^>]*>", docs.content.decode())
    settings.UPLOAD_MAX_MB = 1  # type: ignore[attr-defined]
    big = client.post("/login/", data=b"x" * (2 * 1024 * 1024), content_type="application/octet-stream")
    assert big.status_code == 413 and "Content-Security-Policy" in big
