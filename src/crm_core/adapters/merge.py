"""Applying a duplicate merge (:mod:`crm_core.domain.duplicates`) through the storage ports.

One unit of work per merge: the survivor is updated to the merged record (a stale
version raises :class:`~crm_core.errors.ConflictError`, so a file edited since it was read
is never overwritten), everything that points at an absorbed file — ownerships,
interactions, cases, tasks, outbox messages, club memberships, referrals, insurance
policies, survey responses — is re-pointed to the survivor, the absorbed files are
removed, and an :class:`AuditEntry` records what was merged into what and why. The audit
entry holds ids and rule codes only, no personal data.

>>> from datetime import UTC, datetime
>>> from crm_core import Customer, CustomerId, CustomerType, DealerId
>>> from crm_core.adapters.memory import MemoryStorage
>>> from crm_core.domain.duplicates import find_duplicates
>>> store = MemoryStorage()
>>> with store.unit_of_work() as uow:
...     for cid, name in (("C1", "王军"), ("C2", "王先生")):
...         _ = uow.customers.add(Customer(id=CustomerId(cid), dealer_id=DealerId("D1"),
...                               type=CustomerType.INDIVIDUAL, name=name,
...                               mobile="13812345678"))
>>> with store.unit_of_work() as uow:
...     [group] = find_duplicates(uow.customers.by_dealer(DealerId("D1")))
...     entry = apply_merge(uow, group, actor="crm-core", at=datetime(2026, 11, 23, tzinfo=UTC))
>>> entry.subject_id, entry.related_ids, entry.action
('C1', ('C2',), 'customer.merge')
>>> with store.unit_of_work() as uow:
...     [c.id for c in uow.customers.by_dealer(DealerId("D1"))]
['C1']
"""

from __future__ import annotations

import hashlib
from datetime import datetime

import attrs

from crm_core.domain.audit import AuditEntry
from crm_core.domain.duplicates import DuplicateGroup
from crm_core.domain.ids import CustomerId, DealerId
from crm_core.domain.ports.storage import UnitOfWork

__all__ = ["MERGE_ACTION", "apply_merge"]

MERGE_ACTION = "customer.merge"


def apply_merge(uow: UnitOfWork, group: DuplicateGroup, *, actor: str, at: datetime) -> AuditEntry:
    """Merge duplicate customers into one, moving their records, and audit it.

    Merges ``group`` as its plan says, inside the caller's unit of work, and returns the
    audit entry written. Call it in its own ``with uow:`` block so a failure (a conflict, a
    record that changed) rolls the whole merge back."""
    plan = group.merge
    dealer = DealerId(plan.merged.dealer_id)
    survivor = plan.survivor_id
    uow.customers.update(plan.merged)
    for absorbed in plan.absorbed_ids:
        _repoint(uow, dealer, absorbed, survivor)
        stale = uow.customers.get(dealer, absorbed)
        uow.customers.remove(dealer, absorbed, version=stale.version)
    reasons = ",".join(sorted({r.kind.value for r in group.reasons}))
    fields = ",".join(f"{c.field}<{c.source_id}" for c in plan.choices if c.source_id != survivor)
    digest = hashlib.blake2b(
        "\x1f".join((survivor, *plan.absorbed_ids, at.isoformat())).encode(), digest_size=8
    ).hexdigest()
    return uow.audit.append(
        AuditEntry(
            id=f"merge-{digest}",
            dealer_id=dealer,
            at=at,
            actor=actor,
            action=MERGE_ACTION,
            subject_type="customer",
            subject_id=survivor,
            related_ids=plan.absorbed_ids,
            detail=f"reasons={reasons}; fields={fields}" if fields else f"reasons={reasons}",
        )
    )


def _repoint(uow: UnitOfWork, dealer: DealerId, old: CustomerId, new: CustomerId) -> None:
    for ownership in uow.ownerships.of_customer(dealer, old):
        uow.ownerships.update(attrs.evolve(ownership, customer_id=new))
    for interaction in uow.interactions.of_customer(dealer, old):
        uow.interactions.update(attrs.evolve(interaction, customer_id=new))
    for case in uow.cases.of_customer(dealer, old):
        uow.cases.update(attrs.evolve(case, customer_id=new))
    for task in uow.tasks.of_customer(dealer, old):
        uow.tasks.update(attrs.evolve(task, customer_id=new))
    for message in uow.outbox.of_customer(dealer, old):
        uow.outbox.update(attrs.evolve(message, customer_id=new))
    for member in uow.club_members.of_customer(dealer, old):
        uow.club_members.update(attrs.evolve(member, customer_id=new))
    for policy in uow.insurance_policies.of_customer(dealer, old):
        uow.insurance_policies.update(attrs.evolve(policy, customer_id=new))
    for response in uow.survey_responses.of_customer(dealer, old):
        uow.survey_responses.update(attrs.evolve(response, customer_id=new))
    for referral in uow.referrals.involving(dealer, old):
        referrer = new if referral.referrer_id == old else referral.referrer_id
        referred = new if referral.referred_id == old else referral.referred_id
        if referrer == referred:
            # the two files referred each other: one person cannot refer themselves
            uow.referrals.remove(dealer, referral.id, version=referral.version)
        else:
            uow.referrals.update(attrs.evolve(referral, referrer_id=referrer, referred_id=referred))
