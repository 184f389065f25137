"""All tables; importing this module registers every model on `Base.metadata`."""

from storage.models.base import Base
from storage.models.plan import (
    AssessmentIndicator,
    Division,
    Measure,
    MeasureAction,
    MeasureResponsibility,
    Organization,
    Plan,
)

__all__ = [
    "AssessmentIndicator",
    "Base",
    "Division",
    "Measure",
    "MeasureAction",
    "MeasureResponsibility",
    "Organization",
    "Plan",
]
