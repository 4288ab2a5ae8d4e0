"""Bad query parameters get a readable answer: a redirect to the nearest valid page, or a message saying what is
wrong (Japanese, or English in English mode); the API answers 422 with a message per parameter; never pydantic
text. A query string too long for the server gets 414."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

import pytest
from fastapi.testclient import TestClient

LONG_Q = "研" * 201
PROJECT = "6ca2fb518e"

#: (address, where it is sent): the value has an obvious nearest valid one.
REDIRECTS = [
    ("/a/kitakyushu/projects?as_of=1990",
     "/a/kitakyushu/projects?as_of=2026"),  # before the plan period: its first year
    ("/a/kitakyushu/projects?as_of=2099", "/a/kitakyushu/projects?as_of=2030"),  # after it: its last year
    ("/a/kitakyushu/?as_of=1990", "/a/kitakyushu/?as_of=2026"),
    (f"/a/kitakyushu/projects/{PROJECT}?as_of=2031", f"/a/kitakyushu/projects/{PROJECT}?as_of=2030"),
    ("/a/kitakyushu/map?as_of=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%97",
     "/a/kitakyushu/map?as_of=2027"),  # ２０２７ in full-width digits
    ("/a/kitakyushu/projects?as_of=R8", "/a/kitakyushu/projects?as_of=2026"),  # the spellings the command line takes
    (f"/a/kitakyushu/kpis?as_of={quote('令和9年度')}&status=no_data", "/a/kitakyushu/kpis?as_of=2027&status=no_data"),
    ("/a/kitakyushu/?as_of=FY2028", "/a/kitakyushu/?as_of=2028"),
    ("/a/kitakyushu/projects?page=-1", "/a/kitakyushu/projects"),
    ("/a/kitakyushu/projects?page=0&q=研修", f"/a/kitakyushu/projects?q={quote('研修')}"),
    ("/a/kitakyushu/projects?page=abc", "/a/kitakyushu/projects"),
    ("/a/kitakyushu/projects?page=9", "/a/kitakyushu/projects"),  # past the end: the last (here the only) page
    ("/a/kitakyushu/kpis?page=5&status=no_data", "/a/kitakyushu/kpis?status=no_data"),
    ("/a/kitakyushu/municipalities/402133?page=7", "/a/kitakyushu/municipalities/402133"),
    ("/a/kitakyushu/projects?sort=xyz", "/a/kitakyushu/projects"),
    ("/a/kitakyushu/projects?sort=xyz&q=研修", f"/a/kitakyushu/projects?q={quote('研修')}"),
    ("/a/kitakyushu/projects?status=late", "/a/kitakyushu/projects"),
    ("/a/kitakyushu/kpis?budget=maybe&relisted=perhaps", "/a/kitakyushu/kpis"),
]


@pytest.mark.parametrize(("asked", "target"), REDIRECTS)
def test_a_value_with_a_nearest_valid_one_is_redirected(client: TestClient, asked: str, target: str) -> None:
    response = client.get(asked, follow_redirects=False)
    assert response.status_code == 303, response.text[:300]
    location = urlsplit(response.headers["location"])
    wanted = urlsplit(target)
    assert (location.path, parse_qs(location.query)) == (wanted.path, parse_qs(wanted.query))
    assert client.get(response.headers["location"]).status_code == 200


#: (address, language, words the page must say): no nearest value can be guessed, so the page explains.
MESSAGES = [
    ("/a/kitakyushu/projects?as_of=abc", "ja", ["評価年度（as_of）の「abc」は年度として読めません",
                                   "西暦の年度（例: 2026）か和暦（令和8年度、R8）"]),
    ("/a/kitakyushu/projects?as_of=abc", "en",
     ["The evaluation year (as_of) “abc” is not a fiscal year", "2026, 令和8年度 or R8"]),
    ("/a/kitakyushu/projects?as_of=R99x", "ja", ["「R99x」は年度として読めません"]),
    ("/a/kitakyushu/?as_of=99999", "ja", ["「99999」は年度として読めません"]),
    (f"/a/kitakyushu/projects?q={LONG_Q}", "ja", ["キーワードは200文字以内で入力してください（201文字あります）"]),
    (f"/a/kitakyushu/kpis?q={LONG_Q}", "en", ["A keyword can be at most 200 characters long (this one has 201)"]),
]


@pytest.mark.parametrize(("asked", "lang", "words"), MESSAGES)
def test_a_value_nobody_can_guess_gets_a_message(client: TestClient, asked: str, lang: str,
                                                 words: list[str]) -> None:
    response = client.get(f"{asked}&lang={lang}", follow_redirects=False)
    assert response.status_code == 400
    assert f'<html lang="{lang}">' in response.text
    for text in words:
        assert text in response.text
    assert "Input should be" not in response.text and "int_parsing" not in response.text
    assert 'class="problems"' in response.text and "<main" in response.text


def test_the_message_links_to_the_corrected_page(client: TestClient) -> None:
    html = client.get(f"/a/kitakyushu/projects?q={LONG_Q}&status=no_data&lang=ja").text
    assert f'href="/a/kitakyushu/projects?q={quote("研" * 200)}&amp;status=no_data' in html
    assert "条件を直して表示する" in html


#: (address, parameter, words of the message, nearest value): the API never redirects.
API_ERRORS = [
    ("/api/a/kitakyushu/projects?as_of=abc", "as_of", "年度として読めません", None),
    ("/api/a/kitakyushu/summary?as_of=1990", "as_of", "計画期間", "2026"),
    # the API names the year, never redirects
    ("/api/a/kitakyushu/summary?as_of=R8", "as_of", "西暦の半角数字で 2026", "2026"),
    ("/api/a/kitakyushu/kpis?limit=0", "limit", "1以上で指定してください", None),
    ("/api/a/kitakyushu/kpis?limit=abc", "limit", "整数で指定してください", None),
    ("/api/a/kitakyushu/projects?limit=5000", "limit", "1000以下で指定してください", None),
    ("/api/a/kitakyushu/projects?offset=-5", "offset", "0以上で指定してください", None),
    ("/api/a/kitakyushu/projects?sort=xyz", "sort", "「xyz」は使えません", None),
    ("/api/a/kitakyushu/projects?status=late", "status", "「late」は使えません", None),
    (f"/api/a/kitakyushu/projects?q={LONG_Q}", "q", "200文字以内", "研" * 200),
    ("/api/a/kitakyushu/municipalities/12", "code", "形式が正しくありません", None),
]


@pytest.mark.parametrize(("asked", "parameter", "words", "nearest"), API_ERRORS)
def test_the_api_answers_422_in_words(client: TestClient, asked: str, parameter: str, words: str,
                                      nearest: str | None) -> None:
    response = client.get(f"{asked}{'&' if '?' in asked else '?'}lang=ja")
    assert response.status_code == 422
    body = response.json()
    assert isinstance(body["detail"], str) and words in body["detail"]
    assert [e["parameter"] for e in body["errors"]] == [parameter]
    assert body["errors"][0]["nearest"] == nearest
    assert "Input should be" not in response.text


def test_the_api_speaks_english_when_asked(client: TestClient) -> None:
    body = client.get("/api/a/kitakyushu/kpis?limit=0&lang=en").json()
    assert body["detail"] == "The limit (limit) must be at least 1 (got “0”)."


@pytest.mark.parametrize("path", ["/a/kitakyushu/projects", "/api/a/kitakyushu/projects", "/a/kitakyushu/kpis"])
def test_a_query_string_too_long_for_the_server_gets_414(client: TestClient, path: str) -> None:
    response = client.get(f"{path}?q={'a' * 5000}")
    assert response.status_code == 414
    assert "URLの検索条件が長すぎます" in response.text and "too long" in response.text
    assert response.headers["content-security-policy"].startswith("default-src 'self'")


def test_good_parameters_pass(client: TestClient) -> None:
    for asked in ("/a/kitakyushu/projects?as_of=2026&page=1&sort=name&q=研修",
                  "/a/kitakyushu/kpis?as_of=2027&status=no_data",
                  "/api/a/kitakyushu/projects?as_of=2028&limit=5&offset=5&sort=status",
                  f"/a/kitakyushu/projects?q={'研' * 200}"):
        assert client.get(asked, follow_redirects=False).status_code == 200, asked


def test_openapi_describes_the_answers_as_given(client: TestClient) -> None:
    from renkei.web.parameters import ParameterErrors

    schema = client.app.openapi()  # type: ignore[attr-defined]
    for path, operations in schema["paths"].items():
        answers = operations["get"]["responses"]
        assert answers["422"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ParameterErrors"}, path
        assert "414" in answers
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    for asked in ("/api/a/kitakyushu/kpis?limit=0", "/api/a/kitakyushu/summary?as_of=abc",
                  "/api/a/kitakyushu/projects?sort=x&status=y"):
        ParameterErrors.model_validate(client.get(asked).json())
