"""Satisfaction surveys per dealer, period and survey (sales or after-sales).

Seed 000 reports two headline figures for SSI (sales) and CSI (after-sales): the overall
satisfaction, whose headline is the share of "completely satisfied" customers (总体完全满意率),
and the four-level "would you recommend" answer, whose headline is the share answering
"definitely" (肯定推荐率).

>>> from datetime import UTC, datetime
>>> from crm_core.domain.interaction import Recommendation
>>> from crm_core.domain.survey import SurveyKind, SurveyResponse
>>> from crm_core.scoring.period import Period
>>> rs = [SurveyResponse(id=f"S{n}", dealer_id="D1", kind=SurveyKind.AFTER_SALES,
...                      answered_at=datetime(2026, 3, 10, tzinfo=UTC), overall=score,
...                      would_recommend=rec)
...       for n, (score, rec) in enumerate([(5, Recommendation.DEFINITELY),
...                                         (4, Recommendation.PROBABLY),
...                                         (5, None)])]
>>> s = survey_summaries(Period.month(2026, 3), rs)[("D1", SurveyKind.AFTER_SALES)]
>>> s.completely_satisfied.value, s.overall.value, s.definitely_recommend.value
(Decimal('0.6667'), Decimal('4.67'), Decimal('0.5000'))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

import attrs

from crm_core.domain.ids import DealerId
from crm_core.domain.interaction import Recommendation, SurveyAnswer
from crm_core.domain.survey import SurveyKind, SurveyResponse, SurveySource
from crm_core.scoring.kpi import KpiValue, decimal_places, mean, rate
from crm_core.scoring.period import Period

__all__ = [
    "QuestionScore",
    "QuestionTally",
    "SurveyConfig",
    "SurveySummary",
    "survey_summaries",
]


@attrs.frozen(slots=True)
class QuestionScore:
    """The mean score of one questionnaire item over the answers given."""

    question: str
    mean: KpiValue


class QuestionTally:
    """Running sums per question (mutable, local to one computation)."""

    __slots__ = ("sums",)

    def __init__(self) -> None:
        self.sums: dict[str, list[int]] = {}

    def add(self, answers: Iterable[SurveyAnswer]) -> None:
        for answer in answers:
            entry = self.sums.get(answer.question)
            if entry is None:
                self.sums[answer.question] = [answer.score, 1]
            else:
                entry[0] += answer.score
                entry[1] += 1

    def scores(self) -> tuple[QuestionScore, ...]:
        return tuple(
            QuestionScore(q, mean(q, total, n)) for q, (total, n) in sorted(self.sums.items())
        )


@attrs.frozen(slots=True)
class SurveyConfig:
    """How satisfaction surveys are summarised: the top score, the sources counted, rounding.

    ``completely_satisfied`` is the score that counts as 完全满意; ``sources`` selects the
    dealer's own, the carmaker's and third-party surveys; ``places`` rounds the rates.
    """

    completely_satisfied: int = 5
    sources: frozenset[SurveySource] = frozenset(SurveySource)
    places: int = attrs.field(default=4, validator=decimal_places)


@attrs.frozen(slots=True)
class SurveySummary:
    """One dealer's sales (SSI) or after-sales (CSI) satisfaction for a period.

    What :func:`survey_summaries` returns per dealer and survey kind: the mean overall
    score, the share completely satisfied, the "would recommend" answers per level and the
    share of "definitely", and the mean score per question.
    """

    dealer_id: DealerId
    kind: SurveyKind
    period: Period
    responses: int
    overall: KpiValue  # mean overall score, 1..5
    completely_satisfied: KpiValue  # share of responses at the top score
    recommend: Mapping[Recommendation, int]  # all four levels, zeros included
    definitely_recommend: KpiValue  # share of recommend answers that are "definitely"
    questions: tuple[QuestionScore, ...]


class _Acc:
    __slots__ = ("n", "questions", "recommend", "top", "total")

    def __init__(self) -> None:
        self.n = self.total = self.top = 0
        self.recommend = dict.fromkeys(Recommendation, 0)
        self.questions = QuestionTally()


def survey_summaries(
    period: Period,
    surveys: Iterable[SurveyResponse],
    config: SurveyConfig | None = None,
    dealer_id: DealerId | None = None,
) -> dict[tuple[DealerId, SurveyKind], SurveySummary]:
    """Satisfaction survey results (SSI, CSI) of a period, per dealer and survey kind.

    One summary per dealer and survey kind with responses answered in ``period`` (one pass).
    """
    cfg = config or SurveyConfig()
    start, end = period.start, period.end
    accs: dict[tuple[DealerId, SurveyKind], _Acc] = {}
    if dealer_id is not None:  # a dealer asked for by name is reported, even without data
        accs.update({(dealer_id, kind): _Acc() for kind in SurveyKind})
    for s in surveys:
        if dealer_id is not None and s.dealer_id != dealer_id:
            continue
        if s.source not in cfg.sources or not start <= s.answered_at < end:
            continue
        key = (s.dealer_id, s.kind)
        acc = accs.get(key)
        if acc is None:
            acc = accs[key] = _Acc()
        acc.n += 1
        acc.total += s.overall
        acc.top += s.overall >= cfg.completely_satisfied
        if s.would_recommend is not None:
            acc.recommend[s.would_recommend] += 1
        acc.questions.add(s.answers)
    result = {}
    for (did, kind), acc in accs.items():
        answered = sum(acc.recommend.values())
        result[did, kind] = SurveySummary(
            dealer_id=did,
            kind=kind,
            period=period,
            responses=acc.n,
            overall=mean("overall", acc.total, acc.n),
            completely_satisfied=rate("completely_satisfied", acc.top, acc.n, places=cfg.places),
            recommend=MappingProxyType(acc.recommend),
            definitely_recommend=rate(
                "definitely_recommend",
                acc.recommend[Recommendation.DEFINITELY],
                answered,
                places=cfg.places,
            ),
            questions=acc.questions.scores(),
        )
    return result
