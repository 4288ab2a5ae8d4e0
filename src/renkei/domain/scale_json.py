"""The JSON form of an area's ``evaluation_scale`` and ``rollup`` (評価区分と集計方法): the area file's and the store's.

The format is in docs/evaluation-scale.md. :func:`scale_to_json` writes a scale back in the same form, which is how
the store keeps it, so a stored scale reads back equal.
"""

from __future__ import annotations

import math
from typing import Any

from renkei.domain.scale import (
    Band,
    EvaluationScale,
    Grade,
    RateBasis,
    RollUp,
    ScaleError,
    Special,
    check_rollup,
)

SCALE_KEYS = frozenset({"name", "name_en", "grades", "rule", "special"})
GRADE_KEYS = frozenset({"key", "label", "label_en", "colour", "meaning", "meaning_en", "unrated"})
FIELD = "evaluation_scale"


def _object(value: object, field: str, keys: frozenset[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ScaleError("JSONオブジェクトが必要です / a JSON object is required", field)
    unknown = sorted(set(value) - keys)
    if unknown:
        raise ScaleError(f"不明な項目です / unknown key (allowed: {', '.join(sorted(keys))})", f"{field}.{unknown[0]}")
    return value


def _text(value: object, field: str, *, required: bool = False) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise ScaleError("文字列が必要です / a non-empty string is required", field)
    return value.strip()


def _grade(value: object, field: str) -> Grade:
    data = _object(value, field, GRADE_KEYS)
    unrated = data.get("unrated", False)
    if not isinstance(unrated, bool):
        raise ScaleError("true か false を指定してください / use true or false", f"{field}.unrated")
    return Grade(key=_text(data.get("key"), f"{field}.key", required=True),
                 label_ja=_text(data.get("label"), f"{field}.label", required=True),
                 label_en=_text(data.get("label_en"), f"{field}.label_en"),
                 colour=_text(data.get("colour"), f"{field}.colour", required=True).lower(),
                 meaning_ja=_text(data.get("meaning"), f"{field}.meaning"),
                 meaning_en=_text(data.get("meaning_en"), f"{field}.meaning_en"), unrated=unrated)


def _bound(value: object, field: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
            or not -1000 <= value <= 1000:
        raise ScaleError("下限は % の数値です（例 86） / a lower bound is a number of percent (e.g. 86)", field)
    return float(value)


def _rule(value: object, field: str) -> tuple[tuple[tuple[str, str], ...], tuple[Band, ...], RateBasis | None]:
    data = _object(value, field, frozenset({"by", "basis", "bands", "by_verdict"}))
    by = data.get("by")
    if by == "verdict":
        mapping = data.get("by_verdict")
        if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
            raise ScaleError('{"A": "S", "B": "A", …} のような対応が必要です / a mapping such as {"A": "S", '
                             '"B": "A", …} is required', f"{field}.by_verdict")
        if "bands" in data or "basis" in data:
            raise ScaleError("by が verdict のときは bands と basis を使いません / bands and basis are for "
                             "score_rate", f"{field}.by")
        return tuple((str(k), v.strip()) for k, v in mapping.items()), (), None
    if by == "score_rate":
        if "by_verdict" in data:
            raise ScaleError("by が score_rate のときは by_verdict を使いません / by_verdict is for verdict",
                             f"{field}.by")
        try:
            basis = RateBasis(data.get("basis", "target"))
        except ValueError:
            raise ScaleError('"target" か "expected" を指定してください / use "target" or "expected"',
                             f"{field}.basis") from None
        bands = data.get("bands")
        if not isinstance(bands, list) or not bands:
            raise ScaleError("区分の一覧が必要です / a list of bands is required", f"{field}.bands")
        read = []
        for i, band in enumerate(bands):
            at = f"{field}.bands[{i}]"
            item = _object(band, at, frozenset({"grade", "from"}))
            read.append(Band(_text(item.get("grade"), f"{at}.grade", required=True), _bound(item.get("from"),
                                                                                           f"{at}.from")))
        return (), tuple(read), basis
    raise ScaleError('"verdict" か "score_rate" を指定してください / use "verdict" or "score_rate"', f"{field}.by")


def _special(value: object, field: str) -> tuple[tuple[Special, str], ...]:
    if value is None:
        return ()
    data = _object(value, field, frozenset(s.value for s in Special))
    return tuple((Special(k), _text(v, f"{field}.{k}", required=True)) for k, v in data.items())


def read_scale(value: object, field: str = FIELD) -> EvaluationScale:
    """Read an ``evaluation_scale`` value (a parsed JSON object), naming the field of any error.

    >>> scale = read_scale({"grades": [{"key": "A", "label": "期待どおり", "colour": "#1b7d3c"},
    ...     {"key": "B", "label": "概ね期待どおり", "colour": "#0b6ad7"},
    ...     {"key": "-", "label": "評価困難", "colour": "#666e77", "unrated": True}],
    ...     "rule": {"by": "verdict", "by_verdict": {"achieved": "A", "on_track": "A", "behind": "B",
    ...                                            "not_achieved": "B"}},
    ...     "special": {"cannot_judge": "-"}})
    >>> scale.grades[0].label_ja, scale.rule
    ('期待どおり', 'verdict')
    >>> read_scale({"grades": [{"key": "A", "label": "達成", "colour": "red"}], "rule": {"by": "verdict",
    ...     "by_verdict": {"A": "A", "B": "A", "C": "A", "D": "A", "E": "A"}}})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    renkei.domain.scale.ScaleError: evaluation_scale.grades[0].colour: ... / a colour is #rrggbb: 'red'
    """
    data = _object(value, field, SCALE_KEYS)
    grades = data.get("grades")
    if not isinstance(grades, list) or not grades:
        raise ScaleError("評価区分の一覧が必要です / a non-empty list of grades is required", f"{field}.grades")
    read_grades = tuple(_grade(g, f"{field}.grades[{i}]") for i, g in enumerate(grades))
    if "rule" not in data:
        raise ScaleError('{"by": "verdict" | "score_rate", …} が必要です / a rule is required', f"{field}.rule")
    by_verdict, bands, basis = _rule(data.get("rule"), f"{field}.rule")
    return EvaluationScale(grades=read_grades, by_verdict=by_verdict, bands=bands, rate_basis=basis,
                           special=_special(data.get("special"), f"{field}.special"),
                           name_ja=_text(data.get("name"), f"{field}.name"),
                           name_en=_text(data.get("name_en"), f"{field}.name_en"))


def read_rollup(value: object, scale: EvaluationScale, field: str = "rollup") -> RollUp:
    """Read a ``rollup`` value (``worst``, ``share`` or ``mean_rate``; absent: worst) the scale can do.

    >>> from renkei.domain.scale import SETO_TAKAMATSU_EXAMPLE
    >>> read_rollup(None, SETO_TAKAMATSU_EXAMPLE), read_rollup("mean_rate", SETO_TAKAMATSU_EXAMPLE)
    (<RollUp.WORST: 'worst'>, <RollUp.MEAN_RATE: 'mean_rate'>)
    """
    if value is None:
        return RollUp.WORST
    try:
        rule = RollUp(value) if isinstance(value, str) else None
    except ValueError:
        rule = None
    if rule is None:
        raise ScaleError(f"worst・share・mean_rate のいずれかです / use one of worst, share, mean_rate: "
                         f"{value!r}", field)
    check_rollup(scale, rule, field)
    return rule


def scale_to_json(scale: EvaluationScale) -> dict[str, Any]:
    """Return a scale in the area file's form (what :func:`read_scale` reads back equal)."""
    grades = []
    for g in scale.grades:
        grade: dict[str, Any] = {"key": g.key, "label": g.label_ja, "colour": g.colour}
        for name, text in (("label_en", g.label_en), ("meaning", g.meaning_ja), ("meaning_en", g.meaning_en)):
            if text:
                grade[name] = text
        if g.unrated:
            grade["unrated"] = True
        grades.append(grade)
    rule: dict[str, Any]
    if scale.bands:
        rule = {"by": "score_rate", "basis": (scale.rate_basis or RateBasis.TARGET).value,
                "bands": [{"grade": b.grade, **({"from": b.minimum} if b.minimum is not None else {})}
                          for b in scale.bands]}
    else:
        rule = {"by": "verdict", "by_verdict": dict(scale.by_verdict)}
    names = {key: text for key, text in (("name", scale.name_ja), ("name_en", scale.name_en)) if text}
    return {**names, "grades": grades, "rule": rule, "special": {s.value: k for s, k in scale.special}}
