"""End to end: the replay hub serves the recorded world, the real huggingface_hub client crawls it, and the
Dagster assets and Great Expectations checks run for real into Parquet and a DuckDB file.

The first crawl of the recorded world is shared by the tests of this module (module-scoped fixture);
tests that need faults or another world run their own crawl into their own folder.
"""

from pathlib import Path

import duckdb
import pytest

from pipeline.defs.resources import HubResource
from pipeline.hub.replay import FaultSpec, ReplayHub
from pipeline.hub.world import Revision, WorldWriter, World
from pipeline.runner import run_snapshot

LATEST = "2025-03-31"
NEXT_DAY = "2025-04-01"
BERT_HUB_ID = "621ffdc036468d709f174338"
GPT2_HUB_ID = "621ffdc036468d709f17434d"


def hub_resource(endpoint: str, **overrides) -> HubResource:
    settings = {"limit": None, "backoff_base_seconds": 0.01, "backoff_cap_seconds": 0.1, "max_attempts": 3}
    return HubResource(endpoint=endpoint, **{**settings, **overrides})


def query(home: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(home / "observatory.duckdb"), read_only=True) as conn:
        return conn.execute(sql, params or []).fetchall()


def table_counts(home: Path) -> dict[str, int]:
    tables = ["crawl_runs", "crawl_errors", "models_raw", "cards", "license_texts", "model_facts", "evidence", "openness"]
    return {t: query(home, f"SELECT count(*) FROM {t}")[0][0] for t in tables}


@pytest.fixture(scope="module")
def crawled(recorded_world, tmp_path_factory):
    """The recorded world crawled as of LATEST, then again (unchanged) for the next day, then LATEST re-run."""
    home = tmp_path_factory.mktemp("observatory")
    with ReplayHub(recorded_world) as hub:
        # The same world state on both dates: the endpoint pins the replay to LATEST.
        resource = hub_resource(f"{hub.url}/as-of/{LATEST}")
        first = run_snapshot(LATEST, home=home, hub=resource)
        first_requests = hub.stats_snapshot()
        counts_after_first = table_counts(home)
        hub.reset_stats()
        second = run_snapshot(NEXT_DAY, home=home, hub=resource)
        second_requests = hub.stats_snapshot()
        rerun = run_snapshot(LATEST, home=home, hub=resource)
    return {
        "home": home,
        "outcomes": (first, second, rerun),
        "first_requests": first_requests,
        "second_requests": second_requests,
        "counts_after_first": counts_after_first,
    }


def test_every_run_is_published(crawled):
    assert [o.published for o in crawled["outcomes"]] == [True, True, True], [o.errors for o in crawled["outcomes"]]


def test_gated_llama_3_keeps_its_license_and_gate(crawled):
    rows = query(
        crawled["home"],
        "SELECT r.gated, f.license_id, f.license_family, o.openness_class FROM models_raw r "
        "JOIN model_facts f USING (snapshot_date, hub_id) JOIN openness o USING (snapshot_date, hub_id) "
        "WHERE r.snapshot_date = ? AND r.repo_id = 'meta-llama/Meta-Llama-3-8B-Instruct'",
        [LATEST],
    )
    assert rows == [("manual", "llama3", "community", "gated_or_closed")]


def test_pythia_publishes_its_intermediate_checkpoints(crawled):
    rows = query(
        crawled["home"],
        "SELECT f.checkpoints, f.checkpoint_branches, f.checkpoint_pattern, o.checkpoints FROM model_facts f "
        "JOIN openness o USING (snapshot_date, hub_id) WHERE f.snapshot_date = ? AND f.repo_id = 'EleutherAI/pythia-70m'",
        [LATEST],
    )
    checkpoints, branches, pattern, grade = rows[0]
    assert (checkpoints, branches, grade) == ("published", 154, "open")
    assert "step" in pattern
    evidence = query(
        crawled["home"],
        "SELECT count(*) FROM evidence WHERE snapshot_date = ? AND repo_id = 'EleutherAI/pythia-70m' "
        "AND dimension = 'checkpoints' AND source_kind = 'branch'",
        [LATEST],
    )
    assert evidence[0][0] >= 1


def test_each_readme_is_stored_once(crawled):
    home = crawled["home"]
    # 50 repos; several share a README (the Pythia cards do not, the reconstructed ones may) - never more rows.
    (cards, distinct) = query(home, "SELECT count(*), count(DISTINCT content_hash) FROM cards")[0]
    assert cards == distinct
    linked = query(home, "SELECT count(DISTINCT readme_hash) FROM models_raw WHERE snapshot_date = ?", [LATEST])[0][0]
    assert cards == linked


def test_an_unchanged_world_costs_one_listing_and_no_detail_requests(crawled):
    first, second = crawled["first_requests"], crawled["second_requests"]
    assert first["refs"] == 50 and first["resolve_get"] >= 49
    assert second["listing"] == 1
    assert {k: second[k] for k in ("model_info", "refs", "commits", "tree", "resolve_head", "resolve_get")} == {
        "model_info": 0, "refs": 0, "commits": 0, "tree": 0, "resolve_head": 0, "resolve_get": 0,
    }
    run = query(
        crawled["home"],
        "SELECT models_listed, details_fetched, details_carried, details_failed FROM crawl_runs WHERE snapshot_date = ?",
        [NEXT_DAY],
    )
    assert run == [(50, 0, 50, 0)]


def test_rerunning_a_date_replaces_it(crawled):
    assert table_counts(crawled["home"])["models_raw"] == 100  # two dates of 50
    after_rerun = query(crawled["home"], "SELECT count(*) FROM models_raw WHERE snapshot_date = ?", [LATEST])[0][0]
    assert after_rerun == crawled["counts_after_first"]["models_raw"] == 50
    for table in ("model_facts", "evidence", "openness", "crawl_runs", "crawl_errors"):
        on_latest = query(crawled["home"], f"SELECT count(*) FROM {table} WHERE snapshot_date = ?", [LATEST])[0][0]
        assert on_latest == crawled["counts_after_first"][table], table


def test_parquet_snapshot_is_written_in_hive_layout(crawled):
    snapshots = crawled["home"] / "snapshots"
    for table in ("models_raw", "model_facts", "evidence", "openness", "crawl_runs"):
        assert (snapshots / table / f"snapshot_date={LATEST}" / f"{table}.parquet").is_file()
    with duckdb.connect() as conn:
        n = conn.execute(
            "SELECT count(*) FROM read_parquet(?, hive_partitioning = true) WHERE snapshot_date = ?",
            [str(snapshots / "openness" / "*" / "*.parquet"), LATEST],
        ).fetchone()[0]
    assert n == 50


def test_a_renamed_repo_resolves_to_its_new_id_with_the_same_hub_id(recorded_world, crawled, tmp_path):
    swept = query(crawled["home"], "SELECT hub_id FROM models_raw WHERE snapshot_date = ? AND repo_id = ?",
                  [LATEST, "google-bert/bert-base-uncased"])
    assert swept == [(BERT_HUB_ID,)]
    with ReplayHub(recorded_world) as hub:
        outcome = run_snapshot(LATEST, home=tmp_path, hub=hub_resource(f"{hub.url}/as-of/{LATEST}",
                                                                         repo_ids=["bert-base-uncased", "gpt2"]))
    assert outcome.published, outcome.errors
    rows = query(tmp_path, "SELECT requested_id, repo_id, hub_id FROM models_raw ORDER BY requested_id")
    assert rows == [
        ("bert-base-uncased", "google-bert/bert-base-uncased", BERT_HUB_ID),
        ("gpt2", "gpt2", GPT2_HUB_ID),  # a legacy alias the Hub still answers under its old name
    ]


def test_a_burst_of_429s_is_retried_and_no_repo_is_lost(recorded_world, tmp_path):
    faults = FaultSpec.parse("burst=8,retry_after=0,routes=refs+resolve_head+resolve_get")
    with ReplayHub(recorded_world, faults=faults) as hub:
        outcome = run_snapshot(LATEST, home=tmp_path, hub=hub_resource(f"{hub.url}/as-of/{LATEST}", max_attempts=5))
        injected = hub.stats_snapshot()["faults"]["burst"]
    assert outcome.published, outcome.errors
    assert injected == 8
    run = query(tmp_path, "SELECT models_listed, details_fetched, details_failed, retries FROM crawl_runs")
    assert run[0][:3] == (50, 50, 0)
    assert run[0][3] >= 8
    assert query(tmp_path, "SELECT count(*) FROM crawl_errors WHERE transient")[0][0] == 0


def test_a_repo_that_always_fails_is_recorded_as_failed_and_the_crawl_goes_on(recorded_world, tmp_path):
    # Only its refs route fails: README downloads are retried by huggingface_hub itself, with 1-8 s waits.
    faults = FaultSpec.parse("fail=EleutherAI/pythia-70m,routes=refs")
    with ReplayHub(recorded_world, faults=faults) as hub:
        outcome = run_snapshot(LATEST, home=tmp_path, hub=hub_resource(f"{hub.url}/as-of/{LATEST}", max_attempts=3))
    assert outcome.published, outcome.errors
    status = query(tmp_path, "SELECT repo_id, details_status FROM models_raw WHERE details_status <> 'fetched'")
    assert status == [("EleutherAI/pythia-70m", "failed")]
    errors = query(tmp_path, "SELECT stage, attempts, transient FROM crawl_errors WHERE repo_id = 'EleutherAI/pythia-70m'")
    assert errors == [("refs", 3, True)]
    assert query(tmp_path, "SELECT models_listed, details_failed, status FROM crawl_runs") == [(50, 1, "partial")]
    # still graded, from what the listing said
    assert query(tmp_path, "SELECT count(*) FROM openness WHERE repo_id = 'EleutherAI/pythia-70m'")[0][0] == 1


def test_a_failing_expectation_blocks_publishing(tmp_path):
    world_dir = tmp_path / "world"
    with WorldWriter(world_dir, kind="test", description="one model with negative downloads", dates=[LATEST]) as w:
        for n, downloads in enumerate([10, -5]):
            readme = w.add_file("README.md", f"---\nlicense: mit\n---\n# Model {n}\n".encode())
            w.add_revision(
                Revision(
                    hub_id=f"{n:024x}", repo_id=f"testorg/model-{n}", commit_sha=f"{n + 1:040x}",
                    commit_date="2025-01-01T00:00:00.000Z", commit_title="initial commit",
                    info={"downloads": downloads, "likes": 0, "cardData": {"license": "mit"}, "tags": ["license:mit"]},
                    files=[readme],
                )
            )
    home = tmp_path / "home"
    with ReplayHub(World(world_dir)) as hub:
        outcome = run_snapshot(LATEST, home=home, hub=hub_resource(hub.url))
    assert not outcome.published
    failed = {c["check"]: c["failures"] for c in outcome.failed_checks}
    assert list(failed) == ["models_raw_expectations"]
    (failure,) = failed["models_raw_expectations"]
    assert (failure["expectation"], failure["column"], failure["sample"]) == (
        "expect_column_values_to_be_between", "downloads", [-5]
    )
    assert not (home / "snapshots" / "models_raw" / f"snapshot_date={LATEST}").exists()
    assert not (home / "observatory.duckdb").exists()
