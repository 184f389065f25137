"""Callback data: short, ids only (Telegram allows 64 bytes); everything is re-checked on use.

Format: `<verb>:<int>:<int>...`, for example `m:12:3:4` (open measure 3 of division 4 in
round 12). Parsing never trusts the data: unknown verbs, wrong arity or non-integers give None.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_BYTES = 64
# Ids are database integers: PostgreSQL's INTEGER stops here, and a larger number in forged
# data would fail the query itself (a crash, not a refusal). Bounded before any query.
MAX_ID = 2**31 - 1

# verb -> number of integer arguments
VERBS: dict[str, int] = {
    "m": 3,  # open a measure: round, measure, division
    "st": 4,  # pick a status: round, measure, division, status index
    "nc": 3,  # no change since last round: round, measure, division
    "ok": 1,  # confirm the draft: draft id
    "x": 1,  # cancel the draft: draft id
    "ro": 1,  # start the draft over: ask to confirm (draft id)
    "roy": 1,  # start the draft over: confirmed (draft id)
    "dr": 1,  # show the draft as it stands (draft id): "no, keep it"
    "ow": 0,  # list what is still owed
    # enrolment and roles
    "ivd": 1,  # /invite: division chosen (0 = organization-wide roles)
    "ivr": 2,  # /invite: division, role index -> create the link
    "ivx": 1,  # revoke an open invitation: invite id
    "rv": 1,  # /revoke: ask to confirm removing a membership
    "rvy": 1,  # /revoke: confirmed
    "rvp": 1,  # /revoke: show a page of the list
    # summaries, history, nudges and exports
    "sm": 2,  # summary of one measure: round, measure
    "sd": 2,  # summary of one division: round, division
    "nd": 2,  # nudge a silent division now: round, division
    "hm": 1,  # history of a measure
    "hd": 1,  # history of a division
    "ex": 2,  # export: round, what (0 the files, 1 the memo, 2 the publication pack)
    "sr": 1,  # back to the summary of a round
    "ev": 1,  # send an answer's evidence files from the archive: report id
    # reviewing answers (coordinators and admins)
    "rw": 1,  # open an answer to review: report id
    "ra": 1,  # accept the answer (รับทราบ/ผ่าน): report id
    "rr": 1,  # return the answer for more: ask for the comment (report id)
    "rx": 0,  # cancel the return waiting for its comment
    "rq": 0,  # the answers waiting for review (/review)
    # /away: a head's stand-in (days are date ordinals: date.fromordinal)
    "aws": 1,  # stand-in chosen: person id -> choose the first day
    "awf": 2,  # first day chosen: stand-in, first day -> choose the last day
    "awt": 3,  # last day chosen: stand-in, first day, last day -> name the stand-in
    "awx": 1,  # cancel a range: range id
    "awi": 0,  # invite a member of the division (to stand in once they join)
    # moving a meeting (coordinators and admins); a month is YYYYMM, a time HHMM (local)
    "mvm": 1,  # the month's days to pick from: month
    "mvd": 2,  # a day picked, the times to pick from: month, day
    "mvt": 3,  # a time picked, the move to confirm (with its warnings): month, day, time
    "mvy": 3,  # the move confirmed: month, day, time
    "mvx": 0,  # no move after all
    "nop": 0,  # a calendar cell that does nothing (a heading, a past day, a blank)
}


@dataclass(frozen=True)
class Callback:
    """A parsed callback: its verb and integer arguments."""

    verb: str
    args: tuple[int, ...]


def encode(verb: str, *args: int) -> str:
    """Build callback data; refuses unknown verbs, wrong arity and data over 64 bytes."""
    if VERBS.get(verb) != len(args):
        raise ValueError(f"callback {verb!r} takes {VERBS.get(verb)} arguments, got {len(args)}")
    data = ":".join([verb, *(str(int(a)) for a in args)])
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def decode(data: str | None) -> Callback | None:
    """Parse callback data, or None when it is malformed, forged or truncated."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    verb, *raw = data.split(":")
    if VERBS.get(verb) != len(raw):
        return None
    if not all(part.isascii() and part.isdigit() and len(part) <= 12 for part in raw):
        return None
    args = tuple(int(p) for p in raw)
    if any(a > MAX_ID for a in args):
        return None
    return Callback(verb, args)
