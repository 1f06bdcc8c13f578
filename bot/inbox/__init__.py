"""The bot's Outlook inbox: pure rules for what a mail is and answers (rules.py), and the poll that reads
Graph and records replies (poll.py)."""
