from __future__ import annotations

from tests.fakes.fixtures import fake_microsoft, fake_slack, graph_client, slack_client  # noqa: F401
