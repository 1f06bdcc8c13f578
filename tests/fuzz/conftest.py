"""The inbox's and the Slack endpoint's fixtures, for fuzzing them whole."""

from tests.inbox.conftest import fake_microsoft, mail_clock, mailroom, outlook_settings  # noqa: F401
from tests.slack.conftest import fake_slack, graph_client, slack, slack_settings  # noqa: F401
