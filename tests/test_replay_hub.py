"""The replay hub, driven by the real huggingface_hub client against a loopback server on port 0."""

import contextlib
import math

import httpx2
import pytest
from huggingface_hub import HfApi, get_hf_file_metadata, hf_hub_download, hf_hub_url
from huggingface_hub.errors import (
    BadRequestError,
    GatedRepoError,
    HfHubHTTPError,
    RemoteEntryNotFoundError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)

from pipeline.hub.replay import FaultSpec, ReplayHub
from pipeline.hub.world import Revision, World, WorldWriter

MISTRAL = "mistralai/Mistral-7B-v0.1"
MISTRAL_HEAD = "26bca36bde8333b5d7f72e9ed20ccda6a618af24"
MISTRAL_OCT_1 = "78814a934d8ce59ee93599378f3e929ff137da06"  # newest commit on or before 2023-10-01
LLAMA3 = "meta-llama/Meta-Llama-3-8B-Instruct"


@pytest.fixture(scope="module")
def world(recorded_world):
    return recorded_world


@pytest.fixture(scope="module")
def hub(world):
    with ReplayHub(world) as running:
        yield running


@pytest.fixture
def api(hub):
    return HfApi(endpoint=hub.url)


@contextlib.contextmanager
def serving(world, **options):
    with ReplayHub(world, **options) as running:
        yield running


def raw_get(url: str, method: str = "GET") -> httpx2.Response:
    with httpx2.Client(follow_redirects=False) as client:
        return client.request(method, url)


# ---- model_info, aliases, renames ---------------------------------------------------------------------


def test_gated_llama_model_info(api):
    info = api.model_info(LLAMA3)
    assert info.gated == "manual"
    assert info.card_data.license == "llama3"
    assert info.sha == "5f0b02c75b57c5855da9ae460ce51323ea669d8a"


def test_renamed_repo_redirects_to_its_new_id(api, hub):
    info = api.model_info("bert-base-uncased")
    assert info.id == "google-bert/bert-base-uncased"
    assert info._id == "621ffdc036468d709f174338"
    response = raw_get(f"{hub.url}/as-of/2025-03-31/api/models/bert-base-uncased?expand=sha")
    assert response.status_code == 307
    location = f"{hub.url}/as-of/2025-03-31/api/models/google-bert/bert-base-uncased?expand=sha"
    assert response.headers["Location"] == location
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.text == f"Temporary Redirect. Redirecting to {location}"


def test_legacy_alias_answers_under_its_own_id(api):
    alias, repo = api.model_info("gpt2"), api.model_info("openai-community/gpt2")
    assert alias.id == "gpt2" and repo.id == "openai-community/gpt2"
    assert alias._id == repo._id == "621ffdc036468d709f17434d"
    assert api.list_repo_refs("gpt2").branches[0].target_commit == repo.sha


def test_resolve_of_a_renamed_repo_follows_the_redirect(hub, tmp_path):
    path = hf_hub_download("bert-base-uncased", "README.md", endpoint=hub.url, cache_dir=tmp_path)
    with open(path) as handle:
        assert "license: apache-2.0" in handle.read()


# ---- refs, commits, revisions, as-of ------------------------------------------------------------------


def test_pythia_has_its_154_checkpoint_branches(api):
    refs = api.list_repo_refs("EleutherAI/pythia-70m", include_pull_requests=True)
    branches = {b.name: b.target_commit for b in refs.branches}
    assert len([name for name in branches if name != "main"]) == 154
    assert branches["step143000"] == branches["main"]
    assert refs.converts == [] and refs.tags == [] and refs.pull_requests == []


def test_readme_at_a_commit_is_the_recorded_file(hub, recorded, tmp_path):
    readmes = recorded / "repo_history" / "mistralai__Mistral-7B-v0.1" / "README_at"
    sha = "60e27e7bebd4aaf2edf6f4d172346bfc95e2ae40"
    path = hf_hub_download(MISTRAL, "README.md", revision=sha, endpoint=hub.url, cache_dir=tmp_path)
    with open(path, "rb") as handle:
        assert handle.read() == (readmes / f"{sha}.md").read_bytes()
    # 3c6e5d2e changed README.md to the version recorded under the later commit e836d8f7 (same blob)
    commits = {c.commit_id for c in HfApi(endpoint=hub.url).list_repo_commits(MISTRAL)}
    older = next(c for c in commits if c.startswith("3c6e5d2e"))
    path = hf_hub_download(MISTRAL, "README.md", revision=older, endpoint=hub.url, cache_dir=tmp_path)
    with open(path, "rb") as handle:
        assert handle.read() == (readmes / "e836d8f71b5812f9fee65618453dc537c66bd82a.md").read_bytes()


def test_as_of_prefix_shows_mistral_at_different_dates(hub):
    early = HfApi(endpoint=f"{hub.url}/as-of/2023-10-01")
    late = HfApi(endpoint=f"{hub.url}/as-of/2023-12-31")
    assert early.model_info(MISTRAL).sha == MISTRAL_OCT_1
    assert late.model_info(MISTRAL).sha == MISTRAL_HEAD
    assert len(early.list_repo_commits(MISTRAL)) == 15
    assert len(late.list_repo_commits(MISTRAL)) == 24
    early_files = {s.rfilename for s in early.model_info(MISTRAL).siblings}
    late_files = {s.rfilename for s in late.model_info(MISTRAL).siblings}
    assert sorted(late_files - early_files) == [
        "model-00001-of-00002.safetensors",
        "model-00002-of-00002.safetensors",
        "model.safetensors.index.json",
    ]
    with pytest.raises(RepositoryNotFoundError):  # recorded as last modified on 2024-09-27
        early.model_info(LLAMA3)


def test_revision_by_sha_by_branch_and_unknown(api):
    old = api.model_info(MISTRAL, revision=MISTRAL_OCT_1)
    assert old.sha == MISTRAL_OCT_1
    assert "language" not in old.card_data.to_dict()
    assert api.model_info(MISTRAL).card_data.language == ["en"]
    refs = {b.name: b.target_commit for b in api.list_repo_refs("EleutherAI/pythia-70m").branches}
    assert api.model_info("EleutherAI/pythia-70m", revision="step1000").sha == refs["step1000"]
    with pytest.raises(RevisionNotFoundError):
        api.model_info(MISTRAL, revision="refs/pr/1")
    with pytest.raises(RevisionNotFoundError):
        api.list_repo_commits(MISTRAL, revision="no-such-branch")


def test_commits_are_newest_first_and_paginate(world):
    with serving(world, page_size=5) as small:
        commits = HfApi(endpoint=small.url).list_repo_commits(MISTRAL)
        assert small.stats_snapshot()["commits"] == 5  # 24 commits, 5 per page
    assert [c.commit_id for c in commits][:1] == [MISTRAL_HEAD]
    assert commits[-1].title == "initial commit"
    assert [c.created_at for c in commits] == sorted((c.created_at for c in commits), reverse=True)


# ---- listing ------------------------------------------------------------------------------------------


def test_small_pages_return_every_repo_exactly_once(world):
    total = world.state(world.latest_date).height
    with serving(world, page_size=3) as small:
        api = HfApi(endpoint=small.url)
        ids = [m.id for m in api.list_models(limit=total)]
        assert small.stats_snapshot()["listing"] == math.ceil(total / 3)
        assert len(ids) == len(set(ids)) == total
        small.reset_stats()
        assert len(list(api.list_models(limit=5))) == 5
        assert small.stats_snapshot()["listing"] == 2
        by_downloads = list(api.list_models(sort="downloads", expand=["downloads"]))
    counts = [m.downloads for m in by_downloads if m.downloads is not None]
    assert len(by_downloads) == total and counts == sorted(counts, reverse=True)


def test_listing_filters(api):
    assert len(list(api.list_models(author="EleutherAI"))) == 6
    assert {m.id for m in api.list_models(search="PYTHIA")} == {
        "EleutherAI/pythia-70m",
        "EleutherAI/pythia-70m-deduped",
        "EleutherAI/pythia-12b-deduped",
    }
    assert {m.id for m in api.list_models(filter="license:llama3")} == {LLAMA3, "meta-llama/Meta-Llama-3-70B-Instruct"}
    assert {m.id for m in api.list_models(gated=True)} == {
        LLAMA3,
        "meta-llama/Meta-Llama-3-70B-Instruct",
        "meta-llama/Llama-3.1-8B-Instruct",
    }
    assert [m.id for m in api.list_models(pipeline_tag="fill-mask")] == ["google-bert/bert-base-uncased"]


def test_listing_fields_per_mode(hub):
    compact = raw_get(f"{hub.url}/api/models?search=bert-base-uncased").json()
    compact_keys = {"_id", "id", "likes", "downloads", "private", "tags", "pipeline_tag", "library_name", "createdAt"}
    assert set(compact[0]) == compact_keys | {"modelId"}
    expanded = raw_get(f"{hub.url}/api/models?search=bert-base-uncased&expand=gated&expand=cardData").json()
    assert set(expanded[0]) == {"_id", "id", "gated", "cardData"}
    full = raw_get(f"{hub.url}/api/models?search=bert-base-uncased&full=true&cardData=true").json()
    assert {"sha", "lastModified", "siblings", "cardData"} <= set(full[0])


def test_listing_as_seen_by_the_client_with_expand(api):
    [llama] = [m for m in api.list_models(search="Meta-Llama-3-8B", expand=["gated", "cardData", "siblings"])]
    assert llama.gated == "manual" and llama.card_data.license == "llama3"
    assert llama.downloads is None  # not requested
    assert "README.md" in {s.rfilename for s in llama.siblings}


# ---- tree and files -----------------------------------------------------------------------------------


def test_tree_lists_files_with_lfs_info(api, world):
    entries = {e.path: e for e in api.list_repo_tree(MISTRAL, recursive=True)}
    weights = entries["model-00001-of-00002.safetensors"]
    assert weights.lfs.sha256 == "9742cb4764964155b7a5f35eefad651f590006091ddeb536863d6c5865cca1b9"
    assert weights.size == weights.lfs.size == 9942981696
    assert entries["README.md"].blob_id == "1c5552811ac1b605a13381181a0901cf01f255ad"
    with serving(world, page_size=4) as small:
        paged = list(HfApi(endpoint=small.url).list_repo_tree(MISTRAL))
        assert small.stats_snapshot()["tree"] == math.ceil(len(entries) / 4)
    assert sorted(e.path for e in paged) == sorted(entries)
    with pytest.raises(RemoteEntryNotFoundError):
        list(api.list_repo_tree(MISTRAL, path_in_repo="no/such/folder"))


def test_resolve_headers(hub):
    readme = get_hf_file_metadata(hf_hub_url(MISTRAL, "README.md", endpoint=hub.url))
    assert readme.commit_hash == MISTRAL_HEAD
    assert readme.etag == "1c5552811ac1b605a13381181a0901cf01f255ad"
    weights = get_hf_file_metadata(hf_hub_url(MISTRAL, "model-00002-of-00002.safetensors", endpoint=hub.url))
    assert weights.etag == "9bcf56354ec0c68b5f8e97b4f3b02d16af899a65b0868d6dba5a51c1b30f01cb"
    assert weights.size == 4540516344
    pointer = raw_get(hf_hub_url(MISTRAL, "model-00002-of-00002.safetensors", endpoint=hub.url))
    assert pointer.text.startswith("version https://git-lfs.github.com/spec/v1\noid sha256:9bcf5635")
    readme_get = raw_get(hf_hub_url(MISTRAL, "README.md", endpoint=hub.url))
    assert readme_get.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_gated_repo_shows_its_card_but_not_its_weights(hub, tmp_path):
    path = hf_hub_download(LLAMA3, "README.md", endpoint=hub.url, cache_dir=tmp_path)
    with open(path) as handle:
        assert "license: llama3" in handle.read()
    with pytest.raises(GatedRepoError):
        hf_hub_download(LLAMA3, "model-00001-of-00004.safetensors", endpoint=hub.url, cache_dir=tmp_path)


def test_not_found_errors(api, hub, tmp_path):
    with pytest.raises(RepositoryNotFoundError):
        api.model_info("nobody/nothing")
    with pytest.raises(RepositoryNotFoundError):
        api.list_repo_refs("nobody/nothing")
    with pytest.raises(RevisionNotFoundError):
        api.model_info(MISTRAL, revision="0" * 40)
    with pytest.raises(RemoteEntryNotFoundError):
        hf_hub_download(MISTRAL, "no-such-file.txt", endpoint=hub.url, cache_dir=tmp_path)
    # listed, but its content was never recorded
    with pytest.raises(RemoteEntryNotFoundError):
        hf_hub_download(MISTRAL, "tokenizer.json", endpoint=hub.url, cache_dir=tmp_path)
    response = raw_get(hf_hub_url(MISTRAL, "no-such-file.txt", endpoint=hub.url), method="HEAD")
    assert response.headers["X-Error-Code"] == "EntryNotFound"
    assert response.headers["X-Repo-Commit"] == MISTRAL_HEAD


def test_invalid_as_of_date_is_a_bad_request(hub):
    with pytest.raises(BadRequestError):
        HfApi(endpoint=f"{hub.url}/as-of/2023-02-30").model_info(MISTRAL)
    assert raw_get(f"{hub.url}/as-of/yesterday/api/models").headers["X-Error-Code"] == "BadRequest"


# ---- faults -------------------------------------------------------------------------------------------


def test_a_429_burst_on_listing_is_retried_by_the_client(world):
    with serving(world, faults=FaultSpec.parse("burst=1,routes=listing,retry_after=0")) as faulty:
        models = list(HfApi(endpoint=faulty.url).list_models(author="EleutherAI"))
        stats = faulty.stats_snapshot()
    assert len(models) == 6
    assert stats["listing"] == 2 and stats["faults"]["burst"] == 1


def test_a_429_on_model_info_reaches_the_caller_with_rate_limit_headers(world):
    with serving(world, faults=FaultSpec.parse("429=1,routes=model_info,retry_after=7")) as faulty:
        with pytest.raises(HfHubHTTPError) as raised:
            HfApi(endpoint=faulty.url).model_info(MISTRAL)
    headers = raised.value.response.headers
    assert raised.value.response.status_code == 429
    assert headers["RateLimit"] == '"api";r=0;t=7'
    assert headers["RateLimit-Policy"] == '"fixed window";"api";q=500;w=300'
    assert headers["Retry-After"] == "7"


def test_a_cut_connection_is_a_network_error(world):
    with serving(world, faults=FaultSpec.parse("cut=1,routes=model_info")) as faulty:
        with pytest.raises(httpx2.TransportError):
            HfApi(endpoint=faulty.url).model_info(MISTRAL)
        assert faulty.stats_snapshot()["faults"]["cut"] == 1


def test_unavailable_and_slow_faults(world):
    with serving(world, faults=FaultSpec.parse("5xx=1,routes=refs")) as faulty:
        with pytest.raises(HfHubHTTPError) as raised:
            HfApi(endpoint=faulty.url).list_repo_refs(MISTRAL)
        assert raised.value.response.status_code == 503
        assert raised.value.response.headers["X-Error-Code"] == "ServiceUnavailable"
    with serving(world, faults=FaultSpec.parse("slow=1,delay=0.05,routes=model_info")) as faulty:
        assert HfApi(endpoint=faulty.url).model_info(MISTRAL).sha == MISTRAL_HEAD
        assert faulty.stats_snapshot()["faults"]["slow"] == 1


def test_a_failing_repo_always_answers_500(world):
    with serving(world, faults=FaultSpec.parse("fail=openai-community/gpt2")) as faulty:
        api = HfApi(endpoint=faulty.url)
        for _ in range(3):
            with pytest.raises(HfHubHTTPError) as raised:
                api.model_info("openai-community/gpt2")
            assert raised.value.response.status_code == 500
        assert api.model_info(MISTRAL).sha == MISTRAL_HEAD
        assert faulty.stats_snapshot()["faults"]["fail"] == 3


def test_fault_spec_parsing():
    spec = FaultSpec.parse(
        "429=0.2,5xx=0.05,cut=0.02,seed=7,retry_after=1,routes=model_info+refs,fail=org/a+org/b,burst=3"
    )
    assert (spec.rate_limit, spec.unavailable, spec.cut) == (0.2, 0.05, 0.02)
    assert (spec.seed, spec.retry_after, spec.burst) == (7, 1, 3)
    assert spec.routes == {"model_info", "refs"} and spec.fail == {"org/a", "org/b"}
    assert FaultSpec.parse("") == FaultSpec() and not FaultSpec().active


@pytest.mark.parametrize(
    "bad", ["429=2", "cut=x", "teapot=1", "routes=listing+nope", "429", "burst=-1", "seed=1,seed=2"]
)
def test_bad_fault_specs_are_refused(bad):
    with pytest.raises(ValueError):
        FaultSpec.parse(bad)


# ---- counters and helper routes -----------------------------------------------------------------------


def test_stats_count_requests_by_kind(world, tmp_path):
    with serving(world) as fresh:
        api = HfApi(endpoint=fresh.url)
        list(api.list_models(author="EleutherAI"))
        api.model_info(MISTRAL)
        api.list_repo_refs(MISTRAL)
        api.list_repo_commits(MISTRAL)
        list(api.list_repo_tree(MISTRAL))
        hf_hub_download(MISTRAL, "README.md", endpoint=fresh.url, cache_dir=tmp_path)
        raw_get(f"{fresh.url}/api/unknown")
        raw_get(f"{fresh.url}/_replay/world")  # helper routes are not Hub requests
        stats = raw_get(f"{fresh.url}/_replay/stats").json()
        assert stats == fresh.stats_snapshot()
        with httpx2.Client() as client:
            assert client.post(f"{fresh.url}/_replay/reset").json()["total"] == 0
        assert fresh.stats_snapshot()["total"] == 0
    kinds = ["listing", "model_info", "refs", "commits", "tree", "resolve_head", "resolve_get", "other"]
    assert {kind: stats[kind] for kind in kinds} == dict.fromkeys(kinds, 1)
    assert stats["total"] == 8


def test_replay_world_route_describes_the_world(hub):
    described = raw_get(f"{hub.url}/_replay/world").json()
    assert described["dates"] == ["2023-10-01", "2023-12-31", "2025-03-31"]
    assert described["as_of"] == "2025-03-31"
    assert described["manifest"]["kind"] == "recorded"


# ---- renames and deletions recorded as history --------------------------------------------------------


@pytest.fixture(scope="module")
def history_world(tmp_path_factory):
    """org/old is renamed org/new on 2024-02-01; org/gone is deleted on 2024-03-01; `legacy` is an alias of h1."""
    folder = tmp_path_factory.mktemp("history-world")
    dates = ["2024-01-15", "2024-03-15"]
    with WorldWriter(folder, kind="test", description="renames and deletions", dates=dates) as writer:
        readme = writer.add_file("README.md", b"---\nlicense: mit\n---\n")

        def revision(hub_id, repo_id, sha, date, deleted=False):
            info = {"author": "org", "tags": ["license:mit"], "cardData": {"license": "mit"}}
            commit_date = f"{date}T00:00:00.000Z"
            writer.add_revision(Revision(hub_id, repo_id, sha * 40, commit_date, "", info, [readme], deleted=deleted))

        revision("h1", "org/old", "a", "2024-01-01")
        revision("h1", "org/new", "b", "2024-02-01")
        revision("h2", "org/gone", "c", "2024-01-01")
        revision("h2", "org/gone", "d", "2024-03-01", deleted=True)
        writer.add_alias("legacy", "h1", "same")
    return World(folder)


def test_renames_redirect_from_their_date_on(history_world, tmp_path):
    with serving(history_world) as hub:
        before, after = HfApi(endpoint=f"{hub.url}/as-of/2024-01-15"), HfApi(endpoint=f"{hub.url}/as-of/2024-02-15")
        assert before.model_info("org/old").id == "org/old"
        with pytest.raises(RepositoryNotFoundError):
            before.model_info("org/new")
        assert after.model_info("org/old").id == "org/new"
        assert [m.id for m in after.list_models()] == ["org/new", "org/gone"]
        assert len(after.list_repo_commits("org/new")) == 2
        response = raw_get(f"{hub.url}/as-of/2024-02-15/org/old/resolve/main/README.md", method="HEAD")
        assert response.status_code == 307
        assert response.headers["Location"] == f"{hub.url}/as-of/2024-02-15/org/new/resolve/main/README.md"
        path = hf_hub_download("org/old", "README.md", endpoint=f"{hub.url}/as-of/2024-02-15", cache_dir=tmp_path)
        with open(path) as handle:
            assert handle.read() == "---\nlicense: mit\n---\n"
        legacy = after.model_info("legacy")
        assert legacy.id == "legacy" and legacy._id == "h1"


def test_deleted_repos_are_gone_from_their_deletion_date_on(history_world):
    with serving(history_world, as_of="2024-03-15") as hub:
        assert HfApi(endpoint=f"{hub.url}/as-of/2024-02-15").model_info("org/gone").sha == "c" * 40
        with pytest.raises(RepositoryNotFoundError):
            HfApi(endpoint=hub.url).model_info("org/gone")  # the constructor's as_of applies without a prefix
        assert [m.id for m in HfApi(endpoint=hub.url).list_models()] == ["org/new"]


def test_model_info_with_blobs_reports_sizes_and_lfs(api):
    info = api.model_info(MISTRAL, files_metadata=True)
    siblings = {s.rfilename: s for s in info.siblings}
    assert siblings["model-00001-of-00002.safetensors"].lfs.size == 9942981696
    assert siblings["README.md"].blob_id == "1c5552811ac1b605a13381181a0901cf01f255ad"
    assert siblings["config.json"].size == 571
