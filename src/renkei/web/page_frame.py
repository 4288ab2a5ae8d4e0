"""What every page shows around its content: the evaluation year with its selector, and the footer's facts.

The footer says where the figures come from and under what terms: the licence of the data (a setting), when the
data last changed (the plan's last import, or the latest approved actual or assessment shown, whichever is later),
the source document by its title, and where the API and the downloads are described. Internal keys such as
``kitakyushu-2026`` are never shown: a plan is named by its title or area and period.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from markupsafe import Markup, escape

from renkei.domain.fiscal import format_fiscal_year
from renkei.presentation.views import JAPAN, instant
from renkei.settings import Settings
from renkei.web.readmodel import Portal


@dataclass(frozen=True, slots=True)
class YearOption:
    """One year of the evaluation-year selector."""

    year: int
    selected: bool
    default: bool


def year_options(portal: Portal) -> list[YearOption]:
    """Return every fiscal year of the plan period, marking the one shown and the default one."""
    plan = portal.plan
    return [YearOption(y, y == portal.as_of, y == portal.default_year)
            for y in range(plan.first_year, plan.last_year + 1)]


def carried_parameters(params: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Return the query parameters a year change keeps (filters, search, sort; not the year, page or language).

    >>> carried_parameters([("q", "研修"), ("as_of", "2027"), ("page", "2"), ("lang", "en"), ("sort", "name")])
    [('q', '研修'), ('sort', 'name')]
    """
    return [(k, v) for k, v in params if k not in ("as_of", "page", "lang") and v]


def format_date(moment: datetime, lang: str) -> str:
    """Write a moment's date in Japan: 2026年12月3日, or 3 December 2026.

    >>> from datetime import UTC
    >>> format_date(datetime(2026, 12, 2, 16, 30, tzinfo=UTC), "ja")
    '2026年12月3日'
    >>> format_date(datetime(2026, 12, 2, tzinfo=UTC), "en")
    '2 December 2026'
    """
    local = moment.astimezone(JAPAN) if moment.tzinfo else moment
    if lang == "en":
        return f"{local.day} {local:%B} {local.year}"
    return f"{local.year}年{local.month}月{local.day}日"


def last_updated(portal: Portal) -> datetime:
    """Return when the shown data last changed: the plan's import, or a later approved actual or assessment.

    The latest entry is found once, when the snapshot is built (``PortalIndex.latest_entry``), so a page costs the
    same whatever the number of KPIs.
    """
    moments = [portal.summary.updated_at]
    if portal.index.latest_entry is not None:
        moments.append(portal.index.latest_entry)
    return max(moments, key=instant)


def area_label(area_name: str, area_name_en: str, lang: str) -> str:
    """Name an area in the page's language: its English name (the area's ``name_en``) on English pages when it has one.

    >>> area_label("北九州都市圏域", "Kitakyushu Metropolitan Area", "en"), area_label("北九州都市圏域", "", "en")
    ('Kitakyushu Metropolitan Area', '北九州都市圏域')
    >>> area_label("北九州都市圏域", "Kitakyushu Metropolitan Area", "ja")
    '北九州都市圏域'
    """
    return area_name_en if lang == "en" and area_name_en else area_name


def plan_label(plan_title: str | None, area_name: str, first_year: int, last_year: int, lang: str,
               area_name_en: str = "") -> str:
    """Name a plan edition for people: its title, else its area, with its period (never its internal key).

    An English page names it by the area's English name when there is one (the title is the document's Japanese).

    >>> plan_label(None, "北九州都市圏域", 2026, 2030, "ja")
    '北九州都市圏域（令和8年度（2026）〜令和12年度（2030））'
    >>> plan_label("第2次ビジョン", "北九州都市圏域", 2026, 2030, "en", "Kitakyushu Metropolitan Area")
    'Kitakyushu Metropolitan Area (FY2026–FY2030)'
    """
    name = area_name_en if lang == "en" and area_name_en else plan_title or area_name
    first, last = format_fiscal_year(first_year, lang), format_fiscal_year(last_year, lang)
    return f"{name} ({first}–{last})" if lang == "en" else f"{name}（{first}〜{last}）"


@dataclass(frozen=True, slots=True)
class FooterFacts:
    """The footer's facts about the data shown."""

    licence: str
    licence_url: str
    updated: str
    updated_iso: str
    source: str
    source_is_title: bool


def footer_facts(portal: Portal, settings: Settings, lang: str) -> FooterFacts:
    """Return the footer's facts for a page of this plan."""
    moment = last_updated(portal)
    plan = portal.plan
    return FooterFacts(
        licence=settings.data_licence,
        licence_url=settings.data_licence_url,
        updated=format_date(moment, lang),
        updated_iso=moment.astimezone(JAPAN).date().isoformat() if moment.tzinfo else moment.date().isoformat(),
        source=plan.title or area_label(plan.area_name, portal.summary.area_name_en, lang),
        source_is_title=plan.title is not None,
    )


def japanese(text: object) -> bool:
    """Tell whether a text holds Japanese letters (kana or kanji), so an English page marks it ``lang="ja"``.

    >>> japanese("苅田町"), japanese("こども"), japanese("behind"), japanese("2026"), japanese(None)
    (True, True, False, False, False)
    """
    return any("\u3040" <= ch <= "\u30ff" or "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"
               for ch in str(text or ""))


#: A run of Japanese: kana, kanji, and the full-width marks and letters written among them.
_JAPANESE_RUN = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff01-\uff9f]+")


def mark_japanese(text: object, lang: str) -> Markup:
    """Return text escaped, with each run of Japanese in ``<span lang="ja">`` on an English page.

    English sentences quote the document (a unit such as 回, a name), and a screen reader must read those words
    as Japanese. On a Japanese page the text is only escaped.

    >>> str(mark_japanese("hold at least 2回 → <b>", "en"))
    'hold at least 2<span lang="ja">回</span> → &lt;b&gt;'
    >>> str(mark_japanese("2回", "ja"))
    '2回'
    """
    escaped = str(escape("" if text is None else str(text)))
    if lang != "en":
        return Markup(escaped)
    return Markup(_JAPANESE_RUN.sub(lambda m: f'<span lang="ja">{m.group(0)}</span>', escaped))


def paren(text: object, lang: str) -> str:
    """Put text in brackets the language's way: 「（2026）」 in Japanese, " (2026)" in English.

    >>> paren("FY2026", "en"), paren("令和8年度", "ja")
    (' (FY2026)', '（令和8年度）')
    """
    return f" ({text})" if lang == "en" else f"（{text}）"


def frame_globals() -> dict[str, Any]:
    """Return the functions templates call for the page frame (registered as Jinja globals)."""
    return {"year_options": year_options, "carried_parameters": carried_parameters, "footer_facts": footer_facts,
            "plan_label": plan_label, "area_label": area_label, "japanese": japanese, "mark_japanese": mark_japanese,
            "paren": paren,
            "static_site": False}  # True only while `renkei build-site` renders the static copy
