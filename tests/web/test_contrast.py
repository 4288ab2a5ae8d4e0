"""Every colour of the portal reaches 4.5:1 against the backgrounds it is drawn on (WCAG 2.1 contrast ratio).

The palette lives in the custom properties of ``:root`` in portal.css, and no rule names a colour of its own, so
checking the palette checks the whole site: text, badges, chart lines and bars, map shades and legend keys.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[2] / "src" / "renkei" / "web" / "static" / "css" / "portal.css"

#: Backgrounds of the page: paper and the tinted panels (key figures, year bar, footer, table heads).
PAGE = ("--paper", "--tint")
#: Colours that are only ever backgrounds, each with what is drawn on it.
BACKGROUNDS = {
    "--note-bg": ("--ink", "--brand", "--behind"),  # notes: text, links, their edge
    "--hover-bg": ("--ink", "--brand"),  # a highlighted table row
    "--mark-bg": ("--ink",),  # a search match
    "--brand": ("--on-dark",),  # navigation bar, buttons
    "--brand-dark": ("--on-dark",),  # header, skip link
}
#: Colours used only as backgrounds (the brand blues are also link colours, so they are checked as text too).
ONLY_BACKGROUNDS = ("--note-bg", "--hover-bg", "--mark-bg")
#: Separators and frames (table rules, card edges): they carry no information, so contrast does not apply.
DECORATIVE = ("--line",)
#: Map shades carry the counts; white borders separate neighbouring areas and draw the hover ring.
MAP_SHADES = ("--q0", "--q1", "--q2", "--q3", "--q4")
MINIMUM = 4.5


def palette() -> dict[str, str]:
    """Return the custom properties of :root (name -> #rrggbb)."""
    text = CSS.read_text(encoding="utf-8")
    root = re.search(r":root\s*\{(.*?)\}", text, re.DOTALL)
    assert root, "portal.css has no :root block"
    return {name: value.lower() for name, value in re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{3,6})", root.group(1))}


def luminance(colour: str) -> float:
    """Return the relative luminance of an sRGB colour (WCAG 2.1 definition)."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    channels = [int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """Return the WCAG contrast ratio of two colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize(("a", "b", "ratio"), [("#000000", "#ffffff", 21.0), ("#777777", "#ffffff", 4.48),
                                               ("#767676", "#ffffff", 4.54), ("#ffffff", "#ffffff", 1.0)])
def test_contrast_formula(a: str, b: str, ratio: float) -> None:
    assert contrast(a, b) == pytest.approx(ratio, abs=0.01)


def test_no_colour_outside_the_palette() -> None:
    text = CSS.read_text(encoding="utf-8")
    rules = re.sub(r":root\s*\{.*?\}", "", text, count=1, flags=re.DOTALL)
    named = r"(?<![\w-])(?:white|black|red|blue|green|gray|grey)(?![\w-])"
    literals = re.findall(r"#[0-9a-fA-F]{3,6}\b|\brgba?\(|\bhsla?\(|" + named, rules)
    assert literals == [], "colours must come from :root so that the contrast check sees them"


def test_every_colour_reaches_4_5_to_1_on_the_page() -> None:
    colours = palette()
    foregrounds = [n for n in colours if n not in (*PAGE, *ONLY_BACKGROUNDS, *DECORATIVE, "--on-dark")]
    assert {"--ink", "--muted", "--brand", "--achieved", "--behind", "--no-data", *MAP_SHADES} <= set(foregrounds)
    failures = [f"{fg} {colours[fg]} on {bg} {colours[bg]}: {contrast(colours[fg], colours[bg]):.2f}"
                for fg, bg in itertools.product(foregrounds, PAGE)
                if contrast(colours[fg], colours[bg]) < MINIMUM]
    assert failures == []


@pytest.mark.parametrize("background", sorted(BACKGROUNDS))
def test_what_sits_on_a_coloured_background_reaches_4_5_to_1(background: str) -> None:
    colours = palette()
    for foreground in BACKGROUNDS[background]:
        ratio = contrast(colours[foreground], colours[background])
        assert ratio >= MINIMUM, f"{foreground} on {background}: {ratio:.2f}"


def test_map_borders_stand_out_from_every_shade() -> None:
    colours = palette()
    for shade in MAP_SHADES:
        assert contrast(colours["--paper"], colours[shade]) >= MINIMUM, shade


def test_map_shades_run_from_light_to_dark() -> None:
    colours = palette()
    levels = [luminance(colours[shade]) for shade in MAP_SHADES]
    assert levels == sorted(levels, reverse=True), "a darker shade must mean more projects"
