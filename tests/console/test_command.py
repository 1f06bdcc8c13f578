"""`dhr console` as a coordinator runs it on a laptop: a one-time link on 127.0.0.1, nothing else."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]


def _dhr(*args: str) -> list[str]:
    return [sys.executable, "-c", "from bot.cli import main; main()", *args]


def _started_console(tmp_path: Path, **popen: Any) -> subprocess.Popen[str]:
    """`dhr console` on a fresh database holding the example contacts, its output piped."""
    env = {**os.environ, "DHR_DATABASE_URL": f"sqlite:///{tmp_path / 'dhr.db'}"}
    imported = subprocess.run(_dhr("contacts", "import", str(ROOT / "config" / "contacts.example.csv")),
                              env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert imported.returncode == 0, imported.stderr
    return subprocess.Popen(_dhr("console", "--port", "0"), env=env, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **popen)


def test_dhr_console_prints_a_link_that_signs_in_once(tmp_path: Path) -> None:
    process = _started_console(tmp_path)
    try:
        link = ""
        assert process.stdout is not None
        for line in process.stdout:
            if found := re.search(r"http://127\.0\.0\.1:\d+/sign-in/\S+", line):
                link = found.group(0)
                break
        assert link, process.stderr.read() if process.stderr else ""
        base = link.split("/sign-in/")[0]
        with httpx.Client(base_url=base, timeout=30) as browser:
            assert browser.get("/reviews").status_code == 302  # not signed in yet
            assert browser.get(link).status_code == 302
            page = browser.get("/reviews")
            assert page.status_code == 200 and "Signed in as Morgan Blake (coordinator)" in page.text
        with httpx.Client(timeout=30) as someone_else:
            assert someone_else.get(link).status_code == 400  # the link worked once
    finally:
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=30)
    assert process.returncode == 0
    assert "Console stopped." in out


def test_ctrl_c_stops_the_console_even_when_it_was_started_with_sigint_ignored(tmp_path: Path) -> None:
    process = _started_console(tmp_path, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if "Press Ctrl+C to stop." in line:
                break
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0
    assert "Console stopped." in out
