"""Reading what people write back (a Slack thread reply, a mail body): pure text in, a reading out."""
