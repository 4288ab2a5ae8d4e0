"""What a file's first bytes say it is (a PNG image, a PDF, an old .xls …), for clear messages about wrong files.

A planning officer who picks the wrong file (a screenshot saved as ``実績.xlsx``, the PDF of the vision, an .xls
from an old template) should read what the file is and what to do, in Japanese and English, instead of a zip
library's English. The readers call :func:`workbook_problem` when openpyxl cannot open a workbook and
:func:`text_problem` when bytes are not a text document; both only describe, they never raise.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FileKind:
    """A kind of file, named in Japanese and English (「PNG画像」, "a PNG image")."""

    key: str
    ja: str
    en: str


PNG = FileKind("png", "PNG画像", "a PNG image")
JPEG = FileKind("jpeg", "JPEG画像", "a JPEG image")
GIF = FileKind("gif", "GIF画像", "a GIF image")
TIFF = FileKind("tiff", "TIFF画像", "a TIFF image")
WEBP = FileKind("webp", "WebP画像", "a WebP image")
PDF = FileKind("pdf", "PDF文書", "a PDF document")
OLE = FileKind("ole", "旧形式のExcel（.xls）など、またはパスワード付きのブック",
               "an old-format Excel file (.xls) or similar, or a password-protected workbook")
XLSX = FileKind("xlsx", "Excelブック（.xlsx）", "an Excel workbook (.xlsx)")
DOCX = FileKind("docx", "Word文書（.docx）", "a Word document (.docx)")
PPTX = FileKind("pptx", "PowerPointファイル（.pptx）", "a PowerPoint file (.pptx)")
ODS = FileKind("ods", "OpenDocumentの表計算ファイル（.ods）", "an OpenDocument spreadsheet (.ods)")
ZIP = FileKind("zip", "ZIP圧縮ファイル", "a zip archive")
GZIP = FileKind("gzip", "gzip圧縮ファイル", "a gzip archive")
SEVEN_ZIP = FileKind("7z", "7z圧縮ファイル", "a 7z archive")
RAR = FileKind("rar", "RAR圧縮ファイル", "a RAR archive")
EMPTY = FileKind("empty", "空のファイル（0バイト）", "an empty file (0 bytes)")
TEXT = FileKind("text", "テキストファイル", "a text file")
BINARY = FileKind("binary", "形式の分からないバイナリファイル", "a binary file of unknown kind")

#: Leading bytes of common files (the first match wins).
SIGNATURES: tuple[tuple[bytes, FileKind], ...] = (
    (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG), (b"GIF87a", GIF), (b"GIF89a", GIF),
    (b"II*\x00", TIFF), (b"MM\x00*", TIFF), (b"%PDF-", PDF), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLE),
    (b"\x1f\x8b", GZIP), (b"7z\xbc\xaf\x27\x1c", SEVEN_ZIP), (b"Rar!\x1a\x07", RAR),
)
_ZIP_STARTS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_TEXT_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def _zip_kind(data: bytes) -> FileKind:
    """Tell an Office Open XML file from another zip by the names inside.

    Only the zip directory and the first bytes of ``mimetype`` are read (never a whole entry: the file may be a
    zip bomb). A zip whose directory cannot be read is a workbook when its first entries name workbook parts (a
    truncated .xlsx), else a zip.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = b""
            if "mimetype" in names:
                with archive.open("mimetype") as stream:
                    mimetype = stream.read(80)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError, zlib.error):
        head = data[:4096]
        return XLSX if b"xl/" in head else ZIP
    if any(n.startswith("xl/") for n in names):
        return XLSX
    if any(n.startswith("word/") for n in names):
        return DOCX
    if any(n.startswith("ppt/") for n in names):
        return PPTX
    if b"opendocument.spreadsheet" in mimetype:
        return ODS
    return ZIP


def detect_file_kind(data: bytes) -> FileKind:
    """Return what a file's bytes look like: an image, a PDF, an Office file, an archive, text or unknown binary.

    >>> [detect_file_kind(d).key for d in (b"\\x89PNG\\r\\n\\x1a\\n...", b"%PDF-1.7", b"", "事業名".encode())]
    ['png', 'pdf', 'empty', 'text']
    >>> detect_file_kind(b"\\xd0\\xcf\\x11\\xe0\\xa1\\xb1\\x1a\\xe1" + bytes(8)).ja
    '旧形式のExcel（.xls）など、またはパスワード付きのブック'
    >>> detect_file_kind(bytes(range(256))).key
    'binary'
    """
    if not data:
        return EMPTY
    for signature, kind in SIGNATURES:
        if data.startswith(signature):
            return kind
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(_ZIP_STARTS):
        return _zip_kind(data)
    head = data[:4096]
    if b"\x00" in head and not data.startswith(_TEXT_BOMS[1:]):
        return BINARY  # text files (UTF-8, Shift_JIS) hold no NUL; UTF-16 ones start with their BOM
    return TEXT


def workbook_problem(data: bytes) -> str:
    """Say, in Japanese and English, why bytes could not be opened as an Excel workbook and what to do.

    >>> ja, en = workbook_problem(b"\\x89PNG\\r\\n\\x1a\\n" + bytes(16)).split(" / ")
    >>> ja.split("。")[1]
    '中身はPNG画像です'
    >>> en.split(". ")[0]
    'not an Excel workbook (.xlsx): the file holds a PNG image'
    """
    kind = detect_file_kind(data)
    advice_ja = "Excelで開き「Excel ブック (*.xlsx)」形式で保存したファイルを選んでください"
    advice_en = 'Choose a file saved from Excel as "Excel Workbook (*.xlsx)".'
    if kind is XLSX:
        return ("Excelブック（.xlsx）が壊れているため読めません。Excelで開けるか確かめ、保存し直したファイルを選んで"
                "ください / the Excel workbook (.xlsx) is damaged and cannot be read. Check that Excel opens it and "
                "choose a copy saved again.")
    if kind is OLE:
        return (f"Excelブック（.xlsx）として読めません。中身は{kind.ja}です。パスワードを外し、{advice_ja} / not an "
                f"Excel workbook (.xlsx): the file is {kind.en}. Remove any password. {advice_en}")
    if kind is TEXT:
        return (f"Excelブック（.xlsx）として読めません。中身はテキストです（CSVなら拡張子を .csv にしてください）。"
                f"{advice_ja} / not an Excel workbook (.xlsx): the file holds text (name a CSV file .csv). {advice_en}")
    return (f"Excelブック（.xlsx）として読めません。中身は{kind.ja}です。{advice_ja} / not an Excel workbook (.xlsx): "
            f"the file holds {kind.en}. {advice_en}")


def text_problem(data: bytes) -> str | None:
    """Say, in Japanese and English, that bytes are a known binary file and not text; None when they may be text.

    >>> text_problem(b"%PDF-1.7").split("。")[:2]
    ['テキストとして読めません', '中身はPDF文書です']
    >>> text_problem(b"%PDF-1.7").split(" / ")[1].split(". ")[0]
    'not a text file: it holds a PDF document'
    >>> text_problem("事業名".encode("cp932")) is None
    True
    """
    kind = detect_file_kind(data)
    if kind in (TEXT, EMPTY):
        return None
    return (f"テキストとして読めません。中身は{kind.ja}です。文書はテキスト（UTF-8・Shift_JIS）で、表はCSVか"
            f"Excelブック（.xlsx）で渡してください / not a text file: it holds {kind.en}. Give documents as text "
            f"(UTF-8, Shift_JIS) and tables as CSV or an Excel workbook (.xlsx).")
