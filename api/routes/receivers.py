"""``/api/v1/receivers``: the receiving stations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from api.deps import SessionDep
from api.errors import ApiError
from api.queries import list_receivers
from api.schemas import ReceiverPublic, ReceiversPublic
from monitor.store.receivers import NAME_PATTERN

router = APIRouter(prefix="/receivers", tags=["receivers"])


@router.get("", response_model=ReceiversPublic)
def read_receivers(session: SessionDep) -> ReceiversPublic:
    """List every receiver, by name."""
    receivers = list_receivers(session)
    return ReceiversPublic(data=receivers, count=len(receivers))


@router.get("/{name}", response_model=ReceiverPublic)
def read_receiver(
    name: Annotated[str, Path(pattern=f"^{NAME_PATTERN.pattern}$")], session: SessionDep
) -> ReceiverPublic:
    """Get one receiver."""
    for receiver in list_receivers(session):
        if receiver.name == name:
            return receiver
    raise ApiError(404, "receiver_not_found", f"no receiver called {name!r}")
