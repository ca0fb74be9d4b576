"""PDFs embed their Chinese fonts: on a machine state without any system font the text of a PDF is still
there (extracted from the file), and without Anju's font files no PDF is written."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from anju.core import pdf

TEXT = "怀化市住房保障服务中心维修资金归集表"
RENDER = f"""
import os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
django.setup()
from anju.core import pdf
html = '<html><body style="font-family: \\'Anju Sans\\'"><h1 style="font-family: \\'Anju Serif\\'">{TEXT}</h1>'
html += '<p><b>合计 1,234.56 元</b></p></body></html>'
sys.stdout.buffer.write(pdf.write_pdf(html))
"""


def test_a_pdf_carries_its_chinese_text_on_a_server_without_cjk_fonts(tmp_path: Path) -> None:
    # A fontconfig that knows no font directory: the state of a bare server.
    config = tmp_path / "fonts.conf"
    config.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig></fontconfig>')
    env = os.environ | {"FONTCONFIG_FILE": str(config), "FONTCONFIG_PATH": str(tmp_path), "DEBUG": "1"}
    done = subprocess.run([sys.executable, "-c", RENDER], env=env, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    reader = PdfReader(io.BytesIO(done.stdout))
    text = "".join(page.extract_text() for page in reader.pages)
    assert TEXT in text and "合计 1,234.56 元" in text
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()  # type: ignore[index, union-attr]
    }
    # Embedded as subsets ("ABCDEF+" prefix) of Anju's own fonts, not whatever the server had.
    assert {name.split("+")[1] for name in fonts} == {"Anju-Sans-Bold", "Anju-Serif-Bold"}, fonts
    assert all("+" in name for name in fonts)
    # Subsets: the PDF is a small fraction of the 50 MB of fonts it draws on.
    assert len(done.stdout) < 500_000


def test_without_the_font_files_no_pdf_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "FONT_DIR", tmp_path)
    with pytest.raises(pdf.PdfError) as refused:
        pdf.write_pdf("<p>维修资金</p>")
    assert refused.value.code == "pdf.fonts_missing" and "make setup" in refused.value.message
