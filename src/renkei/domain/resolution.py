"""Resolving a written municipality name against an area's members and the national registry.

The order of the rules matters: an exact member name wins; then a real municipality elsewhere in
Japan is *outside the area* (下関市 is never a misspelling of a member, however similar); only
then is the name compared with the members, and it is taken as a misspelling of one only when
exactly one member is close (荻田町 → 苅田町, 苅田 → 苅田町). Anything else is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from renkei.domain.municipality import Area, Municipality
from renkei.domain.registry import MunicipalityRegistry, Prefecture

ResolutionStatus = Literal["member", "outside_area", "misspelt_member", "unknown"]

_SUFFIXES = ("市", "町", "村", "区")
# Below this similarity (rapidfuzz ratio, 0-100) an unknown name gets no suggestion at all.
_SUGGESTION_FLOOR = 50.0


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a written name resolves to.

    ``municipality`` is the member (``member``, ``misspelt_member``) or the municipality elsewhere
    (``outside_area``); ``suggestion`` the member an unknown or misspelt name most likely means;
    ``score`` the similarity (0-100) of the written name to what it resolved to or suggests;
    ``candidates`` every member close enough to be meant (several make a name ambiguous).
    """

    status: ResolutionStatus
    municipality: Municipality | None
    suggestion: Municipality | None = None
    score: float = 0.0
    candidates: tuple[Municipality, ...] = ()

    @property
    def is_member(self) -> bool:
        """Tell whether the name stands for a member (exactly or as a misspelling)."""
        return self.status in ("member", "misspelt_member")


def strip_suffix(name: str) -> str:
    """Return a name without its 市/町/村/区 suffix (the stem compared for misspellings).

    >>> strip_suffix("苅田町")
    '苅田'
    >>> strip_suffix("町")
    '町'
    """
    return name[:-1] if len(name) > 1 and name.endswith(_SUFFIXES) else name


def _allowed_distance(member_name: str) -> int:
    """Return how many edits a misspelling of this member may have."""
    stem = strip_suffix(member_name)
    if len(stem) <= 1:
        return 0
    return 1 if len(member_name) <= 4 else 2


def _is_close(written: str, member: Municipality) -> bool:
    if not written.endswith(_SUFFIXES) and written == strip_suffix(member.name):
        return True
    return OSA.distance(written, member.name) <= _allowed_distance(member.name)


def _prefecture_as_municipality(prefecture: Prefecture) -> Municipality:
    return Municipality(code=prefecture.code, name=prefecture.name, prefecture=prefecture.name,
                        kana=prefecture.kana)


def _prefer_near(found: tuple[Municipality, ...], area: Area) -> Municipality:
    """Pick among same-named municipalities the one in the lead city's prefecture, if any."""
    lead_prefix = area.lead_code[:2]
    return next((m for m in found if m.code.startswith(lead_prefix)), found[0])


def resolve_municipality(name: str, *, area: Area, registry: MunicipalityRegistry) -> Resolution:
    """Resolve a written name to a member, a municipality outside the area, or nothing.

    >>> from renkei.domain.municipality import Area, Municipality
    >>> from renkei.domain.registry import MunicipalityRegistry, Prefecture
    >>> kanda = Municipality("406210", "苅田町", "福岡県")
    >>> area = Area("x", "圏域", "406210", (kanda,), 2026, 2030)
    >>> registry = MunicipalityRegistry((Prefecture("400009", "福岡県"),), (kanda,))
    >>> resolve_municipality("京都郡苅田町", area=area, registry=registry).status
    'member'
    >>> r = resolve_municipality("荻田町", area=area, registry=registry)
    >>> r.status, r.municipality.name
    ('misspelt_member', '苅田町')
    >>> resolve_municipality("架空町", area=area, registry=registry).status
    'unknown'
    """
    folded = registry.fold_name(name)
    written = folded.name
    if not written:
        return Resolution("unknown", None)
    member = area.member_by_name(written)
    if member is not None and (folded.prefecture is None or folded.prefecture.name == member.prefecture
                               or not member.prefecture):
        return Resolution("member", member, score=100.0)
    found = registry.find(name)
    for m in found:
        as_member = area.member_by_code(m.code)
        if as_member is not None:
            return Resolution("member", as_member, score=100.0)
    if found:
        return Resolution("outside_area", _prefer_near(found, area), score=100.0)
    prefecture = registry.prefecture_by_name(written)
    if prefecture is not None:
        return Resolution("outside_area", _prefecture_as_municipality(prefecture), score=100.0)
    return _resolve_fuzzy(written, area)


def _resolve_fuzzy(written: str, area: Area) -> Resolution:
    close = tuple(m for m in area.members if _is_close(written, m))
    scored = sorted(((fuzz.ratio(written, m.name), i, m) for i, m in enumerate(area.members)),
                    key=lambda t: (-t[0], t[1]))
    if len(close) == 1:
        return Resolution("misspelt_member", close[0], suggestion=close[0],
                          score=fuzz.ratio(written, close[0].name), candidates=close)
    if close:
        best = next(m for _, _, m in scored if m in close)
        return Resolution("unknown", None, suggestion=best, score=fuzz.ratio(written, best.name),
                          candidates=close)
    if scored and scored[0][0] >= _SUGGESTION_FLOOR:
        return Resolution("unknown", None, suggestion=scored[0][2], score=scored[0][0])
    return Resolution("unknown", None, score=scored[0][0] if scored else 0.0)
