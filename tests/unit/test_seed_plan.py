"""Checks the seed plan (plans/nst-city-2565.yaml) against the source document it transcribes.

Only yaml.safe_load is used, so these tests do not depend on the project's own code.
"""

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

DATA = Path(__file__).parents[1] / "data"
SOURCE = DATA / "source_document.txt"
PLAN = Path(__file__).parents[2] / "plans" / "nst-city-2565.yaml"

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

ACTION_COUNTS = {1: 2, 2: 2, 3: 1, 4: 2, 5: 1, 6: 1, 7: 2}
RESPONSIBLE = {
    1: ["FIN"],
    2: ["PALAD"],
    3: ["ALL"],
    4: ["STRAT"],
    5: ["ALL"],
    6: ["ALL"],
    7: ["STRAT"],
}
NAMED_DIVISIONS = {
    "FIN": "สำนักคลัง",
    "PALAD": "สำนักปลัดเทศบาล",
    "STRAT": "กองยุทธศาสตร์และงบประมาณ",
}


@pytest.fixture(scope="module")
def source() -> str:
    return SOURCE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def plan() -> dict[str, Any]:
    with PLAN.open(encoding="utf-8") as f:
        data = yaml.safe_load(f)
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def measures(plan: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {m["seq"]: m for m in plan["measures"]}


def document_indicators(source: str) -> dict[int, tuple[str, float]]:
    """Indicator rows of section 1, e.g. "๒. การใช้งบประมาณ<TAB>๗๕.๓๐"."""
    section1 = source.split("๒. ข้อเสนอแนะ", 1)[0]
    rows = re.findall(r"^([๐-๙]+)\. ([^\t\n]+)\t([๐-๙]+\.[๐-๙]+)", section1, re.MULTILINE)
    return {
        int(seq.translate(THAI_DIGITS)): (name, float(score.translate(THAI_DIGITS)))
        for seq, name, score in rows
    }


def test_top_level_keys(plan: dict[str, Any]) -> None:
    assert plan["schema_version"] == 1
    assert plan["organization"]["code"] == "nst-city"
    assert plan["plan"]["code"] == "ita-2565"
    assert plan["plan"]["fiscal_year_be"] == 2565
    assert plan["meetings"]["monthly_heads"]["rule"] == "last wednesday 09:30"


def test_organization_and_title_come_from_document(plan: dict[str, Any], source: str) -> None:
    assert plan["organization"]["name_th"] in source
    assert plan["plan"]["title_th"] in source
    assert plan["meetings"]["monthly_heads"]["name_th"] in source


def test_seven_measures_in_order(plan: dict[str, Any]) -> None:
    assert [m["seq"] for m in plan["measures"]] == [1, 2, 3, 4, 5, 6, 7]


def test_thai_text_is_verbatim(measures: dict[int, dict[str, Any]], source: str) -> None:
    for seq, m in measures.items():
        assert m["title_th"] in source, f"measure {seq} title"
        assert m["title_en"].strip(), f"measure {seq} title_en"
        for i, action in enumerate(m["actions_th"], start=1):
            assert action in source, f"measure {seq} action {i}"
            assert not re.match(r"[๐-๙]+\.", action), f"measure {seq} action {i} keeps its number"
        assert m["period"]["text_th"] in source, f"measure {seq} period"
        assert m["followup"]["text_th"] in source, f"measure {seq} follow-up"


def test_action_counts(measures: dict[int, dict[str, Any]]) -> None:
    assert {seq: len(m["actions_th"]) for seq, m in measures.items()} == ACTION_COUNTS


def test_responsible(measures: dict[int, dict[str, Any]]) -> None:
    assert {seq: m["responsible"] for seq, m in measures.items()} == RESPONSIBLE


def test_periods_and_followup(measures: dict[int, dict[str, Any]]) -> None:
    for seq, m in measures.items():
        period = m["period"]
        assert isinstance(period["start"], dt.date)
        assert period["end"] == dt.date(2022, 3, 31)
        if seq == 7:
            assert period["start"] == dt.date(2021, 11, 1)
            assert m["followup"]["cadence"] == "quarterly"
        else:
            assert period["start"] == dt.date(2021, 10, 1)
            assert m["followup"]["cadence"] == "monthly_meeting"


def test_assessment_matches_document(plan: dict[str, Any], source: str) -> None:
    assessment = plan["assessment"]
    assert assessment["total"] == 86.9
    assert "๘๖.๙" in source
    assert assessment["level"] == "A"

    expected = document_indicators(source)
    assert sorted(expected) == list(range(1, 11))
    indicators = assessment["indicators"]
    assert [i["seq"] for i in indicators] == list(range(1, 11))
    for ind in indicators:
        name, score = expected[ind["seq"]]
        assert ind["name_th"] == name, f"indicator {ind['seq']} name"
        assert ind["score"] == pytest.approx(score), f"indicator {ind['seq']} score"
        assert ind["name_en"].strip()


def test_indicator_tools(plan: dict[str, Any]) -> None:
    tools = [i["tool"] for i in plan["assessment"]["indicators"]]
    assert tools == ["IIT"] * 5 + ["EIT"] * 3 + ["OIT"] * 2


def test_measure_indicators_exist(plan: dict[str, Any]) -> None:
    seqs = {i["seq"] for i in plan["assessment"]["indicators"]}
    for m in plan["measures"]:
        assert m["indicators"], f"measure {m['seq']}"
        assert set(m["indicators"]) <= seqs, f"measure {m['seq']}"


def test_divisions(plan: dict[str, Any], source: str) -> None:
    divisions = plan["divisions"]
    codes = [d["code"] for d in divisions]
    assert len(codes) == len(set(codes))
    assert "ALL" not in codes
    for d in divisions:
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*", d["code"]), d["code"]
        assert d["name_th"] and d["name_en"]
        assert isinstance(d["in_all"], bool)
    by_code = {d["code"]: d for d in divisions}
    for code, name_th in NAMED_DIVISIONS.items():
        assert by_code[code]["name_th"] == name_th
        assert name_th in source
        assert not by_code[code].get("example", False)
    for d in divisions:
        if d["code"] not in NAMED_DIVISIONS:
            assert d.get("example") is True, f"{d['code']} is not in the document"


def test_responsible_codes_are_defined(plan: dict[str, Any]) -> None:
    codes = {d["code"] for d in plan["divisions"]} | {"ALL"}
    for m in plan["measures"]:
        assert m["responsible"], f"measure {m['seq']}"
        assert set(m["responsible"]) <= codes, f"measure {m['seq']}"
