"""The organisation as administrators see it: units, counters and their QR links."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from portal.models import Counter, Unit


class NotFound(LookupError):
    """The record asked for does not exist."""


def counters(session: Session) -> list[Counter]:
    """Return every counter, grouped by unit, with its unit loaded."""
    return list(
        session.scalars(
            select(Counter)
            .join(Counter.unit)
            .options(selectinload(Counter.unit).selectinload(Unit.parent))
            .order_by(Unit.name, Counter.name)
        )
    )


def counter(session: Session, counter_id: int) -> Counter:
    found = session.get(Counter, counter_id)
    if found is None:
        raise NotFound(counter_id)
    return found


def revoke_counter_link(session: Session, counter_id: int) -> Counter:
    """Withdraw every printed QR code of a counter by bumping its token version."""
    found = counter(session, counter_id)
    found.token_version += 1
    session.commit()
    return found


def subtree_ids(session: Session, root_id: int) -> list[int]:
    """Return the ids of ``root_id`` and every unit below it."""
    children: dict[int | None, list[int]] = {}
    for unit_id, parent_id in session.execute(select(Unit.id, Unit.parent_id)):
        children.setdefault(parent_id, []).append(unit_id)
    found, stack = [], [root_id]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return found
