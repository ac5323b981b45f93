"""Personal-data requests (PIPL art. 45 and 47, GDPR art. 15 and 17): access and erasure.

Both are written once, on the storage ports alone, so every adapter — a host's own
included — answers them the same way; :class:`~crm_core.domain.ports.UnitOfWork` exposes
them as ``uow.export_customer(...)`` and ``uow.erase_customer(...)``.

Erasure anonymises rather than deletes: the repair order stays in last month's KPIs and
the callback's satisfaction score in the CSI average, but nothing in them says whose they
were. The customer id stays as a pseudonym so the records still hang together. Vehicle
files are the car's, not the person's (the next owner services the same car), and stay.
An insurance policy keeps its term, its renewal link and who sold it (all the renewal rate
reads) and loses the insurer and premium; a survey response holds scores and answers to
fixed questions, nothing that names anyone, and stays as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from crm_core.domain.case import Case
from crm_core.domain.customer import Customer, Gender
from crm_core.domain.ids import CustomerId, DealerId
from crm_core.domain.insurance import InsurancePolicy
from crm_core.domain.interaction import Interaction, RepairOrder, Sale
from crm_core.domain.membership import ClubMember
from crm_core.domain.message import MessageStatus, OutboxMessage
from crm_core.domain.serialization import make_converter
from crm_core.domain.task import FollowUpTask, TaskStatus

if TYPE_CHECKING:
    from crm_core.domain.ports.storage import Repository, StoredRecord, UnitOfWork

__all__ = ["ERASED", "EXPORT_FORMAT", "erase_customer", "export_customer"]

ERASED = "[erased]"
"""What replaces required text fields (a name, a message body) of an erased customer."""

EXPORT_FORMAT = "crm_core.customer_export/1"

_ERASED_REASON = "customer data erased on request"

R = TypeVar("R", bound="StoredRecord")


def export_customer(
    uow: UnitOfWork, dealer_id: DealerId, customer_id: CustomerId
) -> dict[str, Any]:
    """Everything the store holds on one customer, as JSON-ready data.

    >>> from crm_core.adapters.memory import MemoryStorage
    >>> from crm_core import Customer, CustomerType, DealerId, CustomerId
    >>> storage = MemoryStorage()
    >>> with storage.unit_of_work() as uow:
    ...     _ = uow.customers.add(Customer(id=CustomerId("C1"), dealer_id=DealerId("D1"),
    ...                                    type=CustomerType.INDIVIDUAL, name="王芳"))
    ...     data = uow.export_customer(DealerId("D1"), CustomerId("C1"))
    >>> data["format"], data["customer"]["name"], data["interactions"]
    ('crm_core.customer_export/1', '王芳', [])
    """
    conv = make_converter()
    customer = uow.customers.get(dealer_id, customer_id)
    ownerships = uow.ownerships.of_customer(dealer_id, customer_id)
    vehicles = uow.vehicles.get_many(dealer_id, {o.vehicle_id for o in ownerships})
    members = uow.club_members.of_customer(dealer_id, customer_id)
    points = [e for m in members for e in uow.points.of_member(dealer_id, m.id)]
    return {
        "format": EXPORT_FORMAT,
        "dealer_id": dealer_id,
        "customer_id": customer_id,
        "customer": conv.unstructure(customer),
        "ownerships": conv.unstructure(ownerships),
        "vehicles": [conv.unstructure(vehicles[k]) for k in sorted(vehicles)],
        "interactions": conv.unstructure(uow.interactions.of_customer(dealer_id, customer_id)),
        "cases": conv.unstructure(uow.cases.of_customer(dealer_id, customer_id)),
        "tasks": conv.unstructure(uow.tasks.of_customer(dealer_id, customer_id)),
        "messages": conv.unstructure(uow.outbox.of_customer(dealer_id, customer_id)),
        "club_members": conv.unstructure(members),
        "points": conv.unstructure(points),
        "referrals": conv.unstructure(uow.referrals.involving(dealer_id, customer_id)),
        "insurance_policies": conv.unstructure(
            uow.insurance_policies.of_customer(dealer_id, customer_id)
        ),
        "survey_responses": conv.unstructure(
            uow.survey_responses.of_customer(dealer_id, customer_id)
        ),
        "audit": conv.unstructure(uow.audit.for_subject(dealer_id, "customer", customer_id)),
    }


def erase_customer(uow: UnitOfWork, dealer_id: DealerId, customer_id: CustomerId) -> int:
    """Anonymise a customer and what is recorded about them; returns the number of
    records changed (0 when run again: erasure is idempotent).

    >>> from crm_core.adapters.memory import MemoryStorage
    >>> from crm_core import Customer, CustomerType, DealerId, CustomerId
    >>> storage = MemoryStorage()
    >>> with storage.unit_of_work() as uow:
    ...     _ = uow.customers.add(Customer(id=CustomerId("C1"), dealer_id=DealerId("D1"),
    ...                                    type=CustomerType.INDIVIDUAL, name="王芳",
    ...                                    mobile="13812345678"))
    ...     changed = uow.erase_customer(DealerId("D1"), CustomerId("C1"))
    ...     erased = uow.customers.get(DealerId("D1"), CustomerId("C1"))
    >>> changed, erased.name, erased.mobile, erased.do_not_disturb
    (1, '[erased]', None, True)
    """
    changed = _save(uow.customers, [_erase_customer(uow.customers.get(dealer_id, customer_id))])
    changed += _save(
        uow.interactions,
        [_erase_interaction(i) for i in uow.interactions.of_customer(dealer_id, customer_id)],
    )
    changed += _save(
        uow.cases, [_erase_case(c) for c in uow.cases.of_customer(dealer_id, customer_id)]
    )
    changed += _save(
        uow.tasks, [_erase_task(t) for t in uow.tasks.of_customer(dealer_id, customer_id)]
    )
    changed += _save(
        uow.outbox, [_erase_message(m) for m in uow.outbox.of_customer(dealer_id, customer_id)]
    )
    changed += _save(
        uow.club_members,
        [_erase_member(m) for m in uow.club_members.of_customer(dealer_id, customer_id)],
    )
    changed += _save(
        uow.insurance_policies,
        [_erase_policy(p) for p in uow.insurance_policies.of_customer(dealer_id, customer_id)],
    )
    return changed


def _save(repo: Repository[R, Any], pairs: list[tuple[R, R]]) -> int:
    changed = 0
    for before, after in pairs:
        if after != before:
            repo.update(after)
            changed += 1
    return changed


def _erase_customer(c: Customer) -> tuple[Customer, Customer]:
    return c, attrs.evolve(
        c,
        name=ERASED,
        gender=Gender.UNKNOWN,
        category=None,
        mobile=None,
        office_phone=None,
        home_phone=None,
        company_address=None,
        home_address=None,
        postcode=None,
        id_type=None,
        id_number=None,
        industry=None,
        occupation=None,
        email=None,
        birthday=None,
        preferences=None,
        characteristics=None,
        uscc=None,
        contact_person=None,
        do_not_disturb=True,
    )


def _erase_interaction(i: Interaction) -> tuple[Interaction, Interaction]:
    detail = i.detail
    if isinstance(detail, RepairOrder):
        detail = attrs.evolve(
            detail,
            reporter_name=None,
            reporter_phone=None,
            callback_phone=None,
            preferred_callback_time=None,
        )
    elif isinstance(detail, Sale):
        detail = attrs.evolve(detail, remarks=None)
    return i, attrs.evolve(i, notes=None, detail=detail)


def _erase_case(c: Case) -> tuple[Case, Case]:
    history = tuple(attrs.evolve(h, note=None) for h in c.history)
    return c, attrs.evolve(
        c, caller_name=None, caller_phone=None, content=None, remarks=None, history=history
    )


def _erase_task(t: FollowUpTask) -> tuple[FollowUpTask, FollowUpTask]:
    if t.status in (TaskStatus.PLANNED, TaskStatus.DEFERRED):
        return t, attrs.evolve(
            t, explanation=ERASED, status=TaskStatus.CANCELLED, status_reason=_ERASED_REASON
        )
    return t, attrs.evolve(t, explanation=ERASED)


def _erase_message(m: OutboxMessage) -> tuple[OutboxMessage, OutboxMessage]:
    after = attrs.evolve(m, recipient=ERASED, body=ERASED, subject=None, html_body=None)
    if m.status in (MessageStatus.QUEUED, MessageStatus.SENDING):
        after = attrs.evolve(
            after,
            status=MessageStatus.SUPPRESSED,
            last_error=_ERASED_REASON,
            lease_owner=None,
            lease_until=None,
            next_attempt_at=None,
        )
    return m, after


def _erase_member(m: ClubMember) -> tuple[ClubMember, ClubMember]:
    return m, attrs.evolve(m, card_number=None)


def _erase_policy(p: InsurancePolicy) -> tuple[InsurancePolicy, InsurancePolicy]:
    return p, attrs.evolve(p, insurer=None, premium=None)
