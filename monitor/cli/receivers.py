"""``jamwatch receivers {add,revoke,list}``: receivers and their ingest API keys."""

from __future__ import annotations

import argparse

from sqlalchemy import select

from monitor.cli.db import add_db_option, open_engine, require_current_schema
from monitor.store.engine import transaction
from monitor.store.models import Receiver
from monitor.store.receivers import add_receiver, revoke_receiver


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``receivers`` and its sub-commands."""
    parser = commands.add_parser("receivers", help="add, revoke or list receivers")
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)

    add = actions.add_parser(
        "add",
        help="create a receiver and print its API key (once: only a hash is stored)",
        description="Create a receiver and print its API key. The key is shown only now.",
    )
    add.add_argument("name", help="receiver name: letters, digits, '.', '_', '-'")
    add.add_argument("--location", help="where the receiver is, in words")
    add.add_argument("--notes", help="free text")
    revoke = actions.add_parser("revoke", help="refuse the receiver's API key from now on")
    revoke.add_argument("name", help="receiver name")
    listing = actions.add_parser("list", help="list receivers")
    for action, name in ((add, "add"), (revoke, "revoke"), (listing, "list")):
        add_db_option(action)
        action.set_defaults(handler=run, action=name)


def run(args: argparse.Namespace) -> int:
    """Run one ``receivers`` action."""
    engine = open_engine(args)
    try:
        require_current_schema(engine)
        with transaction(engine) as session:
            if args.action == "add":
                receiver, key = add_receiver(
                    session, args.name, location=args.location, notes=args.notes
                )
                print(f"receiver {receiver.name} created; its API key (shown only once):")
                print(key)
            elif args.action == "revoke":
                revoke_receiver(session, args.name)
                print(f"receiver {args.name}: API key revoked")
            else:
                for receiver in session.scalars(select(Receiver).order_by(Receiver.name)):
                    status = "revoked" if receiver.revoked else "active"
                    print(f"{receiver.name}\t{status}\t{receiver.location or ''}")
        return 0
    finally:
        engine.dispose()
