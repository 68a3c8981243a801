"""The ``civic`` program: a plain ``civic tally FILE [--rule R] [--json] [--explain]`` runs
straight away; everything else goes to the Click command line (``civic.cli``).

A whole-process ``civic tally`` on a small file is over in a few tens of milliseconds, and
importing Click alone took longer than the count. The fast path takes only command lines whose
meaning is plain (the options spelled out, one file that is not a directory, a known rule);
anything else, ``--help`` and every mistake included, is parsed by Click as before, with its
messages and exit statuses. The language is chosen here the same way for both (see
``language``): ``--lang`` before the subcommand, else the POSIX locale variables, else English.
"""

from __future__ import annotations

import gc
import os
import sys

from web.languages import EN, normalize

TYPE_CHECKING = False  # as typing.TYPE_CHECKING (and so for type checkers), without importing typing at run time
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

RULES = ("greedy", "mes", "mes-completed", "phragmen")  # domain.tally.outcome.RULES, without its import
DEFAULT_RULE = "mes-completed"


def main() -> None:
    """The installed ``civic`` program (``[project.scripts]``): ``dispatch``, and after a plain
    tally that went well, exit at once.

    Tearing the interpreter down (freeing every module, class and object, one by one) took
    about as long as counting a small election: 2 ms for an empty Python, 4-6 ms more with the
    tally's modules loaded. Nothing is left to do by then: the results are written and flushed,
    no file is open, no ``atexit`` hook or thread is ours. So the process ends with
    ``os._exit`` after a last flush. Every other command (and a tally that fails) exits the
    usual way.
    """
    if dispatch():
        try:
            for stream in (sys.stdout, sys.stderr):
                if stream is not None:  # (None: started without one, as ``echo`` allows)
                    stream.flush()
        except BrokenPipeError:  # as below: the reader went away
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            os._exit(1)
        os._exit(0)


def dispatch() -> bool:
    """Run the command line: a plain tally here, anything else through Click (which exits
    itself). True when a plain tally ran to its end."""
    args = sys.argv[1:]
    plain = tally_arguments(args)
    if plain is None:
        from civic.cli import main as command_line

        command_line()
        return False
    # The collector stays off while the tally's modules load, as it does while the count runs
    # (``run``): importing them makes no reference cycles, yet the objects they create set off
    # collections that rescan every object loaded so far, about a millisecond each, a twentieth
    # of a short tally's whole process.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _plain_tally(args, *plain)
    finally:
        if enabled:
            gc.enable()


def _plain_tally(args: Sequence[str], file: str, rule: str, as_json: bool, explain: bool) -> bool:
    locale = language(args, os.environ)
    if locale != EN:  # a catalog to read (with Babel): the translations go through web.i18n
        from web import i18n

        i18n.activate(locale, i18n.load_catalogs(locales=(locale,)))
    # numpy (the fast engine of ``mes`` and ``mes-completed`` on larger elections) starts one
    # OpenBLAS thread per core when it is imported: a third of its import time here, for
    # nothing, since the count does no floating-point linear algebra. A setting of the
    # user's own is kept.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from civic.commands.tally_run import run

    try:
        run(file, rule, as_json, explain)
    except BrokenPipeError:  # as Click does: the reader went away (`civic tally ... | head`)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush at exit
        sys.exit(1)
    except KeyboardInterrupt:  # Ctrl-C: one word, as Click says it, and no traceback
        from civic.words import gettext as _

        print("\n" + _("Aborted!"), file=sys.stderr)
        sys.exit(1)
    return True


def tally_arguments(args: Sequence[str]) -> tuple[str, str, bool, bool] | None:
    """(file, rule, json, explain) of a plain ``[--lang L] tally FILE [options]``, else None."""
    rest = list(args)
    while rest and rest[0] != "tally":
        if rest[0] == "--lang" and len(rest) > 1 and not rest[1].startswith("-"):
            del rest[:2]
        elif rest[0].startswith("--lang=") and len(rest[0]) > len("--lang="):
            del rest[0]
        else:
            return None
    if not rest:
        return None
    files: list[str] = []
    rule, as_json, explain = DEFAULT_RULE, False, False
    seen: set[str] = set()
    tokens = iter(rest[1:])
    for token in tokens:
        name, equals, value = token.partition("=")
        if name in seen:
            return None
        if name == "--rule":
            if not equals:
                value = next(tokens, "")
            if value not in RULES:
                return None
            rule = value
        elif token in ("--json", "--explain"):
            as_json, explain = as_json or token == "--json", explain or token == "--explain"
        elif token and not token.startswith("-"):
            files.append(token)
            continue
        else:
            return None
        seen.add(name)
    if len(files) != 1 or os.path.isdir(files[0]):
        return None
    return files[0], rule, as_json, explain


def language(args: Sequence[str], environ: Mapping[str, str]) -> str:
    """``--lang`` before the subcommand, else the POSIX locale variables, else English."""
    for position, token in enumerate(args):
        if token == "--lang" and position + 1 < len(args):
            return normalize(args[position + 1]) or EN
        if token.startswith("--lang="):
            return normalize(token.removeprefix("--lang=")) or EN
        if not token.startswith("-"):
            break  # the subcommand: what follows is its own
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable, "")
        if value:  # the first one set decides, as in POSIX; "C" or "en_US" mean English
            return normalize(value.split(".")[0]) or EN
    return EN


if __name__ == "__main__":
    main()
