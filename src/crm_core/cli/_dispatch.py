"""``crm-core dispatch``: run the outbox dispatcher once, until nothing is due.

The demo's notifier writes each SMS and e-mail to the terminal (or, with ``--out``, to a
file) instead of a gateway; a host plugs its own SMS and mail notifiers into
:class:`~crm_core.adapters.dispatcher.Dispatcher` the same way. Quiet hours and the
customer's consent are checked again at send time.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO, cast

from crm_core.adapters.console import ConsoleNotifier
from crm_core.adapters.dispatcher import Dispatcher
from crm_core.cli._common import EXIT_OK, UsageError
from crm_core.cli._store import open_storage
from crm_core.cli._ui import Ui
from crm_core.domain.ids import DealerId
from crm_core.schedule.workdays import china_workday_calendar
from crm_core.schedule.working_time import WorkingTime

__all__ = ["register"]


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    p = commands.add_parser(
        "dispatch",
        parents=[common],
        help="send the queued customer texts once (console or file notifier)",
        description=__doc__,
    )
    p.add_argument("--db", required=True, metavar="URL", help="SQLite file or PostgreSQL URL")
    p.add_argument("--out", metavar="FILE", help="append the messages to FILE, not stdout")
    p.add_argument("--dealer", metavar="ID", help="only this dealer's messages")
    p.add_argument(
        "--show-recipients", action="store_true", help="print phone numbers and e-mail unmasked"
    )
    p.set_defaults(handler=run)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def run(args: argparse.Namespace, ui: Ui) -> int:
    storage = open_storage(args.db)
    out: TextIO | None = None
    try:
        with storage.unit_of_work() as uow:
            dealers = {d.id: d for d in uow.dealers.all()}
        if args.dealer is not None and args.dealer not in dealers:
            raise UsageError(f"no dealer {args.dealer!r} in the database")
        if args.out:
            try:
                out = Path(args.out).open("a", encoding="utf-8")  # noqa: SIM115 - closed below
            except OSError as exc:
                raise UsageError(f"cannot write {args.out}: {exc.strerror}") from exc
        # in JSON mode the messages must not mix with the JSON document on stdout
        target: TextIO = out or (sys.stderr if ui.json else cast(TextIO, ui.out))
        notifier = ConsoleNotifier(target, show_recipients=args.show_recipients)
        calendar = china_workday_calendar()
        hours = {did: WorkingTime.for_dealer(d, calendar) for did, d in dealers.items()}
        dispatcher = Dispatcher(
            storage.unit_of_work(),
            worker="crm-core-dispatch",
            clock=_utc_now,
            random=random.Random().random,  # jitter only spreads retries; any seed will do
            working_time=lambda did: hours[did],
            sms=notifier,
            email=notifier,
            dealer_id=DealerId(args.dealer) if args.dealer else None,
        )
        report = dispatcher.run_until_idle()
    finally:
        if out is not None:
            out.close()
        storage.close()
    result = {
        "claimed": report.claimed,
        "sent": report.sent,
        "retried": report.retried,
        "parked": report.parked,
        "suppressed": report.suppressed,
        "deferred": report.deferred,
        "wake_at": report.wake_at,
    }
    if ui.json:
        ui.print_json(result)
    else:
        ui.line(ui.t("dispatch_summary", **{k: v for k, v in result.items() if k != "wake_at"}))
    return EXIT_OK
