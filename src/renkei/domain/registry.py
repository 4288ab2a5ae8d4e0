"""The national municipality registry: every local government by code, name and reading.

Names are not unique across Japan (府中市, 伊達市, 川崎町…), so name lookups return every
municipality so named. Written names are folded before lookup: NFKC, no white space, a leading
prefecture (福岡県北九州市), a county (遠賀郡芦屋町) and a trailing ward (北九州市小倉北区).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from types import MappingProxyType

from renkei.domain.localcode import LocalCodeError, normalise_code
from renkei.domain.municipality import Municipality
from renkei.domain.text import fold

_COUNTY = re.compile(r"^(?P<county>.{1,6}?郡)(?P<rest>.+[町村])$")
_KANA = re.compile(r"^[\u3041-\u309f\u30a1-\u30ffー]+$")


@dataclass(frozen=True, slots=True)
class Prefecture:
    """A prefecture (都道府県) with its 6-digit code."""

    code: str
    name: str
    kana: str = ""


@dataclass(frozen=True, slots=True)
class Ward:
    """A ward (行政区) of a designated city, e.g. 小倉北区 of 北九州市."""

    code: str
    name: str
    city_code: str
    kana: str = ""


@dataclass(frozen=True, slots=True)
class FoldedName:
    """A written name reduced to a municipality name, with the prefecture it was qualified by."""

    name: str
    prefecture: Prefecture | None = None


def to_hiragana(text: str) -> str:
    """Return the text with katakana turned into hiragana.

    >>> to_hiragana("カンダマチ")
    'かんだまち'
    """
    return "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in text)


def _index(pairs: Iterable[tuple[str, Municipality]]) -> MappingProxyType[str, tuple[Municipality, ...]]:
    index: dict[str, list[Municipality]] = {}
    for key, m in pairs:
        index.setdefault(key, []).append(m)
    return MappingProxyType({k: tuple(v) for k, v in index.items()})


@dataclass(frozen=True, slots=True)
class MunicipalityRegistry:
    """An immutable index of prefectures, municipalities and wards."""

    prefectures: tuple[Prefecture, ...]
    municipalities: tuple[Municipality, ...]
    wards: tuple[Ward, ...] = ()
    _by_code: MappingProxyType[str, Municipality] = field(init=False, repr=False, compare=False)
    _by_name: MappingProxyType[str, tuple[Municipality, ...]] = field(init=False, repr=False, compare=False)
    _by_kana: MappingProxyType[str, tuple[Municipality, ...]] = field(init=False, repr=False, compare=False)
    _prefs: MappingProxyType[str, Prefecture] = field(init=False, repr=False, compare=False)
    _wards: MappingProxyType[str, tuple[Ward, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "prefectures", tuple(self.prefectures))
        object.__setattr__(self, "municipalities", tuple(self.municipalities))
        object.__setattr__(self, "wards", tuple(self.wards))
        object.__setattr__(self, "_by_code", MappingProxyType({m.code: m for m in self.municipalities}))
        object.__setattr__(self, "_by_name", _index((m.name, m) for m in self.municipalities))
        object.__setattr__(self, "_by_kana", _index((m.kana, m) for m in self.municipalities if m.kana))
        object.__setattr__(self, "_prefs", MappingProxyType({p.code[:2]: p for p in self.prefectures}))
        wards: dict[str, list[Ward]] = {}
        for w in self.wards:
            wards.setdefault(w.name, []).append(w)
        object.__setattr__(self, "_wards", MappingProxyType({k: tuple(v) for k, v in wards.items()}))

    def __len__(self) -> int:
        return len(self.municipalities)

    def __iter__(self) -> Iterator[Municipality]:
        return iter(self.municipalities)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.by_code(code) is not None

    def by_code(self, code: str) -> Municipality | None:
        """Return the municipality with this code (5 or 6 digits, full-width allowed), if any."""
        try:
            return self._by_code.get(normalise_code(code))
        except LocalCodeError:
            return None

    def by_name(self, name: str) -> tuple[Municipality, ...]:
        """Return every municipality with exactly this official name (after NFKC)."""
        return self._by_name.get(fold(name), ())

    def by_kana(self, kana: str) -> tuple[Municipality, ...]:
        """Return every municipality read so (hiragana or katakana), e.g. かんだまち."""
        return self._by_kana.get(to_hiragana(fold(kana)), ())

    def prefecture_of(self, municipality: Municipality | str) -> Prefecture | None:
        """Return the prefecture of a municipality or of a code."""
        code = municipality.code if isinstance(municipality, Municipality) else fold(municipality)
        return self._prefs.get(code[:2]) if len(code) >= 2 else None

    def prefecture_by_name(self, name: str) -> Prefecture | None:
        """Return the prefecture with this name (福岡県), if any."""
        key = fold(name)
        return next((p for p in self.prefectures if p.name == key), None)

    def wards_of(self, municipality: Municipality) -> tuple[Ward, ...]:
        """Return the wards of a designated city (none for other municipalities)."""
        return tuple(w for w in self.wards if w.city_code == municipality.code)

    def city_of_ward(self, ward_name: str) -> tuple[Municipality, ...]:
        """Return the cities having a ward with this name (東区 is in several)."""
        cities = (self._by_code.get(w.city_code) for w in self._wards.get(fold(ward_name), ()))
        return tuple(m for m in cities if m is not None)

    def fold_name(self, name: str) -> FoldedName:
        """Reduce a written name to a municipality name: strip prefecture, county and ward.

        Names that are municipality names as written (小郡市, 大和郡山市, 北区) are kept.
        """
        text = fold(name)
        prefecture = None
        if text not in self._by_name:
            for p in self.prefectures:
                if text.startswith(p.name) and len(text) > len(p.name):
                    prefecture, text = p, text[len(p.name) :]
                    break
        if text not in self._by_name:
            county = _COUNTY.match(text)
            if county is not None:
                text = county["rest"]
        if text not in self._by_name:
            text = self._fold_ward(text)
        return FoldedName(text, prefecture)

    def _fold_ward(self, text: str) -> str:
        if not text.endswith("区"):
            return text
        for ward_name, wards in self._wards.items():
            if text == ward_name and len(wards) == 1:
                city = self._by_code.get(wards[0].city_code)
                return city.name if city else text
            if text.endswith(ward_name):
                head = text[: -len(ward_name)]
                for w in wards:
                    city = self._by_code.get(w.city_code)
                    if city is not None and city.name == head:
                        return head
        head = text[: text.find("市") + 1] if "市" in text[:-1] else ""
        return head if head in self._by_name else text

    def find(self, name: str) -> tuple[Municipality, ...]:
        """Return the municipalities a written name can mean, after folding.

        A prefecture written before the name narrows the result (福岡県川崎町 → one town);
        a name written wholly in kana is also looked up as a reading (かんだまち → 苅田町).
        """
        folded = self.fold_name(name)
        found = self.by_name(folded.name)
        if not found and _KANA.match(folded.name):
            found = self.by_kana(folded.name)
        if folded.prefecture is not None:
            prefix = folded.prefecture.code[:2]
            found = tuple(m for m in found if m.code.startswith(prefix))
        return found
