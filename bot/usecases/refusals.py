"""Typed refusals: a use case says no with a reason code; each face words it from the catalog."""

from __future__ import annotations


class Refused(Exception):
    """The use case refused and changed nothing (unless it says what it tidied up).

    `reason` is a code, not a text: the faces show the catalog's text `key` (by default
    `refuse.<reason>`) with `values` filled in. `audit` asks the face to record the attempt
    in the audit log, as is done for attempts at something that is not the person's (a
    forged or stale button, another division's item).
    """

    def __init__(
        self,
        reason: str,
        *,
        audit: bool = False,
        key: str | None = None,
        action: str = "",
        **values: object,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.audit = audit
        # Most reasons are worded by `refuse.<reason>`; a few share an older key.
        self.key = key or f"refuse.{reason}"
        self.values = values
        # What was being done (answer, invite, summary...), for the audit log.
        self.action = action
