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


#: What fixes each refused credential (bot.channels.base.is_credential_outage), for the coordinators' alert.
_OUTAGE_ADVICE = {
    "invalid_auth": "Slack does not accept the bot token: check SLACK_BOT_TOKEN against the app's OAuth page "
                    "(api.slack.com/apps), set the right one and restart the bot",
    "not_authed": "the bot has no Slack token: set SLACK_BOT_TOKEN and restart the bot",
    "token_revoked": "the Slack app was removed or its token revoked: reinstall the app to the workspace, "
                     "then set the new SLACK_BOT_TOKEN and restart the bot",
    "account_inactive": "the Slack workspace or the app's bot user was deleted: reinstall the app, "
                        "then set the new SLACK_BOT_TOKEN and restart the bot",
    "token_expired": "the Slack token expired (token rotation is on): turn rotation off for the bot token or "
                     "set a fresh SLACK_BOT_TOKEN, and restart the bot",
    "AADSTS7000222": "the app's client secret has expired: add a new secret under Certificates & secrets of the "
                     "app registration in Microsoft Entra ID, set MS_CLIENT_SECRET to it and restart the bot",
    "AADSTS7000215": "Microsoft does not accept the app's client secret: check MS_CLIENT_SECRET (the secret's "
                     "value, not its id) against the app registration, and restart the bot",
    "invalid_client": "Microsoft does not accept the app's credentials: check MS_CLIENT_ID and MS_CLIENT_SECRET "
                      "against the app registration, and restart the bot",
    "unauthorized_client": "Microsoft does not know the app: check MS_TENANT_ID and MS_CLIENT_ID",
    "InvalidAuthenticationToken": "Microsoft Graph refused the bot's access token: check the app registration "
                                  "and its secret in Microsoft Entra ID",
    "ErrorAccessDenied": "the app may no longer use the mailbox: check its Mail.Send and Mail.ReadWrite "
                         "application permissions, admin consent and any application access policy",
}


def outage_advice(code: str) -> str:
    """What a coordinator (or whoever holds the keys) does about a refused credential."""
    return _OUTAGE_ADVICE.get(code.removeprefix(_UNCLEAR), "check the bot's credentials for this service")
