"""The one error of the reports: a selection or range that cannot be reported on."""

from __future__ import annotations

from typing import Literal

from monitor.errors import InputError

ReportErrorCode = Literal[
    "broadcast_not_found",
    "receiver_not_found",
    "too_many_broadcasts",
    "invalid_selection",
    "invalid_range",
    "range_too_long",
]


class ReportError(InputError):
    """A report that cannot be made as asked, with a stable machine code.

    Parameters
    ----------
    code
        ``broadcast_not_found`` or ``receiver_not_found`` (nothing matches),
        ``too_many_broadcasts`` (narrow the selection), ``invalid_selection`` (the parameters
        contradict each other or are missing), ``invalid_range`` (first day after the last),
        ``range_too_long``.
    message
        What is wrong, naming the parameter.
    """

    def __init__(self, code: ReportErrorCode, message: str) -> None:
        super().__init__(message)
        self.code: ReportErrorCode = code
        self.message = message
