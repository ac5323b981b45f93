"""The calendar format and its loader: the shipped calendars, extension, and errors that
name the file, the rule and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_core.domain.anchor import AnchorKind
from crm_core.domain.contact import Channel
from crm_core.domain.customer import CustomerType
from crm_core.domain.dealer import StaffRole
from crm_core.domain.vehicle import UsageNature
from crm_core.errors import StandardsError, UnknownRuleError, ValidationError
from crm_core.schedule.calendars import (
    STANDARD_CALENDARS,
    Span,
    Unit,
    Unless,
    extend_calendar,
    load_calendar,
    load_standard,
    parse_calendar,
)
from crm_core.schedule.festivals import FestivalKey

HEADER = 'format = 1\nid = "mine"\nname = "Mine"\nversion = "1"\n'
RULE = (
    '[[rules]]\nid = "mine.a"\nname = "A"\nanchor = "delivery"\noffset = "2 days"\n'
    'window = "1 day"\nrole = "cr_representative"\nchannels = ["phone"]\n'
)


@pytest.mark.parametrize("name", STANDARD_CALENDARS)
def test_standard_calendars_load(name: str) -> None:
    calendar = load_standard(name)
    assert calendar.id == name
    assert calendar.rules
    assert len({r.id for r in calendar.rules}) == len(calendar.rules)
    assert all(r.source for r in calendar.rules)


def test_svw_encodes_the_seed_numbers() -> None:
    cal = load_standard("svw")
    sales = [cal.rule(f"svw.sales.call_day{n}") for n in (1, 3, 7)]
    assert [r.offsets for r in sales] == [
        (Span(1, Unit.DAYS),),
        (Span(3, Unit.DAYS),),
        (Span(7, Unit.DAYS),),
    ]
    assert all(r.role is StaffRole.SALES_CONSULTANT for r in sales)
    cr = cal.rule("svw.cr.delivery_satisfaction")
    assert (cr.offsets, cr.window) == ((Span(7, Unit.DAYS),), Span(7, Unit.DAYS))
    assert cr.retry.after == Span(1, Unit.WORKING_DAYS)
    service = cal.rule("svw.cr.service_satisfaction")
    assert (service.offsets, service.window) == ((Span(3, Unit.DAYS),), Span(4, Unit.DAYS))
    assert service.applies_to.exclude_usage == (UsageNature.TAXI,)
    months = cal.rule("svw.periodic.ownership_month")
    assert [o.amount for o in months.offsets] == [11, 23, 35, 47, 59]
    six = cal.rule("svw.periodic.six_months")
    assert (six.every, six.times) == (Span(6, Unit.MONTHS), 20)
    entry = cal.rule("svw.sales.record_entry")
    assert (entry.window, entry.channels, entry.is_contact) == (
        Span(48, Unit.HOURS),
        (Channel.INTERNAL,),
        False,
    )
    assert cal.rule("svw.greeting.spring_festival").holiday is FestivalKey.SPRING_FESTIVAL
    assert cal.rule("svw.greeting.birthday").applies_to.customer_types == (CustomerType.INDIVIDUAL,)
    assert cal.rule("svw.reminder.first_service").unless is Unless.SERVICED
    assert cal.rule("svw.dissatisfied.revisit").window == Span(3, Unit.DAYS)


def test_dfpeugeot_encodes_the_seed_numbers() -> None:
    cal = load_standard("dfpeugeot")
    thanks = cal.rule("dfp.delivery.thanks")
    assert thanks.offsets == (Span(2, Unit.HOURS),)
    assert thanks.channels == (Channel.PHONE, Channel.SMS)
    accompany = [r for r in cal.rules if r.id.startswith("dfp.accompany.")]
    assert len(accompany) == 4
    assert len({r.focus for r in accompany}) == 4  # each its own focus
    assert {r.role for r in accompany} == {StaffRole.SALES_CONSULTANT, StaffRole.CR_REPRESENTATIVE}
    assert cal.rule("dfp.service.callback").applies_to.consent_required
    assert cal.rule("dfp.complaint.escalate").window == Span(4, Unit.WORKING_HOURS)
    assert cal.rule("dfp.lost_owner").anchor is AnchorKind.LAST_VISIT


def test_skoda_covers_the_seven_stages() -> None:
    cal = load_standard("skoda")
    stages = {r.stage for r in cal.rules}
    assert stages == {"need", "trial", "purchase", "repair", "service", "retention", "repurchase"}
    assert cal.rule("skoda.club.activity").anchor is AnchorKind.CLUB_ENROLMENT


def test_span_parse_and_errors() -> None:
    assert Span.parse("-1 month") == Span(-1, Unit.MONTHS)
    assert Span.parse("3 working days") == Span(3, Unit.WORKING_DAYS)
    assert str(Span(1, Unit.WORKING_HOURS)) == "1 working hour"
    for bad in ("7", "seven days", "7 fortnights", "1.5 days", ""):
        with pytest.raises(ValidationError):
            Span.parse(bad)


def test_offset_list_and_extend() -> None:
    cal = parse_calendar(HEADER + RULE.replace('"2 days"', '["1 day", "3 days"]'), "m.toml")
    assert cal.rules[0].offsets == (Span(1, Unit.DAYS), Span(3, Unit.DAYS))


def test_extend_overrides_by_id_adds_and_disables() -> None:
    text = (
        HEADER
        + 'extends = "svw"\ndisable = ["svw.lost_owner"]\n'
        + '[[rules]]\nid = "svw.cr.delivery_satisfaction"\nwindow = "3 days"\npriority = 99\n'
        + RULE
    )
    cal = parse_calendar(text, "host.toml")
    base = load_standard("svw")
    rule = cal.rule("svw.cr.delivery_satisfaction")
    assert (rule.window, rule.priority) == (Span(3, Unit.DAYS), 99)
    assert rule.offsets == base.rule("svw.cr.delivery_satisfaction").offsets  # kept
    assert "svw.lost_owner" not in {r.id for r in cal.rules}
    assert cal.rules[-1].id == "mine.a"
    assert cal.sources == ("standards/svw.toml", "host.toml")
    assert extend_calendar("svw", HEADER + RULE).rule("mine.a").window == Span(1, Unit.DAYS)


def test_load_calendar_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "host.toml"
    path.write_text(HEADER + RULE, encoding="utf-8")
    assert load_calendar(path).rule("mine.a").role is StaffRole.CR_REPRESENTATIVE
    with pytest.raises(StandardsError, match=r"missing\.toml"):
        load_calendar(tmp_path / "missing.toml")


@pytest.mark.parametrize(
    ("change", "rule", "field", "message"),
    [
        (('anchor = "delivery"', 'anchor = "deliverry"'), "mine.a", "anchor", "deliverry"),
        (('offset = "2 days"', 'offset = "2 fortnights"'), "mine.a", "offset", "not a span"),
        (('offset = "2 days"', "offset = 2"), "mine.a", "offset", "span"),
        (('window = "1 day"', 'window = "-1 day"'), "mine.a", "window", "negative"),
        (('role = "cr_representative"', 'role = "janitor"'), "mine.a", "role", "janitor"),
        (('channels = ["phone"]', "channels = []"), "mine.a", "channels", "at least one"),
        (('channels = ["phone"]', 'channels = ["pigeon"]'), "mine.a", "channels", "pigeon"),
        (
            ('channels = ["phone"]', 'channels = ["internal", "sms"]'),
            "mine.a",
            "channels",
            "internal",
        ),
        (('name = "A"\n', 'name = "A"\ncolour = "red"\n'), "mine.a", None, "colour"),
        (('name = "A"\n', 'name = "A"\ntimes = 3\n'), "mine.a", "every", "every"),
        (('name = "A"\n', 'name = "A"\nevery = "6 months"\n'), "mine.a", "times", "times"),
        (
            ('name = "A"\n', 'name = "A"\nholiday = "spring_festival"\n'),
            "mine.a",
            "holiday",
            "holiday",
        ),
        (('anchor = "delivery"', 'anchor = "holiday"'), "mine.a", "holiday", "festival"),
        (
            ('name = "A"\n', 'name = "A"\nretry = { max_attempts = 0 }\n'),
            "mine.a",
            "retry.max_attempts",
            "",
        ),
        (('id = "mine.a"', 'id = "Mine A"'), "Mine A", "id", "lower-case"),
        # bool("false") is True: the rule would stay on (or working time off) without a word
        (('name = "A"\n', 'name = "A"\nenabled = "false"\n'), "mine.a", "enabled", "true or"),
        (('name = "A"\n', 'name = "A"\nworking_time = 0\n'), "mine.a", "working_time", "true"),
        (('name = "A"\n', 'name = "A"\npriority = 2.5\n'), "mine.a", "priority", "integer"),
        (
            ('name = "A"\n', 'name = "A"\napplies_to = { customer_types = "company" }\n'),
            "mine.a",
            "applies_to.customer_types",
            "expected a list",
        ),
        # spans no follow-up has: the planner's date arithmetic would run off the calendar
        (('offset = "2 days"', 'offset = "99999999 days"'), "mine.a", "offset", "200 years"),
        (('window = "1 day"', 'window = "-99999 months"'), "mine.a", "window", "negative"),
        (('window = "1 day"', 'window = "9999 months"'), "mine.a", "window", "200 years"),
        (
            ('name = "A"\n', 'name = "A"\nevery = "12 months"\ntimes = 100000\n'),
            "mine.a",
            "times",
            "100000 times every 12 months reaches more than 200 years",
        ),
        (
            ('name = "A"\n', 'name = "A"\nretry = { after = "999999 working days" }\n'),
            "mine.a",
            "retry.after",
            "200 years",
        ),
        (('name = "A"\n', ""), "mine.a", "name", ""),
    ],
)
def test_errors_name_file_rule_and_field(
    change: tuple[str, str], rule: str, field: str | None, message: str
) -> None:
    text = HEADER + RULE.replace(*change)
    with pytest.raises(StandardsError) as info:
        parse_calendar(text, "host/mine.toml")
    error = info.value
    assert error.source == "host/mine.toml"
    assert error.rule == rule
    if field is not None:
        assert error.field == field
    assert message in str(error)
    assert str(error).startswith("file host/mine.toml, rule ")


def test_duplicate_rule_ids_are_refused() -> None:
    with pytest.raises(StandardsError) as info:
        parse_calendar(HEADER + RULE + RULE, "dup.toml")
    assert (info.value.rule, info.value.field) == ("mine.a", "id")


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ("format = 2\n" + HEADER[len("format = 1\n") :], "format", "format must be 1"),
        (HEADER.replace('name = "Mine"\n', ""), "name", "required"),
        (HEADER + "owner = 1\n", "owner", "unknown keys"),
        (HEADER + 'extends = "bmw"\n', "extends", "standard calendar"),
        (HEADER + 'extends = "svw"\ndisable = ["svw.nope"]\n', "disable", "does not have"),
        (HEADER + "rules = 3\n", "rules", "array"),
    ],
)
def test_header_errors(text: str, field: str, message: str) -> None:
    with pytest.raises(StandardsError) as info:
        parse_calendar(text, "h.toml")
    assert info.value.field == field
    assert message in str(info.value)
    assert info.value.source == "h.toml"


def test_broken_toml_and_unknown_standard() -> None:
    with pytest.raises(StandardsError, match=r"file b\.toml: not valid TOML"):
        parse_calendar("format = = 1", "b.toml")
    with pytest.raises(StandardsError, match="no standard calendar 'bmw'"):
        load_standard("bmw")
    with pytest.raises(StandardsError, match="extends 'skoda'"):
        extend_calendar("svw", HEADER + 'extends = "skoda"\n')


def test_a_birthday_rule_for_a_lifetime_is_within_reach() -> None:
    # the SVW birthday greeting repeats 120 years: the reach limit leaves room for it
    text = HEADER + RULE.replace('name = "A"\n', 'name = "A"\nevery = "12 months"\ntimes = 150\n')
    assert parse_calendar(text, "m.toml").rule("mine.a").times == 150


def test_a_rule_the_calendar_does_not_hold_is_a_typed_lookup_error() -> None:
    cal = extend_calendar(
        "svw",
        'format = 1\nid = "my"\nname = "Mine"\nversion = "1"\n'
        'disable = ["svw.greeting.birthday"]\n',
    )
    for missing in ("svw.greeting.birthday", "svw.no.such_rule"):  # switched off; never was
        with pytest.raises(UnknownRuleError) as caught:
            cal.rule(missing)
        assert isinstance(caught.value, StandardsError | LookupError)
        assert (caught.value.calendar, caught.value.rule) == ("my", missing)
        assert str(caught.value) == f"rule {missing}: calendar my has no enabled rule with this id"
    assert load_standard("svw").rule("svw.greeting.birthday").id == "svw.greeting.birthday"
