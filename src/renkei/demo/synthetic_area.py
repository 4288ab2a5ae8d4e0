"""Synthetic areas (試験用の架空の圏域) chosen from the national municipality list, deterministically for a seed.

Each area has a lead city (市) and 3–15 municipalities of the same prefecture next to it in the national list's
order (the list orders a prefecture's towns by district, 郡, so neighbours in the list are mostly neighbours on
the map), a slug ``demo-01`` … and a name 「（試験用）○○市連携中枢都市圏」. It is written as an area file
(docs/area-config.md) with ``"synthetic": true`` and read back with :func:`renkei.reading.area.read_area`, so it is
checked against the national list like any area file.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass

from renkei.domain.municipality import Area, Municipality
from renkei.domain.registry import MunicipalityRegistry
from renkei.reading.area import read_area

#: The plan period of every synthetic area: the example's (令和8〜12年度), so its sheets' budget columns fit.
DEMO_FIRST_YEAR, DEMO_LAST_YEAR = 2026, 2030
MIN_PARTNERS, MAX_PARTNERS = 3, 15
#: At most this many areas (slugs demo-01 … demo-99).
MAX_AREAS = 99


class DemoAreaError(ValueError):
    """Synthetic areas that cannot be made (too many for the national list), in Japanese and English."""


@dataclass(frozen=True, slots=True)
class DemoAreaPlan:
    """What one synthetic area is to be: its slug, lead city and members (the lead first)."""

    slug: str
    number: int
    lead: Municipality
    members: tuple[Municipality, ...]

    @property
    def name(self) -> str:
        """Return the area's name: 「（試験用）○○市連携中枢都市圏」."""
        return f"（試験用）{self.lead.name}連携中枢都市圏"

    def area_file(self) -> str:
        """Return the area's configuration as an area file (JSON text, docs/area-config.md)."""
        return json.dumps({
            "slug": self.slug, "name": self.name,
            "name_en": f"Synthetic test area {self.number:02d} ({self.lead.name})",
            "lead": self.lead.code,
            "plan_period": {"first_fiscal_year": DEMO_FIRST_YEAR, "last_fiscal_year": DEMO_LAST_YEAR},
            "members": [{"code": m.code, "name": m.name} for m in self.members],
            "description": "renkei demo-data が全国地方公共団体コードの一覧から作った試験用の架空の圏域 / a synthetic "
                           "test area made by renkei demo-data from the national municipality list",
            "synthetic": True,
        }, ensure_ascii=False, indent=2)

    def read(self, registry: MunicipalityRegistry) -> Area:
        """Return the area as the area-file reader reads it (every code and name checked against the national list)."""
        return read_area(self.area_file(), registry=registry)


def demo_slug(number: int) -> str:
    """Return the slug of synthetic area ``number``.

    >>> demo_slug(1), demo_slug(12)
    ('demo-01', 'demo-12')
    """
    return f"demo-{number:02d}"


def plan_demo_areas(registry: MunicipalityRegistry, count: int, seed: int) -> list[DemoAreaPlan]:
    """Choose ``count`` synthetic areas from the national list, the same ones for the same seed; no two share a member.

    >>> from renkei.reading.area import load_registry
    >>> first = plan_demo_areas(load_registry(), 2, 1)
    >>> [a.slug for a in first] == ["demo-01", "demo-02"] and first == plan_demo_areas(load_registry(), 2, 1)
    True
    """
    if not 1 <= count <= MAX_AREAS:
        raise DemoAreaError(f"圏域の数は1〜{MAX_AREAS}です（{count}） / the number of areas is 1 to {MAX_AREAS}, "
                            f"not {count}")
    rng = random.Random(seed)
    by_prefecture: dict[str, list[Municipality]] = {}
    for m in registry.municipalities:
        by_prefecture.setdefault(m.prefecture, []).append(m)
    prefectures = sorted(by_prefecture)
    rng.shuffle(prefectures)
    used: set[str] = set()
    chosen: list[DemoAreaPlan] = []
    for number in range(1, count + 1):
        area = None
        for offset in range(len(prefectures)):
            towns = [m for m in by_prefecture[prefectures[(number - 1 + offset) % len(prefectures)]]
                     if m.code not in used]
            area = _choose_area(rng, towns, number)
            if area is not None:
                break
        if area is None:
            raise DemoAreaError(f"全国の市町村から{count}の圏域を作れません（{number - 1}まで） / the national list "
                                f"has room for {number - 1} synthetic areas, not {count}")
        used.update(m.code for m in area.members)
        chosen.append(area)
    return chosen


def _choose_area(rng: random.Random, towns: list[Municipality], number: int) -> DemoAreaPlan | None:
    """Choose a lead city among ``towns`` (one prefecture's free municipalities, in list order) and its neighbours."""
    cities = [i for i, m in enumerate(towns) if m.name.endswith("市")]
    if not cities or len(towns) < MIN_PARTNERS + 1:
        return None
    at = rng.choice(cities)
    wanted = rng.randint(MIN_PARTNERS, min(MAX_PARTNERS, len(towns) - 1))
    nearest = sorted((i for i in range(len(towns)) if i != at), key=lambda i: (abs(i - at), i))[:wanted]
    members = (towns[at], *(towns[i] for i in sorted(nearest)))
    return DemoAreaPlan(demo_slug(number), number, towns[at], members)
