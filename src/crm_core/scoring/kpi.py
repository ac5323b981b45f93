"""The value a KPI reports: numerator, denominator, value, and what its threshold says.

A rate whose denominator is zero (no showroom visits this month, no policies expiring) is
*not applicable*, a value of its own, so a report can show "—" instead of a misleading
0 % and a dashboard cannot average it in by accident.

>>> rate("filing_rate", 3, 4).value
Decimal('0.7500')
>>> rate("filing_rate", 0, 0).value
NOT_APPLICABLE
>>> rate("enrolment", 2, 5, Threshold(Decimal("0.5"), ThresholdOutcome.NOT_ELIGIBLE)).outcome
<ThresholdOutcome.NOT_ELIGIBLE: 'not_eligible'>
"""

from __future__ import annotations

import enum
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from crm_core.domain._validators import is_whole
from crm_core.domain.anchor import AnchorKind
from crm_core.errors import ValidationError

__all__ = [
    "NOT_APPLICABLE",
    "KpiValue",
    "NotApplicable",
    "Threshold",
    "ThresholdOutcome",
    "count",
    "mean",
    "rate",
]


class NotApplicable(enum.Enum):
    """The value of a rate whose denominator is zero."""

    NOT_APPLICABLE = "n/a"

    def __repr__(self) -> str:
        return "NOT_APPLICABLE"

    def __str__(self) -> str:
        return "n/a"


NOT_APPLICABLE = NotApplicable.NOT_APPLICABLE


class ThresholdOutcome(enum.StrEnum):
    """What a KPI's threshold says: met, the dealer not eligible for the reward, or scores 0.

    Seed 002's club KPIs: a cumulative enrolment rate below 50 % makes the dealer not
    eligible; a quarterly enrolment rate below 80 % or an activity rate below 30 % scores 0.
    """

    MET = "met"
    NOT_ELIGIBLE = "not_eligible"  # the dealer is not assessed for the reward at all
    SCORES_ZERO = "scores_zero"  # the KPI contributes 0 points to the dealer's score


@attrs.frozen(slots=True)
class Threshold:
    """A minimum value and what falling below it means (seed 002's club KPIs)."""

    minimum: Decimal
    below: ThresholdOutcome

    def __attrs_post_init__(self) -> None:
        if self.below is ThresholdOutcome.MET:
            raise ValidationError("falling below a threshold cannot mean 'met'", field="below")


@attrs.frozen(slots=True)
class KpiValue:
    """One KPI for one dealer and period.

    ``denominator`` is ``None`` for a plain count (inbound calls). ``value`` is the rate,
    rounded to ``places`` decimals, or :data:`NOT_APPLICABLE`. ``outcome`` is ``None``
    when the KPI has no threshold or is not applicable.
    """

    code: str
    numerator: int
    denominator: int | None
    value: Decimal | NotApplicable
    outcome: ThresholdOutcome | None = None

    @property
    def applicable(self) -> bool:
        return self.value is not NOT_APPLICABLE


_MAX_PLACES = 28  # Decimal's default precision: a rate cannot be rounded to more


def decimal_places(_: Any, attribute: attrs.Attribute[Any], value: int) -> None:
    """An attrs validator for a ``places`` setting: 0 to 28 decimals. A negative one
    rounded rates to tens without a word; a huge one raised decimal's InvalidOperation."""
    if not is_whole(value, 0, _MAX_PLACES):
        raise ValidationError(
            f"decimal places run from 0 to {_MAX_PLACES}, got {value!r}", field=attribute.name
        )


def anchor_kinds(_: Any, attribute: attrs.Attribute[Any], value: frozenset[str]) -> None:
    """An attrs validator for a set of anchor kinds: a typo ("repair_handed_bak") matched
    no task, and the KPI or report it selects was empty without a word."""
    known = {kind.value for kind in AnchorKind}
    unknown = sorted(str(a) for a in value if a not in known)
    if unknown:
        raise ValidationError(
            f"unknown anchor kinds: {', '.join(unknown)}; known: {', '.join(sorted(known))}",
            field=attribute.name,
        )


def _quantum(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def count(code: str, n: int) -> KpiValue:
    """A KPI that is a plain count."""
    return KpiValue(code, n, None, Decimal(n))


def rate(
    code: str,
    numerator: int,
    denominator: int,
    threshold: Threshold | None = None,
    places: int = 4,
) -> KpiValue:
    """A KPI that is a rate: ``numerator / denominator``, rounded half-up to ``places``.

    The threshold is compared with the exact fraction, so 0.49996 is below a 0.5
    threshold."""
    if numerator < 0 or denominator < 0:
        raise ValidationError(f"{code}: counts cannot be negative")
    if denominator == 0:
        return KpiValue(code, numerator, denominator, NOT_APPLICABLE)
    exact = Decimal(numerator) / Decimal(denominator)
    outcome = None
    if threshold is not None:
        # exact comparison in integers: numerator/denominator < minimum
        met = Decimal(numerator) >= threshold.minimum * denominator
        outcome = ThresholdOutcome.MET if met else threshold.below
    value = exact.quantize(_quantum(places), rounding=ROUND_HALF_UP)
    return KpiValue(code, numerator, denominator, value, outcome)


def mean(code: str, total: int, n: int, places: int = 2) -> KpiValue:
    """The mean of ``n`` scores adding up to ``total`` (not applicable without scores)."""
    if n == 0:
        return KpiValue(code, total, n, NOT_APPLICABLE)
    value = (Decimal(total) / Decimal(n)).quantize(_quantum(places), rounding=ROUND_HALF_UP)
    return KpiValue(code, total, n, value)
