"""Settings from the environment (DHR_*, plus the standard Slack and Microsoft names) and a TOML file.

Precedence, highest first: environment, then the TOML file (see `config_search_order`), then the
defaults here. A bad value stops the bot at start-up with a message naming the setting, rather than
failing on the first chaser at 9:30 next Monday.

With a config file, every relative path in it (and every default path it leaves unset: the SQLite
database, the outbox folder) is relative to the file's folder, so the bot keeps its data in one place
whichever folder it is started from. A relative path in the environment is relative to the working folder.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable
from datetime import date, time
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)
from sqlalchemy.engine import make_url

DEFAULT_CONFIG_PATH = Path("config/dhr.toml")
#: Under the user's config folder ($XDG_CONFIG_HOME, default ~/.config).
USER_CONFIG_PATH = Path("dhr-chaser/dhr.toml")


class SettingsError(Exception):
    """A setting is missing or has a bad value; the message names it."""


class PartnershipSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt key is an error, not a silent default

    name: str = "Riverside Community Safety Partnership"
    board_name: str = "Riverside Safer Communities Board"
    timezone: str = "Europe/London"
    board_slack_channel: str | None = None
    board_email: str | None = None

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r} (use an IANA name like Europe/London)") from exc
        return value


class PolicySettings(BaseModel):
    """When to chase. Working days skip weekends and England & Wales bank holidays."""

    model_config = ConfigDict(extra="forbid")  # a misspelt key is an error, not a silent default

    heads_up_working_days: int = Field(5, ge=0, le=60)
    repeat_every_working_days: int = Field(5, ge=1, le=60)
    board_update_working_days: int = Field(10, ge=1, le=60)
    send_window_start: time = time(9, 30)
    send_window_end: time = time(16, 30)
    max_actions_per_message: int = Field(20, ge=1, le=100)
    escalate_after_chasers: int = Field(2, ge=1, le=20)
    board_after_working_days: int = Field(5, ge=1, le=60)
    digest_working_days_before: int = Field(5, ge=1, le=30)
    max_delivery_attempts: int = Field(6, ge=1, le=50)
    #: A worker that has not finished a send within this long is presumed dead and its message retaken.
    delivery_claim_seconds: int = Field(300, ge=1, le=3600)
    #: Sending pace, kept by every bot process together (bot.rules.pacing has the sources): Slack
    #: about one message per second per conversation; Exchange Online 30 mails a minute from the
    #: mailbox, and Graph 4 requests at once to it (3 for sending leaves one for reading replies).
    slack_messages_per_conversation: int = Field(1, ge=1, le=100)
    slack_pace_seconds: float = Field(1.0, gt=0, le=3600)
    mail_messages_per_mailbox: int = Field(30, ge=1, le=10_000)
    mail_pace_seconds: float = Field(60.0, gt=0, le=86_400)
    mail_concurrent_sends: int = Field(3, ge=1, le=4)
    #: Spacing added for requests that arrive later than they left (0.05 = 5 % below the limit).
    pace_margin: float = Field(0.05, ge=0, lt=1)
    #: After an attempt that may have gone out, how long its copy may take to appear in Sent Items;
    #: within it the bot waits instead of mailing again.
    sent_items_hold_seconds: int = Field(600, ge=0, le=86400)
    #: While a channel is paused (its credentials refused), how often they are tried again.
    outage_probe_minutes: int = Field(5, ge=1, le=1440)

    @model_validator(mode="after")
    def _window_is_sane(self) -> PolicySettings:
        from bot.rules.workdays import SendWindow

        # The same rule the chasing code applies (start before end, clear of the 01:00-02:00
        # hour the clocks skip or repeat), checked at start-up rather than at the first sweep.
        try:
            SendWindow(self.send_window_start, self.send_window_end)
        except ValueError as exc:
            raise ValueError(f"send_window_start/send_window_end: {exc}") from None
        return self


class AgencySettings(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt key is an error, not a silent default

    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    preferred_channel: str | None = Field(None, pattern="^(slack|email)$")
    #: Escalation overrides for this agency, e.g. {"escalate_after_chasers": 3}.
    escalation: dict[str, int] = Field(default_factory=dict)

    @field_validator("escalation")
    @classmethod
    def _known_overrides(cls, value: dict[str, int]) -> dict[str, int]:
        from bot.rules.escalation import EscalationPolicy

        EscalationPolicy().with_overrides(value)  # raises ValueError naming a bad key or value
        return value


class BoardSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt key is an error, not a silent default

    meetings: list[date] = Field(default_factory=list)
    ics: Path | None = None  # an .ics calendar of board meetings, read in addition to `meetings`


class SafetySettings(BaseModel):
    """What the bot believes and how much it reads: see the README's "Data" section."""

    model_config = ConfigDict(extra="forbid")  # a misspelt key is an error, not a silent default

    #: Who wrote the Authentication-Results we believe: "exchange-online" (whose fields carry no
    #: authserv-id, so only the topmost counts) or the authserv-id of another receiving server.
    mail_authserv_id: str = Field("exchange-online", min_length=1)
    #: An out-of-office "back on ..." further off than this holds chasing only this long.
    max_away_days: int = Field(30, ge=1, le=366)
    #: A leader's snooze or new date at most this far ahead; coordinators may go further.
    max_snooze_days: int = Field(183, ge=1, le=3660)
    #: Actions one import may bring in; a larger file is refused with a clear error.
    max_import_actions: int = Field(5000, ge=1, le=1_000_000)
    #: Libraries' own loggers (slack_sdk logs whole message bodies at DEBUG): quiet unless asked.
    third_party_log_level: str = Field("WARNING", pattern="^(?i:debug|info|warning|error)$")
    #: Dates of birth, NHS numbers, phone numbers and third parties' mail addresses are masked in the
    #: progress text the bot stores. True also keeps each masked reply as written, in a column of its
    #: own (ProgressUpdate.unmasked_text) that is never exported, sent or shown.
    keep_unmasked_replies: bool = False


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="DHR_",
        env_nested_delimiter="__",
        extra="ignore",
        populate_by_name=True,
    )

    database_url: str = "sqlite:///dhr.db"
    outbox_dir: Path = Path("outbox")
    #: Loopback unless said otherwise: behind a reverse proxy (which terminates TLS) nothing else needs it.
    http_host: str = "127.0.0.1"
    http_port: int = Field(3000, ge=1, le=65535)
    coordinators: Annotated[list[str], NoDecode] = Field(default_factory=list)
    contacts_file: Path | None = None
    log_level: str = Field("INFO", pattern="^(?i:debug|info|warning|error)$")

    partnership: PartnershipSettings = Field(default_factory=PartnershipSettings)
    policy: PolicySettings = Field(default_factory=PolicySettings)
    board: BoardSettings = Field(default_factory=BoardSettings)
    agencies: list[AgencySettings] = Field(default_factory=list)
    safety: SafetySettings = Field(default_factory=SafetySettings)

    slack_bot_token: str | None = Field(None, validation_alias=AliasChoices("SLACK_BOT_TOKEN", "slack_bot_token"))
    slack_signing_secret: str | None = Field(
        None, validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "slack_signing_secret")
    )
    slack_app_token: str | None = Field(None, validation_alias=AliasChoices("SLACK_APP_TOKEN", "slack_app_token"))
    slack_api_url: str = Field(
        "https://slack.com/api/", validation_alias=AliasChoices("SLACK_API_URL", "slack_api_url")
    )
    ms_tenant_id: str | None = Field(None, validation_alias=AliasChoices("MS_TENANT_ID", "ms_tenant_id"))
    ms_client_id: str | None = Field(None, validation_alias=AliasChoices("MS_CLIENT_ID", "ms_client_id"))
    ms_client_secret: str | None = Field(None, validation_alias=AliasChoices("MS_CLIENT_SECRET", "ms_client_secret"))
    ms_authority_url: str = Field(
        "https://login.microsoftonline.com", validation_alias=AliasChoices("MS_AUTHORITY_URL", "ms_authority_url")
    )
    graph_api_url: str = Field(
        "https://graph.microsoft.com/v1.0", validation_alias=AliasChoices("GRAPH_API_URL", "graph_api_url")
    )
    mailbox: str | None = Field(None, validation_alias=AliasChoices("DHR_MAILBOX", "mailbox"))

    @field_validator("coordinators", mode="before")
    @classmethod
    def _split_ids(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite:", "postgresql:", "postgresql+psycopg:")):
            raise ValueError("must start with sqlite:// or postgresql:// (e.g. sqlite:///dhr.db)")
        return value

    @field_validator("slack_api_url", "ms_authority_url", "graph_api_url")
    @classmethod
    def _is_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value

    @model_validator(mode="after")
    def _credentials_come_in_sets(self) -> Settings:
        if self.slack_bot_token and not self.slack_signing_secret and not self.slack_app_token:
            raise ValueError("SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET nor SLACK_APP_TOKEN is")
        graph = {
            "MS_TENANT_ID": self.ms_tenant_id,
            "MS_CLIENT_ID": self.ms_client_id,
            "MS_CLIENT_SECRET": self.ms_client_secret,
            "DHR_MAILBOX": self.mailbox,
        }
        given = [name for name, value in graph.items() if value]
        if given and len(given) != len(graph):
            missing = ", ".join(name for name, value in graph.items() if not value)
            raise ValueError(f"Outlook mail needs all of {', '.join(graph)}; missing: {missing}")
        return self

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_bot_token)

    @property
    def outlook_enabled(self) -> bool:
        return bool(self.ms_client_id)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,  # noqa: ARG003 (pydantic-settings' hook)
        file_secret_settings: PydanticBaseSettingsSource,  # noqa: ARG003
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = config_path()
        if config_file is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=config_file))
        return tuple(sources)


def config_search_order() -> list[Path]:
    """Where the config file is looked for, first found wins: DHR_CONFIG (which must exist), then
    ./config/dhr.toml in the working folder, then the user's config folder."""
    named = os.environ.get("DHR_CONFIG")
    if named:
        return [Path(named)]
    user_config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return [DEFAULT_CONFIG_PATH, user_config / USER_CONFIG_PATH]


def config_path() -> Path | None:
    """The config file in use (absolute), or None when there is none."""
    named = os.environ.get("DHR_CONFIG")
    if named and not Path(named).is_file():
        raise SettingsError(f"DHR_CONFIG: no such file: {named}")
    return next((path.absolute() for path in config_search_order() if path.is_file()), None)


def load_settings(**overrides: Any) -> Settings:
    """Read the settings, or raise SettingsError naming each bad setting."""
    config_file = config_path()
    if config_file is not None:
        _check_config_file(config_file)
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError(describe_validation_error(exc)) from exc
    return _relative_to(settings, config_file.parent if config_file is not None else None, overrides)


def _check_config_file(path: Path) -> None:
    """A TOML file that does not parse, or has a top-level key we do not know, names itself."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"config file {path}: {exc}") from exc
    known = set(Settings.model_fields) | {
        alias for field in Settings.model_fields.values()
        if isinstance(field.validation_alias, AliasChoices) for alias in field.validation_alias.choices
        if isinstance(alias, str)
    }
    unknown = sorted(key for key in data if key not in known)
    if unknown:
        raise SettingsError(f"config file {path}: unknown setting(s) {', '.join(unknown)}")


#: Path settings -> the environment variables that can set them (those stay relative to the working folder).
_PATH_SETTINGS_FROM_ENV = {
    "database_url": ("DHR_DATABASE_URL",),
    "outbox_dir": ("DHR_OUTBOX_DIR",),
    "contacts_file": ("DHR_CONTACTS_FILE",),
    "board.ics": ("DHR_BOARD__ICS", "DHR_BOARD"),
}


def _relative_to(settings: Settings, folder: Path | None, overridden: Iterable[str] = ()) -> Settings:
    """Paths written in a config file, or left at their default beside one, are relative to that file."""
    if folder is None:
        return settings
    environment = {name.upper() for name in os.environ}
    given_outside = {"board.ics" if name == "board" else name for name in overridden} | {
        setting for setting, names in _PATH_SETTINGS_FROM_ENV.items() if environment.intersection(names)
    }
    updates: dict[str, Any] = {}
    if "database_url" not in given_outside:
        database_url = sqlite_url_relative_to(settings.database_url, folder)
        if database_url != settings.database_url:
            updates["database_url"] = database_url
    if "outbox_dir" not in given_outside and not settings.outbox_dir.is_absolute():
        updates["outbox_dir"] = folder / settings.outbox_dir
    if (
        "contacts_file" not in given_outside
        and settings.contacts_file is not None
        and not settings.contacts_file.is_absolute()
    ):
        updates["contacts_file"] = folder / settings.contacts_file
    if "board.ics" not in given_outside and settings.board.ics is not None and not settings.board.ics.is_absolute():
        updates["board"] = settings.board.model_copy(update={"ics": folder / settings.board.ics})
    return settings.model_copy(update=updates) if updates else settings


def sqlite_url_relative_to(url: str, folder: Path) -> str:
    """sqlite:///dhr.db -> sqlite:////abs/folder/dhr.db; absolute, in-memory and non-SQLite URLs are kept."""
    if not url.startswith("sqlite:"):
        return url
    parsed = make_url(url)
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:") or Path(database).is_absolute():
        return url
    return parsed.set(database=str(folder / database)).render_as_string(hide_password=False)


def sqlite_path(url: str) -> Path | None:
    """The file a SQLite URL names (None for PostgreSQL or an in-memory database)."""
    if not url.startswith("sqlite:"):
        return None
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def describe_validation_error(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        name = ".".join(str(part) for part in error["loc"]) or "settings"
        env_name = "DHR_" + "__".join(str(part) for part in error["loc"]).upper() if error["loc"] else ""
        hint = f" (env {env_name})" if env_name and not name.isupper() else ""
        lines.append(f"setting {name}{hint}: {error['msg']}")
    return "bad settings:\n  " + "\n  ".join(lines)
