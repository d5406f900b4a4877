"""Every enumeration the published tables hold, defined once.

The extractor, the rubric and the SQL read these; the Great Expectations suites in expectations/ spell the same
value sets out, and tests/test_vocabulary.py fails when a suite and an enumeration drift apart (SUITE_COLUMNS says
which column of which suite each enumeration governs). Members are strings (StrEnum), so a stored value and a
member compare equal.
"""

from __future__ import annotations

from enum import StrEnum


class CodeRole(StrEnum):
    """What a code link is to this model (model_facts.code_links.role)."""

    TRAINING = "training"  # the code that trained this model: its repo, script, notebook, config or recipe
    INFERENCE = "inference"  # usage, demos, serving
    OTHER = "other"  # libraries, the model's own repository for details, evaluation, courses, code for users


class DataDisclosure(StrEnum):
    NONE = "none"  # no training data named
    NAMED = "named"  # training data named
    DESCRIBED = "described"  # and described: composition, proportions, per-source sizes, filtering steps


class CheckpointStatus(StrEnum):
    PUBLISHED = "published"  # checkpoint branches or files exist
    MENTIONED = "mentioned"  # only the card says training-time checkpoints are published
    NONE = "none"


class LicenseSource(StrEnum):
    """The most authoritative source that named a license (model_facts.license_source)."""

    CARD_METADATA = "card_metadata"
    TAGS = "tags"
    LICENSE_FILE = "license_file"
    README = "readme"
    NONE = "none"


class Gated(StrEnum):
    NO = "no"
    AUTO = "auto"
    MANUAL = "manual"
    UNKNOWN = "unknown"


class BaseRelation(StrEnum):
    FINETUNE = "finetune"
    ADAPTER = "adapter"
    MERGE = "merge"
    QUANTIZED = "quantized"


class EvidenceDimension(StrEnum):
    """What an evidence row is evidence for (evidence.dimension)."""

    LICENSE = "license"
    TRAINING_CODE = "training_code"
    CODE = "code"
    DATASETS = "datasets"
    DATA_COMPOSITION = "data_composition"
    CHECKPOINTS = "checkpoints"
    PAPER = "paper"
    BASE_MODEL = "base_model"
    ACCESS = "access"
    MODEL_CARD = "model_card"
    CARD_FAMILY = "card_family"


class SourceKind(StrEnum):
    """Where an evidence row was read (evidence.source_kind)."""

    CARD_METADATA = "card_metadata"
    README = "readme"
    TAGS = "tags"
    BRANCH = "branch"
    FILE = "file"
    LICENSE_FILE = "license_file"
    LISTING = "listing"
    DATASET_METADATA = "dataset_metadata"


class CardFamily(StrEnum):
    """The generator that wrote a card (pipeline/extract/families.py tells them apart)."""

    TRAINER = "trainer"  # transformers Trainer / Keras callback cards ("generated automatically according to ...")
    AUTOTRAIN = "autotrain"
    SB3 = "sb3"  # stable-baselines3 push_to_hub cards
    RL_ZOO = "rl_zoo"  # SB3 cards pushed by the RL Zoo (with its training command)
    CLEANRL = "cleanrl"
    SAMPLE_FACTORY = "sample_factory"
    ML_AGENTS = "ml_agents"
    DEEP_RL_COURSE = "deep_rl_course"  # the Deep RL course's Q-Learning and Reinforce cards
    DREAMBOOTH = "dreambooth"  # DreamBooth Colab / Space / diffusers-script cards
    DIFFUSERS_TRAINING = "diffusers_training"  # diffusers' LoRA, text-to-image and textual-inversion script cards
    OPUS_MT = "opus_mt"  # Helsinki-NLP OPUS-MT and Tatoeba-Challenge cards
    SENTENCE_TRANSFORMERS = "sentence_transformers"
    SPEECHBRAIN = "speechbrain"
    ESPNET = "espnet"
    NEMO = "nemo"
    TIMM = "timm"
    SPACY = "spacy"
    HUGGINGPICS = "huggingpics"
    HUB_TEMPLATE = "hub_template"  # the Hub's "Model Card for Model ID" template
    OTHER = "other"  # hand-written, or a generator not told apart


class Grade(StrEnum):
    """A grade on one openness dimension (openness.<dimension>)."""

    OPEN = "open"
    PARTIAL = "partial"
    CLOSED = "closed"
    UNKNOWN = "unknown"


class OpennessClass(StrEnum):
    OSAID_CANDIDATE = "osaid_candidate"
    OPEN_WEIGHTS_PERMISSIVE = "open_weights_permissive"
    OPEN_WEIGHTS_RESTRICTED = "open_weights_restricted"
    GATED_OR_CLOSED = "gated_or_closed"


class MofClass(StrEnum):
    I = "I"  # noqa: E741 - the Model Openness Framework's own name for its class
    II = "II"
    III = "III"
    NONE = "none"


class LineageStatus(StrEnum):
    OWN = "own"  # no base model
    RESOLVED = "resolved"  # the chain ends at a model without a base
    MISSING_BASE = "missing_base"
    CYCLE = "cycle"
    TOO_DEEP = "too_deep"


# (suite, column) -> the enumeration its expect_column_values_to_be_in_set must list.
GRADED_COLUMNS = ("weights", "license", "training_code", "training_data", "data_composition", "checkpoints", "paper",
                  "model_card", "access", "card_training_data", "effective_training_data", "base_training_data",
                  "base_license")
SUITE_COLUMNS: dict[tuple[str, str], type[StrEnum]] = {
    ("model_facts", "license_source"): LicenseSource,
    ("model_facts", "data_disclosure"): DataDisclosure,
    ("model_facts", "checkpoints"): CheckpointStatus,
    ("model_facts", "gated"): Gated,
    ("model_facts", "card_family"): CardFamily,
    ("evidence", "dimension"): EvidenceDimension,
    ("evidence", "source_kind"): SourceKind,
    ("openness", "openness_class"): OpennessClass,
    ("openness", "mof_class"): MofClass,
    ("openness", "lineage_status"): LineageStatus,
    **{("openness", column): Grade for column in GRADED_COLUMNS},
}
