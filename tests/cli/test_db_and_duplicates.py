"""``crm-core db upgrade`` and ``crm-core duplicates`` on a temporary SQLite database."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from cli_data import SMALL, build_demo_db, fresh_copy

from crm_core.adapters.sql import SqlStorage, head_revision
from crm_core.cli import main
from crm_core.demo import DefectKind, DemoGenerator
from crm_core.domain.ids import CustomerId, DealerId


@pytest.fixture(scope="module")
def demo_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_db(tmp_path_factory.mktemp("demo"))


@pytest.fixture
def demo_db(demo_db_template: Path, tmp_path: Path) -> Path:
    return fresh_copy(demo_db_template, tmp_path)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_db_upgrade_creates_and_is_idempotent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "new.db"
    code, out, err = run(["db", "upgrade", "--db", str(path), "--format", "json"], capsys)
    assert (code, err) == (0, "")
    assert json.loads(out) == {"database": str(path), "from": None, "to": head_revision()}
    code, out, _ = run(["db", "upgrade", "--db", str(path), "--locale", "en"], capsys)
    assert code == 0
    assert f"is at the newest revision {head_revision()}" in out


def test_db_upgrade_bad_targets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database" * 100)
    code, out, err = run(["db", "upgrade", "--db", str(junk)], capsys)
    assert code == 2
    assert out == ""
    assert "junk.db" in err
    assert err.count("\n") == 1
    code, _, err = run(["db", "upgrade", "--db", str(tmp_path)], capsys)
    assert code == 2
    assert "is a directory" in err
    for empty in ("", "  "):
        code, _, err = run(["db", "upgrade", "--db", empty], capsys)
        assert code == 2
        assert "--db is empty: give an SQLite file path or a PostgreSQL URL" in err
    code, _, err = run(["db", "upgrade", "--db", "mysql://u:secret@localhost/x"], capsys)
    assert code == 2
    assert "unsupported database" in err
    assert "secret" not in err
    code, _, err = run(["db"], capsys)
    assert code == 2


def test_unreadable_database_for_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00garbage" * 512)
    for argv in (
        ["agenda", "--db", str(junk)],
        ["report", "--db", str(junk)],
        ["duplicates", "--db", str(junk)],
    ):
        code, out, err = run(argv, capsys)
        assert code == 2, argv
        assert out == ""
        assert err.startswith("crm-core: 错误: cannot")
        assert "Traceback" not in err
    missing = tmp_path / "missing.db"
    code, _, err = run(["agenda", "--db", str(missing), "--locale", "en"], capsys)
    assert code == 2
    assert f"no database at {missing}" in err
    assert not missing.exists()


def test_old_schema_asks_for_an_upgrade(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "old.db"
    sqlite3.connect(path).close()  # an empty file: no schema at all
    code, _, err = run(["report", "--db", str(path)], capsys)
    assert code == 2
    assert f"run: crm-core db upgrade --db {path}" in err


def planted_groups() -> set[tuple[str, ...]]:
    return {
        tuple(sorted((d.record_id, d.related_id or "")))
        for f in DemoGenerator(SMALL).files()
        for d in f.defects
        if d.kind is DefectKind.DUPLICATE_CUSTOMER
    }


def test_duplicates_lists_the_planted_ones(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["duplicates", "--db", str(demo_db), "--format", "json"], capsys)
    assert (code, err) == (0, "")
    result = json.loads(out)
    found = {
        tuple(sorted(c["id"] for c in g["customers"]))
        for d in result["dealers"]
        for g in d["groups"]
    }
    assert found == planted_groups()
    assert found
    assert result["applied"] is False
    group = result["dealers"][0]["groups"][0]
    assert group["survivor"] in [c["id"] for c in group["customers"]]
    assert group["reasons"]
    code, out, _ = run(["duplicates", "--db", str(demo_db), "--locale", "en"], capsys)
    assert "Likely duplicate customers" in out


def test_duplicates_apply_merges_with_audit(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = planted_groups()
    code, out, _ = run(["duplicates", "--db", str(demo_db), "--apply", "--format", "json"], capsys)
    assert code == 0
    result = json.loads(out)
    assert result["merged"] == len(expected)
    assert result["absorbed"] == len(expected)
    storage = SqlStorage.open(demo_db)
    try:
        with storage.unit_of_work() as uow:
            for dealer in ("D01", "D02"):
                ids = {c.id for c in uow.customers.by_dealer(DealerId(dealer))}
                for group in expected:
                    if group[0].startswith(dealer):
                        kept = [cid for cid in group if cid in ids]
                        assert len(kept) == 1, group
                        entries = uow.audit.for_subject(DealerId(dealer), "customer", kept[0])
                        assert [e.action for e in entries] == ["customer.merge"]
                        assert set(entries[0].related_ids) == set(group) - {kept[0]}
                        owned = uow.ownerships.of_customer(DealerId(dealer), CustomerId(kept[0]))
                        assert owned
    finally:
        storage.close()
    code, out, _ = run(["duplicates", "--db", str(demo_db), "--format", "json"], capsys)
    assert all(not d["groups"] for d in json.loads(out)["dealers"])


def test_a_postgresql_url_works_like_a_file(
    postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["db", "upgrade", "--db", postgres_url, "--format", "json"], capsys)
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert result["to"] == head_revision()
    assert result["from"] == head_revision()
    code, out, _ = run(["report", "--db", postgres_url, "--format", "json"], capsys)
    assert code == 0
    assert "reports" in json.loads(out)
    unreachable = "postgresql://crm:secret@127.0.0.1:9/nothing"
    code, out, err = run(["report", "--db", unreachable, "--locale", "en"], capsys)
    assert code == 2
    assert out == ""
    assert err.startswith("crm-core: error: cannot ")
    assert "postgresql://crm:***@127.0.0.1:9/nothing" in err
    assert "secret" not in err
    assert err.count("\n") == 1
