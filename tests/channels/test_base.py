from __future__ import annotations

from bot.channels.base import parse_retry_after, subject_with_ref


def test_subject_carries_the_ref_token_once() -> None:
    assert subject_with_ref("RIV3: 1 action overdue", "DHR-7f3a") == "[DHR-7f3a] RIV3: 1 action overdue"
    assert subject_with_ref("RE: [DHR-7f3a] RIV3: 1 action overdue", "DHR-7f3a") == "RE: [DHR-7f3a] RIV3: 1 action overdue"
    assert subject_with_ref("RIV3 digest", None) == "RIV3 digest"


def test_retry_after_reads_seconds_and_ignores_what_it_cannot_read() -> None:
    assert parse_retry_after("30") == 30.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT") is None
    assert parse_retry_after(None) is None
    assert parse_retry_after("-4") == 0.0
