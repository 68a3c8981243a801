"""Verification and casting as the platform wires them: the census read model, the keys from the
data directory, the ballot box in its own file, and the ballots view following it."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest

from civic.services import build_services
from civic.settings import Settings
from domain.accounts import STAFF
from domain.budgeting.errors import VerificationError
from domain.budgeting.spec import parse
from projections import ballot_queries
from tests.unit.budgeting.voting_fixtures import ANN, BEN, CHI, IN_VOTING, ISSUER, OUTSIDER, SLUG, SPEC, census_csv


def test_a_resident_imported_in_the_census_verifies_votes_and_the_receipt_is_in_the_box(tmp_path: Path) -> None:
    services = build_services(Settings(data_dir=tmp_path))
    try:
        staff = str(services.accounts.grant_from_command_line(ISSUER, "stan", STAFF).result)
        alice = str(services.accounts.sign_in(ISSUER, "alice", "Alice").result)
        services.budgeting.create_cycle(parse(SPEC.format(kind="approval")), staff)
        services.census.import_census(SLUG, census_csv(ANN, BEN, CHI), staff, today=date(2027, 2, 1))
        services.catch_up()

        with pytest.raises(VerificationError):
            services.voting.verify(SLUG, alice, OUTSIDER.number, OUTSIDER.born, IN_VOTING)
        assert services.voting.verify(SLUG, alice, ANN.number, ANN.born, IN_VOTING).result == "hamasen"
        cast = services.voting.cast_online(SLUG, alice, "hamasen", {"H1": 1}, IN_VOTING)

        asyncio.run(services.wait_for(cast.position, ["ballots"]))
        with services.reader("ballots") as db:
            assert ballot_queries.receipt_status(db, SLUG, cast.result) == ballot_queries.ReceiptStatus(
                cast.result, True
            )
            assert list(ballot_queries.ballots_of_area(db, SLUG, "hamasen")) == [{"H1": 1}]
        services.catch_up()
        with services.reader("bindings") as db:
            assert ballot_queries.binding_of(db, SLUG, alice)["area"] == "hamasen"  # type: ignore[index]
    finally:
        services.close()
    assert (tmp_path / "ballot.key").exists() and (tmp_path / "ballots.db").exists()
