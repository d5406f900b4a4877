"""A replay world built from the real Hub recordings in ../shared/data/hub-recorded.

Everything served comes from those files; what had to be derived is derived by a stated rule, listed in the
world's `notes` and in docs/replay-hub.md ("The recorded world"). Nothing is invented: no card text, no
download counts, no file contents.

* `model_info/*.json` (real `GET /api/models/{repo}` bodies): one revision each, at the body's `sha` and
  `lastModified`. The bodies carry no README, so README.md is rebuilt as the YAML front matter of `cardData`
  with an empty body. Bodies that share an `_id` with a namespaced one (`gpt2`) become aliases in mode `same`.
* `model_info_manifest.json`: its real 307 answers become aliases in mode `redirect`.
* `model_cards/*.README.md` (verbatim cards): one repo each, its model_info derived from the front matter.
  Pythia cards get the 154 checkpoint branches the card states; branches a card names in
  `revision="..."` examples are added too (OLMo-2's `step102500-tokens860B`).
* `repo_history/mistralai__Mistral-7B-v0.1`: the repo's 24 real commits with their real file trees; file
  contents are attached wherever a recorded file's git blob id matches the tree's.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterator

import yaml

from pipeline.hub import world as world_module
from pipeline.hub.world import (
    MANIFEST,
    FileEntry,
    Ref,
    Revision,
    World,
    WorldError,
    WorldWriter,
    git_blob_id,
    lfs_pointer,
)

# One date in Mistral-7B-v0.1's first weeks (15 of 24 commits, no safetensors yet), one after its last commit
# (2023-12-11), and one after the last model_info recording (2025-03-21).
DATES = ("2023-10-01", "2023-12-31", "2025-03-31")
# Cards the CS577 manifest does not date are only known to exist by the time the data set was assembled:
# they appear on the last world date.
UNDATED_CARD_DATE = DATES[-1]
MISTRAL_ID = "mistralai/Mistral-7B-v0.1"
MISTRAL_HISTORY = "repo_history/mistralai__Mistral-7B-v0.1"
# Pythia cards: "154 checkpoints per model: initial `step0`, 10 log-spaced checkpoints `step{1,2,4...512}`, and
# 143 evenly-spaced checkpoints from `step1000` to `step143000`" ... "`step143000` corresponds exactly to the
# model checkpoint on the `main` branch".
PYTHIA_BRANCHES = ["step0", *(f"step{2**i}" for i in range(10)), *(f"step{k}" for k in range(1000, 143_001, 1000))]
PYTHIA_MAIN_BRANCH = "step143000"
# The same front-matter block huggingface_hub.repocard parses (REGEX_YAML_BLOCK).
FRONT_MATTER = re.compile(r"^(\s*---\r?\n)([\S\s]*?)(\r?\n---[ \t]*(\r?\n|$))")
REVISION_EXAMPLE = re.compile(r"""revision\s*=\s*["']([^"']+)["']""")
ARXIV_LINK = re.compile(r"arxiv\.org/(?:abs|pdf)/(\d{4}\.\d{4,5})")
DATE_IN_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")

NOTES = [
    "Built by pipeline/hub/recorded.py from ../shared/data/hub-recorded (real Hub responses and files); "
    "derivations are listed here and in docs/replay-hub.md.",
    "model_info/*.json: one revision per body (hub_id=_id, commit=sha, date=lastModified); a repo exists from "
    "its lastModified on, because no earlier state was recorded. Commit titles were not recorded (empty).",
    "README.md of model_info repos is RECONSTRUCTED: YAML front matter dumped from the body's cardData, with an "
    "empty body (the recordings hold no README text). Other siblings are listed without blob id, size or content.",
    "gpt2: alias in mode 'same' of openai-community/gpt2 (both recorded bodies have _id 621ffdc036468d709f17434d). "
    "bert-base-uncased, t5-small and meta-llama/Meta-Llama-3.1-8B-Instruct: aliases in mode 'redirect', from the "
    "real 307 answers in model_info_manifest.json.",
    "model_cards/*.README.md: verbatim cards. Their model_info is DERIVED from the front matter: _id = first 24 hex "
    "of sha1('recorded:'+repo_id), commit sha = sha1('recorded-commit:'+repo_id+'@'+README blob id), "
    "createdAt = commit date = the CS577 snapshot date (2023-05-04) or, for cards it does not date, "
    f"{UNDATED_CARD_DATE}; tags computed like the Hub's from the card (library, pipeline_tag, tags, language, "
    "dataset:, arxiv: links, base_model:, license: lower-cased); no downloads or likes.",
    "Pythia cards: the 154 checkpoint branches the card states; step143000 points at main (the card says they are "
    "the same checkpoint), the others at derived shas sha1('recorded-branch:'+repo_id+'@'+branch). Branches named "
    "in a card's revision=\"...\" examples are added the same way (OLMo-2-1124-13B: step102500-tokens860B).",
    "mistralai/Mistral-7B-v0.1: the 24 real commits (sha, date, title) and file trees (blob ids, sizes, LFS "
    "sha256/size). README.md, config.json and .gitattributes contents are attached wherever their git blob id "
    "matches the tree's (all 24 README versions match); LFS pointers are rebuilt and checked against the tree's "
    "blob ids; other file contents are not recorded. _id derived as for cards; cardData and tags derived from "
    "the README at each commit; createdAt = the initial commit's date.",
]


def load_recorded(source: Path, out: Path) -> Path:
    """Builds the recorded world from a hub-recorded folder into `out`; returns `out`."""
    source, out = Path(source), Path(out)
    bodies = [json.loads(path.read_text()) for path in sorted((source / "model_info").glob("*.json"))]
    repos, same_aliases = split_aliases(bodies)
    redirects = recorded_redirects(json.loads((source / "model_info_manifest.json").read_text()), repos)
    with WorldWriter(
        out,
        kind="recorded",
        description="Real Hub recordings (model_info bodies, verbatim model cards, Mistral-7B-v0.1's history)",
        dates=DATES,
        notes=NOTES,
    ) as writer:
        for body in repos:
            writer.add_revision(model_info_revision(writer, body))
        for alias, hub_id in same_aliases.items():
            writer.add_alias(alias, hub_id, "same")
        for alias, hub_id in redirects.items():
            writer.add_alias(alias, hub_id, "redirect")
        for repo_id, text, date in recorded_cards(source / "model_cards"):
            writer.add_revision(card_revision(writer, repo_id, text, date))
        for revision in mistral_revisions(writer, source / MISTRAL_HISTORY):
            writer.add_revision(revision)
    return out


def ensure_world(folder: str | os.PathLike) -> World:
    """Opens a world folder; given the raw hub-recorded folder instead, builds its world once into a cache."""
    folder = Path(folder)
    if (folder / MANIFEST).is_file():
        return World(folder)
    if not (folder / "model_info").is_dir():
        raise WorldError(f"{folder} is neither a replay world ({MANIFEST}) nor a hub-recorded folder (model_info/)")
    cache = Path(tempfile.gettempdir()) / f"openness-recorded-world-{source_fingerprint(folder)}"
    if not (cache / MANIFEST).is_file():
        build_into(folder, cache)
    return World(cache)


def source_fingerprint(folder: Path) -> str:
    """Changes when any recorded file, this loader or the world format changes: a stale cache is never reused."""
    digest = hashlib.sha1(Path(__file__).read_bytes() + Path(world_module.__file__).read_bytes())
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        stat = path.stat()
        digest.update(f"{path.relative_to(folder)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def build_into(source: Path, cache: Path) -> None:
    """Builds beside the cache and renames into place, so concurrent builders never see half a world."""
    if cache.exists() and not (cache / MANIFEST).is_file():
        shutil.rmtree(cache, ignore_errors=True)  # left by a crashed build
    scratch = Path(tempfile.mkdtemp(prefix=f"{cache.name}.", dir=cache.parent))
    try:
        load_recorded(source, scratch)
        try:
            scratch.rename(cache)
        except OSError:
            if not (cache / MANIFEST).is_file():  # lost a race to another builder: theirs is as good
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# ---- model_info bodies --------------------------------------------------------------------------------


def split_aliases(bodies: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Bodies that share an `_id` are one repo: the namespaced id is the repo, the legacy ids answer as aliases."""
    owners = {body["_id"]: body for body in bodies if "/" in body["id"]}
    repos, aliases = [], {}
    for body in bodies:
        owner = owners.get(body["_id"])
        if owner is not None and owner is not body:
            aliases[body["id"]] = body["_id"]
        else:
            repos.append(body)
    return repos, aliases


def recorded_redirects(manifest: list[dict[str, Any]], repos: list[dict[str, Any]]) -> dict[str, str]:
    """alias -> hub_id from the real 307 answers whose target was recorded too."""
    hub_ids = {body["id"]: body["_id"] for body in repos}
    redirects = {}
    for entry in manifest:
        if entry.get("status") != 307:
            continue
        target = entry["response_headers"]["Location"].split("?")[0].removeprefix("/api/models/")
        if target in hub_ids:
            redirects[entry["repo_id"]] = hub_ids[target]
    return redirects


def model_info_revision(writer: WorldWriter, body: dict[str, Any]) -> Revision:
    files = []
    for sibling in body.get("siblings") or []:
        name = sibling["rfilename"]
        if name == "README.md":
            files.append(writer.add_file(name, front_matter_readme(body.get("cardData"))))
        else:
            files.append(FileEntry(name, None, None))
    return Revision(
        hub_id=body["_id"],
        repo_id=body["id"],
        commit_sha=body["sha"],
        commit_date=body["lastModified"],
        commit_title="",
        info=body,
        files=files,
    )


def front_matter_readme(card_data: dict[str, Any] | None) -> bytes:
    """A README that holds only `cardData` as front matter: what the Hub's card metadata would parse back to."""
    if not card_data:
        return b""
    return ("---\n" + yaml.safe_dump(card_data, sort_keys=False, allow_unicode=True) + "---\n").encode()


# ---- model cards --------------------------------------------------------------------------------------


def recorded_cards(folder: Path) -> Iterator[tuple[str, str, str]]:
    """(repo_id, card text, commit date) per card."""
    manifest = json.loads((folder / "_manifest_cs577.json").read_text())
    snapshot_dates = {}
    for entry in manifest:  # "snapshot": "<= 2023-05-04 (repo commit 17fb8ca9)"
        match = DATE_IN_TEXT.search(entry.get("snapshot") or "")
        if match:
            snapshot_dates[entry["repo_id"]] = match.group()
    for path in sorted(folder.glob("*.README.md")):
        repo_id = path.name.removesuffix(".README.md").replace("__", "/", 1)
        yield repo_id, path.read_text(encoding="utf-8"), snapshot_dates.get(repo_id, UNDATED_CARD_DATE)


def card_revision(writer: WorldWriter, repo_id: str, text: str, date: str) -> Revision:
    readme = writer.add_file("README.md", text.encode())
    commit_sha = derived_sha(f"recorded-commit:{repo_id}@{readme.blob_id}")
    commit_date = f"{date}T00:00:00.000Z"
    return Revision(
        hub_id=derived_hub_id(repo_id),
        repo_id=repo_id,
        commit_sha=commit_sha,
        commit_date=commit_date,
        commit_title="",
        info=card_info(repo_id, text, created_at=commit_date),
        files=[readme],
        refs=checkpoint_branches(repo_id, text, commit_sha),
    )


def card_info(repo_id: str, text: str, *, created_at: str) -> dict[str, Any]:
    """The model_info a README implies: author, cardData, Hub-style tags, and what the card itself declares."""
    card = parse_card_data(text)
    info: dict[str, Any] = {
        "author": repo_id.split("/")[0],
        "private": False,
        "gated": False,
        "disabled": False,
        "createdAt": created_at,
        "tags": hub_tags(card or {}, text),
    }
    for key in ("pipeline_tag", "library_name"):
        if isinstance((card or {}).get(key), str):
            info[key] = card[key]
    if card is not None:
        info["cardData"] = card
    return info


def parse_card_data(text: str) -> dict[str, Any] | None:
    """The front matter as JSON-safe data; None when there is none or it is not a YAML mapping."""
    match = FRONT_MATTER.match(text)
    if match is None:
        return None
    try:
        data = yaml.safe_load(match.group(2))
    except yaml.YAMLError:
        return None
    if not isinstance(data, dict):
        return None
    return json.loads(json.dumps(data, default=str))  # YAML dates and the like become strings, as in JSON


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return [v for v in value if v is not None] if isinstance(value, list) else [value]


def hub_tags(card: dict[str, Any], text: str) -> list[str]:
    """Tags the Hub computes from a card, in the Hub's order (compare the recorded model_info bodies)."""
    tags: list[str] = []
    candidates = [
        card.get("library_name"),
        card.get("pipeline_tag"),
        *as_list(card.get("tags")),
        *as_list(card.get("language")),
        *(f"dataset:{d}" for d in as_list(card.get("datasets"))),
        *(f"arxiv:{a}" for a in ARXIV_LINK.findall(text)),
        *(f"base_model:{b}" for b in as_list(card.get("base_model"))),
        *(f"license:{str(lic).lower()}" for lic in as_list(card.get("license"))),
    ]
    for tag in candidates:
        if isinstance(tag, (str, int, float)) and str(tag) and str(tag) not in tags:
            tags.append(str(tag))
    return tags


def checkpoint_branches(repo_id: str, text: str, main_sha: str) -> list[Ref]:
    pythia = repo_id.startswith("EleutherAI/pythia-")
    names = list(PYTHIA_BRANCHES) if pythia else []
    names += [name for name in dict.fromkeys(REVISION_EXAMPLE.findall(text)) if name not in names and name != "main"]

    def target(name: str) -> str:
        if pythia and name == PYTHIA_MAIN_BRANCH:
            return main_sha
        return derived_sha(f"recorded-branch:{repo_id}@{name}")

    return [Ref("branch", name, target(name)) for name in names]


def derived_hub_id(repo_id: str) -> str:
    return hashlib.sha1(f"recorded:{repo_id}".encode()).hexdigest()[:24]


def derived_sha(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


# ---- Mistral-7B-v0.1 history --------------------------------------------------------------------------


def mistral_revisions(writer: WorldWriter, folder: Path) -> Iterator[Revision]:
    commits = json.loads((folder / "commits_main.json").read_text())[::-1]  # recorded newest first
    trees = json.loads((folder / "tree_by_commit.json").read_text())
    contents = {git_blob_id(content): content for content in recorded_contents(folder)}
    hub_id = derived_hub_id(MISTRAL_ID)
    for commit in commits:
        files = [mistral_file(writer, entry, contents) for entry in trees[commit["id"]]]
        readme = next(f for f in files if f.path == "README.md")
        if readme.blob_id not in contents:
            raise ValueError(f"{folder}: no recorded README has blob id {readme.blob_id} (commit {commit['id']})")
        info = card_info(MISTRAL_ID, contents[readme.blob_id].decode("utf-8"), created_at=commits[0]["date"])
        yield Revision(
            hub_id=hub_id,
            repo_id=MISTRAL_ID,
            commit_sha=commit["id"],
            commit_date=commit["date"],
            commit_title=commit["title"],
            info=info,
            files=files,
        )


def recorded_contents(folder: Path) -> Iterator[bytes]:
    """Every file whose bytes the history folder holds; they are matched to commits by git blob id."""
    yield from (path.read_bytes() for path in sorted((folder / "README_at").glob("*.md")))
    for name in ("config.json", ".gitattributes"):
        if (folder / name).is_file():
            yield (folder / name).read_bytes()


def mistral_file(writer: WorldWriter, entry: dict[str, Any], contents: dict[str, bytes]) -> FileEntry:
    blob_id, lfs = entry["blob_oid"], entry.get("lfs")
    if lfs and git_blob_id(lfs_pointer(lfs["sha256"], lfs["size"])) != blob_id:
        raise ValueError(f"LFS pointer of {entry['rfilename']} does not match its blob id {blob_id}")
    if blob_id in contents:
        writer.add_blob(contents[blob_id])
    return FileEntry(
        path=entry["rfilename"],
        blob_id=blob_id,
        size=entry["git_size"],
        lfs_sha256=lfs["sha256"] if lfs else None,
        lfs_size=lfs["size"] if lfs else None,
    )
