"""The synthetic hub: deterministic, fictional, spread like the Hub, changing over days, readable as a World."""

import json
import re
from collections import Counter

import pytest
import yaml
from huggingface_hub.repocard import REGEX_YAML_BLOCK

from pipeline.hub.synth import generate_world
from pipeline.hub.world import DERIVED_INFO_KEYS, REVISIONS, World

REAL_ORGS = {
    "meta-llama", "google", "eleutherai", "mistralai", "microsoft", "openai", "allenai", "stabilityai", "tiiuae",
    "bigscience", "facebook", "nvidia", "qwen", "deepseek-ai", "huggingfaceh4", "compvis", "salesforce",
}
# Real model families (GPTQ, a quantisation method, may appear in names).
REAL_MODEL_WORDS = re.compile(r"llama|mistral|gemma|qwen|falcon|bloom|pythia|olmo|gpt(?!q)|bert|whisper|stable-diff")
CHECKPOINT_BRANCH = re.compile(r"^step\d+(-tokens\d+B)?$")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synth") / "world"
    summary = generate_world(folder, models=2000, days=20, seed=11)
    return folder, summary, World(folder)


@pytest.fixture(scope="module")
def world(generated):
    return generated[2]


@pytest.fixture(scope="module")
def first_day(world):
    return [decoded(world, row) for row in world.state(world.dates[0]).iter_rows(named=True)]


def decoded(world, row):
    """A state row with its info parsed and its README text, for assertions."""
    info = json.loads(row["info_json"])
    readme = next((f for f in row["files"] if f["path"] == "README.md"), None)
    text = world.blob(readme["blob_id"]).decode() if readme else None
    return {**row, "info": info, "card": info.get("cardData"), "readme": text}


def small_world(path, seed):
    generate_world(path, models=300, days=5, seed=seed)
    return (path / REVISIONS).read_bytes()


def test_same_seed_same_bytes_other_seed_other_world(tmp_path):
    first = small_world(tmp_path / "a", seed=5)
    assert small_world(tmp_path / "b", seed=5) == first
    assert World(tmp_path / "a").revisions.equals(World(tmp_path / "b").revisions)
    assert small_world(tmp_path / "c", seed=6) != first


def test_world_reads_back_with_well_formed_ids(generated):
    folder, summary, world = generated
    assert world.manifest["kind"] == "synthetic" and world.manifest["seed"] == 11
    assert world.dates[0] == "2026-01-01" and len(world.dates) == 20
    revisions = world.revisions
    assert revisions.height == summary["revisions"]
    datasets = world.datasets.revisions
    assert datasets.height == summary["dataset_repos"] > 0
    assert revisions.height + datasets.height == world.manifest["revisions"]
    assert revisions["hub_id"].n_unique() == summary["repos"] == 2000 + summary["new_repos"]
    assert all(re.fullmatch(r"[0-9a-f]{24}", h) for h in revisions["hub_id"])
    assert revisions["commit_sha"].n_unique() == revisions.height
    assert all(re.fullmatch(r"[0-9a-f]{40}", s) for s in revisions["commit_sha"])
    assert world.state(world.dates[0]).height == 2000
    for row in revisions.head(200).iter_rows(named=True):
        info = json.loads(row["info_json"])
        assert not DERIVED_INFO_KEYS & info.keys()
        assert info["author"] == row["repo_id"].split("/")[0]
        for f in row["files"]:
            if f["lfs_sha256"]:
                assert re.fullmatch(r"[0-9a-f]{64}", f["lfs_sha256"]) and f["lfs_size"] > 0
            else:
                assert world.blob(f["blob_id"]) is not None


def test_names_are_fictional(world, first_day):
    authors = set(world.revisions["author"])
    assert not authors & REAL_ORGS
    assert not any(REAL_MODEL_WORDS.search(repo_id.lower()) for repo_id in world.revisions["repo_id"])
    readmes = "\n".join(r["readme"] for r in first_day if r["readme"])
    assert set(re.findall(r"https://github\.com/([^/\s]+)/", readmes)) <= authors
    assert all(re.fullmatch(r"\d{4}\.9\d{4}", paper) for paper in re.findall(r"arxiv\.org/abs/(\S+)", readmes))


def test_card_data_is_what_the_readme_front_matter_says(world):
    checked = 0
    for row in world.revisions.iter_rows(named=True):
        row = decoded(world, row)
        if row["readme"] is None:
            assert row["card"] is None
            continue
        match = REGEX_YAML_BLOCK.search(row["readme"])
        assert (yaml.safe_load(match.group(2)) if match else None) == row["card"], row["repo_id"]
        checked += 1
    assert checked > 1500


def test_licenses_spread_like_the_hub(first_day):
    cards = [r["card"] for r in first_day if r["card"] is not None]
    licenses = Counter(json.dumps(card.get("license")) for card in cards)
    assert len(licenses) >= 15
    assert licenses["null"] > licenses['"apache-2.0"'] > licenses['"mit"'] > licenses['"other"'] > 0
    assert any(key.startswith("[") for key in licenses)  # a list of ids
    assert any(key in licenses for key in ('"MIT"', '"Apache-2.0"', '"Apache 2.0"', '"CC-BY-SA-4.0"'))
    assert sum(r["readme"] is None for r in first_day) > 100
    others = [r for r in first_day if r["card"] and r["card"].get("license") == "other"]
    assert all(r["card"]["license_name"] and r["card"]["license_link"] for r in others)
    with_file = [r for r in others if r["card"]["license_link"] == "LICENSE"]
    assert with_file and all(any(f["path"] == "LICENSE" for f in r["files"]) for r in with_file)
    for r in first_day:
        if r["card"] and isinstance(r["card"].get("license"), str):
            assert f"license:{r['card']['license'].lower()}" in r["info"]["tags"]


def test_disclosures_gating_and_lineage_spread(first_day):
    n = len(first_day)
    with_branches = [r for r in first_day if r["refs"]]
    assert 0.01 * n < len(with_branches) < 0.06 * n
    for r in with_branches:
        names = [ref["name"] for ref in r["refs"]]
        assert 10 <= len(names) <= 150 and all(CHECKPOINT_BRANCH.match(name) for name in names)
        assert "intermediate checkpoints as branches" in r["readme"]
    assert any(not r["refs"] and "Intermediate checkpoints" in (r["readme"] or "") for r in first_day)

    gated = Counter(r["gated"] for r in first_day)
    assert gated["auto"] > 0 and gated["manual"] > 0 and gated["false"] > 0.9 * n
    assert all(r["card"]["extra_gated_prompt"] for r in first_day if r["gated"] != "false")

    training = [r for r in first_day if r["readme"] and re.search(
        r"(?s)## Training.*https://github\.com/\S+", r["readme"])]
    assert 0.02 * n < len(training) < 0.3 * n
    assert any("## Usage" in r["readme"] and "github.com" in r["readme"].split("## Usage")[1].split("##")[0]
               for r in first_day if r["readme"])
    assert sum(bool(r["card"] and r["card"].get("datasets")) for r in first_day) > 0.1 * n
    assert any(r["readme"] and "| Source | Tokens | Proportion |" in r["readme"] for r in first_day)

    repo_ids = {r["repo_id"] for r in first_day}
    derivatives = [r for r in first_day if r["card"] and r["card"].get("base_model")]
    assert len({r["card"].get("base_model_relation") for r in derivatives}) >= 4
    for r in derivatives:
        bases = r["card"]["base_model"]
        for base in [bases] if isinstance(bases, str) else bases:
            assert base in repo_ids and f"base_model:{base}" in r["info"]["tags"]

    assert len({r["pipeline_tag"] for r in first_day}) >= 15
    libraries = Counter(r["library_name"] for r in first_day)
    assert libraries.most_common(1)[0][0] == "transformers"
    downloads = sorted(r["downloads"] for r in first_day)
    assert downloads[n // 2] < 10 and downloads[-1] > 1000 * max(downloads[n // 2], 1)  # heavy-tailed


def test_changes_across_days(generated):
    _, summary, world = generated
    assert summary["renames"] > 0 and summary["deletions"] > 0 and summary["new_repos"] > 0
    assert summary["changes"]["license_change"] > 0 and summary["changes"]["readme_edit"] > 0

    first, last = world.state(world.dates[0]), world.state(world.dates[-1])
    first_ids = dict(zip(first["hub_id"], first["repo_id"]))
    last_ids = dict(zip(last["hub_id"], last["repo_id"]))
    renamed = [h for h in first_ids.keys() & last_ids.keys() if first_ids[h] != last_ids[h]]
    assert renamed  # same hub_id, new repo_id
    assert first_ids.keys() - last_ids.keys()  # deleted
    assert last_ids.keys() - first_ids.keys()  # created

    def licenses(state):
        infos = zip(state["hub_id"], state["info_json"])
        return {h: json.loads(info).get("cardData", {}).get("license") for h, info in infos}

    before, after = licenses(first), licenses(last)
    assert any(before[h] != after[h] for h in before.keys() & after.keys())

    changes = world.revisions.filter(world.revisions["commit_date"] > "2026-01-02")
    assert changes.height > 0
    assert all(title for title in changes["commit_title"])


def test_progress_is_reported_up_to_the_total(tmp_path):
    calls = []
    summary = generate_world(tmp_path / "w", models=50, days=3, seed=1, progress=lambda done, total: calls.append(
        (done, total)))
    assert calls and calls[-1] == (summary["repos"], summary["repos"])
