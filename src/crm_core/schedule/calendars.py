"""Follow-up calendars as data: the rule format and its loader.

A calendar is a TOML file of rules ("call every buyer 7–14 days after delivery"). The
standard calendars of the seeds ship inside the package (``standards/svw.toml``,
``standards/dfpeugeot.toml``, ``standards/skoda.toml``); a host writes its own in the same
format, or extends a standard one and overrides its rules by id. Every file is validated
when it is loaded: a :class:`~crm_core.errors.StandardsError` names the file, the rule and
the field, so the author of a calendar can fix it without reading this module.

Reading a file is the only I/O here, and it happens once, when the host loads its
calendars; the planner works on the loaded, immutable :class:`Calendar`.

>>> cal = load_standard("svw")
>>> rule = cal.rule("svw.cr.delivery_satisfaction")
>>> rule.anchor, rule.offsets, rule.window
(<AnchorKind.DELIVERY: 'delivery'>, (Span(7, 'days'),), Span(7, 'days'))
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import cattrs

from crm_core.domain.anchor import AnchorKind
from crm_core.domain.contact import Channel
from crm_core.domain.customer import CustomerType
from crm_core.domain.dealer import StaffRole
from crm_core.domain.serialization import make_converter, structure_record
from crm_core.domain.vehicle import UsageNature
from crm_core.errors import (
    RecordValidationError,
    StandardsError,
    UnknownRuleError,
    ValidationError,
)
from crm_core.schedule._standards import parse_toml
from crm_core.schedule.festivals import FestivalKey

__all__ = [
    "STANDARD_CALENDARS",
    "Applicability",
    "Calendar",
    "Retry",
    "Rule",
    "Span",
    "Unit",
    "Unless",
    "VehicleCondition",
    "extend_calendar",
    "load_calendar",
    "load_standard",
    "parse_calendar",
]

STANDARD_CALENDARS = ("dfpeugeot", "skoda", "svw")
"""The calendars shipped with the library, by the name :func:`load_standard` takes."""

FORMAT_VERSION = 1
"""The calendar format this module reads; a file states it as ``format = 1``."""


class Unit(enum.StrEnum):
    """The unit of a :class:`Span`: hours, days, working days, working hours or months.

    The values are the words a calendar file writes (``"3 working days"``); singular forms
    are read too.
    """

    HOURS = "hours"
    DAYS = "days"
    WORKING_DAYS = "working days"
    WORKING_HOURS = "working hours"
    MONTHS = "months"


_UNIT_WORDS = {
    "hour": Unit.HOURS,
    "hours": Unit.HOURS,
    "day": Unit.DAYS,
    "days": Unit.DAYS,
    "working day": Unit.WORKING_DAYS,
    "working days": Unit.WORKING_DAYS,
    "working hour": Unit.WORKING_HOURS,
    "working hours": Unit.WORKING_HOURS,
    "month": Unit.MONTHS,
    "months": Unit.MONTHS,
}
_SPAN = re.compile(r"^\s*([+-]?\d+)\s+([a-z ]+?)\s*$")


@attrs.frozen(slots=True, repr=False)
class Span:
    """A signed length of time in one unit, as calendars write it: ``"3 working days"``.

    Other examples: ``"7 days"``, ``"-1 month"``, ``"2 hours"``, ``"4 working hours"``.

    Units are kept apart on purpose: "one month" after 31 January is not 30 days, and three
    working days across the Spring Festival are not three days. Days, working days and
    months count whole local days (a window "7 days" ends at the end of its last day);
    hours and working hours count from the anchor's moment, working hours only inside
    the dealer's business hours.
    """

    amount: int
    unit: Unit

    @classmethod
    def parse(cls, text: str) -> Span:
        """``Span.parse("3 working days")`` → ``Span(3, 'working days')``."""
        match = _SPAN.match(text) if isinstance(text, str) else None
        unit = _UNIT_WORDS.get(match.group(2)) if match else None
        if match is None or unit is None:
            raise ValidationError(
                f"{text!r} is not a span; write e.g. '7 days', '-1 month', "
                "'3 working days', '2 hours'"
            )
        return cls(int(match.group(1)), unit)

    def __str__(self) -> str:
        word = self.unit.value
        if abs(self.amount) == 1:
            word = word[:-1]
        return f"{self.amount} {word}"

    def __repr__(self) -> str:
        return f"Span({self.amount}, {self.unit.value!r})"

    def times(self, factor: int) -> Span:
        return Span(self.amount * factor, self.unit)


class Unless(enum.StrEnum):
    """An event after the anchor that makes a rule moot: a service visit, or a delivery.

    A first-service reminder is not sent to an owner who already came for service; a
    prospect who bought is no prospect."""

    SERVICED = "serviced"  # a repair order for the vehicle after the anchor
    DELIVERED = "delivered"  # a delivery to the customer after the anchor


class VehicleCondition(enum.StrEnum):
    """Whether a rule applies to new cars, used cars (二手车), or any (:class:`Applicability`).

    Seed 003's post-delivery callbacks apply to new and used cars alike; a host may split
    them.
    """

    ANY = "any"
    NEW = "new"
    USED = "used"


@attrs.frozen(slots=True)
class Applicability:
    """Which subjects a rule applies to. Empty lists mean "all".

    ``consent_required`` restricts a repair-anchored rule to repair orders on which the
    service advisor recorded the customer's consent to be called back (seed 001).
    """

    customer_types: tuple[CustomerType, ...] = ()
    usage: tuple[UsageNature, ...] = ()
    exclude_usage: tuple[UsageNature, ...] = ()
    consent_required: bool = False
    vehicle: VehicleCondition = VehicleCondition.ANY


@attrs.frozen(slots=True)
class Retry:
    """When to call again after a callback that did not reach the customer, and how often.

    Try again ``after`` the failed attempt (seed 000: the next day), at most
    ``max_attempts`` calls in all."""

    max_attempts: int = 3
    after: Span = Span(1, Unit.WORKING_DAYS)


@attrs.frozen(slots=True)
class Rule:
    """One follow-up rule of a calendar.

    The due window of an occurrence starts at ``anchor event + offset`` (each of
    ``offsets``; repeated ``times`` times, ``every`` apart) and lasts ``window``.
    """

    id: str
    name: str
    anchor: AnchorKind
    offsets: tuple[Span, ...]
    window: Span
    role: StaffRole
    channels: tuple[Channel, ...]
    every: Span | None = None
    times: int = 1
    applies_to: Applicability = Applicability()
    priority: int = 0
    focus: str | None = None
    retry: Retry = Retry()
    working_time: bool = True
    holiday: FestivalKey | None = None
    unless: Unless | None = None
    stage: str | None = None
    source: str | None = None
    enabled: bool = True

    @property
    def is_contact(self) -> bool:
        """False for internal tasks (entering a record, reporting to CR): those reach no
        customer, so the consent gate does not apply to them."""
        return any(channel is not Channel.INTERNAL for channel in self.channels)

    def spans(self) -> Iterable[tuple[int, Span, Span | None]]:
        """``(occurrence index, offset, repeat step)`` for every occurrence, in order."""
        index = 0
        for offset in self.offsets:
            for k in range(self.times):
                yield index, offset, self.every.times(k) if self.every and k else None
                index += 1


@attrs.frozen(slots=True)
class Calendar:
    """A follow-up calendar (a brand's standard, or a host's own), loaded and validated.

    ``rules`` keeps file order; disabled rules are dropped at load time."""

    id: str
    name: str
    version: str
    rules: tuple[Rule, ...]
    sources: tuple[str, ...] = ()

    def rule(self, rule_id: str) -> Rule:
        """The enabled rule with this id, else :class:`~crm_core.errors.UnknownRuleError`
        (a ``LookupError``)."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise UnknownRuleError(self.id, rule_id)

    @property
    def anchors(self) -> frozenset[AnchorKind]:
        return frozenset(rule.anchor for rule in self.rules)


# --- loading ------------------------------------------------------------------------

_RULE_ID = re.compile(r"^[a-z0-9][a-z0-9_.\-]*$")
_MAX_REACH_YEARS = 200
_MAX_REACH_DAYS = _MAX_REACH_YEARS * 366
# calendar days one unit can cover at most, generously: a working day can sit behind a
# holiday, a working hour on the next working day
_MOST_DAYS_PER = {
    Unit.HOURS: 1 / 24,
    Unit.DAYS: 1,
    Unit.MONTHS: 31,
    Unit.WORKING_DAYS: 2,
    Unit.WORKING_HOURS: 1,
}


def _most_days(span: Span | None) -> float:
    return 0 if span is None else abs(span.amount) * _MOST_DAYS_PER[span.unit]


_HEADER_KEYS = frozenset({"format", "id", "name", "version", "extends", "disable", "rules"})


def _converter() -> cattrs.Converter:
    converter = make_converter()

    def span(value: Any, _: type) -> Span:
        if not isinstance(value, str):
            raise ValidationError(f"expected a span string such as '7 days', got {value!r}")
        return Span.parse(value)

    def offsets(value: Any, _: type) -> tuple[Span, ...]:
        items = value if isinstance(value, list) else [value]
        if not items:
            raise ValidationError("needs at least one offset")
        return tuple(span(item, Span) for item in items)

    converter.register_structure_hook(Span, span)
    spans: Any = tuple[Span, ...]
    converter.register_structure_hook_func(lambda t: t == spans, offsets)
    return converter


def _check_rule(rule: Rule, source: str) -> None:
    def fail(field: str, message: str) -> StandardsError:
        return StandardsError(message, source=source, rule=rule.id, field=field)

    if not _RULE_ID.match(rule.id):
        raise fail("id", "use lower-case letters, digits, '.', '_' and '-'")
    if not rule.channels:
        raise fail("channels", "a rule needs at least one channel")
    if rule.window.amount < 0:
        raise fail("window", "a window cannot be negative")
    if rule.times < 1:
        raise fail("times", "must be at least 1")
    if rule.times > 1 and (rule.every is None or rule.every.amount <= 0):
        raise fail("every", "a repeated rule needs a positive 'every' span")
    if rule.every is not None and rule.times == 1:
        raise fail("times", "'every' without 'times' > 1 repeats nothing")
    if (rule.anchor is AnchorKind.HOLIDAY) != (rule.holiday is not None):
        raise fail("holiday", "a holiday rule names its festival, and only a holiday rule")
    if rule.retry.max_attempts < 1:
        raise fail("retry.max_attempts", "must be at least 1")
    if rule.retry.after.amount <= 0:
        raise fail("retry.after", "must be positive")
    if rule.every is not None and rule.every.unit not in (Unit.DAYS, Unit.MONTHS):
        raise fail("every", "repeat in days or months")
    if rule.window.unit is Unit.WORKING_HOURS and rule.window.amount < 0:
        raise fail("window", "a window cannot be negative")
    negative = [o for o in rule.offsets if o.amount < 0 and o.unit is Unit.WORKING_HOURS]
    if negative:
        raise fail("offset", "working hours cannot be counted backwards")
    if Channel.INTERNAL in rule.channels and len(rule.channels) > 1:
        raise fail("channels", "an internal task cannot also contact the customer")
    _check_reach(rule, fail)


def _check_reach(rule: Rule, fail: Callable[[str, str], StandardsError]) -> None:
    """Refuse a rule reaching further than two centuries from its anchor ("99999999
    days", "every 12 months" 100000 ``times``): no follow-up does, and the planner's date
    arithmetic would run off the end of the calendar instead of saying which rule is
    wrong."""
    too_far = f"reaches more than {_MAX_REACH_YEARS} years from the anchor"
    spans = [("window", rule.window), ("every", rule.every), ("retry.after", rule.retry.after)]
    for field, span in [*spans, *(("offset", offset) for offset in rule.offsets)]:
        if _most_days(span) > _MAX_REACH_DAYS:
            raise fail(field, f"{span} {too_far}")
    furthest = max(map(_most_days, rule.offsets)) + _most_days(rule.window)
    if furthest + (rule.times - 1) * _most_days(rule.every) > _MAX_REACH_DAYS:
        raise fail("times", f"{rule.times} times every {rule.every} {too_far}")


def _structure_rule(converter: cattrs.Converter, raw: Any, source: str, index: int) -> Rule:
    rule_id = raw.get("id") if isinstance(raw, dict) else None
    label = rule_id if isinstance(rule_id, str) else f"#{index + 1}"
    if not isinstance(raw, dict):
        raise StandardsError("a rule must be a table", source=source, rule=label)
    data = dict(raw)
    if "offset" in data:
        data["offsets"] = data.pop("offset")
    try:
        rule = structure_record(converter, data, Rule)
    except RecordValidationError as exc:
        first = exc.errors[0]
        field = "offset" if first.field == "offsets" else first.field
        raise StandardsError(first.message, source=source, rule=label, field=field) from exc
    _check_rule(rule, source)
    return rule


def _parse_toml(text: str, source: str) -> dict[str, Any]:
    data = parse_toml(text, source=source)
    unknown = sorted(set(data) - _HEADER_KEYS)
    if unknown:
        raise StandardsError(f"unknown keys: {', '.join(unknown)}", source=source, field=unknown[0])
    if data.get("format") != FORMAT_VERSION:
        raise StandardsError(
            f"format must be {FORMAT_VERSION}, got {data.get('format')!r}",
            source=source,
            field="format",
        )
    for key in ("id", "name", "version"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise StandardsError("required, a non-empty string", source=source, field=key)
    rules = data.get("rules", [])
    if not isinstance(rules, list):
        raise StandardsError("must be an array of tables [[rules]]", source=source, field="rules")
    return data


def _build(
    header: Mapping[str, Any],
    raw_rules: list[tuple[dict[str, Any], str]],
    sources: tuple[str, ...],
) -> Calendar:
    converter = _converter()
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, (raw, source) in enumerate(raw_rules):
        rule = _structure_rule(converter, raw, source, index)
        if rule.id in seen:
            raise StandardsError("duplicate rule id", source=source, rule=rule.id, field="id")
        seen.add(rule.id)
        if rule.enabled:
            rules.append(rule)
    return Calendar(
        id=header["id"],
        name=header["name"],
        version=header["version"],
        rules=tuple(rules),
        sources=sources,
    )


def parse_calendar(text: str, source: str = "<string>") -> Calendar:
    """Parse a calendar from TOML text. ``source`` is the name errors report.

    A file with ``extends = "<standard>"`` starts from that standard calendar: its rules
    override the standard's rules with the same id field by field, add new ones, and
    ``disable`` drops some.

    >>> parse_calendar('format = 1\\nid = "x"\\nname = "X"\\nversion = "1"\\n'
    ...                '[[rules]]\\nid = "x.a"\\nname = "A"\\nanchor = "delivery"\\n'
    ...                'offset = "2 days"\\nwindow = "1 day"\\nrole = "cr_representative"\\n'
    ...                'channels = ["phone"]\\n', "x.toml").rules[0].offsets
    (Span(2, 'days'),)
    """
    data = _parse_toml(text, source)
    base = data.get("extends")
    if base is None:
        return _build(data, [(raw, source) for raw in data.get("rules", [])], (source,))
    if not isinstance(base, str) or base not in STANDARD_CALENDARS:
        raise StandardsError(
            f"extends must name a standard calendar ({', '.join(STANDARD_CALENDARS)}), "
            f"got {base!r}",
            source=source,
            field="extends",
        )
    return _extend(base, data, source)


def _extend(base: str, data: Mapping[str, Any], source: str) -> Calendar:
    base_source = f"standards/{base}.toml"
    return _merge(_parse_toml(_standard_text(base), base_source), base_source, data, source)


def _merge(
    base: Mapping[str, Any], base_source: str, override: Mapping[str, Any], source: str
) -> Calendar:
    """Rules of ``override`` replace the fields they name in the base rule with the same
    id, or are appended when the id is new; ``disable`` lists base rules to drop."""
    merged: dict[str, tuple[dict[str, Any], str]] = {}
    order: list[str] = []
    for raw in base.get("rules", []):
        base_id = str(raw.get("id"))
        merged[base_id] = (dict(raw), base_source)
        order.append(base_id)
    for index, raw in enumerate(override.get("rules", [])):
        new_id = raw.get("id") if isinstance(raw, dict) else None
        if not isinstance(new_id, str):
            raise StandardsError("a rule needs an id", source=source, rule=f"#{index + 1}")
        if new_id in merged:
            merged[new_id] = ({**merged[new_id][0], **raw}, source)
        else:
            merged[new_id] = (dict(raw), source)
            order.append(new_id)
    disable = override.get("disable", [])
    if not isinstance(disable, list) or not all(isinstance(d, str) for d in disable):
        raise StandardsError("must be a list of rule ids", source=source, field="disable")
    for rule_id in disable:
        if rule_id not in merged:
            raise StandardsError(
                "disables a rule the base calendar does not have",
                source=source,
                rule=rule_id,
                field="disable",
            )
        merged[rule_id] = ({**merged[rule_id][0], "enabled": False}, source)
    return _build(override, [merged[rule_id] for rule_id in order], (base_source, source))


def _standard_text(name: str) -> str:
    if name not in STANDARD_CALENDARS:
        raise StandardsError(
            f"no standard calendar {name!r}; the library ships {', '.join(STANDARD_CALENDARS)}"
        )
    return (resources.files("crm_core.schedule") / "standards" / f"{name}.toml").read_text(
        encoding="utf-8"
    )


def load_standard(name: str) -> Calendar:
    """One of the calendars shipped with the library: ``"svw"``, ``"dfpeugeot"``, ``"skoda"``."""
    return parse_calendar(_standard_text(name), f"standards/{name}.toml")


def load_calendar(path: str | Path) -> Calendar:
    """Load a host's own calendar file, which may extend a shipped standard.

    The file may say ``extends = "svw"`` (or another standard) and override rules by id."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise StandardsError(f"cannot read: {exc}", source=str(path)) from exc
    return parse_calendar(text, str(path))


def extend_calendar(base: str, text: str, source: str = "<string>") -> Calendar:
    """Extend the standard calendar ``base`` with the rules (TOML) in ``text``.

    The same as writing ``extends`` into the text: a convenience for hosts that keep
    overrides in their own configuration store.

    >>> cal = extend_calendar("svw", 'format = 1\\nid = "my"\\nname = "Mine"\\n'
    ...     'version = "1"\\ndisable = ["svw.greeting.birthday"]\\n'
    ...     '[[rules]]\\nid = "svw.cr.delivery_satisfaction"\\nwindow = "3 days"\\n')
    >>> cal.rule("svw.cr.delivery_satisfaction").window
    Span(3, 'days')
    >>> "svw.greeting.birthday" in {r.id for r in cal.rules}
    False
    """
    data = _parse_toml(text, source)
    if data.get("extends", base) != base:
        raise StandardsError(
            f"extends {data['extends']!r}, but was asked to extend {base!r}",
            source=source,
            field="extends",
        )
    return _extend(base, data, source)
