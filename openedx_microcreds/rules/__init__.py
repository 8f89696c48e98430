"""The micro-credential rule engine: plain Python, no Django.

A course author's JSON rule document is validated by `parse_rule`, decided for a learner
by `evaluate` (which explains every clause), and read by the issuing side through
`competencies`, `thresholds`, `results`, `required_credentials`, `referenced_courses`
and `describe`. The caller supplies grades by implementing `LearnerFacts`.
"""

from .describe import describe
from .errors import Problem, RuleValidationError
from .evaluate import evaluate
from .explanation import BlockOutcome, Explanation
from .facts import LearnerFacts, Score
from .issuing import (
    Competency,
    ResultValue,
    Threshold,
    competencies,
    referenced_courses,
    required_credentials,
    results,
    thresholds,
)
from .model import Rule
from .parse import parse_rule
from .schema import rule_schema

__all__ = [
    "BlockOutcome",
    "Competency",
    "Explanation",
    "LearnerFacts",
    "Problem",
    "ResultValue",
    "Rule",
    "RuleValidationError",
    "Score",
    "Threshold",
    "competencies",
    "describe",
    "evaluate",
    "parse_rule",
    "referenced_courses",
    "required_credentials",
    "results",
    "rule_schema",
    "thresholds",
]
