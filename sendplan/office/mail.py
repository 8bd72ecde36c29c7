"""The covering message for a return: a draft .eml that Outlook opens ready to send.

An RFC 5322 message (CRLF line ends, MIME) with `X-Unsent: 1`, the header Outlook for Windows
reads as "this message has not been sent": it opens the file as a new message in the compose
window, with a Send button, instead of as a received one. The body, in plain text and HTML,
says how many of the lead's items are overdue and due soon and when to send the workbook back;
the workbook is attached.

Pure: the message is dated the request's day at 09:00 UK time (no clock); it is signed with the
sender's name when --from gives one; plan text is data (escaped in HTML, kept out of header syntax).
"""

from __future__ import annotations

import hashlib
import html
import re
from datetime import UTC, date, datetime, time, timedelta, timezone
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from sendplan.office.returns import ReturnRequest, long_day, short_day
from sendplan.outputs.text import one_line

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
_ADDRESS = re.compile(r"\s*(?:(?P<name>[^<>]*?)\s*<(?P<angle>[^<>\s]+)>|(?P<bare>[^<>\s]+))\s*")


def address(text: str, name: str | None = None) -> Address:
    """An Address from "jo@council.gov.uk" or "Jo Bloggs <jo@council.gov.uk>" (ValueError if neither)."""
    match = _ADDRESS.fullmatch(one_line(text))
    if match is None or "@" not in (match["angle"] or match["bare"] or ""):
        raise ValueError(f"{text!r} is not an email address")
    spec = match["angle"] or match["bare"]
    display = one_line(match["name"] or name or "").strip('"')
    local, _, domain = spec.rpartition("@")
    return Address(display_name=display, username=local, domain=domain)


def _last_sunday(year: int, month: int) -> date:
    last = date(year, month + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() + 1) % 7)


def uk_zone(day: date) -> timezone:
    """UK time on *day* at 09:00: British Summer Time (+01:00) from the last Sunday of March to
    the Saturday before the last Sunday of October, else GMT. By rule, so no time zone database
    is needed (Windows has none)."""
    summer = _last_sunday(day.year, 3) <= day < _last_sunday(day.year, 10)
    return timezone(timedelta(hours=1), "BST") if summer else UTC


def _sender_name(sender: str | None) -> str:
    """The name in "Jo Bloggs <jo@council.gov.uk>", to sign the message with ("" if none)."""
    if not sender:
        return ""
    try:
        return address(sender).display_name
    except ValueError:
        return ""


def subject(request: ReturnRequest) -> str:
    return f"{one_line(request.plan_title)}: your update, please, by {short_day(request.return_by)}"


def _counts(request: ReturnRequest) -> str:
    count = len(request.rows)
    items = "item" if count == 1 else "items"
    overdue = f"{request.overdue} overdue" if request.overdue else "none overdue"
    soon = f"{request.due_soon} more due" if request.due_soon else "none due"
    return (
        f"You lead {count} open {items} in the plan as it stands on {long_day(request.as_of)}: "
        f"{overdue}, and {soon} by {long_day(request.soon_end)}."
    )


def body_lines(request: ReturnRequest, attachment: str) -> list[str]:
    """The message's paragraphs, in order, as plain text."""
    greeting = f"Dear {one_line(request.lead_name).split()[0]}," if request.lead_name else "Hello,"
    reply = f"to {one_line(request.reply_to)}" if request.reply_to else "as a reply to this email"
    signature = _sender_name(request.reply_to)
    return [
        greeting,
        f"It is time for this month's update on the {one_line(request.plan_title)}.",
        _counts(request),
        (
            f"The attached workbook, {attachment}, lists them. Please fill in the yellow columns for each "
            "item you have worked on: a new status (from the list), a short progress note, a revised "
            "deadline with its reason if an item will be late, the day it was completed and any evidence. "
            "Leave the other columns as they are."
        ),
        (
            f"Please send the workbook back {reply} by {long_day(request.return_by)}, saved as an Excel "
            "workbook (.xlsx) with its name unchanged."
        ),
        "Thank you." + (f"\n{signature}" if signature else ""),
    ]


def draft_message(request: ReturnRequest, workbook: bytes, attachment: str, *, sender: str | None = None) -> bytes:
    """The draft message to *request*'s lead, with *workbook* attached as *attachment*.

    The lead must have an email address (ValueError otherwise). Without *sender*, the message
    has no From: Outlook fills in the account it is sent from.
    """
    if not request.email:
        raise ValueError(f"lead {request.lead} has no email address")
    message = EmailMessage(policy=SMTP)
    if sender:
        message["From"] = address(sender)
    message["To"] = address(request.email, request.lead_name)
    message["Subject"] = subject(request)
    # The request's day at 09:00 UK time (the clock is not read).
    message["Date"] = format_datetime(datetime.combine(request.as_of, time(9, 0), tzinfo=uk_zone(request.as_of)))
    message["X-Unsent"] = "1"
    paragraphs = body_lines(request, attachment)
    message.set_content("\n\n".join(paragraphs) + "\n")
    markup = "".join(f"<p>{html.escape(paragraph).replace(chr(10), '<br>')}</p>\n" for paragraph in paragraphs)
    message.add_alternative(
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head>\n<body style="font-family: Arial, sans-serif">\n'
        f"{markup}</body></html>\n",
        subtype="html",
    )
    message.add_attachment(workbook, maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=attachment)
    # Boundaries from the content rather than random numbers: the same request, the same bytes.
    seed = hashlib.sha256(workbook + "\n".join(paragraphs).encode("utf-8")).hexdigest()[:24]
    for number, part in enumerate(part for part in message.walk() if part.is_multipart()):
        part.set_boundary(f"sendplan-{number}-{seed}")
    return message.as_bytes()
