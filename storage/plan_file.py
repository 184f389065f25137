"""Read and check a plan file (YAML); every error names the file, the line, the key and the fix."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

ALL = "ALL"
SCHEMA_VERSION = 1
# A measure key: letters, digits, "_", "-" or "." (e.g. budget-disclosure, m3), at most 64.
KEY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"
Cadence = Literal["monthly_meeting", "quarterly"]
# `date` is also a key of `holidays:`; the type keeps its own name inside HolidaySpec.
_Date = date


class PlanFileError(ValueError):
    """A plan file that cannot be imported; `problems` holds one line per fault."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


class _Spec(BaseModel):
    # Unknown keys are refused: a typo must not silently drop a field.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class OrganizationSpec(_Spec):
    """The `organization:` block."""

    code: str = Field(min_length=1, max_length=64)
    name_th: str = Field(min_length=1)
    name_en: str = ""


class PlanSpec(_Spec):
    """The `plan:` block."""

    code: str = Field(min_length=1, max_length=64)
    title_th: str = Field(min_length=1)
    title_en: str = ""
    fiscal_year_be: int = Field(ge=2500, le=2700)


class IndicatorSpec(_Spec):
    """One ITA indicator of `assessment.indicators`."""

    seq: int = Field(ge=1)
    tool: Literal["IIT", "EIT", "OIT"]
    name_th: str = Field(min_length=1)
    name_en: str = ""
    score: float = Field(ge=0, le=100)


class AssessmentSpec(_Spec):
    """The optional `assessment:` block."""

    total: float = Field(ge=0, le=100)
    level: str = Field(min_length=1, max_length=8)
    indicators: list[IndicatorSpec] = []


class DivisionSpec(_Spec):
    """One entry of `divisions:`."""

    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]{0,31}$")
    name_th: str = Field(min_length=1)
    name_en: str = ""
    in_all: bool = True
    example: bool = False


class MeetingSpec(_Spec):
    """The monthly heads-of-division meeting."""

    name_th: str = Field(min_length=1)
    name_en: str = ""
    rule: str = Field(min_length=1)


class MeetingsSpec(_Spec):
    """The `meetings:` block."""

    monthly_heads: MeetingSpec


class PeriodSpec(_Spec):
    """When a measure runs: ISO dates plus the document's own wording."""

    start: date
    end: date
    text_th: str = ""

    @model_validator(mode="after")
    def _end_after_start(self) -> PeriodSpec:
        if self.end < self.start:
            raise ValueError(
                f"end {self.end} is before start {self.start}; end must not precede it"
            )
        return self


class FollowupSpec(_Spec):
    """How a measure is followed up."""

    cadence: Cadence
    text_th: str = ""


class MeasureSpec(_Spec):
    """One entry of `measures:`."""

    seq: int = Field(ge=1)
    # Links the measure to itself in other plan years (/history crosses years by it); a
    # measure without one is keyed "m<seq>", so a file that never names keys keeps working.
    key: str | None = Field(default=None, pattern=KEY_PATTERN)
    title_th: str = Field(min_length=1)
    title_en: str = ""
    actions_th: list[str] = Field(min_length=1)
    responsible: list[str] = Field(min_length=1)
    period: PeriodSpec
    followup: FollowupSpec
    indicators: list[int] = []

    @property
    def measure_key(self) -> str:
        """The stable key: the file's `key`, else "m" and the measure's number."""
        return self.key if self.key is not None else f"m{self.seq}"


class HolidaySpec(_Spec):
    """One entry of the optional `holidays:`: a special non-working day the plan counts."""

    date: _Date
    name: str = Field(min_length=1, max_length=255)


class PlanFile(_Spec):
    """A whole plan file."""

    schema_version: Literal[1]
    organization: OrganizationSpec
    plan: PlanSpec
    assessment: AssessmentSpec | None = None
    divisions: list[DivisionSpec] = Field(min_length=1)
    meetings: MeetingsSpec
    measures: list[MeasureSpec] = Field(min_length=1)
    holidays: list[HolidaySpec] = []


class _PlanLoader(yaml.SafeLoader):
    """SafeLoader that leaves dates as text: pydantic then checks them with their line."""


# YAML's own timestamp resolver raises a bare ValueError on 2021-13-01 (no file, no line);
# without it dates reach pydantic as strings and a bad one is a located problem like any other.
_PlanLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _node_at(root: yaml.Node | None, loc: Sequence[str | int]) -> yaml.Node | None:
    """Walk the composed YAML tree along a pydantic error location; the deepest node found."""
    node = root
    for part in loc:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == str(part):
                    child = value
                    break
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(part, int)
            and 0 <= part < len(node.value)
        ):
            child = node.value[part]
        if child is None:
            break
        node = child
    return node


def _loc_text(loc: Sequence[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _problem(path: Path, root: yaml.Node | None, loc: Sequence[str | int], msg: str) -> str:
    node = _node_at(root, loc)
    line = node.start_mark.line + 1 if node is not None else 1
    return f"{path}:{line}: {_loc_text(loc)}: {msg}"


def _cross_check(plan: PlanFile) -> list[tuple[tuple[str | int, ...], str]]:
    """Checks that span blocks: known division codes, unique keys, known indicators."""
    faults: list[tuple[tuple[str | int, ...], str]] = []
    codes = [d.code for d in plan.divisions]
    for i, code in enumerate(codes):
        if code == ALL:
            faults.append((("divisions", i, "code"), "ALL is reserved for every division"))
        elif codes.index(code) != i:
            faults.append((("divisions", i, "code"), f"division code {code} appears twice"))
    known = set(codes)
    indicator_seqs = {ind.seq for ind in plan.assessment.indicators} if plan.assessment else set()
    seen: set[int] = set()
    keys: dict[str, int] = {}
    for i, m in enumerate(plan.measures):
        if m.seq in seen:
            faults.append((("measures", i, "seq"), f"measure seq {m.seq} appears twice"))
        seen.add(m.seq)
        if m.measure_key in keys:
            faults.append((_key_loc(m, i), _key_twice(m, plan.measures[keys[m.measure_key]])))
        keys.setdefault(m.measure_key, i)
        for j, code in enumerate(m.responsible):
            if code != ALL and code not in known:
                faults.append(
                    (
                        ("measures", i, "responsible", j),
                        f"unknown division code {code!r}; expected ALL or one of "
                        + ", ".join(codes),
                    )
                )
        for j, seq in enumerate(m.indicators):
            if seq not in indicator_seqs:
                faults.append(
                    (("measures", i, "indicators", j), f"no assessment indicator with seq {seq}")
                )
    faults.extend(_holiday_faults(plan))
    return faults


def _holiday_faults(plan: PlanFile) -> list[tuple[tuple[str | int, ...], str]]:
    """A day listed twice in `holidays:` (which name would it have?)."""
    days = [h.date for h in plan.holidays]
    return [
        (("holidays", i, "date"), f"holiday {day} appears twice; list each day once")
        for i, day in enumerate(days)
        if days.index(day) != i
    ]


def _key_loc(m: MeasureSpec, i: int) -> tuple[str | int, ...]:
    return ("measures", i, "key") if m.key is not None else ("measures", i, "seq")


def _key_twice(m: MeasureSpec, first: MeasureSpec) -> str:
    return (
        f"measure key {m.measure_key} is also measure {first.seq}'s; each measure needs its own"
        " key (a measure without `key` is keyed m<seq>)"
    )


def parse_plan_text(
    text: str,
    path: Path,
    rule_check: Callable[[str], object] | None = None,
) -> PlanFile:
    """Parse plan YAML; raise PlanFileError listing every fault with its line."""
    try:
        root = yaml.compose(text, Loader=_PlanLoader)
        data: Any = yaml.load(text, Loader=_PlanLoader)  # a SafeLoader subclass: safe
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise PlanFileError([f"{path}:{line}: not valid YAML: {problem}"]) from exc
    if not isinstance(data, dict):
        raise PlanFileError([f"{path}:1: expected a mapping with schema_version, plan, measures"])
    try:
        plan = PlanFile.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            msg = err["msg"]
            if err["type"] == "missing":
                msg = "missing; this key is required"
            elif err["type"] == "extra_forbidden":
                msg = "unknown key; see the plan file format in README.md"
            elif err["type"] == "string_pattern_mismatch" and loc[-1] == "key":
                msg = "a measure key is letters, digits, _, - or . (at most 64), e.g. m3"
            elif err["type"] == "literal_error" and loc == ("schema_version",):
                msg = f"unsupported schema_version; expected {SCHEMA_VERSION}"
            problems.append(_problem(path, root, loc, msg))
        raise PlanFileError(problems) from exc
    faults = _cross_check(plan)
    if rule_check is not None:
        try:
            rule_check(plan.meetings.monthly_heads.rule)
        except ValueError as exc:
            faults.append((("meetings", "monthly_heads", "rule"), str(exc)))
    if faults:
        raise PlanFileError([_problem(path, root, loc, msg) for loc, msg in faults])
    return plan


def load_plan_file(path: Path, rule_check: Callable[[str], object] | None = None) -> PlanFile:
    """Read and check a plan file from disk."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise PlanFileError([f"{path}: no such file; give the path to a plan YAML file"]) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanFileError([f"{path}: cannot be read as UTF-8 text ({exc})"]) from exc
    return parse_plan_text(text, path, rule_check)
