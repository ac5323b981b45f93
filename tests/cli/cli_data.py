"""The generated dealer the CLI tests run on (small, so the suite stays fast).

Each test module wraps these in its own fixtures (one conftest per suite lives in tests/).
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from crm_core.adapters.sql import SqlStorage
from crm_core.cli._store import insert_records
from crm_core.demo import DemoConfig, DemoGenerator

TODAY = date(2026, 11, 23)
SMALL = DemoConfig(today=TODAY, dealers=2, customers_per_dealer=100, seed=7)


def build_demo_db(directory: Path) -> Path:
    """Generate :data:`SMALL` into an SQLite file in ``directory``."""
    path = directory / "template.db"
    storage = SqlStorage.open(path)
    gen = DemoGenerator(SMALL)
    try:
        for dealer in gen.dealers():
            with storage.unit_of_work() as uow:
                insert_records(uow, dealer.records())
                insert_records(uow, (r for f in gen.dealer_files(dealer) for r in f.records()))
    finally:
        storage.close()
    return path


def fresh_copy(template: Path, directory: Path) -> Path:
    """A copy of the generated database for one test to change."""
    path = directory / "crm.db"
    shutil.copyfile(template, path)
    return path
