"""Pure decision rules: no database, no network, no clock. Each takes `now` (or `today`) as an argument.

Everything the bot decides about time (working days, due dates), chasing and escalation lives here, so
that it can be tested with plain values.
"""
