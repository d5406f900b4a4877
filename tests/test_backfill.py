"""Backfill against the replay hub with the real client: recorded Mistral-7B-v0.1 history and a synthetic world."""

import datetime as dt
import json

import duckdb
import polars as pl
import pytest

from pipeline.backfill import (
    backfill_path,
    backfill_repo,
    read_backfill_states,
    write_backfill,
)
from pipeline.cli import main
from pipeline.defs.resources import HubResource
from pipeline.hub.client import HubClient
from pipeline.hub.replay import ReplayHub
from pipeline.hub.synth import generate_world
from pipeline.hub.world import Ref, Revision, World, WorldWriter
from pipeline.snapshot import content_hash
from pipeline.runner import run_snapshot
from pipeline.store.files import Store, today
from pipeline.store.tables import frame, table_schema

MISTRAL = "mistralai/Mistral-7B-v0.1"
MISTRAL_HISTORY = "hub-recorded/repo_history/mistralai__Mistral-7B-v0.1/commits_main.json"


def file_blob(revision: dict, path: str | None) -> str | None:
    return next((f["blob_id"] for f in revision["files"] or [] if f["path"] == path), None)


def expected_changes(world: World, hub_id: str, license_file: str | None) -> list[str]:
    """Commits whose README or LICENSE blob differs from the commit before, from the world's own revisions."""
    shas, previous = [], (None, None)
    for revision in world.revisions.filter(pl.col("hub_id") == hub_id).iter_rows(named=True):
        blobs = (file_blob(revision, "README.md"), file_blob(revision, license_file))
        if blobs != previous:
            shas.append(revision["commit_sha"])
        previous = blobs
    return shas


def without_backfilled_at(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k != "backfilled_at"} for r in rows]


def server_requests(hub: ReplayHub) -> dict[str, int]:
    stats = hub.stats_snapshot()
    return {kind: stats[kind] for kind in ("model_info", "commits", "resolve_head", "resolve_get", "total")}


@pytest.fixture(scope="module")
def mistral(recorded_world, tmp_path_factory):
    """Mistral backfilled twice into one cache, with the replay hub's counters after each run."""
    cache = tmp_path_factory.mktemp("hf-cache")
    with ReplayHub(recorded_world) as hub:
        hub.reset_stats()
        first = backfill_repo(HubClient(hub.url, cache_dir=cache), MISTRAL)
        first_requests = server_requests(hub)
        hub.reset_stats()
        second = backfill_repo(HubClient(hub.url, cache_dir=cache), MISTRAL)
        second_requests = server_requests(hub)
    return first, first_requests, second, second_requests


def test_mistral_costs_one_listing_and_one_get_per_readme_version(mistral):
    first, served, _, _ = mistral
    assert first.commits == 24
    assert first.readme_versions == 14
    assert first.license_file is None and first.license_versions == 0  # no LICENSE file in the repo today
    # one model_info, one page of commits (the client sends no limit; the hub's page is 100), a HEAD per commit
    # and a GET per distinct README version
    assert served == {"model_info": 1, "commits": 1, "resolve_head": 24, "resolve_get": 14, "total": 40}
    # what the backfill counts itself agrees with the server
    assert first.requests.as_dict() == {"model_info": 1, "commits": 1, "head": 24, "get": 14, "retries": 0, "total": 40}


def test_a_second_backfill_downloads_nothing(mistral):
    first, _, second, served = mistral
    # files are cached by commit sha: no HEAD and no GET, only model_info and the commit listing
    assert served == {"model_info": 1, "commits": 1, "resolve_head": 0, "resolve_get": 0, "total": 2}
    assert second.requests.get == 0 and second.requests.head == 0
    assert without_backfilled_at(second.rows) == without_backfilled_at(first.rows)


def test_mistral_states_only_where_the_readme_changed(mistral, recorded_world):
    first, *_ = mistral
    hub_id = first.hub_id
    assert [r["commit_sha"] for r in first.rows] == expected_changes(recorded_world, hub_id, None)
    assert len(first.rows) == 14
    assert len({r["readme_hash"] for r in first.rows}) == 14
    assert all(r["hub_id"] == hub_id and r["repo_id"] == MISTRAL and r["gated"] == "no" for r in first.rows)
    assert set(first.texts["cards"]) == {r["readme_hash"] for r in first.rows}
    assert all(content_hash(text) == key for key, text in first.texts["cards"].items())


def test_mistral_commit_dates_match_the_recorded_history(mistral, shared_data):
    first, *_ = mistral
    recorded = {c["id"]: c["date"] for c in json.loads((shared_data / MISTRAL_HISTORY).read_text())}
    for row in first.rows:
        assert row["commit_date"] == dt.datetime.strptime(recorded[row["commit_sha"]], "%Y-%m-%dT%H:%M:%S.%fZ")
    dates = [r["commit_date"] for r in first.rows]
    assert dates == sorted(dates)
    # several changes on one day are all kept (the history builder takes the day's last)
    assert len({d.date() for d in dates}) < len(dates)


def test_mistral_license_follows_the_labelled_readmes(mistral, shared_data):
    first, *_ = mistral
    commits = [c["id"] for c in reversed(json.loads((shared_data / MISTRAL_HISTORY).read_text()))]
    labels = [json.loads(line) for line in (shared_data / "ground-truth/labels_fixture.jsonl").read_text().splitlines()
              if line.startswith('{"card": "mistralai/Mistral-7B-v0.1@')]
    assert len(labels) == 14
    state_at = {}  # every commit -> the state in effect there
    states = {r["commit_sha"]: r for r in first.rows}
    current = None
    for sha in commits:
        current = states.get(sha, current)
        state_at[sha] = current
    for label in labels:
        sha = label["card"].split("@")[1]
        assert state_at[sha]["license_id"] == label["license_declared"] == "apache-2.0", sha
        assert state_at[sha]["license"] == "open"


def test_write_and_read_backfill(mistral, tmp_path):
    first, *_ = mistral
    store = Store.at(tmp_path)
    date = today()
    # a crawl's texts of the same date are left alone: backfilled texts are kept beside the states
    crawled = {"content_hash": "0" * 64, "first_seen": date, "byte_length": 5, "text": "crawl"}
    store.write("raw", "cards", date, [crawled])
    written = write_backfill(store, first.hub_id, first.rows, first.texts)
    assert written == {"states": 14, "cards": 14, "license_texts": 0}
    assert backfill_path(store, first.hub_id) == (
        tmp_path / "raw" / "backfill_states" / f"hub_id={first.hub_id}" / "backfill_states.parquet"
    )
    states = read_backfill_states(store)
    assert states.schema == table_schema("backfill_states")
    assert states.height == 14 and states["commit_sha"].to_list() == [r["commit_sha"] for r in first.rows]
    texts = pl.read_parquet(tmp_path / "raw" / "backfill_texts" / f"hub_id={first.hub_id}" / "cards.parquet")
    assert set(texts["content_hash"]) == set(first.texts["cards"]) == {r["readme_hash"] for r in first.rows}
    assert store.read("raw", "cards", date)["content_hash"].to_list() == ["0" * 64]
    # again: states and texts are replaced, never stored twice
    assert write_backfill(store, first.hub_id, first.rows, first.texts)["cards"] == 14
    assert read_backfill_states(store).height == 14


def test_read_backfill_states_of_an_empty_store(tmp_path):
    assert read_backfill_states(Store.at(tmp_path)).equals(frame("backfill_states", []))


# ---- synthetic world ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    # 200 models over 10 days; with seed 1 two repos change license (seed 3 has no license change)
    folder = tmp_path_factory.mktemp("synth") / "world"
    summary = generate_world(folder, models=200, days=10, seed=1)
    assert summary["changes"]["license_change"] == 2
    return World(folder)


def card_license(revision: dict):
    return (json.loads(revision["info_json"]).get("cardData") or {}).get("license")


def test_synthetic_license_changes_are_dated(synthetic, tmp_path):
    revisions = synthetic.revisions
    changed = sorted(
        hub_id for (hub_id,), group in revisions.group_by("hub_id")
        if len({json.dumps(card_license(r)) for r in group.iter_rows(named=True)}) > 1
    )
    assert len(changed) == 2
    with ReplayHub(synthetic) as hub:
        client = HubClient(hub.url, cache_dir=tmp_path / "cache")
        for hub_id in changed:
            history = revisions.filter(pl.col("hub_id") == hub_id).to_dicts()
            result = backfill_repo(client, history[-1]["repo_id"])
            assert result.hub_id == hub_id and result.commits == len(history)
            assert [r["commit_sha"] for r in result.rows] == expected_changes(synthetic, hub_id, result.license_file)
            by_sha = {r["commit_sha"]: r for r in history}
            for row in result.rows:
                revision = by_sha[row["commit_sha"]]
                assert row["commit_date"] == dt.datetime.strptime(revision["commit_date"], "%Y-%m-%dT%H:%M:%S.%fZ")
                assert row["license_id"] == card_license(revision)  # plain ids in these two repos
            licenses = [r["license_id"] for r in result.rows]
            assert licenses[0] != licenses[-1]
        served = hub.stats_snapshot()
    assert served["commits"] == 2 and served["model_info"] == 2


def test_synthetic_license_file_and_gate_today(synthetic, tmp_path):
    latest = synthetic.state(synthetic.latest_date)
    with_license = latest.filter(
        (pl.col("gated") != "false")
        & pl.col("files").list.eval(pl.element().struct.field("path").str.starts_with("LICENSE")).list.any()
    )
    assert with_license.height >= 1
    repo = with_license.row(0, named=True)
    with ReplayHub(synthetic) as hub:
        hub.reset_stats()
        result = backfill_repo(HubClient(hub.url, cache_dir=tmp_path / "cache"), repo["repo_id"])
        served = hub.stats_snapshot()
    assert result.license_file is not None and result.license_versions >= 1
    assert result.rows[-1]["license_text_hash"] in result.texts["license_texts"]
    assert {r["gated"] for r in result.rows} == {repo["gated"]}  # git history has no gate: today's
    assert {r["weights"] for r in result.rows} == {"partial"}
    assert served["resolve_get"] == result.readme_versions + result.license_versions == result.requests.get
    store = Store.at(tmp_path / "home")
    written = write_backfill(store, result.hub_id, result.rows, result.texts)
    assert written["license_texts"] == result.license_versions


def test_synthetic_world_request_budget(synthetic, tmp_path):
    """Every repo: one model_info, one commit listing, a HEAD per file read, a GET per distinct non-empty file
    version; a second pass reads every file (and every known absence) from the cache."""
    repo_ids = synthetic.state(synthetic.latest_date)["repo_id"].to_list()
    with ReplayHub(synthetic) as hub:
        client = HubClient(hub.url, cache_dir=tmp_path / "cache")
        hub.reset_stats()
        results = [backfill_repo(client, repo_id) for repo_id in repo_ids]
        first = hub.stats_snapshot()
        hub.reset_stats()
        again = [backfill_repo(client, repo_id) for repo_id in repo_ids]
        second = hub.stats_snapshot()
    assert first["model_info"] == first["commits"] == len(repo_ids)
    assert first["resolve_head"] == sum(r.requests.head for r in results)
    assert first["resolve_get"] == sum(r.requests.get for r in results)
    assert first["total"] == sum(r.requests.total for r in results)
    versions = sum(r.readme_versions + r.license_versions for r in results)
    empty = sum(1 for r in results for table in r.texts.values() for text in table.values() if not text)
    assert first["resolve_get"] == versions - empty
    assert any(not r.rows for r in results)  # repos without a README: every commit answered 404, no state
    assert second["resolve_head"] == second["resolve_get"] == 0
    assert [len(r.rows) for r in again] == [len(r.rows) for r in results]


# ---- the command --------------------------------------------------------------------------------------


def test_cli_backfills_and_reports(recorded_world, tmp_path, capsys):
    with ReplayHub(recorded_world) as hub:
        code = main(["backfill", MISTRAL, "--endpoint", hub.url, "--home", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    assert (f"{MISTRAL}: 24 commits listed, 14 README versions, no LICENSE file today, 14 states written; "
            "requests: 1 model_info, 1 commit listing, 24 HEAD, 14 GET (40 in all, 0 retries)") in out
    assert read_backfill_states(Store.at(tmp_path)).height == 14
    assert "history rebuilt: backfill_states 14" in out
    with duckdb.connect(str(tmp_path / "observatory.duckdb"), read_only=True) as conn:  # the released file
        states = conn.execute(
            "SELECT valid_from::VARCHAR, valid_to::VARCHAR, source, license_id FROM model_history ORDER BY valid_from"
        ).fetchall()
        created = conn.execute("SELECT change_date::VARCHAR, change, source FROM openness_changes").fetchall()
        texts = conn.execute("SELECT count(*) FROM cards").fetchall()[0][0]
    # 14 README versions, fewer distinct states: edits that change no fact, and same-day edits, fold together
    assert 1 <= len(states) < 14
    assert all(source == "backfill" and license_id == "apache-2.0" for _, _, source, license_id in states)
    assert states[0][0] == "2023-09-20" and states[-1][1] is None  # created on 2023-09-20; still current
    assert [to for _, to, _, _ in states[:-1]] == [frm for frm, _, _, _ in states[1:]]  # contiguous
    assert ("2023-09-20", "appeared", "backfill") in created
    assert texts == 14


FIRST_CRAWL, SECOND_CRAWL = "2026-03-01", "2026-03-02"


def checkpoint_world(folder, *, branches: bool = True) -> World:
    """org/steps: created 2026-01-10 with checkpoint branches its README mentions; license changed on SECOND_CRAWL."""
    card = "---\nlicense: {}\n---\n# Steps\n\nIntermediate checkpoints are published as branches step1000, step2000.\n"
    with WorldWriter(folder, kind="test", description="checkpoints on branches", dates=[FIRST_CRAWL, SECOND_CRAWL]) as w:
        for n, (day, license_id) in enumerate([("2026-01-10", "apache-2.0"), (SECOND_CRAWL, "cc-by-nc-4.0")], 1):
            sha = f"{n:040x}"
            w.add_revision(Revision(
                hub_id="f" * 24, repo_id="org/steps", commit_sha=sha, commit_date=f"{day}T08:00:00.000Z",
                commit_title="update", files=[w.add_file("README.md", card.format(license_id).encode())],
                refs=[Ref("branch", "step1000", sha), Ref("branch", "step2000", sha)] if branches else [],
                info={"downloads": 1, "likes": 0, "gated": False, "cardData": {"license": license_id}},
            ))
    return World(folder)


def history_sources(home) -> list[tuple]:
    with duckdb.connect(str(home / "observatory.duckdb"), read_only=True) as conn:
        return conn.execute("SELECT valid_from::VARCHAR, source FROM model_history ORDER BY 1").fetchall()


def test_changes_where_backfill_meets_the_crawl_are_marked_boundary(tmp_path):
    """Git keeps no branches: the crawl sees the checkpoint branches the backfilled README only mentions. That
    difference is an event of source 'boundary', apart from the changes the crawl itself observed."""
    first_crawl, second_crawl = FIRST_CRAWL, SECOND_CRAWL
    home = tmp_path / "home"
    with ReplayHub(checkpoint_world(tmp_path / "world")) as hub:
        resource = HubResource(endpoint=f"{hub.url}/as-of/{{snapshot_date}}", limit=None)
        for day in (first_crawl, second_crawl):
            assert run_snapshot(day, home=home, hub=resource).published
        assert main(["backfill", "org/steps", "--endpoint", f"{hub.url}/as-of/{second_crawl}",
                     "--home", str(home)]) == 0
    with duckdb.connect(str(home / "observatory.duckdb"), read_only=True) as conn:
        states = conn.execute(
            "SELECT valid_from::VARCHAR, source, checkpoint_disclosure, license_id FROM model_history ORDER BY 1"
        ).fetchall()
        events = conn.execute(
            "SELECT change_date::VARCHAR, change, before, after, source FROM openness_changes ORDER BY 1, 2"
        ).fetchall()
    assert states == [
        ("2026-01-10", "backfill", "mentioned", "apache-2.0"),  # the first commit, read from git
        (first_crawl, "crawl", "published", "apache-2.0"),  # the branches, seen by the crawl
        (second_crawl, "crawl", "published", "cc-by-nc-4.0"),
    ]
    assert ("2026-01-10", "appeared", None, "org/steps", "backfill") in events
    assert (first_crawl, "checkpoints_published", "mentioned", "published", "boundary") in events
    assert (second_crawl, "license_changed", "apache-2.0", "cc-by-nc-4.0", "crawl") in events
    assert {source for day, *_, source in events if day == first_crawl} == {"boundary"}


def test_a_backfilled_state_the_crawl_saw_unchanged_is_not_a_boundary(tmp_path):
    """Without branches the first crawl sees what git showed: the backfilled state goes on through the first crawl,
    and the license change the second crawl saw is a crawl event."""
    home = tmp_path / "home"
    with ReplayHub(checkpoint_world(tmp_path / "world", branches=False)) as hub:
        resource = HubResource(endpoint=f"{hub.url}/as-of/{{snapshot_date}}", limit=None)
        for day in (FIRST_CRAWL, SECOND_CRAWL):
            assert run_snapshot(day, home=home, hub=resource).published
        assert main(["backfill", "org/steps", "--endpoint", f"{hub.url}/as-of/{SECOND_CRAWL}", "--home", str(home)]) == 0
    assert history_sources(home) == [("2026-01-10", "backfill"), (SECOND_CRAWL, "crawl")]
    with duckdb.connect(str(home / "observatory.duckdb"), read_only=True) as conn:
        events = conn.execute("SELECT change, source FROM openness_changes ORDER BY change_date, change").fetchall()
    assert events == [("appeared", "backfill"), ("class_changed", "crawl"), ("license_changed", "crawl")]


def test_states_backfilled_without_a_rebuild_reach_the_history_at_the_next_publish(tmp_path):
    """A backfill that only wrote its states (as the Dagster asset does before the history is rebuilt) is taken in
    by the next publish, even of a new latest date, which otherwise only appends."""
    home = tmp_path / "home"
    with ReplayHub(checkpoint_world(tmp_path / "world")) as hub:
        resource = HubResource(endpoint=f"{hub.url}/as-of/{{snapshot_date}}", limit=None)
        assert run_snapshot(FIRST_CRAWL, home=home, hub=resource).published
        result = backfill_repo(HubClient(f"{hub.url}/as-of/{FIRST_CRAWL}", cache_dir=tmp_path / "cache"), "org/steps")
        write_backfill(Store.at(home), result.hub_id, result.rows, result.texts)
        assert history_sources(home) == [(FIRST_CRAWL, "crawl")]  # written, not yet in the history
        assert run_snapshot(SECOND_CRAWL, home=home, hub=resource).published
    assert history_sources(home) == [("2026-01-10", "backfill"), (FIRST_CRAWL, "crawl"), (SECOND_CRAWL, "crawl")]


def test_cli_unknown_repo_is_a_one_line_error(recorded_world, tmp_path, capsys):
    with ReplayHub(recorded_world) as hub:
        code = main(["backfill", "nobody/no-such-model", "--endpoint", hub.url, "--home", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip() == "openness: error: no such model repo on the Hub: nobody/no-such-model"
    assert not (tmp_path / "raw" / "backfill_states").exists()


def test_dagster_assets_backfill_the_configured_repos_then_rebuild_the_history(recorded_world, tmp_path):
    import dagster as dg

    from pipeline.defs.assets import history_backfill, model_history
    from pipeline.defs.resources import build_resources

    with ReplayHub(recorded_world) as hub:
        result = dg.materialize(
            [history_backfill, model_history],
            resources=build_resources(tmp_path, HubResource(endpoint=hub.url)),
            run_config={"ops": {"history_backfill": {"config": {"repo_ids": [MISTRAL]}}}},
        )
    assert result.success
    metadata = result.asset_materializations_for_node("history_backfill")[0].metadata
    assert metadata["states"].value == 14 and metadata["requests_get"].value == 14
    assert metadata["requests_commits"].value == 1 and metadata["failed"].value == 0
    assert read_backfill_states(Store.at(tmp_path)).height == 14
    rebuilt = result.asset_materializations_for_node("model_history")[0].metadata
    assert rebuilt["backfill_states"].value == 14
    assert history_sources(tmp_path)[0] == ("2023-09-20", "backfill")  # in the released analysts' file


def test_dagster_asset_goes_on_past_a_failing_repo_then_fails_naming_it(recorded_world, tmp_path):
    import dagster as dg

    from pipeline.defs.assets import history_backfill
    from pipeline.defs.resources import build_resources

    with ReplayHub(recorded_world) as hub:
        result = dg.materialize(
            [history_backfill],
            resources=build_resources(tmp_path, HubResource(endpoint=hub.url)),
            run_config={"ops": {"history_backfill": {"config": {"repo_ids": ["nobody/no-such-model", MISTRAL]}}}},
            raise_on_error=False,
        )
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE").event_specific_data
    assert failure.user_failure_data.description == (
        "1 of 2 repos could not be backfilled: nobody/no-such-model: no such model repo on the Hub"
    )
    assert failure.user_failure_data.metadata["states"].value == 14
    assert read_backfill_states(Store.at(tmp_path)).height == 14  # Mistral, after the failing repo, is written


def test_cli_backfills_the_whole_scope_of_the_latest_crawl(tmp_path, capsys):
    home = tmp_path / "home"
    with ReplayHub(checkpoint_world(tmp_path / "world")) as hub:
        assert main(["backfill", "--scope", "--home", str(home), "--endpoint", hub.url]) == 2
        assert "nothing published" in capsys.readouterr().err
        resource = HubResource(endpoint=f"{hub.url}/as-of/{{snapshot_date}}", limit=None)
        assert run_snapshot(FIRST_CRAWL, home=home, hub=resource).published
        assert main(["backfill", "--scope", "--home", str(home), "--endpoint", f"{hub.url}/as-of/{FIRST_CRAWL}"]) == 0
    out = capsys.readouterr().out
    assert "org/steps: 1 commits listed, 1 README versions, no LICENSE file today, 1 states written" in out
    assert history_sources(home) == [("2026-01-10", "backfill"), (FIRST_CRAWL, "crawl")]
