"""Outlook mail transport: create a draft through Graph, then send it.

An answer to a received mail (Envelope.reply_to_graph_message_id) is drafted with createReply
so it threads under that mail in Outlook. Drafting first (rather than sendMail) is what gives
us the message's ids: sendMail answers 202 with no body. internetMessageId is the durable key
for matching replies; the Graph id changes when the draft moves to Sent Items.

Every draft carries our DhrMessageKey extended property (bot.channels.graph), which survives the
send; after a crash `find_sent` looks for it in Sent Items with a $filter. The Sent Items copy
may appear minutes after /send answered 202, so a missing copy within `sent_copy_hold` of the
attempt means "ask again later" (SendUnconfirmed), never "send again".
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.channels.base import DeliveryError, Envelope, Receipt
from bot.channels.graph import ATTACHMENT_POST_LIMIT, DOCX_TYPE, GraphClient, message_key
from bot.channels.recovery import SendUnconfirmed, Verdict, unconfirmed_send
from bot.rules.statuses import ChannelKind

log = logging.getLogger(__name__)

#: Long enough for Exchange to file a submitted mail in Sent Items on a busy day.
DEFAULT_SENT_COPY_HOLD = timedelta(minutes=10)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class OutlookChannel:
    kind: ChannelKind = ChannelKind.EMAIL

    def __init__(
        self,
        graph: GraphClient,
        *,
        sent_copy_hold: timedelta = DEFAULT_SENT_COPY_HOLD,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.graph = graph
        self.sent_copy_hold = sent_copy_hold
        self._clock = clock

    def send(self, envelope: Envelope) -> Receipt:
        draft = self._draft(envelope)
        draft_id = str(draft["id"])
        try:
            self._attach(draft_id, envelope)
        except DeliveryError:
            _delete_quietly(self.graph, draft_id)  # never sent: a retry drafts afresh
            raise
        try:
            self.graph.send_message(draft_id)
        except DeliveryError as error:
            if error.permanent or error.rate_limited:
                # Refused outright (a bad recipient, a 429): nothing went out, and a retry creates
                # a fresh draft, so don't leave this one behind in Drafts. After a timeout or a 5xx
                # the send may have been accepted: the draft is left for find_sent to judge.
                _delete_quietly(self.graph, draft_id)
            raise
        return Receipt(
            graph_message_id=draft_id,
            conversation_id=draft.get("conversationId"),
            internet_message_id=draft.get("internetMessageId"),
        )

    def probe(self) -> None:
        self.graph.probe()

    def _draft(self, envelope: Envelope) -> dict[str, Any]:
        """A reply draft when we answer a received mail (it threads in Outlook), else a new one.

        The mail answered may be gone (deleted by a person): then the answer goes as a new mail.
        """
        if envelope.reply_to_graph_message_id:
            try:
                return self.graph.create_reply(envelope.reply_to_graph_message_id, envelope)
            except DeliveryError as error:
                if error.code != "ErrorItemNotFound":
                    raise
        return self.graph.create_message(envelope)

    def _attach(self, draft_id: str, envelope: Envelope) -> None:
        """The envelope's file, when it is there and small enough for one request; else the mail goes without."""
        if not envelope.attachment_path:
            return
        path = Path(envelope.attachment_path)
        try:
            content = path.read_bytes()
        except OSError:
            log.warning("message %s: attachment missing, sent without it", envelope.message_id)
            return
        if len(content) >= ATTACHMENT_POST_LIMIT:
            log.warning("message %s: attachment of %d bytes is too big to attach, sent without it",
                        envelope.message_id, len(content))
            return
        content_type = DOCX_TYPE if path.suffix.lower() == ".docx" else "application/octet-stream"
        self.graph.add_file_attachment(draft_id, path.name, content, content_type)

    def find_sent(self, envelope: Envelope, since: datetime) -> Receipt | None:
        """The mail if its last attempt (begun at `since`) went out after all.

        Raises SendUnconfirmed while its Sent Items copy may still be on the way. Once that hold
        has passed with no copy, drafts the attempt left behind are removed and None is returned:
        the outbox sends afresh.
        """
        key = message_key(envelope)
        copies = self.graph.find_by_key("sentitems", key)
        verdict = unconfirmed_send(bool(copies), since, self._clock(), self.sent_copy_hold)
        if verdict is Verdict.SENT:
            sent = copies[0]
            return Receipt(
                graph_message_id=sent.get("id"),
                conversation_id=sent.get("conversationId"),
                internet_message_id=sent.get("internetMessageId"),
            )
        if verdict is Verdict.WAIT:
            raise SendUnconfirmed((since + self.sent_copy_hold - self._clock()).total_seconds())
        for draft in self.graph.find_by_key("drafts", key):
            _delete_quietly(self.graph, str(draft["id"]))
        return None


def _delete_quietly(graph: GraphClient, draft_id: str) -> None:
    with contextlib.suppress(DeliveryError):  # best effort: an orphaned draft is untidy, never a duplicate mail
        graph.delete_message(draft_id)
