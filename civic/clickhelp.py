"""Click commands whose help is translated when it is shown, not when the module is imported.

``help=`` texts are evaluated at import time, before the command line knows the user's
language, so they are marked with ``N_`` and these classes pass them through ``gettext`` while
the help page is written: the command's own text, its short help in a group's list, every
option's help, and the headings Click writes itself (Usage, Options, Commands).

Use ``cls=TranslatedCommand`` / ``cls=TranslatedGroup``; a translated group makes its
``@group.command()`` and ``@group.group()`` children translated too. Click's error messages
("Missing argument") stay in English: Click words them itself.
"""

from __future__ import annotations

import inspect

import click

from web.i18n import N_
from web.i18n import gettext as _

# Click's own words on a help page, here so that they are extracted into our catalogs.
HELP_OPTION = N_("Show this message and exit.")
HEADINGS = (N_("Usage:"), N_("Options"), N_("Commands"))


class TranslatedCommand(click.Command):
    def get_short_help_str(self, limit: int = 45) -> str:
        if self.short_help:
            return _(inspect.cleandoc(self.short_help)).strip()
        if self.help:
            return first_sentence(_(inspect.cleandoc(self.help)), limit)
        return ""

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_("Usage:") + " ")

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if not self.help:
            return
        text = _(inspect.cleandoc(self.help)).partition("\f")[0]
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(text)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is not None and not isinstance(param, click.Argument):  # Click 8.5 lists them apart
                rows.append(translated_record(param, record))
        if rows:
            with formatter.section(_("Options")):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)


def first_sentence(text: str, limit: int) -> str:
    """The help's first sentence (English or Chinese), cut to ``limit`` characters."""
    first = text.split("\n\n")[0].replace("\n", " ").strip()
    for stop in (". ", "。"):
        if stop in first:
            first = first.split(stop)[0] + stop.strip()
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


def translated_record(param: click.Parameter, record: tuple[str, str]) -> tuple[str, str]:
    """Click writes an option's help followed by extras ("[default: greedy]"): translate the help
    part, which is the text as given."""
    spec, text = record
    given = getattr(param, "help", None) or ""
    if given and text.startswith(given):
        text = _(given) + text[len(given) :]
    return spec, text


class TranslatedGroup(TranslatedCommand, click.Group):
    command_class = TranslatedCommand
    group_class = type  # children of a translated group are translated groups too

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = self.command_rows(ctx, formatter.width)
        if rows:
            with formatter.section(_("Commands")):
                formatter.write_dl(rows)

    def command_rows(self, ctx: click.Context, width: int) -> list[tuple[str, str]]:
        """(name, short help) of every visible subcommand."""
        commands = [(name, self.get_command(ctx, name)) for name in self.list_commands(ctx)]
        visible = [(name, command) for name, command in commands if command is not None and not command.hidden]
        if not visible:
            return []
        limit = width - 6 - max(len(name) for name, _command in visible)
        return [(name, command.get_short_help_str(limit)) for name, command in visible]
