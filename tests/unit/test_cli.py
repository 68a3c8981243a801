"""The ``civic`` command line: what starts fast, which language it speaks, and what it does
where there is no data yet."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from civic.cli import SUBCOMMANDS, language, main

ROOT = Path(__file__).resolve().parents[2]
ASSEN = ROOT / "tests" / "data" / "pabulib" / "Netherlands_Assen_2024.pb"
HEAVY = ("pypinyin", "starlette", "jinja2", "authlib", "uvicorn")

# Runs the command line in a fresh interpreter, then lists which modules it loaded.
PROBE = """
import json, sys
from civic.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def loaded_modules(*args: str, env: dict[str, str] | None = None) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", **(env or {})},
        check=True,
    )
    return set(json.loads(done.stderr.splitlines()[-1]))


def tops(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_help_imports_no_subcommand_and_nothing_heavy() -> None:
    modules = loaded_modules("--help")
    assert not tops(modules) & {*HEAVY, "numpy", "eventsourcing", "babel", "domain"}
    assert not {name for name in modules if name.startswith("civic.commands")}


def test_a_greedy_tally_loads_neither_the_web_stack_nor_numpy_nor_the_event_store() -> None:
    modules = loaded_modules("tally", str(ASSEN), "--rule", "greedy")
    assert "domain.tally" in modules
    assert not tops(modules) & {*HEAVY, "numpy", "eventsourcing", "sqlite_utils"}
    assert "civic.settings" not in modules and "civic.commands.glossary" not in modules


def test_a_glossary_export_loads_neither_pypinyin_nor_the_web_stack(tmp_path: Path) -> None:
    from civic.services import build_services
    from civic.settings import Settings
    from domain.eventlog import SYSTEM_ACTOR

    services = build_services(Settings(data_dir=tmp_path))
    services.glossary.import_file("zh,en\n愛河,Love River\n", SYSTEM_ACTOR, source="river.csv")
    services.catch_up()  # projecting a new term computes its search keys (with pypinyin): not the export's work
    services.close()
    out = tmp_path / "out.csv"
    modules = loaded_modules("glossary", "export", "--output", str(out), env={"CIVIC_DATA_DIR": str(tmp_path)})
    assert "Love River" in out.read_text(encoding="utf-8-sig")
    assert not tops(modules) & set(HEAVY)


def test_the_table_of_subcommands_lists_every_command() -> None:
    assert [entry.name for entry in SUBCOMMANDS] == [
        "serve",
        "demo",
        "rebuild",
        "admin",
        "glossary",
        "tally",
        "cycle",
        "review",
    ]
    assert all(":" in entry.target for entry in SUBCOMMANDS)


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        main, list(args), env={"LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", **(env or {})}
    )
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    "args", [["--lang", "zh_Hant_TW", "--help"], ["--help", "--lang", "zh_Hant_TW"], ["--lang=zh-TW", "--help"]]
)
def test_help_is_shown_in_the_language_asked_for(args: list[str]) -> None:
    code, out, _ = run(*args)
    assert code == 0
    assert "用法：" in out and "計票" in out and "Show this message" not in out


def test_lang_from_the_environment_chooses_chinese() -> None:
    code, out, _ = run("tally", "--help", env={"LANG": "zh_TW.UTF-8"})
    assert code == 0 and "計票規則" in out and "Counting rule" not in out
    assert "用法： main tally [OPTIONS] FILE" in out and "\n  FILE\n" not in out  # the argument is not an option


def test_english_is_the_default_and_the_command_line_beats_the_environment() -> None:
    code, out, _ = run("--lang", "en", "tally", "--help", env={"LANG": "zh_TW.UTF-8"})
    assert code == 0 and "Counting rule." in out


@pytest.mark.parametrize(
    ("args", "environ", "expected"),
    [
        (["tally", "x.pb"], {}, "en"),
        (["--lang", "zh_Hant_TW", "tally"], {}, "zh_Hant_TW"),
        (["tally", "--lang", "zh_Hant_TW"], {}, "en"),  # after the subcommand it is the subcommand's
        ([], {"LANG": "zh_TW.UTF-8"}, "zh_Hant_TW"),
        ([], {"LC_ALL": "en_US.UTF-8", "LANG": "zh_TW.UTF-8"}, "en"),
        ([], {"LANG": "C"}, "en"),
    ],
)
def test_the_language_is_read_before_click_parses(args: list[str], environ: dict[str, str], expected: str) -> None:
    assert language(args, environ) == expected


def test_admin_grant_needs_a_role(tmp_path: Path) -> None:
    code, _, err = run("admin", "grant", "someone", env={"CIVIC_DATA_DIR": str(tmp_path / "data")})
    assert code == 2 and "--role" in err
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("args", [["rebuild"], ["admin", "list"], ["glossary", "export"]])
def test_commands_that_read_data_say_there_is_none_and_create_nothing(tmp_path: Path, args: list[str]) -> None:
    missing = tmp_path / "data"
    code, out, err = run(*args, env={"CIVIC_DATA_DIR": str(missing)})
    assert (code, out) == (1, "")
    assert str(missing) in err and "CIVIC_DATA_DIR" in err
    assert not missing.exists()


def test_no_data_is_said_in_chinese_too(tmp_path: Path) -> None:
    code, _, err = run("--lang", "zh_Hant_TW", "admin", "list", env={"CIVIC_DATA_DIR": str(tmp_path / "data")})
    assert code == 1 and "沒有資料" in err and "CIVIC_DATA_DIR" in err


def test_help_of_a_reading_command_needs_no_data(tmp_path: Path) -> None:
    code, out, _ = run("admin", "list", "--help", env={"CIVIC_DATA_DIR": str(tmp_path / "data")})
    assert code == 0 and "List accounts" in out


def test_the_language_of_one_command_does_not_stay_for_the_next() -> None:
    from web import i18n

    before = i18n.current_locale.get()
    run("--lang", "zh_Hant_TW", "--help")  # ends while Click parses
    run("--lang", "zh_Hant_TW", "tally", str(ASSEN), "--rule", "greedy")
    assert i18n.current_locale.get() == before


# --- the fast path of the installed ``civic`` program (civic.start) ----------------------------

START = """
import json, sys
from civic.start import dispatch
sys.argv[0] = "civic"
try:
    dispatch()
finally:
    print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""
# The installed program: ``dispatch``, then (after a plain tally) ``os._exit`` without teardown.
PROGRAM = "import sys; from civic.start import main; sys.argv[0] = 'civic'; main()"
CLICK = "import sys; from civic.cli import main; sys.argv[0] = 'civic'; main()"


def _run(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
    )


@pytest.mark.parametrize(
    ("args", "plain"),
    [
        (["tally", "f.pb"], ("f.pb", "mes-completed", False, False)),
        (["--lang", "en", "tally", "f.pb", "--rule", "mes", "--json"], ("f.pb", "mes", True, False)),
        (["--lang=zh", "tally", "--explain", "--rule=greedy", "f.pb"], ("f.pb", "greedy", False, True)),
        (["tally", "f.pb", "--help"], None),
        (["tally", "f.pb", "--rule", "lottery"], None),
        (["tally", "f.pb", "--rule"], None),
        (["tally", "f.pb", "g.pb"], None),
        (["tally", "f.pb", "--json", "--json"], None),
        (["tally", "-"], None),
        (["tally", "tests"], None),  # a directory: Click says so
        (["tally"], None),
        (["--verbose", "tally", "f.pb"], None),
        (["glossary", "export"], None),
        (["review", "tally", "f.csv"], None),
    ],
)
def test_only_a_plain_tally_takes_the_fast_path(args: list[str], plain: tuple[str, str, bool, bool] | None) -> None:
    from civic.start import tally_arguments

    assert tally_arguments(args) == plain


@pytest.mark.parametrize(
    "args",
    [
        ["tally", str(ASSEN), "--rule", "greedy", "--explain"],
        ["--lang", "zh_Hant_TW", "tally", str(ASSEN), "--rule", "mes", "--explain"],
        ["tally", str(ASSEN), "--json"],
        ["tally", "./nowhere.pb"],
        [
            "tally",
            str(ROOT / "tests" / "data" / "pabulib" / "Poland_Czestochowa_2024_Srodmiescie.pb"),
            "--rule=phragmen",
        ],
    ],
)
def test_the_fast_path_prints_what_click_prints_and_loads_no_click(args: list[str]) -> None:
    fast, slow = _run(START, *args), _run(CLICK, *args)
    modules = set(json.loads(fast.stderr.splitlines()[-1]))
    assert (fast.returncode, fast.stdout, fast.stderr.splitlines()[:-1]) == (
        slow.returncode,
        slow.stdout,
        slow.stderr.splitlines(),
    )
    assert not tops(modules) & {"click", "eventsourcing", *HEAVY}  # (mes-completed needs numpy)


# Standard modules a plain tally does without (each costs milliseconds of start-up; re with
# enum and functools about half of a plain tally of a small election on a slow machine).
UNNEEDED = {
    *("csv", "json", "typing", "dataclasses", "pathlib", "re", "enum", "functools", "collections"),
    *("fractions", "decimal", "_csv", "operator", "heapq"),
}
BARE = """
import sys
from civic.start import dispatch
sys.argv[0] = "civic"
try:
    dispatch()
finally:
    print(" ".join(sorted(sys.modules)), file=sys.stderr)  # (START imports json for this)
"""


@pytest.mark.parametrize("rule", ["greedy", "mes", "mes-completed", "phragmen"])
@pytest.mark.parametrize("options", [[], ["--json", "--explain"]])
def test_a_plain_tally_loads_no_standard_module_it_does_without(rule: str, options: list[str]) -> None:
    done = _run(BARE, "--lang", "en", "tally", str(ASSEN), "--rule", rule, *options)
    assert done.returncode == 0
    loaded = set(done.stderr.splitlines()[-1].split())
    assert not loaded & UNNEEDED
    if not options:  # a table of names in Latin letters: no JSON, no Unicode tables, no explanation
        assert not loaded & {"_json", "unicodedata", "types", "domain.tally.explain"}


@pytest.mark.parametrize(
    "args",
    [
        ["tally", str(ASSEN), "--rule", "greedy"],
        ["--lang", "zh_Hant_TW", "tally", str(ASSEN), "--rule", "mes", "--explain"],
        ["tally", str(ASSEN), "--json"],
        ["tally", "./nowhere.pb"],
    ],
)
def test_the_program_exits_at_once_with_everything_written(args: list[str]) -> None:
    quick, slow = _run(PROGRAM, *args), _run(CLICK, *args)
    assert (quick.returncode, quick.stdout, quick.stderr) == (slow.returncode, slow.stdout, slow.stderr)
    assert quick.stdout or quick.returncode


def test_everything_else_goes_to_click() -> None:
    done = _run(START, "tally", "--help")
    assert done.returncode == 0 and "Usage: civic tally" in done.stdout
    assert "click" in tops(set(json.loads(done.stderr.splitlines()[-1])))


@pytest.mark.parametrize(
    ("cpus", "lang", "said"),
    [
        ("9999", "en", "Give core numbers separated by commas, among"),
        ("zero", "en", "Give core numbers separated by commas, among"),
        (",", "zh_Hant_TW", "請輸入以逗號分隔的核心編號"),
    ],
)
def test_serve_refuses_cores_it_may_not_run_on_before_starting_anything(cpus: str, lang: str, said: str) -> None:
    result = CliRunner().invoke(main, ["--lang", lang, "serve", "--cpus", cpus])
    assert result.exit_code == 2 and said in result.output


def test_serve_cores_are_the_ones_named() -> None:
    from civic.commands.shell import cores

    allowed = sorted(os.sched_getaffinity(0))
    assert cores(str(allowed[0])) == {allowed[0]}
    assert cores(",".join(map(str, allowed))) == set(allowed)
