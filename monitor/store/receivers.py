"""Receivers: creating them with an API key (kept only as a hash), revoking, heartbeats."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from monitor.errors import InputError
from monitor.store.models import NAME_LENGTH, Heartbeat, Receiver
from monitor.store.upsert import upsert

NAME_PATTERN = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._-]{{0,{NAME_LENGTH - 1}}}")
"""Receiver names: letters, digits, ``.``, ``_`` and ``-``, starting with a letter or digit."""

KEY_PREFIX = "jw_"


class ReceiverError(InputError):
    """A receiver name that is invalid, already taken, or unknown."""


def check_name(name: str) -> str:
    """Return ``name`` if it is a valid receiver name, else raise :class:`ReceiverError`."""
    if not NAME_PATTERN.fullmatch(name):
        raise ReceiverError(
            f"receiver name {name!r} is invalid: use 1 to {NAME_LENGTH} letters, digits, "
            "'.', '_' or '-', starting with a letter or digit"
        )
    return name


def hash_api_key(key: str) -> str:
    """SHA-256 hex digest of an API key.

    Keys are 256-bit random tokens, so a fast hash is enough: there is nothing to brute-force,
    and the digest can be looked up with an index.
    """
    return hashlib.sha256(key.encode()).hexdigest()


def add_receiver(
    session: Session,
    name: str,
    *,
    location: str | None = None,
    notes: str | None = None,
    now: datetime | None = None,
) -> tuple[Receiver, str]:
    """Create a receiver with a new API key; return it and the key (shown once, never stored).

    Raises
    ------
    ReceiverError
        If the name is invalid or taken.
    """
    check_name(name)
    if find_receiver(session, name) is not None:
        raise ReceiverError(f"receiver {name!r} already exists")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    receiver = Receiver(
        name=name,
        location=location,
        notes=notes,
        api_key_hash=hash_api_key(key),
        revoked=False,
        created_at=now or datetime.now(UTC),
    )
    session.add(receiver)
    session.flush()
    return receiver, key


def find_receiver(session: Session, name: str) -> Receiver | None:
    """The receiver called ``name``, or None."""
    return session.scalars(select(Receiver).where(Receiver.name == name)).one_or_none()


def revoke_receiver(session: Session, name: str) -> Receiver:
    """Revoke the receiver's API key: its ingest requests are refused from now on.

    Raises
    ------
    ReceiverError
        If there is no such receiver.
    """
    receiver = find_receiver(session, name)
    if receiver is None:
        raise ReceiverError(f"no receiver called {name!r}")
    receiver.revoked = True
    session.flush()
    return receiver


def receiver_for_key(session: Session, key: str) -> Receiver | None:
    """The receiver whose API key is ``key`` (revoked or not), or None."""
    digest = hash_api_key(key)
    return session.scalars(select(Receiver).where(Receiver.api_key_hash == digest)).one_or_none()


def lock_receiver(session: Session, name: str, *, create: bool, now: datetime) -> Receiver:
    """Mark the receiver as written to at ``now`` and hold its lock until the transaction ends.

    The ``UPDATE`` comes first in the transaction so that writers of one receiver queue up
    (a row lock on PostgreSQL, the database write lock on SQLite) before reading segments.

    Raises
    ------
    ReceiverError
        If the receiver does not exist and ``create`` is false, or the name is invalid.
    """
    statement = (
        update(Receiver)
        .where(Receiver.name == name)
        .values(last_data_at=now)
        .returning(Receiver.id)
        .execution_options(synchronize_session=False)
    )
    receiver_id = session.execute(statement).scalar_one_or_none()
    if receiver_id is None:
        if not create:
            raise ReceiverError(f"no receiver called {name!r}")
        receiver = Receiver(name=check_name(name), revoked=False, created_at=now, last_data_at=now)
        session.add(receiver)
        session.flush()
        return receiver
    return session.get_one(Receiver, receiver_id, populate_existing=True)


def record_heartbeat(
    session: Session, receiver_id: int, seen_at: datetime, detail: Mapping[str, Any]
) -> None:
    """Insert or overwrite the receiver's heartbeat."""
    statement = upsert(session, cast(Table, Heartbeat.__table__)).values(
        receiver_id=receiver_id, seen_at=seen_at, detail=dict(detail)
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[Heartbeat.receiver_id],
            set_={"seen_at": statement.excluded.seen_at, "detail": statement.excluded.detail},
        )
    )
