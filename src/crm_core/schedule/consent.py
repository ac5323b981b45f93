"""The consent gate: the one place that decides whether a planned task may reach a customer.

Every contact task the planner produces passes through :func:`gate` before it is returned,
so no other code path can call or text a customer who said no. In order:

1. do-not-disturb (免打扰) and blacklist (黑名单) stop every contact task;
2. a refused callback (拒绝回访) stops phone tasks for ``refusal_days``;
3. channels the customer opted out of are removed; a task left without a channel stops;
4. quiet hours (the dealer's :class:`~crm_core.schedule.working_time.WorkingTime`): the
   start of a contact window is moved out of them;
5. the contact cap: at most ``max_contacts`` contacts in ``per_days`` days. Tasks for the
   same person and channel on the same day are merged into one contact (the lower-priority
   ones say which carries them); the lowest-priority contacts beyond the cap are deferred
   to the day the cap frees up.

Nothing is dropped silently: a stopped task comes back as a :class:`Skip` with its reason,
a deferred one as a task with status ``DEFERRED`` and the reason in ``status_reason``.
Internal tasks (entering a record, reporting to CR) reach no customer and pass unchanged.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta

import attrs

from crm_core.domain.contact import Channel
from crm_core.domain.customer import Customer
from crm_core.domain.interaction import Callback, CallbackOutcome, Interaction, InteractionKind
from crm_core.domain.task import FollowUpTask, TaskStatus
from crm_core.errors import ValidationError
from crm_core.schedule.working_time import WorkingTime

__all__ = ["ContactPolicy", "GateResult", "Skip", "SkipReason", "gate", "screen"]


class SkipReason(enum.StrEnum):
    """Why a task will not reach the customer: do-not-disturb, blacklist, a refusal, opt-out …

    The consent gate gives the first four; ATTEMPTS_EXHAUSTED is the planner's, for a
    callback whose retries ran out without reaching the customer.
    """

    DO_NOT_DISTURB = "do_not_disturb"
    BLACKLISTED = "blacklisted"
    REFUSED_CALLBACKS = "refused_callbacks"
    CHANNEL_OPT_OUT = "channel_opt_out"
    ATTEMPTS_EXHAUSTED = "attempts_exhausted"  # reported by the planner, not the gate


@attrs.frozen(slots=True)
class Skip:
    """A task that will not be done, and why (do-not-disturb, blacklist, refusal, opt-out …).

    ``task`` is the task as it would have been, so a host can show it ("why was Mr Wang
    not called?")."""

    task: FollowUpTask
    reason: SkipReason
    detail: str


@attrs.frozen(slots=True)
class ContactPolicy:
    """How often a customer may be contacted, and how long a refused callback is respected.

    Defaults are this library's choice (the seeds give none): two contacts a week, a refused
    callback respected for a year (``None``: for ever). Quiet hours belong to the dealer's
    :class:`~crm_core.schedule.working_time.WorkingTime`."""

    max_contacts: int = 2
    per_days: int = 7
    refusal_days: int | None = 365

    def __attrs_post_init__(self) -> None:
        if self.max_contacts < 1 or self.per_days < 1:
            raise ValidationError("the contact cap needs at least 1 contact in at least 1 day")


@attrs.frozen(slots=True)
class GateResult:
    """What :func:`gate` let through for one customer: tasks to do, tasks deferred, skips.

    ``deferred`` holds the tasks the contact cap pushed back (status ``DEFERRED``, the
    reason in ``status_reason``); ``skipped`` the tasks consent stopped, with the reason.
    """

    tasks: tuple[FollowUpTask, ...]
    deferred: tuple[FollowUpTask, ...]
    skipped: tuple[Skip, ...]


_COUNTED = frozenset(
    {InteractionKind.CALLBACK, InteractionKind.SMS, InteractionKind.MAIL, InteractionKind.EMAIL}
)


def _contacts(history: Iterable[Interaction], since: datetime, until: datetime) -> list[date]:
    """Days of the outbound contacts that reached or were sent to the customer in
    ``[since, until)``: an unanswered call did not disturb anyone."""
    days = []
    for item in history:
        if item.kind not in _COUNTED or not since <= item.occurred_at < until:
            continue
        detail = item.detail
        if isinstance(detail, Callback) and detail.outcome is CallbackOutcome.NOT_REACHED:
            continue
        days.append(item.occurred_at.date())
    return sorted(days)


def _refused_at(history: Iterable[Interaction]) -> datetime | None:
    latest = None
    for item in history:
        detail = item.detail
        if isinstance(detail, Callback) and detail.outcome is CallbackOutcome.REFUSED:
            latest = item.occurred_at if latest is None else max(latest, item.occurred_at)
    return latest


def gate(
    customer: Customer,
    tasks: Sequence[FollowUpTask],
    history: Sequence[Interaction],
    policy: ContactPolicy,
    *,
    now: datetime,
    working_time: WorkingTime,
) -> GateResult:
    """Apply the customer's consent and the contact cap to the tasks due on ``now``'s day.

    ``now``'s day is taken in the dealer's timezone, which ``working_time`` gives along
    with the quiet hours."""
    passed, skipped = screen(customer, tasks, history, policy, now=now, working_time=working_time)
    kept, deferred = _cap(
        passed, history, policy, now=working_time.local(now), working_time=working_time
    )
    return GateResult(tuple(kept), tuple(deferred), tuple(skipped))


def screen(
    customer: Customer,
    tasks: Sequence[FollowUpTask],
    history: Sequence[Interaction],
    policy: ContactPolicy,
    *,
    now: datetime,
    working_time: WorkingTime,
) -> tuple[list[FollowUpTask], list[Skip]]:
    """The consent part of :func:`gate` without the contact cap: which tasks may go out.

    Steps 1–4 of the gate: which tasks may reach the customer at all, with their channels
    and start moved as consent requires."""
    tz = working_time.zone
    passed: list[FollowUpTask] = []
    skipped: list[Skip] = []
    refused = _refused_at(history)
    refusal_active = refused is not None and (
        policy.refusal_days is None or now - refused < timedelta(days=policy.refusal_days)
    )
    for task in tasks:
        if Channel.INTERNAL in task.channels:
            passed.append(task)
            continue
        if customer.blacklisted:
            skipped.append(Skip(task, SkipReason.BLACKLISTED, "customer is blacklisted (黑名单)"))
            continue
        if customer.do_not_disturb:
            skipped.append(
                Skip(task, SkipReason.DO_NOT_DISTURB, "customer asked not to be disturbed (免打扰)")
            )
            continue
        channels = tuple(c for c in task.channels if c not in customer.opted_out_channels)
        if refusal_active and refused is not None:
            channels = tuple(c for c in channels if c is not Channel.PHONE)
            if not channels:
                skipped.append(
                    Skip(
                        task,
                        SkipReason.REFUSED_CALLBACKS,
                        f"customer refused callbacks on {refused.astimezone(tz).date()}",
                    )
                )
                continue
        if not channels:
            skipped.append(
                Skip(
                    task,
                    SkipReason.CHANNEL_OPT_OUT,
                    "customer opted out of " + ", ".join(c.value for c in task.channels),
                )
            )
            continue
        start = working_time.next_contact_moment(task.due_from)
        until = (
            task.due_until if task.due_until >= start else start + (task.due_until - task.due_from)
        )
        if channels == task.channels and start == task.due_from:
            passed.append(task)  # most tasks: nothing to change, no copy
        else:
            passed.append(attrs.evolve(task, channels=channels, due_from=start, due_until=until))
    return passed, skipped


def _cap(
    tasks: list[FollowUpTask],
    history: Sequence[Interaction],
    policy: ContactPolicy,
    *,
    now: datetime,
    working_time: WorkingTime,
) -> tuple[list[FollowUpTask], list[FollowUpTask]]:
    internal = [t for t in tasks if Channel.INTERNAL in t.channels]
    contact = [t for t in tasks if Channel.INTERNAL not in t.channels]
    if not contact:
        return internal, []
    # one contact per person and channel: tasks of the same role, assignee and first
    # channel are merged into the highest-priority one (one call covers both foci)
    calls: dict[tuple[str, str | None, str], list[FollowUpTask]] = {}
    for task in sorted(contact, key=lambda t: (-t.priority, t.id)):
        calls.setdefault((task.role.value, task.assignee_id, task.channels[0]), []).append(task)
    ordered = sorted(calls.values(), key=lambda group: (-group[0].priority, group[0].id))
    since = now - timedelta(days=policy.per_days)
    past = _contacts(history, since, now)
    allowed = max(0, policy.max_contacts - len(past))
    kept = list(internal)
    deferred: list[FollowUpTask] = []
    for index, group in enumerate(ordered):
        lead = group[0]
        merged = [lead] + [
            attrs.evolve(t, status_reason=f"merged into call {lead.id}") for t in group[1:]
        ]
        if index < allowed:
            kept.extend(merged)
            continue
        free_on = _free_day(past, min(allowed, len(ordered)), index - allowed, policy, now.date())
        reason = (
            f"contact cap: at most {policy.max_contacts} contacts in {policy.per_days} days, "
            f"{len(past)} already; deferred to {free_on}"
        )
        for task in merged:
            midnight = datetime.combine(free_on, time(0), tzinfo=working_time.zone)
            # a task planned in working time stays in working time
            if working_time.is_working_time(task.due_from):
                start = working_time.next_working_moment(midnight)
            else:
                start = working_time.next_contact_moment(midnight)
            length = task.due_until - task.due_from
            deferred.append(
                attrs.evolve(
                    task,
                    status=TaskStatus.DEFERRED,
                    status_reason=reason,
                    due_from=start,
                    due_until=max(task.due_until, start + length),
                )
            )
    return kept, deferred


def _free_day(
    past: list[date], calls_today: int, position: int, policy: ContactPolicy, today: date
) -> date:
    """The first day after ``today`` on which the ``position``-th deferred call (0-based)
    fits under the cap, counting past contacts and today's calls as they leave the
    ``per_days`` period."""
    contacts = sorted([*past, *([today] * calls_today)])
    candidates = sorted(
        {today + timedelta(days=1), *(d + timedelta(days=policy.per_days) for d in contacts)}
    )
    for day in candidates:
        if day <= today:
            continue
        in_period = sum(1 for d in contacts if d + timedelta(days=policy.per_days) > day)
        if in_period + position < policy.max_contacts:
            return day
    rounds = position // policy.max_contacts
    return candidates[-1] + timedelta(days=policy.per_days * rounds)
