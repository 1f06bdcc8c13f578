"""Quiet, clear operations: a version, private files, silent migrations, a loopback HTTP default."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.db import migrate
from bot.settings import load_settings


def _dhr(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def test_version_is_printed(tmp_path: Path) -> None:
    done = _dhr("--version", cwd=tmp_path, env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("dhr-chaser ")


def test_files_the_bot_writes_are_private_whatever_the_umask(tmp_path: Path) -> None:
    env = dict(os.environ, DHR_DATABASE_URL=f"sqlite:///{tmp_path / 'private.db'}")
    env.pop("DHR_CONFIG", None)
    old = os.umask(0o022)  # a typical shell
    try:
        done = _dhr("init", cwd=tmp_path, env=env)
    finally:
        os.umask(old)
    assert done.returncode == 0, done.stderr
    mode = stat.S_IMODE((tmp_path / "private.db").stat().st_mode)
    assert mode == 0o600


def test_migrate_says_nothing_when_the_schema_is_current(engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    migrate(engine)
    with caplog.at_level(logging.DEBUG):
        migrate(engine)
    assert caplog.records == []


def test_http_listens_on_loopback_unless_told_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().http_host == "127.0.0.1"
    monkeypatch.setenv("DHR_HTTP_HOST", "0.0.0.0")
    assert load_settings().http_host == "0.0.0.0"
