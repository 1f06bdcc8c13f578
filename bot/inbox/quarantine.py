"""Mail the bot will not act on by itself: held for a coordinator, never applied, never blocking.

Two kinds:
- held: a mail whose sender our receiving server did not vouch for (bot.inbox.trust). Its readings
  are recorded refused, as from an unknown sender, and a `mail.held` Event names the reason;
- quarantined: a mail that failed to process at all (a bug, a value the database refused). It is
  recorded as a `mail.quarantined` Event with the error's type only (never its text: that can
  quote the reply), counted as handled so later polls pass over it, and the inbox cursor moves on.

A quarantined mail stays unread in the Inbox for a person; both kinds are Events a coordinator
can list (`quarantined_mail`). Nothing here writes the mail's text or address to the log.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.db import session_scope
from bot.inbox.trust import NOT_AUTHENTICATED, SenderVerdict
from bot.models import Event

log = logging.getLogger(__name__)

HELD_EVENT = "mail.held"
QUARANTINED_EVENT = "mail.quarantined"


def hold_unauthenticated(
    session: Session, mail_key: str, message_id: int | None, verdict: SenderVerdict, now: datetime
) -> None:
    """Note that this mail's readings wait for a coordinator because its sender is not authenticated."""
    session.add(Event(at=now, actor="inbox", kind=HELD_EVENT, entity="message", entity_id=message_id,
                      data={"mail": mail_key, "reason": NOT_AUTHENTICATED, "detail": verdict.reason}))
    session.flush()


def quarantine_mail(engine: Engine, mail_key: str, error: BaseException, now: datetime) -> None:
    """Record, in a transaction of its own, that this mail could not be processed."""
    reason = type(error).__name__
    with session_scope(engine) as session:
        if not is_quarantined(session, mail_key):
            session.add(Event(at=now, actor="inbox", kind=QUARANTINED_EVENT, entity="mail", entity_id=None,
                              data={"mail": mail_key, "reason": reason}))
    # The type only: an exception's text and traceback can quote the reply or the sender.
    log.error("inbox: a mail could not be processed (%s); quarantined for a coordinator", reason)


def is_quarantined(session: Session, mail_key: str) -> bool:
    found = select(Event.id).where(
        Event.kind == QUARANTINED_EVENT, Event.data["mail"].as_string() == mail_key
    )
    return session.exec(found).first() is not None


def quarantined_mail(session: Session) -> list[Event]:
    """The review list's quarantined mail, oldest first."""
    return list(session.exec(select(Event).where(Event.kind == QUARANTINED_EVENT).order_by(col(Event.id))).all())
