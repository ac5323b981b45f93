"""A small generated dealer in a temporary SQLite file, shared by the CLI tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cli_data import SMALL

from crm_core.adapters.sql import SqlStorage
from crm_core.cli._store import insert_records
from crm_core.demo import DemoGenerator


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "template.db"
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


@pytest.fixture
def demo_db(demo_db_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the generated database for one test."""
    path = tmp_path / "crm.db"
    shutil.copyfile(demo_db_template, path)
    return path
