"""Textual validators over the domain's parsers, so a form checks input by the same rules and
in the same words as the CLI and the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from textual.validation import ValidationResult, Validator
from textual.widgets import Input

from planner.domain.errors import PlannerError

T = TypeVar("T")


class Parses(Validator, Generic[T]):
    """Valid when `parse` accepts the text; the failure is the parser's own message.

    `parse` may be any function of the text that raises PlannerError (InvalidInput usually).
    """

    def __init__(self, parse: Callable[[str], T]) -> None:
        super().__init__()
        self.parse = parse

    def validate(self, value: str) -> ValidationResult:
        try:
            self.parse(value)
        except PlannerError as exc:
            return self.failure(str(exc), value)
        return self.success()


def parsed(field: Input, rule: Parses[T]) -> T:
    """The field's value as `rule` parses it; the field is marked invalid (and PlannerError
    raised) when it does not."""
    field.validate(field.value)  # sets Textual's -invalid class either way
    return rule.parse(field.value)


def checked_input(field_id: str, rule: Parses[Any], value: str = "", **options: Any) -> Input:
    """A compact Input checked by `rule` when submitted; checking while typing would flag every
    half-typed value."""
    return Input(
        value, id=field_id, validators=[rule], validate_on=["submitted"], compact=True, **options
    )
