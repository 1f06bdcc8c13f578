from datetime import date, time
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings

EXAMPLE_CONFIG = Path(__file__).parent.parent / "config" / "dhr.example.toml"


def test_defaults_run_without_any_credentials() -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite:///dhr.db"
    assert not settings.slack_enabled and not settings.outlook_enabled
    assert settings.partnership.timezone == "Europe/London"


def test_example_config_is_valid_and_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DHR_CONFIG", str(EXAMPLE_CONFIG))
    settings = load_settings()
    assert settings.board.meetings[0] == date(2026, 12, 10)
    assert settings.policy.send_window_start == time(9, 30)
    assert any(a.name == "Riverside Police" and "RP" in a.aliases for a in settings.agencies)


def test_environment_beats_config_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DHR_CONFIG", str(EXAMPLE_CONFIG))
    monkeypatch.setenv("DHR_POLICY__REPEAT_EVERY_WORKING_DAYS", "3")
    monkeypatch.setenv("DHR_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    settings = load_settings()
    assert settings.policy.repeat_every_working_days == 3
    assert settings.database_url.startswith("postgresql://")


def test_coordinators_are_a_comma_separated_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DHR_COORDINATORS", "U0MORGAN, U0ALEX")
    assert load_settings().coordinators == ["U0MORGAN", "U0ALEX"]


@pytest.mark.parametrize(
    ("name", "value", "named"),
    [
        ("DHR_POLICY__REPEAT_EVERY_WORKING_DAYS", "zero", "policy.repeat_every_working_days"),
        ("DHR_POLICY__SEND_WINDOW_START", "01:15", "send_window_start/send_window_end: send window 01:15-16:30 touches"),
        ("DHR_PARTNERSHIP__TIMEZONE", "Europe/Atlantis", "unknown timezone"),
        ("DHR_DATABASE_URL", "mysql://x", "database_url"),
        ("DHR_HTTP_PORT", "99999", "http_port"),
        ("SLACK_API_URL", "slack.com/api", "SLACK_API_URL"),
    ],
)
def test_bad_values_fail_fast_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, named: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=named):
        load_settings()


def test_half_configured_outlook_names_what_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MS_CLIENT_ID", "app")
    with pytest.raises(SettingsError, match="missing: MS_TENANT_ID, MS_CLIENT_SECRET, DHR_MAILBOX"):
        load_settings()


def test_missing_config_file_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DHR_CONFIG", str(tmp_path / "nope.toml"))
    with pytest.raises(SettingsError, match="nope.toml"):
        load_settings()


def test_malformed_toml_is_reported(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[policy\nrepeat = 3\n")
    monkeypatch.setenv("DHR_CONFIG", str(bad))
    with pytest.raises(SettingsError, match="config file"):
        load_settings()


def test_a_misspelt_agency_escalation_override_fails_at_start_up(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "dhr.toml"
    config.write_text('[[agencies]]\nname = "Riverside Police"\nescalation = { escalate_after_chaser = 3 }\n')
    monkeypatch.setenv("DHR_CONFIG", str(config))
    with pytest.raises(SettingsError, match="agencies.0.escalation.*escalate_after_chaser"):
        load_settings()


def test_a_zero_escalation_override_fails_at_start_up(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "dhr.toml"
    config.write_text('[[agencies]]\nname = "Riverside Police"\nescalation = { escalate_after_chasers = 0 }\n')
    monkeypatch.setenv("DHR_CONFIG", str(config))
    with pytest.raises(SettingsError, match="escalate_after_chasers"):
        load_settings()


def test_paths_in_a_config_file_are_relative_to_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DHR_CONFIG", str(EXAMPLE_CONFIG))
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.contacts_file == EXAMPLE_CONFIG.parent / "contacts.example.csv"
    assert settings.contacts_file.is_file()


def test_a_misspelt_setting_in_the_config_file_is_an_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "dhr.toml"
    config.write_text("[policy]\nrepeat_every_wrking_days = 3\n")
    monkeypatch.setenv("DHR_CONFIG", str(config))
    with pytest.raises(SettingsError, match="repeat_every_wrking_days"):
        load_settings()
    config.write_text("databse_url = 'sqlite:///x.db'\n")
    with pytest.raises(SettingsError, match=r"dhr.toml: unknown setting\(s\) databse_url"):
        load_settings()


def test_a_broken_config_file_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "broken.toml"
    config.write_text("[policy\n")
    monkeypatch.setenv("DHR_CONFIG", str(config))
    with pytest.raises(SettingsError, match="broken.toml"):
        load_settings()
