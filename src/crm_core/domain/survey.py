"""Satisfaction survey responses (seed 000's SSI / CSI and the dealer's own surveys).

A callback's ``Callback`` detail already carries a satisfaction score and the recommend
answer, but a survey is also run by the carmaker or a third party (北京环亚 for SVW) on
a sample of last month's private buyers and serviced owners, with no callback behind it.
This record holds either kind, and says which survey (sales or after-sales) it belongs to.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, NewType

import attrs

from crm_core.domain._validators import as_members, aware, is_whole, non_empty, non_negative
from crm_core.domain.ids import CustomerId, DealerId, InteractionId
from crm_core.domain.interaction import Recommendation, SurveyAnswer
from crm_core.errors import ValidationError

__all__ = ["SurveyId", "SurveyKind", "SurveyResponse", "SurveySource"]

SurveyId = NewType("SurveyId", str)
SurveyId.__doc__ = "A satisfaction survey response's id, as the host's DMS has it."


class SurveyKind(enum.StrEnum):
    """Which satisfaction a survey measures: sales (SSI) or after-sales (CSI)."""

    SALES = "sales"  # 售时满意度 (SSI): purchase and delivery
    AFTER_SALES = "after_sales"  # 售后满意度 (CSI): maintenance and repair


class SurveySource(enum.StrEnum):
    """Who asked the survey: the dealer, the carmaker or an agency the carmaker hired."""

    DEALER = "dealer"  # the dealer's own satisfaction callback
    OEM = "oem"  # the carmaker's customer service
    THIRD_PARTY = "third_party"  # an agency commissioned by the carmaker


def _score(_: Any, attribute: attrs.Attribute[Any], value: int) -> None:
    if not is_whole(value, 1, 5):
        raise ValidationError("must be a score from 1 to 5", field=attribute.name)


def _answer_scores(
    _: Any, attribute: attrs.Attribute[Any], value: tuple[SurveyAnswer, ...]
) -> None:
    for answer in value:
        if not 1 <= answer.score <= 5:
            raise ValidationError(
                f"answer to {answer.question!r} must be a score from 1 to 5",
                field=attribute.name,
            )


@attrs.frozen(slots=True)
class SurveyResponse:
    """One customer's answers to a satisfaction survey (SSI after a sale, CSI after service).

    ``overall`` is 1 (very dissatisfied) to 5 (completely
    satisfied, 完全满意), the scale the callback detail uses too."""

    id: SurveyId = attrs.field(validator=non_empty)
    dealer_id: DealerId = attrs.field(validator=non_empty)
    kind: SurveyKind
    answered_at: datetime = attrs.field(validator=aware)
    overall: int = attrs.field(validator=_score)
    would_recommend: Recommendation | None = None
    answers: tuple[SurveyAnswer, ...] = attrs.field(default=(), validator=_answer_scores)
    customer_id: CustomerId | None = None
    subject_interaction_id: InteractionId | None = None  # the delivery or repair order
    source: SurveySource = SurveySource.DEALER
    version: int = attrs.field(default=0, validator=non_negative)
    updated_at: datetime | None = attrs.field(default=None, validator=aware)

    __attrs_post_init__ = as_members
