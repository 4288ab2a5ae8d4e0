"""The API described for people: every endpoint of the OpenAPI schema, in Japanese or English, and the downloads.

The guide is drawn from the application's own OpenAPI schema, so an endpoint added to the API appears here by
itself (in English until it is given a Japanese summary in :data:`SUMMARIES_JA`). No Swagger UI: it would load
script from a CDN and run inline script, which the portal's Content-Security-Policy forbids.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from renkei.domain.plan import Plan
from renkei.web.urls import API_PREFIX

#: Japanese summaries of the endpoints (the OpenAPI summaries are English).
SUMMARIES_JA: dict[str, str] = {
    "/api/summary": "計画の概要（期間、事業数、年度別の事業費、KPIの進捗の内訳）",
    "/api/projects": "事業の一覧（絞り込みと、絞り込みごとの件数）",
    "/api/projects.csv": "事業の一覧（CSV）",
    "/api/projects/{slug}": ("1つの事業：一覧の行、シートの全項目（sheet。renkei parse の JSON と同じ形）、"
                             "KPIの判定、文書の記載を読み替えた箇所"),
    "/api/municipalities": "構成市町村と参加事業数",
    "/api/municipalities.csv": "構成市町村と参加事業数（CSV）",
    "/api/municipalities/{code}": "1つの市町村の参加事業、役割分担と費用負担",
    "/api/kpis": "KPIの一覧と進捗の判定",
    "/api/kpis.csv": "KPIの一覧と進捗の判定（CSV）",
    "/api/revisions": "計画の改正（一部改正）と、改正で追加・変更・削除されたKPIの履歴（削除された事業のKPIを含む）",
    "/api/map": "圏域の地図（市町村の形と参加事業数）",
}

#: Japanese descriptions of the parameters, by name.
PARAMETERS_JA: dict[str, str] = {
    "area": "圏域の識別子（例: kitakyushu。ポータルのURLの /a/ の次）",
    "plan": "計画（省略するとその圏域の現在の計画）",
    "as_of": "評価年度（西暦。省略すると終わった最新の年度。計画期間の外なら422）",
    "limit": "1回に返す件数（1〜1000、既定100。CSVは全件）",
    "offset": "読み飛ばす件数（0以上）",
    "slug": "事業の識別子（事業ページのURLの末尾）",
    "code": "6桁の全国地方公共団体コード",
    "q": "キーワード（200文字まで。かな・カナ・全角半角は区別しない）",
    "policy_area": "政策分野の番号",
    "category": "連携協約の分類（例: 3-a）",
    "municipality": "参加市町村の6桁コード",
    "status": "進捗（achieved, on_track, behind, not_achieved, no_data, not_measurable）",
    "budget": "事業費の記載（yes / no）",
    "relisted": "【再掲】事業（yes / no）",
    "sort": "並べ替え（document, name＝五十音順, budget, status＝遅れを先に）",
    "lang": "言語（ja / en）",
}

#: The filters every list endpoint reads (they are query parameters the OpenAPI schema does not list one by one).
FILTERS_EN: dict[str, str] = {
    "q": "keyword (at most 200 characters; kana and full-width letters match alike)",
    "policy_area": "policy area number",
    "category": "agreement category, e.g. 3-a",
    "municipality": "6-digit code of a partner municipality",
    "status": "progress: achieved, on_track, behind, not_achieved, no_data, not_measurable",
    "budget": "a budget is stated: yes / no",
    "relisted": "relisted 【再掲】 sheets: yes / no",
    "sort": "document, name (gojūon order), budget, status (behind first)",
}
FILTERED_PATHS = ("/api/projects", "/api/projects.csv", "/api/kpis", "/api/kpis.csv")
#: How the schema writes an area's API paths.
AREA_API = f"{API_PREFIX}/{{area}}"
LANG_EN = "language of explanations: ja / en"


@dataclass(frozen=True, slots=True)
class ParameterDoc:
    """One parameter of an endpoint."""

    name: str
    where: str
    required: bool
    kind: str
    description: str


@dataclass(frozen=True, slots=True)
class EndpointDoc:
    """One endpoint: what it returns and how to call it."""

    path: str
    summary: str
    description: str
    parameters: tuple[ParameterDoc, ...]
    returns: str
    fields: tuple[tuple[str, str], ...]
    example: str
    media: str
    #: The path within an area (``/api/kpis``), what the portal's links and the downloads are written with.
    local: str = ""


def _kind(schema: Mapping[str, Any]) -> str:
    """Name a parameter's type from its JSON Schema (``integer``, ``string`` …; optional ones too).

    >>> _kind({"anyOf": [{"type": "integer"}, {"type": "null"}]}), _kind({"type": "string"})
    ('integer', 'string')
    """
    if "type" in schema:
        return str(schema["type"])
    for option in schema.get("anyOf", ()):
        if option.get("type") not in (None, "null"):
            return str(option["type"])
    return "string"


def _returns(schema: Mapping[str, Any], components: Mapping[str, Any]) -> tuple[str, tuple[tuple[str, str], ...]]:
    """Name what an endpoint returns and list the fields of that object, with their descriptions."""
    is_list = schema.get("type") == "array"
    target = schema.get("items", {}) if is_list else schema
    ref = str(target.get("$ref", ""))
    name = ref.rsplit("/", 1)[-1]
    model = components.get(name, {})
    fields = tuple((field, str(spec.get("description", "")))
                   for field, spec in model.get("properties", {}).items())
    return (f"[{name}]" if is_list else name) or "JSON", fields


def describe_api(openapi: Mapping[str, Any], lang: str, examples: Mapping[str, str]) -> list[EndpointDoc]:
    """Describe every GET endpoint of an OpenAPI schema in the language; ``examples`` fill path parameters."""
    components = openapi.get("components", {}).get("schemas", {})
    found = []
    for path, operations in openapi.get("paths", {}).items():
        operation = operations.get("get")
        if operation is None or not path.startswith(AREA_API):
            continue
        local = "/api" + path[len(AREA_API):]
        parameters = [
            ParameterDoc(p["name"], p["in"], bool(p.get("required")), _kind(p.get("schema", {})),
                         PARAMETERS_JA.get(p["name"], p.get("description") or "") if lang == "ja"
                         else p.get("description") or "")
            for p in operation.get("parameters", [])
        ]
        if local in FILTERED_PATHS:
            parameters += [ParameterDoc(name, "query", False, "string", PARAMETERS_JA[name] if lang == "ja" else text)
                           for name, text in FILTERS_EN.items()]
        parameters.append(ParameterDoc("lang", "query", False, "string",
                                       PARAMETERS_JA["lang"] if lang == "ja" else LANG_EN))
        content = operation.get("responses", {}).get("200", {}).get("content", {})
        media = next(iter(content), "application/json")
        returns, fields = _returns(content.get(media, {}).get("schema", {}), components) if media.endswith(
            "json") else ("CSV (UTF-8, BOM)", ())
        example = path
        for name, value in examples.items():
            example = example.replace("{" + name + "}", value)
        summary = operation.get("summary", "")
        found.append(EndpointDoc(
            path=path, summary=SUMMARIES_JA.get(local, summary) if lang == "ja" else summary,
            description="" if lang == "ja" else (operation.get("description") or "").split(" Filters (")[0],
            parameters=tuple(parameters), returns=returns, fields=fields, example=example, media=media, local=local,
        ))
    return found


@dataclass(frozen=True, slots=True)
class Download:
    """A file anyone can download: its address, format, what it holds and how many rows."""

    href: str
    media: str
    title: str
    rows: int | None


def list_downloads(endpoints: list[EndpointDoc], counts: Mapping[str, int]) -> list[Download]:
    """Return every endpoint without path parameters as a download (CSV first), with its row count if known."""
    found = [Download(e.local, "CSV" if e.media == "text/csv" else "JSON", e.summary,
                      counts.get(e.local.removesuffix(".csv")))
             for e in endpoints if "{" not in e.local]
    found.sort(key=lambda d: (d.media != "CSV", d.href))
    return found


def download_name(kind: str, plan: Plan) -> str:
    """Name a CSV download for people: what it holds, the area and the plan period (never an internal key).

    >>> download_name("projects", Plan("kitakyushu", "北九州都市圏域", 2026, 2030, ()))
    'projects_北九州都市圏域_2026-2030.csv'
    """
    return f"{kind}_{plan.area_name}_{plan.first_year}-{plan.last_year}.csv"
