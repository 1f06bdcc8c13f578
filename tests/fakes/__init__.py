"""Local stand-ins for Slack and Microsoft, served on 127.0.0.1 so no test reaches the internet."""
