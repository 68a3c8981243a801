"""A cycle in its voting phase with a census, on real SQLite files: the main log and the ballot box."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from domain.accounts import STAFF, Accounts
from domain.budgeting.ballot_box import BallotBox, BallotKeys
from domain.budgeting.census import CensusEntry, CensusKeys, read_census
from domain.budgeting.service import Budgeting
from domain.budgeting.spec import parse
from domain.budgeting.voting import Voting
from domain.eventlog import EventLog

ISSUER = "https://id.example.tw"
CENSUS_KEY = b"census-key-for-tests-0123456789"
BALLOT_KEY = b"ballot-key-for-tests-9876543210"
SLUG = "hamasen-2027"
SPEC = """\
slug = "hamasen-2027"
name_zh = "哈瑪星參與式預算 2027"
name_en = "Hamasen Participatory Budgeting 2027"
rule = "greedy"
min_age = 16

[ballot]
kind = "{kind}"
min_choices = 1
max_choices = 2

[schedule]
intake = 2027-01-01
voting = 2027-04-01
counting = 2027-05-01

[[areas]]
code = "hamasen"
name_zh = "哈瑪星"
name_en = "Hamasen"
districts = ["鼓山區"]
budget = 3000000

[[areas.projects]]
code = "H1"
title_zh = "步道"
title_en = "Footpath"
cost = 2000000

[[areas.projects]]
code = "H2"
title_zh = "路燈"
title_en = "Street lights"
cost = 1500000

[[areas.projects]]
code = "H3"
title_zh = "長椅"
title_en = "Benches"
cost = 500000

[[areas]]
code = "pier2"
name_zh = "駁二"
name_en = "Pier-2"
districts = ["鹽埕區"]
budget = 2000000

[[areas.projects]]
code = "P9"
title_zh = "藝術牆"
title_en = "Art wall"
cost = 800000
"""
IN_VOTING = datetime(2027, 4, 10, 10, 0)
AFTER_VOTING = datetime(2027, 5, 2, 10, 0)
_LETTERS = {letter: value for value, letter in enumerate("ABCDEFGHJKLMNPQRSTUVXYWZIO", start=10)}
_WEIGHTS = (1, 9, 8, 7, 6, 5, 4, 3, 2, 1)


def national_id(letter: str, body: str) -> str:
    """A valid number: ``letter`` + 8 digits of ``body`` (the first 1 or 2) + its check digit."""
    value = _LETTERS[letter]
    digits = [value // 10, value % 10, *(int(d) for d in body)]
    total = sum(d * w for d, w in zip(digits, _WEIGHTS, strict=True))
    return f"{letter}{body}{(10 - total % 10) % 10}"


@dataclass(frozen=True)
class Resident:
    number: str
    born: date
    district: str


ANN = Resident(national_id("E", "22345671"), date(1980, 3, 4), "鼓山區")
BEN = Resident(national_id("E", "12345672"), date(1995, 12, 30), "鼓山區")
CHI = Resident(national_id("E", "22345673"), date(1960, 7, 1), "鹽埕區")
KID = Resident(national_id("E", "12345674"), date(2011, 6, 1), "鼓山區")  # 15 on the closing day
DAN = Resident(national_id("E", "12345676"), date(2000, 1, 1), "鹽埕區")
OUTSIDER = Resident(national_id("E", "22345675"), date(1970, 1, 1), "鼓山區")  # not in the census


@dataclass
class Box:
    """Everything a voting test needs, on two SQLite files."""

    log: EventLog
    box: BallotBox
    accounts: Accounts
    budgeting: Budgeting
    voting: Voting
    census: dict[str, CensusEntry]
    staff: str
    alice: str
    bob: str
    carol: str
    keys: CensusKeys = field(default_factory=lambda: CensusKeys(CENSUS_KEY))


def census_csv(*residents: Resident) -> bytes:
    lines = ["id_number,birth_date,district"] + [f"{r.number},{r.born.isoformat()},{r.district}" for r in residents]
    return ("\n".join(lines) + "\n").encode()


def open_box(tmp_path: Path, kind: str = "approval", extra: str = "") -> Iterator[Box]:
    log = EventLog(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "events.db"),
                        "SQLITE_LOCK_TIMEOUT": "30"})  # fmt: skip
    box = BallotBox(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "ballots.db"),
                         "SQLITE_LOCK_TIMEOUT": "30"})  # fmt: skip
    accounts = Accounts(log)
    staff = str(accounts.grant_from_command_line(ISSUER, "stan", STAFF).result)
    people = [str(accounts.sign_in(ISSUER, name, name.title()).result) for name in ("alice", "bob", "carol")]
    budgeting = Budgeting(log, accounts)
    spec = parse(SPEC.format(kind=kind) + extra)
    budgeting.create_cycle(spec, staff)
    keys = CensusKeys(CENSUS_KEY)
    entries = read_census(census_csv(ANN, BEN, CHI, KID, DAN), keys, ["鼓山區", "鹽埕區"], date(2027, 1, 1))
    census = {entry.person: entry for entry in entries}
    voting = Voting(log, box, accounts, keys, BallotKeys(BALLOT_KEY), lambda slug, person: census.get(person))
    yield Box(log, box, accounts, budgeting, voting, census, staff, *people)
    box.close()
    log.close()
