"""What the plugin's API says when it cannot do what was asked: each problem with where (a JSON
path into what was sent), a stable code for programs and a message for people; and the errors
that carry them. Plain Python: the Python API raises these, the REST API turns them into
responses (400, 404, 409, 412, 428)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    path: str  # "$.rule.of[1].min", "$.name"; "$" for the whole
    code: str  # "invalid_fraction", "unknown_block", ...
    message: str
    severity: str = ERROR  # warnings do not stop a save

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class ApiError(Exception):
    """Base of the API's errors. ``code``: stable, for programs."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class InvalidInput(ApiError):
    """What was sent has problems (every one of them is listed); nothing was changed."""

    code = "invalid"

    def __init__(self, problems: list[Problem], message: str | None = None):
        errors = [problem for problem in problems if problem.severity == ERROR]
        super().__init__(message or "; ".join(str(problem) for problem in errors or problems))
        self.problems = problems


class NotFound(ApiError):
    code = "not_found"


class Conflict(ApiError):
    """The request is valid but the current state of things does not allow it."""

    code = "conflict"


class StaleEdit(ApiError):
    """The edit names a state of the definition that is no longer the current one."""

    code = "stale"

    def __init__(self, message: str, *, current_tag: str):
        super().__init__(message)
        self.current_tag = current_tag


class EditTagRequired(ApiError):
    """An edit must name the state of the definition it was made on."""

    code = "precondition_required"


def errors_only(problems: list[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.severity == ERROR]
