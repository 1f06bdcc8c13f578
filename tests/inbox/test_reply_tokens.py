"""Reply tokens cannot be worked out, and a subject stuffed with tokens matches nothing by itself."""

from __future__ import annotations

import re

from bot.models import Message
from bot.outbox import message_rendering, ref_token_for
from bot.rules.statuses import MessageKind
from tests.inbox.conftest import TOM, Mailroom


def _chasers(mailroom: Mailroom) -> list[Message]:
    return mailroom.messages(MessageKind.CHASER.value)


def test_every_message_has_its_own_random_token_of_at_least_64_bits(mailroom: Mailroom) -> None:
    chasers = _chasers(mailroom)

    tokens = [m.ref_token or "" for m in chasers]
    assert all(re.fullmatch(r"DHR-[0-9a-f]{16}", token) for token in tokens)
    assert len(set(tokens)) == len(tokens)
    # Not derived from anything an outsider could know (ids, dates, the idempotency key).
    assert all(m.ref_token != ref_token_for(m.idempotency_key) for m in chasers)
    for message in chasers:
        assert f"[{message.ref_token}]" in message_rendering(message).subject


def test_a_subject_carrying_many_tokens_and_the_right_one_matches_nothing(mailroom: Mailroom) -> None:
    [right] = [m.ref_token for m in _chasers(mailroom) if m.recipient_address == TOM]
    guesses = " ".join(f"[DHR-{n:016x}]" for n in range(40))
    mailroom.fake.deliver_mail(TOM, f"RE: {guesses} [{right}]", "All done, the guidance is signed off.")

    report = mailroom.poll()

    assert (report.unmatched, report.handled) == (1, 0)
    assert mailroom.action("RIV3-5-1").status == "not_started"
