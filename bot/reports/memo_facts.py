"""What the cover memo says, apart from how it is laid out (light: no Word library)."""

from __future__ import annotations

from dataclasses import dataclass

from storage.read_models import RoundInfo
from storage.report_data import PlanHeader


@dataclass(frozen=True)
class MemoFacts:
    """What the memo says: whose plan, which round or period, each item's status."""

    header: PlanHeader
    rounds: tuple[RoundInfo, ...]
    statuses: tuple[str, ...]
