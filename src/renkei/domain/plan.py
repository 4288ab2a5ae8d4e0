"""The plan: a vision edition's policy areas, categories and project sheets (事業シート)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from renkei.domain.framework import FrameworkArea, recognise_framework_area
from renkei.domain.quantity import Direction, Quantity
from renkei.domain.text import fold

#: Shown where a project has no policy area or no category.
NO_POLICY_AREA_LABEL = "（政策分野なし）"
NO_CATEGORY_LABEL = "（連携協約なし）"

#: Role parties (役割分担) that stand for the lead city, or for every partner, rather than naming one town.
LEAD_PARTIES = ("連携中枢都市",)
PARTNER_PARTIES = ("連携市町", "連携市町村", "連携市", "圏域市町", "圏域市町村", "連携自治体", "構成市町", "構成市町村",
                   "構成市", "関係市町", "関係市町村", "参加市町", "参加市町村", "各市町", "各市町村")


@dataclass(frozen=True, slots=True)
class PolicyArea:
    """A policy area (政策分野), e.g. ``(2) 圏域内外の結びつきやネットワークの強化に係る政策分野``."""

    number: int
    name: str

    @property
    def label(self) -> str:
        """Return the label shown to people: ``(2) 圏域内外の…``."""
        return f"({self.number}) {self.name}"

    @property
    def framework(self) -> FrameworkArea | None:
        """Return the national framework's policy area this one is (whatever the area calls it), if known.

        >>> PolicyArea(2, "圏域内外の結びつきやネットワークの強化に係る政策分野").framework.value
        'life_services.network'
        """
        return recognise_framework_area(self.name)

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form."""
        framework = self.framework
        return {"number": self.number, "name": self.name, "framework": framework.value if framework else None}


def category_code_key(code: str) -> str:
    """Fold a category code for comparing: NFKC, no brackets or spaces, case ignored.

    >>> category_code_key("（Ａ）") == category_code_key("a")
    True
    """
    return "".join(c for c in fold(code).casefold() if c not in "()[]【】「」.．、,:：")


@dataclass(frozen=True, slots=True)
class Category:
    """A category of the collaboration agreement (連携協約), e.g. ``a 地域公共交通``.

    ``code`` is kept as written (``A``, ``a``, ``ア``, ``(ア)``, ``①``) and compared without case or
    brackets (``key``). ``subtitle`` keeps a qualifier written after a dash
    (``—アフターコロナをターゲットとした取組``).
    """

    code: str = field(compare=False)
    name: str
    subtitle: str | None = None
    #: The code folded for comparing (``(A)`` and ``a`` are the same category).
    key: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", category_code_key(self.code))

    @property
    def label(self) -> str:
        """Return the label shown to people: ``a 地域公共交通``."""
        return f"{self.code} {self.name}"

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form."""
        return {"code": self.code, "name": self.name, "subtitle": self.subtitle}


@dataclass(frozen=True, slots=True)
class Partners:
    """Partner municipalities (連携市町) as written and as resolved.

    ``municipalities`` are member names in the area's order; ``codes`` their 6-digit codes;
    ``outside_area`` names outside the area (圏域外); ``excluded`` members named after ただし…を除く;
    ``unresolved`` names that matched nothing with confidence.
    """

    text: str | None
    municipalities: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    outside_area: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    unresolved: tuple[str, ...] = ()
    all_members: bool = False

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form."""
        return {
            "text": self.text,
            "municipalities": list(self.municipalities),
            "codes": list(self.codes),
            "outside_area": list(self.outside_area),
            "excluded": list(self.excluded),
            "unresolved": list(self.unresolved),
            "all_members": self.all_members,
        }


class BudgetCellStatus(StrEnum):
    """What a budget cell says."""

    AMOUNT = "amount"
    NONE = "none"  # 「—」「-」「―」: stated as none
    UNCLEAR = "unclear"  # 「→」: the project goes on, but no amount is given for the year
    UNDETERMINED = "undetermined"  # 未定
    NOT_STATED = "not_stated"  # blank
    INVALID = "invalid"  # text that is not a number


# By plain names for the loops over every cell (an enum member read off its class costs more than a comparison).
_AMOUNT, _NONE = BudgetCellStatus.AMOUNT, BudgetCellStatus.NONE
_YEAR_KEYS = {year: str(year) for year in range(1989, 2100)}  # the JSON keys of fiscal years, made once


@dataclass(frozen=True, slots=True)
class BudgetCell:
    """One fiscal year's budget cell, as written and as read (in thousand yen)."""

    fiscal_year: int
    text: str
    status: BudgetCellStatus
    amount: int | None = None


@dataclass(frozen=True, slots=True)
class Budget:
    """A project's budget (事業費) by fiscal year.

    ``unit`` is the unit written in the header (``千円``) or ``None`` when the header gives none;
    amounts are always thousand yen. ``by_fiscal_year`` maps each header year to its amount:
    0 for 「—」, ``None`` for blank, 「→」, 未定 or unreadable cells (their ``cells`` say which).
    ``total_text``/``total_amount`` keep a total column (計) as written and read; the plan's totals never
    use it (they add the years), a lint rule checks it against the years.
    """

    unit: str | None
    cells: tuple[BudgetCell, ...] = ()
    note: str | None = None
    line: int | None = None
    total_text: str | None = None
    total_amount: int | None = None

    @property
    def by_fiscal_year(self) -> dict[int, int | None]:
        """Return amounts (千円) keyed by western fiscal year."""
        return {c.fiscal_year: (c.amount if c.status is BudgetCellStatus.AMOUNT else
                                0 if c.status is BudgetCellStatus.NONE else None) for c in self.cells}

    @property
    def total(self) -> int:
        """Return the sum of stated amounts (千円)."""
        return sum(c.amount or 0 for c in self.cells if c.status is BudgetCellStatus.AMOUNT)

    @property
    def has_amount(self) -> bool:
        """Tell whether any year states a positive amount."""
        return any(c.status is BudgetCellStatus.AMOUNT and (c.amount or 0) > 0 for c in self.cells)

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form."""
        amounts: dict[str, int | None] = {}
        statuses: dict[str, str] = {}
        texts: dict[str, str] = {}
        total = 0
        for c in self.cells:  # one pass: a plan of 10,000 sheets writes 50,000 cells
            year, status = _YEAR_KEYS.get(c.fiscal_year) or str(c.fiscal_year), c.status
            if status is _AMOUNT:
                amounts[year] = c.amount
                total += c.amount or 0
            else:
                amounts[year] = 0 if status is _NONE else None
            statuses[year] = status._value_
            texts[year] = c.text
        return {
            "unit": self.unit,
            "by_fiscal_year": amounts,
            "status_by_fiscal_year": statuses,
            "text_by_fiscal_year": texts,
            "note": self.note,
            "total": total,
            "stated_total": None if self.total_text is None else {"text": self.total_text,
                                                                  "amount": self.total_amount},
        }


@dataclass(frozen=True, slots=True)
class Role:
    """One party's duties (役割分担), e.g. 北九州市 → [本事業を推進する。]."""

    party: str
    duties: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form."""
        return {"party": self.party, "duties": list(self.duties)}


class CostBasis(StrEnum):
    """The cost-sharing principle (費用負担の基本方針), as a small vocabulary."""

    LEAD_CITY = "lead_city"  # 北九州市が負担する
    PARTNERS = "partners"  # 連携市町が負担する
    SHARED = "shared"  # 北九州市及び連携市町が適切に負担する
    AGREEMENT = "agreement"  # 協定に基づき負担する
    NEGOTIATED = "negotiated"  # 事業費の発生が見込まれる時は協議し決定する
    NO_COST = "no_cost"  # 費用負担が発生することを想定していない
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class CostPrinciple:
    """One sentence of the cost-sharing text, classified."""

    basis: CostBasis
    text: str


@dataclass(frozen=True, slots=True)
class CostSharing:
    """The cost-sharing principles; ``basis`` is the first (main) principle's."""

    text: str | None
    principles: tuple[CostPrinciple, ...] = ()

    @property
    def basis(self) -> CostBasis | None:
        """Return the main basis, or None when nothing is stated."""
        return self.principles[0].basis if self.principles else None

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form."""
        return {
            "basis": self.basis.value if self.basis else None,
            "text": self.text,
            "principles": [{"basis": p.basis.value, "text": p.text} for p in self.principles],
        }


class _HasForm(Protocol):
    def to_dict(self) -> dict[str, object]: ...


#: The JSON forms of parts already written, by the identity of the (living) part: see :meth:`Project.to_dict`.
SharedForms = dict[int, dict[str, object]]


def shared_form(part: _HasForm, shared: SharedForms | None) -> dict[str, object]:
    """Return a part's JSON form, remembered in ``shared`` by the part's identity when given.

    >>> role, shared = Role("北九州市", ("推進する。",)), {}
    >>> shared_form(role, shared) is shared_form(role, shared)
    True
    """
    if shared is None:
        return part.to_dict()
    form = shared.get(id(part))
    if form is None:
        if len(shared) >= _MAX_SHARED_FORMS:  # bounded: what is shared is met again soon
            shared.clear()
        form = shared[id(part)] = part.to_dict()
    return form


_MAX_SHARED_FORMS = 8192


def indicator_key(indicator: str) -> str:
    """Return the key a KPI is matched by within its project: its indicator folded (no white space, NFKC).

    >>> indicator_key("WEB ページ閲覧数")
    'WEBページ閲覧数'
    """
    return fold(indicator)


@dataclass(frozen=True, slots=True)
class KPI:
    """A key performance indicator (重要業績評価指数): indicator, baseline (現状値) and target (目標値)."""

    indicator: str
    baseline: Quantity
    target: Quantity
    direction: Direction | None
    line: int | None = None

    @property
    def key(self) -> str:
        """Return the key the KPI is matched by within its project (the folded indicator).

        >>> from renkei.domain.quantity import QuantityKind
        >>> KPI("WEB ページ閲覧数", Quantity("-", QuantityKind.NONE), Quantity("-", QuantityKind.NONE), None).key
        'WEBページ閲覧数'
        """
        return indicator_key(self.indicator)

    @property
    def unit(self) -> str:
        """Return the unit actuals are entered in: the target's (or baseline's) unit with its rate, or ``""``.

        >>> from renkei.domain.quantity import QuantityKind
        >>> t = Quantity("6回/年", QuantityKind.EVERY_YEAR, value=6, unit="回", per="年")
        >>> KPI("研修", t, t, None).unit
        '回/年'
        """
        for quantity in (self.target, self.baseline):
            if quantity.unit:
                return quantity.unit + (f"/{quantity.per}" if quantity.per else "")
        return ""

    def to_dict(self, shared: SharedForms | None = None) -> dict[str, object]:
        """Return the JSON form (``shared``: see :meth:`Project.to_dict`)."""
        return {
            "indicator": self.indicator,
            "key": self.key,
            "direction": self.direction._value_ if self.direction else None,
            "baseline": shared_form(self.baseline, shared),
            "target": shared_form(self.target, shared),
            "line": self.line,
        }


#: The fold of names, kept under its old name for callers not yet moved to :func:`renkei.domain.text.fold`.
normalise_key_text = fold


def project_slug(key: str) -> str:
    """Return the short stable URL slug of a sheet's key (a withdrawn sheet keeps the one it had).

    >>> project_slug("圏域内道路交通のネットワーク化にかかる連携")
    'c26db145af'
    """
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


@dataclass(frozen=True, slots=True)
class Project:
    """A project sheet (事業シート).

    ``relisted`` is true for 【再掲】 sheets, whose budget is counted once in totals.
    ``line`` is the source line of the sheet's first row.
    """

    name: str
    line: int
    relisted: bool = False
    policy_area: PolicyArea | None = None
    category: Category | None = None
    description: str | None = None
    effects: tuple[str, ...] = ()
    partners: Partners = field(default_factory=lambda: Partners(text=None))
    budget: Budget | None = None
    roles: tuple[Role, ...] = ()
    cost_sharing: CostSharing = field(default_factory=lambda: CostSharing(text=None))
    kpis: tuple[KPI, ...] = ()
    extra: tuple[tuple[str, str], ...] = ()
    #: The name's reading (読み) in kana, made at import (:mod:`renkei.services.furigana`); None when unknown.
    #: Not part of the sheet: it never makes two sheets differ.
    reading: str | None = field(default=None, compare=False)
    #: The stable key: the folded name, marked when relisted (derived once, on construction).
    key: str = field(init=False, compare=False, repr=False)
    #: A short stable URL slug derived from the key.
    slug: str = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        base = fold(self.name)
        key = base + "#再掲" if self.relisted else base
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "slug", project_slug(key))

    @property
    def name_key(self) -> str:
        """Return the folded name without the relisted mark (an original and its relisting share it)."""
        return self.key.removesuffix("#再掲")

    @property
    def policy_area_label(self) -> str:
        """Return the policy area's label, or 「（政策分野なし）」."""
        return self.policy_area.label if self.policy_area else NO_POLICY_AREA_LABEL

    @property
    def category_label(self) -> str:
        """Return the category's label under its policy area's number (``(2) a 地域公共交通``), or 「（連携協約なし）」.

        Codes restart in each policy area, so the number tells ``(2) a`` from ``(3) a``.
        """
        if self.category is None:
            return NO_CATEGORY_LABEL
        return f"({self.policy_area.number}) {self.category.label}" if self.policy_area else self.category.label

    def to_dict(self, shared: SharedForms | None = None) -> dict[str, object]:
        """Return the JSON form.

        ``shared`` lets a writer that serialises the forms at once reuse the form of a part many sheets share
        (the reader gives one object for a partner cell, a cost text, a role or a value it has read before);
        the forms it holds are shared between sheets, so they must not be changed.
        """
        return {
            "name": self.name,
            "key": self.key,
            "slug": self.slug,
            "relisted": self.relisted,
            "policy_area": shared_form(self.policy_area, shared) if self.policy_area else None,
            "category": shared_form(self.category, shared) if self.category else None,
            "description": self.description,
            "effects": list(self.effects),
            "partners": shared_form(self.partners, shared),
            "budget": self.budget.to_dict() if self.budget else None,
            "roles": [shared_form(r, shared) for r in self.roles],
            "cost_sharing": shared_form(self.cost_sharing, shared),
            "kpis": [k.to_dict(shared) for k in self.kpis],
            "extra": [{"label": k, "text": v} for k, v in self.extra],
            "line": self.line,
        }


@dataclass(frozen=True, slots=True)
class Plan:
    """One edition of an area's vision: its period and its project sheets."""

    area_slug: str
    area_name: str
    first_year: int
    last_year: int
    projects: tuple[Project, ...]
    source_sha256: str = ""
    title: str | None = None

    @property
    def policy_areas(self) -> tuple[PolicyArea, ...]:
        """Return the policy areas in document order."""
        seen: dict[PolicyArea, None] = {}
        for p in self.projects:
            if p.policy_area is not None:
                seen.setdefault(p.policy_area, None)
        return tuple(seen)

    @property
    def categories(self) -> tuple[Category, ...]:
        """Return the categories in document order."""
        seen: dict[Category, None] = {}
        for p in self.projects:
            if p.category is not None:
                seen.setdefault(p.category, None)
        return tuple(seen)

    @property
    def years(self) -> range:
        """Return the plan period's fiscal years."""
        return range(self.first_year, self.last_year + 1)

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form of the plan header (projects are listed beside it)."""
        return {
            "area": {"slug": self.area_slug, "name": self.area_name},
            "period": {"first_fiscal_year": self.first_year, "last_fiscal_year": self.last_year},
            "title": self.title,
            "source_sha256": self.source_sha256,
            "policy_areas": [a.to_dict() for a in self.policy_areas],
            "categories": [c.to_dict() for c in self.categories],
            "project_count": len(self.projects),
        }
