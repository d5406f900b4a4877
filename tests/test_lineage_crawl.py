"""Lineage when crawling: bases outside the scope are fetched, reused on later crawls, and resolved."""

import duckdb

from pipeline.defs.resources import HubResource
from pipeline.hub.replay import ReplayHub
from pipeline.runner import run_snapshot

LATEST, NEXT_DAY = "2025-03-31", "2025-04-01"
ZEPHYR, MISTRAL, LLAMA31 = "HuggingFaceH4/zephyr-7b-beta", "mistralai/Mistral-7B-v0.1", "meta-llama/Llama-3.1-8B-Instruct"


def test_a_base_outside_the_scope_is_fetched_once_and_resolves_the_chain(recorded_world, tmp_path):
    with ReplayHub(recorded_world) as hub:
        resource = HubResource(endpoint=f"{hub.url}/as-of/{LATEST}", repo_ids=[ZEPHYR, LLAMA31],
                               backoff_base_seconds=0.01, max_attempts=2)
        assert run_snapshot(LATEST, home=tmp_path, hub=resource).published
        first = hub.stats_snapshot()["model_info"]
        hub.reset_stats()
        assert run_snapshot(NEXT_DAY, home=tmp_path, hub=resource).published
        second = hub.stats_snapshot()["model_info"]
    # 2 in scope + Mistral (found) + Llama 3.1's two named bases (not in the recorded world); the next day only
    # the scope is asked again: the found base is reused and the missing ones are remembered.
    assert (first, second) == (5, 2)
    with duckdb.connect(str(tmp_path / "observatory.duckdb"), read_only=True) as conn:
        scope = conn.execute(
            "SELECT snapshot_date::VARCHAR, repo_id, scope_reason FROM models_raw ORDER BY 1, 2"
        ).fetchall()
        lineage = conn.execute(
            "SELECT repo_id, lineage_status, root_base, lineage_depth, base_training_data IS NOT NULL "
            "FROM openness WHERE snapshot_date = ? ORDER BY repo_id", [NEXT_DAY]
        ).fetchall()
        missing = conn.execute(
            "SELECT repo_id, transient FROM crawl_errors WHERE stage = 'base_model' ORDER BY 1"
        ).fetchall()
        status = conn.execute("SELECT status FROM crawl_runs ORDER BY snapshot_date").fetchall()
    assert sorted(scope) == sorted(
        (day, repo, reason)
        for day in (LATEST, NEXT_DAY)
        for repo, reason in ((LLAMA31, "scope"), (ZEPHYR, "scope"), (MISTRAL, "base_model"))
    )
    assert sorted(lineage) == sorted([
        (LLAMA31, "missing_base", None, 0, False),
        (ZEPHYR, "resolved", MISTRAL, 1, True),
        (MISTRAL, "own", None, 0, False),
    ])
    assert missing == [("meta-llama/Llama-3.1-8B", False), ("meta-llama/Meta-Llama-3.1-8B", False)]
    assert status == [("ok",), ("ok",)]  # a missing base is a fact about the Hub, not a failed crawl
