"""``crm-core db upgrade``: apply the schema migrations shipped with the package."""

from __future__ import annotations

import argparse
from typing import Any

from crm_core.cli._common import EXIT_OK
from crm_core.cli._store import describe, open_storage
from crm_core.cli._ui import Ui

__all__ = ["register"]


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    p = commands.add_parser("db", parents=[common], help="database maintenance")
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=type(p))
    actions.required = True
    up = actions.add_parser(
        "upgrade",
        parents=[common],
        help="create or upgrade the schema to the newest revision",
        description=__doc__,
    )
    up.add_argument("--db", required=True, metavar="URL", help="SQLite file or PostgreSQL URL")
    up.set_defaults(handler=run_upgrade)


def run_upgrade(args: argparse.Namespace, ui: Ui) -> int:
    from crm_core.adapters.sql import current_revision, head_revision

    before = _revision(args.db, current_revision)
    storage = open_storage(args.db, create=True, upgrade=True)
    storage.close()
    after = head_revision()
    result = {"database": describe(args.db), "from": before, "to": after}
    if ui.json:
        ui.print_json(result)
    elif before == after:
        ui.line(ui.t("db_current", db=result["database"], revision=after))
    else:
        ui.line(ui.t("db_upgraded", db=result["database"], before=before or "-", after=after))
    return EXIT_OK


def _revision(url: str, current: Any) -> str | None:
    from pathlib import Path

    if "://" not in url and not Path(url).exists():
        return None
    try:
        revision: str | None = current(url)
    except Exception:
        return None
    return revision
