"""The `dhr` command. Each area registers its own commands from bot/commands/."""

from __future__ import annotations

import importlib
import logging

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
    "bot.commands.chasing",
    "bot.commands.outbox",
    "bot.commands.inbox",
    "bot.commands.digest",
    "bot.commands.meetings",
    "bot.commands.demo",
)

for _module_name in COMMAND_MODULES:
    importlib.import_module(_module_name).register(app)


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app()


if __name__ == "__main__":
    main()
