from datetime import date, time
from pathlib import Path

import pytest

from bot.settings import SettingsError, config_path, load_settings

EXAMPLE_CONFIG = Path(__file__).parent.parent / "config" / "dhr.example.toml"


def test_defaults_run_without_any_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DHR_CONFIG")
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


def _config_in(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "dhr.toml"
    config.write_text(text)
    return config


def test_every_path_in_the_config_file_is_relative_to_it_from_any_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = _config_in(tmp_path / "partnership" / "config", 'database_url = "sqlite:///data/dhr.db"\n'
                        'outbox_dir = "../outbox"\ncontacts_file = "people.csv"\n[board]\nics = "board.ics"\n')
    monkeypatch.setenv("DHR_CONFIG", str(config))
    monkeypatch.delenv("DHR_OUTBOX_DIR")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    settings = load_settings()
    folder = config.parent
    assert settings.database_url == f"sqlite:///{folder / 'data' / 'dhr.db'}"
    assert settings.outbox_dir == folder / ".." / "outbox"
    assert settings.contacts_file == folder / "people.csv"
    assert settings.board.ics == folder / "board.ics"


def test_default_paths_sit_beside_the_config_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = _config_in(tmp_path / "cfg", "# nothing but defaults\n")
    monkeypatch.setenv("DHR_CONFIG", str(config))
    monkeypatch.delenv("DHR_OUTBOX_DIR")
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.database_url == f"sqlite:///{config.parent / 'dhr.db'}"
    assert settings.outbox_dir == config.parent / "outbox"


def test_a_relative_config_path_still_gives_absolute_paths(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _config_in(tmp_path / "cfg", 'database_url = "sqlite:///dhr.db"\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DHR_CONFIG", "cfg/dhr.toml")
    settings = load_settings()
    assert settings.database_url == f"sqlite:///{tmp_path / 'cfg' / 'dhr.db'}"


def test_environment_paths_stay_relative_to_the_working_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = _config_in(tmp_path / "cfg", 'database_url = "sqlite:///from-file.db"\n')
    monkeypatch.setenv("DHR_CONFIG", str(config))
    monkeypatch.setenv("DHR_DATABASE_URL", "sqlite:///from-env.db")
    monkeypatch.setenv("DHR_OUTBOX_DIR", "out")
    monkeypatch.setenv("DHR_CONTACTS_FILE", "people.csv")
    settings = load_settings()
    assert settings.database_url == "sqlite:///from-env.db"
    assert settings.outbox_dir == Path("out")
    assert settings.contacts_file == Path("people.csv")


@pytest.mark.parametrize(
    "url",
    ["sqlite:////srv/dhr/dhr.db", "sqlite://", "sqlite:///:memory:", "postgresql://postgres@127.0.0.1:5432/test"],
)
def test_absolute_memory_and_server_urls_are_kept(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, url: str) -> None:
    monkeypatch.setenv("DHR_CONFIG", str(_config_in(tmp_path / "cfg", f'database_url = "{url}"\n')))
    assert load_settings().database_url == url


def test_config_search_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DHR_CONFIG")
    user_config = tmp_path / "user-config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(user_config))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert config_path() is None
    assert load_settings().database_url == "sqlite:///dhr.db"  # no config file: the working folder

    in_user_folder = _config_in(user_config / "dhr-chaser", '[partnership]\nname = "User folder"\n')
    assert config_path() == in_user_folder
    assert load_settings().partnership.name == "User folder"
    assert load_settings().database_url == f"sqlite:///{in_user_folder.parent / 'dhr.db'}"

    in_working_folder = _config_in(work / "config", '[partnership]\nname = "Working folder"\n')
    assert config_path() == in_working_folder
    assert load_settings().partnership.name == "Working folder"

    named = _config_in(tmp_path / "named", '[partnership]\nname = "Named"\n')
    monkeypatch.setenv("DHR_CONFIG", str(named))
    assert config_path() == named
    assert load_settings().partnership.name == "Named"
