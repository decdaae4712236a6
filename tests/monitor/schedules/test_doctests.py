"""The examples in the docstrings of ``monitor.schedules`` (pytest collects dsp/ doctests only)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import monitor.schedules

MODULES = sorted(
    info.name for info in pkgutil.iter_modules(monitor.schedules.__path__, "monitor.schedules.")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(
        importlib.import_module(name), optionflags=doctest.NORMALIZE_WHITESPACE
    )
    assert result.failed == 0
