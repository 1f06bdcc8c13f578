"""A whole mail file as the reader needs it: headers, subject and a plain body."""

from __future__ import annotations

from bot.reading.mail import parse_mail


def test_an_eml_gives_its_headers_subject_and_plain_text_body() -> None:
    raw = (b"From: Tom <tom@example.org>\r\nSubject: RE: RIV3-2-1\r\nAuto-Submitted: no\r\n"
           b"Content-Type: text/plain; charset=utf-8\r\n\r\nStill in progress.\r\n")
    message = parse_mail(raw)
    assert message.subject == "RE: RIV3-2-1"
    assert message.headers["Auto-Submitted"] == "no"
    assert message.body.strip() == "Still in progress."


def test_an_html_only_mail_is_read_as_plain_text() -> None:
    raw = b"Subject: x\nContent-Type: text/html; charset=utf-8\n\n<p>Done &amp; signed off.</p><p>Thanks</p>"
    assert parse_mail(raw).body == "Done & signed off.\nThanks"


def test_the_plain_part_of_a_multipart_mail_is_its_body_and_attachments_are_not() -> None:
    raw = (b'Subject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n'
           b'--b\nContent-Type: text/plain\nContent-Disposition: attachment; filename="notes.txt"\n\nnot this\n'
           b"--b\nContent-Type: text/plain\n\nComplete, register attached.\n--b--\n")
    assert parse_mail(raw).body.strip() == "Complete, register attached."


def test_a_txt_file_is_all_body() -> None:
    message = parse_mail(b"From: not a header\n\nDone.", has_headers=False)
    assert (message.headers, message.body) == ({}, "From: not a header\n\nDone.")
