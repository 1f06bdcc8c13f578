"""Delivery transports: Slack, Outlook (Microsoft Graph) and the outbox folder, behind one small interface.

See `bot.channels.base` for `Envelope`, `Receipt`, `DeliveryError` and the `Channel` protocol.
"""
