"""Crawling the site as a user and checking what people read (issue 19): no internal identifier in the
visible text of a page (`cli:root`, `#90`, `arrears_case:90`, `core.User`, a KPI code such as
`fund.collected`) and no English word outside an allow-list, since the center works in Chinese.

Framework-free: the test suite crawls with Django's test client, `scripts/crawl-text` crawls a running
server with urllib; both hand `crawl` a `get(path) -> Page`. Visible text is the text of the elements
(scripts, styles and templates left out); attributes are not read, so a `title` tooltip, a `data-code`
or a link may hold a code."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

# An internal identifier in visible text: what each pattern catches, then the pattern.
IDENTIFIERS: list[tuple[str, re.Pattern[str]]] = [
    ("command-line actor", re.compile(r"\bcli(?::[\w.-]*)?(?![\w-])")),
    ("record id (#n)", re.compile(r"#\s?\d+")),
    ("record ref (type:id)", re.compile(r"\b[a-z]+(?:_[a-z]+)+:\d+")),
    ("model label", re.compile(r"\b[a-z_]+\.[A-Z][A-Za-z]+\b")),
    ("KPI code", re.compile(r"\b[a-z]+(?:_[a-z]+)*(?:\.[a-z]+(?:_[a-z]+)*)+\b")),
]
WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]|[A-Za-z]")
# A code with digits (a document number ZL2023-00001, a unit GZ-CD-1-1-101, a USCC, a hash) or of capitals
# joined by hyphens (a project's code GZ-CD) is data, not English; a {placeholder} is the narratives'
# editing syntax ({fund.collected:万2} inserts a figure).
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./-]*\d[A-Za-z0-9_./-]*|\b[A-Z]{2,}(?:-[A-Z]+)+\b")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# A page's address, as the audit log shows a refused request's ("GET /performance/kpi/…/"): an address.
ADDRESS = re.compile(r"(?<![\w/])/[\w./?=&%:+-]*")
# English that a Chinese page may show: abbreviations and names people use as they are, units,
# file kinds, and the letters of numbers (a building's 1A, a USCC, a bank account's letters).
ALLOWED_WORDS = frozenset(
    w.lower()
    for w in """
    API APIs ID IP URL HTTP HTTPS PDF Excel XLSX xlsx CSV csv DOCX docx Word JSON OpenAPI Swagger HMAC SHA
    CAPTCHA PIN OK KPI KPIs GB GBK GDP CPI LPR VIP QR QQ SM TLS SMS CA No m kg km cm mm kW kWh MB KB xls
    A B C D E F G H I J K L M N O P Q R S T U V W X Y Z
    """.split()
)

# Pages that show English on purpose: the calendar names the library its holidays come from, the API tokens
# page the header a program sends. (The user list and the audit log show login names: the caller adds them.)
ALLOWED_ON: dict[str, list[str]] = {
    "/tokens/": ["Authorization", "Bearer", "token"],
    "/calendar/": ["chinesecalendar"],
}

SKIP_PATHS = ("/logout", "/api/", "/static/", "/media/", "/admin/")
SKIP_QUERY = ("export=", "format=", "download")
SKIP_ENDINGS = (".xlsx", ".csv", ".pdf", ".docx", ".zip", ".png", ".jpg", ".json", ".txt")


@dataclass(frozen=True)
class Page:
    status: int
    content_type: str
    body: str


@dataclass(frozen=True)
class Finding:
    path: str
    kind: str
    text: str
    context: str


@dataclass
class Report:
    pages: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    errors: list[tuple[str, int]] = field(default_factory=list)


class _Text(HTMLParser):
    """The visible text (one line per block of text) and the links of a page."""

    HIDDEN = frozenset({"script", "style", "template", "noscript"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.parts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)
        elif tag == "input" and dict(attrs).get("type") in {"submit", "button"}:
            self.parts.append(dict(attrs).get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden and data.strip():
            self.parts.append(data.strip())


def parse(html: str) -> tuple[list[str], list[str]]:
    """(the pieces of visible text, the hrefs of the links)."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.parts, parser.links


def identifiers(text: str) -> list[tuple[str, str]]:
    """The internal identifiers in a piece of text: (what, the match)."""
    return [(kind, m.group(0)) for kind, pattern in IDENTIFIERS for m in pattern.finditer(text)]


def english_words(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """The English words of a piece of text (codes with digits left out) that are neither in ALLOWED_WORDS
    nor in `allowed`."""
    extra = {w.lower() for w in allowed}
    text = CODE.sub(" ", text)
    return [w for w in WORD.findall(text) if w.lower() not in ALLOWED_WORDS and w.lower() not in extra]


def check_text(path: str, parts: Iterable[str], allowed: Iterable[str] = ()) -> list[Finding]:
    allowed = tuple(allowed)
    found: list[Finding] = []
    for part in parts:
        context = part[:120]
        part = ADDRESS.sub(" ", PLACEHOLDER.sub(" ", part))
        found += [Finding(path, kind, match, context) for kind, match in identifiers(part)]
        found += [Finding(path, "English word", word, context) for word in english_words(part, allowed)]
    return found


def _internal(base: str, href: str) -> str | None:
    """The same-origin path of a link worth following, or None."""
    if href.startswith(("mailto:", "tel:", "javascript:", "#", "data:")):
        return None
    url = urlsplit(urljoin(base, href))
    here = urlsplit(base)
    if (url.scheme, url.netloc) != (here.scheme, here.netloc):
        return None
    path = url.path
    if path.startswith(SKIP_PATHS) or path.lower().endswith(SKIP_ENDINGS):
        return None
    if any(s in url.query for s in SKIP_QUERY):
        return None
    return path + (f"?{url.query}" if url.query else "")


def _shape(path: str) -> str:
    """Pages that differ only by a number or a page/sort/filter query count once: /x/12/ and /x/13/ are one
    kind of page (the crawl reads a few of each, not every record)."""
    base = path.split("?", 1)[0]
    return re.sub(r"\d+", "N", base) + ("?" if "?" in path else "")


def crawl(
    get: Callable[[str], Page],
    start: Iterable[str] = ("/",),
    *,
    origin: str = "http://testserver",
    limit: int = 400,
    per_shape: int = 2,
    allowed: Iterable[str] = (),
    allowed_on: dict[str, Iterable[str]] | None = None,
) -> Report:
    """Follows the internal links from `start` (GET only, breadth first) up to `limit` pages, at most
    `per_shape` pages of each shape, and checks each HTML page's visible text. `allowed_on` allows more
    words on the pages under a path (the user list shows login names)."""
    allowed = tuple(allowed)
    report = Report()
    queue = list(start)
    seen = set(queue)
    shapes: dict[str, int] = {}
    while queue and len(report.pages) < limit:
        path = queue.pop(0)
        page = get(path)
        if page.status >= 400:
            report.errors.append((path, page.status))
            continue
        if page.status >= 300 or "html" not in page.content_type:
            continue
        report.pages.append(path)
        parts, links = parse(page.body)
        extra = [w for prefix, words in (allowed_on or {}).items() if path.startswith(prefix) for w in words]
        report.findings += check_text(path, parts, (*allowed, *extra))
        for href in links:
            target = _internal(origin + path, href)
            if target is None or target in seen:
                continue
            seen.add(target)
            shape = _shape(target)
            if shapes.get(shape, 0) >= per_shape:
                continue
            shapes[shape] = shapes.get(shape, 0) + 1
            queue.append(target)
    return report


def summary(report: Report, limit: int = 60) -> str:
    """The findings grouped by what was found, with the pages (for a failing test or the script)."""
    by: dict[tuple[str, str], list[str]] = {}
    for f in report.findings:
        by.setdefault((f.kind, f.text), []).append(f"{f.path} «{f.context}»")
    lines = [
        f"{kind}: {text!r} ×{len(where)} e.g. {where[0]}"
        for (kind, text), where in sorted(by.items(), key=lambda kv: -len(kv[1]))
    ]
    return "\n".join(lines[:limit]) + (f"\n… and {len(lines) - limit} more" if len(lines) > limit else "")
