"""What a coordinator should do about a message the bot gave up on, from the service's error code."""

from __future__ import annotations

#: The bot user's name in the manifest (slack/manifest.yml), for the /invite hint.
BOT_NAME = "dhr-chaser"
_UNCLEAR = "unclear:"


def advice_for(last_error: str | None, channel: str, address: str | None) -> str:
    """The error code, with what to do when there is something a coordinator can do.

    Slack refuses a post to a channel the bot has not joined with `not_in_channel` (and a private
    channel it cannot see with `channel_not_found`): the fix is to invite the bot, not to retry.
    """
    code = (last_error or "unknown error").removeprefix(_UNCLEAR)
    if channel == "slack" and address and address[:1] in {"C", "G"}:
        if code == "not_in_channel":
            return (f"not_in_channel: the bot is not a member of that channel; invite it (type "
                    f"/invite @{BOT_NAME} in the channel, Slack id {address}), then retry")
        if code == "channel_not_found":
            return (f"channel_not_found: check the channel id {address}; if it is a private channel, "
                    f"invite the bot (/invite @{BOT_NAME} in the channel), then retry")
        if code == "is_archived":
            return f"is_archived: the channel {address} is archived; set another board channel, then retry"
    return code
