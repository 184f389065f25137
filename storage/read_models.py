"""The frozen read models of a round's answers: what views, renderers and use cases receive.

Plain dataclasses built by the storage queries (storage.summary, storage.counting,
storage.history); nothing here can lazy-load from a session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# An owed item without an answer; shown beside the four answer statuses.
MISSING = "missing"
# The review state of an answer: a coordinator accepted it (รับทราบ/ผ่าน), returned it for more
# (ขอข้อมูลเพิ่มเติม), or has not reviewed it yet.
ACCEPTED = "accepted"
RETURNED = "returned"
AWAITING = "awaiting"
# An owed item of a round nobody was ever asked about (no notice went out, nobody answered):
# the plan period began before the bot was in use. Not the division's failure to report.
NOT_FOLLOWED = "not_followed"


@dataclass(frozen=True)
class RoundInfo:
    """A round as reports show it."""

    id: int
    plan_id: int
    key: str
    kind: str
    covers_start: date
    covers_end: date
    opens_at: datetime
    closes_at: datetime
    meeting_at: datetime | None
    # False when no prompt or request of the round was ever sent and nobody answered in it.
    followed_up: bool = True

    def is_open(self, now: datetime) -> bool:
        """Whether answers are due now (opened and not yet closed)."""
        return self.opens_at <= now < self.closes_at


@dataclass(frozen=True)
class DivisionRef:
    """A division's identity and names."""

    id: int
    code: str
    name_th: str
    name_en: str
    # Where the plan file lists it (the organisation's own order).
    position: int = 0

    @property
    def order(self) -> tuple[int, str]:
        """Sort key: the plan file's order, the code breaking ties (rows from before 0004)."""
        return (self.position, self.code)


@dataclass(frozen=True)
class MeasureRef:
    """A measure's identity and titles."""

    id: int
    seq: int
    title_th: str
    title_en: str
    # Stable across plan years (storage.models.Measure.key); "" when unknown.
    key: str = ""

    @property
    def lineage(self) -> str:
        """What links the measure to itself in other plan years (its key, else its id)."""
        return self.key or f"#{self.id}"


# Pictures python-docx can place in a document (HEIC and WebP are only listed by name).
PICTURE_TYPES = ("image/jpeg", "image/png", "image/gif")


@dataclass(frozen=True)
class EvidenceRef:
    """A photo, document or link attached to an answer."""

    kind: str
    file_id: str | None
    file_name: str | None
    url: str | None
    evidence_id: int = 0
    # none (a link) | pending | archived | lost: see storage.evidence.
    state: str = "none"
    sha256: str | None = None
    media_type: str | None = None
    received_at: datetime | None = None

    @property
    def label(self) -> str:
        """What to print for it: the file name, else the link, else the kind."""
        return self.file_name or self.url or self.kind

    @property
    def archived(self) -> bool:
        """Whether the file's bytes are in the archive."""
        return self.state == "archived" and self.sha256 is not None

    @property
    def is_picture(self) -> bool:
        """Whether a report can show it as a picture (a photo, or an image sent as a file)."""
        return self.kind == "photo" or (self.media_type or "") in PICTURE_TYPES


@dataclass(frozen=True)
class ReviewEvent:
    """One review decision with the answer it was about (an item's review trail is these)."""

    review_id: int
    report_id: int
    decision: str
    comment: str
    reviewer_name: str
    at: datetime
    # The reviewed answer, as it was given.
    status: str
    text: str
    person_name: str
    answered_at: datetime


@dataclass(frozen=True)
class Answer:
    """One confirmed answer (a report row) with who gave it, its evidence and its reviews.

    `review` is the answer's newest review (None: not reviewed yet); `trail` every other
    review of the same item (earlier answers returned, decisions changed), oldest first.
    """

    report_id: int
    status: str
    text: str
    late: bool
    person_name: str
    created_at: datetime
    carried: bool
    evidence: tuple[EvidenceRef, ...] = ()
    review: ReviewEvent | None = None
    trail: tuple[ReviewEvent, ...] = ()

    @property
    def review_state(self) -> str:
        """ACCEPTED or RETURNED by the newest review, else AWAITING."""
        return self.review.decision if self.review is not None else AWAITING


@dataclass(frozen=True)
class ItemAnswer:
    """One owed item of a round and the answer that counts for it (None: still missing)."""

    round: RoundInfo
    measure: MeasureRef
    division: DivisionRef
    answer: Answer | None

    @property
    def status(self) -> str:
        """The status of the counting answer, else MISSING (NOT_FOLLOWED if nobody was asked)."""
        if self.answer is not None:
            return self.answer.status
        return MISSING if self.round.followed_up else NOT_FOLLOWED


@dataclass(frozen=True)
class MeasureSummary:
    """One measure in one round: how many owe, answered, per status, late, and who is missing."""

    measure: MeasureRef
    owed: int
    answered: int
    counts: tuple[tuple[str, int], ...]
    late: int
    missing: tuple[DivisionRef, ...]
    # The round's followed_up: unanswered items count as NOT_FOLLOWED rather than MISSING.
    followed_up: bool = True
    # Answers a coordinator accepted, and answers returned for more (the rest await review).
    accepted: int = 0
    returned: int = 0

    @property
    def awaiting(self) -> int:
        """Answers nobody has reviewed yet."""
        return self.answered - self.accepted - self.returned

    def count(self, status: str) -> int:
        """How many items have `status` (MISSING or NOT_FOLLOWED count the unanswered ones)."""
        if status == MISSING:
            return len(self.missing) if self.followed_up else 0
        if status == NOT_FOLLOWED:
            return 0 if self.followed_up else len(self.missing)
        return dict(self.counts).get(status, 0)


@dataclass(frozen=True)
class RoundSummary:
    """A round at a glance: one line per measure."""

    round: RoundInfo
    measures: tuple[MeasureSummary, ...]

    @property
    def owed(self) -> int:
        """Items owed in the round (within the divisions asked about)."""
        return sum(m.owed for m in self.measures)

    @property
    def answered(self) -> int:
        """Items with a confirmed answer."""
        return sum(m.answered for m in self.measures)

    @property
    def late(self) -> int:
        """Counting answers given after the round closed."""
        return sum(m.late for m in self.measures)

    @property
    def accepted(self) -> int:
        """Counting answers a coordinator accepted."""
        return sum(m.accepted for m in self.measures)

    @property
    def returned(self) -> int:
        """Counting answers returned for more and not answered again yet."""
        return sum(m.returned for m in self.measures)

    @property
    def awaiting(self) -> int:
        """Counting answers nobody has reviewed yet."""
        return sum(m.awaiting for m in self.measures)

    @property
    def missing_divisions(self) -> tuple[DivisionRef, ...]:
        """Divisions that still owe at least one answer, in plan order."""
        seen = {d.id: d for m in self.measures for d in m.missing}
        return tuple(sorted(seen.values(), key=lambda d: d.order))


@dataclass(frozen=True)
class MeasureDetail:
    """One measure in one round: each responsible division's counting answer."""

    round: RoundInfo
    measure: MeasureRef
    items: tuple[ItemAnswer, ...]


@dataclass(frozen=True)
class DivisionDetail:
    """One division in one round: its counting answer for each measure it owes."""

    round: RoundInfo
    division: DivisionRef
    items: tuple[ItemAnswer, ...]


@dataclass(frozen=True)
class HistoryRow:
    """One (measure, division) pair across rounds; a cell is a status, MISSING, or None."""

    measure: MeasureRef
    division: DivisionRef
    # None where the pair was not owed in that round.
    cells: tuple[str | None, ...]
    # Each cell's review state (ACCEPTED, RETURNED, AWAITING; None: no answer).
    reviews: tuple[str | None, ...] = ()


@dataclass(frozen=True)
class History:
    """How statuses moved round by round, for one measure or one division."""

    measure: MeasureRef | None
    division: DivisionRef | None
    rounds: tuple[RoundInfo, ...]
    rows: tuple[HistoryRow, ...] = field(default=())


@dataclass(frozen=True)
class PersonRef:
    """Someone who can answer for a division, and whether Telegram still reaches them."""

    id: int
    name: str
    username: str | None
    role: str
    reachable: bool


@dataclass(frozen=True)
class SilentDivision:
    """A division that still owes answers in a round, with its people."""

    division: DivisionRef
    owed: int
    answered: int
    missing: tuple[MeasureRef, ...]
    people: tuple[PersonRef, ...]
    nudged_today: bool
