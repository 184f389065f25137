"""All tables; importing this module registers every model on `Base.metadata`."""

from storage.models.base import Base
from storage.models.calendar import SpecialHoliday
from storage.models.cover import Oversight, StandIn
from storage.models.people import (
    ORG_WIDE_ROLES,
    ROLES,
    SUPERVISOR,
    AuditEvent,
    Invite,
    Membership,
    Person,
)
from storage.models.plan import (
    AssessmentIndicator,
    Division,
    Measure,
    MeasureAction,
    MeasureResponsibility,
    Organization,
    Plan,
)
from storage.models.review import DECISIONS, PendingReview, Review
from storage.models.rounds import (
    DELIVERY_STATES,
    ROUND_KINDS,
    STATUSES,
    Delivery,
    Draft,
    Evidence,
    EvidenceBlob,
    Meeting,
    Report,
    Round,
    RoundItem,
)
from storage.models.updates import ProcessedUpdate

__all__ = [
    "DECISIONS",
    "DELIVERY_STATES",
    "ORG_WIDE_ROLES",
    "ROLES",
    "ROUND_KINDS",
    "STATUSES",
    "SUPERVISOR",
    "AssessmentIndicator",
    "AuditEvent",
    "Base",
    "Delivery",
    "Division",
    "Draft",
    "Evidence",
    "EvidenceBlob",
    "Invite",
    "Measure",
    "MeasureAction",
    "MeasureResponsibility",
    "Meeting",
    "Membership",
    "Organization",
    "Oversight",
    "PendingReview",
    "Person",
    "Plan",
    "ProcessedUpdate",
    "Report",
    "Review",
    "Round",
    "RoundItem",
    "SpecialHoliday",
    "StandIn",
]
