"""`dhr demo` is a sandbox: whatever the environment and the folder's config say, it touches nothing real."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.fakes.fixtures import fake_microsoft, fake_slack  # noqa: F401  (fixtures)
from tests.fakes.microsoft import FakeMicrosoft
from tests.fakes.slack_api import FakeSlackApi

REPO = Path(__file__).resolve().parents[2]


def test_demo_ignores_credentials_settings_and_a_real_config(
    tmp_path: Path, fake_slack: FakeSlackApi, fake_microsoft: FakeMicrosoft
) -> None:
    real = tmp_path / "partnership"
    (real / "config").mkdir(parents=True)
    (real / "config" / "dhr.toml").write_text('[partnership]\nname = "A real partnership"\n', encoding="utf-8")
    env = dict(os.environ)
    env.update(fake_microsoft.env())
    env.update({
        "SLACK_BOT_TOKEN": "xoxb-real", "SLACK_SIGNING_SECRET": "s3cret", "SLACK_API_URL": fake_slack.url,
        "DHR_DATABASE_URL": f"sqlite:///{real / 'real.db'}", "DHR_OUTBOX_DIR": str(real / "outbox"),
        "DHR_CONFIG": str(real / "config" / "dhr.toml"),
    })
    sandbox = tmp_path / "sandbox"
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "demo", "--weeks", "2", "--folder", str(sandbox)],
        cwd=real, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith(f"Sandboxed demo in {sandbox}")
    assert fake_slack.calls() == []
    assert fake_microsoft.calls == []
    assert not (real / "real.db").exists() and not (real / "outbox").exists()
    assert list((sandbox / "outbox").glob("*.json")), "the demo's messages are in its own outbox"
