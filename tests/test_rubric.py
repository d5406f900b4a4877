"""The openness rubric on hand-built facts, and on one real card end to end."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.extract.facts import extract
from pipeline.extract.model import ModelInput
from pipeline.openness.rubric import DIMENSIONS, RUBRIC_VERSION, eosai_score, grade, grade_reasons

REPO = Path(__file__).resolve().parents[1]
APACHE = {"license_id": "apache-2.0", "license_spdx": "Apache-2.0", "license_family": "permissive",
          "license_osi_approved": True, "license_commercial_use": True, "license_use_restrictions": False,
          "license_source": "card_metadata"}
LLAMA3 = {"license_id": "llama3", "license_spdx": None, "license_family": "community", "license_osi_approved": False,
          "license_commercial_use": True, "license_use_restrictions": True, "license_source": "card_metadata"}
CC_BY_NC = {"license_id": "cc-by-nc-4.0", "license_spdx": "CC-BY-NC-4.0", "license_family": "creative-commons-nc",
            "license_osi_approved": False, "license_commercial_use": False, "license_use_restrictions": True,
            "license_source": "card_metadata"}
CC_BY = {"license_id": "cc-by-4.0", "license_spdx": "CC-BY-4.0", "license_family": "creative-commons",
         "license_osi_approved": False, "license_commercial_use": True, "license_use_restrictions": False,
         "license_source": "card_metadata"}
TRAINING_LINK = {"url": "https://github.com/o/r", "host": "github.com", "repo": "o/r", "role": "training"}
TRAINING_CODE = {"training_code": True, "code_links": [TRAINING_LINK]}
HUB_DATA = {"datasets": [{"name": "o/data", "hub_id": "o/data", "source": "card_metadata", "license": "cc-by-4.0",
                          "open": True}],
            "data_disclosure": "described"}
PAPER = {"papers": ["arxiv:2401.00001"]}
CHECKPOINTS = {"checkpoint_branches": 154, "checkpoint_pattern": "step", "checkpoints": "published"}


def make_facts(*parts: dict, **overrides) -> dict:
    """A model with a decent card and nothing else disclosed, plus the given parts."""
    facts = {
        "license_declared": None, "license_id": None, "license_name": None, "license_link": None, "license_spdx": None,
        "license_family": "none", "license_osi_approved": None, "license_commercial_use": None,
        "license_use_restrictions": None, "license_source": "none", "license_conflict": False,
        "code_links": [], "training_code": False, "datasets": [], "data_disclosure": "none",
        "checkpoint_branches": 0, "checkpoint_pattern": None, "checkpoint_files": 0, "checkpoint_mentioned": False,
        "checkpoints": "none", "papers": [], "base_models": [], "base_model_relation": None, "gated": "no",
        "has_card": True, "card_bytes": 5000, "card_sections": ["Model", "Training", "Evaluation"],
        "parse_problems": [], "extractor_version": "test",
    }
    for part in parts:
        facts.update(part)
    facts.update(overrides)
    return facts


def test_osi_license_training_code_and_data_is_an_osaid_candidate():
    result = grade(make_facts(APACHE, TRAINING_CODE, HUB_DATA), gated="no")
    assert result["openness_class"] == "osaid_candidate"
    assert result["osaid_candidate"] is True
    assert (result["license"], result["training_code"], result["training_data"]) == ("open", "open", "open")


def test_apache_without_code_is_open_weights_permissive():
    result = grade(make_facts(APACHE, HUB_DATA), gated="no")
    assert result["openness_class"] == "open_weights_permissive"
    assert result["osaid_candidate"] is False
    assert result["training_code"] == "closed"


def test_llama3_is_open_weights_restricted():
    result = grade(make_facts(LLAMA3, TRAINING_CODE, HUB_DATA), gated="no")
    assert result["license"] == "partial"
    assert result["openness_class"] == "open_weights_restricted"


def test_manual_gate_is_gated_or_closed():
    result = grade(make_facts(APACHE, TRAINING_CODE, HUB_DATA, gated="manual"), gated="manual")
    assert result["openness_class"] == "gated_or_closed"
    assert (result["weights"], result["access"]) == ("partial", "closed")


def test_automatic_gate_keeps_open_weights_but_not_osaid():
    result = grade(make_facts(APACHE, TRAINING_CODE, HUB_DATA), gated="auto")
    assert (result["weights"], result["access"]) == ("partial", "partial")
    assert result["openness_class"] == "open_weights_permissive"


def test_non_commercial_and_missing_licenses_are_closed():
    assert grade(make_facts(CC_BY_NC), gated="no")["license"] == "closed"
    assert grade(make_facts(CC_BY_NC), gated="no")["openness_class"] == "open_weights_restricted"
    assert grade(make_facts(), gated="no")["license"] == "closed"


def test_open_creative_commons_is_open_but_not_osi():
    result = grade(make_facts(CC_BY, TRAINING_CODE, HUB_DATA), gated="no")
    assert result["license"] == "open"
    assert result["openness_class"] == "open_weights_permissive"  # OSAID needs an OSI-approved license


def test_unresolved_other_license_is_unknown():
    result = grade(make_facts(license_id="other", license_name="my-license", license_family="other"), gated="no")
    assert result["license"] == "unknown"


def test_license_conflict_downgrades_an_open_license():
    assert grade(make_facts(APACHE, license_conflict=True), gated="no")["license"] == "partial"


def test_derivative_does_not_inherit_open_data():
    facts = make_facts(APACHE, TRAINING_CODE, HUB_DATA, base_models=["mistralai/Mistral-7B-v0.1"])
    result = grade(facts, gated="no")
    assert result["training_data"] == "partial"
    assert result["openness_class"] == "open_weights_permissive"
    assert "Mistral-7B-v0.1" in grade_reasons(facts, "no")["training_data"]


def test_grades_of_disclosure_levels():
    named = make_facts(datasets=[{"name": "Some corpus", "hub_id": None, "source": "readme"}], data_disclosure="named")
    result = grade(named, gated="no")
    assert (result["training_data"], result["data_composition"]) == ("partial", "closed")
    assert grade(make_facts(checkpoints="mentioned", checkpoint_mentioned=True), gated="no")["checkpoints"] == "partial"
    assert grade(make_facts(CHECKPOINTS), gated="no")["checkpoints"] == "open"
    assert grade(make_facts(card_bytes=40, card_sections=[]), gated="no")["model_card"] == "closed"
    assert grade(make_facts(card_bytes=900, card_sections=["Model"]), gated="no")["model_card"] == "partial"


def test_no_card_makes_card_dimensions_unknown():
    result = grade(make_facts(has_card=False, card_bytes=0, card_sections=[]), gated="no")
    assert {result[d] for d in ("training_code", "training_data", "data_composition", "paper")} == {"unknown"}
    assert result["model_card"] == "closed"


@pytest.mark.parametrize(
    ("parts", "mof_class"),
    [
        ((APACHE, HUB_DATA, PAPER), "III"),
        ((APACHE, HUB_DATA, PAPER, TRAINING_CODE), "II"),
        ((APACHE, HUB_DATA, PAPER, TRAINING_CODE, CHECKPOINTS), "I"),
        ((APACHE, HUB_DATA, TRAINING_CODE, CHECKPOINTS), "none"),  # MOF needs a paper or technical report
        ((LLAMA3, HUB_DATA, PAPER, TRAINING_CODE, CHECKPOINTS), "none"),  # and an open license
    ],
)
def test_mof_class_estimate(parts, mof_class):
    assert grade(make_facts(*parts), gated="no")["mof_class"] == mof_class


def test_eosai_score():
    assert eosai_score({"a": "open", "b": "partial", "c": "closed", "d": "unknown"}) == 0.5
    assert eosai_score({"a": "unknown"}) == 0.0
    result = grade(make_facts(APACHE, TRAINING_CODE, HUB_DATA, PAPER, CHECKPOINTS), gated="no")
    assert result["eosai_score"] == 1.0


def test_columns_match_the_schema_and_reasons_are_sentences():
    ddl = (REPO / "sql/schema.sql").read_text()
    body = re.search(r"CREATE TABLE IF NOT EXISTS openness \((.*?)\n\);", ddl, re.DOTALL).group(1)
    graded = body.split("-- Lineage")[0]  # the lineage columns come from pipeline/openness/lineage.py
    columns = [line.split()[0] for line in graded.splitlines() if line.strip() and not line.strip().startswith("PRIMARY")]
    facts = make_facts(LLAMA3, HUB_DATA)
    result = grade(facts, gated="auto")
    assert list(result) == [c for c in columns if c not in ("snapshot_date", "hub_id", "repo_id")]
    assert result["rubric_version"] == RUBRIC_VERSION == "2026.11-2"
    assert all(result[d] in ("open", "partial", "closed", "unknown") for d in DIMENSIONS)
    reasons = grade_reasons(facts, "auto")
    assert set(reasons) == set(DIMENSIONS) | {"openness_class", "mof_class"}
    assert all(reason and reason[0].isupper() and reason.endswith(".") for reason in reasons.values())


def test_real_card_end_to_end(shared_data):
    readme = (shared_data / "hub-recorded/model_cards/EleutherAI__pythia-70m.README.md").read_text()
    branches = ["step0"] + [f"step{1000 * i}" for i in range(1, 144)]
    facts = extract(ModelInput(repo_id="EleutherAI/pythia-70m", readme=readme, branches=branches)).row
    result = grade(facts, gated=facts["gated"])
    assert result["openness_class"] == "osaid_candidate"
    assert result["checkpoints"] == "open"
    assert result["mof_class"] == "none"  # the card names the Pythia paper but does not link it


def test_training_data_is_open_only_when_the_named_hub_datasets_are_open_data():
    def dataset(hub_id, license_id, is_open):
        return {"name": hub_id, "hub_id": hub_id, "source": "card_metadata", "license": license_id, "open": is_open}

    def training_data(*datasets):
        facts = make_facts(APACHE, {"datasets": list(datasets), "data_disclosure": "named"})
        return grade(facts, gated="no")["training_data"]

    assert training_data(dataset("o/a", "cc-by-4.0", True), dataset("o/b", "mit", True)) == "open"
    assert training_data(dataset("o/a", "cc-by-4.0", True), dataset("o/b", "cc-by-nc-4.0", False)) == "partial"
    assert training_data(dataset("o/a", None, None)) == "partial"  # its own license was never read
    assert training_data({"name": "The Pile", "hub_id": None, "source": "readme", "license": None, "open": None}) == (
        "partial"
    )
