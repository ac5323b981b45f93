"""How the dealer and the customer reach each other."""

from __future__ import annotations

import enum


class Channel(enum.StrEnum):
    """How the dealer reaches a customer: phone, SMS, e-mail, direct mail, in person, WeChat …

    Calendar rules list the channels of a task, a customer may opt out of single channels,
    and the outbox sends SMS and EMAIL. ``INTERNAL`` is work with no customer contact
    (entering a record, reporting to CR), which consent never stops.
    """

    PHONE = "phone"  # 电话
    SMS = "sms"  # 短信
    EMAIL = "email"  # 电邮
    MAIL = "mail"  # 直邮
    IN_PERSON = "in_person"  # 到店 / 面谈
    WECHAT = "wechat"  # 微信
    APP = "app"  # the carmaker's or dealer's app
    INTERNAL = "internal"  # no customer contact: entering a record, reporting to CR
