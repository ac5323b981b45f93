"""``crm-core duplicates``: likely duplicate customers (one person, one file — seed 000).

Lists each group with the reasons that joined it and the proposed merge (which file
survives, which fields come from where). ``--apply`` performs the merges through the
repository, one transaction per group, each with an audit entry.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from typing import Any

from crm_core.adapters.merge import apply_merge
from crm_core.adapters.planning import every
from crm_core.cli._common import EXIT_OK, UsageError, now
from crm_core.cli._store import open_storage
from crm_core.cli._ui import Ui
from crm_core.domain.customer import Customer
from crm_core.domain.dealer import Dealer
from crm_core.domain.duplicates import DuplicateGroup, current_holdings, find_duplicates
from crm_core.domain.ids import CustomerId, DealerId
from crm_core.domain.ports.storage import UnitOfWork

__all__ = ["register"]


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    p = commands.add_parser(
        "duplicates",
        parents=[common],
        help="likely duplicate customers with a proposed merge; --apply merges them",
        description=__doc__,
    )
    p.add_argument("--db", required=True, metavar="URL", help="SQLite file or PostgreSQL URL")
    p.add_argument("--dealer", metavar="ID", help="only this dealer (default: all)")
    p.add_argument("--apply", action="store_true", help="merge the groups (with audit entries)")
    p.set_defaults(handler=run)


def find_in_store(uow: UnitOfWork, dealer: Dealer) -> list[DuplicateGroup]:
    """The dealer's duplicate groups, read from the store."""
    did = DealerId(dealer.id)
    customers = list(every(uow.customers, did))
    vehicles = every(uow.vehicles, did)
    ownerships = every(uow.ownerships, did)
    staff = [s.phone for s in uow.staff.by_dealer(did) if s.phone]
    return find_duplicates(
        customers, holdings=list(current_holdings(vehicles, ownerships)), staff_phones=staff
    )


def _group_row(group: DuplicateGroup, names: Mapping[CustomerId, str]) -> dict[str, Any]:
    plan = group.merge
    return {
        "customers": [{"id": cid, "name": names.get(cid, "")} for cid in group.customer_ids],
        "reasons": [
            {"kind": r.kind.value, "customers": list(r.customer_ids), "key": r.key}
            for r in group.reasons
        ],
        "survivor": plan.survivor_id,
        "absorbed": list(plan.absorbed_ids),
        "merged_name": plan.merged.name,
        "fields_from_others": {
            c.field: c.source_id for c in plan.choices if c.source_id != plan.survivor_id
        },
    }


def run(args: argparse.Namespace, ui: Ui) -> int:
    storage = open_storage(args.db)
    result: list[dict[str, Any]] = []
    merged = absorbed = 0
    try:
        with storage.unit_of_work() as uow:
            dealers = uow.dealers.all()
            if args.dealer is not None:
                dealers = [d for d in dealers if d.id == args.dealer]
                if not dealers:
                    raise UsageError(f"no dealer {args.dealer!r} in the database")
            found = []
            for dealer in dealers:
                groups = find_in_store(uow, dealer)
                ids = [cid for g in groups for cid in g.customer_ids]
                names = {c.id: c.name for c in _customers(uow, dealer, ids)}
                found.append((dealer, groups))
                result.append(
                    {
                        "dealer": dealer.id,
                        "groups": [_group_row(g, names) for g in groups],
                    }
                )
        if args.apply:
            at = now()
            with ui.progress(ui.t("merging"), sum(len(g) for _, g in found)) as bar:
                for _, groups in found:
                    for group in groups:
                        with storage.unit_of_work() as uow:
                            apply_merge(uow, group, actor="crm-core duplicates", at=at)
                        merged += 1
                        absorbed += len(group.merge.absorbed_ids)
                        bar.advance()
    finally:
        storage.close()
    data = {"dealers": result, "applied": args.apply, "merged": merged, "absorbed": absorbed}
    if ui.json:
        ui.print_json(data)
    else:
        _render(ui, data)
    return EXIT_OK


def _customers(uow: UnitOfWork, dealer: Dealer, ids: Sequence[CustomerId]) -> list[Customer]:
    return list(uow.customers.get_many(DealerId(dealer.id), ids).values())


def _render(ui: Ui, data: dict[str, Any]) -> None:
    rows = []
    for dealer in data["dealers"]:
        for n, group in enumerate(dealer["groups"], 1):
            rows.append(
                [
                    f"{dealer['dealer']}#{n}",
                    ", ".join(f"{c['name']} ({c['id']})" for c in group["customers"]),
                    ", ".join(r["kind"] for r in group["reasons"]),
                    f"{group['survivor']} ({group['merged_name']})",
                    ", ".join(group["absorbed"]),
                ]
            )
    if not rows:
        ui.line(ui.t("no_duplicates"))
    else:
        ui.table(
            [ui.t("group"), ui.t("customers"), ui.t("reasons"), ui.t("survivor"), ui.t("absorbed")],
            rows,
            title=f"{ui.t('duplicates')} ({len(rows)})",
        )
    if data["applied"]:
        ui.line(ui.t("merged_summary", groups=data["merged"], absorbed=data["absorbed"]))
