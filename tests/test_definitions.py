"""The Dagster code location loads cleanly: every asset, check, job and schedule the UI shows."""

import subprocess
import sys
import warnings
from pathlib import Path

import dagster as dg

REPO = Path(__file__).resolve().parents[1]
ASSETS = {"hub_listing", "hub_details", "hub_datasets", "models_raw", "model_facts", "openness", "published_snapshot", "history_backfill", "model_history"}
SUITES = {"crawl_runs", "crawl_errors", "models_raw", "datasets_raw", "cards", "license_texts", "model_facts", "evidence", "openness"}


def load_definitions() -> dg.Definitions:
    from pipeline.definitions import defs

    return defs()


def test_definitions_load_without_warnings():
    load_definitions()  # imports first: third-party import-time warnings are not ours
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        defs = load_definitions()
    assert {key.to_user_string() for key in defs.resolve_all_asset_keys()} == ASSETS


def test_every_table_has_a_blocking_expectation_check():
    graph = load_definitions().resolve_asset_graph()
    assert {key.name for key in graph.asset_check_keys} == {f"{suite}_expectations" for suite in SUITES}
    for suite in SUITES:
        assert (REPO / "expectations" / f"{suite}.json").is_file()
    # blocking: a failed suite stops published_snapshot in the same run
    assert all(graph.get_check_spec(key).blocking for key in graph.asset_check_keys)


def test_daily_schedule_targets_the_snapshot_job():
    defs = load_definitions()
    schedule = defs.resolve_schedule_def("daily_snapshot_schedule")
    assert schedule.job_name == "daily_snapshot"
    assert schedule.cron_schedule == "0 4 * * *"
    job = defs.resolve_job_def("daily_snapshot")
    assert job.partitions_def is not None and "2025-03-31" in job.partitions_def.get_partition_keys()


def test_reprocess_job_rederives_partitions_without_crawling():
    """reprocess_snapshots runs facts, grades, their blocking checks and the publish per partition, and no crawl
    asset: a backfill of it over past partitions reads only what their crawls stored."""
    defs = load_definitions()
    job = defs.resolve_job_def("reprocess_snapshots")
    assert {node.name for node in job.graph.node_defs} == {
        "model_facts", "model_facts_model_facts_expectations", "model_facts_evidence_expectations",
        "openness", "openness_openness_expectations", "published_snapshot",
    }
    assert job.partitions_def == defs.resolve_job_def("daily_snapshot").partitions_def
    assert "2025-03-31" in job.partitions_def.get_partition_keys()


def test_workspace_yaml_loads_with_the_dagster_cli():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "dagster"), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "pipeline" in result.stdout + result.stderr


def test_instance_settings_give_the_database_writer_one_slot(tmp_path):
    """dagster.yaml (used by `dagster dev` in the repo, or copied into DAGSTER_HOME) caps every pool at one step:
    DuckDB lets one process write the database, so parallel partitions must queue for `duckdb_writer`."""
    from dagster._core.instance.ref import InstanceRef

    pools = {node.pool for node in load_definitions().resolve_job_def("daily_snapshot").graph.node_defs if node.pool}
    assert pools == {"hub", "duckdb_writer"}
    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(tmp_path), config_dir=str(REPO))) as instance:
        for pool in pools:
            assert instance.event_log_storage.get_concurrency_info(pool).limit == 1
