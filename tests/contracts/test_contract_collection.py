"""The contract bases are not collected on their own; a host's concrete subclass is."""

from __future__ import annotations

from crm_core.adapters.memory import MemoryStorage
from crm_core.domain.ports.storage import Clock, UnitOfWork
from crm_core.testing.storage_contracts import (
    RepositoryContract,
    StorageContract,
    TaskRepositoryContract,
)


def test_bases_are_not_collected_and_subclasses_are() -> None:
    class Concrete(TaskRepositoryContract):
        def make_unit_of_work(self, clock: Clock) -> UnitOfWork:
            return MemoryStorage(clock=clock).unit_of_work()

    class StillAbstract(RepositoryContract):
        pass

    class ExplicitlyOff(Concrete):
        __test__ = False

    assert StorageContract.__test__ is False
    assert TaskRepositoryContract.__test__ is False
    assert Concrete.__test__ is True
    assert StillAbstract.__test__ is False
    assert ExplicitlyOff.__test__ is False
