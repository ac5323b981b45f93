"""Two processes at once: planning the same day stores each task exactly once, and
claiming the outbox never hands one message to both. Real processes, real databases."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Iterator
from datetime import timedelta
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

import pytest

from crm_core.adapters.sql import SqlStorage, upgrade
from crm_core.domain.message import MessageStatus
from crm_core.testing.postgres import create_database, drop_database
from crm_core.testing.records import D1, T0, customer, message, task

PLAN_SIZE = 300
MESSAGES = 120

_FORK = multiprocessing.get_context("fork")


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    url = str(tmp_path / "crm.db") if request.param == "sqlite" else create_database("crm_conc")
    upgrade(url)
    storage = SqlStorage.open(url, upgrade=False)
    with storage.unit_of_work() as uow:
        uow.customers.add_many(customer(f"C{i:04}") for i in range(PLAN_SIZE))
    storage.close()
    yield url
    if request.param == "postgresql":
        drop_database(url)


def _plan(reverse: bool) -> list[Any]:
    plan = [task(f"T{i:04}", f"C{i:04}") for i in range(PLAN_SIZE)]
    return plan[::-1] if reverse else plan


def _store_plan(url: str, reverse: bool, start: Barrier, results: Any) -> None:
    storage = SqlStorage.open(url, upgrade=False)
    start.wait()
    with storage.unit_of_work() as uow:
        outcome = uow.tasks.upsert(_plan(reverse))
        time.sleep(0.2)  # hold the transaction open so the other process overlaps it
    results.put((list(outcome.inserted), list(outcome.unchanged), list(outcome.updated)))
    storage.close()


def _run(target: Any, args: list[tuple[Any, ...]]) -> list[Any]:
    results = _FORK.Queue()
    start = _FORK.Barrier(len(args))
    processes = [_FORK.Process(target=target, args=(*a, start, results)) for a in args]
    for p in processes:
        p.start()
    collected = [results.get(timeout=60) for _ in processes]
    for p in processes:
        p.join(timeout=60)
        assert p.exitcode == 0
    return collected


def test_two_planners_store_each_task_exactly_once(database: str) -> None:
    (a_ins, a_same, a_upd), (b_ins, b_same, b_upd) = _run(
        _store_plan, [(database, False), (database, True)]
    )
    everything = {t.id for t in _plan(False)}
    assert set(a_ins).isdisjoint(b_ins)
    assert set(a_ins) | set(b_ins) == everything
    assert set(a_ins) | set(a_same) == everything == set(b_ins) | set(b_same)
    assert a_upd == b_upd == []
    storage = SqlStorage.open(database, upgrade=False)
    with storage.unit_of_work() as uow:
        stored = uow.tasks.by_dealer(D1)
    storage.close()
    assert sorted(t.id for t in stored) == sorted(everything)
    assert {t.version for t in stored} == {1}


def _claim_all(url: str, worker: str, start: Barrier, results: Any) -> None:
    storage = SqlStorage.open(url, upgrade=False)
    claimed: list[str] = []
    start.wait()
    while True:
        with storage.unit_of_work() as uow:
            batch = uow.outbox.claim_due(now=T0, worker=worker, lease=timedelta(minutes=5), limit=7)
            time.sleep(0.01)  # overlap with the other claimer's transaction
        if not batch:
            break
        time.sleep(0.02)  # "sending", outside any transaction, as a dispatcher does
        with storage.unit_of_work() as uow:
            for m in batch:
                uow.outbox.complete(m.dealer_id, m.id, worker=worker, status=MessageStatus.SENT)
        claimed.extend(m.id for m in batch)
    results.put(claimed)
    storage.close()


def test_two_dispatchers_never_claim_the_same_message(database: str) -> None:
    storage = SqlStorage.open(database, upgrade=False)
    with storage.unit_of_work() as uow:
        uow.outbox.enqueue(message(f"M{i:04}", f"C{i:04}") for i in range(MESSAGES))
    storage.close()
    first, second = _run(_claim_all, [(database, "w1"), (database, "w2")])
    assert set(first).isdisjoint(second)
    assert len(first) + len(second) == MESSAGES
    # both took part: the claims really ran side by side
    assert first
    assert second
    storage = SqlStorage.open(database, upgrade=False)
    with storage.unit_of_work() as uow:
        sent = uow.outbox.by_status(D1, MessageStatus.SENT)
    storage.close()
    assert len(sent) == MESSAGES
    assert {m.attempts for m in sent} == {1}
