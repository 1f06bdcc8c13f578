"""The `dhr` command. Each area registers its own commands from bot/commands/."""

from __future__ import annotations

import importlib
import logging
import os
from importlib.metadata import version as package_version

import typer

app = typer.Typer(
    name="dhr",
    help="dhr-chaser: chase agencies for progress on Domestic Homicide Review action plans.",
    no_args_is_help=True,
    add_completion=False,
)

COMMAND_MODULES = (
    "bot.commands.setup",
    "bot.commands.dates",
    "bot.commands.replies",
    "bot.commands.plans",
    "bot.commands.corrections",
    "bot.commands.chasing",
    "bot.commands.outbox",
    "bot.commands.inbox",
    "bot.commands.digest",
    "bot.commands.meetings",
    "bot.commands.demo",
    "bot.commands.console",
)

for _module_name in COMMAND_MODULES:
    importlib.import_module(_module_name).register(app)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"dhr-chaser {package_version('dhr-chaser')}")
        raise typer.Exit()


@app.callback()
def _options(
    version: bool = typer.Option(False, "--version", help="Show the version and exit.", callback=_print_version,
                                 is_eager=True),
) -> None:
    """dhr-chaser: chase agencies for progress on Domestic Homicide Review action plans."""


def main() -> None:
    # Everything the bot writes (database, exports, digests, outbox files) is about deaths and abuse:
    # readable by its own user only (files 0600, folders 0700), whatever the shell's umask.
    os.umask(0o077)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app()


if __name__ == "__main__":
    main()
