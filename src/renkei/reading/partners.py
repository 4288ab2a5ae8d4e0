"""Partner municipalities (連携市町) read from a sheet cell and resolved against the area.

A cell names members (北九州市、直方市…, also with their prefecture or county: 富山県高岡市, 阿蘇郡西原村),
all of them (全市町, 全市 in an area of cities, 全市町村, 全構成市町村, 圏域内全市町, 構成市町全て, 構成6市, or
just the count 6市 when the area has six cities), all but some (香春町を除く全市町, 氷見市を除く全市,
全市町（ただし香春町を除く）), a core and then all (…みやこ町を中心に全市町), and municipalities outside
the area (…上毛町（圏域外：下関市、長門市）). Every name is resolved; what cannot be read
with confidence becomes a finding, never a silent guess.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from renkei.domain.finding import Finding, Severity
from renkei.domain.municipality import Area, Municipality
from renkei.domain.plan import Partners
from renkei.domain.registry import MunicipalityRegistry
from renkei.domain.resolution import Resolution, resolve_municipality
from renkei.domain.text import fold

# Stands in for 全市町 once recognised, so that exclusions stop at it.
_ALL = "\ue000"
_KINDS = r"(?:市町村|市町|町村|市|自治体|団体)"
_ALL_MEMBERS = re.compile(
    rf"(?:圏域内?の?|圏域)?(?:(?:全て|すべて|全)の?\d*(?:構成|連携|圏域)?{_KINDS}"
    rf"|(?:構成|連携|圏域|圏域内)?\d*{_KINDS}の?(?:全て|すべて|全部|全域)"
    rf"|構成\d+{_KINDS})")
_COUNT = re.compile(r"^(?:(\d+)市)?(?:(\d+)町)?(?:(\d+)村)?$")
_PARENS = re.compile(r"\(([^()]*)\)")
_OUTSIDE = re.compile(r"圏域外(?:の市町村?)?[:：]?")
_EXCLUSION = re.compile(rf"(?:ただし|但し)?[:、,]?(?P<names>[^{_ALL}]*?)を?除[くき]")
_SEPARATORS = re.compile(
    r"[、,;・/\s]+"
    r"|(?<=[市町村区県都府道])(?:及び|および|並びに|ならびに|と|や)"
    r"|及び|および|並びに|ならびに|ただし|但し"
    r"|を(?:中心|核)(?:にして|として|に)"
)
_NONE = re.compile(r"^(?:[-‐―—–ー]+|なし|無し|該当なし)$")
_TRIM = "。.:：「」『』\"'"
# Similarity (0-100) a name outside any member needs before a national name is suggested.
_NATIONAL_SUGGESTION_FLOOR = 60.0


@dataclass
class _Collected:
    """What the cell says, gathered while reading it."""

    member_codes: list[str] = field(default_factory=list)
    excluded_codes: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    all_members: bool = False
    findings: list[Finding] = field(default_factory=list)

    def add_finding(self, rule: str, severity: Severity, message: str, suggestion: str | None = None) -> None:
        self.findings.append(Finding(rule, severity, message, suggestion=suggestion))


def split_names(text: str) -> list[str]:
    """Split a list of names on the separators used in sheets (、 , ・ / spaces 及び と …).

    >>> split_names("北九州市、直方市・行橋市 及び 苅田町と築上町")
    ['北九州市', '直方市', '行橋市', '苅田町', '築上町']
    >>> split_names("みやこ町を中心に全市町")
    ['みやこ町', '全市町']
    """
    names = (n.strip(_TRIM) for n in _SEPARATORS.split(unicodedata.normalize("NFKC", text)))
    return [n for n in names if n]


def _did_you_mean(names: list[str]) -> str | None:
    if not names:
        return None
    return f"「{'」または「'.join(names)}」のことですか / did you mean {' or '.join(names)}?"


def _suggest_member(resolution: Resolution) -> str | None:
    members = resolution.candidates or ((resolution.suggestion,) if resolution.suggestion else ())
    return _did_you_mean([m.name for m in members])


def _suggest_national(name: str, *, area: Area, registry: MunicipalityRegistry) -> str | None:
    """Suggest the national names most like ``name``, the nearest prefectures to the lead first."""
    choices = {m.code: m.name for m in registry}
    best = process.extract(name, choices, scorer=fuzz.ratio, limit=None,
                           score_cutoff=_NATIONAL_SUGGESTION_FLOOR)
    if not best:
        return None
    top = max(score for _, score, _ in best)
    lead_pref = int(area.lead_code[:2])
    codes = sorted((code for _, score, code in best if score == top),
                   key=lambda code: (abs(int(code[:2]) - lead_pref), code))
    found = (registry.by_code(c) for c in codes[:3])
    return _did_you_mean([f"{m.prefecture}{m.name}" for m in found if m is not None])


def _add_member(found: Municipality, written: str, resolution: Resolution, into: list[str],
                collected: _Collected) -> None:
    if resolution.status == "misspelt_member":
        collected.add_finding(
            "municipality.misspelt", Severity.ERROR,
            f"連携市町「{written}」を構成市町「{found.name}」と読みました / read partner {written!r} as "
            f"member {found.name!r}",
            f"「{found.name}」の誤記と思われます。正しい名称に直してください / probably a misspelling of "
            f"{found.name}; correct the name")
    if found.code in into:
        collected.add_finding("partners.duplicate", Severity.WARNING,
                              f"「{found.name}」が重複して記載されています / {found.name} is listed twice",
                              f"「{found.name}」を一つ削除してください / remove one {found.name}")
    else:
        into.append(found.code)


def _read_listed(name: str, *, area: Area, registry: MunicipalityRegistry, collected: _Collected) -> None:
    if name == _ALL:
        collected.all_members = True
        return
    if _NONE.match(name):
        return
    if name in area.extra_parties:
        collected.add_finding("partners.extra_party", Severity.INFO,
                              f"「{name}」は市町ではない関係団体として読みました / read {name} as a party "
                              "that is not a municipality")
        return
    resolution = _resolve(name, area, registry)
    found = resolution.municipality
    if resolution.is_member and found is not None:
        _add_member(found, name, resolution, collected.member_codes, collected)
    elif resolution.status == "outside_area" and found is not None:
        pref = f"（{found.prefecture}）" if found.prefecture and found.prefecture != found.name else ""
        collected.add_finding(
            "municipality.outside_area", Severity.INFO,
            f"「{found.name}」{pref}は圏域外の団体です / {found.name} is outside the area",
            f"圏域外の団体は「（圏域外：{found.name}）」と記載できます / mark it as （圏域外：{found.name}）")
        _add_outside(found.name, collected)
    else:
        collected.unresolved.append(name)
        collected.add_finding(
            "municipality.unknown", Severity.ERROR,
            f"連携市町「{name}」は構成市町にも全国の市区町村にも見当たりません / partner {name!r} is "
            "neither a member nor a municipality in Japan",
            _suggest_member(resolution))


_RESOLVED: dict[tuple[str, int, int], tuple[Area, MunicipalityRegistry, Resolution]] = {}


def _resolve(name: str, area: Area, registry: MunicipalityRegistry) -> Resolution:
    """Resolve a name against the area (remembered: the same dozen names fill a document's partner cells)."""
    key = (name, id(area), id(registry))
    hit = _RESOLVED.get(key)
    if hit is None or hit[0] is not area or hit[1] is not registry:
        if len(_RESOLVED) >= 8192:
            _RESOLVED.clear()
        hit = _RESOLVED[key] = (area, registry, resolve_municipality(name, area=area, registry=registry))
    return hit[2]


def clear_resolved() -> None:
    """Forget the names resolved before."""
    _RESOLVED.clear()


def _add_outside(name: str, collected: _Collected) -> None:
    if name in collected.outside:
        collected.add_finding("partners.duplicate", Severity.WARNING,
                              f"「{name}」が重複して記載されています / {name} is listed twice")
    else:
        collected.outside.append(name)


def _read_outside(name: str, *, area: Area, registry: MunicipalityRegistry, collected: _Collected) -> None:
    found = registry.find(name)
    member = next((area.member_by_code(m.code) for m in found if area.member_by_code(m.code)), None)
    if member is not None:
        collected.add_finding(
            "partners.member_marked_outside", Severity.WARNING,
            f"「{member.name}」は圏域の構成市町ですが圏域外として記載されています / {member.name} is a "
            "member but is marked as outside the area")
        as_member = Resolution("member", member, score=100.0)
        _add_member(member, name, as_member, collected.member_codes, collected)
    elif found:
        _add_outside(found[0].name, collected)
    elif registry.prefecture_by_name(registry.fold_name(name).name) is not None:
        _add_outside(fold(name), collected)
    else:
        collected.unresolved.append(name)
        collected.add_finding(
            "municipality.unknown", Severity.ERROR,
            f"圏域外の「{name}」は全国の市区町村に見当たりません / outside-area {name!r} is not a "
            "municipality in Japan",
            _suggest_national(registry.fold_name(name).name, area=area, registry=registry))


def _read_excluded(name: str, *, area: Area, registry: MunicipalityRegistry, collected: _Collected) -> None:
    resolution = resolve_municipality(name, area=area, registry=registry)
    found = resolution.municipality
    if resolution.is_member and found is not None:
        _add_member(found, name, resolution, collected.excluded_codes, collected)
        return
    collected.unresolved.append(name)
    collected.add_finding(
        "partners.excluded_unknown", Severity.ERROR,
        f"除外された「{name}」は圏域の構成市町ではありません / excluded {name!r} is not a member of the area",
        _suggest_member(resolution))


def _take_exclusions(text: str, excluded: list[str]) -> str:
    """Remove ‘…を除く’ clauses from the text, collecting the names they exclude."""

    def take(match: re.Match[str]) -> str:
        excluded.extend(split_names(match["names"]))
        return "、"

    return _EXCLUSION.sub(take, text)


def read_partners(text: str | None, *, area: Area,
                  registry: MunicipalityRegistry) -> tuple[Partners, list[Finding]]:
    """Read a partner cell into members, outside-area names and exclusions, with findings.

    >>> from renkei.reading.area import load_area, load_registry
    >>> partners, findings = read_partners("全市町（ただし香春町を除く）", area=load_area("kitakyushu"),
    ...                                    registry=load_registry())
    >>> len(partners.municipalities), partners.excluded, findings
    (17, ('香春町',), [])
    """
    if text is None or not text.strip():
        return Partners(text=text), []
    listed_members = _read_member_list(text, area)
    if listed_members is not None:
        return listed_members, []
    return _read_cell(text, area=area, registry=registry)


def _read_cell(text: str, *, area: Area, registry: MunicipalityRegistry) -> tuple[Partners, list[Finding]]:
    """Read any non-empty partner cell (see :func:`read_partners`)."""
    collected = _Collected()
    normal = unicodedata.normalize("NFKC", text)
    if _counts_all_members("".join(normal.split()), area):
        normal = _ALL  # 「6市」 in an area of six cities: all of them
    normal = _ALL_MEMBERS.sub(f"、{_ALL}、", normal)
    listed: list[str] = []
    excluded: list[str] = []
    outside: list[str] = []
    notes: list[str] = []
    for inner in _PARENS.findall(normal):
        if _OUTSIDE.match(inner.strip()):
            outside.extend(split_names(_OUTSIDE.sub("、", inner, count=1)))
        elif re.search("除[くき]", inner):
            rest = _take_exclusions(inner, excluded)
            listed.extend(split_names(rest))
        else:
            notes.append(inner)
    normal = _PARENS.sub("、", normal)
    head, marker, tail = normal.partition("圏域外")
    if marker:
        outside.extend(split_names(_OUTSIDE.sub("、", marker + tail, count=1)))
    listed = split_names(_take_exclusions(head, excluded)) + listed
    for name in listed:
        _read_listed(name, area=area, registry=registry, collected=collected)
    for name in excluded:
        _read_excluded(name, area=area, registry=registry, collected=collected)
    for name in outside:
        _read_outside(name, area=area, registry=registry, collected=collected)
    for note in notes:
        collected.add_finding("partners.annotation", Severity.INFO,
                              f"括弧書き「{note}」は市町名として読みませんでした / the note ({note}) was not "
                              "read as names")
    return _build(text, area, collected), collected.findings


# Each area's members by exact name, with their position in the area (keyed by the area's identity).
_MEMBER_POSITIONS: dict[int, tuple[Area, dict[str, int]]] = {}


def _read_member_list(text: str, area: Area) -> Partners | None:
    """Read at once the common cell that only lists members, each once, by exact name: 「直方市、行橋市」.

    Anything else (another separator, a space, a note, a count, 全市町, an exclusion, a misspelling, a name
    twice) returns None and is read by the general reader, which gives the same answer for this case (a
    property test checks it).

    >>> from renkei.reading.area import load_area
    >>> _read_member_list("行橋市、直方市", load_area("kitakyushu")).municipalities
    ('直方市', '行橋市')
    >>> _read_member_list("行橋市・直方市", load_area("kitakyushu")) is None
    True
    """
    known = _MEMBER_POSITIONS.get(id(area))
    if known is None or known[0] is not area:
        if len(_MEMBER_POSITIONS) >= 64:
            _MEMBER_POSITIONS.clear()
        known = _MEMBER_POSITIONS[id(area)] = (area, {m.name: i for i, m in enumerate(area.members)})
    positions = known[1]
    found: list[int] = []
    for name in text.split("、"):
        position = positions.get(name)
        if position is None or position in found:
            return None
        found.append(position)
    found.sort()
    members = [area.members[i] for i in found]
    return Partners(text=text, municipalities=tuple(m.name for m in members), codes=tuple(m.code for m in members))


def _counts_all_members(text: str, area: Area) -> bool:
    """Tell whether a cell that only counts municipalities (6市, 3市7町) counts exactly the area's members.

    >>> from renkei.reading.area import load_area
    >>> _counts_all_members("6市", load_area("toyama-gosei")), _counts_all_members("5市", load_area("toyama-gosei"))
    (True, False)
    """
    match = _COUNT.match(text)
    if not match or not any(match.groups()):
        return False
    wanted = [int(n) if n else 0 for n in match.groups()]
    have = [sum(1 for m in area.members if m.name.endswith(kind)) for kind in "市町村"]
    return wanted == have


def _build(text: str, area: Area, collected: _Collected) -> Partners:
    chosen = {m.code for m in area.members} if collected.all_members else set(collected.member_codes)
    chosen -= set(collected.excluded_codes)
    members = tuple(m for m in area.members if m.code in chosen)
    excluded = tuple(m.name for m in area.members if m.code in collected.excluded_codes)
    return Partners(
        text=text,
        municipalities=tuple(m.name for m in members),
        codes=tuple(m.code for m in members),
        outside_area=tuple(collected.outside),
        excluded=excluded,
        unresolved=tuple(collected.unresolved),
        all_members=collected.all_members and not excluded,
    )
