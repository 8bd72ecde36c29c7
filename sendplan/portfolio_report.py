"""The highlight report on several plans at once, as data: a summary with one row per plan
(items, percent complete, overdue, the RAG mix), then each plan's exceptions.

The writers are in sendplan/outputs (portfolio.py for Markdown and HTML, portfolio_docx.py for
Word); they share the exception tables with the one-plan report. Pure: the day arrives as
`as_of`; nothing here reads the clock or prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sendplan.plan.dates import period_end
from sendplan.plan.portfolio import Member
from sendplan.plan.source import display_name
from sendplan.query import ItemRow
from sendplan.report import (
    ExceptionLine,
    Figures,
    as_on_day,
    exception_lines,
    figures,
    items_by_id,
    legend_lines,
    rag_key,
    worst_rag,
)


@dataclass(frozen=True, slots=True)
class PlanLine:
    """One plan's row in the summary: its short name, title and figures; *rag* is its worst rating."""

    plan: str
    title: str
    organisation: str | None
    source: str
    figures: Figures
    rag: str | None


@dataclass(frozen=True, slots=True)
class PlanExceptions:
    """One plan's red or overdue items, most overdue first."""

    line: PlanLine
    exceptions: list[ExceptionLine]


@dataclass
class PortfolioReport:
    title: str
    as_of: date
    ahead_end: date
    author: str | None
    audience: str | None
    plans: list[PlanLine]
    total: Figures
    sections: list[PlanExceptions]
    legend: list[str] = field(default_factory=list)
    rag_key: list[tuple[str, str]] = field(default_factory=list)

    @property
    def exception_count(self) -> int:
        return sum(len(section.exceptions) for section in self.sections)


def portfolio_title(lines: Sequence[PlanLine]) -> str:
    """ "Example Council: 3 plans" when every plan has the same organisation, else "3 plans"."""
    count = f"{len(lines)} plan{'s' if len(lines) != 1 else ''}"
    organisations = {line.organisation for line in lines}
    if len(organisations) == 1 and (only := organisations.pop()):
        return f"{only}: {count}"
    return count


def portfolio_report(
    per_member: Sequence[tuple[Member, list[ItemRow]]],
    as_of: date,
    *,
    ahead: tuple[int, str] = (1, "months"),
    author: str | None = None,
    audience: str | None = None,
) -> PortfolioReport:
    """The summary of every plan as of *as_of*, with the look-ahead period *ahead* for "due"."""
    ahead_end = period_end(as_of, ahead)
    lines = []
    sections = []
    everything: list[ItemRow] = []
    for member, rows in per_member:
        items = items_by_id(member.loaded.plan)
        found, _ = as_on_day(rows, items, as_of)
        everything.extend(found)
        info = member.loaded.plan.plan
        line = PlanLine(
            plan=member.name,
            title=info.title,
            organisation=info.organisation,
            source=display_name(member.loaded.source),
            figures=figures(found, as_of, ahead_end),
            rag=worst_rag([row.rag for row in found]),
        )
        lines.append(line)
        sections.append(PlanExceptions(line, exception_lines(member.loaded.plan, found, items)))
    return PortfolioReport(
        title=portfolio_title(lines),
        as_of=as_of,
        ahead_end=ahead_end,
        author=author,
        audience=audience,
        plans=lines,
        total=figures(everything, as_of, ahead_end),
        sections=sections,
        legend=legend_lines(),
        rag_key=rag_key(),
    )
