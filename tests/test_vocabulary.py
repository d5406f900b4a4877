"""The Great Expectations suites list exactly the values of the enumerations defined in pipeline/vocabulary.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.vocabulary import SUITE_COLUMNS

EXPECTATIONS = Path(__file__).resolve().parents[1] / "expectations"


def value_sets(suite: str) -> dict[str, list]:
    data = json.loads((EXPECTATIONS / f"{suite}.json").read_text())
    return {e["kwargs"]["column"]: e["kwargs"]["value_set"] for e in data["expectations"]
            if e["type"] == "expect_column_values_to_be_in_set" and isinstance(e["kwargs"].get("value_set"), list)}


@pytest.mark.parametrize(("suite", "column"), sorted(SUITE_COLUMNS))
def test_suite_value_set_is_the_enumeration(suite, column):
    enumeration = SUITE_COLUMNS[(suite, column)]
    assert column in value_sets(suite), f"expectations/{suite}.json does not check {column}"
    assert sorted(value_sets(suite)[column]) == sorted(member.value for member in enumeration)
