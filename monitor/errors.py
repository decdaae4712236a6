"""Exceptions for bad input that the command line reports in one line with exit status 2."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """Bad input from the user (a file, a config, a parameter); reported without a traceback."""


class RecordingError(InputError):
    """A recording that cannot be read as IQ, naming the file and the problem.

    Parameters
    ----------
    path
        The file that is at fault (the ``.sigmf-meta``, ``.sigmf-data``, ``.wav`` or raw file).
    problem
        What is wrong with it, in words a user can act on.
    """

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class SceneError(InputError):
    """A simulator scene file (or built-in scene name) that is invalid."""
