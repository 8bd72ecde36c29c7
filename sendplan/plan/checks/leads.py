"""Plan health checks on the leads key: an item's lead not in it (SP105), a lead in it who owns
nothing (SP106), an email that cannot be an address (SP117)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from sendplan.errors import Problem, quoted
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
            subject=code,
        )


# One "@" with something on each side; no spaces, brackets, commas or quotes; a domain of
# dot-separated labels ending in letters. Loose on purpose: it catches what cannot be an
# address (a name, a typo, two addresses in one), not every address a server would refuse.
_LOCAL = r"[^\s@<>()\[\],;:\"]+"
_LABEL = r"[^\s@<>()\[\],;:\".]+"
_EMAIL = re.compile(rf"{_LOCAL}@(?:{_LABEL}\.)+[^\W\d_]{{2,}}")


def email_problem(text: str) -> str | None:
    """Why *text* cannot be an email address, in a few words, or None if it can be one."""
    written = text.strip()
    if "<" in written or ">" in written:
        return 'write the address alone, such as jo.bloggs@council.gov.uk (the name goes under "name:")'
    if written.lower().startswith("mailto:"):
        return 'leave out "mailto:"'
    if "@" not in written:
        return "an address has an @, such as jo.bloggs@council.gov.uk"
    if any(character.isspace() for character in written):
        return "an address has no spaces (one address per lead)"
    if written.count("@") != 1:
        return "an address has exactly one @"
    local = written.partition("@")[0]
    if not local or local.startswith(".") or local.endswith(".") or ".." in written:
        return "the part before the @ is empty or has a stray dot"
    if not _EMAIL.fullmatch(written):
        return "the part after the @ should be a domain such as westnorthants.gov.uk"
    return None


def plausible_email(text: str) -> bool:
    """Whether *text* can be an email address (see SP117)."""
    return email_problem(text) is None


@check("SP117", "bad-email")
def bad_email(ctx: CheckContext) -> Iterator[Problem]:
    """A lead's email cannot be an address. It has no @, a space, a name in angle brackets, or
    no domain after the @, so `sendplan request` writes no draft email to that lead.

    Fix: write the address alone, such as jo.bloggs@council.gov.uk.
    """
    keys = lead_keys(ctx)
    for code, lead in ctx.plan.leads.items():
        if lead.email is None:
            continue
        reason = email_problem(lead.email)
        if reason is None:
            continue
        key = keys.get(code)
        written = key[0] if key is not None else code
        yield finding(
            "SP117",
            f"lead {code}'s email {quoted(lead.email)} cannot be an email address: {reason}. "
            "Until it is one, `sendplan request` writes no draft email to them.",
            ctx.loaded.locate(("leads", written, "email")),
            subject=code,
        )
