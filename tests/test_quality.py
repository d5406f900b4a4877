"""Great Expectations suites on hand-built frames: a broken row is caught and reported with a sample."""

import datetime as dt

import polars as pl

from pipeline.quality import validate
from pipeline.store.tables import frame

DAY = dt.date(2026, 1, 1)


def openness_row(**overrides):
    row = {
        "snapshot_date": DAY, "hub_id": "a" * 24, "repo_id": "org/model",
        **dict.fromkeys(["weights", "license", "training_code", "training_data", "data_composition", "checkpoints",
                         "paper", "model_card", "access"], "open"),
        "openness_class": "osaid_candidate", "osaid_candidate": True, "mof_class": "I", "eosai_score": 1.0,
        "rubric_version": "test", "lineage_status": "own", "lineage_depth": 0, "card_training_data": "open",
        "effective_training_data": "open",
    }
    return {**row, **overrides}


def test_consistent_grades_pass():
    result = validate(frame("openness", [openness_row()]), "openness",
                      {"model_facts_ids": ["a" * 24], "model_facts_rows": 1})
    assert result.success, result.failed


def test_a_class_inconsistent_with_its_grades_fails_with_a_sample():
    bad = openness_row(license="closed")  # an OSAID candidate under a closed license
    result = validate(frame("openness", [bad]), "openness", {"model_facts_ids": ["a" * 24], "model_facts_rows": 1})
    assert not result.success
    failed = {(f["expectation"], f["column"]) for f in result.failed}
    assert failed == {("expect_column_pair_values_to_be_in_set", None)}
    (failure,) = result.failed
    assert failure["sample"] == ["('osaid_candidate', 'closed')"]


def test_an_ungraded_model_fails_the_row_count():
    result = validate(frame("openness", [openness_row()]), "openness",
                      {"model_facts_ids": ["a" * 24, "b" * 24], "model_facts_rows": 2})
    assert [f["expectation"] for f in result.failed] == ["expect_table_row_count_to_equal"]
    assert result.failed[0]["observed_value"] == 1


def test_a_token_in_a_crawl_error_message_is_caught():
    errors = frame("crawl_errors", [{
        "snapshot_date": DAY, "repo_id": "org/model", "stage": "readme", "error_kind": "HfHubHTTPError",
        "message": "401 for hf_abcdefghijklmnopqrstuvwxyz", "attempts": 1, "transient": False,
    }])
    result = validate(errors, "crawl_errors")
    assert [f["column"] for f in result.failed] == ["message"]


def test_only_the_columns_a_suite_reads_are_converted():
    # nested list columns (code_links, datasets) never reach pandas: an empty day validates quickly and cleanly
    result = validate(pl.DataFrame(schema=frame("model_facts", []).schema), "model_facts", {"models_raw_ids": []})
    assert result.success and result.evaluated > 10


def test_a_license_component_outside_the_enumeration_is_caught():
    row = {"snapshot_date": DAY, "hub_id": "a" * 24, "repo_id": "org/model", "license_family": "permissive",
           "license_source": "readme", "license_conflict": False, "training_code": False, "data_disclosure": "none",
           "checkpoints": "none", "checkpoint_branches": 0, "checkpoint_files": 0, "card_bytes": 0, "gated": "no",
           "has_card": True, "extractor_version": "test",
           "license_components": [{"component": "code", "license_id": "mit", "source": "readme"}]}
    bad = {**row, "hub_id": "b" * 24, "license_components": [{"component": "model", "license_id": "mit", "source": "readme"}]}
    result = validate(frame("model_facts", [row, bad]), "model_facts", {"models_raw_ids": ["a" * 24, "b" * 24]})
    assert [(f["column"], f["unexpected_count"]) for f in result.failed] == [("license_components", 1)]
    assert result.failed[0]["sample"] == ['[{"component":"model","license_id":"mit","source":"readme"}]']
