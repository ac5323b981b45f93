"""A dispatcher in its own process, for the fault tests.

``--hang-after N`` makes it stop dead after the N-th message the gateway accepted and
before the outbox records it: it writes ``--marker`` and sleeps, so that the test can kill
it exactly between "sent" and "recorded". ``--record-every`` sets how many answers it
records at a time (the crash window).
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import datetime
from pathlib import Path

from crm_core.adapters.dispatcher import Dispatcher, DispatchSettings
from crm_core.adapters.sms_http import SmsHttpNotifier
from crm_core.adapters.sql import SqlStorage, create_engine
from crm_core.domain.ids import DealerId
from crm_core.domain.ports.notifiers import Sms, SmsNotifier
from crm_core.schedule.workdays import china_workday_calendar
from crm_core.schedule.working_time import QuietHours, WorkingTime
from crm_core.testing.gateways import fake_gateway_config


class HangAfter(SmsNotifier):
    def __init__(self, inner: SmsNotifier, sends: int, marker: Path) -> None:
        self._inner = inner
        self._left = sends
        self._marker = marker

    def send_sms(self, sms: Sms) -> str:
        gateway_id = self._inner.send_sms(sms)
        self._left -= 1
        if self._left == 0:
            self._marker.write_text(sms.key)
            time.sleep(120)  # the test kills the process here
        return gateway_id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--dealer", required=True)
    parser.add_argument("--now", required=True, type=datetime.fromisoformat)
    parser.add_argument("--worker", default="child")
    parser.add_argument("--hang-after", type=int, default=0)
    parser.add_argument("--marker", type=Path)
    parser.add_argument("--record-every", type=int, default=DispatchSettings().record_every)
    args = parser.parse_args()

    engine = create_engine(args.db)
    notifier: SmsNotifier = SmsHttpNotifier(fake_gateway_config(args.gateway))
    if args.hang_after:
        notifier = HangAfter(notifier, args.hang_after, args.marker)
    now: datetime = args.now
    always = QuietHours(start=now.time(), end=now.time())
    dispatcher = Dispatcher(
        SqlStorage(engine).unit_of_work(),
        worker=args.worker,
        clock=lambda: now,
        random=random.Random(1).random,
        working_time=lambda _: WorkingTime(china_workday_calendar(), quiet=always),
        sms=notifier,
        settings=DispatchSettings(batch=50, record_every=args.record_every),
        dealer_id=DealerId(args.dealer),
    )
    report = dispatcher.run_until_idle()
    print(report)
    engine.dispose()


if __name__ == "__main__":
    main()
