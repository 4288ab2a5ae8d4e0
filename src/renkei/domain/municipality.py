"""Municipalities and areas (連携中枢都市圏): members, codes and the plan period."""

from __future__ import annotations

from dataclasses import dataclass, field

from renkei.domain.scale import EvaluationScale, RollUp


@dataclass(frozen=True, slots=True)
class Municipality:
    """A Japanese local government with its 6-digit code (全国地方公共団体コード)."""

    code: str
    name: str
    prefecture: str = ""
    kana: str = ""

    @property
    def code5(self) -> str:
        """Return the 5-digit code without the check digit (used by 国土数値情報)."""
        return self.code[:5]


@dataclass(frozen=True, slots=True)
class Area:
    """A regional-collaboration area: a lead city and its partner municipalities.

    ``slug`` is the stable key used in URLs and the database; ``members`` includes the lead city.
    ``plan_first_year``/``plan_last_year`` are the default plan period as western fiscal years.
    """

    slug: str
    name: str
    lead_code: str
    members: tuple[Municipality, ...]
    plan_first_year: int
    plan_last_year: int
    name_en: str = ""
    extra_parties: tuple[str, ...] = field(default=())
    #: The area's review rule: a figure must be approved by someone other than who entered it (二者確認).
    require_second_reviewer: bool = False
    #: Synthetic test data (試験用の架空のデータ, ``renkei demo-data``): every public page of the area says so.
    synthetic: bool = False
    #: The area's own evaluation scale (評価区分); None: renkei's A–E (:data:`renkei.domain.scale.DEFAULT_SCALE`).
    scale: EvaluationScale | None = None
    #: How KPI grades add up to a project's, a 分類's, a 政策分野's and the area's (集計方法).
    rollup: RollUp = RollUp.WORST
    #: The area asks each partner municipality for its own grade and comment per project (連携市町による評価).
    partner_evaluations: bool = False

    @property
    def lead(self) -> Municipality:
        """Return the lead city (連携中枢都市)."""
        for m in self.members:
            if m.code == self.lead_code:
                return m
        raise ValueError(f"lead city {self.lead_code} is not a member of {self.slug}")

    def member_by_name(self, name: str) -> Municipality | None:
        """Return the member with exactly this name, if any."""
        for m in self.members:
            if m.name == name:
                return m
        return None

    def member_by_code(self, code: str) -> Municipality | None:
        """Return the member with this 6-digit code, if any."""
        for m in self.members:
            if m.code == code:
                return m
        return None

    @property
    def plan_years(self) -> range:
        """Return the plan period's fiscal years."""
        return range(self.plan_first_year, self.plan_last_year + 1)
