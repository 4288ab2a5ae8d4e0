"""A wrong file (an image named .xlsx, a PDF, an old .xls) is named for what it is, in Japanese and English."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable

import pytest
from openpyxl import Workbook

from renkei.reading.actuals import ActualsReadError, read_actuals_xlsx
from renkei.reading.document_text import PlanReadError, decode_document
from renkei.reading.file_kind import detect_file_kind, text_problem, workbook_problem
from renkei.reading.workbook import WorkbookReadError, read_workbook_edition


def png() -> bytes:
    """Return a real one-pixel PNG image."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
            + chunk(b"IEND", b""))


def archive(*names: str, mimetype: bytes | None = None) -> bytes:
    """Return a zip holding empty files of these names (an Office file's parts, or anything)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        if mimetype is not None:
            z.writestr("mimetype", mimetype)
        for name in names:
            z.writestr(name, b"")
    return buffer.getvalue()


def workbook() -> bytes:
    """Return a real xlsx workbook (an actuals sheet's header only)."""
    book = Workbook()
    book.active.append(["事業名", "指標", "年度", "実績値"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


#: name → (bytes, the kind detected, the words its workbook message must hold in Japanese and in English).
WRONG_FILES: dict[str, tuple[Callable[[], bytes], str, str, str]] = {
    "png": (png, "png", "PNG画像", "a PNG image"),
    "jpeg": (lambda: b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64), "jpeg", "JPEG画像", "a JPEG image"),
    "pdf": (lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "pdf", "PDF文書", "a PDF document"),
    "xls": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "ole", "旧形式のExcel（.xls）", ".xls"),
    "docx": (lambda: archive("[Content_Types].xml", "word/document.xml"), "docx", "Word文書", "a Word document"),
    "ods": (lambda: archive("content.xml", mimetype=b"application/vnd.oasis.opendocument.spreadsheet"), "ods",
            "OpenDocumentの表計算ファイル", "an OpenDocument spreadsheet"),
    "zip": (lambda: archive("readme.txt"), "zip", "ZIP圧縮ファイル", "a zip archive"),
    "truncated zip": (lambda: b"PK\x03\x04" + bytes(40), "zip", "ZIP圧縮ファイル", "a zip archive"),
    "damaged xlsx": (lambda: archive("xl/workbook.xml"), "xlsx", "壊れている", "damaged"),
    "csv text": (lambda: "事業名,指標,年度,実績値\n".encode(), "text", "拡張子を .csv に", "name a CSV file .csv"),
    "empty": (lambda: b"", "empty", "空のファイル", "an empty file"),
    "binary": (lambda: bytes(range(256)) * 4, "binary", "形式の分からないバイナリ", "a binary file of unknown kind"),
}


@pytest.mark.parametrize(("make", "kind"), [(v[0], v[1]) for v in WRONG_FILES.values()], ids=list(WRONG_FILES))
def test_the_kind_of_a_file_is_read_from_its_bytes(make: Callable[[], bytes], kind: str) -> None:
    assert detect_file_kind(make()).key == kind


def test_a_real_workbook_and_utf16_text_are_what_they_are() -> None:
    assert detect_file_kind(workbook()).key == "xlsx"
    assert detect_file_kind("事業名\n".encode("utf-16")).key == "text"
    assert detect_file_kind("事業名\n".encode("cp932")).key == "text"


def bilingual(message: str) -> bool:
    """Tell whether a message holds a Japanese part and an English sentence."""
    japanese = any("\u3040" <= ch <= "\u9fff" for ch in message)
    english = " / " in message and sum(ch.isascii() and ch.isalpha() for ch in message.split(" / ", 1)[1]) > 20
    return japanese and english


@pytest.mark.parametrize("reader", ["actuals", "plan workbook"])
@pytest.mark.parametrize(("make", "ja", "en"), [(v[0], v[2], v[3]) for v in WRONG_FILES.values()],
                         ids=list(WRONG_FILES))
def test_a_reader_says_what_the_wrong_file_is(make: Callable[[], bytes], ja: str, en: str, reader: str) -> None:
    data = make()
    with pytest.raises((ActualsReadError, WorkbookReadError)) as caught:
        if reader == "actuals":
            read_actuals_xlsx(data)
        else:
            read_workbook_edition(io.BytesIO(data))
    message = str(caught.value)
    assert message == workbook_problem(data)
    assert ja in message and en in message and bilingual(message), message
    assert "zip file" not in message and "Errno" not in message  # no library's own English


@pytest.mark.parametrize("name", ["png", "jpeg", "pdf", "xls", "docx", "zip", "binary"])
def test_a_binary_file_is_not_decoded_as_a_document(name: str) -> None:
    make, _, ja, en = WRONG_FILES[name]
    with pytest.raises(PlanReadError) as caught:
        decode_document(make())
    message = str(caught.value)
    assert message == text_problem(make()) and ja in message and en in message and bilingual(message)


def test_text_that_no_encoding_reads_gets_a_bilingual_message() -> None:
    with pytest.raises(PlanReadError) as caught:
        decode_document("事業名".encode("euc_jp") + b"\x8e")
    assert bilingual(str(caught.value)) and "UTF-8" in str(caught.value)
