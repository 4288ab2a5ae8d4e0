"""The password rules: a list of common passwords from a package, and the account's and the area's own names."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from renkei.services import accounts
from renkei.services.accounts import AccountError
from renkei.services.password_policy import common_passwords, refuse_password

COMMON = "よく使われるパスワード"


def test_the_list_is_the_package_s_and_long() -> None:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    assert len(common_passwords()) >= 10_000
    assert common_passwords() == {w.lower() for w in FREQUENCY_LISTS["passwords"]}


@pytest.mark.parametrize("password", [
    "1qaz2wsx3edc4rfv", "123456qwerty",  # on the list as they are (and long enough for the length rule)
    "Password2026!", "ＰＡＳＳＷＯＲＤ１２３４５６", "qwertyuiop2026", "!!iloveyou2026", "  letmein12345  ",
    "abcabcabcabc", "zzzzzzzzzzzz", "dragondragondragon",
])
def test_common_passwords_and_their_trivial_variants_are_refused(password: str) -> None:
    refusal = refuse_password(password)
    assert refusal is not None and refusal.message_ja.startswith(COMMON)
    assert "common" in refusal.message_en


@pytest.mark.parametrize("password", [
    "correct horse battery staple", "川沿いの桜並木を歩く2026", "tr0ub4dor&3-kestrel", "a new long secret",
])
def test_a_good_password_passes(password: str) -> None:
    assert refuse_password(password, username="yamada", display_name="企画課 山田太郎", organisation="消防局予防課",
                           area_names=["北九州都市圏域", "kitakyushu"]) is None


@pytest.mark.parametrize(("password", "said"), [
    ("yamada-secret-2026", "ユーザー名"),
    ("山田太郎の秘密のパスワード", "表示名"),
    ("消防局予防課はいつも忙しい", "所属"),
    ("北九州都市圏域のパスワード", "圏域の名前"),
    ("my-Kitakyushu-secret", "圏域の名前"),
])
def test_the_account_s_and_the_area_s_names_are_refused(password: str, said: str) -> None:
    refusal = refuse_password(password, username="yamada", display_name="企画課 山田太郎",
                              organisation="消防局予防課", area_names=["北九州都市圏域", "kitakyushu"])
    assert refusal is not None and refusal.message_ja == f"パスワードに{said}を含めないでください"


@pytest.mark.parametrize(("kwargs", "password"), [
    ({"display_name": "Tanaka Hanako"}, "hanako loves long walks"),
    ({"organisation": "消防局予防課"}, "消防局予防課のみなさんへ"),
    ({}, "kitakyushu-staff-portal"),  # the stored area's slug
    ({}, "北九州都市圏域で働く職員"),  # and its name
    ({}, "Welcome2026!!"),
])
def test_account_creation_and_resets_use_the_rules(session: Session, staff: Any, kwargs: dict[str, str],
                                                     password: str) -> None:
    with pytest.raises(AccountError) as caught:
        accounts.create_user(session=session, username="tanaka", role="viewer", password=password, actor="admin",
                             display_name=kwargs.get("display_name", ""), organisation=kwargs.get("organisation", ""))
    assert caught.value.field == "password" and " / " in str(caught.value)
    assert accounts.list_staff(session=session) == accounts.list_staff(session=session)  # nothing half-made
    assert "tanaka" not in {u.username for u in accounts.list_staff(session=session)}
    if not kwargs:
        with pytest.raises(AccountError):
            accounts.reset_password(session=session, username="viewer", password=password, actor="admin")
