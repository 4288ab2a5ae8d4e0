"""The staff forms refuse a common password and one holding the account's or the area's name, saying why."""

from __future__ import annotations

import html
from typing import Any

import pytest


@pytest.mark.parametrize(("form", "said"), [
    ({"password": "Password2026!"}, "よく使われるパスワード"),
    ({"password": "kitakyushu-portal-key"}, "パスワードに圏域の名前を含めないでください"),
    ({"password": "hanako loves long walks", "display_name": "Tanaka Hanako"}, "パスワードに表示名を含めない"),
])
def test_the_new_account_form_refuses_a_weak_password(desk: Any, form: dict[str, str], said: str) -> None:
    before = desk.snapshot()
    response = desk.post("admin", "/staff/admin/users", {"username": "tanaka", "role": "viewer", **form})
    assert response.status_code == 422
    assert said in html.unescape(response.text)
    assert desk.snapshot()["staff_user"] == before["staff_user"]


def test_the_reset_form_refuses_a_common_password(desk: Any) -> None:
    before = desk.snapshot()
    response = desk.post("admin", "/staff/admin/users/viewer/password", {"password": "iloveyou12345"})
    assert response.status_code == 422
    assert "よく使われるパスワード" in html.unescape(response.text) and "common passwords" in response.text
    assert desk.snapshot()["staff_user"] == before["staff_user"]
