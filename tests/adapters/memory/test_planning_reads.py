"""The planner's read side over the ports (crm_core.adapters.planning) and the duplicate
merge (crm_core.adapters.merge), on the in-memory store."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from crm_core import (
    Callback,
    CallbackOutcome,
    Customer,
    CustomerId,
    CustomerType,
    DealerId,
    InsurancePolicy,
    Interaction,
    InteractionId,
    InteractionKind,
    Ownership,
    OwnershipId,
    PolicyId,
    SurveyId,
    SurveyKind,
    SurveyResponse,
    Vehicle,
    VehicleId,
)
from crm_core.adapters.memory import MemoryStorage
from crm_core.adapters.merge import apply_merge
from crm_core.adapters.planning import (
    customer_facts,
    due_customer_ids,
    every,
    festival_in_windows,
)
from crm_core.domain.duplicates import find_duplicates
from crm_core.errors import ConflictError
from crm_core.schedule.calendars import load_standard
from crm_core.schedule.festivals import festival_calendar
from crm_core.schedule.planner import anchor_windows

D1 = DealerId("D1")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def person(cid: str, **kw: Any) -> Customer:
    return Customer(
        id=CustomerId(cid), dealer_id=D1, type=CustomerType.INDIVIDUAL, name="王芳", **kw
    )


@pytest.fixture
def store() -> MemoryStorage:
    storage = MemoryStorage()
    with storage.unit_of_work() as uow:
        for n in range(1, 6):
            uow.customers.add(person(f"C{n}", mobile=f"1381234567{n}"))
        uow.vehicles.add(
            Vehicle(id=VehicleId("V1"), dealer_id=D1, vin="LSVAU218XN2183294",
                    delivery_date=date(2026, 11, 16))
        )  # fmt: skip
        uow.ownerships.add(
            Ownership(id=OwnershipId("O1"), dealer_id=D1, customer_id=CustomerId("C1"),
                      vehicle_id=VehicleId("V1"), since=date(2026, 11, 16))
        )  # fmt: skip
        uow.interactions.add(
            Interaction(
                id=InteractionId("I1"), dealer_id=D1, kind=InteractionKind.CALLBACK,
                occurred_at=datetime(2026, 11, 20, 3, tzinfo=UTC), customer_id=CustomerId("C2"),
                detail=Callback(outcome=CallbackOutcome.NOT_REACHED, rule_id="svw.x"),
            )
        )  # fmt: skip
    return storage


def test_due_customers_are_the_anchored_ones(store: MemoryStorage) -> None:
    svw = load_standard("svw")
    windows = anchor_windows(svw, date(2026, 11, 23))
    assert not festival_in_windows(svw, windows, festival_calendar())
    with store.unit_of_work() as uow:
        ids = due_customer_ids(uow, D1, windows, SHANGHAI, festival=False)
        # C1: a delivery in the window; C2: a callback that did not reach her
        assert ids == ["C1", "C2"]
        facts = list(customer_facts(uow, D1, ids))
    assert [f.customer.id for f in facts] == ["C1", "C2"]
    assert [v.id for v in facts[0].vehicles] == ["V1"]
    assert [i.id for i in facts[1].interactions] == ["I1"]


def test_a_festival_makes_everyone_a_subject(store: MemoryStorage) -> None:
    svw = load_standard("svw")
    windows = anchor_windows(svw, date(2026, 2, 17))  # Spring Festival 2026
    assert festival_in_windows(svw, windows, festival_calendar())
    with store.unit_of_work() as uow:
        assert due_customer_ids(uow, D1, windows, SHANGHAI) == [f"C{n}" for n in range(1, 6)]
        assert [c.id for c in every(uow.customers, D1)] == [f"C{n}" for n in range(1, 6)]


def test_merge_repoints_and_audits(store: MemoryStorage) -> None:
    with store.unit_of_work() as uow:
        uow.customers.add(person("C9", mobile="+86 138 1234 5671"))
        uow.interactions.add(
            Interaction(id=InteractionId("I9"), dealer_id=D1, kind=InteractionKind.VISIT,
                        occurred_at=datetime(2026, 11, 1, tzinfo=UTC),
                        customer_id=CustomerId("C9"))
        )  # fmt: skip
    with store.unit_of_work() as uow:
        [group] = find_duplicates(every(uow.customers, D1))
    assert group.customer_ids == ("C1", "C9")
    at = datetime(2026, 11, 23, tzinfo=UTC)
    with store.unit_of_work() as uow:
        entry = apply_merge(uow, group, actor="test", at=at)
    assert (entry.subject_id, entry.related_ids) == ("C1", ("C9",))
    assert entry.detail is not None
    assert entry.detail.startswith("reasons=name_match,same_mobile")
    with store.unit_of_work() as uow:
        assert uow.interactions.get(D1, InteractionId("I9")).customer_id == "C1"
        assert [c.id for c in every(uow.customers, D1)] == ["C1", "C2", "C3", "C4", "C5"]
        assert uow.customers.get(D1, CustomerId("C1")).mobile == "13812345671"
    # a plan made from records read before someone changed the survivor is refused whole
    with store.unit_of_work() as uow:
        uow.customers.add(person("C8", mobile="13812345672"))
    with store.unit_of_work() as uow:
        [stale] = [g for g in find_duplicates(every(uow.customers, D1)) if "C8" in g.customer_ids]
        survivor = uow.customers.get(D1, stale.merge.survivor_id)
        uow.customers.update(survivor)
    with pytest.raises(ConflictError), store.unit_of_work() as uow:
        apply_merge(uow, stale, actor="test", at=at)
    with store.unit_of_work() as uow:
        assert {c.id for c in every(uow.customers, D1)} >= {"C2", "C8"}


def test_merge_repoints_policies_and_surveys(store: MemoryStorage) -> None:
    with store.unit_of_work() as uow:
        uow.customers.add(person("C9", mobile="+86 138 1234 5671"))
        uow.insurance_policies.add(
            InsurancePolicy(id=PolicyId("P1"), dealer_id=D1, vehicle_id=VehicleId("V1"),
                            starts_on=date(2026, 11, 16), ends_on=date(2027, 11, 15),
                            customer_id=CustomerId("C9"))
        )  # fmt: skip
        uow.survey_responses.add(
            SurveyResponse(id=SurveyId("S1"), dealer_id=D1, kind=SurveyKind.SALES,
                           answered_at=datetime(2026, 11, 20, 3, tzinfo=UTC), overall=5,
                           customer_id=CustomerId("C9"))
        )  # fmt: skip
    with store.unit_of_work() as uow:
        [group] = find_duplicates(every(uow.customers, D1))
        apply_merge(uow, group, actor="test", at=datetime(2026, 11, 23, tzinfo=UTC))
    with store.unit_of_work() as uow:
        assert uow.customers.get_many(D1, [CustomerId("C9")]) == {}
        policy = uow.insurance_policies.get(D1, PolicyId("P1"))
        response = uow.survey_responses.get(D1, SurveyId("S1"))
    assert (policy.customer_id, policy.version) == ("C1", 2)
    assert (response.customer_id, response.overall) == ("C1", 5)
