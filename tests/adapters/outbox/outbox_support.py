"""Records, clock and settings shared by the outbox and dispatcher tests."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import attrs

from crm_core.adapters.dispatcher import Dispatcher, DispatchSettings, RetryPolicy
from crm_core.adapters.outbox import DealerContact, MessageComposer
from crm_core.domain.contact import Channel
from crm_core.domain.customer import Customer, CustomerType, Gender
from crm_core.domain.dealer import Dealer, Staff, StaffRole
from crm_core.domain.ids import CustomerId, DealerId, MessageId, StaffId, TaskId, VehicleId
from crm_core.domain.message import OutboxMessage
from crm_core.domain.ports.notifiers import EmailNotifier, SmsNotifier
from crm_core.domain.ports.storage import UnitOfWork
from crm_core.domain.task import FollowUpTask
from crm_core.domain.vehicle import Vehicle
from crm_core.schedule.workdays import china_workday_calendar
from crm_core.schedule.working_time import QuietHours, WorkingTime
from crm_core.texts.render import TextRenderer

# Monday 23 November 2026, 10:00 in Shanghai: a working day, outside quiet hours
T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
WORKING_TIME = WorkingTime(china_workday_calendar())
NO_QUIET_HOURS = WorkingTime(
    china_workday_calendar(), quiet=QuietHours(start=T0.time(), end=T0.time())
)
WANG = CustomerId("C-wang")
LI = CustomerId("C-li")
CAR = VehicleId("V-1")
CONSULTANT = StaffId("S-1")


@attrs.define
class FakeClock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def dealer(dealer_id: DealerId) -> Dealer:
    return Dealer(id=dealer_id, name="浦东大众4S店")


def seed(uow: UnitOfWork, dealer_id: DealerId, *, customers: int = 0) -> None:
    """A dealer with Mr Wang (mobile and e-mail), Ms Li (mobile only), a car and a
    consultant; ``customers`` more plain ones (``C-0``, ``C-1``…) for volume tests."""
    with uow:
        uow.dealers.add(dealer(dealer_id))
        uow.customers.add(
            Customer(
                id=WANG,
                dealer_id=dealer_id,
                type=CustomerType.INDIVIDUAL,
                name="王伟",
                gender=Gender.MALE,
                mobile="13812345678",
                email="wang.wei@example.com",
            )
        )
        uow.customers.add(
            Customer(
                id=LI,
                dealer_id=dealer_id,
                type=CustomerType.INDIVIDUAL,
                name="李娜",
                gender=Gender.FEMALE,
                mobile="13987654321",
            )
        )
        uow.customers.add_many(
            Customer(
                id=CustomerId(f"C-{i}"),
                dealer_id=dealer_id,
                type=CustomerType.INDIVIDUAL,
                name="张三",
                mobile=f"139{i:08d}",
            )
            for i in range(customers)
        )
        uow.vehicles.add(
            Vehicle(id=CAR, dealer_id=dealer_id, vin="LSVAU2180N2183294", plate="沪A12345")
        )
        uow.staff.add(
            Staff(id=CONSULTANT, dealer_id=dealer_id, name="李明", role=StaffRole.SALES_CONSULTANT)
        )


def task(
    task_id: str,
    dealer_id: DealerId,
    *,
    customer: CustomerId = WANG,
    focus: str | None = "birthday_greeting",
    channels: tuple[Channel, ...] = (Channel.SMS,),
    due_from: datetime = T0,
    attempt: int = 1,
    vehicle: VehicleId | None = None,
    assignee: StaffId | None = None,
) -> FollowUpTask:
    return FollowUpTask(
        id=TaskId(task_id),
        dealer_id=dealer_id,
        rule_id="svw.greeting.birthday",
        customer_id=customer,
        due_from=due_from,
        due_until=due_from + timedelta(hours=8),
        role=StaffRole.CR_REPRESENTATIVE,
        channels=channels,
        anchor="birthday",
        anchor_date=date(1980, 11, 23),
        explanation="born on 23 November",
        focus=focus,
        attempt=attempt,
        vehicle_id=vehicle,
        assignee_id=assignee,
    )


def message(
    message_id: str,
    dealer_id: DealerId,
    *,
    customer: CustomerId = WANG,
    channel: Channel = Channel.SMS,
    recipient: str = "13812345678",
    not_before: datetime = T0,
    task_id: str | None = None,
) -> OutboxMessage:
    return OutboxMessage(
        id=MessageId(message_id),
        dealer_id=dealer_id,
        customer_id=customer,
        channel=channel,
        recipient=recipient,
        body="【浦东大众4S店】尊敬的王先生，您好",
        subject="您好" if channel is Channel.EMAIL else None,
        not_before=not_before,
        task_id=TaskId(task_id) if task_id else None,
    )


def composer(dealer_id: DealerId) -> MessageComposer:
    return MessageComposer(TextRenderer(dealer(dealer_id)), DealerContact(hotline="021-50888888"))


SETTINGS = DispatchSettings(
    retry=RetryPolicy(max_attempts=4, first_delay=timedelta(minutes=1), jitter=0.2),
    lease=timedelta(minutes=5),
    batch=10,
)


def dispatcher(
    uow: UnitOfWork,
    clock: FakeClock,
    *,
    worker: str = "w1",
    sms: SmsNotifier | None = None,
    email: EmailNotifier | None = None,
    dealer_id: DealerId | None = None,
    working_time: WorkingTime = WORKING_TIME,
    settings: DispatchSettings = SETTINGS,
    seed: int = 1,
) -> Dispatcher:
    return Dispatcher(
        uow,
        worker=worker,
        clock=clock,
        random=random.Random(seed).random,
        working_time=lambda _: working_time,
        sms=sms,
        email=email,
        settings=settings,
        dealer_id=dealer_id,
    )
