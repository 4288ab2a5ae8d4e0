"""What a staff password must be: long enough, not a common password, not the account's or the area's own names.

The common passwords are the 30,000 of the ``passwords`` frequency list that the zxcvbn package ships (Dropbox's
password-strength estimator, MIT licence; the list is drawn from leaked-password corpora). It is read from the
installed package, never downloaded. A password is refused when, folded (width and case), it is one of them — also
with digits, symbols and spaces taken off both ends (``Password2026!``) — or when it only repeats a short or common
piece (``abcabcabcabc``). It must not contain the user name, the display name, the organisation, or the name or
slug of an area the deployment holds (each word of three characters or more).
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
#: A name shorter than this is too common a piece of text to refuse in a password.
MIN_NAME_LENGTH = 3
_ENDS = string.digits + string.punctuation + string.whitespace
_REPEATED = re.compile(r"(.+?)\1+")
_WORDS = re.compile(r"[\s・、,./_@-]+")


@dataclass(frozen=True, slots=True)
class PasswordRefusal:
    """Why a password is refused, in Japanese and English."""

    message_ja: str
    message_en: str


@cache
def common_passwords() -> frozenset[str]:
    """Return the common passwords (lower case) of the zxcvbn package: 30,000 of them.

    >>> len(common_passwords()) >= 10_000, "password" in common_passwords(), "iloveyou" in common_passwords()
    (True, True, True)
    """
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def fold_password(text: str) -> str:
    """Fold text as passwords are compared: full-width to half-width, lower case.

    >>> fold_password("ＰａｓｓＷｏｒｄ１")
    'password1'
    """
    return unicodedata.normalize("NFKC", text).lower()


def _is_common(folded: str) -> bool:
    common = common_passwords()
    core = folded.strip(_ENDS)
    if folded in common or (len(core) >= 4 and core in common):
        return True
    repeated = _REPEATED.fullmatch(core or folded)
    return repeated is not None and (len(repeated.group(1)) <= 3 or repeated.group(1) in common)


def _words(name: str) -> set[str]:
    folded = fold_password(name).strip()
    words = {w for w in _WORDS.split(folded) if len(w) >= MIN_NAME_LENGTH}
    if len(folded) >= MIN_NAME_LENGTH:
        words.add(folded)
    return words


def refuse_password(password: str, *, username: str = "", display_name: str = "", organisation: str = "",
                    area_names: Iterable[str] = ()) -> PasswordRefusal | None:
    """Return why a password is refused, or None when it may be used.

    >>> refuse_password("correct horse battery staple", username="yukuhashi") is None
    True
    >>> refuse_password("Password2026!").message_en
    'the password is one of the most common passwords (or one with digits or symbols added)'
    >>> refuse_password("kitakyushu-r8-portal", area_names=["北九州都市圏域", "kitakyushu"]).message_ja
    'パスワードに圏域の名前を含めないでください'
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return PasswordRefusal(f"パスワードは{MIN_PASSWORD_LENGTH}文字以上にしてください",
                               f"the password must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        return PasswordRefusal(f"パスワードは{MAX_PASSWORD_LENGTH}文字以下にしてください",
                               f"the password must be at most {MAX_PASSWORD_LENGTH} characters")
    folded = fold_password(password)
    if _is_common(folded):
        return PasswordRefusal(
            "よく使われるパスワード（またはそれに数字や記号を付けただけのもの）は使えません",
            "the password is one of the most common passwords (or one with digits or symbols added)")
    names = (("ユーザー名", "the user name", [username]), ("表示名", "the display name", [display_name]),
             ("所属", "the organisation", [organisation]), ("圏域の名前", "an area's name", list(area_names)))
    for label_ja, label_en, values in names:
        if any(word in folded for value in values for word in _words(value)):
            return PasswordRefusal(f"パスワードに{label_ja}を含めないでください",
                                   f"the password must not contain {label_en}")
    return None
