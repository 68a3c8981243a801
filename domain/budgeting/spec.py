"""A cycle's settings, from a TOML file (``civic cycle create SPEC.toml``) or the web form.

``parse(text)`` returns a ``CycleSpec`` or raises ``SpecError`` naming the problem (a code), the
key, and the line it is on: tomllib gives the line of a syntax error; for a value that parses but
is wrong, ``line_of`` finds the key's line in the text.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from domain.budgeting.errors import SpecError
from domain.tally import RULES

TOP_PER_AREA = "top-per-area"  # Cianjhen 2018: each area's most-voted project wins
COUNTING_RULES = (*RULES, TOP_PER_AREA)
BALLOT_KINDS = ("approval", "knapsack", "cumulative", "ranked")
PHASES = ("intake", "endorsement", "review", "voting", "counting", "results")
VOTING = "voting"
SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
RESERVED_SLUGS = ("new", "agencies", "mine", "proposals")  # the pages' own paths under /budgeting/
CODE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
MAX_TEXT = 200
MAX_AREAS = 100
MAX_PROJECTS = 200
MAX_BUDGET = 10**12  # NT$: a city's whole budget is far less

# Problem codes (the web and the command line word them)
SYNTAX = "syntax"
MISSING = "missing"
UNKNOWN_KEY = "unknown_key"
NOT_TEXT = "not_text"
NOT_A_NUMBER = "not_a_number"
NOT_POSITIVE = "not_positive"
TOO_LARGE = "too_large"
BAD_SLUG = "bad_slug"
BAD_CODE = "bad_code"
UNKNOWN_RULE = "unknown_rule"
UNKNOWN_KIND = "unknown_kind"
CHOICES_ORDER = "choices_order"
NO_DISTRICTS = "no_districts"
NO_AREAS = "no_areas"
DUPLICATE = "duplicate"
NOT_A_DATE = "not_a_date"
SCHEDULE_ORDER = "schedule_order"
UNKNOWN_PHASE = "unknown_phase"
TOO_LONG = "too_long"
OVER_BUDGET = "over_budget"
NOT_ONE_OF = "not_one_of"
NOT_FOR_KIND = "not_for_kind"

MAX_CHOICES = 1000  # "no limit": more than any area's ballot can hold (MAX_PROJECTS)
DECIDIM_MIN_SHARE = 70  # knapsack ``min_share = true``: Decidim's default minimum spend, in percent
PAPER_AFTER_ONLINE = ("replace", "refuse")  # Estonia: the paper ballot is final; or refuse it
# The [ballot] keys each kind reads; any other is a mistake in the file, refused with its line.
KIND_KEYS = {
    "approval": ("kind", "min_choices", "max_choices"),
    "knapsack": ("kind", "min_choices", "max_choices", "min_share"),
    "cumulative": ("kind", "min_choices", "max_choices", "points", "max_per_project"),
    "ranked": ("kind", "min_choices", "max_choices"),
}


@dataclass(frozen=True)
class Project:
    code: str
    title_zh: str
    title_en: str
    cost: int


@dataclass(frozen=True)
class Area:
    code: str
    name_zh: str
    name_en: str
    districts: tuple[str, ...]
    budget: int
    projects: tuple[Project, ...] = ()


@dataclass(frozen=True)
class Ballot:
    kind: str = "approval"
    min_choices: int = 1
    max_choices: int = 3
    points: int = 10  # cumulative
    max_per_project: int = 10  # cumulative
    min_share: int = 0  # knapsack: minimum share of the budget spent, in percent


@dataclass(frozen=True)
class VotingRules:
    other_area: bool = False  # True: a resident may vote in their own area or in one other area
    paper_after_online: str = "replace"  # a paper ballot after an online one: "replace" it or "refuse"


@dataclass(frozen=True)
class CountingRules:
    # Taipei: a project wins only with votes from at least this % of its area's eligible residents
    min_voters_percent: float = 0
    # Świecie: a project whose share of the votes is below cost ÷ (3 × budget) is not eligible
    min_vote_share: bool = False


@dataclass(frozen=True)
class Endorsement:
    threshold: int = 10  # endorsements a proposal needs ...
    days: int = 30  # ... within this many days of its submission, to go to review
    own: bool = False  # may authors endorse their own proposals?


@dataclass(frozen=True)
class CycleSpec:
    slug: str
    name_zh: str
    name_en: str
    rule: str
    min_age: int
    ballot: Ballot
    areas: tuple[Area, ...]
    endorsement: Endorsement = field(default_factory=Endorsement)
    schedule: dict[str, str] = field(default_factory=dict)  # phase → ISO date or datetime it opens
    voting: VotingRules = field(default_factory=VotingRules)
    counting: CountingRules = field(default_factory=CountingRules)

    def to_dict(self) -> dict[str, Any]:
        """As stored in events (JSON: lists, no tuples, no dates)."""
        data = asdict(self)
        data["areas"] = [
            {**area, "districts": list(area["districts"]), "projects": [dict(p) for p in area["projects"]]}
            for area in data["areas"]
        ]
        return data

    @staticmethod
    def from_dict(data: dict[str, Any]) -> CycleSpec:
        return CycleSpec(
            slug=data["slug"], name_zh=data["name_zh"], name_en=data["name_en"], rule=data["rule"],
            min_age=data["min_age"], ballot=Ballot(**data["ballot"]),
            areas=tuple(
                Area(**{**area, "districts": tuple(area["districts"]),
                        "projects": tuple(Project(**p) for p in area["projects"])})
                for area in data["areas"]
            ),
            endorsement=Endorsement(**data["endorsement"]), schedule=dict(data["schedule"]),
            # Cycles stored before part 2 have neither table: they get the defaults.
            voting=VotingRules(**data.get("voting", {})), counting=CountingRules(**data.get("counting", {})),
        )  # fmt: skip

    def area(self, code: str) -> Area | None:
        return next((area for area in self.areas if area.code == code), None)

    def project_codes(self) -> dict[str, str]:
        """The loaded projects' codes, each with its area's code."""
        return {project.code: area.code for area in self.areas for project in area.projects}

    def locked_part(self) -> tuple[Any, ...]:
        """What voting locks: the rule, the ballot, the areas and their budgets, who votes where, the thresholds."""
        return (self.rule, self.min_age, self.ballot, self.areas, self.voting, self.counting)


def parse(text: str) -> CycleSpec:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        raise SpecError(SYNTAX, "", int(match.group(1)) if match else 0, detail=str(error)) from None
    return check(data, text)


def check(data: dict[str, Any], text: str = "") -> CycleSpec:
    """The spec, or SpecError for the first problem (in the order of the file's keys)."""
    where = _Where(text)
    _known(data, ("slug", "name_zh", "name_en", "rule", "min_age", "ballot", "areas", "schedule", "endorsement",
                  "voting", "counting"), (), where)  # fmt: skip
    slug = _text(data, "slug", (), where)
    if not SLUG.match(slug) or slug in RESERVED_SLUGS:
        raise where.error(BAD_SLUG, (), "slug")
    name_zh, name_en = _text(data, "name_zh", (), where), _text(data, "name_en", (), where)
    rule = _text(data, "rule", (), where)
    if rule not in COUNTING_RULES:
        raise where.error(UNKNOWN_RULE, (), "rule", rule=rule, rules=", ".join(COUNTING_RULES))
    min_age = _int(data, "min_age", (), where, default=16, minimum=0, maximum=120)
    ballot = _ballot(_table(data, "ballot", where), where)
    endorsement = _endorsement(_table(data, "endorsement", where), where)
    areas = _areas(data, where)
    schedule = _schedule(_table(data, "schedule", where), where)
    voting = _voting(_table(data, "voting", where), where)
    counting = _counting(_table(data, "counting", where), where)
    return CycleSpec(slug, name_zh, name_en, rule, min_age, ballot, areas, endorsement, schedule, voting, counting)


def _ballot(table: dict[str, Any], where: _Where) -> Ballot:
    """The ballot's kind and the settings that kind reads (a key another kind reads is refused).

    approval: choose min_choices..max_choices projects (Taipei's Shilin 2017: 4 to 8).
    knapsack: projects whose total cost fits the area's budget, with Decidim's rules as options:
    ``min_share`` (percent of the budget spent at least; ``true`` means Decidim's 70), a minimum
    number and a maximum number of projects. Decidim lets a process use only one of them; here
    they may be combined, which includes each of Decidim's choices.
    cumulative: share ``points``, at most ``max_per_project`` on one project.
    ranked: rank at least min_choices and at most max_choices (k of top-k) projects.
    """
    path = ("ballot",)
    _known(table, tuple(dict.fromkeys(key for keys in KIND_KEYS.values() for key in keys)), path, where)
    kind = _text(table, "kind", path, where, default="approval")
    if kind not in BALLOT_KINDS:
        raise where.error(UNKNOWN_KIND, path, "kind", kind=kind, kinds=", ".join(BALLOT_KINDS))
    for key in table:
        if key not in KIND_KEYS[kind]:
            raise where.error(NOT_FOR_KIND, path, key, kind=kind, known=", ".join(KIND_KEYS[kind]))
    # A knapsack or points ballot has no natural maximum number: the budget or the points limit it.
    open_ended = kind in ("knapsack", "cumulative")
    low = _int(table, "min_choices", path, where, default=1, minimum=0, maximum=MAX_CHOICES)
    high_default = MAX_CHOICES if open_ended else max(low, 3)
    high = _int(table, "max_choices", path, where, default=high_default, minimum=1, maximum=MAX_CHOICES)
    if high < low:
        raise where.error(CHOICES_ORDER, path, "max_choices", min=low, max=high)
    points = _int(table, "points", path, where, default=10, minimum=1, maximum=10000)
    per_project = _int(table, "max_per_project", path, where, default=points, minimum=1, maximum=points)
    if table.get("min_share") is True:
        share = DECIDIM_MIN_SHARE
    elif table.get("min_share") is False:
        share = 0
    else:
        share = _int(table, "min_share", path, where, default=0, minimum=0, maximum=100)
    return Ballot(kind, low, high, points, per_project, share)


def _voting(table: dict[str, Any], where: _Where) -> VotingRules:
    path = ("voting",)
    _known(table, ("other_area", "paper_after_online"), path, where)
    other_area = _bool(table, "other_area", path, where)
    paper = _text(table, "paper_after_online", path, where, default="replace")
    if paper not in PAPER_AFTER_ONLINE:
        raise where.error(NOT_ONE_OF, path, "paper_after_online", value=paper, choices=", ".join(PAPER_AFTER_ONLINE))
    return VotingRules(other_area, paper)


def _counting(table: dict[str, Any], where: _Where) -> CountingRules:
    path = ("counting",)
    _known(table, ("min_voters_percent", "min_vote_share"), path, where)
    percent = table.get("min_voters_percent", 0)
    if isinstance(percent, bool) or not isinstance(percent, int | float) or percent != percent:
        raise where.error(NOT_A_NUMBER, path, "min_voters_percent", value=str(percent))
    if percent < 0:
        raise where.error(NOT_POSITIVE, path, "min_voters_percent", least=0)
    if percent > 100:
        raise where.error(TOO_LARGE, path, "min_voters_percent", most=100)
    return CountingRules(float(percent), _bool(table, "min_vote_share", path, where))


def _endorsement(table: dict[str, Any], where: _Where) -> Endorsement:
    path = ("endorsement",)
    _known(table, ("threshold", "days", "own"), path, where)
    threshold = _int(table, "threshold", path, where, default=10, minimum=1, maximum=10**7)
    days = _int(table, "days", path, where, default=30, minimum=1, maximum=3650)
    return Endorsement(threshold, days, _bool(table, "own", path, where))


def _areas(data: dict[str, Any], where: _Where) -> tuple[Area, ...]:
    raw = data.get("areas")
    if not raw:
        raise where.error(NO_AREAS, (), "areas")
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise where.error(NO_AREAS, (), "areas")
    if len(raw) > MAX_AREAS:
        raise where.error(TOO_LARGE, (), "areas", most=MAX_AREAS)
    areas: list[Area] = []
    codes: set[str] = set()  # project codes: unique within the cycle (counting and the .pb export use them)
    for index, item in enumerate(raw):
        path = ("areas", index)
        _known(item, ("code", "name_zh", "name_en", "districts", "budget", "projects"), path, where)
        code = _text(item, "code", path, where)
        if not CODE.match(code):
            raise where.error(BAD_CODE, path, "code")
        if any(area.code == code for area in areas):
            raise where.error(DUPLICATE, path, "code", value=code)
        name_zh, name_en = _text(item, "name_zh", path, where), _text(item, "name_en", path, where)
        districts = item.get("districts")
        if not isinstance(districts, list) or not districts:
            raise where.error(NO_DISTRICTS, path, "districts" if "districts" in item else "code", area=code)
        if not all(isinstance(d, str) and d.strip() and len(d) <= MAX_TEXT for d in districts):
            raise where.error(NOT_TEXT, path, "districts")
        budget = _int(item, "budget", path, where, minimum=1, maximum=MAX_BUDGET)
        projects = _projects(item.get("projects", []), path, budget, codes, where)
        areas.append(Area(code, name_zh, name_en, tuple(d.strip() for d in districts), budget, projects))
    return tuple(areas)


def _projects(raw: Any, area_path: tuple[Any, ...], budget: int, codes: set[str], where: _Where) -> tuple[Project, ...]:
    """An area's ballot loaded from the file: each code once in the whole cycle, each cost within the budget."""
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise where.error(NOT_TEXT, area_path, "projects")
    if len(raw) > MAX_PROJECTS:
        raise where.error(TOO_LARGE, area_path, "projects", most=MAX_PROJECTS)
    projects: list[Project] = []
    for index, item in enumerate(raw):
        path = (*area_path, "projects", index)
        _known(item, ("code", "title_zh", "title_en", "cost"), path, where)
        code = _text(item, "code", path, where)
        if not CODE.match(code):
            raise where.error(BAD_CODE, path, "code")
        if code in codes:
            raise where.error(DUPLICATE, path, "code", value=code)
        codes.add(code)
        title_zh, title_en = _text(item, "title_zh", path, where), _text(item, "title_en", path, where)
        cost = _int(item, "cost", path, where, minimum=1, maximum=MAX_BUDGET)
        if cost > budget:
            raise where.error(OVER_BUDGET, path, "cost", cost=f"{cost:,}", budget=f"{budget:,}")
        projects.append(Project(code, title_zh, title_en, cost))
    return tuple(projects)


def _schedule(table: dict[str, Any], where: _Where) -> dict[str, str]:
    path = ("schedule",)
    schedule: dict[str, str] = {}
    previous: datetime | None = None
    for key in table:
        if key not in PHASES:
            raise where.error(UNKNOWN_PHASE, path, key, phases=", ".join(PHASES))
    for phase in PHASES:
        if phase not in table:
            continue
        value = table[phase]
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value) if "T" in value or " " in value else date.fromisoformat(value)
            except ValueError:
                raise where.error(NOT_A_DATE, path, phase) from None
        if isinstance(value, datetime):
            moment = value.replace(tzinfo=None)
        elif isinstance(value, date):
            moment = datetime(value.year, value.month, value.day)
        else:
            raise where.error(NOT_A_DATE, path, phase)
        if previous is not None and moment <= previous:
            raise where.error(SCHEDULE_ORDER, path, phase)
        previous = moment
        schedule[phase] = value.isoformat()
    return schedule


# --- fields -------------------------------------------------------------------------------------


def _table(data: dict[str, Any], key: str, where: _Where) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise where.error(NOT_TEXT, (), key)
    return value


def _known(table: dict[str, Any], keys: tuple[str, ...], path: tuple[Any, ...], where: _Where) -> None:
    for key in table:
        if key not in keys:
            raise where.error(UNKNOWN_KEY, path, key, known=", ".join(keys))


def _text(table: dict[str, Any], key: str, path: tuple[Any, ...], where: _Where, default: str | None = None) -> str:
    if key not in table:
        if default is not None:
            return default
        raise where.error(MISSING, path, key)
    value = table[key]
    if not isinstance(value, str) or not value.strip():
        raise where.error(NOT_TEXT if not isinstance(value, str) else MISSING, path, key)
    if len(value) > MAX_TEXT or any(ord(char) < 32 for char in value):
        raise where.error(TOO_LONG, path, key, most=MAX_TEXT)
    return value.strip()


def _bool(table: dict[str, Any], key: str, path: tuple[Any, ...], where: _Where) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        raise where.error(NOT_TEXT, path, key)
    return value


def _int(
    table: dict[str, Any], key: str, path: tuple[Any, ...], where: _Where, *,
    default: int | None = None, minimum: int = 0, maximum: int = MAX_BUDGET,
) -> int:  # fmt: skip
    if key not in table:
        if default is not None:
            return default
        raise where.error(MISSING, path, key)
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise where.error(NOT_A_NUMBER, path, key, value=str(value))
    if value < minimum:
        raise where.error(NOT_POSITIVE, path, key, least=minimum)
    if value > maximum:
        raise where.error(TOO_LARGE, path, key, most=maximum)
    return value


class _Where:
    """Finds the line of a key in the TOML text: a small scan of table headers and keys."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def error(self, code: str, path: tuple[Any, ...], key: str, **params: object) -> SpecError:
        shown = ".".join(str(part + 1) if isinstance(part, int) else part for part in (*path, key))
        return SpecError(code, shown, line_of(self.lines, path, key), **params)


HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\s\"-]+?)\s*\]\]?\s*(?:#.*)?$")
KEY = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")


def line_of(lines: list[str], path: tuple[Any, ...], key: str) -> int:
    """The 1-based line where ``key`` is set inside the table at ``path`` (or that table's header).

    ``path`` is like ``("areas", 1, "projects", 0)``: the second ``[[areas]]`` and its first
    ``[[areas.projects]]``. Returns 0 when the key is not written in the text at all.
    """
    names = [part for part in path if isinstance(part, str)]
    wanted_table = ".".join(names)
    indexes = [part for part in path if isinstance(part, int)]
    counts: dict[str, int] = {}
    current, header_line, found = "", 0, not names
    # The array-of-tables position of every enclosing table must match.
    position: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        header = HEADER.match(line)
        if header:
            current = re.sub(r"\s+", "", header.group(2)).replace('"', "")
            if header.group(1) == "[[":
                counts[current] = counts.get(current, -1) + 1
                position[current] = counts[current]
                for deeper in [name for name in position if name.startswith(current + ".")]:
                    counts.pop(deeper, None)
                    position.pop(deeper, None)
            found = current == wanted_table and _same(position, names, indexes)
            if found:
                header_line = number
            continue
        if found:
            match = KEY.match(line)
            if match and match.group(1) == key:
                return number
    return header_line


def _same(position: dict[str, int], names: list[str], indexes: list[int]) -> bool:
    prefixes = [".".join(names[: end + 1]) for end in range(len(names))]
    arrays = [prefix for prefix in prefixes if prefix in position]
    return [position[prefix] for prefix in arrays] == indexes[: len(arrays)] and len(arrays) == len(indexes)
