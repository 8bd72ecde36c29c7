"""The draft message beside a return (sendplan.office.mail), parsed back with the email package."""

from __future__ import annotations

import dataclasses
import email
from email import policy
from pathlib import Path

import pytest
from returns_kit import request_for

from sendplan.office.mail import address, draft_message
from sendplan.office.returns import file_stem
from sendplan.office.returns_book import request_workbook

ADDRESS = "anthony.giles@westnorthants.gov.uk"


@pytest.fixture
def request_ag(bundled_plan: Path):
    return dataclasses.replace(request_for(bundled_plan), email=ADDRESS)


def parsed(data: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(data, policy=policy.default)  # type: ignore[return-value]


def test_draft_headers(request_ag) -> None:
    """To the lead by name, a subject naming the plan and the return date, X-Unsent: 1, dated the request's day."""
    workbook = request_workbook(request_ag)
    message = parsed(draft_message(request_ag, workbook, "send-recovery-plan-AG-2021-12-01.xlsx"))
    assert message["To"] == f"Anthony Giles <{ADDRESS}>"
    assert message["Subject"] == "SEND recovery plan: your update, please, by 15 Dec 2021"
    assert message["X-Unsent"] == "1"
    assert message["Date"] == "Wed, 01 Dec 2021 09:00:00 +0000"  # 9 am, GMT in December
    assert message["From"] is None


def test_crlf_lines(request_ag) -> None:
    """Every line ends CRLF, as RFC 5322 asks, and none is longer than 998 characters."""
    data = draft_message(request_ag, request_workbook(request_ag), "a.xlsx")
    lines = data.split(b"\r\n")
    assert b"\n" not in b"".join(lines)
    assert max(len(line) for line in lines) <= 998


def test_bodies_and_attachment(request_ag, bundled_plan: Path) -> None:
    """Plain text and HTML say how many items are overdue and due soon; the workbook is attached byte for byte."""
    request_ck = dataclasses.replace(request_for(bundled_plan, "CK"), email="chris.kiernan@westnorthants.gov.uk")
    workbook = request_workbook(request_ck)
    name = file_stem(request_ck) + ".xlsx"
    message = parsed(draft_message(request_ck, workbook, name))
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text.startswith("Dear Chris,\n")
    assert (
        "You lead 14 open items in the plan as it stands on Wednesday 1 December 2021: 11 overdue, "
        "and 3 more due by Friday 31 December 2021."
    ) in text
    assert "by Wednesday 15 December 2021" in text
    html = message.get_body(("html",)).get_content()
    assert "<p>You lead 14 open items" in html
    (attachment,) = message.iter_attachments()
    assert attachment.get_filename() == "send-recovery-plan-CK-2021-12-01.xlsx"
    assert attachment.get_content_type() == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert attachment.get_content() == workbook


def test_sender_and_reply_to(request_ag) -> None:
    """With a sender the draft is From them and asks for the workbook back to them."""
    request = dataclasses.replace(request_ag, reply_to="Jo Bloggs <jo.bloggs@westnorthants.gov.uk>")
    message = parsed(draft_message(request, b"x", "a.xlsx", sender="Jo Bloggs <jo.bloggs@westnorthants.gov.uk>"))
    assert message["From"] == "Jo Bloggs <jo.bloggs@westnorthants.gov.uk>"
    assert "back to Jo Bloggs <jo.bloggs@westnorthants.gov.uk> by" in message.get_body(("plain",)).get_content()


def test_plan_text_escaped_in_html(request_ag) -> None:
    """A plan title with markup is text in the HTML body and harmless in the subject."""
    request = dataclasses.replace(request_ag, plan_title="<b>Plan</b> & co\r\nBcc: x@example.com")
    message = parsed(draft_message(request, b"x", "a.xlsx"))
    assert "&lt;b&gt;Plan&lt;/b&gt; &amp; co" in message.get_body(("html",)).get_content()
    assert message["Bcc"] is None
    assert message["Subject"].strip().startswith("<b>Plan</b> & co Bcc: x@example.com: your update")


def test_same_request_same_bytes(request_ag) -> None:
    """No clock and no random boundaries: the same draft twice is the same bytes."""
    workbook = request_workbook(request_ag)
    assert draft_message(request_ag, workbook, "a.xlsx") == draft_message(request_ag, workbook, "a.xlsx")


def test_no_address_no_draft(bundled_plan: Path) -> None:
    """A lead without an email address gets no draft."""
    with pytest.raises(ValueError, match="no email address"):
        draft_message(request_for(bundled_plan), b"x", "a.xlsx")


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("jo@council.gov.uk", "jo@council.gov.uk"),
        ("Jo Bloggs <jo@council.gov.uk>", "Jo Bloggs <jo@council.gov.uk>"),
        ('"Bloggs, Jo" <jo@council.gov.uk>', '"Bloggs, Jo" <jo@council.gov.uk>'),
    ],
)
def test_address_spellings(text: str, shown: str) -> None:
    """An address alone, or with a name in front, as people write them."""
    assert str(address(text)) == shown


def test_counts_read_as_words_when_none(request_ag) -> None:
    """A lead with nothing overdue or due soon is told so in words, not "0 overdue"."""
    message = parsed(draft_message(request_ag, b"x", "a.xlsx"))
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert (
        "You lead 29 open items in the plan as it stands on Wednesday 1 December 2021: none overdue, "
        "and none due by Friday 31 December 2021."
    ) in text
