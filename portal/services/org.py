"""The organisation as administrators see it: units, counters and their QR links."""

from __future__ import annotations

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, selectinload

from portal.models import Counter, Unit
from portal.services import audit
from surveys import errors


class NotFound(errors.NotFound):
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


PER_PAGE = 50


def counters_page(session: Session, text: str = "", page: int = 1) -> tuple[list[Counter], bool]:
    """Return one page of counters by unit and name, those whose counter or unit name
    holds ``text`` if given, and whether more pages follow."""
    query = (
        select(Counter)
        .join(Counter.unit)
        .options(selectinload(Counter.unit))
        .order_by(Unit.name, Counter.name, Counter.id)
    )
    if text:
        words = text.lower()
        query = query.where(
            func.lower(Counter.name).contains(words, autoescape=True)
            | func.lower(Unit.name).contains(words, autoescape=True)
        )
    page = max(1, min(page, 100_000))
    rows = list(session.scalars(query.offset((page - 1) * PER_PAGE).limit(PER_PAGE + 1)))
    return rows[:PER_PAGE], len(rows) > PER_PAGE


def counters_of_unit(session: Session, unit_id: int) -> list[Counter]:
    """The active counters of one unit (not below it), by name."""
    return list(
        session.scalars(
            select(Counter).where(Counter.unit_id == unit_id, Counter.active).order_by(Counter.name)
        )
    )


def units(session: Session) -> list[Unit]:
    """Return every unit by name (for choosing a scope)."""
    return list(session.scalars(select(Unit).order_by(Unit.name, Unit.id)))


def roots(session: Session) -> list[Unit]:
    """Return the units at the top of the tree (one per Pemda), by name."""
    return list(
        session.scalars(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.name, Unit.id))
    )


def unit(session: Session, unit_id: int) -> Unit:
    found = session.get(Unit, unit_id) if 0 < unit_id <= 2**31 - 1 else None
    if found is None:
        raise NotFound(unit_id)
    return found


def counter(session: Session, counter_id: int) -> Counter:
    found = session.get(Counter, counter_id) if 0 < counter_id <= 2**31 - 1 else None
    if found is None:
        raise NotFound(counter_id)
    return found


def revoke_counter_link(session: Session, counter_id: int, *, by: str) -> Counter:
    """Withdraw every printed QR code of a counter by bumping its token version."""
    found = counter(session, counter_id)
    before = audit.state(found, ("token_version",))
    found.token_version += 1
    audit.record(
        session,
        actor=by,
        action="counter.rotate_link",
        target_type="counter",
        target_id=found.id,
        label=found.name,
        before=before,
        after=audit.state(found, ("token_version",)),
    )
    session.flush()
    return found


def _lineage_query():
    chain = select(Unit.id, Unit.parent_id).where(Unit.id == bindparam("unit_id"))
    chain = chain.cte(recursive=True)
    chain = chain.union_all(select(Unit.id, Unit.parent_id).where(Unit.id == chain.c.parent_id))
    return select(Unit).where(Unit.id.in_(select(chain.c.id)))


# Built once: constructing the recursive query costs more than running it.
_LINEAGE = _lineage_query()


def lineage(session: Session, unit: Unit) -> list[Unit]:
    """Return the units from the root down to ``unit``, read with one query.

    Walking up ``Unit.parent`` would cost a lazy load per level; every survey a citizen
    opens needs the chain (the instrument; the complaint channel on the thank-you page).
    """
    found = {u.id: u for u in session.scalars(_LINEAGE, {"unit_id": unit.id})}
    ordered, current = [], unit.id
    while current is not None:
        ordered.append(found[current])
        current = found[current].parent_id
    return ordered[::-1]


def _subtree_query():
    tree = select(Unit.id).where(Unit.id == bindparam("root_id")).cte(recursive=True)
    tree = tree.union_all(select(Unit.id).where(Unit.parent_id == tree.c.id))
    return select(tree.c.id)


# Built once, like _LINEAGE: every report of a unit starts here.
_SUBTREE = _subtree_query()


def subtree_ids(session: Session, root_id: int) -> list[int]:
    """Return the ids of ``root_id`` and every unit below it.

    One recursive query that walks down from the root along ``ix_unit_parent_id``, so a
    unit's report costs the same whether the database holds one Pemda or the country.
    """
    return list(session.scalars(_SUBTREE, {"root_id": root_id}))
