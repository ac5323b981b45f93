"""Opening the database a command works on, and bulk-loading records into it.

``--db`` takes an SQLite file path or a PostgreSQL URL. A missing file, a file that is
not a database, a server that does not answer or a schema that needs upgrading are user
mistakes: each becomes one :class:`UsageError` line naming the database and what to do.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from crm_core.cli._common import UsageError
from crm_core.demo import DemoRecord
from crm_core.domain.action import CorrectiveAction
from crm_core.domain.case import Case
from crm_core.domain.customer import Customer
from crm_core.domain.dealer import Dealer, Staff
from crm_core.domain.insurance import InsurancePolicy
from crm_core.domain.interaction import Interaction
from crm_core.domain.membership import ClubMember, PointsEntry, Referral
from crm_core.domain.ports.storage import UnitOfWork
from crm_core.domain.survey import SurveyResponse
from crm_core.domain.task import FollowUpTask
from crm_core.domain.vehicle import Ownership, Vehicle
from crm_core.errors import CrmCoreError

__all__ = ["describe", "insert_records", "open_storage"]


def describe(url: str) -> str:
    """The database as it may be shown: a PostgreSQL URL without its password."""
    if "://" not in url:
        return url
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url


def open_storage(url: str, *, create: bool = False, upgrade: bool = False) -> Any:
    """An :class:`~crm_core.adapters.sql.SqlStorage` on ``url``, checked to be usable.

    ``create``: an SQLite file may be created. ``upgrade``: bring the schema to the newest
    revision (otherwise a database behind the newest revision is refused, with the
    command that upgrades it).
    """
    try:
        from crm_core.adapters.sql import SqlStorage, current_revision, head_revision
    except ImportError as exc:  # pragma: no cover - the `cli` extra brings SQLAlchemy
        raise UsageError(f"the SQL adapter needs the 'sql' extra: {exc}") from exc
    if not url.strip():  # Path("") is the working directory: say what is wrong instead
        raise UsageError("--db is empty: give an SQLite file path or a PostgreSQL URL")
    shown = describe(url)
    if "://" not in url:
        path = Path(url)
        if path.is_dir():
            raise UsageError(f"{shown} is a directory, not a database file")
        if not path.exists() and not create:
            raise UsageError(f"no database at {shown} (crm-core demo --db {shown} creates one)")
    try:
        revision = current_revision(url)
        if upgrade or (create and revision is None):
            storage = SqlStorage.open(url, upgrade=True)
        else:
            if revision != head_revision():
                raise UsageError(
                    f"the database {shown} is at schema revision {revision or 'none'}; "
                    f"run: crm-core db upgrade --db {shown}"
                )
            storage = SqlStorage.open(url, upgrade=False)
    except UsageError:
        raise
    except CrmCoreError as exc:
        raise UsageError(f"cannot use the database {shown}: {_first_line(exc)}") from exc
    except Exception as exc:
        raise UsageError(f"cannot open the database {shown}: {_first_line(exc)}") from exc
    return storage


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


# Insert order: every record after the records it refers to.
_ORDER: tuple[tuple[type, Callable[[UnitOfWork], Any]], ...] = (
    (Staff, lambda u: u.staff),
    (Customer, lambda u: u.customers),
    (Vehicle, lambda u: u.vehicles),
    (Ownership, lambda u: u.ownerships),
    (Interaction, lambda u: u.interactions),
    (FollowUpTask, lambda u: u.tasks),
    (Case, lambda u: u.cases),
    (ClubMember, lambda u: u.club_members),
    (PointsEntry, lambda u: u.points),
    (Referral, lambda u: u.referrals),
    (InsurancePolicy, lambda u: u.insurance_policies),
    (SurveyResponse, lambda u: u.survey_responses),
    (CorrectiveAction, lambda u: u.corrective_actions),
)


def insert_records(uow: UnitOfWork, records: Iterable[DemoRecord]) -> int:
    """Add ``records`` through the repositories in one unit of work, by type in reference
    order, with each repository's bulk path; returns how many were stored."""
    by_type: dict[type, list[Any]] = defaultdict(list)
    dealers: list[Dealer] = []
    for record in records:
        if isinstance(record, Dealer):
            dealers.append(record)
        else:
            by_type[type(record)].append(record)
    stored = 0
    for dealer in dealers:
        uow.dealers.add(dealer)
        stored += 1
    for record_type, repository in _ORDER:
        batch = by_type.pop(record_type, [])
        if batch:
            stored += repository(uow).add_many(batch)
    if by_type:
        raise TypeError(f"no repository for {sorted(t.__name__ for t in by_type)}")
    return stored
