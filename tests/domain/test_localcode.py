"""Tests for local government codes: the check digit against the whole national list."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renkei.domain.localcode import LocalCodeError, check_digit, is_valid_code, normalise_code


def _national_codes() -> list[tuple[str, str]]:
    """Return (code, name) of every prefecture, municipality and ward in the shipped list."""
    text = resources.files("renkei").joinpath("data", "jp_local_gov.json").read_text(encoding="utf-8")
    codes: list[tuple[str, str]] = []
    for pref in json.loads(text)["prefectures"]:
        codes.append((pref["code"], pref["name"]))
        for row in pref["municipalities"]:
            codes.append((row[0], row[1]))
            codes.extend((w[0], w[1]) for w in (row[3] if len(row) > 3 else []))
    return codes


def test_national_list_has_every_local_government() -> None:
    codes = _national_codes()
    assert len(codes) == 47 + 1747 + 175
    assert len({c for c, _ in codes}) == len(codes)


def test_check_digit_agrees_with_every_code_in_the_national_list() -> None:
    wrong = [(code, name) for code, name in _national_codes() if check_digit(code[:5]) != int(code[5])]
    assert wrong == []


def test_national_list_exercises_both_special_remainders() -> None:
    # Remainder 0 gives 1 (11 → 1) and remainder 1 gives 0 (10 → 0): both occur in real codes.
    remainders = {sum(int(d) * w for d, w in zip(code[:5], (6, 5, 4, 3, 2), strict=True)) % 11: code
                  for code, _ in _national_codes()}
    assert check_digit(remainders[0][:5]) == 1
    assert check_digit(remainders[1][:5]) == 0


@pytest.mark.parametrize(("code5", "digit"), [
    ("40100", 5),  # 北九州市
    ("40204", 4),  # 直方市
    ("40621", 0),  # 苅田町 (remainder 1)
    ("40625", 2),  # みやこ町
    ("35201", 2),  # 下関市
    ("13101", 6),  # 千代田区
    ("01000", 6),  # 北海道
    ("40000", 9),  # 福岡県
])
def test_check_digit_of_known_codes(code5: str, digit: int) -> None:
    assert check_digit(code5) == digit


@pytest.mark.parametrize("code5", ["4010", "401005", "4010a", "", "４０１００"])
def test_check_digit_rejects_anything_but_five_ascii_digits(code5: str) -> None:
    with pytest.raises(LocalCodeError):
        check_digit(code5)


@pytest.mark.parametrize(("code", "valid"), [
    ("401005", True),
    ("406210", True),
    ("406473", True),
    ("401006", False),
    ("406211", False),
    ("40100", False),
    ("4010055", False),
    ("４０１００５", False),  # is_valid_code wants the normal form; normalise_code folds width
    ("", False),
])
def test_is_valid_code(code: str, valid: bool) -> None:
    assert is_valid_code(code) is valid


@pytest.mark.parametrize(("written", "code"), [
    ("401005", "401005"),
    ("40100", "401005"),
    ("４０１００５", "401005"),
    ("４０６２１", "406210"),
    (" 406252 ", "406252"),
    ("40625-2", "406252"),
])
def test_normalise_code(written: str, code: str) -> None:
    assert normalise_code(written) == code


@pytest.mark.parametrize("written", ["401006", "4010", "北九州市", "", "40100５5", "1234567"])
def test_normalise_code_rejects_non_codes(written: str) -> None:
    with pytest.raises(LocalCodeError):
        normalise_code(written)


@given(st.text(max_size=12))
def test_normalise_code_raises_only_its_own_error(text: str) -> None:
    try:
        code = normalise_code(text)
    except LocalCodeError:
        return
    assert is_valid_code(code)


@given(st.from_regex(r"\A[0-9]{5}\Z"))
def test_normalised_five_digit_code_round_trips(code5: str) -> None:
    code = normalise_code(code5)
    assert code[:5] == code5
    assert is_valid_code(code)
    assert normalise_code(code) == code
    assert not is_valid_code(code5 + str((int(code[5]) + 1) % 10))
