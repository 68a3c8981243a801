"""The ``civic`` command line: serve, demo, rebuild, admin, and one group per context.

Subcommands are listed below as data and imported only when one is invoked (Click's lazy group
pattern), so ``civic --help`` imports no subcommand module and ``civic tally`` never loads the
web stack. The language is chosen before Click parses anything, because ``--help`` is eager:
``--lang`` on the command line, else ``LC_ALL``/``LC_MESSAGES``/``LANG``, else English.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Sequence
from typing import Any, NamedTuple

import click

from civic.clickhelp import TranslatedGroup
from civic.contexts import all_contexts
from civic.start import language
from web import i18n
from web.i18n import N_
from web.i18n import gettext as _


class Subcommand(NamedTuple):
    name: str
    target: str  # "module:attribute", imported when the command runs or shows its own help
    help: str  # its line in ``civic --help`` (marked with N_, translated when shown)


# The platform's own commands; each context adds its group (``Context.commands``) after them.
PLATFORM_COMMANDS: tuple[Subcommand, ...] = (
    Subcommand("serve", "civic.commands.shell:serve", N_("Serve the platform over HTTP.")),
    Subcommand("demo", "civic.commands.shell:demo", N_("Seed demo data for every context.")),
    Subcommand("rebuild", "civic.commands.shell:rebuild", N_("Rebuild the read models from the event log.")),
    Subcommand("admin", "civic.commands.admin:admin", N_("Accounts and roles.")),
)
SUBCOMMANDS: tuple[Subcommand, ...] = PLATFORM_COMMANDS + tuple(
    Subcommand(context.command_name or context.name, context.commands, context.help)
    for context in all_contexts()
    if context.commands
)

# Commands that only read the data directory: where it does not exist they say so and stop,
# rather than leave an empty ./data behind. Commands that create data (demo, serve, admin grant,
# glossary import) are not listed. "group sub" names a group's subcommand (one level deep).
READS_DATA = frozenset(
    {"rebuild", "admin list"}
    | {
        f"{context.command_name or context.name} {command}"
        for context in all_contexts()
        for command in context.reads_data
    }
)

NO_DATA = 1


class CivicGroup(TranslatedGroup):
    """The root group: lazy subcommands, the language, and the data directory check."""

    def __init__(self, *args: Any, subcommands: Sequence[Subcommand] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = {entry.name: entry for entry in subcommands}
        self.loaded: dict[str, click.Command] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        entry = self.lazy.get(cmd_name)
        if entry is None:
            return None
        if cmd_name not in self.loaded:
            module_name, attribute = entry.target.split(":")
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as missing:
                if missing.name != module_name:
                    raise
                return None  # a context not installed in this build
            self.loaded[cmd_name] = getattr(module, attribute)
        return self.loaded[cmd_name]

    def command_rows(self, ctx: click.Context, width: int) -> list[tuple[str, str]]:
        """``civic --help`` lists the subcommands from the table, importing none of them."""
        return [
            (
                name,
                _(self.lazy[name].help)
                if name in self.lazy
                else self.commands[name].get_short_help_str(width - 6 - len(name)),
            )
            for name in self.list_commands(ctx)
        ]

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        previous = i18n.current.get(), i18n.current_locale.get()
        activate(language(args, os.environ))
        try:
            ctx = super().make_context(info_name, args, parent, **extra)
        except BaseException:  # --help and usage errors end here, while parsing
            restore(*previous)
            raise
        ctx.call_on_close(lambda: restore(*previous))  # a test's next command starts as it was
        return ctx

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if (
            name is not None
            and not ctx.resilient_parsing
            and reads_data(name, command, rest)
            and not set(ctx.help_option_names) & set(rest)
        ):
            require_data()
        return name, command, rest


def restore(translations: Any, locale: str) -> None:
    i18n.current.set(translations)
    i18n.current_locale.set(locale)


def activate(locale: str) -> None:
    # English is the source language: no catalog to read (and no Babel to import).
    catalogs = {i18n.EN: i18n.Untranslated()} if locale == i18n.EN else i18n.load_catalogs(locales=(locale,))
    i18n.activate(locale, catalogs)


def reads_data(name: str, command: click.Command | None, rest: list[str]) -> bool:
    if name in READS_DATA:
        return True
    return isinstance(command, click.Group) and bool(rest) and f"{name} {rest[0]}" in READS_DATA


def require_data() -> None:
    from civic.settings import Settings

    directory = Settings.from_env().data_dir
    if not directory.is_dir():
        click.echo(
            _(
                "There is no data in %(directory)s (the directory does not exist). Set CIVIC_DATA_DIR "
                "to your data directory, or create one with `civic demo`.",
                directory=directory,
            ),
            err=True,
        )
        raise SystemExit(NO_DATA)


@click.group(
    cls=CivicGroup,
    subcommands=SUBCOMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=N_("civic: participatory budgeting and civic engagement for Kaohsiung and any city."),
)
@click.option(
    "--lang", default=None, expose_value=False, help=N_("Language of messages: zh_Hant_TW or en (default: from LANG).")
)
def main() -> None:
    pass  # --lang was read before parsing (see CivicGroup.make_context)


if __name__ == "__main__":
    main()
