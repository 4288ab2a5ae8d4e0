"""Tests for an area's evaluation scale and roll-up: each area's scale graded from real verdicts, the roll-up rules,
and a refusal naming the field for every kind of mistake in a scale."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from renkei.domain.scale import (
    AKIRUNO_EXAMPLE,
    DEFAULT_SCALE,
    SETO_TAKAMATSU_EXAMPLE,
    EvaluationScale,
    GradedKpi,
    RollUp,
    ScaleError,
    Special,
    roll_up,
)
from renkei.domain.scale_json import read_rollup, read_scale, scale_to_json
from renkei.domain.status import Rating, Status

#: 瀬戸・高松 as its area file gives it: A ≥ 86 %, B 71–86 %, C 56–71 %, D < 56 % of the target.
SETO_TAKAMATSU: dict[str, Any] = {
    "name": "得点率による評価",
    "grades": [
        {"key": "A", "label": "A", "colour": "#1b7d3c", "meaning": "得点率86%以上"},
        {"key": "B", "label": "B", "colour": "#0b6ad7", "meaning": "得点率71%以上86%未満"},
        {"key": "C", "label": "C", "colour": "#b05200", "meaning": "得点率56%以上71%未満"},
        {"key": "D", "label": "D", "colour": "#b3112e", "meaning": "得点率56%未満"},
        {"key": "-", "label": "評価不能", "label_en": "cannot be judged", "colour": "#666e77", "unrated": True},
    ],
    "rule": {"by": "score_rate", "basis": "target",
             "bands": [{"grade": "A", "from": 86}, {"grade": "B", "from": 71}, {"grade": "C", "from": 56},
                       {"grade": "D"}]},
    "special": {"cannot_judge": "-"},
}

#: あきる野: F 事業完了 / S 目標値以上 / A 目標値どおり / B 要改善 / C 要大幅改善 / X 未着手 / Y 中止 / Z 評価困難.
AKIRUNO: dict[str, Any] = {
    "grades": [
        {"key": "F", "label": "事業完了", "colour": "#0b4f2e"},
        {"key": "S", "label": "目標値以上", "colour": "#1a6b3c"},
        {"key": "A", "label": "目標値どおり", "colour": "#1d5f8a"},
        {"key": "B", "label": "要改善", "colour": "#8a5a00"},
        {"key": "C", "label": "要大幅改善", "colour": "#a8321e"},
        {"key": "X", "label": "未着手", "colour": "#595959", "unrated": True},
        {"key": "Y", "label": "中止", "colour": "#4a4a4a", "unrated": True},
        {"key": "Z", "label": "評価困難", "colour": "#3d3d3d", "unrated": True},
    ],
    "rule": {"by": "verdict", "by_verdict": {"A": "S", "B": "A", "C": "B", "D": "C", "E": "C"}},
    "special": {"not_started": "X", "stopped": "Y", "cannot_judge": "Z", "completed": "F"},
}

#: 加古川: 「A 期待どおり」, by status.
KAKOGAWA: dict[str, Any] = {
    "grades": [
        {"key": "A", "label": "期待どおり", "label_en": "as expected", "colour": "#1b7d3c"},
        {"key": "B", "label": "概ね期待どおり", "label_en": "mostly as expected", "colour": "#0b6ad7"},
        {"key": "C", "label": "期待を下回る", "label_en": "below expectations", "colour": "#b05200"},
        {"key": "D", "label": "期待を大きく下回る", "label_en": "far below expectations", "colour": "#b3112e"},
        {"key": "-", "label": "評価対象外", "label_en": "not assessed", "colour": "#666e77", "unrated": True},
    ],
    "rule": {"by": "verdict", "by_verdict": {"achieved": "A", "on_track": "A", "C": "B", "D": "C",
                                             "not_achieved": "D"}},
    "special": {"cannot_judge": "-"},
}

SCALES = {"default": DEFAULT_SCALE, "seto_takamatsu": read_scale(SETO_TAKAMATSU), "akiruno": read_scale(AKIRUNO),
          "kakogawa": read_scale(KAKOGAWA)}

A, B, C, D, E, NONE = Rating.A, Rating.B, Rating.C, Rating.D, Rating.E, Rating.NONE
ACH, ON, BEH, NOT, NO_DATA, NOT_MEAS = (Status.ACHIEVED, Status.ON_TRACK, Status.BEHIND, Status.NOT_ACHIEVED,
                                        Status.NO_DATA, Status.NOT_MEASURABLE)

# (scale, status, rating, progress, expected, staff word) → grade key, label
CASES = [
    # renkei's own A–E: the grade is the rating
    ("default", ACH, A, 1.0, 0.6, "", "A", "達成"),
    ("default", ON, B, 0.5, 0.4, "", "B", "順調"),
    ("default", BEH, C, 0.3, 0.4, "", "C", "やや遅れ"),
    ("default", BEH, D, 0.1, 0.4, "", "D", "遅れ"),
    ("default", NOT, E, 0.9, 1.0, "", "E", "未達成"),
    ("default", NO_DATA, NONE, None, 0.4, "", "-", "判定なし"),
    ("default", NOT_MEAS, NONE, None, None, "", "-", "判定なし"),
    # 瀬戸・高松: the score rate against the target, the boundaries 86 / 71 / 56 exactly
    ("seto_takamatsu", ACH, A, 1.2, 0.6, "", "A", "A"),
    ("seto_takamatsu", ON, B, 0.86, 0.6, "", "A", "A"),
    ("seto_takamatsu", ON, B, 1 - 0.14, 0.6, "", "A", "A"),  # 0.86 in floating point
    ("seto_takamatsu", ON, B, 0.8599, 0.6, "", "B", "B"),
    ("seto_takamatsu", ON, B, 0.71, 0.6, "", "B", "B"),
    ("seto_takamatsu", BEH, C, 0.7099, 0.9, "", "C", "C"),
    ("seto_takamatsu", BEH, C, 0.56, 0.9, "", "C", "C"),
    ("seto_takamatsu", BEH, D, 0.5599, 0.9, "", "D", "D"),
    ("seto_takamatsu", NOT, E, -0.2, 1.0, "", "D", "D"),  # fell below the baseline
    ("seto_takamatsu", NOT, E, 0.9, 1.0, "", "A", "A"),  # 90 % of the target scores A whatever the year
    ("seto_takamatsu", ACH, A, None, None, "", "A", "A"),  # a qualitative aim assessed 達成 scores 100 %
    ("seto_takamatsu", BEH, C, None, 0.4, "", "-", "評価不能"),  # behind, no baseline to measure from
    ("seto_takamatsu", NO_DATA, NONE, None, 0.4, "", "-", "評価不能"),
    ("seto_takamatsu", NOT_MEAS, NONE, None, None, "", "-", "評価不能"),
    # あきる野: renkei's verdict in its F/S/A/B/C words; X 未着手, Y 中止 and Z 評価困難
    ("akiruno", ACH, A, 1.0, 0.6, "", "S", "目標値以上"),
    ("akiruno", ON, B, 0.5, 0.4, "", "A", "目標値どおり"),
    ("akiruno", BEH, C, 0.3, 0.4, "", "B", "要改善"),
    ("akiruno", BEH, D, 0.1, 0.4, "", "C", "要大幅改善"),
    ("akiruno", NOT, E, 0.9, 1.0, "", "C", "要大幅改善"),
    ("akiruno", BEH, D, None, None, "未着手", "X", "未着手"),
    ("akiruno", BEH, D, None, None, " 中止 ", "Y", "中止"),
    ("akiruno", NO_DATA, NONE, None, 0.4, "", "Z", "評価困難"),
    ("akiruno", NOT_MEAS, NONE, None, None, "", "Z", "評価困難"),
    ("akiruno", ACH, A, None, None, "事業完了", "F", "事業完了"),  # the best grade, reached by the staff word only
    ("akiruno", ON, B, 0.5, 0.4, "事業完了", "F", "事業完了"),
    ("default", BEH, D, None, None, "未着手", "D", "遅れ"),  # a scale without 未着手 keeps the verdict
    # 加古川: by status, 「A 期待どおり」
    ("kakogawa", ACH, A, 1.0, 0.6, "", "A", "期待どおり"),
    ("kakogawa", ON, B, 0.5, 0.4, "", "A", "期待どおり"),
    ("kakogawa", BEH, C, 0.3, 0.4, "", "B", "概ね期待どおり"),
    ("kakogawa", BEH, D, 0.1, 0.4, "", "C", "期待を下回る"),
    ("kakogawa", NOT, E, 0.9, 1.0, "", "D", "期待を大きく下回る"),
    ("kakogawa", NO_DATA, NONE, None, 0.4, "", "-", "評価対象外"),
]


#: The staff words for the state of the work (事業完了, 中止) as an assessment gives them: the status and rating
#: renkei's own A–E shows, then the grade each scale shows (a scale naming no grade for the state keeps the verdict).
STATE_WORDS = [
    # (word, status, rating) → grade key in default, seto_takamatsu, akiruno, kakogawa
    ("中止", NOT_MEAS, NONE, {"default": "-", "seto_takamatsu": "-", "akiruno": "Y", "kakogawa": "-"}),
    ("事業完了", ACH, A, {"default": "A", "seto_takamatsu": "A", "akiruno": "F", "kakogawa": "A"}),
    ("未着手", BEH, D, {"default": "D", "seto_takamatsu": "-", "akiruno": "X", "kakogawa": "C"}),
]


@pytest.mark.parametrize(("word", "status", "rating", "keys"), STATE_WORDS, ids=[w[0] for w in STATE_WORDS])
def test_the_words_for_the_state_of_the_work_reach_each_scales_grade(word: str, status: Status, rating: Rating,
                                                                     keys: dict[str, str]) -> None:
    from renkei.domain.actual import read_assessment_word

    assert read_assessment_word(f" {word} ") == (word, status, rating)
    for name, key in keys.items():
        # a state word is an assessment of an aim in words: no progress figure, as the portal evaluates one
        assert SCALES[name].grade_kpi(status, rating, None, None, word).key == key, name


def test_a_completed_grade_may_be_rated_but_stopped_must_not() -> None:
    completed = read_scale(AKIRUNO).special_grade(Special.COMPLETED)
    assert completed is not None and (completed.key, completed.label_ja) == ("F", "事業完了")
    assert not AKIRUNO_EXAMPLE.grade("F").unrated
    with pytest.raises(ScaleError) as refused:
        read_scale({**AKIRUNO, "special": {**AKIRUNO["special"], "stopped": "C"}})
    assert refused.value.field == "evaluation_scale.special.stopped"
    with pytest.raises(ScaleError) as unknown:
        read_scale({**AKIRUNO, "special": {**AKIRUNO["special"], "completed": "Q"}})
    assert unknown.value.field == "evaluation_scale.special.completed"


@pytest.mark.parametrize(("scale", "status", "rating", "progress", "expected", "word", "key", "label"), CASES)
def test_each_scale_grades_a_verdict(scale: str, status: Status, rating: Rating, progress: float | None,
                                     expected: float | None, word: str, key: str, label: str) -> None:
    grade = SCALES[scale].grade_kpi(status, rating, progress, expected, word)
    assert (grade.key, grade.label_ja) == (key, label)


def test_a_score_rate_against_the_expected_progress() -> None:
    scale = read_scale({**SETO_TAKAMATSU, "rule": {**SETO_TAKAMATSU["rule"], "basis": "expected"}})
    assert scale.grade_kpi(BEH, C, 0.344, 0.4).key == "A"  # 86 % of the expected progress
    assert scale.grade_kpi(BEH, C, 0.3, 0.4).key == "B"  # 75 %
    assert scale.grade_kpi(ON, B, 0.3, 0.0).key == "-"  # nothing expected yet: no rate


@pytest.mark.parametrize("name", ["seto_takamatsu", "akiruno", "kakogawa", "default"])
def test_each_scale_round_trips_through_its_json(name: str) -> None:
    scale = SCALES[name]
    assert read_scale(scale_to_json(scale)) == scale


def test_the_examples_in_the_module_are_the_area_files() -> None:
    assert [(g.key, g.label_ja, g.unrated) for g in read_scale(AKIRUNO).grades] == [
        (g.key, g.label_ja, g.unrated) for g in AKIRUNO_EXAMPLE.grades]
    assert read_scale(SETO_TAKAMATSU).bands == SETO_TAKAMATSU_EXAMPLE.bands
    assert DEFAULT_SCALE.is_default and not SCALES["kakogawa"].is_default


def _graded(scale: EvaluationScale, *items: tuple[str, float | None]) -> list[GradedKpi]:
    return [GradedKpi(scale.grade(key), rate) for key, rate in items]


# (scale, rule, KPIs as (grade, rate)) → the group's grade (None: no single grade), mean rate, counts
ROLL_UPS = [
    ("default", RollUp.WORST, [("A", None), ("C", None), ("B", None)], "C", None, {"A": 1, "B": 1, "C": 1}),
    ("default", RollUp.WORST, [("A", None), ("-", None)], "A", None, {"A": 1, "-": 1}),  # unrated left out
    ("default", RollUp.WORST, [("-", None), ("-", None)], "-", None, {"-": 2}),
    ("default", RollUp.WORST, [], None, None, {}),
    ("akiruno", RollUp.WORST, [("S", None), ("X", None), ("B", None)], "B", None, {"S": 1, "X": 1, "B": 1}),
    ("akiruno", RollUp.SHARE, [("S", None), ("S", None), ("Z", None)], None, None, {"S": 2, "Z": 1}),
    ("seto_takamatsu", RollUp.MEAN_RATE, [("A", 0.9), ("B", 0.8), ("D", 0.3)], "C", (0.9 + 0.8 + 0.3) / 3,
     {"A": 1, "B": 1, "D": 1}),
    ("seto_takamatsu", RollUp.MEAN_RATE, [("A", 0.9), ("B", 0.82), ("-", None)], "A", 0.86, {"A": 1, "B": 1, "-": 1}),
    ("seto_takamatsu", RollUp.MEAN_RATE, [("A", 1.5), ("D", -2.0)], "D", 0.5, {"A": 1, "D": 1}),  # 0–100 % each
    ("seto_takamatsu", RollUp.MEAN_RATE, [("A", 1.5), ("A", 0.9)], "A", 0.95, {"A": 2}),
    ("seto_takamatsu", RollUp.MEAN_RATE, [("-", None)], "-", None, {"-": 1}),
    ("seto_takamatsu", RollUp.MEAN_RATE, [], None, None, {}),
]


@pytest.mark.parametrize(("scale", "rule", "items", "grade", "mean", "counts"), ROLL_UPS)
def test_roll_up_rules(scale: str, rule: RollUp, items: list[tuple[str, float | None]], grade: str | None,
                       mean: float | None, counts: dict[str, int]) -> None:
    s = SCALES[scale]
    result = roll_up(s, rule, _graded(s, *items))
    assert (result.grade.key if result.grade else None) == grade
    assert result.mean_rate == pytest.approx(mean) if mean is not None else result.mean_rate is None
    assert {k: n for k, n in result.counts if n} == counts
    assert [k for k, _ in result.counts] == [g.key for g in s.grades]  # every grade, in the scale's order
    assert result.kpis == len(items)


def test_each_roll_up_is_stated_in_words() -> None:
    seto = SCALES["seto_takamatsu"]
    assert "最も対応を要する" in RollUp.WORST.describe(DEFAULT_SCALE)
    assert "悪い順に 未達成、遅れ、やや遅れ、順調、達成" in RollUp.WORST.describe(DEFAULT_SCALE)
    assert "件数と割合" in RollUp.SHARE.describe(seto)
    assert "得点率（目標値に対する進捗の割合）の平均" in RollUp.MEAN_RATE.describe(seto)
    assert "mean score rate" in RollUp.MEAN_RATE.describe(seto, "en")


def _with(base: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(base)
    *parents, last = path.split(".")
    node: Any = data
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    if value is KeyError:
        del node[int(last) if last.isdigit() else last]
    else:
        node[int(last) if last.isdigit() else last] = value
    return data


# (base, where to change, new value) → the field named, a word of the message
ERRORS = [
    (SETO_TAKAMATSU, "rule.bands", [{"grade": "A", "from": 71}, {"grade": "B", "from": 86}, {"grade": "D"}],
     "evaluation_scale.rule.bands[1].from", "高い順"),
    (SETO_TAKAMATSU, "rule.bands", [{"grade": "A", "from": 86}, {"grade": "B", "from": 86}, {"grade": "D"}],
     "evaluation_scale.rule.bands[1].from", "overlap"),
    (SETO_TAKAMATSU, "rule.bands.3", {"grade": "D", "from": 0}, "evaluation_scale.rule.bands[3].from",
     "everything below"),
    (SETO_TAKAMATSU, "rule.bands.1", {"grade": "B"}, "evaluation_scale.rule.bands[1].from", "only the last"),
    (SETO_TAKAMATSU, "rule.bands.0.grade", "AA", "evaluation_scale.rule.bands[0].grade", "no grade has key 'AA'"),
    (SETO_TAKAMATSU, "rule.bands.0.grade", "-", "evaluation_scale.rule.bands[0].grade", "unrated"),
    (SETO_TAKAMATSU, "rule.bands.0.from", "86%", "evaluation_scale.rule.bands[0].from", "percent"),
    (SETO_TAKAMATSU, "rule.basis", "plan", "evaluation_scale.rule.basis", '"expected"'),
    (SETO_TAKAMATSU, "rule.by", "stars", "evaluation_scale.rule.by", '"score_rate"'),
    (SETO_TAKAMATSU, "rule", KeyError, "evaluation_scale.rule", "a rule is required"),
    (SETO_TAKAMATSU, "grades.0.colour", "#12345", "evaluation_scale.grades[0].colour", "#rrggbb"),
    (SETO_TAKAMATSU, "grades.0.colour", "green", "evaluation_scale.grades[0].colour", "#rrggbb"),
    (SETO_TAKAMATSU, "grades.0.colour", "#ffff00", "evaluation_scale.grades[0].colour", "contrast"),
    (SETO_TAKAMATSU, "grades.1.key", "A", "evaluation_scale.grades[1].key", "used twice"),
    (SETO_TAKAMATSU, "grades.1.label", "", "evaluation_scale.grades[1].label", "non-empty string"),
    (SETO_TAKAMATSU, "grades.1.size", 3, "evaluation_scale.grades[1].size", "unknown key"),
    (SETO_TAKAMATSU, "grades", [], "evaluation_scale.grades", "non-empty list"),
    (SETO_TAKAMATSU, "special", {}, "evaluation_scale.special.cannot_judge", "cannot be judged"),
    (SETO_TAKAMATSU, "special", {"cannot_judge": "-", "no_data": "A"}, "evaluation_scale.special.no_data",
     "unrated"),
    (SETO_TAKAMATSU, "special", {"cannot_judge": "-", "someday": "-"}, "evaluation_scale.special.someday",
     "unknown key"),
    (SETO_TAKAMATSU, "colours", {}, "evaluation_scale.colours", "unknown key"),
    (AKIRUNO, "rule.by_verdict", {"A": "S", "B": "A", "C": "B", "E": "C"}, "evaluation_scale.rule.by_verdict",
     "rating D"),
    (AKIRUNO, "rule.by_verdict.A", "SS", "evaluation_scale.rule.by_verdict.A", "no grade has key 'SS'"),
    (AKIRUNO, "rule.by_verdict.A", "Z", "evaluation_scale.rule.by_verdict.A", "unrated"),
    (AKIRUNO, "rule.by_verdict", {"A": "S", "B": "A", "C": "B", "D": "C", "E": "C", "late": "C"},
     "evaluation_scale.rule.by_verdict.late", "not a rating or status"),
    (AKIRUNO, "rule.bands", [{"grade": "S"}], "evaluation_scale.rule.by", "score_rate"),
]


@pytest.mark.parametrize(("base", "path", "value", "field", "words"), ERRORS)
def test_a_mistaken_scale_is_refused_naming_the_field(base: dict[str, Any], path: str, value: Any, field: str,
                                                      words: str) -> None:
    with pytest.raises(ScaleError) as caught:
        read_scale(_with(base, path, value))
    assert caught.value.field == field
    assert words in str(caught.value)
    assert " / " in caught.value.message  # Japanese, then English


@pytest.mark.parametrize(("value", "scale", "words"), [
    ("mean_rate", DEFAULT_SCALE, "mean_rate needs a scale graded by score rate"),
    ("median", DEFAULT_SCALE, "use one of worst, share, mean_rate"),
    (3, DEFAULT_SCALE, "use one of worst, share, mean_rate"),
])
def test_a_roll_up_the_scale_cannot_do_is_refused(value: object, scale: EvaluationScale, words: str) -> None:
    with pytest.raises(ScaleError) as caught:
        read_rollup(value, scale)
    assert caught.value.field == "rollup"
    assert words in str(caught.value)


def test_every_grade_of_a_roll_up_is_a_grade_of_the_scale() -> None:
    for name, scale in SCALES.items():
        keys = {g.key for g in scale.grades}
        assert scale.cannot_judge.key in keys, name
        for status in Status:
            for rating in (*status.ratings, Rating.NONE):
                assert scale.grade_kpi(status, rating, 0.5, 0.5).key in keys

