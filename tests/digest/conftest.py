from __future__ import annotations

import pytest

from bot.settings import Settings, load_settings


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("DHR_BOARD__MEETINGS", '["2026-11-26", "2027-01-14"]')
    monkeypatch.setenv("DHR_PARTNERSHIP__BOARD_EMAIL", "board@riverside.example.gov.uk")
    monkeypatch.setenv("DHR_PARTNERSHIP__BOARD_SLACK_CHANNEL", "C0BOARD")
    return load_settings()
