"""The events that follow-up rules count from.

Shared by the calendars (a rule names its anchor), the planner (which turns an anchor into
a due window) and the storage ports (which find the subjects whose anchor falls in a date
range, so a day's agenda reads only what can be due).
"""

from __future__ import annotations

import enum


class AnchorKind(enum.StrEnum):
    """The event a follow-up rule counts from: a delivery, a repair handed back, a birthday …

    Each calendar rule names one; the planner turns the customer's event of that kind into
    the task's due window, and the storage ports find the customers whose event falls in a
    date range. HOLIDAY is the exception: a greeting counts from the calendar, not the
    customer.
    """

    SALE = "sale"  # order signed / sale reported
    DELIVERY = "delivery"  # the customer drove the new car away
    REPAIR_HANDED_BACK = "repair_handed_back"  # a repair order's car handed back
    FIRST_REGISTRATION = "first_registration"  # plate registration: inspection cycles
    BIRTHDAY = "birthday"
    INSURANCE_EXPIRY = "insurance_expiry"
    WARRANTY_END = "warranty_end"
    LAST_VISIT = "last_visit"  # last workshop visit: periodic and lost-owner callbacks
    HOLIDAY = "holiday"  # a festival greeting: anchored on the calendar, not the subject
    DISSATISFACTION = "dissatisfaction"  # a callback that found the customer dissatisfied
    COMPLAINT = "complaint"  # a callback that found a complaint (seed 001 escalation)
    FIRST_CONTACT = "first_contact"  # a prospect's first inbound call or showroom visit
    TEST_DRIVE = "test_drive"
    CLUB_ENROLMENT = "club_enrolment"  # joined the owners' club (seed 002 touchpoints)
    INSPECTION_DUE = "inspection_due"  # the vehicle's next periodic inspection
    NOT_REACHED = "not_reached"  # a callback that did not reach the customer: the retry
