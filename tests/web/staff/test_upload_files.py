"""The upload page names a wrong file (a picture or archive named .xlsx) and says what it is, in both languages."""

from __future__ import annotations

import html
import io
import re
import zipfile
from typing import Any

import pytest

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


#: file name → (content, what the page says it is in Japanese, in English).
FILES = {
    "令和8年度実績.xlsx": (PNG, "PNG画像", "a PNG image"),
    "実績.csv": (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "PDF文書", "a PDF document"),
    "report.xlsx": (_docx(), "Word文書", "a Word document"),
}


@pytest.mark.parametrize("name", list(FILES))
def test_a_wrong_file_is_named_and_described(desk: Any, name: str) -> None:
    content, ja, en = FILES[name]
    before = desk.snapshot()
    response = desk.post("admin", "/staff/upload", files={"file": (name, content, "application/octet-stream")})
    assert response.status_code == 422
    alert = re.search(r'<div class="error-summary" role="alert"><p>(.*?)</p></div>', response.text, re.S)
    assert alert, response.text[:2000]
    message = html.unescape(alert.group(1))
    assert message.startswith(f"「{name}」: ")
    assert ja in message and en in message, message
    assert "zip file" not in message and "neither UTF-8" not in message
    assert desk.snapshot() == before
