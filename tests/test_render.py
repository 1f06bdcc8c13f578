"""Every message renders on every channel, stays inside Slack's limits, and escapes what it shows."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape

from bot import blocks
from bot.render import (
    SLACK_ACTIONS_SHOWN,
    RenderError,
    mrkdwn,
    paginate,
    render,
    truncate_words,
    ukdate,
)
from bot.rules.statuses import ActionStatus, ChannelKind, ReadStatus
from tests.shared_plans import SHARED_PLANS, needs_shared_plans

HOSTILE = 'Stop <script>alert("x")</script> & <!channel> "quoted"\nsecond line *bold* ~gone~ `code`'
PLANS = SHARED_PLANS
ALL_CHANNELS = [ChannelKind.SLACK, ChannelKind.EMAIL, ChannelKind.OUTBOX]


def an_action(n: int = 1, summary: str = "Refresh the training for front desk staff") -> dict[str, Any]:
    return {
        "ref": f"RIV3-{n}a-1",
        "summary": summary,
        "due": date(2026, 12, 31),
        "target_text": "December 2026",
        "days_overdue": 12,
        "status": ActionStatus.IN_PROGRESS,
    }


UNDATED = {"due": None, "target_text": "tbc", "days_overdue": None, "status": ActionStatus.NOT_STARTED}


def request_context(actions: list[dict[str, Any]] | None = None, recipient: str = "Priya Shah") -> dict[str, Any]:
    return {
        "recipient_name": recipient,
        "partnership_name": "Riverside Community Safety Partnership",
        "actions": actions if actions is not None else [an_action(1), an_action(2) | UNDATED],
        "ref_token": "DHR-7f3a",
        "reply_hint": "Please reply by 15 Jan 2027.",
    }


def overdue_row(n: int, agency: str = "Riverside Police") -> dict[str, Any]:
    return {"ref": f"RIV3-{n}-1", "agency": agency, "due": date(2026, 11, 30), "days_overdue": 40,
            "last_chased": date(2027, 1, 4) if n % 2 else None}


def contexts(
    text: str = "Riverside Police", summary: str | None = None, rows: int = 2, recipient: str = "Priya Shah"
) -> dict[str, dict[str, Any]]:
    """A fictional context for every template; `text` goes into agency and scope fields."""
    actions = [an_action(n, summary or f"Audit referral pathway number {n}") for n in range(1, rows + 1)]
    request = request_context(actions, recipient)
    escalation = request | {
        "level": 2, "agency_name": text, "lead_name": "Priya Shah", "chase_count": 3,
        "first_chased": date(2027, 1, 4), "board_name": "Riverside Safer Communities Board",
        "actions": [a | {"last_chased": date(2027, 1, 18)} for a in actions],
    }
    page = paginate([overdue_row(n, text) for n in range(1, rows + 1)], page=1)
    digest_summary = summary or f"Review the referral pathway with {text}"
    return {
        "heads_up": request,
        "chaser": request,
        "board_update_request": request | {
            "board_name": "Riverside Safer Communities Board", "meeting_date": date(2027, 2, 10),
            "reply_by": date(2027, 2, 3)},
        "escalation": escalation,
        "escalation_to_board": escalation | {"level": 3},
        "confirmation": {
            "recipient_name": recipient, "partnership_name": "Riverside Community Safety Partnership",
            "ref_token": "DHR-7f3a", "confirm_value": "update:42",
            "readings": [
                {"ref": "RIV3-1a-1", "status": ReadStatus.COMPLETE, "new_due": None, "evidence": summary},
                {"ref": "RIV3-2a-1", "status": ReadStatus.EXTENSION_REQUESTED, "new_due": date(2027, 4, 30),
                 "evidence": None},
            ] + [{"ref": f"RIV3-{n}-9", "status": "in_progress", "new_due": None, "evidence": None}
                 for n in range(rows)],
        },
        "overdue": {"as_of": date(2027, 1, 12), "scope": text, "query": "overdue --agency Police",
                    "ref_token": "DHR-7f3a", **page.context()},
        "digest": {
            "partnership_name": "Riverside Community Safety Partnership",
            "board_name": "Riverside Safer Communities Board", "meeting_date": date(2027, 2, 10),
            "as_of": date(2027, 2, 1), "since": date(2026, 11, 4), "ref_token": "DHR-7f3a",
            "rag": [{"label": label, "count": count}
                    for label, count in (("Red", 3), ("Amber", 5), ("Green", 9), ("Not chased", 2))],
            "by_agency": [{"name": text, "open": 4, "overdue": 2, "complete": 3, "not_chased": 0}] * rows,
            "by_review": [{"name": "RIV3", "open": 12, "overdue": 3, "complete": 4, "not_chased": 2}],
            "not_chased": [{"ref": f"RIV3-{n}-4", "agency": text, "due": None, "reason": "no lead contact",
                            "summary": digest_summary} for n in range(rows)],
            "overdue": [overdue_row(n, text) | {"summary": digest_summary} for n in range(rows)],
            "no_response": [{"ref": f"RIV3-{n}-1", "agency": text, "last_chased": date(2027, 1, 20),
                             "chase_count": 3, "summary": digest_summary} for n in range(rows)],
            "revised_dates": [{"ref": f"RIV3-{n}-2", "agency": text, "old_due": date(2026, 12, 31),
                               "new_due": date(2027, 4, 30), "summary": digest_summary} for n in range(rows)],
            "completed": [{"ref": f"RIV3-{n}-3", "agency": text, "completed_on": date(2027, 1, 15),
                           "summary": digest_summary} for n in range(rows)],
            "snoozed": [{"ref": f"RIV3-{n}-5", "agency": text, "due": date(2026, 12, 1), "status": "in_progress",
                         "snoozed_until": date(2027, 5, 28), "summary": digest_summary} for n in range(rows)],
        },
        "unowned": {
            "recipient_name": recipient, "partnership_name": "Riverside Community Safety Partnership",
            "ref_token": "DHR-7f3a",
            "actions": [{"ref": f"RIV3-{n}-5", "summary": digest_summary, "agency": "",
                         "reason": "no lead agency"} for n in range(rows)],
        },
    }


def template_of(case: str) -> str:
    return "escalation" if case == "escalation_to_board" else case


CASES = list(contexts())


def render_case(case: str, channel: ChannelKind, **kwargs: Any) -> Any:
    return render(template_of(case), channel, contexts(**kwargs)[case])


def mrkdwn_texts(value: Any) -> Iterator[str]:
    """Every mrkdwn text object anywhere in a block structure."""
    if isinstance(value, dict):
        if value.get("type") == "mrkdwn":
            yield value["text"]
        for inner in value.values():
            yield from mrkdwn_texts(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from mrkdwn_texts(inner)


def buttons(rendered_blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in rendered_blocks if b["type"] == "actions" for e in b["elements"]]


# Every template, every channel ---------------------------------------------------------------


@pytest.mark.parametrize("channel", ALL_CHANNELS)
@pytest.mark.parametrize("case", CASES)
def test_every_message_renders_with_subject_and_text(case: str, channel: ChannelKind) -> None:
    rendered = render_case(case, channel)

    assert rendered.subject and "\n" not in rendered.subject
    assert rendered.text.strip()
    assert (rendered.html is not None) == (channel is not ChannelKind.SLACK)
    assert (rendered.blocks is not None) == (channel is not ChannelKind.EMAIL)


@pytest.mark.parametrize("case", CASES)
def test_slack_output_is_block_kit_shaped(case: str) -> None:
    rendered = render_case(case, ChannelKind.SLACK)

    assert isinstance(rendered.blocks, list) and 0 < len(rendered.blocks) <= 50
    assert all(isinstance(b.get("type"), str) for b in rendered.blocks)
    assert all(len(b["text"]["text"]) <= 3000 for b in rendered.blocks if b["type"] == "section")
    assert {e["action_id"] for e in buttons(rendered.blocks)} <= blocks.BUTTON_ACTION_IDS
    assert blocks.block_kit_problems(rendered.blocks) == []


@pytest.mark.parametrize("case", CASES)
def test_email_is_a_table_layout_with_inline_styles(case: str) -> None:
    html = render_case(case, ChannelKind.EMAIL).html

    assert html.startswith("<!DOCTYPE html>")
    assert 'role="presentation"' in html and "<style" not in html and "class=" not in html


@pytest.mark.parametrize("case", [c for c in CASES if c != "escalation_to_board"])
def test_subject_carries_the_ref_token_so_replies_match(case: str) -> None:
    assert render_case(case, ChannelKind.EMAIL).subject.startswith("[DHR-7f3a] ")


# Escaping ------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_hostile_text_is_escaped_in_html(case: str) -> None:
    rendered = render_case(case, ChannelKind.EMAIL, text=HOSTILE, summary=HOSTILE, recipient=HOSTILE)

    assert "<script>" not in rendered.html and "<!channel>" not in rendered.html
    assert "&lt;script&gt;" in rendered.html


@pytest.mark.parametrize("case", CASES)
def test_hostile_text_cannot_break_slack_json_or_mrkdwn(case: str) -> None:
    rendered = render_case(case, ChannelKind.SLACK, text=HOSTILE, summary=HOSTILE, recipient=HOSTILE)
    texts = list(mrkdwn_texts(rendered.blocks))

    assert not any("<" in t or ">" in t for t in texts)
    assert any("&lt;script&gt;" in t and "&amp;" in t for t in texts)
    assert not any("*bold*" in t or "~gone~" in t for t in texts)
    assert "<" not in rendered.text and "&lt;!channel&gt;" in rendered.text


def test_hostile_summary_keeps_its_quote_in_slack_and_its_words_in_the_mail_text() -> None:
    slack = render_case("chaser", ChannelKind.SLACK, summary=HOSTILE)
    email = render_case("chaser", ChannelKind.EMAIL, summary=HOSTILE)
    section = next(t for t in mrkdwn_texts(slack.blocks) if "RIV3-1a-1" in t)

    assert '"quoted" second line' in section  # the newline folded into the one-line summary
    assert 'Stop <script>alert("x")</script> & <!channel>' in email.text


def test_hostile_text_in_a_subject_stays_on_one_line() -> None:
    context = contexts()["escalation"] | {"agency_name": "Police\r\nBcc: someone@example.org"}

    subject = render("escalation", ChannelKind.EMAIL, context).subject

    assert "\n" not in subject and "\r" not in subject


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_any_summary_gives_valid_slack_blocks_and_escaped_html(summary: str) -> None:
    context = request_context([an_action(1, summary)])

    slack = render("chaser", ChannelKind.SLACK, context)
    email = render("chaser", ChannelKind.EMAIL, context)

    assert blocks.block_kit_problems(slack.blocks) == []
    assert not any("<" in t for t in mrkdwn_texts(slack.blocks))
    assert str(escape(truncate_words(summary))) in email.html


@needs_shared_plans()
def test_summaries_from_real_plans_render_within_slack_limits() -> None:
    texts = [path.read_text(errors="replace") for path in sorted(PLANS.glob("*.txt"))]
    lines = [line for text in texts for line in text.splitlines() if line.strip()]
    chunks = [lines[i : i + SLACK_ACTIONS_SHOWN] for i in range(0, min(len(lines), 2000), SLACK_ACTIONS_SHOWN)]

    for chunk in chunks:
        context = request_context([an_action(n, line) for n, line in enumerate(chunk)])
        rendered = render("chaser", ChannelKind.SLACK, context)
        assert blocks.block_kit_problems(rendered.blocks) == []


# Buttons and content -------------------------------------------------------------------------


def test_chaser_has_three_buttons_per_action_whose_value_is_the_ref() -> None:
    rendered = render_case("chaser", ChannelKind.SLACK)
    rows = [b for b in rendered.blocks if b["type"] == "actions"]

    assert [[e["action_id"] for e in row["elements"]] for row in rows] == [
        [blocks.MARK_COMPLETE, blocks.ADD_UPDATE, blocks.NEED_MORE_TIME]
    ] * 2
    assert [{e["value"] for e in row["elements"]} for row in rows] == [{"RIV3-1a-1"}, {"RIV3-2a-1"}]


def test_board_escalation_has_no_buttons_and_names_the_board() -> None:
    rendered = render_case("escalation_to_board", ChannelKind.SLACK)

    assert buttons(rendered.blocks) == []
    assert "Riverside Safer Communities Board" in rendered.text
    assert "Board escalation" in rendered.subject


def test_manager_escalation_says_the_lead_is_copied_in_only_when_they_are() -> None:
    case = contexts()["escalation"]
    rendered = render("escalation", ChannelKind.EMAIL, case | {"lead_copied": True})
    assert "Priya Shah is copied in" in rendered.text
    assert "copied in" not in render("escalation", ChannelKind.SLACK, case | {"lead_copied": False}).text


def test_an_escalation_to_a_coordinator_says_why_it_came_to_them() -> None:
    case = contexts()["escalation"] | {"recipient_is_coordinator": True}
    text = render("escalation", ChannelKind.EMAIL, case).text
    assert "no manager contact on record" in text and "As the manager contact" not in text


def test_manager_escalation_counts_and_dates_the_chasers() -> None:
    rendered = render("escalation", ChannelKind.EMAIL, contexts()["escalation"])
    assert "3 times since 4 Jan 2027" in rendered.text
    assert "last chased 18 Jan 2027" in rendered.html


def test_email_tells_the_reader_to_reply_in_plain_words_by_ref() -> None:
    rendered = render_case("chaser", ChannelKind.EMAIL)

    assert "reply to this email in plain words" in rendered.html
    assert "RIV3-1a-1 done" in rendered.html
    assert "New date 30 April" in rendered.text and "RIV3-1a-1 done" in rendered.text


def test_chaser_shows_target_text_when_there_is_no_date() -> None:
    rendered = render("chaser", ChannelKind.EMAIL, request_context())

    assert "Target: 31 Dec 2026 (12 days overdue). Status: in progress." in rendered.text
    assert "Target: tbc. Status: not started." in rendered.text


def test_board_update_request_without_a_meeting_date_still_reads_well() -> None:
    context = contexts()["board_update_request"] | {"meeting_date": None, "reply_by": None}

    rendered = render("board_update_request", ChannelKind.EMAIL, context)

    assert "meets soon" in rendered.text and "no date" not in rendered.text


def test_confirmation_reads_back_the_reply_with_confirm_and_reject_buttons() -> None:
    rendered = render_case("confirmation", ChannelKind.SLACK)
    section = next(mrkdwn_texts(rendered.blocks))

    assert "*RIV3-1a-1*: complete" in section and "*RIV3-2a-1*: new date 30 Apr 2027" in section
    assert "Is that right?" in section
    assert [(e["action_id"], e["value"]) for e in buttons(rendered.blocks)] == [
        (blocks.CONFIRM_READING, "update:42"), (blocks.REJECT_READING, "update:42")]


def test_confirmation_mail_asks_for_yes_or_a_correction() -> None:
    rendered = render_case("confirmation", ChannelKind.EMAIL)

    assert "RIV3-2a-1: new date 30 Apr 2027" in rendered.text
    assert 'Reply "Yes" to confirm' in rendered.text


def test_overdue_lists_ref_agency_due_days_and_last_chase() -> None:
    rendered = render_case("overdue", ChannelKind.SLACK)
    texts = list(mrkdwn_texts(rendered.blocks))

    assert "*RIV3-1-1* · Riverside Police\nDue 30 Nov 2026 · 40 days overdue · last chased 4 Jan 2027" in texts
    assert any("last chased never" in t for t in texts)


def test_overdue_with_nothing_overdue_says_so() -> None:
    context = contexts()["overdue"] | paginate([], page=1).context()

    assert "Nothing is overdue." in render("overdue", ChannelKind.SLACK, context).text


def test_digest_counts_by_rag_agency_and_review_and_lists_changes() -> None:
    rendered = render_case("digest", ChannelKind.SLACK)
    texts = "\n".join(mrkdwn_texts(rendered.blocks))

    assert "Red 3 · Amber 5 · Green 9" in texts
    assert "Riverside Police: 4 open, 2 overdue, 3 complete" in texts
    assert "RIV3: 12 open, 3 overdue, 4 complete" in texts
    assert "31 Dec 2026 → 30 Apr 2027" in texts
    assert "*Completed since the last meeting (2)*" in texts
    assert "changes since 4 Nov 2026" in texts


# Long lists ----------------------------------------------------------------------------------


def test_long_chaser_shows_ten_actions_with_buttons_then_the_other_refs() -> None:
    actions = [an_action(n) for n in range(1, 61)]

    slack = render("chaser", ChannelKind.SLACK, request_context(actions))
    email = render("chaser", ChannelKind.EMAIL, request_context(actions))

    assert len(slack.blocks) <= 50 and blocks.block_kit_problems(slack.blocks) == []
    assert len([b for b in slack.blocks if b["type"] == "actions"]) == SLACK_ACTIONS_SHOWN
    assert any(t.startswith("and 50 more: RIV3-11a-1, ") for t in mrkdwn_texts(slack.blocks))
    assert len(slack.text) < 4000
    assert all(f"RIV3-{n}a-1" in email.html for n in range(1, 61))


def test_an_endless_summary_is_cut_to_fit() -> None:
    rendered = render("chaser", ChannelKind.SLACK, request_context([an_action(1, "x" * 5000)]))

    assert blocks.block_kit_problems(rendered.blocks) == []
    assert max(len(t) for t in mrkdwn_texts(rendered.blocks)) < 400


def test_overdue_pages_have_previous_and_next_buttons_carrying_the_query() -> None:
    rows = [overdue_row(n) for n in range(1, 201)]
    context = contexts()["overdue"] | paginate(rows, page=2).context()

    rendered = render("overdue", ChannelKind.SLACK, context)
    pager = buttons(rendered.blocks)

    assert blocks.block_kit_problems(rendered.blocks) == []
    assert "page 2 of 10" in rendered.text
    assert [b["action_id"] for b in pager] == [blocks.OVERDUE_PREV_PAGE, blocks.OVERDUE_NEXT_PAGE]
    assert [blocks.read_page_button_value(b["value"]) for b in pager] == [
        (1, "overdue --agency Police"), (3, "overdue --agency Police")]


def test_last_overdue_page_has_no_next_button() -> None:
    context = contexts()["overdue"] | paginate([overdue_row(n) for n in range(45)], page=3).context()

    pager = buttons(render("overdue", ChannelKind.SLACK, context).blocks)

    assert [blocks.read_page_button_value(b["value"])[0] for b in pager] == [2]


def test_paginate_clamps_a_page_past_the_end() -> None:
    page = paginate(list(range(45)), page=99, per_page=20)

    assert (page.page, page.page_count, page.total, page.actions) == (3, 3, 45, list(range(40, 45)))


def test_an_unpaged_overdue_list_is_still_cut_to_fit_slack() -> None:
    context = contexts()["overdue"] | {"actions": [overdue_row(n) for n in range(300)], "total": 300}

    rendered = render("overdue", ChannelKind.SLACK, context)

    assert blocks.block_kit_problems(rendered.blocks) == []
    assert "and 280 more actions not shown" in list(mrkdwn_texts(rendered.blocks))


def test_long_digest_fits_slack_and_the_mail_has_everything() -> None:
    slack = render_case("digest", ChannelKind.SLACK, rows=150)
    email = render_case("digest", ChannelKind.EMAIL, rows=150)

    assert blocks.block_kit_problems(slack.blocks) == []
    assert any("and 140 more (see the full digest)" in t for t in mrkdwn_texts(slack.blocks))
    assert "RIV3-149-3" in email.html and "RIV3-149-3" not in slack.text


# Errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize("channel", ALL_CHANNELS)
def test_missing_context_names_the_template_and_the_key(channel: ChannelKind) -> None:
    context = request_context()
    del context["recipient_name"]

    with pytest.raises(RenderError, match=r"chaser.*'recipient_name' is undefined"):
        render("chaser", channel, context)


def test_missing_key_in_an_action_names_the_template_and_line() -> None:
    action = an_action(1)
    del action["status"]

    with pytest.raises(RenderError, match=r"chaser\.\w+(\.\w+)?\.j2.*line \d+.*status"):
        render("chaser", ChannelKind.SLACK, request_context([action]))


def test_unknown_template_is_a_clear_error() -> None:
    with pytest.raises(RenderError, match="no template 'reminder.subject.j2'"):
        render("reminder", ChannelKind.EMAIL, {})


@pytest.mark.parametrize("name", ["../secrets", "Chaser", "chaser.txt", ""])
def test_a_name_that_is_not_a_template_name_is_refused(name: str) -> None:
    with pytest.raises(RenderError, match="not a template name"):
        render(name, ChannelKind.EMAIL, {})


def test_a_context_kind_that_disagrees_with_the_template_is_refused() -> None:
    with pytest.raises(RenderError, match="does not match"):
        render("chaser", ChannelKind.EMAIL, request_context() | {"kind": "heads_up"})


def test_a_datetime_where_a_date_belongs_is_refused() -> None:
    action = an_action(1) | {"due": datetime(2026, 12, 31, 23, 30, tzinfo=UTC)}

    with pytest.raises(RenderError, match="ukdate wants a local date"):
        render("chaser", ChannelKind.EMAIL, request_context([action]))


# Filters -------------------------------------------------------------------------------------


def test_ukdate_writes_day_short_month_year() -> None:
    assert ukdate(date(2026, 12, 31)) == "31 Dec 2026"
    assert ukdate("2027-04-05") == "5 Apr 2027"
    assert ukdate(None) == "no date" and ukdate(None, "never") == "never"


def test_truncate_words_keeps_25_words_on_one_line() -> None:
    text = " ".join(f"w{n}" for n in range(40)) + "\nmore"

    cut = truncate_words(text)

    assert cut.split()[:25] == [f"w{n}" for n in range(25)] and cut.endswith("\u2026")
    assert "\n" not in cut and truncate_words("short text") == "short text"


def test_mrkdwn_escapes_what_slack_requires_and_shows_markers_as_written() -> None:
    assert mrkdwn("A & B <@U0PRIYA>") == "A &amp; B &lt;@U0PRIYA&gt;"
    assert "*" not in mrkdwn("*bold*") and re.fullmatch(r".bold.", mrkdwn("*bold*"))



def test_undeliverable_notice_renders_for_every_channel_and_escapes_what_it_quotes() -> None:
    context = {"recipient_name": "Morgan Blake", "partnership_name": "Riverside Community Safety Partnership",
               "ref_token": "DHR-0a1b2c3d",
               "problems": [{"id": 7, "kind": "chaser", "channel": "slack", "error": "users_not_found",
                             "recipient": "<script>Grace</script> & co", "refs": ["RIV3-2-1"]}]}
    slack = render("undeliverable", ChannelKind.SLACK, context)
    email = render("undeliverable", ChannelKind.EMAIL, context)
    assert "[DHR-0a1b2c3d]" in email.subject and "1 message" in email.subject
    assert "&lt;script&gt;" in (email.html or "") and "<script>" not in (email.html or "")
    assert slack.blocks and "dhr outbox retry" in slack.text and "ids: 7" in slack.text


# Slack and mail each in their own words ---------------------------------------------------------


@pytest.mark.parametrize("case", ["heads_up", "chaser", "board_update_request", "escalation", "confirmation"])
def test_slack_never_asks_for_a_reply_to_an_email(case: str) -> None:
    rendered = render_case(case, ChannelKind.SLACK)
    assert "email" not in rendered.text.lower()
    assert "email" not in " ".join(mrkdwn_texts(rendered.blocks)).lower()


def test_the_outbox_keeps_the_lead_copied_in_on_the_mail_and_not_in_its_slack_rendering() -> None:
    rendered = render("escalation", ChannelKind.OUTBOX, contexts()["escalation"] | {"lead_copied": True})

    assert "Priya Shah is copied in." in rendered.text and "Priya Shah is copied in." in (rendered.html or "")
    assert "copied in" not in " ".join(mrkdwn_texts(rendered.blocks))


@pytest.mark.parametrize("case", ["heads_up", "chaser", "board_update_request", "escalation", "unowned",
                                  "confirmation"])
def test_every_message_about_actions_names_their_review_by_code(case: str) -> None:
    for channel in ALL_CHANNELS:
        rendered = render_case(case, channel)
        assert "review RIV3" in rendered.text, channel
    assert "RIV3" in render_case("digest", ChannelKind.EMAIL).subject
    assert "RIV3" in render_case("unowned", ChannelKind.EMAIL).subject


def test_the_digest_shows_work_nobody_is_chased_about_apart_from_green() -> None:
    rendered = render_case("digest", ChannelKind.EMAIL)

    assert "Red 3 · Amber 5 · Green 9 · Not chased 2" in rendered.text
    assert "Not being chased (no lead agency / no lead contact) (2):" in rendered.text
    assert "- RIV3-0-4 Review the referral pathway with Riverside Police · Riverside Police · no lead contact" \
        in rendered.text
    assert "Not being chased" in (rendered.html or "")


# A queued message keeps its context, and the sending transport renders it (bot.render.context_to_json).


def _through_the_database(context: dict[str, Any]) -> dict[str, Any]:
    import json

    from bot.render import context_from_json, context_to_json

    return context_from_json(json.loads(json.dumps(context_to_json(context))))


@pytest.mark.parametrize("channel", ALL_CHANNELS)
@pytest.mark.parametrize("name", ["chaser", "heads_up"])
def test_a_stored_context_renders_the_same_bytes(name: str, channel: ChannelKind) -> None:
    actions = [an_action(1) | {"status": "in_progress"}, an_action(2) | UNDATED | {"status": "not_started"}]
    context = request_context(actions)
    assert render(name, channel, _through_the_database(context)) == render(name, channel, context)


def test_a_stored_escalation_context_keeps_its_dates() -> None:
    context = request_context([an_action(1) | {"status": "blocked", "last_chased": date(2026, 12, 1)}]) | {
        "level": 2, "agency_name": "Riverside Police", "lead_name": "Priya Shah", "chase_count": 2,
        "first_chased": date(2026, 11, 20), "board_name": "Board", "lead_copied": True,
        "recipient_is_coordinator": False,
    }
    stored = _through_the_database(context)
    assert stored["first_chased"] == date(2026, 11, 20) and stored["actions"][0]["last_chased"] == date(2026, 12, 1)
    assert render("escalation", ChannelKind.EMAIL, stored) == render("escalation", ChannelKind.EMAIL, context)


@pytest.mark.parametrize("value", [datetime(2026, 12, 1, 10, tzinfo=UTC), ActionStatus.BLOCKED, {1, 2},
                                   {"$date": "2026-12-01"}])
def test_a_context_json_would_not_bring_back_as_it_was_is_refused(value: object) -> None:
    from bot.render import context_to_json

    with pytest.raises(RenderError):
        context_to_json(request_context() | {"extra": value})
