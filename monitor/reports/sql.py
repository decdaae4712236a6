"""SQL expressions for UTC calendar days and hours, on PostgreSQL and SQLite.

PostgreSQL stores ``timestamp with time zone``: the day and hour are taken in UTC whatever the
session's time zone. SQLite stores naive UTC text (see :class:`monitor.store.types.UTCDateTime`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnExpressionArgument, Date, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class utc_day(FunctionElement[Any]):  # lower case: it reads as SQL
    """The UTC date of a timestamp expression."""

    type = Date()
    inherit_cache = True

    def __init__(self, moment: ColumnExpressionArgument[Any]) -> None:
        super().__init__(moment)


class utc_hour(FunctionElement[int]):  # lower case: it reads as SQL
    """The UTC hour (0-23) of a timestamp expression."""

    type = Integer()
    inherit_cache = True

    def __init__(self, moment: ColumnExpressionArgument[Any]) -> None:
        super().__init__(moment)


def _argument(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    (moment,) = element.clauses
    return str(compiler.process(moment, **kw))


@compiles(utc_day, "postgresql")
def _day_postgresql(element: utc_day, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(({_argument(element, compiler, **kw)} AT TIME ZONE 'UTC') AS DATE)"


@compiles(utc_day, "sqlite")
def _day_sqlite(element: utc_day, compiler: SQLCompiler, **kw: Any) -> str:
    return f"date({_argument(element, compiler, **kw)})"


@compiles(utc_hour, "postgresql")
def _hour_postgresql(element: utc_hour, compiler: SQLCompiler, **kw: Any) -> str:
    moment = _argument(element, compiler, **kw)
    return f"CAST(EXTRACT(HOUR FROM ({moment} AT TIME ZONE 'UTC')) AS INTEGER)"


@compiles(utc_hour, "sqlite")
def _hour_sqlite(element: utc_hour, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(strftime('%H', {_argument(element, compiler, **kw)}) AS INTEGER)"
