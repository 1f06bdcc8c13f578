"""pytest fixtures that start the fakes. Use them from a conftest.py:

    from tests.fakes.fixtures import fake_microsoft, fake_slack, graph_client, slack_client  # noqa: F401

or list the module in the root conftest: `pytest_plugins = ["tests.fakes.fixtures"]`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from bot.channels.graph import GraphClient
from bot.channels.slack import make_slack_client
from tests.fakes.microsoft import FakeMicrosoft
from tests.fakes.slack_api import FakeSlackApi

SLACK_TEST_TOKEN = "xoxb-riverside-test"

#: The fictional Riverside people who have Slack accounts (see config/contacts.example.csv).
RIVERSIDE_SLACK_USERS = (
    ("U0PRIYA", "priya.shah@police.example.org", "Priya Shah"),
    ("U0TOM", "tom.okafor@rht.example.org", "Tom Okafor"),
    ("U0GRACE", "grace.lin@riverside.example.gov.uk", "Grace Lin"),
    ("U0ELLIS", None, "Dr Ellis Reed"),
    ("U0DANA", None, "Dana Hughes"),
    ("U0MORGAN", "morgan.blake@riverside.example.gov.uk", "Morgan Blake"),
)


@pytest.fixture
def fake_slack() -> Iterator[FakeSlackApi]:
    """A started fake Slack Web API with the Riverside users in its directory."""
    with FakeSlackApi() as fake:
        for user_id, email, name in RIVERSIDE_SLACK_USERS:
            fake.add_user(user_id, email, name)
        yield fake


@pytest.fixture
def slack_client(fake_slack: FakeSlackApi) -> WebClient:
    return make_slack_client(SLACK_TEST_TOKEN, fake_slack.url)


@pytest.fixture
def fake_microsoft(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeMicrosoft]:
    """A started fake Microsoft login + Graph. Its CA is trusted through REQUESTS_CA_BUNDLE and
    SSL_CERT_FILE for this test, so clients built from settings alone can reach it."""
    with FakeMicrosoft() as fake:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", fake.ca_path)
        monkeypatch.setenv("SSL_CERT_FILE", fake.ca_path)
        yield fake


@pytest.fixture
def graph_client(fake_microsoft: FakeMicrosoft) -> Iterator[GraphClient]:
    fake = fake_microsoft
    client = GraphClient(
        fake.tenant_id,
        fake.client_id,
        fake.client_secret,
        fake.authority_url,
        fake.graph_url,
        fake.mailbox,
        verify=fake.ca_path,
    )
    yield client
    client.close()
