"""Stockpile studies: evaluate pre-positioning options over hazard scenario sets and optimise one
(two-stage stochastic, sample average approximation). Pure functions; work runs on any
`concurrent.futures.Executor` the caller passes."""

from .cases import StudyCase, build_case
from .evaluate import Outcome, solve_case
from .result import OptionResult, StudyResult
from .run import run_study
from .saa import SaaProblem, SaaResult, solve_saa
from .spec import StudySpec

__all__ = [
    "OptionResult",
    "Outcome",
    "SaaProblem",
    "SaaResult",
    "StudyCase",
    "StudyResult",
    "StudySpec",
    "build_case",
    "run_study",
    "solve_case",
    "solve_saa",
]
