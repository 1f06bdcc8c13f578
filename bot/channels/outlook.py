"""Outlook mail transport: create a draft through Graph, then send it.

Drafting first (rather than sendMail) is what gives us the message's ids: sendMail answers 202
with no body. internetMessageId is the durable key for matching replies; the Graph id changes
when the draft moves to Sent Items.
"""

from __future__ import annotations

import contextlib
from datetime import datetime

from bot.channels.base import MESSAGE_ID_HEADER, DeliveryError, Envelope, Receipt
from bot.channels.graph import GraphClient
from bot.rules.statuses import ChannelKind


class OutlookChannel:
    kind: ChannelKind = ChannelKind.EMAIL

    def __init__(self, graph: GraphClient) -> None:
        self.graph = graph

    def send(self, envelope: Envelope) -> Receipt:
        draft = self.graph.create_message(envelope)
        draft_id = str(draft["id"])
        try:
            self.graph.send_message(draft_id)
        except DeliveryError:
            # A retry creates a fresh draft; don't leave this one behind in Drafts.
            _delete_quietly(self.graph, draft_id)
            raise
        return Receipt(
            graph_message_id=draft_id,
            conversation_id=draft.get("conversationId"),
            internet_message_id=draft.get("internetMessageId"),
        )


    def find_sent(self, envelope: Envelope, since: datetime) -> Receipt | None:  # noqa: ARG002 (the protocol's)
        """The mail if it went out after all: Sent Items is searched for our message-id header."""
        wanted = str(envelope.message_id)
        for sent in self.graph.recent_sent():
            headers = {h.get("name", "").lower(): h.get("value") for h in sent.get("internetMessageHeaders") or []}
            if headers.get(MESSAGE_ID_HEADER) == wanted:
                return Receipt(
                    graph_message_id=sent.get("id"),
                    conversation_id=sent.get("conversationId"),
                    internet_message_id=sent.get("internetMessageId"),
                )
        return None


def _delete_quietly(graph: GraphClient, draft_id: str) -> None:
    # Best effort: an orphaned draft is untidy, never a duplicate mail.
    with contextlib.suppress(DeliveryError):
        graph.delete_message(draft_id)
