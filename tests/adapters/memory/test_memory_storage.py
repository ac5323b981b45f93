"""The in-memory store under threads: its lock makes units of work serializable."""

from __future__ import annotations

import threading

from crm_core.adapters.memory import MemoryStorage
from crm_core.domain.ports.storage import TaskUpsertResult
from crm_core.testing.records import D1, customer, task


def test_threads_storing_the_same_plan_store_it_once() -> None:
    storage = MemoryStorage()
    with storage.unit_of_work() as uow:
        uow.customers.add_many(customer(f"C{i}") for i in range(50))
    plan = [task(f"T{i}", f"C{i}") for i in range(50)]
    results: list[TaskUpsertResult] = []
    start = threading.Barrier(4)

    def plan_day() -> None:
        start.wait()
        with storage.unit_of_work() as uow:
            results.append(uow.tasks.upsert(plan))

    threads = [threading.Thread(target=plan_day) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    inserted = [i for r in results for i in r.inserted]
    assert sorted(inserted) == sorted(t.id for t in plan)
    with storage.unit_of_work() as uow:
        assert len(uow.tasks.by_dealer(D1)) == 50
