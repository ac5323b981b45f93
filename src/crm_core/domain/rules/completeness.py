"""Completeness of a batch of reports against the OEM's fill-rate targets (seed 000).

The SVW-2 system asks, per batch of reports: in sale reports the plate filled for at
least 90 % of cars, the e-mail for 50 % of customers, the industry or occupation for 80 %;
in repair orders a *valid* plate for 90 %. The targets are data
(:class:`CompletenessTarget`), so a brand with other numbers passes its own; the batch
is read once, as an iterable, so a host can stream a month of reports from its database.

>>> from crm_core import Customer, CustomerType, Interaction, InteractionKind, Vehicle
>>> from datetime import UTC, datetime
>>> def report(plate, email):
...     c = Customer(id="C1", dealer_id="D1", type=CustomerType.INDIVIDUAL, name="王芳",
...                  email=email, occupation="教师")
...     v = Vehicle(id="V1", dealer_id="D1", vin="LSVAU218XN2183294", plate=plate)
...     sale = Interaction(id="I1", dealer_id="D1", kind=InteractionKind.DELIVERY,
...                        occurred_at=datetime(2026, 3, 1, tzinfo=UTC))
...     return SaleReport(sale, c, v)
>>> result = sale_report_completeness(
...     [report("沪A12345", None), report("无牌", "a@qq.com"), report(None, None)])
>>> for line in result.lines:
...     print(line)
plate_filled: 1/3 = 33.3 % (target 90 %) FAIL
email_filled: 1/3 = 33.3 % (target 50 %) FAIL
industry_or_occupation_filled: 3/3 = 100.0 % (target 80 %) ok
>>> result.passed
False
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from decimal import Decimal

import attrs

from crm_core.domain._validators import as_members
from crm_core.domain.rules import plate
from crm_core.domain.rules.checks import DEFAULT_RULE_POLICY, RepairReport, RulePolicy, SaleReport
from crm_core.errors import ValidationError

__all__ = [
    "DEFAULT_COMPLETENESS",
    "CompletenessLine",
    "CompletenessMetric",
    "CompletenessPolicy",
    "CompletenessReport",
    "CompletenessTarget",
    "completeness",
    "repair_order_completeness",
    "sale_report_completeness",
]


class CompletenessMetric(enum.StrEnum):
    """What a fill-rate target measures: plate filled or valid, e-mail, industry or occupation.

    Seed 000's OEM targets. A placeholder such as 无牌 is no filled plate; a valid plate is
    one without an error-severity defect.
    """

    PLATE_FILLED = "plate_filled"  # a plate, not empty and not a placeholder (无牌)
    PLATE_VALID = "plate_valid"  # a plate with no error-severity defect
    EMAIL_FILLED = "email_filled"
    INDUSTRY_OR_OCCUPATION_FILLED = "industry_or_occupation_filled"


def _share(_: object, attribute: attrs.Attribute[Decimal], value: Decimal) -> None:
    if not Decimal(0) <= value <= Decimal(1):
        raise ValidationError("a share between 0 and 1", field=attribute.name)


@attrs.frozen(slots=True)
class CompletenessTarget:
    """One fill-rate target: the share of a batch that must meet a metric (plate filled: 90 %).

    At least ``threshold`` (a share, ``Decimal("0.9")`` for 90 %) of the batch must
    meet ``metric``."""

    metric: CompletenessMetric
    threshold: Decimal = attrs.field(converter=Decimal, validator=_share)

    __attrs_post_init__ = as_members


@attrs.frozen(slots=True)
class CompletenessPolicy:
    """The fill-rate targets of sale reports and of repair orders; by default seed 000's.

    The defaults are the SVW-2 system's; a host replaces either tuple with its OEM's."""

    sale_report: tuple[CompletenessTarget, ...] = (
        CompletenessTarget(CompletenessMetric.PLATE_FILLED, Decimal("0.90")),
        CompletenessTarget(CompletenessMetric.EMAIL_FILLED, Decimal("0.50")),
        CompletenessTarget(CompletenessMetric.INDUSTRY_OR_OCCUPATION_FILLED, Decimal("0.80")),
    )
    repair_order: tuple[CompletenessTarget, ...] = (
        CompletenessTarget(CompletenessMetric.PLATE_VALID, Decimal("0.90")),
    )


DEFAULT_COMPLETENESS = CompletenessPolicy()


@attrs.frozen(slots=True)
class CompletenessLine:
    """One target's result over a batch: how many reports met the metric, out of how many.

    ``share`` is the fill rate, ``passed`` compares it with ``threshold``, and ``str()`` is
    the line a completeness report prints.
    """

    metric: CompletenessMetric
    met: int
    total: int
    threshold: Decimal

    __attrs_post_init__ = as_members

    @property
    def share(self) -> Decimal | None:
        """``met / total``; ``None`` for an empty batch (nothing to measure)."""
        return Decimal(self.met) / Decimal(self.total) if self.total else None

    @property
    def passed(self) -> bool:
        """An empty batch passes: there is no record that misses the target."""
        return Decimal(self.met) >= self.threshold * self.total

    def __str__(self) -> str:
        share = "n/a" if self.share is None else f"{self.share * 100:.1f} %"
        target = f"{self.threshold * 100:.0f} %"
        verdict = "ok" if self.passed else "FAIL"
        return f"{self.metric}: {self.met}/{self.total} = {share} (target {target}) {verdict}"


@attrs.frozen(slots=True)
class CompletenessReport:
    """A batch's fill rates: one line per target, and whether the batch meets them all.

    What :func:`completeness` and its sale-report and repair-order forms return; ``total``
    is the number of reports read, ``failing`` the lines below their target.
    """

    total: int
    lines: tuple[CompletenessLine, ...]

    @property
    def passed(self) -> bool:
        return all(line.passed for line in self.lines)

    @property
    def failing(self) -> tuple[CompletenessLine, ...]:
        return tuple(line for line in self.lines if not line.passed)


def _filled(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _meets(metric: CompletenessMetric, item: SaleReport | RepairReport, policy: RulePolicy) -> bool:
    vehicle, customer = item.vehicle, item.customer
    if metric is CompletenessMetric.PLATE_FILLED:
        value = getattr(vehicle, "plate", None)
        return _filled(value) and not policy.plate.is_placeholder(str(value))
    if metric is CompletenessMetric.PLATE_VALID:
        value = getattr(vehicle, "plate", None)
        return _filled(value) and not any(
            v.is_error for v in plate.check(value, policy=policy.plate)
        )
    if metric is CompletenessMetric.EMAIL_FILLED:
        return _filled(getattr(customer, "email", None))
    return _filled(getattr(customer, "industry", None)) or _filled(
        getattr(customer, "occupation", None)
    )


def completeness(
    items: Iterable[SaleReport | RepairReport],
    targets: Iterable[CompletenessTarget],
    *,
    policy: RulePolicy = DEFAULT_RULE_POLICY,
) -> CompletenessReport:
    """Measure ``targets`` over ``items`` in one pass (the iterable is read once)."""
    wanted = tuple(targets)
    met = [0] * len(wanted)
    total = 0
    for item in items:
        total += 1
        for index, target in enumerate(wanted):
            if _meets(target.metric, item, policy):
                met[index] += 1
    return CompletenessReport(
        total=total,
        lines=tuple(
            CompletenessLine(t.metric, met[i], total, t.threshold) for i, t in enumerate(wanted)
        ),
    )


def sale_report_completeness(
    reports: Iterable[SaleReport],
    *,
    targets: CompletenessPolicy = DEFAULT_COMPLETENESS,
    policy: RulePolicy = DEFAULT_RULE_POLICY,
) -> CompletenessReport:
    """Fill rates of sale reports against seed 000's targets (plate 90 %, e-mail 50 % …).

    The third target is industry or occupation on 80 %; ``targets`` replaces them all.
    """
    return completeness(reports, targets.sale_report, policy=policy)


def repair_order_completeness(
    reports: Iterable[RepairReport],
    *,
    targets: CompletenessPolicy = DEFAULT_COMPLETENESS,
    policy: RulePolicy = DEFAULT_RULE_POLICY,
) -> CompletenessReport:
    """Fill rate of repair orders against seed 000's target: a valid plate on 90 % of them."""
    return completeness(reports, targets.repair_order, policy=policy)
