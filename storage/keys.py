"""Natural keys of deliveries: one notification per (kind, round, division, person, slot)."""

from __future__ import annotations


def delivery_key(
    kind: str, round_id: int | None, division_id: int | None, person_id: int, slot: str = ""
) -> str:
    """The unique key of a notification; `slot` separates repeatable ones (a nudge's day)."""
    return f"{kind}:{round_id or '-'}:{division_id or '-'}:{person_id}:{slot}"
