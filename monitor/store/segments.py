"""Storing analysed segments: validated, spliced into what is stored, idempotent per batch.

Rules, for one receiver:

* an analysis covers ``[start, end)`` for each of its channels; whatever was stored for those
  channels in that time is replaced, and parts of it without a segment become ``unknown``
  (observed, not judged), so the covered time is explicit;
* touching segments of the same state (and jammer type) merge; segments of a channel never
  overlap;
* a batch is stored once: repeating it (same batch id and content) changes nothing. A stored
  analysis' batch id is the digest of its content, so storing the same recording twice is a
  no-op. Writers of one receiver are serialised by :func:`~monitor.store.receivers.lock_receiver`.

The functions take the caller's session and never commit.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import attrgetter
from typing import Any, cast

from psycopg.types.json import Jsonb
from sqlalchemy import Row, Table, delete, select
from sqlalchemy.orm import Session

from dsp.vocabulary import CHANNEL_RASTER_HZ, JammerType, Segment, State
from monitor.errors import InputError
from monitor.store.intervals import DayTotals, Piece, day_totals, fill_gaps, splice
from monitor.store.models import BATCH_ID_LENGTH, ChannelDay, IngestBatch, LatestSegment, Receiver
from monitor.store.models import Segment as SegmentRow
from monitor.store.receivers import lock_receiver
from monitor.store.types import sqlite_text
from monitor.store.upsert import Insert, upsert_rows

_DELETE_CHUNK = 1000


class BatchError(InputError):
    """A batch of segments that cannot be stored as given (the message says why)."""


class BatchConflict(BatchError):
    """A batch id that was already stored with different content."""


@dataclass(frozen=True, slots=True)
class Batch:
    """An analysis to store: the channels watched over ``[start, end)`` and their segments.

    Build it with :meth:`checked`, which enforces everything the store relies on.
    """

    channels: tuple[int, ...]
    start: datetime
    end: datetime
    segments: tuple[Segment, ...]

    @classmethod
    def checked(
        cls, channels: Sequence[int], start: datetime, end: datetime, segments: Sequence[Segment]
    ) -> Batch:
        """Validate and normalise an analysis.

        Raises
        ------
        BatchError
            For naive or unordered bounds, channels off the raster or repeated, segments outside
            the covered time, on a channel not listed, or overlapping on one channel.
        """
        for name, moment in (("start", start), ("end", end)):
            if moment.tzinfo is None or moment.utcoffset() is None:
                raise BatchError(f"{name} {moment.isoformat()} has no time zone (UTC expected)")
        if not start < end:
            raise BatchError(f"start {start.isoformat()} is not before end {end.isoformat()}")
        if len(set(channels)) != len(channels):
            raise BatchError("channels are listed more than once")
        for channel in channels:
            if channel <= 0 or channel % CHANNEL_RASTER_HZ:
                raise BatchError(
                    f"channel {channel} Hz is not on the {CHANNEL_RASTER_HZ} Hz raster"
                )
        listed = set(channels)
        ordered = sorted(segments, key=attrgetter("frequency_hz", "start"))
        previous: Segment | None = None
        for segment in ordered:
            problem = None
            if segment.frequency_hz not in listed:
                problem = "channel is not in the batch's channels"
            elif segment.start < start or segment.end > end:
                problem = f"outside the covered time {start} .. {end}"
            elif (
                previous
                and previous.frequency_hz == segment.frequency_hz
                and previous.end > segment.start
            ):
                problem = "overlaps the segment before it"
            if problem:
                where = f"segment {segment.frequency_hz} Hz {segment.start.isoformat()}"
                raise BatchError(f"{where}: {problem}")
            previous = segment
        return cls(
            tuple(sorted(channels)), start.astimezone(UTC), end.astimezone(UTC), tuple(ordered)
        )

    def digest(self) -> str:
        """SHA-256 of the canonical JSON of the batch (independent of input order)."""
        texts: dict[datetime, str] = {}  # a tile's end is the next one's start: format it once
        segments = []
        for s in self.segments:
            start = texts.get(s.start) or texts.setdefault(s.start, _utc_text(s.start))
            end = texts.get(s.end) or texts.setdefault(s.end, _utc_text(s.end))
            item = [s.frequency_hz, start, end, s.state, s.jammer, s.confidence, s.snr_db]
            item.append(dict(sorted(s.metrics.items())) if s.metrics else {})
            if s.rule is not None:  # only when known: a batch without rules keeps its digest
                item.append(s.rule)
            segments.append(item)
        document = {
            "channels": self.channels,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "segments": segments,
        }
        return hashlib.sha256(json.dumps(document, separators=(",", ":")).encode()).hexdigest()


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


@dataclass(frozen=True, slots=True)
class StoreResult:
    """What storing a batch did.

    Attributes
    ----------
    receiver
        Receiver name.
    batch_id
        The batch id (for an analysis, ``"sha256:"`` and the content digest).
    duplicate
        True when the batch had been stored before and nothing changed.
    rows_deleted, rows_inserted
        Segment rows replaced and written (both 0 for a duplicate).
    """

    receiver: str
    batch_id: str
    duplicate: bool
    rows_deleted: int
    rows_inserted: int


def store_analysis(
    session: Session,
    *,
    receiver: str,
    channels: Sequence[int],
    start: datetime,
    end: datetime,
    segments: Sequence[Segment],
    source: str | None = None,
) -> StoreResult:
    """Store the segments of one analysis for ``receiver``, creating the receiver if needed.

    Parameters
    ----------
    session
        Open session; the caller commits.
    receiver
        Receiver name (created without an API key if it does not exist).
    channels
        Every channel the analysis watched (``channels`` of ``analyze --json``).
    start, end
        The covered time, timezone-aware.
    segments
        The analysis' segments; parts of ``[start, end)`` without one are stored as ``unknown``.
    source
        Where the analysis came from (e.g. the recording's path), kept with the batch.

    Raises
    ------
    BatchError
        When the analysis is inconsistent (see :meth:`Batch.checked`).
    """
    batch = Batch.checked(channels, start, end, segments)
    digest = batch.digest()
    row = lock_receiver(session, receiver, create=True, now=datetime.now(UTC))
    return store_batch(session, row, f"sha256:{digest}", batch, source=source, digest=digest)


def store_batch(
    session: Session,
    receiver: Receiver,
    batch_id: str,
    batch: Batch,
    *,
    source: str | None = None,
    digest: str | None = None,
) -> StoreResult:
    """Store ``batch`` under ``batch_id`` for a receiver already locked by the caller.

    Raises
    ------
    BatchConflict
        If ``batch_id`` was stored before with different content.
    BatchError
        If ``batch_id`` is empty or too long.
    """
    if not 0 < len(batch_id) <= BATCH_ID_LENGTH:
        raise BatchError(f"batch_id must have 1 to {BATCH_ID_LENGTH} characters")
    digest = digest or batch.digest()
    stored = session.scalars(
        select(IngestBatch).where(
            IngestBatch.receiver_id == receiver.id, IngestBatch.batch_id == batch_id
        )
    ).one_or_none()
    if stored is not None:
        if stored.content_sha256 != digest:
            raise BatchConflict(
                f"batch {batch_id!r} of receiver {receiver.name!r} was stored with other content"
            )
        return StoreResult(receiver.name, batch_id, True, 0, 0)
    deleted, inserted = _splice_channels(session, receiver.id, batch)
    session.add(
        IngestBatch(
            receiver_id=receiver.id,
            batch_id=batch_id,
            content_sha256=digest,
            start_at=batch.start,
            end_at=batch.end,
            channel_count=len(batch.channels),
            segment_count=len(batch.segments),
            source=source,
            stored_at=datetime.now(UTC),
        )
    )
    session.flush()
    return StoreResult(receiver.name, batch_id, False, deleted, inserted)


def _splice_channels(session: Session, receiver_id: int, batch: Batch) -> tuple[int, int]:
    stored_rows = session.execute(
        select(SegmentRow.id, SegmentRow.frequency_hz, *_PIECE_COLUMNS).where(
            SegmentRow.receiver_id == receiver_id,
            SegmentRow.frequency_hz.in_(batch.channels),
            SegmentRow.end_at >= batch.start,
            SegmentRow.start_at <= batch.end,
        )
    ).all()
    stored: dict[int, list[Piece]] = defaultdict(list)
    for row in stored_rows:
        stored[row.frequency_hz].append(_piece(row))
    new: dict[int, list[Piece]] = defaultdict(list)
    for segment in batch.segments:
        new[segment.frequency_hz].append(Piece.of(segment))
    rows: list[_Values] = []
    latest: list[dict[str, object]] = []
    day_changes: list[dict[str, object]] = []
    for channel in batch.channels:
        analysed = fill_gaps(new[channel], batch.start, batch.end)
        spliced = splice(stored[channel], analysed, batch.start, batch.end)
        rows += [_row(receiver_id, channel, piece) for piece in spliced]
        latest.append(_latest(receiver_id, channel, spliced[-1]))
        # merging never changes per-day totals: only the replaced range does
        before = day_totals(stored[channel], batch.start, batch.end)
        after = day_totals(analysed, batch.start, batch.end)
        for day in before.keys() | after.keys():
            change = after.get(day, DayTotals()) + -before.get(day, DayTotals())
            day_changes.append(
                {
                    "receiver_id": receiver_id,
                    "frequency_hz": channel,
                    "day": day,
                    "observed_s": change.observed_s,
                    "judged_s": change.judged_s,
                    "jammed_s": change.jammed_s,
                }
            )
    ids = [row.id for row in stored_rows]
    for first in range(0, len(ids), _DELETE_CHUNK):
        chunk = ids[first : first + _DELETE_CHUNK]
        session.execute(
            delete(SegmentRow).where(SegmentRow.id.in_(chunk)),
            execution_options={"synchronize_session": False},
        )
    if rows:
        _insert_segments(session, rows)
    if day_changes:
        _add_to_days(session, day_changes)
    _update_latest(session, latest)
    return len(ids), len(rows)


_PIECE_COLUMNS = (
    SegmentRow.start_at,
    SegmentRow.end_at,
    SegmentRow.state,
    SegmentRow.jammer,
    SegmentRow.confidence,
    SegmentRow.snr_db,
    SegmentRow.metrics,
    SegmentRow.rule,
)

_Values = tuple[
    int,
    int,
    datetime,
    datetime,
    str,
    str | None,
    float,
    float | None,
    Mapping[str, float],
    str | None,
]
"""A segment row's values in ``_INSERT_COLUMNS`` order."""

_INSERT_COLUMNS = {
    "receiver_id": "int4",
    "frequency_hz": "int4",
    "start_at": "timestamptz",
    "end_at": "timestamptz",
    "state": "varchar",
    "jammer": "varchar",
    "confidence": "float8",
    "snr_db": "float8",
    "metrics": "jsonb",
    "rule": "varchar",
}
"""The columns a new segment row fills, with their PostgreSQL types (for a binary ``COPY``)."""


def _insert_segments(session: Session, rows: list[_Values]) -> None:
    """Insert segment rows.

    A binary ``COPY`` on PostgreSQL (text ``COPY`` spent 5 us a row formatting times); on
    SQLite one prepared ``INSERT`` for all rows, times as the text
    :class:`~monitor.store.types.UTCDateTime` stores there.
    """
    connection = session.connection()
    names = ", ".join(_INSERT_COLUMNS)
    if connection.dialect.name == "sqlite":
        marks = ", ".join("?" * len(_INSERT_COLUMNS))
        connection.exec_driver_sql(
            f"INSERT INTO segments ({names}) VALUES ({marks})",
            [
                (
                    *row[:2],
                    sqlite_text(row[2]),
                    sqlite_text(row[3]),
                    *row[4:8],
                    _json(row[8]),
                    row[9],
                )
                for row in rows
            ],
        )
        return
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor, cursor.copy(f"COPY segments ({names}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(list(_INSERT_COLUMNS.values()))
        for row in rows:
            copy.write_row((*row[:8], Jsonb(row[8]), row[9]))


def _json(metrics: Mapping[str, float]) -> str:
    return json.dumps(metrics) if metrics else "{}"


def _add_to_days(session: Session, changes: list[dict[str, object]]) -> None:
    table = cast(Table, ChannelDay.__table__)
    totals = ("observed_s", "judged_s", "jammed_s")

    def add(statement: Insert) -> Insert:
        return statement.on_conflict_do_update(
            index_elements=["receiver_id", "frequency_hz", "day"],
            set_={name: table.c[name] + statement.excluded[name] for name in totals},
        )

    upsert_rows(session, table, changes, add)


def _update_latest(session: Session, latest: list[dict[str, object]]) -> None:
    """Make each channel's last spliced piece its latest segment, unless a later one is stored.

    The splice read every stored segment touching the batch, so its last piece either ends
    last of all, or ends before a stored segment the batch did not touch (which stays latest).
    """
    table = cast(Table, LatestSegment.__table__)

    def replace_earlier(statement: Insert) -> Insert:
        return statement.on_conflict_do_update(
            index_elements=["receiver_id", "frequency_hz"],
            set_={name: statement.excluded[name] for name in _LATEST_COLUMNS},
            where=table.c.end_at <= statement.excluded.end_at,
        )

    upsert_rows(session, table, latest, replace_earlier)


_LATEST_COLUMNS = ("start_at", "end_at", "state", "jammer", "confidence")


def _piece(row: Row[Any]) -> Piece:
    # the table's CHECK constraints keep state and jammer inside the vocabulary
    return Piece(
        row.start_at,
        row.end_at,
        cast(State, row.state),
        cast("JammerType | None", row.jammer),
        row.confidence,
        row.snr_db,
        row.metrics,
        row.rule,
    )


def _row(receiver_id: int, channel: int, piece: Piece) -> _Values:
    return (
        receiver_id,
        channel,
        piece.start,
        piece.end,
        piece.state,
        piece.jammer,
        piece.confidence,
        piece.snr_db,
        piece.metrics,
        piece.rule,
    )


def _latest(receiver_id: int, channel: int, piece: Piece) -> dict[str, object]:
    return {
        "receiver_id": receiver_id,
        "frequency_hz": channel,
        "start_at": piece.start,
        "end_at": piece.end,
        "state": piece.state,
        "jammer": piece.jammer,
        "confidence": piece.confidence,
    }
