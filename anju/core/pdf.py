"""PDFs right on any server: every PDF Anju writes (the annual report, the fund's disclosure notice)
embeds its Chinese fonts — Noto Sans SC and Noto Serif SC (SIL Open Font License), taken from the npm
registry at set-up by `scripts/vendor-assets` into `anju/core/fonts/` — as subsets, whatever fonts the
server has. Without those files no PDF is written: `PdfError` says to run the set-up, instead of a PDF
whose Chinese text would be blank boxes. Nothing else is fetched while rendering."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from anju.lib.errors import DomainError

FONT_DIR = Path(__file__).resolve().parent / "fonts"
# (CSS family, weight) → file. The templates name "Anju Sans" / "Anju Serif" first in their stacks.
FONTS = {
    ("Anju Sans", 400): "NotoSansSC-Regular.ttf",
    ("Anju Sans", 700): "NotoSansSC-Bold.ttf",
    ("Anju Serif", 400): "NotoSerifSC-Regular.ttf",
    ("Anju Serif", 700): "NotoSerifSC-Bold.ttf",
}


class PdfError(DomainError):
    prefix = "pdf"


def font_files() -> list[Path]:
    return [FONT_DIR / name for name in FONTS.values()]


def font_css() -> str:
    return "\n".join(
        f'@font-face {{ font-family: "{family}"; font-weight: {weight}; src: url("{(FONT_DIR / name).as_uri()}"); }}'
        for (family, weight), name in FONTS.items()
    )


def write_pdf(html: str) -> bytes:
    """The HTML as a PDF with the fonts embedded; refuses when a font file is missing."""
    missing = [path.name for path in font_files() if not path.is_file()]
    if missing:
        names = "、".join(missing)
        message = f"生成 PDF 所需的中文字体缺失（{names}）：请运行 make setup（npm ci 与 scripts/vendor-assets）"
        raise PdfError(message, code="fonts_missing")
    # WeasyPrint loads Pango through cffi; imported here so pages that never print don't pay for it.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    allowed = {path.as_uri() for path in font_files()}

    class FontsOnly(URLFetcher):  # type: ignore[misc]
        """The font files and nothing else: no network, no other file."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url not in allowed:
                raise ValueError(f"PDF 不加载外部资源：{url}")
            return super().fetch(url, headers)

    fetcher = FontsOnly(allowed_protocols=["file"])
    fonts = FontConfiguration()
    stylesheet = CSS(string=font_css(), font_config=fonts, url_fetcher=fetcher)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(  # type: ignore[no-any-return]
        stylesheets=[stylesheet], font_config=fonts
    )
