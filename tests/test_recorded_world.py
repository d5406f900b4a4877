"""The recorded world: built from ../shared/data/hub-recorded, checked against the recordings themselves."""

import json

import pytest
import yaml

from pipeline.hub.recorded import DATES, PYTHIA_BRANCHES, derived_hub_id, ensure_world
from pipeline.hub.world import git_blob_id, lfs_pointer

MISTRAL = "mistralai/Mistral-7B-v0.1"


@pytest.fixture(scope="module")
def world(recorded_world):
    return recorded_world


def head(world, repo_id, as_of=None):
    state = world.state(as_of or world.latest_date)
    rows = state.filter(state["repo_id"] == repo_id).to_dicts()
    return rows[0] if rows else None


def test_dates_and_repo_counts(world):
    assert world.dates == list(DATES) == ["2023-10-01", "2023-12-31", "2025-03-31"]
    # 34 model_info repos (gpt2.json is an alias of openai-community/gpt2), 15 cards, Mistral.
    assert world.state("2025-03-31").height == 50
    counts = [world.state(d).height for d in world.dates]
    assert counts == sorted(counts) and counts[0] < counts[-1]
    assert any("RECONSTRUCTED" in note for note in world.manifest["notes"])


def test_aliases_come_from_the_recordings(world):
    aliases = {a["alias"]: (a["hub_id"], a["mode"]) for a in world.aliases}
    assert aliases == {
        "gpt2": ("621ffdc036468d709f17434d", "same"),
        "bert-base-uncased": ("621ffdc036468d709f174338", "redirect"),
        "t5-small": ("621ffdc036468d709f174358", "redirect"),
        "meta-llama/Meta-Llama-3.1-8B-Instruct": ("6698d8a0653e4babe21e1e7d", "redirect"),
    }


def test_model_info_body_is_kept_and_readme_rebuilt_from_card_data(world, recorded):
    body = json.loads((recorded / "model_info" / "meta-llama__Meta-Llama-3-8B-Instruct.json").read_text())
    row = head(world, "meta-llama/Meta-Llama-3-8B-Instruct")
    assert (row["hub_id"], row["commit_sha"]) == (body["_id"], body["sha"])
    assert row["commit_date"] == body["lastModified"]
    assert row["gated"] == "manual"
    assert [f["path"] for f in row["files"]] == [s["rfilename"] for s in body["siblings"]]
    readme = next(f for f in row["files"] if f["path"] == "README.md")
    text = world.blob(readme["blob_id"]).decode()
    front_matter = text.removeprefix("---\n").removesuffix("---\n")
    assert yaml.safe_load(front_matter) == body["cardData"]
    # other siblings are listed, but nothing about them was recorded
    config = next(f for f in row["files"] if f["path"] == "config.json")
    assert config["blob_id"] is None and config["size"] is None


def test_cards_become_repos_with_hub_style_tags(world, recorded):
    row = head(world, "hiroshi-matsuda-rit/ja_gsd_bert_wwm_unidic_lite")
    info = json.loads(row["info_json"])
    assert row["hub_id"] == derived_hub_id("hiroshi-matsuda-rit/ja_gsd_bert_wwm_unidic_lite")
    assert row["commit_date"] == "2023-05-04T00:00:00.000Z"
    assert info["cardData"]["license"] == "CC-BY-SA-4.0"  # the card's own spelling is kept
    assert "license:cc-by-sa-4.0" in info["tags"]
    long_t5 = json.loads(head(world, "Shobhank-iiitdwd/long-t5-tglobal-base-16384-book-summary")["info_json"])
    assert {"license:apache-2.0", "license:bsd-3-clause", "dataset:booksum"} <= set(long_t5["tags"])
    # the README is the verbatim card
    readme = head(world, "EleutherAI/pythia-70m")["files"][0]
    assert world.blob(readme["blob_id"]) == (recorded / "model_cards" / "EleutherAI__pythia-70m.README.md").read_bytes()


def test_checkpoint_branches_stated_by_the_cards(world):
    pythia = head(world, "EleutherAI/pythia-70m")
    branches = {r["name"]: r["target"] for r in pythia["refs"] if r["kind"] == "branch"}
    assert len(branches) == 154 == len(PYTHIA_BRANCHES)
    assert {"step0", "step1", "step512", "step1000", "step143000"} <= set(branches)
    assert branches["step143000"] == pythia["commit_sha"]  # "corresponds exactly to ... main"
    olmo = head(world, "allenai/OLMo-2-1124-13B")
    assert [r["name"] for r in olmo["refs"]] == ["step102500-tokens860B"]


def test_mistral_history_matches_the_recorded_git_blobs(world, recorded):
    history_dir = recorded / "repo_history" / "mistralai__Mistral-7B-v0.1"
    commits = json.loads((history_dir / "commits_main.json").read_text())
    trees = json.loads((history_dir / "tree_by_commit.json").read_text())
    history = world.revisions.filter(world.revisions["repo_id"] == MISTRAL)
    assert history["commit_sha"].to_list() == [c["id"] for c in reversed(commits)]
    assert history["commit_title"].to_list()[0] == "initial commit"
    for row in history.iter_rows(named=True):
        recorded_tree = {f["rfilename"]: f for f in trees[row["commit_sha"]]}
        assert [f["path"] for f in row["files"]] == list(recorded_tree)
        readme = next(f for f in row["files"] if f["path"] == "README.md")
        content = world.blob(readme["blob_id"])
        # every README version served is byte-exact: its git blob id is the one in the real tree
        assert content is not None
        assert git_blob_id(content) == readme["blob_id"] == recorded_tree["README.md"]["blob_oid"]
        for entry in row["files"]:
            if entry["lfs_sha256"]:
                assert git_blob_id(lfs_pointer(entry["lfs_sha256"], entry["lfs_size"])) == entry["blob_id"]
    latest = history.row(-1, named=True)
    config = next(f for f in latest["files"] if f["path"] == "config.json")
    assert world.blob(config["blob_id"]) == (history_dir / "config.json").read_bytes()


def test_mistral_states_differ_between_dates(world):
    early, late = head(world, MISTRAL, "2023-10-01"), head(world, MISTRAL, "2023-12-31")
    assert early["commit_sha"] == "78814a934d8ce59ee93599378f3e929ff137da06"
    assert late["commit_sha"] == "26bca36bde8333b5d7f72e9ed20ccda6a618af24"
    assert not any(f["path"].endswith(".safetensors") for f in early["files"])
    assert any(f["path"].endswith(".safetensors") for f in late["files"])
    assert "arxiv:2310.06825" in json.loads(late["info_json"])["tags"]
    assert "arxiv:2310.06825" not in json.loads(early["info_json"])["tags"]


def test_ensure_world_builds_once_and_reuses_the_cache(recorded, tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    first = ensure_world(recorded)
    second = ensure_world(recorded)
    assert first.folder == second.folder and first.folder.parent == tmp_path
    assert ensure_world(first.folder).folder == first.folder  # a world folder opens as it is
    assert [p.name for p in tmp_path.iterdir()] == [first.folder.name]  # no scratch folder left behind
