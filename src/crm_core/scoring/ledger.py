"""The owners'-club points ledger and tier rules (seed 000's 钻石卡 / 金卡 / 银卡, seed 002).

Points come in lots: each earn (or positive adjustment) is a lot with its own expiry date.
Carmaker (OEM) and dealer points are separate pots — a redemption names its pot and only
draws on it. Debits take the oldest points first: a redemption or a negative adjustment
consumes lots in the order they were earned; an expiry consumes the lots that expire
soonest. A debit larger than what the pot holds is refused whole with
:class:`~crm_core.errors.InsufficientPointsError`, so a balance can never go negative.

>>> from datetime import UTC, datetime, date
>>> from crm_core.domain.membership import PointsEntry, PointsKind, PointsSource
>>> def entry(i, kind, points, day, source=PointsSource.DEALER, expires=None):
...     return PointsEntry(id=f"P{i}", dealer_id="D1", member_id="M1", kind=kind,
...                        source=source, points=points,
...                        at=datetime(2026, 1, day, tzinfo=UTC), expires_on=expires)
>>> ledger = PointsLedger.replay("M1", [
...     entry(1, PointsKind.EARN, 300, 1),
...     entry(2, PointsKind.EARN, 200, 2),
...     entry(3, PointsKind.EARN, 500, 3, source=PointsSource.OEM),
...     entry(4, PointsKind.REDEEM, -350, 4),
... ])
>>> ledger.balance(PointsSource.DEALER), ledger.balance(PointsSource.OEM)
(150, 500)
>>> [(lot.entry_id, lot.remaining) for lot in ledger.lots]
[('P2', 150), ('P3', 500)]
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import attrs
from dateutil.relativedelta import relativedelta

from crm_core.domain.membership import (
    ClubMember,
    MembershipStatus,
    PointsEntry,
    PointsKind,
    PointsSource,
    Tier,
)
from crm_core.errors import InsufficientPointsError, ValidationError
from crm_core.scoring.period import months_before

__all__ = [
    "PointsLedger",
    "PointsLot",
    "Shortfall",
    "TierDecision",
    "TierPolicy",
    "TierRule",
    "qualifying_tier",
]


@attrs.frozen(slots=True)
class PointsLot:
    """What is left of one earn (or positive adjustment) entry."""

    entry_id: str
    source: PointsSource
    earned_at: datetime
    remaining: int
    expires_on: date | None = None

    def usable_on(self, day: date) -> bool:
        """Points can be spent up to and including their expiry day."""
        return self.expires_on is None or day <= self.expires_on


def _expiry_order(lot: PointsLot) -> tuple[date, datetime]:
    return (lot.expires_on or date.max, lot.earned_at)


@attrs.frozen(slots=True)
class PointsLedger:
    """One club member's points balance per pot, as lots in the order they were earned.

    Redemptions and expiries take from the lots; immutable: each :meth:`apply` returns a new
    ledger."""

    member_id: str
    lots: tuple[PointsLot, ...] = ()
    last_at: datetime | None = None

    @classmethod
    def replay(cls, member_id: str, entries: Iterable[PointsEntry]) -> PointsLedger:
        """The ledger after applying ``entries`` in time order (ties by entry id)."""
        ledger = cls(member_id)
        for entry in sorted(entries, key=lambda e: (e.at, e.id)):
            ledger = ledger.apply(entry)
        return ledger

    def balance(self, source: PointsSource | None = None) -> int:
        """Points held in one pot, or in both when ``source`` is ``None``."""
        return sum(lot.remaining for lot in self.lots if source is None or lot.source is source)

    def expiring(self, as_of: date) -> dict[PointsSource, int]:
        """Points per pot whose expiry day is before ``as_of`` and that are still held:
        what the host should write EXPIRE entries for."""
        due: dict[PointsSource, int] = {}
        for lot in self.lots:
            if not lot.usable_on(as_of):
                due[lot.source] = due.get(lot.source, 0) + lot.remaining
        return due

    def apply(self, entry: PointsEntry) -> PointsLedger:
        """The ledger after ``entry``; refuses entries of another member, entries out of
        time order, and debits beyond the pot's balance."""
        if entry.member_id != self.member_id:
            raise ValidationError(
                f"entry {entry.id} belongs to member {entry.member_id}, not {self.member_id}",
                field="member_id",
            )
        if self.last_at is not None and entry.at < self.last_at:
            raise ValidationError(
                f"entry {entry.id} is older than the last applied entry", field="at"
            )
        if entry.points > 0:
            lot = PointsLot(entry.id, entry.source, entry.at, entry.points, entry.expires_on)
            return PointsLedger(self.member_id, (*self.lots, lot), entry.at)
        if entry.points == 0:
            return attrs.evolve(self, last_at=entry.at)
        if entry.kind is PointsKind.EXPIRE:
            order = sorted(
                (lot for lot in self.lots if lot.source is entry.source), key=_expiry_order
            )
        else:
            day = entry.at.date()
            # a redemption cannot spend points that already expired, even if the host
            # has not written their EXPIRE entry yet
            usable = entry.kind is not PointsKind.REDEEM
            order = [
                lot
                for lot in self.lots
                if lot.source is entry.source and (usable or lot.usable_on(day))
            ]
        return PointsLedger(self.member_id, self._debit(entry, order), entry.at)

    def _debit(self, entry: PointsEntry, order: list[PointsLot]) -> tuple[PointsLot, ...]:
        wanted = -entry.points
        available = sum(lot.remaining for lot in order)
        if wanted > available:
            raise InsufficientPointsError(
                member_id=self.member_id,
                source=entry.source.value,
                requested=wanted,
                available=available,
            )
        taken: dict[str, int] = {}
        for lot in order:
            if wanted == 0:
                break
            take = min(lot.remaining, wanted)
            taken[lot.entry_id] = take
            wanted -= take
        lots = (
            attrs.evolve(lot, remaining=lot.remaining - taken.get(lot.entry_id, 0))
            for lot in self.lots
        )
        return tuple(lot for lot in lots if lot.remaining > 0)


def _non_negative(_: Any, attribute: attrs.Attribute[Any], value: int | Decimal) -> None:
    if value < 0:
        raise ValidationError("must not be negative", field=attribute.name)


@attrs.frozen(slots=True)
class TierRule:
    """What a club member needs for one card tier: points, spend, and months since joining.

    Points earned and money spent count in the policy's window. All three must be met."""

    tier: Tier
    min_points: int = attrs.field(default=0, validator=_non_negative)
    min_spend: Decimal = attrs.field(default=Decimal(0), validator=_non_negative)
    min_tenure_months: int = attrs.field(default=0, validator=_non_negative)


_RANK = {Tier.SILVER: 0, Tier.GOLD: 1, Tier.DIAMOND: 2}


def _default_rules() -> tuple[TierRule, ...]:
    # the seeds name the three cards but no thresholds; these are common club practice
    # and meant to be overridden per brand
    return (
        TierRule(Tier.SILVER),
        TierRule(Tier.GOLD, 5_000, Decimal(20_000), 12),
        TierRule(Tier.DIAMOND, 20_000, Decimal(80_000), 36),
    )


def _rules_valid(_: Any, attribute: attrs.Attribute[Any], value: tuple[TierRule, ...]) -> None:
    tiers = [rule.tier for rule in value]
    if len(set(tiers)) != len(tiers):
        raise ValidationError("each tier may have one rule only", field=attribute.name)
    if Tier.SILVER not in tiers:
        raise ValidationError("the entry tier (silver) needs a rule", field=attribute.name)


@attrs.frozen(slots=True)
class TierPolicy:
    """How club members qualify for silver, gold and diamond cards: tier rules and a window.

    The window is the months before ``as_of`` that points and spend count in;
    ``counted_sources`` says which pots' points count."""

    rules: tuple[TierRule, ...] = attrs.field(factory=_default_rules, validator=_rules_valid)
    window_months: int = attrs.field(default=12, validator=_non_negative)
    counted_sources: frozenset[PointsSource] = frozenset(PointsSource)


@attrs.frozen(slots=True)
class Shortfall:
    """What a member lacks for the next tier on one criterion: points, spend or tenure.

    Listed in :attr:`TierDecision.shortfalls`, with what the member has and what it needs.
    """

    criterion: str  # "points", "spend" or "tenure_months"
    have: Decimal
    need: Decimal


@attrs.frozen(slots=True)
class TierDecision:
    """The card tier a club member qualifies for, and what is missing for the next one up.

    What :func:`qualifying_tier` returns: the highest tier whose rule is met, the member's
    figures, and the shortfalls for the next tier up (empty at the top)."""

    tier: Tier
    points: int
    spend: Decimal
    tenure_months: int
    next_tier: Tier | None
    shortfalls: tuple[Shortfall, ...]


def qualifying_tier(
    member: ClubMember,
    entries: Iterable[PointsEntry],
    as_of: date,
    policy: TierPolicy | None = None,
) -> TierDecision:
    """The tier ``member`` qualifies for on ``as_of`` under ``policy`` (one pass).

    A pending or lapsed member, or one without a join date, has no tenure.

    >>> from datetime import UTC, datetime, date
    >>> from crm_core.domain.membership import (ClubMember, MembershipStatus, PointsEntry,
    ...     PointsKind, PointsSource)
    >>> m = ClubMember(id="M1", dealer_id="D1", customer_id="C1",
    ...                applied_on=date(2024, 1, 5), status=MembershipStatus.ACTIVE,
    ...                joined_on=date(2024, 1, 10))
    >>> earn = PointsEntry(id="P1", dealer_id="D1", member_id="M1", kind=PointsKind.EARN,
    ...                    source=PointsSource.OEM, points=6000,
    ...                    at=datetime(2026, 2, 1, tzinfo=UTC), spend=Decimal("25000"))
    >>> d = qualifying_tier(m, [earn], date(2026, 3, 1))
    >>> d.tier, d.next_tier, [(s.criterion, s.need) for s in d.shortfalls]
    (<Tier.GOLD: 'gold'>, <Tier.DIAMOND: 'diamond'>, [('points', Decimal('20000')),
     ('spend', Decimal('80000')), ('tenure_months', Decimal('36'))])
    """
    policy = policy or TierPolicy()
    window_start = months_before(as_of, policy.window_months, field="window_months")
    points = 0
    spend = Decimal(0)
    for entry in entries:
        if (
            entry.member_id != member.id
            or entry.kind is not PointsKind.EARN
            or entry.source not in policy.counted_sources
        ):
            continue
        day = entry.at.date()
        if window_start < day <= as_of:
            points += entry.points
            spend += entry.spend or Decimal(0)
    tenure = 0
    if member.status is MembershipStatus.ACTIVE and member.joined_on is not None:
        delta = relativedelta(as_of, member.joined_on)
        tenure = max(0, delta.years * 12 + delta.months)
    figures = {"points": Decimal(points), "spend": spend, "tenure_months": Decimal(tenure)}

    def missing(rule: TierRule) -> tuple[Shortfall, ...]:
        needs = {
            "points": Decimal(rule.min_points),
            "spend": rule.min_spend,
            "tenure_months": Decimal(rule.min_tenure_months),
        }
        return tuple(
            Shortfall(name, figures[name], need)
            for name, need in needs.items()
            if figures[name] < need
        )

    ranked = sorted(policy.rules, key=lambda rule: _RANK[rule.tier])
    tier = Tier.SILVER
    for rule in ranked:
        if not missing(rule):
            tier = rule.tier
    above = [rule for rule in ranked if _RANK[rule.tier] > _RANK[tier]]
    next_rule = above[0] if above else None
    return TierDecision(
        tier=tier,
        points=points,
        spend=spend,
        tenure_months=tenure,
        next_tier=next_rule.tier if next_rule else None,
        shortfalls=missing(next_rule) if next_rule else (),
    )
