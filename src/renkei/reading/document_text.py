"""A document's bytes as text: UTF-8 (with or without BOM), UTF-16 with BOM or Shift_JIS, or a clear refusal.

Every reader of a text file (a vision document, an actuals CSV, a table) decodes it here. It is kept apart from the
sheet reader so that a command reading a small CSV does not import the whole document reader.
"""

from __future__ import annotations

from renkei.reading.file_kind import text_problem


class PlanReadError(Exception):
    """A document that cannot be read at all (not text). ``line`` is set when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message if line is None else f"line {line}: {message}")
        self.message = message
        self.line = line


def decode_document(data: bytes) -> str:
    """Decode a document's bytes: UTF-8 (with or without BOM), UTF-16 with BOM, or Shift_JIS (CP932).

    >>> decode_document("事業名".encode("cp932"))
    '事業名'
    >>> decode_document(b"\\xef\\xbb\\xbfabc")
    'abc'
    >>> decode_document("事業名\\n効果".encode("utf-16")[:-1])  # a UTF-16 file cut in the middle of a character
    Traceback (most recent call last):
    renkei.reading.document_text.PlanReadError: UTF-16 の文書が2行目で壊れています。UTF-8 で保存し直してください / ...
    """
    problem = text_problem(data)  # an image or a workbook may decode as Shift_JIS by chance: say what it is
    if problem is not None:
        raise PlanReadError(problem)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode_utf16(data)
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PlanReadError("文字コードが UTF-8・UTF-16・Shift_JIS のどれでもないため読めません。"
                        "UTF-8 で保存し直してください / the document is neither UTF-8, UTF-16 nor Shift_JIS "
                        "text; save it again as UTF-8")


def _decode_utf16(data: bytes) -> str:
    """Decode a document that starts with a UTF-16 byte-order mark; a damaged one is refused naming its line."""
    try:
        return data.decode("utf-16")
    except UnicodeDecodeError as exc:  # an odd byte count (a cut file) or a lone surrogate
        line = data[: exc.start - exc.start % 2].decode("utf-16", errors="replace").count("\n") + 1
        error = PlanReadError(f"UTF-16 の文書が{line}行目で壊れています。UTF-8 で保存し直してください / "
                              f"the UTF-16 document is damaged at line {line}; save it again as UTF-8")
        error.line = line  # named in the message already, Japanese first
        raise error from None
