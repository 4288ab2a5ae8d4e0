"""The upload page refuses a hostile file (zip bomb, too many rows, too large a body) with the limit named, writes
nothing, and reads every sheet in the thread pool, off the event loop the public pages are served from."""

from __future__ import annotations

import asyncio
import html
import re
from typing import Any

import pytest
from tests.reading.hostile_workbooks import actuals_sheet, white_space_sheet, workbook

import renkei.web.staff.upload as upload_route
from renkei.reading.actuals import ActualsSheet
from renkei.reading.input_limits import UPLOAD


def _alert(text: str) -> str:
    found = re.search(r'<div class="error-summary" role="alert"><p>(.*?)</p></div>', text, re.S)
    assert found, text[:2000]
    return html.unescape(found.group(1))


def test_a_zip_bomb_is_refused_with_the_limit_and_nothing_is_written(desk: Any) -> None:
    bomb = workbook(white_space_sheet(gib=0.25, chunk_mib=4))  # 256 MiB of white space in a few hundred KB
    before = desk.snapshot()
    response = desk.post("admin", "/staff/upload", files={"file": ("実績.xlsx", bomb, "application/octet-stream")})
    assert response.status_code == 413
    message = _alert(response.text)
    assert message.startswith("「実績.xlsx」: ")
    assert "展開後の大きさが上限を超えています" in message and "64 MB まで" in message
    assert "unpacked, the workbook would be 256 MB (at most 64 MB)" in message
    assert desk.snapshot() == before


def test_a_csv_over_the_row_limit_is_refused_with_the_row(desk: Any) -> None:
    rows = "".join("火災調査,件数,R8,1\n" for _ in range(UPLOAD.rows))
    data = ("事業名,指標,年度,実績値\n" + rows).encode()
    assert len(data) < UPLOAD.file_bytes
    before = desk.snapshot()
    response = desk.post("admin", "/staff/upload", files={"file": ("実績.csv", data, "text/csv")})
    assert response.status_code == 413
    message = _alert(response.text)
    assert "100,001行目: 行が多すぎます（1シート 100,000 行まで）" in message
    assert "row 100,001: too many rows (at most 100,000 per sheet)" in message
    assert desk.snapshot() == before


def test_a_body_over_the_limit_is_refused_before_the_form_is_read(desk: Any) -> None:
    data = b"x" * (UPLOAD.file_bytes + 128 * 1024)
    response = desk.post("admin", "/staff/upload", files={"file": ("実績.csv", data, "text/csv")})
    assert response.status_code == 413
    assert "送信が大きすぎます" in response.text and "the request is too large" in response.text


def test_a_body_of_unstated_length_is_refused(desk: Any) -> None:
    client = desk.as_user("admin")

    def chunks() -> Any:
        yield b"--x\r\n"

    response = client.post("/staff/upload", content=chunks(),
                           headers={"content-type": "multipart/form-data; boundary=x"})
    assert response.status_code == 411
    assert "Content-Length" in response.text


def test_a_workbook_within_the_limits_is_read_row_by_row(desk: Any) -> None:
    data = workbook(actuals_sheet(rows=3))
    response = desk.post("admin", "/staff/upload", files={"file": ("実績.xlsx", data, "application/octet-stream")})
    assert response.status_code == 422  # read, and each row judged: these name no project of the plan
    text = html.unescape(response.text)
    assert all(f"{row}行目「事業名」: 事業「火災調査」は計画にありません" in text for row in (2, 3, 4))
    assert "上限" not in text and "多すぎます" not in text


def test_the_sheet_is_read_off_the_event_loop(desk: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    real = upload_route.read_uploaded_sheet

    def read_and_note_the_thread(data: bytes, name: str) -> ActualsSheet:
        try:
            asyncio.get_running_loop()
            seen.append(True)  # called from a coroutine: the public pages would wait for this
        except RuntimeError:
            seen.append(False)  # a worker thread of the pool
        return real(data, name)

    monkeypatch.setattr(upload_route, "read_uploaded_sheet", read_and_note_the_thread)
    response = desk.post("admin", "/staff/upload",
                         files={"file": ("実績.csv", "事業名,指標,年度,実績値\n".encode(), "text/csv")})
    assert response.status_code in (200, 422)
    assert seen == [False]
