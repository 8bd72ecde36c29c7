"""Plan health checks on the leads key: an item's lead not in it (SP105), a lead in it who owns
nothing (SP106)."""

from __future__ import annotations

from collections.abc import Iterator

from sendplan.errors import Problem
from sendplan.plan.checks.base import CheckContext, check, finding, lead_keys


@check("SP105", "unknown-lead")
def unknown_lead(ctx: CheckContext) -> Iterator[Problem]:
    """An item's lead is not in the key. The code is not under `leads:`, so nobody knows who it is.

    Fix: add the code under `leads:` with the person's name, or correct the code.
    """
    known = sorted(ctx.plan.leads)
    for _path, _task, _deliverable, item in ctx.items():
        if item.lead is not None and item.lead not in ctx.plan.leads:
            listed = ", ".join(known) if known else "none"
            yield finding(
                "SP105",
                f'item {item.id} is led by "{item.lead}", who is not in the plan\'s leads (known: {listed}). '
                f'Add {item.lead} under "leads:" with a name, or correct the code.',
                ctx.loaded.where(item.id, "lead"),
                item.id,
            )


@check("SP106", "idle-lead")
def idle_lead(ctx: CheckContext) -> Iterator[Problem]:
    """A lead in the key owns no item. The code under `leads:` is on no item.

    Fix: give them the items they lead, or remove them from `leads:`.
    """
    owners = {item.lead for _path, _task, _deliverable, item in ctx.items()}
    keys = lead_keys(ctx)
    for code, lead in ctx.plan.leads.items():
        if code in owners:
            continue
        key = keys.get(code)
        location = key[1] if key is not None else ctx.loaded.locate(("leads",))
        yield finding(
            "SP106",
            f'lead {code} ({lead.name}) owns no item. Give them the items they lead, or remove them from "leads:".',
            location,
        )
