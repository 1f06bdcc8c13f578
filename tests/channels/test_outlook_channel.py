from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.channels.base import DeliveryError, Envelope
from bot.channels.graph import GraphClient
from bot.channels.outlook import OutlookChannel
from tests.fakes.microsoft import FakeMicrosoft


def chaser(**overrides: Any) -> Envelope:
    values: dict[str, Any] = {
        "message_id": 17,
        "kind": "chaser",
        "to_address": "sam.boateng@probation.example.org",
        "to_name": "Sam Boateng",
        "cc": ("morgan.blake@riverside.example.gov.uk",),
        "subject": "RIV3: 2 actions overdue",
        "text": "RIV3-6-1 and RIV3-6-2 are overdue. Please reply with an update.",
        "html": "<p>RIV3-6-1 and RIV3-6-2 are overdue. Please reply with an update.</p>",
        "blocks": None,
        "ref_token": "DHR-7f3a",
    }
    return Envelope(**{**values, **overrides})


def test_token_is_fetched_once_and_reused_across_two_sends(
    fake_microsoft: FakeMicrosoft, graph_client: GraphClient
) -> None:
    channel = OutlookChannel(graph_client)

    channel.send(chaser())
    channel.send(chaser(message_id=18))

    assert fake_microsoft.token_requests == 1
    assert len(fake_microsoft.sent) == 2


def test_send_drafts_then_sends_and_returns_the_ids_replies_will_be_matched_on(
    fake_microsoft: FakeMicrosoft, graph_client: GraphClient
) -> None:
    receipt = OutlookChannel(graph_client).send(chaser())

    assert [c.operation for c in fake_microsoft.calls if c.operation in {"create_message", "send"}] == [
        "create_message",
        "send",
    ]
    sent = fake_microsoft.sent[0]
    assert receipt.internet_message_id == sent["internetMessageId"]
    assert receipt.conversation_id == sent["conversationId"]
    assert receipt.graph_message_id
    assert sent["subject"] == "[DHR-7f3a] RIV3: 2 actions overdue"
    assert sent["body"] == {"contentType": "html", "content": chaser().html}
    assert sent["toRecipients"] == [
        {"emailAddress": {"address": "sam.boateng@probation.example.org", "name": "Sam Boateng"}}
    ]
    assert sent["ccRecipients"] == [{"emailAddress": {"address": "morgan.blake@riverside.example.gov.uk"}}]
    assert {"name": "x-dhr-ref", "value": "DHR-7f3a"} in sent["internetMessageHeaders"]
    assert fake_microsoft.folder_messages("drafts") == []


def test_inbox_delta_sees_a_reply_and_the_stored_link_then_sees_only_new_mail(
    fake_microsoft: FakeMicrosoft, graph_client: GraphClient
) -> None:
    receipt = OutlookChannel(graph_client).send(chaser())
    fake_microsoft.deliver_reply(
        receipt.internet_message_id or "", "sam.boateng@probation.example.org", "Both done; evidence attached."
    )

    first, link = graph_client.inbox_delta()

    assert len(first) == 1
    reply = graph_client.get_message(first[0]["id"])
    headers = {h["name"]: h["value"] for h in reply["internetMessageHeaders"]}
    assert headers["In-Reply-To"] == receipt.internet_message_id
    assert reply["conversationId"] == receipt.conversation_id
    assert reply["uniqueBody"] == {"contentType": "text", "content": "Both done; evidence attached."}

    later = fake_microsoft.deliver_mail("grace.lin@riverside.example.gov.uk", "Housing update", "Training booked.")
    second, _ = graph_client.inbox_delta(link)

    assert [m["internetMessageId"] for m in second] == [later["internetMessageId"]]


def test_inbox_delta_follows_next_links_to_the_end(fake_microsoft: FakeMicrosoft, graph_client: GraphClient) -> None:
    for number in range(5):
        fake_microsoft.deliver_mail("tom.okafor@rht.example.org", f"Update {number}", "In progress.")

    messages, _ = graph_client.inbox_delta(page_size=2)

    assert [m["subject"] for m in messages] == [f"Update {n}" for n in range(5)]
    assert len(fake_microsoft.graph_calls("delta")) == 3


def test_expired_delta_link_restarts_a_full_sync(fake_microsoft: FakeMicrosoft, graph_client: GraphClient) -> None:
    fake_microsoft.deliver_mail("tom.okafor@rht.example.org", "Update", "In progress.")
    _, link = graph_client.inbox_delta()
    fake_microsoft.deliver_mail("grace.lin@riverside.example.gov.uk", "Housing update", "Training booked.")
    fake_microsoft.expire_delta_links()

    messages, new_link = graph_client.inbox_delta(link)

    assert {m["subject"] for m in messages} == {"Update", "Housing update"}
    assert [c.status for c in fake_microsoft.graph_calls("delta")][-2:] == [410, 200]
    assert graph_client.inbox_delta(new_link)[0] == []


def test_throttled_send_is_transient_with_retry_after_and_leaves_no_draft(
    fake_microsoft: FakeMicrosoft, graph_client: GraphClient
) -> None:
    fake_microsoft.fail_next("send", status=429, retry_after=30)

    with pytest.raises(DeliveryError) as caught:
        OutlookChannel(graph_client).send(chaser())

    assert caught.value.permanent is False
    assert caught.value.retry_after == 30
    assert fake_microsoft.sent == []
    assert fake_microsoft.folder_messages("drafts") == []


def test_unavailable_graph_during_delta_is_transient(fake_microsoft: FakeMicrosoft, graph_client: GraphClient) -> None:
    fake_microsoft.fail_next("delta", status=503, retry_after=5)

    with pytest.raises(DeliveryError) as caught:
        graph_client.inbox_delta()

    assert (caught.value.permanent, caught.value.retry_after) == (False, 5)


def test_invalid_recipient_is_permanent(fake_microsoft: FakeMicrosoft, graph_client: GraphClient) -> None:
    fake_microsoft.invalid_recipients.add("sam.boateng@probation.example.org")

    with pytest.raises(DeliveryError) as caught:
        OutlookChannel(graph_client).send(chaser())

    assert caught.value.permanent is True
    assert caught.value.code == "ErrorInvalidRecipients"


def test_wrong_client_secret_is_a_credential_outage(fake_microsoft: FakeMicrosoft) -> None:
    fake = fake_microsoft
    graph = GraphClient(
        fake.tenant_id, fake.client_id, "wrong-secret", fake.authority_url, fake.graph_url, fake.mailbox,
        verify=fake.ca_path,
    )

    with pytest.raises(DeliveryError) as caught:
        OutlookChannel(graph).send(chaser())

    assert caught.value.permanent is True
    assert caught.value.code == "AADSTS7000215"  # the number from `error_codes`, not the OAuth error
    assert caught.value.outage is True  # the outbox pauses mail instead of giving up on this message
    assert fake.sent == []


def test_an_expired_secret_is_an_outage_until_renewed_and_the_probe_asks_the_token_endpoint_afresh(
    fake_microsoft: FakeMicrosoft, graph_client: GraphClient
) -> None:
    channel = OutlookChannel(graph_client)
    channel.send(chaser())  # a token in msal's cache, valid for an hour
    fake_microsoft.expire_client_secret(7000222)
    asked_before = fake_microsoft.token_requests

    with pytest.raises(DeliveryError) as caught:
        channel.probe()
    fake_microsoft.renew_client_secret()
    channel.probe()

    assert (caught.value.code, caught.value.outage) == ("AADSTS7000222", True)
    assert fake_microsoft.token_requests == asked_before + 2  # the cached token proved nothing


def test_a_refused_access_token_is_an_outage_and_the_next_call_fetches_a_new_one(
    fake_microsoft: FakeMicrosoft, graph_client: GraphClient
) -> None:
    channel = OutlookChannel(graph_client)
    channel.send(chaser())
    fake_microsoft.revoke_tokens()

    with pytest.raises(DeliveryError) as caught:
        channel.send(chaser(message_id=2))
    channel.probe()
    channel.send(chaser(message_id=3))

    assert (caught.value.code, caught.value.outage) == ("InvalidAuthenticationToken", True)
    assert len(fake_microsoft.sent) == 2


def test_mailbox_access_withdrawn_is_an_outage(fake_microsoft: FakeMicrosoft, graph_client: GraphClient) -> None:
    fake_microsoft.fail_next("get_folder", status=403, code="ErrorAccessDenied")

    with pytest.raises(DeliveryError) as caught:
        OutlookChannel(graph_client).probe()

    assert (caught.value.code, caught.value.outage) == ("ErrorAccessDenied", True)


def test_client_built_from_settings_alone_trusts_the_fake_through_the_environment(
    fake_microsoft: FakeMicrosoft,
) -> None:
    env = fake_microsoft.env()
    graph = GraphClient(
        env["MS_TENANT_ID"], env["MS_CLIENT_ID"], env["MS_CLIENT_SECRET"], env["MS_AUTHORITY_URL"],
        env["GRAPH_API_URL"], env["DHR_MAILBOX"],
    )

    receipt = OutlookChannel(graph).send(chaser())

    assert receipt.internet_message_id == fake_microsoft.sent[0]["internetMessageId"]


def test_attachments_are_listed_by_name(fake_microsoft: FakeMicrosoft, graph_client: GraphClient) -> None:
    receipt = OutlookChannel(graph_client).send(chaser())
    reply = fake_microsoft.deliver_reply(
        fake_microsoft.sent[0], "sam.boateng@probation.example.org", "Evidence attached.",
        attachments=("training-register.xlsx", ("policy-v2.pdf", b"%PDF-1.4 fictional")),
    )

    assert receipt.internet_message_id
    assert graph_client.list_attachments(reply["id"]) == ["training-register.xlsx", "policy-v2.pdf"]


def test_handled_mail_is_marked_read_and_filed_in_one_dhr_folder(
    fake_microsoft: FakeMicrosoft, graph_client: GraphClient
) -> None:
    first = fake_microsoft.deliver_mail("tom.okafor@rht.example.org", "Update", "In progress.")
    second = fake_microsoft.deliver_mail("grace.lin@riverside.example.gov.uk", "Housing update", "Done.")

    graph_client.mark_read(first["id"])
    moved = graph_client.move_to(first["id"])
    graph_client.move_to(second["id"])

    assert moved["isRead"] is True
    assert moved["internetMessageId"] == first["internetMessageId"]
    assert fake_microsoft.folder_messages("inbox") == []
    assert fake_microsoft.folder_names().count("DHR handled") == 1
    assert len(fake_microsoft.graph_calls("create_folder")) == 1


def test_login_outage_is_transient(fake_microsoft: FakeMicrosoft, graph_client: GraphClient) -> None:
    fake_microsoft.fail_next("token", status=503, retry_after=2)

    with pytest.raises(DeliveryError) as caught:
        OutlookChannel(graph_client).send(chaser())

    assert caught.value.permanent is False
    assert fake_microsoft.sent == []


def test_a_fractional_retry_after_is_honoured_as_given(
    fake_microsoft: FakeMicrosoft, graph_client: GraphClient
) -> None:
    fake_microsoft.fail_next("send", status=429, retry_after=1.5)
    with pytest.raises(DeliveryError) as caught:
        OutlookChannel(graph_client).send(chaser())
    assert caught.value.rate_limited and caught.value.retry_after == 1.5


def _received_mail(fake_microsoft: FakeMicrosoft) -> dict[str, Any]:
    return fake_microsoft.deliver_mail(
        "sam.boateng@probation.example.org", "RIV3 update", "RIV3-6-1 is done, I think.", {}, []
    )


def test_an_answer_to_a_received_mail_goes_as_a_reply_in_its_conversation(
    fake_microsoft: FakeMicrosoft, graph_client: GraphClient
) -> None:
    received = _received_mail(fake_microsoft)

    receipt = OutlookChannel(graph_client).send(chaser(kind="confirmation", reply_to_graph_message_id=received["id"]))

    [sent] = fake_microsoft.sent
    assert receipt.conversation_id == received["conversationId"] == sent["conversationId"]
    assert {"name": "In-Reply-To", "value": received["internetMessageId"]} in sent["internetMessageHeaders"]
    assert sent["subject"] == "[DHR-7f3a] RIV3: 2 actions overdue"
    assert sent["body"] == {"contentType": "html", "content": chaser().html}
    assert [r["emailAddress"]["address"] for r in sent["toRecipients"]] == ["sam.boateng@probation.example.org"]


def test_a_reply_that_went_out_before_a_crash_is_found_by_its_extended_property(
    fake_microsoft: FakeMicrosoft, graph_client: GraphClient
) -> None:
    received = _received_mail(fake_microsoft)
    envelope = chaser(kind="confirmation", reply_to_graph_message_id=received["id"])
    fake_microsoft.mail.sent_copy_delay = timedelta(0)  # the copy is already in Sent Items when we look
    begun = datetime.now(UTC)
    OutlookChannel(graph_client).send(envelope)

    found = OutlookChannel(graph_client).find_sent(envelope, begun)

    assert found is not None and found.conversation_id == received["conversationId"]


def test_an_answer_to_a_mail_deleted_meanwhile_goes_as_a_new_mail(
    fake_microsoft: FakeMicrosoft, graph_client: GraphClient
) -> None:
    received = _received_mail(fake_microsoft)
    graph_client.delete_message(received["id"])

    OutlookChannel(graph_client).send(chaser(kind="confirmation", reply_to_graph_message_id=received["id"]))

    [sent] = fake_microsoft.sent
    assert sent["conversationId"] != received["conversationId"]
    assert sent["toRecipients"][0]["emailAddress"]["address"] == "sam.boateng@probation.example.org"


def test_a_file_too_big_for_one_request_is_left_off_and_the_mail_still_goes(
    fake_microsoft: FakeMicrosoft, graph_client: GraphClient, tmp_path: Path
) -> None:
    big = tmp_path / "digest.docx"
    big.write_bytes(b"\0" * (3 * 1024 * 1024))

    OutlookChannel(graph_client).send(chaser(kind="digest", attachment_path=str(big)))

    [sent] = fake_microsoft.sent
    assert sent["attachments"] == [] and fake_microsoft.graph_calls("add_attachment") == []
