"""Reports for broadcasters and analysts: outages of broadcasts and daily jamming.

The arithmetic (:mod:`~monitor.reports.spans`, :mod:`~monitor.reports.outages`,
:mod:`~monitor.reports.daily`) is pure; :mod:`~monitor.reports.outage_query` and
:mod:`~monitor.reports.daily_query` read what it needs from the database (no web framework);
:mod:`~monitor.reports.export` writes CSV. Unobserved time is never reported as clear.
"""

from monitor.reports.daily import DayJamming, JammingSeries, StandoutRule
from monitor.reports.daily_query import daily_jamming
from monitor.reports.errors import ReportError
from monitor.reports.outage_query import BroadcastSelection, outage_reports
from monitor.reports.outages import CombinedOutage, OutageReport, ReceiverOutage, total
from monitor.reports.reads import DateRange

__all__ = [
    "BroadcastSelection",
    "CombinedOutage",
    "DateRange",
    "DayJamming",
    "JammingSeries",
    "OutageReport",
    "ReceiverOutage",
    "ReportError",
    "StandoutRule",
    "daily_jamming",
    "outage_reports",
    "total",
]
