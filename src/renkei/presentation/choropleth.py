"""The area map as server-side SVG: municipalities shaded by a number, each a link to its page.

Shapes come from ``static/geo/<area>.geojson`` (国土数値情報 行政区域データ, processed; see
:mod:`renkei.web.geo`). Longitude is scaled by cos(latitude) so shapes keep their proportions.
Colours are CSS classes (``q0``…``q4``), never inline styles, so the strict CSP holds.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from markupsafe import Markup, escape

#: The processed boundary data of each area (package data; built by ``python -m renkei.web.geo``).
GEO_DIR = Path(__file__).resolve().parents[1] / "data" / "geo"
#: The credit every map carries (国土数値情報's terms of use).
CREDIT = "出典：国土数値情報（行政区域データ）（国土交通省）を加工して作成"
CLASSES = 5
MAP_WIDTH = 600


@dataclass(frozen=True, slots=True)
class Shape:
    """One municipality's outline as an SVG path, with its 6-digit code and name."""

    code: str
    name: str
    path: str


@dataclass(frozen=True, slots=True)
class AreaShapes:
    """All shapes of an area in one coordinate system, with the SVG's size."""

    shapes: tuple[Shape, ...]
    width: int
    height: int


def _rings(geometry: Mapping[str, object]) -> list[list[list[float]]]:
    coordinates = geometry.get("coordinates")
    if geometry.get("type") == "Polygon" and isinstance(coordinates, list):
        return list(coordinates)
    if geometry.get("type") == "MultiPolygon" and isinstance(coordinates, list):
        return [ring for polygon in coordinates for ring in polygon]
    return []


def project_shapes(geojson: Mapping[str, object], width: int = MAP_WIDTH) -> AreaShapes:
    """Project a FeatureCollection (properties code6, name) into SVG paths fitting ``width``.

    >>> square = {"type": "Polygon", "coordinates": [[[130, 33], [131, 33], [131, 34], [130, 34], [130, 33]]]}
    >>> shapes = project_shapes({"features": [{"properties": {"code6": "401005", "name": "北九州市"},
    ...                                         "geometry": square}]}, width=100)
    >>> shapes.shapes[0].path[:12], shapes.width, shapes.height
    ('M0,119.9L100', 100, 120)
    """
    features = [f for f in geojson.get("features", []) if isinstance(f, dict)]  # type: ignore[attr-defined]
    points = [p for f in features for ring in _rings(f.get("geometry") or {}) for p in ring]
    if not points:
        return AreaShapes((), width, width // 2)
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    squeeze = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x = (max(lons) - min(lons)) * squeeze or 1.0
    span_y = max(lats) - min(lats) or 1.0
    scale = width / span_x
    height = round(span_y * scale)

    def xy(point: list[float]) -> str:
        x = (point[0] - min(lons)) * squeeze * scale
        y = (max(lats) - point[1]) * scale
        return f"{x:.1f}".rstrip("0").rstrip(".") + "," + f"{y:.1f}".rstrip("0").rstrip(".")

    shapes = []
    for feature in features:
        properties = feature.get("properties") or {}
        path = "".join(
            "M" + "L".join(xy(p) for p in ring[:-1]) + "Z" for ring in _rings(feature.get("geometry") or {})
        )
        shapes.append(Shape(str(properties.get("code6", "")), str(properties.get("name", "")), path))
    return AreaShapes(tuple(shapes), width, height)


@cache
def _load(path: Path, mtime: float) -> AreaShapes | None:
    try:
        return project_shapes(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def load_shapes(area_slug: str) -> AreaShapes | None:
    """Return the projected shapes of an area's map, or None when no map data is installed."""
    path = GEO_DIR / f"{area_slug}.geojson"
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    return _load(path, mtime)


@dataclass(frozen=True, slots=True)
class ColourClass:
    """A shade of the map and the range of values it stands for."""

    index: int
    low: int
    high: int

    @property
    def label(self) -> str:
        """Return the range in words (``27`` or ``27–29``)."""
        return str(self.low) if self.low == self.high else f"{self.low}–{self.high}"


def build_classes(values: list[int]) -> list[ColourClass]:
    """Split whole numbers into at most five shades: one per value when few, else equal-width ranges.

    >>> [(c.index, c.label) for c in build_classes([26, 27, 29, 28, 27])]
    [(0, '26'), (1, '27'), (3, '28'), (4, '29')]
    >>> [c.label for c in build_classes(list(range(0, 12)))]
    ['0–2', '3–5', '6–8', '9–11']
    >>> build_classes([])
    []
    """
    distinct = sorted(set(values))
    if len(distinct) <= CLASSES:
        if len(distinct) == 1:
            return [ColourClass(CLASSES // 2, distinct[0], distinct[0])]
        step = (CLASSES - 1) / (len(distinct) - 1)
        return [ColourClass(round(i * step), v, v) for i, v in enumerate(distinct)]
    low, high = distinct[0], distinct[-1]
    width = -(-(high - low + 1) // CLASSES)
    classes = []
    for i in range(CLASSES):
        start = low + i * width
        if start > high:
            break
        classes.append(ColourClass(i, start, min(high, start + width - 1)))
    return classes


def classify(value: int, classes: list[ColourClass]) -> int:
    """Return the shade of a value (0 when no class holds it).

    >>> classify(28, build_classes([26, 27, 28, 29]))
    3
    """
    return next((c.index for c in classes if c.low <= value <= c.high), 0)


def render_map(shapes: AreaShapes, *, title: str, description: str, values: Mapping[str, int] | None = None,
               highlight: frozenset[str] = frozenset(), href: str, label: str = "{name}",
               names_lang: str = "ja") -> Markup:
    """Draw the shapes; with ``values`` shade them by class, else mark ``highlight`` codes; link each shape.

    Each shape's label and the description name municipalities, so they carry ``lang`` (``names_lang``), which
    tells an English page's screen reader to read 苅田町 as Japanese.
    """
    classes = build_classes(list(values.values())) if values else []
    parts = []
    for shape in shapes.shapes:
        if values is not None:
            count = values.get(shape.code, 0)
            css = f"area q{classify(count, classes)}"
        else:
            count = 0
            css = "area on" if shape.code in highlight else "area off"
        if shape.code in highlight and values is not None:
            css += " selected"
        text = label.format(name=shape.name, count=count, code=shape.code)
        link = escape(href.format(code=shape.code))
        parts.append(
            f'<a href="{link}" lang="{escape(names_lang)}" aria-label="{escape(text)}">'
            f'<path class="{css}" d="{shape.path}">'
            f"<title>{escape(text)}</title></path></a>"
        )
    return Markup(
        f'<svg class="map" viewBox="0 0 {shapes.width} {shapes.height}" role="group" '
        f'xmlns="http://www.w3.org/2000/svg" aria-labelledby="map-title map-desc">'
        f'<title id="map-title">{escape(title)}</title>'
        f'<desc id="map-desc" lang="{escape(names_lang)}">{escape(description)}</desc>'
        + "".join(parts) + "</svg>"
    )
