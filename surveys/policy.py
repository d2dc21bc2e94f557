"""When a published number may be shown at all: the report policy.

A score about one person feeds that person's appraisal, so it is shown only when it
rests on enough responses. The rule is judged per number, from that number's own
respondent count: an employee with 30 respondents of whom only 2 answered U6 and U7
has a sufficient overall score and an insufficient personal index. The thresholds are
configured once (``portal.config``) and every page, export and API call reads the same
policy.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MINIMUM_FOR_PERSON = 30


@dataclass(frozen=True)
class ReportPolicy:
    # Fewest respondents behind any number about one employee (overall, personal, unsur).
    minimum_for_person: int = DEFAULT_MINIMUM_FOR_PERSON

    def __post_init__(self):
        if self.minimum_for_person < 1:
            raise ValueError("minimum_for_person must be at least 1")

    def sufficient_for_person(self, respondents: int) -> bool:
        """Return whether a number about one person rests on enough respondents to show."""
        return respondents >= self.minimum_for_person
