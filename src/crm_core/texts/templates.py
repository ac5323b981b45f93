"""The customer texts, one template per purpose, as gettext messages.

The message ids are English; ``crm_core/i18n`` holds the zh_CN and en catalogs. The
markers ``N_`` (a message) leave the text unchanged here and let ``pybabel extract``
find it (see ``docs/notifiers.md`` for the commands). Placeholders are ``str.format``
fields; :class:`~crm_core.texts.render.TextRenderer` fills ``name`` (the salutation, e.g.
``王先生``) and ``dealer`` itself and formats dates, times, money and numbers with Babel
for the customer's locale.

Which purposes are marketing is data too: the renderer appends the opt-out line (SMS:
``回T退订``) to those, because the MIIT's rules on text messages (通信短信息服务管理规定,
2015) require a commercial message to tell the recipient how to refuse further ones.
Service notices the customer needs (an appointment, an inspection deadline) carry none.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

import attrs

__all__ = [
    "DEFAULT_TEMPLATES",
    "HOLIDAY_NAMES",
    "Holiday",
    "Purpose",
    "Template",
]


def N_(message: str) -> str:
    """Mark ``message`` for extraction; translation happens when it is rendered."""
    return message


class Purpose(enum.StrEnum):
    """Why a customer gets a text; the outbox stores it on the message as ``purpose``."""

    BIRTHDAY = "birthday"
    SPRING_FESTIVAL = "spring_festival"
    HOLIDAY = "holiday"  # other festivals: the ``holiday`` field names which
    FIRST_SERVICE = "first_service"
    INSPECTION = "inspection"
    INSURANCE_RENEWAL = "insurance_renewal"
    DELIVERY_THANKS = "delivery_thanks"
    # seed 003's "accompany the new car" (陪伴新车使用) messages of the first month: each has
    # its own focus so that the customer is not told the same thing four times
    NEW_CAR_THANKS = "new_car_thanks"  # the day of delivery, from 2 hours after
    NEW_CAR_FAMILIARIZE = "new_car_familiarize"  # first days: features, questions
    NEW_CAR_TIPS = "new_car_tips"  # running-in advice
    NEW_CAR_SERVICE_INFO = "new_car_service_info"  # opening hours, services, hotline
    APPOINTMENT_REMINDER = "appointment_reminder"


class Holiday(enum.StrEnum):
    """Festivals a dealer greets customers on.

    The dates come from the working-day calendar; only the names live here."""

    NEW_YEAR = "new_year"  # 元旦
    LANTERN = "lantern"  # 元宵节
    DRAGON_BOAT = "dragon_boat"  # 端午节
    MID_AUTUMN = "mid_autumn"  # 中秋节
    NATIONAL_DAY = "national_day"  # 国庆节


HOLIDAY_NAMES: Mapping[Holiday, str] = {
    Holiday.NEW_YEAR: N_("New Year's Day"),
    Holiday.LANTERN: N_("Lantern Festival"),
    Holiday.DRAGON_BOAT: N_("Dragon Boat Festival"),
    Holiday.MID_AUTUMN: N_("Mid-Autumn Festival"),
    Holiday.NATIONAL_DAY: N_("National Day"),
}


@attrs.frozen(slots=True)
class Template:
    """One purpose's texts, as message ids: the SMS, the e-mail subject and body.

    ``fields`` are the placeholders the caller must supply besides ``name`` and
    ``dealer``; ``marketing`` adds the opt-out line."""

    sms: str
    subject: str
    body: str
    fields: frozenset[str] = frozenset()
    marketing: bool = False


DEFAULT_TEMPLATES: Mapping[Purpose, Template] = {
    Purpose.BIRTHDAY: Template(
        sms=N_(
            "Dear {name}, happy birthday! Everyone at {dealer} wishes you good health "
            "and every success in the year ahead."
        ),
        subject=N_("Happy birthday from {dealer}"),
        body=N_(
            "Dear {name},\n\nHappy birthday! Everyone at {dealer} wishes you good health "
            "and every success in the year ahead. Thank you for your trust."
        ),
        marketing=True,
    ),
    Purpose.SPRING_FESTIVAL: Template(
        sms=N_(
            "Dear {name}, {dealer} wishes you and your family a happy Spring Festival, "
            "good fortune and safe travels in the new year!"
        ),
        subject=N_("Happy Spring Festival from {dealer}"),
        body=N_(
            "Dear {name},\n\n{dealer} wishes you and your family a happy Spring Festival, "
            "good fortune and safe travels in the new year! Before a long drive home, let "
            "us check your car: call {hotline}."
        ),
        fields=frozenset({"hotline"}),
        marketing=True,
    ),
    Purpose.HOLIDAY: Template(
        sms=N_(
            "Dear {name}, {dealer} wishes you a happy {holiday}! Before a trip, check your "
            "tyres, lights and fluids; for help call {hotline}."
        ),
        subject=N_("Season's greetings from {dealer}"),
        body=N_(
            "Dear {name},\n\n{dealer} wishes you a happy {holiday}! Before a trip, check "
            "your tyres, lights and fluids; for help call {hotline}."
        ),
        fields=frozenset({"holiday", "hotline"}),
        marketing=True,
    ),
    Purpose.FIRST_SERVICE: Template(
        sms=N_(
            "Dear {name}, your {vehicle} is due for its first service by {due_date} or at "
            "{mileage} km, whichever comes first. Call {hotline} to book a time."
        ),
        subject=N_("Your first service is due by {due_date}"),
        body=N_(
            "Dear {name},\n\nyour {vehicle} is due for its first service by {due_date} or "
            "at {mileage} km, whichever comes first. The first service keeps your warranty "
            "in force. Call {hotline} to book a time; a service advisor will be ready for you."
        ),
        fields=frozenset({"vehicle", "due_date", "mileage", "hotline"}),
    ),
    Purpose.INSPECTION: Template(
        sms=N_(
            "Dear {name}, the annual inspection of your {vehicle} is due by {due_date}. "
            "We can take care of it for you: call {hotline}."
        ),
        subject=N_("Annual inspection due by {due_date}"),
        body=N_(
            "Dear {name},\n\nthe annual inspection of your {vehicle} is due by {due_date}. "
            "Driving without a valid inspection is fined; we can take care of it for you. "
            "Call {hotline}."
        ),
        fields=frozenset({"vehicle", "due_date", "hotline"}),
    ),
    Purpose.INSURANCE_RENEWAL: Template(
        sms=N_(
            "Dear {name}, the insurance of your {vehicle} expires on {due_date}. Renew with "
            "us and save; ask {hotline}."
        ),
        subject=N_("Your car insurance expires on {due_date}"),
        body=N_(
            "Dear {name},\n\nthe insurance of your {vehicle} expires on {due_date}. Renew "
            "with us and save: repairs after an accident are handled in our own workshop. "
            "Ask {hotline}."
        ),
        fields=frozenset({"vehicle", "due_date", "hotline"}),
        marketing=True,
    ),
    Purpose.DELIVERY_THANKS: Template(
        sms=N_(
            "Dear {name}, thank you for choosing {dealer}, and congratulations on your new "
            "{vehicle}! Your sales consultant {consultant} is there for any question."
        ),
        subject=N_("Thank you for choosing {dealer}"),
        body=N_(
            "Dear {name},\n\nthank you for choosing {dealer}, and congratulations on your "
            "new {vehicle}! Your sales consultant {consultant} is there for any question, "
            "and our hotline {hotline} answers every day."
        ),
        fields=frozenset({"vehicle", "consultant", "hotline"}),
    ),
    Purpose.NEW_CAR_THANKS: Template(
        sms=N_(
            "Dear {name}, thank you for collecting your car at {dealer} today. Have a good "
            "drive home; {consultant} will gladly answer any question."
        ),
        subject=N_("Have a good drive home"),
        body=N_(
            "Dear {name},\n\nthank you for collecting your car at {dealer} today. Have a "
            "good drive home; your sales consultant {consultant} will gladly answer any "
            "question."
        ),
        fields=frozenset({"consultant"}),
    ),
    Purpose.NEW_CAR_FAMILIARIZE: Template(
        sms=N_(
            "Dear {name}, how are you getting on with your new car? If the navigation, "
            "Bluetooth or air conditioning puzzle you, call {hotline} or drop by: we will "
            "show you."
        ),
        subject=N_("Getting to know your new car"),
        body=N_(
            "Dear {name},\n\nhow are you getting on with your new car? If the navigation, "
            "Bluetooth or air conditioning puzzle you, call {hotline} or drop by: we will "
            "show you, free of charge."
        ),
        fields=frozenset({"hotline"}),
    ),
    Purpose.NEW_CAR_TIPS: Template(
        sms=N_(
            "Dear {name}, a tip for the running-in period: avoid hard acceleration and long "
            "stretches at high speed, and check the tyre pressure now and then. Questions: "
            "{hotline}."
        ),
        subject=N_("Running in your new car"),
        body=N_(
            "Dear {name},\n\na tip for the running-in period: avoid hard acceleration and "
            "long stretches at high speed, and check the tyre pressure now and then. "
            "Questions: {hotline}."
        ),
        fields=frozenset({"hotline"}),
    ),
    Purpose.NEW_CAR_SERVICE_INFO: Template(
        sms=N_(
            "Dear {name}, the workshop of {dealer} is open {opening_hours}; service hotline "
            "{hotline}. Please book your first service in advance."
        ),
        subject=N_("Our workshop and services"),
        body=N_(
            "Dear {name},\n\nthe workshop of {dealer} is open {opening_hours}; service "
            "hotline {hotline}. Please book your first service in advance, and tell us "
            "how your first month with the car went."
        ),
        fields=frozenset({"opening_hours", "hotline"}),
    ),
    Purpose.APPOINTMENT_REMINDER: Template(
        sms=N_(
            "Dear {name}, a reminder of your appointment at {dealer} on {when} for your "
            "{vehicle}. Please bring the vehicle licence. To change it, call {hotline}."
        ),
        subject=N_("Your appointment on {when}"),
        body=N_(
            "Dear {name},\n\na reminder of your appointment at {dealer} on {when} for your "
            "{vehicle}. Please bring the vehicle licence. To change the time, call {hotline}."
        ),
        fields=frozenset({"when", "vehicle", "hotline"}),
    ),
}

# the pieces the renderer puts around a template: salutations, the opt-out lines, the
# e-mail sign-off, a date joined with a time
MR = N_("Mr {surname}")
MS = N_("Ms {surname}")
COMPANY_CONTACT = N_("{contact} ({company})")
DATE_AT_TIME = N_("{date} at {time}")
SMS_WITH_OPT_OUT = N_("{text} Reply T to unsubscribe")
EMAIL_OPT_OUT = N_("To stop these e-mails, reply with the word “unsubscribe”.")
EMAIL_SIGN_OFF = N_("Kind regards,\n{dealer}")
