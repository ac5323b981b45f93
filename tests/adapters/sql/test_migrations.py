"""Migrations: from an empty database and from every earlier revision, on both backends,
to exactly the schema the adapter's tables describe — with the data kept."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from crm_core.adapters.sql import (
    SqlStorage,
    create_engine,
    current_revision,
    head_revision,
    upgrade,
)
from crm_core.adapters.sql.migrate import downgrade, revisions
from crm_core.adapters.sql.schema import metadata
from crm_core.domain.anchor import AnchorKind
from crm_core.domain.ids import CustomerId
from crm_core.domain.ports.storage import DateRange
from crm_core.errors import RepositoryError, ValidationError
from crm_core.testing.postgres import create_database, drop_database
from crm_core.testing.records import (
    D1,
    corrective_action,
    customer,
    insurance_policy,
    survey_response,
    vehicle,
)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "crm.db")
        return
    url = create_database("crm_core_migrations")
    yield url
    drop_database(url)


def _schema_differences(url: str) -> list[object]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


def test_revisions_form_one_line_of_history() -> None:
    assert revisions() == ["0001", "0002", "0003", "0004", "0005", "0006"]
    assert head_revision() == "0006"


def test_upgrade_from_empty_reaches_the_adapters_schema(empty_database: str) -> None:
    assert current_revision(empty_database) is None
    upgrade(empty_database)
    assert current_revision(empty_database) == "0006"
    assert _schema_differences(empty_database) == []
    upgrade(empty_database)  # a second run has nothing to do
    assert current_revision(empty_database) == "0006"


@pytest.mark.parametrize("start", ["0001", "0002", "0003", "0004", "0005"])
def test_upgrade_from_every_earlier_revision_keeps_data(empty_database: str, start: str) -> None:
    upgrade(empty_database, start)
    assert current_revision(empty_database) == start
    engine = create_engine(empty_database)
    with engine.begin() as conn:  # a customer written by the code of that revision
        conn.execute(
            sa.text(
                "INSERT INTO customers (dealer_id, id, type, name, gender, birthday, "
                "do_not_disturb, complaining, blacklisted, redlisted, opted_out_channels, "
                "version, updated_at) VALUES ('D1', 'C1', 'individual', '王芳', 'unknown', "
                ":birthday, false, false, false, false, '[]', 1, :now)"
            ),
            {"birthday": date(1990, 12, 31), "now": "2026-03-01 00:00:00.000000"},
        )
        if start >= "0003":  # from 0003 on, the adapter writes the derived column itself
            conn.execute(sa.text("UPDATE customers SET birthday_md = 1231"))
    engine.dispose()

    upgrade(empty_database)

    assert _schema_differences(empty_database) == []
    storage = SqlStorage.open(empty_database, upgrade=False)
    with storage.unit_of_work() as uow:
        found = uow.anchors.subjects(  # the backfilled birthday column serves the agenda
            D1,
            {AnchorKind.BIRTHDAY: [DateRange(date(2026, 12, 30), date(2027, 1, 2))]},
            tz=ZoneInfo("Asia/Shanghai"),
        )
        uow.club_members.add_many([])  # tables of later revisions exist
        uow.vehicles.add(vehicle("V1"))
        uow.insurance_policies.add(insurance_policy("P1", "V1", customer_id=CustomerId("C1")))
        uow.survey_responses.add(survey_response("S1", customer_id=CustomerId("C1")))
        uow.corrective_actions.add(corrective_action("A1"))
        renewals_due = uow.insurance_policies.ending_between(
            D1, DateRange(date(2027, 2, 1), date(2027, 2, 28))
        )
    storage.close()
    assert [(s.customer.id, s.customer.name, s.hits[0].on) for s in found] == [
        ("C1", "王芳", date(2026, 12, 31))
    ]
    assert [p.id for p in renewals_due] == ["P1"]


def test_downgrade_to_nothing_and_back(empty_database: str) -> None:
    upgrade(empty_database)
    storage = SqlStorage.open(empty_database, upgrade=False)
    with storage.unit_of_work() as uow:
        uow.customers.add(customer("C1"))
        uow.vehicles.add(vehicle("V1"))
        uow.insurance_policies.add(insurance_policy("P1", "V1", customer_id=CustomerId("C1")))
        uow.survey_responses.add(survey_response("S1", customer_id=CustomerId("C1")))
    storage.close()
    downgrade(empty_database, "0005")
    assert current_revision(empty_database) == "0005"
    assert not {"insurance_policies", "survey_responses", "corrective_actions"} & set(
        sa.inspect(create_engine(empty_database)).get_table_names()
    )
    downgrade(empty_database, "0002")
    assert current_revision(empty_database) == "0002"
    downgrade(empty_database, "base")
    assert current_revision(empty_database) is None
    upgrade(empty_database)
    assert _schema_differences(empty_database) == []


def test_open_upgrades_a_new_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    storage = SqlStorage.open(path)
    with storage.unit_of_work() as uow:
        uow.customers.add(customer("C1"))
    storage.close()
    assert current_revision(path) == head_revision()


def test_unknown_revision_is_a_repository_error(tmp_path: Path) -> None:
    with pytest.raises(RepositoryError):
        upgrade(tmp_path / "x.db", "9999")
    with pytest.raises(ValidationError):
        upgrade("mysql://localhost/crm")
