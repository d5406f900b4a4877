"""Synthetic hub: a deterministic generator of fictional model repos and their history, written as a replay world.

Every organisation, user, model, Hub dataset, GitHub repository and arXiv id is made up (from syllables and random
numbers); only license ids, libraries, pipeline tags and well-known public corpora named in prose (as real cards
name them) are real. The spread of licenses, cards, disclosures, gating and popularity follows the constants
below: rough shares of the public Hub, tilted so that a few thousand models already show every case.

History: each repo's state on the first date is one revision committed before that date. On each later date a
small share of repos commits a change (license, training-code link, datasets, checkpoints, gating, a trivial README
edit, new weights, a rename or a deletion) and new repos appear. Each repo is generated with its whole history at
once and streamed to the WorldWriter, so memory holds only what later repos refer to: authors, base models and
taken repo ids.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import gc
import hashlib
import itertools
import json
import math
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from pipeline.hub.world import FileEntry, Ref, Revision, WorldWriter, git_blob_id, lfs_pointer

# ---------------------------------------------------------------------------------------------------------------
# Proportions. Shares are of repos unless said otherwise; each table is (value, weight) and need not sum to 1.
# ---------------------------------------------------------------------------------------------------------------

NO_README_SHARE = 0.12  # repos without a README.md (so no cardData, no license, no card-derived tags)

OTHER, LIST, WRONG_CASE = "<other>", "<list>", "<wrong case>"
# The card's `license:` field. OTHER is `other` + license_name + license_link (+ a LICENSE file); LIST a list of
# ids; WRONG_CASE an id spelled in the wrong case. None means a README without a license.
LICENSE_SHARES = (
    (None, 0.36),
    ("apache-2.0", 0.22),
    ("mit", 0.11),
    ("openrail", 0.025),
    ("creativeml-openrail-m", 0.025),
    ("cc-by-nc-4.0", 0.025),
    ("cc-by-4.0", 0.015),
    ("llama3", 0.012),
    ("llama3.1", 0.012),
    ("llama2", 0.01),
    ("llama3.2", 0.006),
    ("gemma", 0.01),
    ("bigscience-openrail-m", 0.008),
    ("cc-by-nc-sa-4.0", 0.008),
    ("afl-3.0", 0.006),
    ("gpl-3.0", 0.006),
    ("cc-by-sa-4.0", 0.005),
    ("unknown", 0.004),
    ("bsd-3-clause", 0.003),
    ("cc0-1.0", 0.003),
    ("openrail++", 0.003),
    ("agpl-3.0", 0.002),
    ("cc-by-nc-nd-4.0", 0.002),
    (OTHER, 0.04),
    (LIST, 0.006),
    (WRONG_CASE, 0.01),
)
LICENSE_LISTS = (["apache-2.0", "mit"], ["mit", "cc-by-4.0"], ["cc-by-nc-4.0"], ["apache-2.0", "bsd-3-clause"],
                 ["openrail", "creativeml-openrail-m"], ["cc0-1.0"])
WRONG_CASE_LICENSES = ("MIT", "Apache-2.0", "CC-BY-SA-4.0", "CC-BY-NC-4.0", "GPL-3.0", "Apache 2.0")
VENDOR_LICENSES = frozenset({"llama2", "llama3", "llama3.1", "llama3.2", "gemma"})
IMAGE_LICENSES = frozenset({"creativeml-openrail-m", "openrail++"})
# `license: other`: the custom license's kind, and where license_link points.
CUSTOM_LICENSE_KINDS = (("community", 0.35), ("research", 0.3), ("responsible-use", 0.2), ("permissive", 0.15))
LICENSE_LINK_SHARES = (("LICENSE", 0.6), ("LICENSE.md", 0.2), ("url", 0.2))
STANDARD_LICENSE_FILE_SHARE = 0.25  # repos under a standard id that also ship a LICENSE file
VENDOR_LICENSE_FILE_SHARE = 0.7
# A derivative keeps its base model's license this often; otherwise it draws one from LICENSE_SHARES.
INHERIT_LICENSE_SHARE = {"finetune": 0.55, "adapter": 0.6, "quantized": 0.85, "merge": 0.3}

# Gating depends on the license: vendor licenses are usually gated, custom ones sometimes, the rest rarely.
GATED_SHARE_VENDOR, GATED_SHARE_OTHER, GATED_SHARE_DEFAULT = 0.45, 0.2, 0.008
DERIVATIVE_GATING_FACTOR = 0.3  # derivatives of gated models are mostly published ungated
GATED_MANUAL_SHARE = 0.4  # of gated repos; the rest are "auto"


@dataclass(frozen=True)
class Modality:
    """A kind of model: its share of repos, pipeline tags, libraries, sizes and how often it is a derivative."""

    key: str
    share: float
    model_type: str  # fictional architecture (config.json model_type, and a Hub tag)
    pipeline_tags: tuple  # (tag, weight)
    libraries: tuple  # (library, weight)
    sizes: tuple  # (label, parameters, weight)
    relations: tuple  # ("base" | "finetune" | "adapter" | "quantized" | "merge", weight)
    topics: tuple  # words for finetune names and card prose
    has_language: bool = True


MODALITIES = (
    Modality(
        "causal-lm", share=0.34, model_type="tarvex",
        pipeline_tags=(("text-generation", 0.88), ("image-text-to-text", 0.05), (None, 0.07)),
        libraries=(("transformers", 0.9), ("mlx", 0.03), (None, 0.07)),
        sizes=(("135m", 1.35e8, 3), ("360m", 3.6e8, 3), ("0.5b", 4.9e8, 6), ("1b", 1.1e9, 8), ("1.5b", 1.5e9, 8),
               ("3b", 3.2e9, 10), ("7b", 7.2e9, 22), ("8b", 8.0e9, 18), ("13b", 1.3e10, 6), ("14b", 1.47e10, 5),
               ("32b", 3.25e10, 4), ("70b", 7.06e10, 3)),
        relations=(("base", 0.3), ("finetune", 0.36), ("adapter", 0.12), ("quantized", 0.17), ("merge", 0.05)),
        topics=("instruct", "chat", "code", "math", "medical", "legal", "finance", "roleplay", "tools", "reasoning"),
    ),
    Modality(
        "encoder", share=0.17, model_type="saphiro",
        pipeline_tags=(("text-classification", 0.45), ("token-classification", 0.2), ("fill-mask", 0.12),
                       ("question-answering", 0.1), ("feature-extraction", 0.08), (None, 0.05)),
        libraries=(("transformers", 0.92), (None, 0.08)),
        sizes=(("tiny", 4.4e6, 1), ("small", 2.9e7, 3), ("base", 1.1e8, 8), ("large", 3.35e8, 3)),
        relations=(("base", 0.2), ("finetune", 0.8)),
        topics=("sentiment", "ner", "nli", "intent", "toxicity", "news", "reviews", "pos", "spam", "topics"),
    ),
    Modality(
        "seq2seq", share=0.05, model_type="vantor",
        pipeline_tags=(("text2text-generation", 0.5), ("summarization", 0.2), ("translation", 0.3)),
        libraries=(("transformers", 0.95), (None, 0.05)),
        sizes=(("small", 6e7, 3), ("base", 2.2e8, 5), ("large", 7.7e8, 2)),
        relations=(("base", 0.25), ("finetune", 0.75)),
        topics=("summaries", "paraphrase", "en-fr", "en-de", "qa", "headlines", "simplify", "grammar"),
    ),
    Modality(
        "embedding", share=0.04, model_type="saphiro",
        pipeline_tags=(("sentence-similarity", 0.8), ("feature-extraction", 0.2)),
        libraries=(("sentence-transformers", 0.85), ("transformers", 0.15)),
        sizes=(("small", 3.3e7, 3), ("base", 1.1e8, 5), ("large", 3.35e8, 2)),
        relations=(("base", 0.4), ("finetune", 0.6)),
        topics=("retrieval", "legal", "code", "multilingual", "scientific", "product-search"),
    ),
    Modality(
        "diffusion", share=0.08, model_type="halven", has_language=False,
        pipeline_tags=(("text-to-image", 0.9), ("image-to-image", 0.1)),
        libraries=(("diffusers", 0.92), (None, 0.08)),
        sizes=(("v1", 8.6e8, 5), ("v2", 8.65e8, 2), ("xl", 2.6e9, 3)),
        relations=(("base", 0.2), ("finetune", 0.35), ("adapter", 0.45)),
        topics=("anime", "portrait", "pixel-art", "watercolor", "architecture", "product-photo", "sketch"),
    ),
    Modality(
        "speech", share=0.07, model_type="sonvar",
        pipeline_tags=(("automatic-speech-recognition", 0.75), ("text-to-speech", 0.15),
                       ("audio-classification", 0.1)),
        libraries=(("transformers", 0.72), ("espnet", 0.1), ("speechbrain", 0.06), ("nemo", 0.04), (None, 0.08)),
        sizes=(("small", 2.44e8, 5), ("medium", 7.69e8, 3), ("large", 1.55e9, 2)),
        relations=(("base", 0.2), ("finetune", 0.8)),
        topics=("uz", "sw", "kk", "ta", "cy", "eu", "dialects", "call-center", "podcasts"),
    ),
    Modality(
        "vision", share=0.07, model_type="pravik", has_language=False,
        pipeline_tags=(("image-classification", 0.62), ("object-detection", 0.15), ("image-segmentation", 0.1),
                       ("zero-shot-image-classification", 0.08), (None, 0.05)),
        libraries=(("transformers", 0.55), ("timm", 0.25), ("keras", 0.08), (None, 0.12)),
        sizes=(("tiny", 5.7e6, 2), ("small", 2.2e7, 3), ("base", 8.6e7, 5), ("large", 3.04e8, 2)),
        relations=(("base", 0.25), ("finetune", 0.75)),
        topics=("food", "plants", "x-ray", "satellite", "birds", "defects", "documents", "traffic"),
    ),
    Modality(
        "rl", share=0.05, model_type="policy", has_language=False,
        pipeline_tags=(("reinforcement-learning", 1.0),),
        libraries=(("stable-baselines3", 0.6), ("ml-agents", 0.2), ("sample-factory", 0.1), (None, 0.1)),
        sizes=(("tiny", 6.5e4, 1),),
        relations=(("base", 1.0),),
        topics=("Glider-v2", "Rover-v3", "MazeRunner-v1", "Harvester-v0", "Skater-v4", "Tetherball-v1"),
    ),
    Modality(
        "other", share=0.13, model_type="custom", has_language=False,
        pipeline_tags=((None, 0.7), ("tabular-classification", 0.1), ("time-series-forecasting", 0.1),
                       ("graph-ml", 0.05), ("robotics", 0.05)),
        libraries=((None, 0.55), ("sklearn", 0.15), ("keras", 0.1), ("onnx", 0.1), ("joblib", 0.1)),
        sizes=(("tiny", 1e6, 3), ("small", 2e7, 1)),
        relations=(("base", 0.6), ("finetune", 0.4)),
        topics=("churn", "demand", "fraud", "weather", "molecules", "grasping", "credit", "sensors"),
    ),
)
MODALITY_BY_KEY = {m.key: m for m in MODALITIES}

LANGUAGE_SHARES = (
    (("en",), 0.6), (("en", "fr", "de", "es", "it"), 0.05), (("zh",), 0.04), (("fr",), 0.03), (("de",), 0.03),
    (("es",), 0.03), (("ja",), 0.03), (("ru",), 0.02), (("ko",), 0.02), (("ar",), 0.02), (("pt",), 0.02),
    (("hi",), 0.01), (("uz",), 0.005), (("no",), 0.005), ((), 0.1),
)

# Licenses of the fictional Hub datasets that cards name (a dataset's own card decides whether it is open data);
# some named datasets do not exist on the Hub at all (deleted, private, or a typo in the card).
DATASET_LICENSES = (
    ("cc-by-4.0", 0.24), ("apache-2.0", 0.14), ("mit", 0.14), (None, 0.18), ("cc-by-nc-4.0", 0.08),
    ("cc-by-sa-4.0", 0.05), ("odc-by", 0.05), ("other", 0.05), ("cc0-1.0", 0.03), ("openrail", 0.02),
    ("cc-by-nc-sa-4.0", 0.02),
)
MISSING_DATASET_SHARE = 0.1

# How a card is written, by relation. "full": a model card with details, usage, training data and procedure;
# "trainer": the card a training library writes ("More information needed"); "quantized"/"merge": the cards of
# those derivatives; "minimal": a title and a sentence or two.
CARD_STYLES = {
    ("base", True): (("full", 0.7), ("minimal", 0.3)),  # (relation, author is an organisation)
    ("base", False): (("full", 0.25), ("minimal", 0.75)),
    "finetune": (("trainer", 0.6), ("minimal", 0.25), ("full", 0.15)),
    "adapter": (("trainer", 0.5), ("minimal", 0.5)),
    "quantized": (("quantized", 0.9), ("minimal", 0.1)),
    "merge": (("merge", 0.8), ("minimal", 0.2)),
}
# What a card discloses, by style: training-code link (in a Training section), inference/usage link (in a Usage
# section), Hub datasets in the front matter, public corpora named in prose, a data-composition table, an arXiv
# paper, checkpoint branches (base and finetune repos only), checkpoints merely mentioned, and "open source"
# claims in the intro (whatever the license says).
DISCLOSURE_SHARES = {
    "full": dict(code=0.35, usage=0.3, datasets=0.45, corpora=0.6, composition=0.2, paper=0.35, branches=0.18,
                 mention=0.06, open_claim=0.15),
    "trainer": dict(code=0.06, usage=0.0, datasets=0.55, corpora=0.0, composition=0.0, paper=0.02, branches=0.01,
                    mention=0.0, open_claim=0.0),
    "quantized": dict(code=0.0, usage=0.35, datasets=0.0, corpora=0.0, composition=0.0, paper=0.0, branches=0.0,
                      mention=0.0, open_claim=0.05),
    "merge": dict(code=0.0, usage=0.05, datasets=0.0, corpora=0.0, composition=0.0, paper=0.0, branches=0.0,
                  mention=0.0, open_claim=0.05),
    "minimal": dict(code=0.03, usage=0.1, datasets=0.15, corpora=0.05, composition=0.0, paper=0.04, branches=0.01,
                    mention=0.01, open_claim=0.05),
}
CHECKPOINT_MODALITIES = frozenset({"causal-lm", "encoder", "seq2seq", "speech", "vision"})
CHECKPOINT_BRANCH_RANGE = (10, 150)  # branches per repo that publishes intermediate checkpoints
CHECKPOINT_TOKENS_NAMING_SHARE = 0.5  # `step{N}-tokens{M}B` rather than `step{N}`
DECLARES_RELATION_SHARE = 0.5  # derivatives whose card sets base_model_relation (the Hub infers it otherwise)
DECLARES_TASK_SHARE = 0.5  # cards that repeat pipeline_tag / library_name in the front matter
SAFETENSORS_SHARE_OLD, SAFETENSORS_SHARE_NEW = 0.4, 0.9  # weights as safetensors for repos created before/after 2023-06

# Popularity: downloads are Pareto-distributed (most repos have almost none, a few have millions); likes follow
# downloads sub-linearly.
DOWNLOADS_PARETO_ALPHA = 0.8
LIKES_PER_DOWNLOAD_EXPONENT = 0.6

# Authors: a new repo has a new author this often, otherwise the author of a random earlier repo (preferential
# attachment, so a few authors own many repos). Organisations are this share of new authors.
NEW_AUTHOR_SHARE = 0.2
ORGANISATION_SHARE = 0.3
BASE_POPULARITY_SKEW = 2.5  # derivatives prefer older base models: index = len * u ** skew
BASE_POOL_LIMIT = 50_000  # bases remembered per modality (bounds memory; later ones get no derivatives)

# History. Each day this share of repos commits a change; "active" repos change far more often than the rest.
CHANGE_SHARE_PER_DAY = 0.004
ACTIVE_REPO_SHARE, ACTIVE_RATE_FACTOR, DORMANT_RATE_FACTOR = 0.15, 6.0, 0.12
NEW_REPO_SHARE_PER_DAY = 0.003  # new repos per day, as a share of the first day's repos
CHANGE_KIND_SHARES = (
    ("readme_edit", 0.30),
    ("weights_updated", 0.12),
    ("license_change", 0.10),
    ("datasets_disclosed", 0.08),
    ("code_link_added", 0.07),
    ("code_link_removed", 0.02),
    ("checkpoints_published", 0.04),
    ("gating_added", 0.05),
    ("gating_removed", 0.03),
    ("rename", 0.06),
    ("deletion", 0.08),
)
RENAME_TRANSFER_SHARE = 0.4  # renames that move the repo to another author (the rest change the name)

HUB_START = dt.date(2021, 1, 1)  # oldest creation date drawn
# The Hub gives every repo created before it recorded creation dates this createdAt (hub-api.md §1.3).
LEGACY_CREATED_AT, LEGACY_TS = "2022-03-02T23:29:04.000Z", 1646263744.0

# Real names that a syllable-made name must never equal (exactly, or as a part for the longer ones).
REAL_NAMES = frozenset({
    "meta-llama", "google", "eleutherai", "mistralai", "microsoft", "openai", "allenai", "stabilityai", "tiiuae",
    "bigscience", "facebook", "nvidia", "qwen", "deepseek-ai", "huggingfaceh4", "huggingface", "salesforce",
    "intel", "ibm", "amazon", "apple", "baidu", "alibaba", "tencent", "bigcode", "cohere", "anthropic", "xai-org",
    "compvis", "laion", "openbmb", "thudm", "databricks", "mosaicml", "cerebras", "lmsys", "nousresearch",
    "teknium", "thebloke", "unsloth", "bartowski", "phi", "opt", "yi", "vit", "t5", "bart",
})
REAL_NAME_PARTS = ("llama", "mistral", "mixtral", "gemma", "gemini", "qwen", "falcon", "bloom", "pythia", "olmo",
                   "claude", "grok", "bert", "gpt", "vicuna", "alpaca", "zephyr", "starcoder", "deepseek", "whisper",
                   "stable", "flux", "sdxl", "orca", "hermes", "google", "openai", "nvidia", "meta")

PUBLIC_CORPORA = ("C4", "The Pile", "RedPajama", "Dolma", "RefinedWeb", "FineWeb", "Common Crawl", "Wikipedia",
                  "The Stack", "OSCAR")
IMAGE_CORPORA = ("LAION", "Common Crawl", "Wikipedia")

# ---------------------------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------------------------


def weighted(pairs) -> tuple[tuple, tuple]:
    """A (values, cumulative weights) table for `pick`."""
    pairs = tuple(pairs)
    return tuple(v for v, _ in pairs), tuple(itertools.accumulate(w for _, w in pairs))


def pick(rng: random.Random, table: tuple[tuple, tuple]):
    values, cumulative = table
    return values[bisect.bisect(cumulative, rng.random() * cumulative[-1])]


def choose(rng: random.Random, options: tuple | list):
    """rng.choice, several times faster (one random() call); it matters at a million repos."""
    return options[int(rng.random() * len(options))]




def license_table(modality: Modality) -> tuple[tuple, tuple]:
    """LICENSE_SHARES for one modality: LLM vendor licenses go to language models only and image RAIL licenses
    to image models only, scaled up there so that their overall shares hold."""
    owners = {"causal-lm": VENDOR_LICENSES, "diffusion": IMAGE_LICENSES}
    pairs = []
    for value, share in LICENSE_SHARES:
        for owner, owned in owners.items():
            if value in owned:
                share = share / MODALITY_BY_KEY[owner].share if modality.key == owner else 0.0
        pairs.append((value, share))
    return weighted(pairs)


LICENSE_TABLES = {m.key: license_table(m) for m in MODALITIES}
CUSTOM_KINDS = weighted(CUSTOM_LICENSE_KINDS)
LICENSE_LINKS = weighted(LICENSE_LINK_SHARES)
LANGUAGES = weighted(LANGUAGE_SHARES)
MODALITY_TABLE = weighted((m, m.share) for m in MODALITIES)
CHANGE_KINDS = weighted(CHANGE_KIND_SHARES)
DATASET_LICENSE_TABLE = weighted(DATASET_LICENSES)
STYLE_TABLES = {key: weighted(pairs) for key, pairs in CARD_STYLES.items()}
MODALITY_TABLES = {
    m.key: (weighted(m.pipeline_tags), weighted(m.libraries), weighted((s[:2], s[2]) for s in m.sizes),
            weighted(m.relations))
    for m in MODALITIES
}

ONSETS = ("b", "br", "d", "dr", "f", "g", "gr", "h", "k", "kr", "l", "m", "n", "p", "qu", "r", "s", "sh", "st",
          "t", "th", "tr", "v", "z", "")
VOWELS = ("a", "e", "i", "o", "u", "ae", "ai", "ei", "io", "ou")
CODAS = ("", "", "", "n", "r", "l", "s", "m", "x", "th", "nd", "rn", "sk", "v")
ORG_SUFFIXES = ("-labs", "-ai", "-research", "-collective", "-institute", "", "-ml", "-tech")


_REAL_PART = re.compile("|".join(REAL_NAME_PARTS))


def looks_real(word: str) -> bool:
    return word in REAL_NAMES or _REAL_PART.search(word) is not None


def syllable_word(rng: random.Random, syllables: int) -> str:
    """A pronounceable made-up word, never one of the real names above."""
    while True:
        word = "".join(choose(rng, ONSETS) + choose(rng, VOWELS) + choose(rng, CODAS) for _ in range(syllables))
        if len(word) >= 4 and not looks_real(word):
            return word


def hex_id(rng: random.Random, digits: int) -> str:
    return f"{rng.getrandbits(digits * 4):0{digits}x}"


def iso_at(ts: float) -> str:
    """Hub timestamp (milliseconds, Z) of an epoch time; cheaper than going through datetime."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(int(ts))) + f".{int(ts * 1000) % 1000:03d}Z"


def human_count(n: float) -> str:
    for unit, size in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if n >= size:
            return f"{n / size:.1f}".rstrip("0").rstrip(".") + unit
    return str(int(n))


_YAML_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9._/+-]*\Z")
_YAML_WORDS = frozenset({"yes", "no", "on", "off", "true", "false", "null", "y", "n"})


def yaml_scalar(value: Any) -> str:
    """A scalar that YAML reads back unchanged: plain when that is safe (not `no`, `on`, numbers...), else quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if _YAML_PLAIN.match(value) and value.lower() not in _YAML_WORDS:
        return value
    return json.dumps(value)  # a JSON string is a valid YAML double-quoted scalar


def front_matter(card: dict[str, Any]) -> str:
    """The card's YAML block, written by hand (yaml.dump is far too slow for a million cards)."""
    lines = ["---"]
    for key, value in card.items():
        if isinstance(value, list):
            lines.append(f"{key}:")
            lines.extend(f"- {yaml_scalar(v)}" for v in value)
        elif isinstance(value, dict):
            lines.append(f"{key}:")
            lines.extend(f"  {yaml_scalar(k)}: {yaml_scalar(v)}" for k, v in value.items())
        else:
            lines.append(f"{key}: {yaml_scalar(value)}")
    lines.append("---\n")
    return "\n".join(lines)


def lfs_file(path: str, sha256: str, size: int) -> FileEntry:
    """An LFS-tracked file: git stores only the pointer, whose blob id and size the entry carries."""
    pointer = lfs_pointer(sha256, size)
    return FileEntry(path=path, blob_id=git_blob_id(pointer), size=len(pointer), lfs_sha256=sha256, lfs_size=size)


# ---------------------------------------------------------------------------------------------------------------
# Who and what
# ---------------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Author:
    slug: str  # the Hub namespace, also the GitHub account of its code
    display: str
    is_org: bool
    stem: str  # the name its own models usually carry


@dataclass(frozen=True, slots=True)
class CustomLicense:
    """A `license: other` license: its license_name, license_link, which text it has, and who grants it."""

    name: str
    link: str
    kind: str
    holder: str


def custom_license(author: Author, kind: str, link: str) -> CustomLicense:
    return CustomLicense(name=f"{author.stem}-{kind}-license", link=link, kind=kind, holder=author.display)


@dataclass(slots=True)
class BaseRef:
    """What a derivative needs from its base model (kept for up to BASE_POOL_LIMIT bases, so it stays small)."""

    repo_id: str
    name: str
    stem: str
    size: str
    params: int
    license: Any
    custom_license: CustomLicense | None
    tokenizer: str


@dataclass(slots=True)
class Model:
    """One repo's current facts: `render` turns them into a revision, changes mutate them."""

    hub_id: str
    author: Author
    name: str
    modality: Modality
    relation: str
    size: str
    params: int
    pipeline_tag: str | None
    library: str | None
    style: str | None  # card style; None: no README
    created_ts: float
    created_at: str
    stem: str
    tokenizer: str
    flavor: int  # random bits that pick wording variants, so the card reads the same at every render
    card_repo_id: str = ""  # the id the card's own snippets use: it keeps the old id after a rename, as on the Hub
    base: BaseRef | None = None
    merged: list[BaseRef] = field(default_factory=list)
    languages: tuple = ()
    card_tags: list[str] = field(default_factory=list)
    declares_task: bool = False
    declares_relation: bool = False
    license: Any = None  # str, list of str, or None
    custom_license: CustomLicense | None = None  # with `license: other`
    license_file: str | None = None
    gated: Any = False  # False, "auto" or "manual"
    training_code: str | None = None
    usage_link: str | None = None
    datasets: list[str] = field(default_factory=list)
    datasets_as_string: bool = False
    corpora: tuple = ()
    composition: list[tuple[str, float]] = field(default_factory=list)
    total_tokens: float = 0.0
    paper: str | None = None
    branches: list[Ref] = field(default_factory=list)
    mentions_checkpoints: bool = False
    open_claim: bool = False
    weights: list[FileEntry] = field(default_factory=list)  # LFS files (weights) with their sha256 and size
    weights_dtype: str = "BF16"
    downloads: int = 0
    likes: int = 0
    edit_notes: list[str] = field(default_factory=list)

    @property
    def repo_id(self) -> str:
        return f"{self.author.slug}/{self.name}"

    @property
    def base_ids(self) -> list[str]:
        return [b.repo_id for b in self.merged] if self.merged else ([self.base.repo_id] if self.base else [])


# ---------------------------------------------------------------------------------------------------------------
# Card text
# ---------------------------------------------------------------------------------------------------------------

LICENSE_PROSE = {
    "apache-2.0": "Apache 2.0", "mit": "MIT", "cc-by-4.0": "CC BY 4.0", "cc-by-nc-4.0": "CC BY-NC 4.0",
    "cc-by-sa-4.0": "CC BY-SA 4.0", "cc-by-nc-sa-4.0": "CC BY-NC-SA 4.0", "gpl-3.0": "GPL-3.0",
    "openrail": "OpenRAIL", "creativeml-openrail-m": "CreativeML OpenRAIL-M", "llama2": "Llama 2 Community License",
    "llama3": "Llama 3 Community License", "llama3.1": "Llama 3.1 Community License",
    "llama3.2": "Llama 3.2 Community License", "gemma": "Gemma Terms of Use",
}
CUSTOM_LICENSE_TITLES = {"community": "Community License", "research": "Research License",
                         "responsible-use": "Responsible Use License", "permissive": "Open Model License"}
CUSTOM_LICENSE_TEXTS = {
    "community": (
        "{holder} {title}\n\n1. Grant. You may use, reproduce, modify and distribute the Model and its derivatives, "
        "including for commercial purposes, subject to this Agreement.\n2. Scale. If your products or services "
        "exceed 100 million monthly active users, you must request a separate license from {holder}.\n3. Acceptable "
        "use. You will not use the Model for the purposes listed in Attachment A.\n4. Attribution. Include the "
        "notice \"Built with {holder} models\" in any distribution.\n"),
    "research": (
        "{holder} {title}\n\nThe Model is made available for non-commercial research purposes only. You may not "
        "use the Model, its outputs or derivatives for any commercial purpose without prior written permission "
        "from {holder}. Redistribution must carry this license unchanged.\n"),
    "responsible-use": (
        "{holder} {title}\n\nPermission is granted to use, copy, modify and distribute the Model, provided that "
        "you do not use it for any of the restricted uses in Section 5 (surveillance, generating disinformation, "
        "medical diagnosis without oversight, and others) and that every derivative carries the same use-based "
        "restrictions.\n"),
    "permissive": (
        "{holder} {title}\n\nPermission is hereby granted, free of charge, to any person obtaining a copy of the "
        "Model weights and associated files, to deal in them without restriction, provided that this notice is "
        "included in all copies. THE MODEL IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND.\n"),
}
STANDARD_LICENSE_TEXTS = {
    "apache-2.0": "\n                                 Apache License\n                           Version 2.0, "
                  "January 2004\n                        http://www.apache.org/licenses/\n\n   TERMS AND "
                  "CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION\n",
    "mit": "MIT License\n\nCopyright (c) {year} {holder}\n\nPermission is hereby granted, free of charge, to any "
           "person obtaining a copy of this software and associated documentation files, to deal in the Software "
           "without restriction, subject to the following conditions: the above copyright notice and this "
           "permission notice shall be included in all copies or substantial portions of the Software.\n",
}
VENDOR_LICENSE_TEXT = ("{title}\n\nBy clicking \"I Accept\" below or by using or distributing any portion or "
                       "element of the Materials, you agree to be bound by this Agreement.\n")

GATED_PROMPTS = (
    "You need to agree to share your contact information to access this model.",
    "By requesting access you agree to the {license} and to use the model responsibly.",
    "This model is released for research. Tell us who you are and how you plan to use it.",
)
GATED_FIELDS = {"Name": "text", "Affiliation": "text", "Country": "country",
                "I agree to use this model for non-commercial purposes only": "checkbox"}

TRIVIAL_EDIT_NOTES = ("fixed typos", "clarified the intended use", "updated the contact address",
                      "tidied the formatting", "added a usage tip", "reworded the limitations")

HYPERPARAMETERS = (
    ("2e-05", 16, 3, "linear"), ("5e-05", 8, 5, "linear"), ("1e-04", 32, 2, "cosine"), ("3e-05", 16, 4, "linear"),
    ("2e-04", 4, 1, "cosine"), ("1e-05", 64, 10, "constant"),
)
FRAMEWORK_VERSIONS = (
    ("4.44.2", "2.4.0+cu121", "2.21.0", "0.19.1"), ("4.46.3", "2.5.1+cu124", "3.1.0", "0.20.3"),
    ("4.38.2", "2.2.1+cu121", "2.18.0", "0.15.2"), ("4.51.3", "2.6.0+cu124", "3.5.0", "0.21.1"),
)
QUANT_FORMATS = ("GGUF", "AWQ", "GPTQ", "4bit", "8bit", "mlx-4bit")


def variant(m: Model, slot: int, options: tuple):
    """A wording choice fixed for the model's lifetime: `slot` selects which bits of `flavor` decide it."""
    return options[(m.flavor >> (slot * 3)) % len(options)]


def license_prose(m: Model) -> str:
    if m.license is None:
        return "Not specified"
    if m.custom_license:
        c = m.custom_license
        return f"{c.holder} {CUSTOM_LICENSE_TITLES[c.kind]} (see [{c.link}]({c.link}))"
    ids = m.license if isinstance(m.license, list) else [m.license]
    return " and ".join(LICENSE_PROSE.get(i, i) for i in ids)


def intro(m: Model) -> str:
    claim = " fully open-source" if m.open_claim else ""
    what = {
        "causal-lm": "decoder-only language model",
        "encoder": "encoder model for text understanding",
        "seq2seq": "encoder-decoder model",
        "embedding": "sentence embedding model",
        "diffusion": "latent text-to-image diffusion model",
        "speech": "speech model",
        "vision": "vision transformer",
        "rl": "reinforcement-learning agent",
        "other": "model",
    }[m.modality.key]
    purpose = variant(m, 1, ("general use", "research on training dynamics", "on-device use",
                             "multilingual applications", "long documents", "low-latency serving"))
    if m.base is not None:
        return (f"{m.name} is a{claim} {what} fine-tuned from [{m.base.repo_id}](https://huggingface.co/"
                f"{m.base.repo_id}) for {variant(m, 2, m.modality.topics)}.")
    return f"{m.name} is a{claim} {human_count(m.params)}-parameter {what} built by {m.author.display} for {purpose}."


def usage_section(m: Model) -> str:
    lines = ["## Usage", ""]
    if m.library == "diffusers":
        lines += ["```python", "from diffusers import DiffusionPipeline",
                  f'pipe = DiffusionPipeline.from_pretrained("{m.card_repo_id}")',
                  'image = pipe("a lighthouse at dusk").images[0]', "```"]
    elif m.library in ("transformers", "mlx", "sentence-transformers", None):
        loader = {"causal-lm": "AutoModelForCausalLM", "seq2seq": "AutoModelForSeq2SeqLM"}.get(m.modality.key,
                                                                                               "AutoModel")
        lines += ["```python", f"from transformers import {loader}, AutoTokenizer",
                  f'model = {loader}.from_pretrained("{m.card_repo_id}")',
                  f'tokenizer = AutoTokenizer.from_pretrained("{m.card_repo_id}")', "```"]
    else:
        lines.append(f"Load the files of this repository with `{m.library}`.")
    if m.usage_link:
        lines += ["", variant(m, 3, (f"An inference server for this model is at {m.usage_link}.",
                                     f"For a demo and serving scripts see {m.usage_link}.",
                                     f"Example notebooks: {m.usage_link}"))]
    return "\n".join(lines) + "\n"


def composition_table(m: Model) -> str:
    rows = ["| Source | Tokens | Proportion |", "|---|---|---|"]
    rows += [f"| {source} | {human_count(m.total_tokens * share)} | {share * 100:.1f}% |"
             for source, share in m.composition]
    return "\n".join(rows) + "\n"


def training_data_prose(m: Model) -> str:
    parts = []
    if m.corpora:
        names = ", ".join(m.corpora[:-1]) + (" and " if len(m.corpora) > 1 else "") + m.corpora[-1]
        verb = "fine-tuned" if m.base else "pretrained"
        parts.append(f"The model was {verb} on a mixture of {names}"
                     + (f", {human_count(m.total_tokens)} tokens in total." if m.total_tokens else "."))
    if m.datasets:
        parts.append("Datasets on the Hub: " + ", ".join(f"[{d}](https://huggingface.co/datasets/{d})"
                                                         for d in m.datasets) + ".")
    if not parts:
        parts.append(variant(m, 4, ("More information needed.", "The training data is not disclosed.",
                                    "Trained on a proprietary mix of licensed and web data.")))
    text = " ".join(parts) + "\n"
    if m.composition:
        text += "\n" + composition_table(m)
    return text


def branch_example(m: Model) -> str:
    return m.branches[len(m.branches) // 2].name


def checkpoints_section(m: Model) -> str:
    if m.branches:
        first, last = m.branches[0].name, m.branches[-1].name
        return (f"### Intermediate checkpoints\n\nWe release {len(m.branches)} intermediate checkpoints as branches "
                f"of this repository, from `{first}` to `{last}`; the final one equals `main`. Load one with:\n\n"
                f"```python\nmodel = AutoModel.from_pretrained(\"{m.card_repo_id}\", "
                f"revision=\"{branch_example(m)}\")\n```\n")
    if m.mentions_checkpoints:
        return "### Intermediate checkpoints\n\n" + variant(m, 5, (
            "Intermediate checkpoints are available on request.",
            "We plan to release intermediate checkpoints in a future update.",
            "Intermediate checkpoints were saved every 1000 steps during training.")) + "\n"
    return ""


def training_section(m: Model) -> str:
    hp = variant(m, 6, HYPERPARAMETERS)
    procedure = (f"Trained with AdamW (learning rate {hp[0]}, batch size {hp[1]}, {hp[3]} schedule) for "
                 f"{hp[2]} epochs on {variant(m, 7, ('8', '16', '64', '256', '512'))} GPUs.")
    if m.training_code:
        procedure += " " + variant(m, 8, (f"The training code and configs are at {m.training_code}.",
                                          f"Training code: {m.training_code}",
                                          f"To reproduce the training run, see {m.training_code}."))
    text = (f"## Training Details\n\n### Training Data\n\n{training_data_prose(m)}\n"
            f"### Training Procedure\n\n{procedure}\n")
    checkpoints = checkpoints_section(m)
    return text + ("\n" + checkpoints if checkpoints else "")


def citation_section(m: Model) -> str:
    if not m.paper:
        return ""
    key = m.stem + m.paper[:4]
    return (f"## Citation\n\nPaper: https://arxiv.org/abs/{m.paper}\n\n```bibtex\n@article{{{key},\n"
            f"  title = {{{m.name}: {m.modality.key} models from {m.author.display}}},\n"
            f"  author = {{{m.author.display}}},\n  journal = {{arXiv preprint arXiv:{m.paper}}},\n"
            f"  year = {{20{m.paper[:2]}}}\n}}\n```\n")


def full_card(m: Model) -> str:
    details = [f"- **Developed by:** {m.author.display}",
               f"- **Model type:** {m.modality.model_type} ({human_count(m.params)} parameters)",
               f"- **License:** {license_prose(m)}"]
    if m.languages:
        details.insert(2, f"- **Language(s):** {', '.join(m.languages)}")
    if m.base:
        details.append(f"- **Finetuned from:** [{m.base.repo_id}](https://huggingface.co/{m.base.repo_id})")
    sections = [f"# {m.name}\n\n{intro(m)}\n", "## Model Details\n\n" + "\n".join(details) + "\n",
                usage_section(m), training_section(m),
                "## Limitations\n\nThe model can produce inaccurate or biased output; evaluate it for your use case.\n",
                citation_section(m)]
    if m.custom_license:
        sections.append(f"## License\n\nThis model is released under the {license_prose(m)}.\n")
    return "\n".join(s for s in sections if s)


def trainer_card(m: Model) -> str:
    base = m.base.repo_id if m.base else "an unknown model"
    on = f"the {m.datasets[0]} dataset" if m.datasets else "an unknown dataset"
    hp = variant(m, 6, HYPERPARAMETERS)
    versions = variant(m, 9, FRAMEWORK_VERSIONS)
    script = f"\nTraining script: {m.training_code}\n" if m.training_code else ""
    if m.relation == "adapter":  # the template PEFT writes
        return (f"# Model Card for {m.name}\n\n<!-- Provide a quick summary of what the model is/does. -->\n\n"
                f"## Model Details\n\n### Model Description\n\n- **Developed by:** [More Information Needed]\n"
                f"- **License:** [More Information Needed]\n- **Finetuned from model [optional]:** {base}\n\n"
                f"## Training Details\n\n### Training Data\n\n"
                f"{training_data_prose(m) if m.datasets else '[More Information Needed]'}\n{script}\n"
                f"### Framework versions\n\n- PEFT 0.{13 + m.flavor % 3}.{m.flavor % 4}\n")
    loss = 0.2 + (m.flavor % 1000) / 1500
    return (
        "<!-- This model card has been generated automatically according to the information the Trainer had access "
        "to. You\nshould probably proofread and complete it, then remove this comment. -->\n\n"
        f"# {m.name}\n\nThis model is a fine-tuned version of [{base}](https://huggingface.co/{base}) on {on}.\n"
        f"It achieves the following results on the evaluation set:\n- Loss: {loss:.4f}\n\n"
        "## Model description\n\nMore information needed\n\n## Intended uses & limitations\n\nMore information "
        "needed\n\n## Training and evaluation data\n\nMore information needed\n\n## Training procedure\n"
        f"{script}\n### Training hyperparameters\n\nThe following hyperparameters were used during training:\n"
        f"- learning_rate: {hp[0]}\n- train_batch_size: {hp[1]}\n- eval_batch_size: {hp[1]}\n- seed: 42\n"
        "- optimizer: adamw_torch with betas=(0.9,0.999) and epsilon=1e-08\n"
        f"- lr_scheduler_type: {hp[3]}\n- num_epochs: {hp[2]}\n\n"
        + checkpoints_section(m)
        + f"\n### Framework versions\n\n- Transformers {versions[0]}\n- Pytorch {versions[1]}\n"
        f"- Datasets {versions[2]}\n- Tokenizers {versions[3]}\n")


def quantized_card(m: Model) -> str:
    base = m.base.repo_id if m.base else ""
    rows = "\n".join(f"| {f.path} | {f.path.split('.')[-2] if f.path.endswith('.gguf') else 'safetensors'} | "
                     f"{f.lfs_size / 1e9:.2f} GB |" for f in m.weights)
    usage = f"\n\nRun it with the runtime at {m.usage_link}." if m.usage_link else ""
    return (f"# {m.name}\n\nQuantized version of [{base}](https://huggingface.co/{base}).\n\n"
            f"## Provided files\n\n| Name | Quant method | Size |\n|---|---|---|\n{rows}\n\n"
            f"## Usage{usage}\n\nSee the original model card for details on training and intended use.\n")


def merge_card(m: Model) -> str:
    models = "\n".join(f"* [{b.repo_id}](https://huggingface.co/{b.repo_id})" for b in m.merged)
    method = variant(m, 2, ("SLERP", "linear", "TIES", "DARE TIES"))
    return (f"# {m.name}\n\nThis is a merge of pre-trained language models.\n\n## Merge Details\n\n"
            f"### Merge Method\n\nThis model was merged using the {method} merge method.\n\n"
            f"### Models Merged\n\nThe following models were included in the merge:\n{models}\n")


def minimal_card(m: Model) -> str:
    discloses = m.training_code or m.usage_link or m.paper or m.datasets or m.corpora or m.branches
    if variant(m, 10, (True, False, False, False)) and not (discloses or m.mentions_checkpoints):
        return ""  # front matter only, as many uploads have
    lines = [f"# {m.name}", "", intro(m)]
    if m.datasets or m.corpora:
        lines += ["", training_data_prose(m).strip()]
    if m.training_code:
        lines += ["", "## Training", "", f"Training code: {m.training_code}"]
    if m.usage_link:
        lines += ["", "## Usage", "", f"Inference example: {m.usage_link}"]
    checkpoints = checkpoints_section(m)
    if checkpoints:
        lines += ["", checkpoints.strip()]
    if m.paper:
        lines += ["", f"Paper: https://arxiv.org/abs/{m.paper}"]
    return "\n".join(lines) + "\n"


CARD_BODIES = {"full": full_card, "trainer": trainer_card, "quantized": quantized_card, "merge": merge_card,
               "minimal": minimal_card}


def card_data(m: Model) -> dict[str, Any]:
    """The front matter as a dict: what the Hub returns as cardData, and what the README's YAML says."""
    card: dict[str, Any] = {}
    if m.license is not None:
        card["license"] = list(m.license) if isinstance(m.license, list) else m.license
    if m.custom_license:
        card["license_name"] = m.custom_license.name
        card["license_link"] = m.custom_license.link
    if m.languages:
        card["language"] = list(m.languages) if len(m.languages) > 1 or m.flavor & 1 else m.languages[0]
    if m.declares_task:
        if m.library:
            card["library_name"] = m.library
        if m.pipeline_tag:
            card["pipeline_tag"] = m.pipeline_tag
    if m.card_tags:
        card["tags"] = list(m.card_tags)
    if m.datasets:
        card["datasets"] = m.datasets[0] if m.datasets_as_string and len(m.datasets) == 1 else list(m.datasets)
    base_ids = m.base_ids
    if base_ids:
        card["base_model"] = base_ids[0] if len(base_ids) == 1 else base_ids
        if m.declares_relation:
            card["base_model_relation"] = m.relation
    if m.gated:
        license_words = license_prose(m) if m.license else "model license"
        card["extra_gated_prompt"] = variant(m, 11, GATED_PROMPTS).format(license=license_words)
        if m.gated == "manual":
            card["extra_gated_fields"] = dict(GATED_FIELDS)
    return card


def readme_text(m: Model, card: dict[str, Any]) -> str:
    text = (front_matter(card) + "\n" if card else "") + CARD_BODIES[m.style](m)
    for note in m.edit_notes:  # trivial edits: the text changes, the facts do not
        text += f"\n_Card updated: {note}._\n"
    return text


def license_ids(license_value: Any) -> list[str]:
    if license_value is None:
        return []
    return license_value if isinstance(license_value, list) else [license_value]


def hub_tags(m: Model, card: dict[str, Any] | None) -> list[str]:
    """Tags as the Hub computes them: library, file format, architecture, task, card tags, languages, then
    dataset:, arxiv:, base_model:, license: and region:us."""
    tags = [m.library] if m.library else []
    if m.library == "gguf":
        tags.append("gguf")
    elif m.weights and m.weights[0].path.endswith(".safetensors"):
        tags.append("safetensors")
    elif m.weights and m.weights[0].path.endswith(".bin"):
        tags.append("pytorch")
    if m.library in ("transformers", "mlx"):
        tags.append(m.modality.model_type)
    if m.pipeline_tag:
        tags.append(m.pipeline_tag)
    if card is not None:
        tags += m.card_tags
        tags += m.languages
        tags += [f"dataset:{d}" for d in m.datasets]
        if m.paper:
            tags.append(f"arxiv:{m.paper}")
        for base_id in m.base_ids:
            tags += [f"base_model:{base_id}", f"base_model:{m.relation}:{base_id}"]
        tags += [f"license:{i.lower()}" for i in license_ids(m.license)]
    if m.library == "transformers":
        if m.pipeline_tag == "text-generation":
            tags += ["autotrain_compatible", "text-generation-inference"]
        tags.append("endpoints_compatible")
    tags.append("region:us")
    return list(dict.fromkeys(tags))


# ---------------------------------------------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------------------------------------------


class SyntheticHub:
    """Draws repos and their histories from one `random.Random(seed)` and streams them into a WorldWriter."""

    def __init__(self, writer: WorldWriter, *, seed: int, start_date: str, days: int) -> None:
        self.writer = writer
        self.rng = random.Random(seed)
        self.days = days
        self.start_ts = dt.datetime.fromisoformat(start_date).replace(tzinfo=dt.timezone.utc).timestamp()
        self.oldest_ts = dt.datetime.combine(HUB_START, dt.time(), tzinfo=dt.timezone.utc).timestamp()
        self.safetensors_cutover = dt.datetime(2023, 6, 1, tzinfo=dt.timezone.utc).timestamp()
        self.authors: list[Author] = []
        self.author_slugs: set[str] = set()
        self.repo_authors: list[Author] = []  # one entry per repo: drawing from it favours prolific authors
        self.taken_repo_ids: set[str] = set()  # every id ever used, so renames and new repos never collide
        self.bases: dict[str, list[BaseRef]] = {m.key: [] for m in MODALITIES}
        self.hub_datasets: list[str] = []
        self.written_datasets: set[str] = set()
        self.datasets_written = 0
        self.seed = seed
        self.shared_files: dict[tuple, FileEntry] = {}
        self.support_cache: dict[tuple, list[FileEntry]] = {}
        self.counts: Counter = Counter()
        self.revisions_written = 0

    # -- names ----------------------------------------------------------------------------------------------

    def new_author(self) -> Author:
        rng = self.rng
        is_org = rng.random() < ORGANISATION_SHARE
        while True:
            stem = syllable_word(rng, choose(rng, (2, 2, 3)))
            if is_org:
                slug = stem + choose(rng, ORG_SUFFIXES)
            else:
                slug = stem + choose(rng, ("", "", "", "-" + syllable_word(rng, 1), str(rng.randrange(10, 1000))))
            if slug not in self.author_slugs and not looks_real(slug):
                break
        self.author_slugs.add(slug)
        display = " ".join(part.capitalize() for part in slug.split("-")).replace(" Ai", " AI").replace(" Ml", " ML")
        author = Author(slug=slug, display=display if is_org else slug, is_org=is_org, stem=stem)
        self.authors.append(author)
        return author

    def draw_author(self) -> Author:
        if not self.repo_authors or self.rng.random() < NEW_AUTHOR_SHARE:
            return self.new_author()
        return self.repo_authors[int(self.rng.random() * len(self.repo_authors))]

    def claim_repo_id(self, author: Author, name: str) -> str:
        """The name itself if free under that author, else the name with a version suffix, as people do."""
        candidate, n = name, 1
        while f"{author.slug}/{candidate}" in self.taken_repo_ids:
            n += 1
            candidate = f"{name}-v{n}"
        self.taken_repo_ids.add(f"{author.slug}/{candidate}")
        return candidate

    def hub_dataset(self, author: Author, stem: str, topic: str) -> str:
        """A fictional Hub dataset id: the author's own, or one of a shared pool that many finetunes reuse."""
        rng = self.rng
        if self.hub_datasets and rng.random() < 0.7:
            return self.hub_datasets[int(len(self.hub_datasets) * rng.random() ** 2)]
        dataset = f"{author.slug}/{stem}-{topic}-{choose(rng, ('10k', '50k', '200k', 'v1', 'mix', 'clean', 'sft'))}"
        if dataset not in self.written_datasets:
            self.written_datasets.add(dataset)
            self.write_dataset(dataset, author)
        if len(self.hub_datasets) < 20_000:
            self.hub_datasets.append(dataset)
        return dataset

    def write_dataset(self, dataset: str, author: Author) -> None:
        """The dataset repo a card names, with its own license. Drawn from a generator of its own (seeded by the
        world's seed and the id), so adding datasets leaves every model of a seed unchanged."""
        rng = random.Random(f"{self.seed}:dataset:{dataset}")
        if rng.random() < MISSING_DATASET_SHARE:
            return
        license_id = pick(rng, DATASET_LICENSE_TABLE)
        card: dict = {"license": license_id} if license_id else {}
        if license_id == "other":
            card["license_name"] = f"{author.slug}-data-terms"
        tags = [f"license:{license_id}"] if license_id else []
        created = self.oldest_ts + rng.random() * (self.start_ts - self.oldest_ts)
        info = {
            "author": author.slug, "createdAt": iso_at(created), "private": False, "disabled": False,
            "gated": "auto" if rng.random() < 0.05 else False, "downloads": int(rng.paretovariate(0.9)),
            "likes": rng.randrange(0, 20), "tags": tags, "cardData": card,
        }
        self.writer.add_revision(Revision(
            hub_id=hex_id(rng, 24), repo_id=dataset, commit_sha=hex_id(rng, 40), commit_date=iso_at(created),
            commit_title="initial commit", info=info, repo_type="dataset",
        ))
        self.datasets_written += 1

    # -- one model --------------------------------------------------------------------------------------------

    def new_model(self, index: int, created_ts: float) -> Model:
        rng = self.rng
        modality = pick(rng, MODALITY_TABLE)
        tag_table, library_table, size_table, relation_table = MODALITY_TABLES[modality.key]
        author = self.draw_author()
        self.repo_authors.append(author)
        relation = pick(rng, relation_table)
        pool = self.bases[modality.key]
        if relation != "base" and len(pool) < (2 if relation == "merge" else 1):
            relation = "base"
        base = merged = None
        if relation == "merge":  # models of one size, as merges need
            first = self.draw_base(pool)
            same_size = (self.draw_base(pool) for _ in range(8))
            merged = [first, *itertools.islice((b for b in same_size if b.size == first.size), choose(rng, (1, 1, 2)))]
            merged = list({b.repo_id: b for b in merged}.values())
            base = merged[0]
            if len(merged) < 2:  # drew the same base twice: that is a finetune
                relation, merged = "finetune", None
        elif relation != "base":
            base = self.draw_base(pool)
        size, params = (base.size, base.params) if base else pick(rng, size_table)
        params = int(params * (0.97 + 0.06 * rng.random()))
        stem = base.stem if base else (author.stem if author.is_org and rng.random() < 0.6 else syllable_word(rng, 2))
        library = pick(rng, library_table)
        if relation == "adapter":
            library = "peft" if modality.key != "diffusion" else "diffusers"
        elif relation == "quantized":
            library = "gguf" if rng.random() < 0.6 else "transformers"
        hub_ts = max(created_ts, LEGACY_TS)
        m = Model(
            hub_id=f"{int(hub_ts):08x}{hex_id(rng, 10)}{index % (1 << 24):06x}",
            author=author, name="", modality=modality, relation=relation, size=size, params=params,
            pipeline_tag=pick(rng, tag_table), library=library, style=None, created_ts=created_ts,
            created_at=iso_at(created_ts) if created_ts >= LEGACY_TS else LEGACY_CREATED_AT, stem=stem,
            tokenizer=base.tokenizer if base else f"{stem}-{hex_id(rng, 4)}", flavor=rng.getrandbits(64),
            base=base, merged=merged or [],
        )
        m.name = self.claim_repo_id(author, self.model_name(m))
        m.card_repo_id = m.repo_id
        m.weights = [lfs_file(path, sha256, size) for path, sha256, size in self.weight_files(m)]
        m.downloads, m.likes = self.popularity(created_ts)
        if rng.random() >= NO_README_SHARE:
            self.write_card_facts(m)
        if relation in ("base", "finetune") and (relation == "base" or rng.random() < 0.2) \
                and len(pool) < BASE_POOL_LIMIT:
            pool.append(BaseRef(m.repo_id, m.name, m.stem, m.size, m.params, m.license, m.custom_license,
                                m.tokenizer))
        return m

    def draw_base(self, pool: list[BaseRef]) -> BaseRef:
        return pool[int(len(pool) * self.rng.random() ** BASE_POPULARITY_SKEW)]

    def model_name(self, m: Model) -> str:
        rng, key, topic = self.rng, m.modality.key, choose(self.rng, m.modality.topics)
        if m.relation == "quantized":
            return f"{m.base.name}-{choose(rng, QUANT_FORMATS)}"
        if m.relation == "adapter":
            return choose(rng, (f"{m.base.name}-lora-{topic}", f"{m.stem}-{topic}-lora", f"{topic}-lora-{m.size}"))
        if m.relation == "merge":
            return f"{m.merged[0].stem}-{m.merged[1].stem}-{m.size}-{choose(rng, ('merge', 'slerp', 'ties'))}"
        if m.relation == "finetune":
            return choose(rng, (f"{m.base.name}-finetuned-{topic}", f"{m.base.name}-{topic}",
                               f"{syllable_word(rng, 2)}-{m.size}-{topic}", f"{m.base.name}-{topic}-ft"))
        if key == "rl":
            return f"{choose(rng, ('ppo', 'dqn', 'a2c', 'sac'))}-{topic}"
        if key == "causal-lm":
            name = f"{m.stem}-{m.size}{choose(rng, ('', '', '-instruct', '-chat', '-base', '-v0.1', '-v2', '-it'))}"
            if m.author.is_org and rng.random() < 0.4:  # organisations often capitalise: Quill-7B-Instruct
                name = "-".join(p.upper() if p[0].isdigit() else p if p[1:2].isdigit() else p.capitalize()
                                for p in name.split("-"))
            return name
        if key == "diffusion":
            return f"{m.stem}-diffusion-{m.size}"
        if key == "vision":
            return f"{m.stem}-{m.size}-patch16-224"
        if key == "other":
            return f"{m.stem}-{topic}"
        return f"{m.stem}-{m.size}{choose(rng, ('', '', '-cased', '-uncased', '-multilingual', '-v2'))}"

    def weight_files(self, m: Model) -> list[tuple[str, str, int]]:
        """The repo's LFS files as (path, sha256, size), fixed at creation; also sets the weights' dtype."""
        rng = self.rng

        def sha() -> str:
            return hex_id(rng, 64)

        new = m.created_ts >= self.safetensors_cutover
        use_safetensors = rng.random() < (SAFETENSORS_SHARE_NEW if new else SAFETENSORS_SHARE_OLD)
        m.weights_dtype = "BF16" if m.params > 5e8 else "F32"
        width = 2 if m.weights_dtype == "BF16" else 4
        if m.library == "gguf":
            return [(f"{m.base.name}.{q}.gguf", sha(), int(m.params * bits / 8))
                    for q, bits in (("Q4_K_M", 4.8), ("Q5_K_M", 5.7), ("Q8_0", 8.5))[: choose(rng, (1, 2, 3))]]
        if m.relation == "adapter":
            path = "adapter_model.safetensors" if m.library == "peft" else "pytorch_lora_weights.safetensors"
            return [(path, sha(), int(m.params * 0.004) + 4096)]
        if m.library == "diffusers":
            return [("unet/diffusion_pytorch_model.safetensors", sha(), int(m.params * 2)),
                    ("vae/diffusion_pytorch_model.safetensors", sha(), 167_335_342),
                    ("text_encoder/model.safetensors", sha(), 492_265_168)]
        if m.library in ("stable-baselines3", "ml-agents", "sample-factory"):
            return [(f"{m.name}.zip", sha(), 140_000 + rng.randrange(100_000)),
                    ("replay.mp4", sha(), 900_000 + rng.randrange(400_000))]
        if m.library in ("sklearn", "joblib"):
            return [("model.joblib", sha(), 50_000 + rng.randrange(5_000_000))]
        if m.library in ("onnx", "keras", "espnet", "speechbrain", "nemo"):
            ext = {"onnx": "onnx", "keras": "keras", "espnet": "pth", "speechbrain": "ckpt", "nemo": "nemo"}
            return [(f"model.{ext[m.library]}", sha(), int(m.params * 4))]
        if m.relation == "quantized":  # 4-bit weights packed into int32
            m.weights_dtype, width = "I32", 0.6
        total = int(m.params * width) if use_safetensors else int(m.params * 4)
        if not use_safetensors:
            return [("pytorch_model.bin", sha(), total)]
        shards = math.ceil(total / 4.9e9)
        if shards == 1:
            return [("model.safetensors", sha(), total)]
        return [(f"model-{i:05d}-of-{shards:05d}.safetensors", sha(), total // shards) for i in range(1, shards + 1)]

    def popularity(self, created_ts: float) -> tuple[int, int]:
        rng = self.rng
        downloads = int(2 * (1.0 - rng.random()) ** (-1 / DOWNLOADS_PARETO_ALPHA)) - 2
        if created_ts >= self.start_ts:  # brand-new repos have not been downloaded much yet
            downloads //= 20
        likes = int(downloads ** LIKES_PER_DOWNLOAD_EXPONENT / 8 * (0.5 + rng.random()))
        return downloads, likes

    def write_card_facts(self, m: Model) -> None:
        """Everything the README says: style, license, links, datasets, checkpoints, paper, gating."""
        rng = self.rng
        style_key = ("base", m.author.is_org) if m.relation == "base" else m.relation
        m.style = pick(rng, STYLE_TABLES[style_key])
        shares = DISCLOSURE_SHARES[m.style]
        if m.modality.has_language:
            m.languages = pick(rng, LANGUAGES)
        m.declares_task = rng.random() < DECLARES_TASK_SHARE
        m.declares_relation = m.base is not None and rng.random() < DECLARES_RELATION_SHARE
        m.card_tags = self.card_tags(m)
        inherit = m.base is not None and rng.random() < INHERIT_LICENSE_SHARE.get(m.relation, 0.0)
        if inherit:
            m.license, m.custom_license = m.base.license, m.base.custom_license
        else:
            self.draw_license(m)
        self.set_license_file(m)
        if rng.random() < shares["code"]:
            m.training_code = self.github_url(m, "train")
        if rng.random() < shares["usage"]:
            m.usage_link = self.github_url(m, "serve")
        if rng.random() < shares["datasets"]:
            self.disclose_datasets(m, with_corpora=rng.random() < shares["corpora"],
                                   with_composition=rng.random() < shares["composition"])
        elif rng.random() < shares["corpora"]:
            self.disclose_datasets(m, with_corpora=True, with_composition=False, hub_datasets=False)
        if rng.random() < shares["paper"]:
            m.paper = self.arxiv_id()
        if m.modality.key in CHECKPOINT_MODALITIES and m.relation in ("base", "finetune") \
                and rng.random() < shares["branches"]:
            m.branches = self.checkpoint_branches()
        elif rng.random() < shares["mention"]:
            m.mentions_checkpoints = True
        m.open_claim = rng.random() < shares["open_claim"]
        ids = license_ids(m.license)
        gated_share = (GATED_SHARE_VENDOR if any(i in VENDOR_LICENSES for i in ids)
                       else GATED_SHARE_OTHER if m.custom_license else GATED_SHARE_DEFAULT)
        if m.base is not None:
            gated_share *= DERIVATIVE_GATING_FACTOR
        if rng.random() < gated_share:
            m.gated = "manual" if rng.random() < GATED_MANUAL_SHARE else "auto"

    def card_tags(self, m: Model) -> list[str]:
        rng = self.rng
        tags = {"trainer": ["generated_from_trainer"], "quantized": ["quantized"], "merge": ["merge"]}.get(m.style, [])
        if m.relation == "adapter":
            tags.append("lora")
        if m.library == "gguf":
            tags.append("gguf")
        if m.modality.key == "causal-lm" and rng.random() < 0.3:
            tags.append(choose(rng, ("sft", "dpo", "chat", "instruct", "code", "reasoning")))
        if rng.random() < 0.1:
            tags.append(choose(rng, m.modality.topics).lower())
        return tags

    def draw_license(self, m: Model) -> None:
        rng = self.rng
        value = pick(rng, LICENSE_TABLES[m.modality.key])
        m.custom_license = None
        if value == OTHER:
            m.license = "other"
            link = pick(rng, LICENSE_LINKS)
            m.custom_license = custom_license(m.author, pick(rng, CUSTOM_KINDS), link if link != "url" else
                                              f"https://github.com/{m.author.slug}/{m.stem}/blob/main/LICENSE")
        elif value == LIST:
            m.license = list(choose(rng, LICENSE_LISTS))
        elif value == WRONG_CASE:
            m.license = choose(rng, WRONG_CASE_LICENSES)
        else:
            m.license = value

    def set_license_file(self, m: Model) -> None:
        rng = self.rng
        ids = license_ids(m.license)
        if m.custom_license:
            link = m.custom_license.link
            m.license_file = link if link in ("LICENSE", "LICENSE.md") else ("LICENSE" if rng.random() < 0.5 else None)
        elif any(i in VENDOR_LICENSES for i in ids):
            m.license_file = "LICENSE" if rng.random() < VENDOR_LICENSE_FILE_SHARE else None
        elif ids and ids[0] in STANDARD_LICENSE_TEXTS:
            m.license_file = "LICENSE" if rng.random() < STANDARD_LICENSE_FILE_SHARE else None
        else:
            m.license_file = None

    def github_url(self, m: Model, purpose: str) -> str:
        repo = choose(self.rng, {"train": (f"{m.stem}-train", m.stem, "training-recipes", f"{m.stem}-pretraining"),
                                "serve": (f"{m.stem}-serve", f"{m.stem}-inference", f"{m.stem}-demo", "examples")}
                               [purpose])
        return f"https://github.com/{m.author.slug}/{repo}"

    def disclose_datasets(self, m: Model, *, with_corpora: bool, with_composition: bool,
                          hub_datasets: bool = True) -> None:
        rng = self.rng
        topic = choose(rng, m.modality.topics).lower()
        if hub_datasets:
            m.datasets = list(dict.fromkeys(self.hub_dataset(m.author, m.stem, topic)
                                            for _ in range(choose(rng, (1, 1, 1, 2, 3)))))
            m.datasets_as_string = rng.random() < 0.15
        if with_corpora or with_composition:
            corpora = IMAGE_CORPORA if m.modality.key == "diffusion" else PUBLIC_CORPORA
            m.corpora = tuple(rng.sample(corpora, min(len(corpora), choose(rng, (1, 2, 3, 3, 4)))))
            m.total_tokens = (m.params * choose(rng, (20, 50, 100, 200))) if m.modality.key != "diffusion" else 0.0
        if with_composition and m.total_tokens:
            sources = list(m.corpora) + [choose(rng, ("Synthetic instructions (in-house)", "Licensed books",
                                                     "Curated code"))]
            weights = [rng.random() + 0.1 for _ in sources]
            shares = [round(w / sum(weights), 3) for w in weights]
            shares[0] = round(1 - sum(shares[1:]), 3)  # the column adds up to 100%
            m.composition = list(zip(sources, shares))

    def arxiv_id(self) -> str:
        # Real arXiv numbers stay below 40000 per month, so 9xxxx ids are fictional by construction.
        rng = self.rng
        return f"{choose(rng, ('24', '25', '25', '26'))}{rng.randrange(1, 13):02d}.9{rng.randrange(10_000):04d}"

    def checkpoint_branches(self) -> list[Ref]:
        rng = self.rng
        count = rng.randint(*CHECKPOINT_BRANCH_RANGE)
        every = choose(rng, (500, 1000, 2000, 5000))
        tokens_per_step = choose(rng, (2, 4, 8)) / 1000  # billions of tokens per step
        with_tokens = rng.random() < CHECKPOINT_TOKENS_NAMING_SHARE
        names = [f"step{every * k}" + (f"-tokens{round(every * k * tokens_per_step)}B" if with_tokens else "")
                 for k in range(1, count + 1)]
        # Branch targets are commits of their own that are not revisions of main.
        return [Ref(kind="branch", name=name, target=hex_id(rng, 40)) for name in names]

    # -- files and revisions ---------------------------------------------------------------------------------

    def shared_file(self, path: str, key: Any, make: Callable[[], str]) -> FileEntry:
        """A small file many repos have with the same content: hashed and stored once."""
        entry = self.shared_files.get((path, key))
        if entry is None:
            entry = self.shared_files[(path, key)] = self.writer.add_file(path, make().encode())
        return entry

    def support_files(self, m: Model) -> list[FileEntry]:
        """Config and tokenizer files: the same few contents across repos, hashed and stored once per kind."""
        key = (m.modality.key, m.library, m.relation == "adapter", m.size)
        files = self.support_cache.get(key)
        if files is None:
            files = self.support_cache[key] = [self.writer.add_file(path, content.encode())
                                               for path, content in support_file_contents(m)]
        files = list(files)
        if m.relation == "adapter" and m.library == "peft":
            files.append(self.writer.add_file("adapter_config.json", (
                f'{{\n  "base_model_name_or_path": "{m.base.repo_id}",\n  "peft_type": "LORA",\n  "r": 16,\n'
                f'  "lora_alpha": 32,\n  "target_modules": ["q_proj", "v_proj"]\n}}\n').encode()))
        if any(f.path == "tokenizer_config.json" for f in files):
            # tokenizer.json is large, so LFS; a base and its derivatives share it
            digest = hashlib.sha256(f"tokenizer:{m.tokenizer}".encode()).hexdigest()
            files.append(lfs_file("tokenizer.json", digest, 1_000_000 + int(digest[:5], 16) % 8_000_000))
        if len(m.weights) > 1 and m.weights[0].path.startswith("model-"):
            total = sum(f.lfs_size for f in m.weights)
            files.append(self.writer.add_file("model.safetensors.index.json", (
                f'{{\n  "metadata": {{"total_size": {total}}},\n  "weight_map": {{}}\n}}\n').encode()))
        return files

    def license_file_entry(self, m: Model) -> FileEntry:
        ids = license_ids(m.license)
        if m.custom_license:
            c = m.custom_license
            return self.shared_file(m.license_file, c, lambda: CUSTOM_LICENSE_TEXTS[c.kind].format(
                holder=c.holder, title=CUSTOM_LICENSE_TITLES[c.kind]))
        if ids[0] in VENDOR_LICENSES:
            return self.shared_file(m.license_file, ids[0], lambda: VENDOR_LICENSE_TEXT.format(
                title=LICENSE_PROSE[ids[0]] + " Agreement"))
        if ids[0] == "mit":
            year = time.gmtime(m.created_ts).tm_year
            return self.shared_file(m.license_file, ("mit", m.author.slug, year), lambda: STANDARD_LICENSE_TEXTS[
                "mit"].format(year=year, holder=m.author.display))
        return self.shared_file(m.license_file, ids[0], lambda: STANDARD_LICENSE_TEXTS[ids[0]])

    def render(self, m: Model, commit_ts: float, title: str) -> Revision:
        """The revision for the model's current facts, committed at `commit_ts`."""
        files = self.support_files(m)
        card = None
        if m.style is not None:
            card = card_data(m)
            files.append(self.writer.add_file("README.md", readme_text(m, card).encode()))
        if m.license_file:
            files.append(self.license_file_entry(m))
        files += m.weights
        files.sort(key=lambda f: f.path)
        info: dict[str, Any] = {
            "author": m.author.slug, "private": False, "disabled": False, "gated": m.gated,
            "downloads": m.downloads, "likes": m.likes,
        }
        if m.library:
            info["library_name"] = m.library
        if m.pipeline_tag:
            info["pipeline_tag"] = m.pipeline_tag
        info["tags"] = hub_tags(m, card)
        info["createdAt"] = m.created_at
        if card:
            info["cardData"] = card
        if m.library != "diffusers" and any(f.path.endswith(".safetensors") for f in m.weights):
            count = sum(f.lfs_size for f in m.weights) // (2 if m.weights_dtype == "BF16" else 4)
            info["safetensors"] = {"parameters": {m.weights_dtype: count}, "total": count}
        info["usedStorage"] = sum(f.lfs_size or f.size for f in files)
        return Revision(hub_id=m.hub_id, repo_id=m.repo_id, commit_sha=hex_id(self.rng, 40),
                        commit_date=iso_at(commit_ts), commit_title=title, info=info, files=files,
                        refs=list(m.branches))

    # -- history ----------------------------------------------------------------------------------------------

    def write_repo(self, index: int, created_day: int) -> None:
        """One repo with its whole history: created before the first date (day 0) or on a later day."""
        rng = self.rng
        if created_day == 0:
            span = self.start_ts - self.oldest_ts
            created_ts = self.start_ts - 3600 - span * rng.random() ** 2.2  # the Hub grows: most repos are recent
            commit_ts = created_ts + (self.start_ts - 60 - created_ts) * rng.random() ** 3
        else:
            created_ts = commit_ts = self.day_ts(created_day)
        m = self.new_model(index, created_ts)
        revision = self.render(m, commit_ts, initial_commit_title(m, rng))
        self.add(revision)
        rate = CHANGE_SHARE_PER_DAY * (ACTIVE_RATE_FACTOR if rng.random() < ACTIVE_REPO_SHARE
                                       else DORMANT_RATE_FACTOR)
        day = created_day
        while True:
            day += 1 + int(math.log(1.0 - rng.random()) / math.log(1.0 - rate))  # days until the next change
            if day >= self.days:
                return
            kind = pick(rng, CHANGE_KINDS)
            when = self.day_ts(day)
            if kind == "deletion":
                self.add(dataclasses.replace(revision, commit_sha=hex_id(rng, 40), commit_date=iso_at(when),
                                             commit_title="Delete repository", deleted=True))
                self.counts["deletion"] += 1
                return
            kind, title = self.apply_change(m, kind)
            self.grow_popularity(m)
            revision = self.render(m, when, title)
            self.add(revision)
            self.counts[kind] += 1

    def day_ts(self, day: int) -> float:
        """A random instant (to the millisecond) within a day, day 0 being the start date."""
        return self.start_ts + day * 86400 + self.rng.randrange(86_400_000) / 1000

    def add(self, revision: Revision) -> None:
        self.writer.add_revision(revision)
        self.revisions_written += 1

    def grow_popularity(self, m: Model) -> None:
        rng = self.rng
        m.downloads += int(m.downloads * 0.05 * rng.random()) + rng.randrange(3)
        m.likes += rng.random() < 0.2

    def apply_change(self, m: Model, kind: str) -> tuple[str, str]:
        """Mutates the model for a change of that kind; an inapplicable kind falls back to a plain edit."""
        change = getattr(self, f"change_{kind}")(m)
        if change is None:
            kind = "readme_edit" if m.style is not None else "weights_updated"
            change = getattr(self, f"change_{kind}")(m)
        return kind, change

    def change_readme_edit(self, m: Model) -> str | None:
        if m.style is None:
            return None
        m.edit_notes.append(choose(self.rng, TRIVIAL_EDIT_NOTES))
        return "Update README.md"

    def change_weights_updated(self, m: Model) -> str:
        m.weights = [lfs_file(f.path, hex_id(self.rng, 64), f.lfs_size + self.rng.randrange(-4096, 4096) // 8 * 8)
                     for f in m.weights]
        return f"Upload {m.weights[0].path}" if m.weights else "Upload folder using huggingface_hub"

    def change_license_change(self, m: Model) -> str | None:
        if m.style is None:
            return None
        rng, ids = self.rng, license_ids(m.license)
        was_custom, m.custom_license = m.custom_license is not None, None
        if was_custom:  # a custom license opened up
            m.license = choose(rng, ("apache-2.0", "mit"))
            title = f"Relicense under {LICENSE_PROSE[m.license]}"
        elif not ids:
            m.license = choose(rng, ("apache-2.0", "mit", "cc-by-nc-4.0", "other"))
            title = "Add license"
        elif isinstance(m.license, list) or m.license != m.license.lower() or " " in m.license:
            m.license = ids[0].lower().replace(" ", "-")
            title = "Fix license id"
        elif m.license in VENDOR_LICENSES:
            m.license = {"llama2": "llama3", "llama3": "llama3.1", "llama3.1": "llama3.2"}.get(m.license, "apache-2.0")
            title = f"Update license to {m.license}"
        else:  # tightened
            m.license = "other" if m.license.startswith("cc-by-nc") else choose(rng, ("cc-by-nc-4.0", "other"))
            title = "Restrict license to non-commercial use"
        if m.license == "other":
            m.custom_license = custom_license(m.author, choose(rng, ("research", "community")), "LICENSE")
            title = f"Switch to the {m.custom_license.holder} {CUSTOM_LICENSE_TITLES[m.custom_license.kind]}"
        self.set_license_file(m)
        return title

    def change_code_link_added(self, m: Model) -> str | None:
        if m.style in (None, "quantized", "merge") or m.training_code:
            return None
        m.training_code = self.github_url(m, "train")
        return "Add link to training code"

    def change_code_link_removed(self, m: Model) -> str | None:
        if not m.training_code:
            return None
        m.training_code = None
        return "Remove training code link"

    def change_datasets_disclosed(self, m: Model) -> str | None:
        if m.style is None or m.datasets or m.style == "quantized":
            return None
        self.disclose_datasets(m, with_corpora=m.style == "full", with_composition=m.style == "full")
        return "Add training data details"

    def change_checkpoints_published(self, m: Model) -> str | None:
        if m.style in (None, "trainer") or m.branches or m.relation not in ("base", "finetune") \
                or m.modality.key not in CHECKPOINT_MODALITIES:
            return None
        m.branches = self.checkpoint_branches()
        m.mentions_checkpoints = False
        return "Publish intermediate checkpoints"

    def change_gating_added(self, m: Model) -> str | None:
        if m.style is None or m.gated:
            return None
        m.gated = "manual" if self.rng.random() < GATED_MANUAL_SHARE else "auto"
        return "Add access request form"

    def change_gating_removed(self, m: Model) -> str | None:
        if not m.gated:
            return None
        m.gated = False
        return "Remove access gating"

    def change_rename(self, m: Model) -> str:
        old = m.repo_id
        rng = self.rng
        if rng.random() < RENAME_TRANSFER_SHARE:
            target = self.draw_author()
            if target is not m.author:
                m.author = target
                m.name = self.claim_repo_id(target, m.name)
                return f"Move {old} to {m.repo_id}"
        m.name = self.claim_repo_id(m.author, m.name + choose(rng, ("-legacy", "-v1", "-preview", "-old", "-hf")))
        return f"Rename {old} to {m.repo_id}"

    # -- the whole world --------------------------------------------------------------------------------------

    def run(self, models: int, progress: Callable[[int, int], None] | None) -> dict[str, Any]:
        rng = self.rng
        new_per_day = [0] + [int(models * NEW_REPO_SHARE_PER_DAY * (0.7 + 0.6 * rng.random()) + rng.random())
                             for _ in range(1, self.days)]
        total = models + sum(new_per_day)
        plan = itertools.chain(itertools.repeat(0, models),
                               *(itertools.repeat(day, n) for day, n in enumerate(new_per_day)))
        for index, day in enumerate(plan):
            self.write_repo(index, day)
            if progress and (index + 1) % 10_000 == 0:
                progress(index + 1, total)
        if progress:
            progress(total, total)
        changes = dict(sorted(self.counts.items()))
        return {
            "repos": total,
            "initial_repos": models,
            "new_repos": total - models,
            "revisions": self.revisions_written,
            "dataset_repos": self.datasets_written,
            "blobs": self.writer.blob_count,
            "authors": len(self.authors),
            "renames": changes.get("rename", 0),
            "deletions": changes.get("deletion", 0),
            "changes": changes,
        }


def support_file_contents(m: Model) -> list[tuple[str, str]]:
    """The small files a repo of this kind carries besides README, LICENSE and weights: (path, content)."""
    key, library = m.modality.key, m.library
    files = [(".gitattributes", GITATTRIBUTES)]
    if m.relation == "adapter" or library in (None, "gguf", "sklearn", "joblib", "onnx", "keras", "espnet",
                                               "speechbrain", "nemo"):
        return files
    if library == "diffusers":
        return files + [
            ("model_index.json", json.dumps({"_class_name": "HalvenDiffusionPipeline",
                                             "_diffusers_version": "0.31.0", "variant": m.size}, indent=2)),
            ("scheduler/scheduler_config.json", json.dumps({"_class_name": "EulerDiscreteScheduler",
                                                            "num_train_timesteps": 1000}, indent=2))]
    files.append(("config.json", json.dumps({
        "architectures": [f"{m.modality.model_type.capitalize()}Model"], "model_type": m.modality.model_type,
        "size": m.size, "torch_dtype": "bfloat16"}, indent=2)))
    if key == "causal-lm":
        files.append(("generation_config.json", json.dumps(
            {"bos_token_id": 1, "eos_token_id": 2, "do_sample": True, "temperature": 0.7}, indent=2)))
    if key in ("causal-lm", "encoder", "seq2seq", "embedding", "speech"):
        files.append(("tokenizer_config.json", json.dumps(
            {"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": 4096}, indent=2)))
        files.append(("special_tokens_map.json", json.dumps(
            {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>"}, indent=2)))
    if key == "embedding":
        files.append(("modules.json", json.dumps(
            [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
             {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}])))
        files.append(("1_Pooling/config.json", json.dumps(
            {"word_embedding_dimension": 768, "pooling_mode_mean_tokens": True})))
    if key in ("speech", "vision"):
        files.append(("preprocessor_config.json", json.dumps(
            {"feature_extractor_type": f"{m.modality.model_type.capitalize()}FeatureExtractor"}, indent=2)))
    return files


def initial_commit_title(m: Model, rng: random.Random) -> str:
    if m.style == "trainer":
        return choose(rng, ("End of training", "Training in progress, epoch 3", "Model save"))
    return choose(rng, ("Upload folder using huggingface_hub", "Upload model", "initial commit", "Add model files",
                       f"Upload {m.modality.model_type.capitalize()}Model"))


GITATTRIBUTES = "".join(f"*.{ext} filter=lfs diff=lfs merge=lfs -text\n" for ext in (
    "7z", "arrow", "bin", "bz2", "ckpt", "ftz", "gguf", "gz", "h5", "joblib", "keras", "mlmodel", "model", "msgpack",
    "nemo", "npy", "npz", "onnx", "ot", "parquet", "pb", "pickle", "pkl", "pt", "pth", "rar", "safetensors", "tar",
    "tflite", "tgz", "wasm", "xz", "zip", "zst", "mp4")) + "tokenizer.json filter=lfs diff=lfs merge=lfs -text\n"


def generate_world(
    folder: str | Path,
    *,
    models: int,
    days: int,
    seed: int,
    start_date: str = "2026-01-01",
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Writes a synthetic world of `models` repos on `start_date`, with `days` dates of history, and returns a
    summary (repos, revisions, blobs, renames, deletions, changes by kind). Same arguments, same bytes."""
    if models < 1 or days < 1:
        raise ValueError("models and days must be at least 1")
    start = dt.date.fromisoformat(start_date)
    dates = [(start + dt.timedelta(days=i)).isoformat() for i in range(days)]
    writer = WorldWriter(
        folder, kind="synthetic", dates=dates, seed=seed,
        description=f"Synthetic hub: {models} fictional models on {dates[0]}, {days} day(s) of history, seed {seed}",
        notes=["Every organisation, user, model, Hub dataset, GitHub repository and arXiv id is fictional.",
               "Checkpoint branches point at commits that are not revisions of main.",
               "LFS files (weights, tokenizer.json) have a sha256 and a size but no stored content."],
    )
    # Generation allocates millions of objects and frees few, none in cycles: the cyclic collector would only
    # rescan them over and over (a quarter of the run time at a million repos).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        with writer:
            summary = SyntheticHub(writer, seed=seed, start_date=dates[0], days=days).run(models, progress)
    finally:
        if gc_was_enabled:
            gc.enable()
    return {"folder": str(writer.folder), "dates": [dates[0], dates[-1]], "seed": seed, **summary}
