"""The annual progress report (進捗状況報告書) as a printable PDF, rendered from HTML templates with WeasyPrint.

Cover, table of contents (page numbers by ``target-counter``), summary (status and rating counts by policy
area, budget totals with 記載なし kept, the map), the KPI table in the form such reports use (指標 / 現状値 /
目標値 / 実績値 by year / 達成状況 / 評価), one section per project (sheet fields, the KPI chart with its
expected path and forecast, the evaluation in words) and appendices (lint findings, KPIs still missing data).
Charts are vector SVG; the Japanese font (IPAex, Debian ``fonts-ipaexfont``) is embedded by WeasyPrint.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from renkei.domain.status import Rating, Status, label_verdict, rating_legend
from renkei.export.opendata import SYNTHETIC_NOTICE
from renkei.export.report_view import ReportInput, ReportView

TEMPLATE = "report/report.html"


class ReportError(RuntimeError):
    """A report that cannot be rendered (WeasyPrint or its system libraries missing)."""


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("renkei.export", "templates"), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["lines"] = lambda text: str(text).split("\n")
    return env


def render_report_html(source: ReportInput) -> str:
    """Return the report as one HTML document (what WeasyPrint lays out)."""
    view = ReportView(source)
    area_map, member_counts = view.area_map()
    context: dict[str, Any] = {
        "view": view, "plan": view.plan, "progress": view.progress, "statuses": list(Status),
        "ratings": list(Rating), "area_map": area_map, "member_counts": member_counts,
        "budget_chart": view.budget_chart(), "sections": view.sections(),
        # The portal's vocabulary: a badge's word (やや遅れ), a status as its ratings (遅れ（C・D）), the legend.
        "verdict": label_verdict, "legend": rating_legend(),
        "synthetic_notice": SYNTHETIC_NOTICE if source.synthetic else "",
        # The area's own grades (none: the report is renkei's A–E, as it always was).
        "graded": source.graded,
    }
    return _environment().get_template(TEMPLATE).render(context)


def render_report_pdf(source: ReportInput) -> bytes:
    """Render the report to PDF bytes (A4, fonts embedded, charts as vectors)."""
    try:
        from weasyprint import CSS, HTML
    except (ImportError, OSError) as exc:  # OSError: Pango or its libraries are missing
        raise ReportError(f"WeasyPrint を使えません（make sysdeps で Pango を入れてください） / cannot load "
                          f"WeasyPrint: {exc}") from None
    html = render_report_html(source)
    folder = resources.files("renkei.export").joinpath("templates/report")
    stylesheet = CSS(string=folder.joinpath("report.css").read_text(encoding="utf-8"))
    document = HTML(string=html, base_url=str(folder))
    pdf = document.write_pdf(stylesheets=[stylesheet])  # title, author and keywords come from the <meta> tags
    if pdf is None:  # only when a target is given; kept for the type checker
        raise ReportError("PDF was not produced")
    return bytes(pdf)
