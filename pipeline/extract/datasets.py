"""Training data: which datasets a card names, and whether it describes them (`none` / `named` / `described`).

Datasets come from the `datasets` metadata key, `dataset:` tags, huggingface.co/datasets links, links that
are the object of "trained on ...", "[X](...) dataset" in a sentence about training, names listed in a "trained
on" list, quoted subsets that training steps ran on, repositories named as datasets, Hub ids in backticks in data
sections, the rows of a training-data table of sources, well-known corpora named in training-data contexts, and
the corpora of a spaCy card's `Sources` row.
`described` means the card says something about the data itself: composition, proportions, per-source sizes,
subsets, or filtering / deduplication steps. A single total size does not count.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

from pipeline.extract.families import SourceItem
from pipeline.extract.card import (CONTEXT_CHARS, TABLE_DELIMITER, Card, UrlHit, clean_inline_markdown, evidence_row,
                                   plain_text)
from pipeline.extract.links import (CODE_HOSTS as _CODE_HOSTS, DATA_LOCATION_BEFORE, DATA_OBJECT, EVALUATION_WORDS,
                                    GENERAL_LIBRARIES, TRAINING_WORDS_ANY_LANGUAGE, dataset_repository)
from pipeline.extract.memo import memoised_when_short
from pipeline.extract.model import DatasetFact
from pipeline.vocabulary import DataDisclosure

HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(?:/[\w.-]+)?$")
_IMAGE = re.compile(r"\.(?:png|jpe?g|gif|svg|webp)$", re.IGNORECASE)
_BACKTICKED_ID = re.compile(r"`([A-Za-z0-9][\w.-]*/[\w.-]+)`")

DATA_SECTION = re.compile(r"\b(?:data|datasets?|corpus|corpora|pre-?training)\b", re.IGNORECASE)
NOT_DATA_SECTION = re.compile(
    r"eval|result|benchmark|limitation|bias|citation|acknowledg|risk|\buses?\b|intended|compar", re.IGNORECASE
)
# `(?:trained|tuned)\s+on\b` ("fine-tuned on", "pre-trained on" too; on card.lower) as two literal-led patterns,
# scanned much faster. A match of one never overlaps a match of the other ("trained on" holds no "tuned", and the
# reverse), so together they find exactly the alternation's matches.
_TRAINED_ON_PARTS = [(word, re.compile(word + r"\s+on\b")) for word in ("trained", "tuned")]
# The base model's own pretraining data, named while describing the base: not this model's data.
_BACKBONE = re.compile(r"\bbackbone\b|\binitiali[sz]ed\b|\bbase model\b|\bbase\s+checkpoint\b"
                       r"|\bcheckpoint\s+(?:that\s+was\s+)?pre-?trained\s+on\b", re.IGNORECASE)
HUB_DATASET_LINK = "Hub dataset link"
_LISTED_WITH_A_HUB_LINK = "a link listed with a Hub dataset link"
_ORG_LIKE = re.compile(r"[A-Z]")  # the Hub's legacy one-part dataset ids are lower case (`squad`, `menyo20k_mt`)
_ONE_TOKEN = re.compile(r"^[\w.-]+$")
_DATASET_AFTER_LINK = re.compile(r"[^)\s]*\)\s*(?:dataset|corpus)\b", re.IGNORECASE)  # "[Zero](https://...) dataset"
# `515k steps at 512x512 on "laion-improved-aesthetics"`: a subset named in quotes, shaped like an id (a hyphen, a
# digit or `_`), where training is or after a number of training steps
_ON_QUOTED = re.compile(r"\bon\s+\"([A-Za-z][\w.+ -]{2,59}?)\"")
_ID_LIKE = re.compile(r"[\d_-]")
_BOLD_LINE = re.compile(r"\*\*([^*\n]{3,40}?)\*\*:?[ \t]*$", re.MULTILINE)
_LIST_ITEM_PREFIX = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(?:(?:the|an?)\s+(?:\w+\s+){0,5})?[*_`]*$", re.IGNORECASE)
# Words that never start or make up a dataset's name in "on the X dataset".
_NOT_NAME_WORDS = frozenset({"same", "entire", "whole", "full", "above", "following", "combined", "original", "new",
                             "after", "before", "the", "a", "an", "of", "in", "with", "from", "been", "has", "have",
                             "is", "was", "this", "that", "its", "their", "our", "my", "your", "whole", "public",
                             "custom", "private", "downstream", "respective", "corresponding", "given", "target",
                             # ("fine-tuned on another dataset", "trained on around 12K fake news dataset")
                             "another", "any", "more", "large-scale", "around", "about", "approximately", "over", "specific",
                             # ("trained with the largest available speech dataset")
                             "largest", "biggest", "available",
                             "transformed", "customized", "several", "various", "different", "other", "additional",
                             "larger", "smaller", "example", "examples", "samples"})
_A_SIZE = re.compile(r"\d\s*(?:[KMBT]B?|k|GB|MB|TB|hours?|h)\b")  # "a 0.7GB dataset", "12K fake news": a size, not a name
_OFFERED = re.compile(r"\byou\s+can\b|\byour\s+own\b|\bfor\s+(?:instance|example)\b|\bif\s+you\s+want\b", re.IGNORECASE)
_NOT_A_DATASET_NAME = re.compile(
    r"\bet\s+al\b|\(\s*(?:19|20)\d\d\s*\)|,\s*(?:19|20)\d\d\s*$|\bmodels?\b|\bpaper\b|\bhere\b|\bthis\b|\blink\b|\bsampling\b"
    r"|\bguidance\b|\bnotebook\b|\bscript\b|\bcolab\b|\bcode\b|\blibrary\b|\brepository\b|\.ipynb\b|\bblog\b",
    re.IGNORECASE)
# "Models are post-trained from [Amazon Dataset](...)": data, by the link's own words (matched on the lower case)
_TRAINED_FROM_A_DATA_LINK = "a dataset link that the model was trained from"
# "Fine tuned for donation detection on the [X Dataset](...)": a task, then the data it was trained on (a dataset
# link by its own words)
_TUNED_FOR_A_TASK_ON = re.compile(r"\b(?:trained|tuned)\s+for\s+[^.;:]{3,60}?\s+on\s+(?:the\s+)?[\s*_`\"']*$",
                                  re.IGNORECASE)
_TRAINED_FROM_BEFORE = re.compile(r"\btrained\s+from\s+(?:the\s+)?[\s*_`\"']*$")
_DATA_WORDS_IN_NAME = re.compile(r"\b(?:data(?:set)?s?|corpus|corpora|treebank)\b", re.IGNORECASE)
_NOT_DATA_HOSTS = frozenset({"arxiv.org", "aclanthology.org", "openreview.net", "colab.research.google.com",
                             "doi.org", "wandb.ai", "twitter.com", "youtube.com", "medium.com"})
_DATASET_FIELDS = frozenset({"dataset", "datasets", "training data", "training dataset", "training datasets",
                             "data", "train data", "pretraining data", "fine-tuning data", "finetuning data",
                             "pretrain dataset", "pretraining dataset", "pre-training dataset", "pre-training data"})
# "fine-tuned version of [x](...) on the glue dataset": the Trainer's sentence, and the same in prose ("we fine-tuned
# the [x](...) model on the RACE dataset"); "we used the
# X dataset ... for pretraining".
_ON_THE_X_DATASET = re.compile(
    r"\b(?:(?:trained|tuned|fine-?tuned|finetuned|version\s+of\s+\S+)\s+"
    r"(?:(?:[^.\n\[]|\[[^\]\n]{0,80}\]\([^)\s]{0,200}\)){0,80}?\s)?(?:on|with)|we\s+used)\s+"  # (a link counts as one)
    r"(?:the\s+|an?\s+(?:\w+\s+){0,2}?subset\s+of\s+(?:the\s+)?)?"  # ("on a very small subset of X dataset")
    r"(?P<name>(?P<emphasis>[`*_]{1,2})?[\w][\w./+-]*(?:\s[\w][\w./+-]*){0,3}?(?(emphasis)[`*_]{1,2}))\s+dataset\b",
    # (a name in emphasis or code is closed before "dataset": "**MultiNews dataset**" is the emphasis of an aside)
    re.IGNORECASE)
# The speech Trainer script's "on the MOZILLA-FOUNDATION/COMMON_VOICE_7_0 - FR dataset": a Hub id and its
# configuration, in capitals
_ON_THE_UPPER_CASE_HUB_ID = re.compile(r"\bon\s+the\s+([A-Z0-9][A-Z0-9_.-]*/[A-Z0-9][A-Z0-9_.-]*)\s+-\s+[\w.-]+\s+dataset\b")
# The dabl baseline-trainer template's title: "## Baseline Model trained on <dataset> to apply classification on <column>"
_BASELINE_TRAINED_ON = re.compile(r"^#+[ \t]*Baseline Model trained on ([\w./-]+) to apply\b", re.MULTILINE)
# How far before " dataset" "fine-tuned version of [x](...) on the X dataset" may start: a linked base's text and URL
# can take 200 characters and more ("[org/a-long-model-name-finetune-qa](https://huggingface.co/org/...)").
ON_THE_X_REACH = 400
# "fine-tuned on Bible, JW300, [Menyo-20k](...) and [CC-Aligned](...)": plain names listed before links.
# "pretrained on X for parsing, derived from [a Hub model](...)": the model it derives from, not data.
_DERIVED_FROM_BEFORE = re.compile(r"\b(?:derived\s+from|based\s+on|initiali[sz]ed\s+(?:from|with)|starting\s+from"
                                  r"|(?:fine-?tuned|continued)\s+from)\b(?:[^.]|\.\d)*$")
_TRAINED_ON_LIST = re.compile(r"\b(?:trained|tuned|fine-?tuned|finetuned)\s+on\s+(?P<items>(?:[A-Z][\w-]*\d*\w*"
                              r"(?:\s*(?:,|\+|and)\s*))+)(?=\[)")
# "fine-tuned in a supervised way on Kinetics-400", "trained on SST-2": a name shaped like a benchmark's (capitalised,
# a hyphen and a number), not "pre-trained on" (the base's data) nor a model or a concept ("on GPT-2 model"). Matched
# after each "trained on" / "tuned on" / "way on" of the card (offsets other readers look up too), anchored: no scan.
# The number may follow without a hyphen ("JW300", "VoxLingua107", "WSJ0-2Mix", "LAION2B-en"); then a longer
# capitalised name does not go on after it ("the Glacier2 Modding Discord"), and hardware is no data: "trained on
# TPUv3-8", "on A100 GPUs".
_NUMBERED_NAME = re.compile(
    r"\s+(?:the\s+)?(?P<name>[A-Z][A-Za-z]*(?:-[A-Za-z]+)*(?P<hyphen>-)?v?\d(?:[\w.]|-(?=\w))*?)(?=[\s,;:)]|\.(?!\w))"
    r"(?!\s+(?:model|concept|checkpoint|style|embedding|weights|base|GPUs?|TPUs?|hardware|VMs?|cores?|chips?)\b)"
    r"(?(hyphen)|(?!\s+(?!Dataset|Corpus|Data\b)[A-Z][a-z]))")
_HARDWARE_NAME = re.compile(r"(?:TPU|GPU|RTX|GTX|[A-Z]\d+$)")
_OF_THE_BASE = re.compile(_BACKBONE.pattern + r"|\bderived\s+from\b|\bbased\s+on\b", re.IGNORECASE)
_TUNED_IN_A_WAY = re.compile(r"(?:trained|tuned)\s+in\s+an?\s+\w+$")  # before " way on"
_MODEL_ASIDE = re.compile(r"\s*\([^)\n]{0,40}\b(?:GPT|BERT|T5|[Mm]odel)")  # "on X-2 (Portuguese GPT-2 small)"
# (a model's name, "trained on GPT-Neo-125M with a retrieval library")
_MODEL_FAMILIES = frozenset({"gpt", "bert", "roberta", "t5", "mt5", "opt", "llama", "bloom", "xlm", "wav2vec2",
                             "whisper", "vit", "clip", "sd", "bart", "pythia", "falcon", "mistral"})
_MARKDOWN_LINK = re.compile(r"\[[^\]\n]*\]\([^)\s]*\)")
_OPENING_LINK = re.compile(r"\s*\[([^\]\n]+)\]\([^)\s]*\)")
_LIST_ITEM = re.compile(r"(?:^|[,;(]|\band\b)\s*([^,;()]+?)\s*(?=$|[,;()]|\band\b)")
_LIST_NAME = re.compile(r"^[A-Z][\w-]*(?:\s[A-Z][\w-]*){0,2}$")
_LIST_SEPARATOR = re.compile(r"\s*(?:,|\+|\band\b)\s*")
_PLAIN_DATASET_NAME = re.compile(r"^[A-Z][\w-]*$")
_EXAMPLE_BEFORE = re.compile(r"(?:e\.g\.|i\.e\.|such as|like)\s*$", re.IGNORECASE)
# A training-data table: the column that names the sources, the columns that say it holds scores (then it is no
# list of training data), amounts beside a "Name" column, and cells that name a split or a total, not a source.
_SOURCE_COLUMN = re.compile(r"(?:training\s+|pre-?training\s+)?(?:data\s*sources?|data\s*sets?|datasets?|sources?"
                            r"|corpus|corpora|data|name)(?:\s+name)?$")
_SCORE_COLUMN = re.compile(r"\b(?:accuracy|acc|f1|bleu|chrf|rouge|wer|cer|precision|recall|score|exact|em|loss"
                           r"|perplexity|ppl|results?|metrics?|eval\w*|test)\b")
_AMOUNT_COLUMN = re.compile(r"\b(?:tokens?|size|documents?|docs|hours?|words?|sentences?|examples?|samples?|pairs"
                            r"|images?|description|gb|mb|tb|no\.|number|#|%)")
_SPLIT_SUFFIX = re.compile(r"[\s(–-]*\b(?:train(?:ing)?|dev|valid(?:ation)?)\b(?:\s+(?:set|split))?\)?\s*$",
                           re.IGNORECASE)
_NOT_A_SOURCE_CELL = re.compile(r"(?:train(?:ing)?|dev(?:elopment)?|valid(?:ation)?|test(?:ing)?|total|sum|all"
                                r"|overall|size|average|mean|n/?a|none|[\W\d_]*)$", re.IGNORECASE)
_MAX_SOURCE_ROWS = 40
# "... on the following corpora", "Combination of following three datasets:": a line announcing a list of data
_ANNOUNCING_WORDS = ("following", "below")
_ANNOUNCED_DATA = re.compile(r"\b(?:following|below)\b(?:\s+\w+){0,2}?\s+(?:datasets?|corpora|data\s*sets?|sources"
                             r"|data)\b[^.]*$")
_LIST_ITEM_LINE = re.compile(r"[ \t]*(?:[-*+]|\d+[.)])[ \t]+([^\n]+)\n?")
_ITEM_LEAD_WORDS = re.compile(r"^(?:and\s+|or\s+)?(?:(?:a|an)\s+)?(?:(?:small|large|random)\s+)?"
                              r"(?:(?:subset|part|portion|sample)\s+of\s+)?(?:the\s+)?", re.IGNORECASE)
_LIST_JOINER = re.compile(r"\)?\s*(?:,|,?\s*and|&)\s*(?:the\s+)?$")
_CORPUS_VARIANT = re.compile(r"-(\d+)[kK]\b")  # ImageNet-1k, ImageNet-22k
_DESCRIBES_ANOTHER = re.compile(r"\b(?:subset|instance|version|part|portion|sample)\s+of\s+(?:the\s+)?(?:\w+\s+)?$",
                                re.IGNORECASE)
_VARIANT_COLUMNS = frozenset({"model", "models", "checkpoint", "checkpoints", "variant", "version"})

# Well-known corpora: (name, a lower-case word that must occur first, how cards write it, what its Hub ids contain).
NAMED_CORPORA = [
    ("The Pile", "pile", r"\b[Tt]he Pile\b", r"pile"),
    ("RedPajama", "redpajama", r"\bRedPajama(?:-Data)?(?:-V2|-1T)?\b", r"redpajama"),
    ("SlimPajama", "slimpajama", r"\bSlimPajama\b", r"slimpajama"),
    ("Dolma", "dolma", r"\bDolma\b", r"dolma\b"),
    ("C4", "c4", r"\bC4\b|\bColossal Clean Crawled Corpus\b", r"(?:^|/)c4\b"),
    ("mC4", "mc4", r"\bmC4\b", r"(?:^|/)mc4\b"),
    ("RefinedWeb", "refinedweb", r"\bRefinedWeb\b", r"refinedweb"),
    ("FineWeb-Edu", "fineweb-edu", r"\bFineWeb-Edu\b", r"fineweb-edu"),
    ("FineWeb", "fineweb", r"\bFineWeb\b(?!-Edu)", r"fineweb(?!-edu)"),
    ("ROOTS", "roots", r"\bROOTS\b", r"roots"),
    ("The Stack", "stack", r"\b[Tt]he Stack(?: v2)?\b", r"the-stack|the_stack"),
    ("StarCoderData", "starcoderdata", r"\bStarCoderData\b", r"starcoderdata"),
    ("OSCAR", "oscar", r"\bOSCAR\b", r"oscar"),
    ("Common Crawl", "crawl", r"\bCommon ?Crawl\b", r"common_?crawl|commoncrawl"),
    # ("pre-trained on Japanese Wikipedia texts": the language's Wikipedia, as written)
    ("Wikipedia", "wikipedia", r"\b(?:(?!(?:The|A|An|On|In|Of|From|And|With|Using|Whole|Entire|Full)\b)[A-Z][a-z]{2,}[ \t])?"
     r"Wikipedia\b", r"wiki"),
    ("BookCorpus", "corpus", r"\bBook ?Corpus\b", r"bookcorpus"),
    ("Project Gutenberg", "gutenberg", r"\bProject Gutenberg\b", r"gutenberg"),
    ("OpenWebText", "openwebtext", r"\bOpenWebText2?\b", r"openwebtext"),
    ("CC-News", "news", r"\bCC-?News\b", r"cc_?news|cc-news"),
    ("LAION", "laion", r"\bLAION(?:-\d+[BMK]|-Aesthetics|-COCO)?\b", r"laion"),
    ("ImageNet", "imagenet", r"\bImageNet(?:-1[kK]|-21[kK]|-22[kK])?\b", r"imagenet"),
    ("COCO", "coco", r"\b(?:MS[- ]?)?COCO\b(?!-)", r"coco"),  # (not "COCO-DR", another name)
    ("Common Voice", "common voice", r"\bCommon Voice\b", r"common_voice"),
    ("LibriSpeech", "librispeech", r"\bLibriSpeech\b", r"librispeech"),
    ("UltraChat", "ultrachat", r"\bUltraChat\b", r"ultrachat"),
    ("ShareGPT", "sharegpt", r"\bShareGPT\b", r"sharegpt"),
    ("OpenAssistant Conversations", "oasst", r"\bOASST1?\b", r"oasst"),
    ("Dolly 15k", "dolly", r"\bdatabricks-dolly-15k\b|\bDolly 15k\b", r"dolly"),
    ("PubMed", "pubmed", r"\bPubMed\b", r"pubmed"),
]
_CORPORA = [
    (name, keyword, re.compile(pattern), re.compile(hint, re.IGNORECASE))
    for name, keyword, pattern, hint in NAMED_CORPORA
]

_COMPOSITION = re.compile(
    r"\b\d+(?:\.\d+)?\s?%"
    r"|\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty[\w-]*)\s+"
    r"(?:diverse\s+|different\s+|distinct\s+|main\s+)?(?:sources|categories|subsets|domains|components|languages)\b"
    r"|\b(?:filter(?:ed|ing)|de-?duplicat\w*|decontaminat\w*|clean(?:ed|ing)|subset|sub-?sampl\w*|proportions?"
    r"|composition|breakdown|broken down|mixed with|mixture of|up-?sampl\w*|down-?sampl\w*)\b",
    re.IGNORECASE,
)
_SIZE = re.compile(
    r"\b\d[\d,.]*\s*(?:[KMBT]\b|thousand|million|billion|trillion)?\s*"
    r"(?:tokens|words|documents|images|hours|samples|examples|sentences|pairs|GB|GiB|TB|TiB|MB)\b",
    re.IGNORECASE,
)
# Lower-case literals of which every match holds one: _COMPOSITION's "%", its source nouns or its processing
# words (sub-/up-/down-sampling all hold "sampl"); _SIZE's units. Case-insensitive matching on ASCII text is
# plain lower-casing, so on an ASCII card a span whose lower-cased text holds none of them has no match, and
# the patterns (slow: they try some forty alternatives at every word) need not run over it.
_COMPOSITION_WORDS = ("%", "sources", "categories", "subset", "domains", "components", "languages", "filter",
                      "duplicat", "decontaminat", "clean", "sampl", "proportion", "composition", "breakdown",
                      "broken down", "mixed with", "mixture of")
_SIZE_WORDS = ("tokens", "words", "documents", "images", "hours", "samples", "examples", "sentences", "pairs",
               "gb", "gib", "tb", "tib", "mb")
# Names that stand for no dataset: "on the None dataset", `datasets: [custom]`.
PLACEHOLDER_NAMES = frozenset({"none", "unknown", "an unknown", "custom", "private", "internal", "own", "n/a", "na",
                               "other", "more information needed", "[more information needed]", "tbd", "todo", "-"})
MAX_COMPOSITION_EVIDENCE = 3
MAX_DATASETS = 500
_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]")


@dataclass
class DatasetRef:
    name: str
    hub_id: str | None
    source: str  # card_metadata | tags | readme
    evidence: dict  # (in _DatasetList.add, until the entry is kept: maybe the function making it)

    @property
    def keys(self) -> tuple[str, str]:
        """(name key, key of the Hub id's last part) used to spot several names for one dataset."""
        return _name_key(self.name), _name_key(self.hub_id.rsplit("/", 1)[-1]) if self.hub_id else ""

    def as_fact(self) -> DatasetFact:
        return DatasetFact(self.name, self.hub_id, self.source)


def extract_datasets(
    metadata: dict[str, Any], tags: list[str], card: Card, read_prose: bool = True,
    sources: Sequence[SourceItem] = (),
) -> tuple[list[DatasetFact], DataDisclosure, list[dict], list[str]]:
    """(datasets, data_disclosure, evidence rows, problems). Without `read_prose` (a family whose prose names no
    training data), only the declared datasets and the card's Hub dataset links count. `sources`: the training
    corpora a family's structure lists (a spaCy card's `Sources` row)."""
    problems: list[str] = []
    found = _DatasetList()
    for name, source in declared_datasets(metadata, tags, problems):
        if source == "card_metadata":
            found.add(name, name if HUB_ID.match(name) else None, source,
                      evidence_row("datasets", source, "datasets", f"datasets: {name}"))
        else:
            found.add(name, name, source, evidence_row("datasets", source, "tags", f"dataset:{name}"))
    data_headings = _data_headings(card)
    spans = data_context_spans(card, data_headings)
    mentions = _readme_datasets(card, spans, data_headings) if read_prose else _hub_dataset_links(card)
    mentions += [(item.pos, item.name, None, item.rule or "a corpus of the pipeline's `Sources`") for item in sources
                 if not item.is_model]
    # a corpus's Hub dataset link anywhere in the card names it better than its name
    linked = [hub_id for _, _, hub_id, rule in mentions if hub_id and rule == HUB_DATASET_LINK]
    aliases = _linked_names(card) if any(hub_id is None for _, _, hub_id, _ in mentions) else {}
    for pos, name, hub_id, rule in sorted(mentions, key=lambda item: item[0]):
        hub_id = hub_id or aliases.get(_name_key(name.removesuffix(" dataset")))
        corpus = None if hub_id else _corpus_of(name)
        if corpus is not None and (found.covers_corpus(corpus, name) or any(corpus[3].search(h) for h in linked)
                                   or (_CORPUS_VARIANT.search(name)
                                       and _DESCRIBES_ANOTHER.search(card.body, max(0, pos - 40), pos))):
            continue  # ("ImageNet-12k (a 11821 class subset of full ImageNet-22k)": the superset, not the data)
        found.add(name, hub_id, "readme", partial(_readme_evidence, card, pos, name, rule))
    if found.dropped:
        problems.append(f"datasets_truncated: kept {MAX_DATASETS}, dropped {found.dropped} more mentions")

    composition = _composition_evidence(card, spans)
    if composition:
        disclosure = DataDisclosure.DESCRIBED
    elif found.items:
        disclosure = DataDisclosure.NAMED
    else:
        disclosure = DataDisclosure.NONE
    evidence = [item.evidence for item in found.items] + composition
    return [item.as_fact() for item in found.items], disclosure, evidence, problems


def _linked_names(card: Card) -> dict[str, str]:
    """The Hub dataset each link text names, anywhere in the card ("evaluated on the [arxiv dataset](.../datasets/
    scientific_papers)"): that name in prose is then that dataset ("fine-tuned on the arXiv dataset")."""
    aliases = {}
    for hit in card.urls:
        hub_id = _hub_dataset_id(hit) if hit.link_text and hit.path.startswith("/datasets/") else None
        if hub_id:
            text = hit.link_text.strip("`*_ ").lower().removeprefix("the ")
            aliases.setdefault(_name_key(text.removesuffix(" dataset").removesuffix(" corpus")), hub_id)
    aliases.pop("", None)
    return aliases


def _readme_evidence(card: Card, pos: int, name: str, rule: str) -> dict:
    """The evidence row of a dataset the README names (made only for a mention that is kept)."""
    return evidence_row("datasets", "readme", card.location(pos),
                        f"[{rule}] {card.sentence_around(pos, pos + len(name))}")


class _DatasetList:
    """Datasets in order of discovery; several names for one dataset give one entry, the fullest Hub id winning."""

    def __init__(self) -> None:
        self.items: list[DatasetRef] = []
        self._keys: list[tuple[str, str]] = []
        self.dropped = 0

    def add(self, name: str, hub_id: str | None, source: str, evidence: dict | Callable[[], dict]) -> None:
        """`evidence` may be a function making the row: called only if the mention becomes a new entry."""
        candidate = DatasetRef(name, hub_id, source, evidence)
        name_key, short_key = candidate.keys
        if not name_key:
            return  # punctuation only: not a name
        if len(self.items) >= MAX_DATASETS:
            self.dropped += 1  # dropped unseen: a card this long lists its data elsewhere too
            return
        for index, item in enumerate(self.items):
            item_name_key, item_short_key = self._keys[index]
            if hub_id and item.hub_id and hub_id.lower() == item.hub_id.lower():
                return
            if hub_id and "/" in hub_id and "/" not in (item.hub_id or "") and (
                    short_key == item_name_key or _numbered_version_of(short_key, item_name_key)):
                # `booksum` becomes `kmfoda/booksum`, `common_voice` `mozilla-foundation/common_voice_7_0`
                item.name, item.hub_id = hub_id, hub_id
                self._keys[index] = item.keys
                return
            if name_key in (item_name_key, item_short_key) or (hub_id and short_key == item_name_key):
                return
            if source == "readme" and " " in name and _names_a_config_of(name, item_name_key, item_short_key):
                return  # "wmt16 ro-en", "GLUE MNLI", "SQuAD v1.1": a configuration of a dataset already named
            if source == item.source == "readme" and " " in item.name and _name_key(item.name.split()[0]) == name_key:
                return  # "MCV-9.0" after "MCV-9.0 Catalan": the dataset of a configuration already named
            if source == "readme" and _names_a_version_of(name_key, item_name_key, item_short_key):
                return  # "squadV1" after `squad`
            if source == "readme" and item.hub_id and _short_name_of(name, item.hub_id):
                return  # "the MLMA dataset" after `someorg/MLMA_hate_speech`
            if source == "readme" and _abbreviated_in(name, item.name):
                return  # "N2C2" and "NLP Clinical Challenges (N2C2)", in either order
        if callable(evidence):
            candidate.evidence = evidence()
        self.items.append(candidate)
        self._keys.append((name_key, short_key))

    def covers_corpus(self, corpus: tuple, name: str = "") -> bool:
        """Whether an entry already names this well-known corpus; a size variant ("ImageNet-22k" beside
        `imagenet-1k`) is another dataset."""
        hint, variant = corpus[3], _CORPUS_VARIANT.search(name)
        for item in self.items:
            written = item.hub_id or item.name
            if hint.search(written):
                other = _CORPUS_VARIANT.search(written)
                if variant is None or other is None or other.group(1) == variant.group(1):
                    return True
        return False


def _short_name_of(name: str, hub_id: str) -> bool:
    """Whether "X dataset" / "X corpus" names a Hub dataset by the first word of its id's name (`X_hate_speech`)."""
    words = name.split()
    if len(words) != 2 or words[1].lower() not in ("dataset", "corpus") or len(words[0]) < 4:
        return False
    short = hub_id.rsplit("/", 1)[-1].lower()
    return short.startswith(words[0].lower()) and short[len(words[0]):][:1] in ("_", "-", ".")


def _names_a_config_of(name: str, *keys: str) -> bool:
    """Whether a name of several words is a dataset already named plus a configuration or version: "wmt16 ro-en"
    after `wmt16`, "GLUE MNLI" after `glue`, "SQuAD 2.0" after `squad_v2`."""
    first, full = _name_key(name.split()[0]), _name_key(name)
    for key in keys:
        if not key:
            continue
        if key == first or (full.startswith(key) and len(full) - len(key) <= 8):
            return True
        if len(first) >= 4 and key.startswith(first) and len(key) - len(first) <= 3:
            return True
    return False


def _names_a_version_of(name_key: str, *keys: str) -> bool:
    """Whether a name is a dataset already named with a version written onto it ("squadV1" after `squad`), or a
    versioned one already named without its version ("common_voice" after `common_voice_8_0`)."""
    return any(key and (name_key.startswith(key) and _VERSION_SUFFIX.fullmatch(name_key, len(key))
                        or key.startswith(name_key) and len(name_key) >= 4 and key[len(name_key):].isdigit())
               for key in keys)


_VERSION_SUFFIX = re.compile(r"v\d+(?:\.\d+)*")


def _numbered_version_of(key: str, other: str) -> bool:
    """`commonvoice70` of `commonvoice`: the other name with a release number written onto it."""
    return len(other) >= 4 and key.startswith(other) and key[len(other):].isdigit()


def _plain_name_key(name: str) -> str:
    return _NOT_ALPHANUMERIC.sub("", name.lower())


_name_key = memoised_when_short(_plain_name_key, maxsize=8192)  # dataset names repeat across cards


@lru_cache(maxsize=1024)
def _corpus_of(name: str) -> tuple | None:
    """The well-known corpus a free-text name refers to, if any (memoised: the names are what _CORPORA
    patterns matched, short and few)."""
    lowered = name.lower()
    return next((corpus for corpus in _CORPORA if corpus[1] in lowered and corpus[2].search(name)), None)


def declared_datasets(metadata: dict[str, Any], tags: list[str], problems: list[str] | None = None
                      ) -> list[tuple[str, str]]:
    """(name, source) of the datasets the front matter's `datasets` (or, without it, a `dataset` key: a common slip
    that the Hub does not read, but the card's author wrote as its data) and the Hub's `dataset:` tags declare, in
    that order. The crawl reads these too (pipeline.snapshot.named_datasets), to look the Hub datasets up."""
    value = metadata.get("datasets") if "datasets" in metadata else metadata.get("dataset")
    declared = [(name, "card_metadata") for name in _metadata_datasets(value, problems)]
    declared += [(tag.split(":", 1)[1], "tags") for tag in tags if isinstance(tag, str) and tag.startswith("dataset:")]
    return declared


def _metadata_datasets(value: Any, problems: list[str] | None) -> list[str]:
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    names = []
    for item in values:
        if isinstance(item, str) and item.strip():
            words = item.split()
            if len(words) > 1 and all(HUB_ID.match(word) for word in words) and item == item.lower():
                names += words  # `dcep europarl jrc-acquis`: Hub ids hold no spaces, so these are three
            elif item.strip().lower() not in PLACEHOLDER_NAMES:
                names.append(item.strip()[:200])
        elif item is not None and problems is not None:
            problems.append(f"datasets_invalid_type: {type(item).__name__}")
    return names


def data_context_spans(card: Card, data_headings: list[bool]) -> list[tuple[int, int]]:
    """Body spans that talk about training data: training-data sections (data_headings[i]: whether heading i
    names training data), and sentences saying what the model was trained on; never evaluation, results,
    limitations or citations."""
    spans: list[tuple[int, int]] = []
    headings = card.headings
    for index, heading in enumerate(headings):
        if data_headings[index] and not _excluded(heading.title):
            end = headings[index + 1].pos if index + 1 < len(headings) else len(card.body)
            spans.append((heading.pos, end))
    if "**" in card.body:
        spans += _bold_data_headings(card)
    for word, pattern in _TRAINED_ON_PARTS:
        if word not in card.lower:
            continue
        for match in pattern.finditer(card.lower):
            if not _in_excluded_section(card, match.start()):
                spans.append(card.sentence_bounds(match.start(), match.end()))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _bold_data_headings(card: Card) -> list[tuple[int, int]]:
    """Spans under a bold line that serves as a heading (`**Training Data**`), up to the next heading or bold line."""
    spans = []
    body = card.body  # (the pattern is led by its `**`, a fast scan; the line must hold nothing else)
    lines = [m for m in _BOLD_LINE.finditer(body) if not body[body.rfind("\n", 0, m.start()) + 1 : m.start()].strip()]
    for index, line in enumerate(lines):
        title = line.group(1)
        if not _is_data_section(title) or _excluded(title):
            continue
        end = lines[index + 1].start() if index + 1 < len(lines) else len(card.body)
        next_heading = next((h.pos for h in card.headings if h.pos > line.start()), len(card.body))
        spans.append((line.start(), min(end, next_heading)))
    return spans


def _data_headings(card: Card) -> list[bool]:
    """For each heading, whether DATA_SECTION matches its path.

    A path is its titles joined with " > ", and a DATA_SECTION match holds only letters and "-", so it lies
    within one title, where the word boundaries at the title's ends are the same as in the path. So the path
    matches exactly when one of its titles does, and titles (unlike paths, which hold the model's name)
    repeat across cards: each title is tested once (memoised), and the path's answer is carried down the
    same heading stack that card.py builds the paths with.
    """
    flags: list[bool] = []
    stack: list[tuple[int, bool]] = []  # (level, whether this heading's path matches)
    for heading in card.headings:
        while stack and stack[-1][0] >= heading.level:
            stack.pop()
        matches = _is_data_section(heading.title) or bool(stack and stack[-1][1])
        stack.append((heading.level, matches))
        flags.append(matches)
    return flags


# The section tests below are pure functions of a heading's text, and headings repeat across cards
# ("Training Data", "Evaluation > Results"): memoised, a repeat costs a dict look-up instead of regex scans.


@lru_cache(maxsize=4096)
def _is_data_section(heading: str) -> bool:
    return DATA_SECTION.search(heading) is not None


@lru_cache(maxsize=4096)
def _excluded(heading: str) -> bool:
    # (a heading made of sentences, "This is just a test model. Do not use it!", names no section of results or uses)
    return bool(NOT_DATA_SECTION.search(heading)) and not _is_data_section(heading) and not (
        ". " in heading or "!" in heading)


def _in_excluded_section(card: Card, pos: int) -> bool:
    """Whether the heading over `pos` is an evaluation, results, limitations, citation ... section."""
    return _excluded(card.section_at(pos).rsplit(" > ", 1)[-1])


def _readme_datasets(
    card: Card, spans: list[tuple[int, int]], data_headings: list[bool]
) -> list[tuple[int, str, str | None, str]]:
    """(offset, name, hub id, the rule that found it) for datasets the README body names: Hub dataset links, links
    and names that are the object of "trained on ...", links that open a list item of a training-data section,
    `dataset:` fields, "on the X dataset", Hub ids in backticks in data sections, and well-known corpora in
    training-data spans."""
    found: list[tuple[int, str, str | None, str]] = []
    taken: list[tuple[int, int]] = []  # link texts already read: a corpus named inside one is that link's
    lines_with_links: set[int] = set()  # list items a linked dataset opens: the rest of them describes it
    previous: tuple[UrlHit, bool] | None = None  # the link before, and whether it was a Hub dataset link
    for hit in card.urls:
        items = _linked_dataset(card, hit, data_headings)
        if not items and previous and previous[1] and _listed_after(card, previous[0], hit):
            items = [(hit.text_start, hit.link_text, None, _LISTED_WITH_A_HUB_LINK)]
        for item in items:
            found.append(item)
            taken.append((hit.text_start, hit.end))
            if _opens_list_item(card, hit):
                lines_with_links.add(card.line_of(hit.start))
        previous = (hit, bool(items) and items[0][3] in (HUB_DATASET_LINK, _LISTED_WITH_A_HUB_LINK,
                                                         _TRAINED_FROM_A_DATA_LINK))
    found += _field_datasets(card)
    found += _named_dataset_phrases(card)
    found += _announced_list_datasets(card, data_headings)
    if "|" in card.body and _data_section_holds_a_table(card, data_headings):  # (only then are tables parsed)
        found += _source_table_datasets(card, data_headings)
    body = card.body
    if "`" in body:
        for match in _BACKTICKED_ID.finditer(body):
            # the section's path matches DATA_SECTION (see _data_headings); none before the first heading
            heading = card.heading_index_at(match.start())
            inside_link = any(hit.text_start <= match.start() < hit.end for hit in card.urls)
            if not card.in_code(match.start()) and heading >= 0 and data_headings[heading] and not inside_link:
                found.append((match.start(1), match.group(1), match.group(1), "Hub id in a data section"))
    if 'on "' in body:
        for match in _ON_QUOTED.finditer(body):
            name, lead = match.group(1), card.lower[max(0, match.start() - 100) : match.start()]
            if card.in_code(match.start()) or len(name.split()) > 4 or not _ID_LIKE.search(name):
                continue
            in_span = any(start <= match.start() < end for start, end in spans)
            if in_span or ("steps" in lead and not _in_excluded_section(card, match.start())):
                found.append((match.start(1), name, None, "a quoted name that steps of training ran on"))
    span_text = " ".join(card.lower[start:end] for start, end in spans)
    corpora = [corpus for corpus in _CORPORA if corpus[1] in span_text] if spans else []
    backbone: dict[str, bool] = {}  # sentence -> whether it speaks of a backbone / base model
    for span_start, span_end in spans if corpora else ():
        for _, _, pattern, _ in corpora:
            for match in pattern.finditer(body, span_start, span_end):
                start, end = match.span()
                if card.in_code(start) or _EXAMPLE_BEFORE.search(body, max(0, start - 12), start):
                    continue
                if any(link_start <= start < link_end for link_start, link_end in taken):
                    continue
                if card.line_of(start) in lines_with_links:
                    continue  # "- [mc4_fi_cleaned](...), the dataset mC4 is a cleaned version of Common Crawl"
                sentence = card.sentence_around(start, end)
                if sentence not in backbone:  # corpora named together share a sentence: test it once
                    backbone[sentence] = _BACKBONE.search(sentence) is not None
                if not backbone[sentence]:
                    found.append((start, match.group(), None, "corpus named where training data is"))
    return found


def _listed_after(card: Card, previous: UrlHit, hit: UrlHit) -> bool:
    """Whether a link follows the previous one in one list ("[Common Voice](https://huggingface.co/datasets/...),
    [FOSD](https://...) and [VIVOS](https://...)"): joined by a comma or "and" alone, named like a dataset, on
    no code host."""
    if not hit.link_text or hit.host in _CODE_HOSTS or hit.host in _NOT_DATA_HOSTS or not _name_like(hit.link_text):
        return False
    return _LIST_JOINER.match(card.body[previous.end : hit.text_start]) is not None


def _hub_dataset_links(card: Card) -> list[tuple[int, str, str | None, str]]:
    return [item for hit in card.urls for item in _hub_dataset(card, hit)]


def _linked_dataset(card: Card, hit: UrlHit, data_headings: list[bool]) -> list[tuple[int, str, str | None, str]]:
    """A huggingface.co/datasets link; a link that is the object of "trained on ..."; a link opening a list item
    of a training-data section. Not: links offered to users ("you can use ..."), papers, models."""
    on_hub = hit.host in ("huggingface.co", "hf.co")
    segments = hit.segments if on_hub else []  # only read for Hub links
    if segments[:1] == ["datasets"]:
        return _hub_dataset(card, hit)
    if hit.host in _CODE_HOSTS and _data_location_before(card, hit):
        # "Training data can be found in https://github.com/...": the data, named by its URL
        name = hit.link_text if hit.link_text and _name_like(hit.link_text) else hit.url.rstrip("/")
        return [(hit.text_start, name, None, "the place the training data is said to be")]
    if not hit.link_text:  # a bare URL: a repository named as a dataset is named by its id
        repository = dataset_repository(card, hit) if not on_hub else None
        if not repository:
            return []
        return [(hit.start, repository, None, "a repository named as a dataset, where training is")]
    if _DATASET_AFTER_LINK.match(card.body, hit.end) and _name_like(hit.link_text):
        start, end = card.sentence_bounds(hit.text_start, hit.end)
        if TRAINING_WORDS_ANY_LANGUAGE.search(card.body, start, end) and not (
                EVALUATION_WORDS.search(card.body, start, end)
                or _in_excluded_section(card, hit.start)):
            hub_id = "/".join(segments[:2]) if on_hub and len(segments) >= 2 else None
            return [(hit.text_start, hit.link_text, hub_id, "a link followed by 'dataset', where training is")]
    heading = card.heading_index_at(hit.start)
    in_data_list = heading >= 0 and data_headings[heading] and not _excluded(card.headings[heading].title) and (
        _opens_list_item(card, hit))
    # `before` is at most the CONTEXT_CHARS characters ahead of the link text (sentence_bounds reaches no
    # further), so if neither word occurs there, the link is no object of "trained on".
    window = card.lower[max(0, hit.text_start - CONTEXT_CHARS) : hit.text_start]
    if not in_data_list and "trained" not in window and "tuned" not in window:
        return []
    if not _name_like(hit.link_text):
        return []
    sentence_start, _ = card.sentence_bounds(hit.text_start, hit.end)
    if hit.host in _NOT_DATA_HOSTS and not _DATA_WORDS_IN_NAME.search(hit.link_text) and not (
            _DATA_WORDS_IN_NAME.search(card.body[sentence_start : hit.text_start])):
        return []  # a paper or a notebook, unless it is listed as a dataset (a dataset's paper)
    if hit.host == "github.com" and hit.path.strip("/").split("/")[1:2] and (
            hit.path.strip("/").split("/")[1].lower() in GENERAL_LIBRARIES):
        return []  # "trained on [spacy](https://github.com/explosion/spaCy)": the library, not data
    if in_data_list:
        hub_id = "/".join(segments[:2]) if on_hub and len(segments) >= 2 else None
        return [(hit.text_start, hit.link_text, hub_id, "a link opening a list item of a data section")]
    before = card.lower[sentence_start : hit.text_start]
    if "trained from" in before and _DATA_WORDS_IN_NAME.search(hit.link_text) and _TRAINED_FROM_BEFORE.search(before):
        return [(hit.text_start, hit.link_text, None, _TRAINED_FROM_A_DATA_LINK)]
    if ("trained" in before or "tuned" in before) and DATA_OBJECT.search(plain_text(before)) and not (
            _in_excluded_section(card, hit.start)  # "Limitations: trained on [X], which ..."
            or on_hub and (_DERIVED_FROM_BEFORE.search(before) or len(segments) == 1)  # (a user, a legacy model id)
            or card.body.startswith(("'s", "’s"), card.body.find(")", hit.end, hit.end + 2) + 1)):  # "[x](...)'s"
        hub_id = "/".join(segments[:2]) if on_hub and len(segments) >= 2 else None
        return [(hit.text_start, hit.link_text, hub_id, "a link that is the object of 'trained on'")]
    if ("trained" in before or "tuned" in before) and _DATA_WORDS_IN_NAME.search(hit.link_text) and (
            _TUNED_FOR_A_TASK_ON.search(plain_text(before))) and not (
            EVALUATION_WORDS.search(before) or _in_excluded_section(card, hit.start)):
        hub_id = "/".join(segments[:2]) if on_hub and len(segments) >= 2 else None
        return [(hit.text_start, hit.link_text, hub_id, "a dataset link that the model was tuned for a task on")]
    return []


def _data_location_before(card: Card, hit: UrlHit) -> bool:
    """Whether the link's sentence says, just before it, that the training data is there ("can be found in")."""
    lead = card.lower[max(0, hit.text_start - 40) : hit.text_start]
    if not ("found" in lead or "availab" in lead or "hosted" in lead or "download" in lead):
        return False  # (the words DATA_LOCATION_BEFORE needs, looked for first)
    sentence_start, _ = card.sentence_bounds(hit.text_start, hit.end)
    return DATA_LOCATION_BEFORE.search(plain_text(card.body[sentence_start : hit.text_start])) is not None


def _opens_list_item(card: Card, hit: UrlHit) -> bool:
    """Whether the link is the first thing on a list item (`- [Arabic Wikipedia](...)`, `* The [X corpus](...)`)."""
    line_start = card.body.rfind("\n", 0, hit.text_start) + 1
    prefix = card.body[line_start : hit.text_start]
    return bool(_LIST_ITEM_PREFIX.match(prefix))


def _offered(card: Card, hit: UrlHit) -> bool:
    """A dataset offered to the reader ("you can build this from your own corpus, e.g. [X](...)"), not used."""
    return bool(_OFFERED.search(card.sentence_around(hit.text_start, hit.end)))


def _name_like(text: str) -> bool:
    """Link text that can name a dataset: not a citation ("Husain et al., 2019"), a model, a paper or a sentence."""
    words = text.split()
    return 0 < len(words) <= 8 and not _NOT_A_DATASET_NAME.search(text)


def _field_datasets(card: Card) -> list[tuple[int, str, str | None, str]]:
    """`* dataset: opus`, `- **Dataset:** [ImageNet-1k](...)`, `* data: opusTCv20210807+pft ([source](...))`: the
    value's Hub dataset links, else the link that opens it, else its text before any link or parenthesis."""
    found = []
    for field in card.fields_with_keys(_DATASET_FIELDS):
        links = [hit for hit in card.urls if field.value_pos <= hit.start < field.end]
        hub = [item for hit in links for item in _hub_dataset(card, hit)]
        if hub:
            found += hub
            continue
        opening = next((hit for hit in links if hit.text_start <= field.value_pos + 1), None)
        if opening and opening.link_text and _name_like(opening.link_text):
            found.append((opening.text_start, opening.link_text, None, f"`{field.key}` field"))
            continue
        value = re.split(r"[(\[]", field.value, maxsplit=1)[0]
        name = clean_inline_markdown(value).strip(" .,;:")
        if name and name.lower() not in PLACEHOLDER_NAMES and _name_like(name) and "information" not in name.lower():
            found.append((field.value_pos, name, name if HUB_ID.match(name) and "/" in name else None,
                          f"`{field.key}` field"))
    return found


def _data_section_holds_a_table(card: Card, data_headings: list[bool]) -> bool:
    """Whether a training-data section holds a pipe table's delimiter row (most cards' tables are results and
    hyperparameters: parsing them all would cost more than reading the rest of the card)."""
    headings, body = card.headings, card.body
    for index, heading in enumerate(headings):
        if data_headings[index] and not _excluded(heading.title):
            end = headings[index + 1].pos if index + 1 < len(headings) else len(body)
            if TABLE_DELIMITER.search(body, heading.pos, end):
                return True
    return False


def _source_table_datasets(card: Card, data_headings: list[bool]) -> list[tuple[int, str, str | None, str]]:
    """The rows of a training-data section's table whose column is headed "Source", "Dataset", "Corpus" (or
    "Name" / "Data" beside an amount: "| Name | No. tokens |"): each row names one training source. Not a table of scores,
    nor the rows that name a split or a total."""
    found = []
    for table in card.tables:
        heading = card.heading_index_at(table.pos)
        if heading < 0 or not data_headings[heading] or len(table.rows) > _MAX_SOURCE_ROWS:
            continue
        title = card.headings[heading].title
        header = [cell.strip(" :").lower() for cell in table.header]
        if _excluded(title) or EVALUATION_WORDS.search(title) or any(_SCORE_COLUMN.search(cell) for cell in header):
            continue
        column = next((index for index, cell in enumerate(header) if _SOURCE_COLUMN.match(cell)), None)
        if column is None or header[0] in _VARIANT_COLUMNS or (
                header[column] in ("name", "data") and not any(_AMOUNT_COLUMN.search(c) for c in header)):
            continue  # ("| Model | Training datasets |" compares variants; "| Data | @user |" counts tweets)
        for row in table.rows:
            if column >= len(row):
                continue
            pos, cell = row[column]
            if "huggingface.co/datasets/" in cell or "hf.co/datasets/" in cell:
                continue  # the Hub dataset link names it (read with the card's links)
            opening_link = _OPENING_LINK.match(cell)  # "[S2ORC](...) Citation pairs": the dataset, then what of it
            name = _SPLIT_SUFFIX.sub("", clean_inline_markdown(opening_link.group(1) if opening_link else cell)
                                     ).strip(" .,;:*")
            if 2 <= len(name) <= 80 and len(name.split()) <= 8 and not _NOT_A_SOURCE_CELL.match(name):
                found.append((pos, name, None, "a row of a training-data table"))
    return found


def _hub_dataset(card: Card, hit: UrlHit) -> list[tuple[int, str, str | None, str]]:
    """A huggingface.co/datasets link as (offset, id, id, rule); none for other links, images, and excluded sections."""
    hub_id = _hub_dataset_id(hit)
    if not hub_id or _in_excluded_section(card, hit.start) or _offered(card, hit):
        return []
    return [(hit.start, hub_id, hub_id, HUB_DATASET_LINK)]


def _hub_dataset_id(hit: UrlHit) -> str | None:
    """The dataset id of a huggingface.co/datasets link (not of an image in one)."""
    if hit.host not in ("huggingface.co", "hf.co"):
        return None
    segments = hit.segments
    if segments[:1] != ["datasets"] or len(segments) < 2 or _IMAGE.search(hit.path):
        return None
    namespaced = len(segments) >= 3 and segments[2] not in ("resolve", "blob", "viewer", "tree")
    hub_id = "/".join(segments[1:3]) if namespaced else segments[1]
    if not namespaced and _ORG_LIKE.search(hub_id) and _ONE_TOKEN.match(hit.link_text) and (
            _name_key(hit.link_text) != _name_key(hub_id)):
        hub_id = f"{hub_id}/{hit.link_text}"  # "[lenu](.../datasets/SomeOrg)": the organisation's page, its name
    return hub_id


def _named_dataset_phrases(card: Card) -> list[tuple[int, str, str | None, str]]:
    """"(fine-tuned|trained) on the X dataset" (the Trainer's sentence; "None" and "unknown" name nothing), and
    "fine-tuned on A, B and [C](...)": the names listed as the object of "trained on"."""
    found = []
    lower = card.lower
    if " dataset" in lower:
        for match in card.keyword_matches(_ON_THE_X_DATASET, (" dataset",), before=ON_THE_X_REACH, after=2):
            name = match.group("name").strip("`*_ ")
            if " on " in name:  # "trained with SimSiam on CIFAR-10 dataset": the name after the last "on"
                name = name.rsplit(" on ", 1)[1]
            words = name.lower().split()
            if name.lower() not in PLACEHOLDER_NAMES and not card.in_code(match.start()) and not (
                    set(words) & _NOT_NAME_WORDS or _A_SIZE.search(name)):
                found.append((match.start("name"), name, name if HUB_ID.match(name) and "/" in name else None,
                              "on the X dataset"))
        if " - " in card.body:
            for match in card.keyword_matches(_ON_THE_UPPER_CASE_HUB_ID, (" dataset",), before=120, after=2):
                if not card.in_code(match.start()):
                    found.append((match.start(1), match.group(1), match.group(1).lower(),
                                  "on the ORG/NAME - CONFIG dataset"))
    found += _numbered_names_trained_on(card)
    if "baseline model trained on" in lower:
        found += [(match.start(1), match.group(1), None, "the baseline-trainer template's dataset")
                  for match in _BASELINE_TRAINED_ON.finditer(card.body)]
    for match in card.keyword_matches(_TRAINED_ON_LIST, ("trained on", "tuned on"), before=6, after=200):
        if card.in_code(match.start()):
            continue
        for item in _LIST_SEPARATOR.split(match.group("items")):
            name = item.strip(" `*_\"'")
            if _PLAIN_DATASET_NAME.match(name) and name.lower() not in PLACEHOLDER_NAMES:
                found.append((match.start("items") + match.group("items").find(item), name, None,
                              "named in a 'trained on' list"))
        found += _names_after_the_links(card, match.end())
    return found


def _numbered_names_trained_on(card: Card) -> list[tuple[int, str, str | None, str]]:
    found = []
    lower = card.lower
    for keyword in ("trained on", "tuned on", " way on"):
        for at in card.keyword_at(keyword):
            if keyword == " way on":
                if not _TUNED_IN_A_WAY.search(lower, max(0, at - 40), at):
                    continue
            elif at and lower[at - 1].isalpha() and keyword == "trained on" and not lower.endswith("pre", 0, at):
                continue  # "untrained on" ("fine-tuned", "finetuned", "pretrained" are fine)
            match = _NUMBERED_NAME.match(card.body, at + len(keyword))
            if match is None or _is_a_model_family(match.group("name")) or _HARDWARE_NAME.match(match.group("name")) or (
                    _MODEL_ASIDE.match(card.body, match.end())):
                continue
            if lower.endswith(("pre", "pre-"), 0, at) and _OF_THE_BASE.search(card.sentence_around(at, match.end())):
                continue  # "a backbone pre-trained on ImageNet-21k", "pre-trained on X, derived from [y]": the base's
            if not card.in_code(at) and not _in_excluded_section(card, at):
                found.append((match.start("name"), match.group("name"), None, "a numbered name that training ran on"))
    return found


def _abbreviated_in(a: str, b: str) -> bool:
    """Whether one name is the other's abbreviation in parentheses: "Tiny Speech Corpus (TSC)" and "TSC"."""
    for full, short in ((a, b), (b, a)):
        opening = full.find("(")
        if opening > 0 and full.endswith(")") and _name_key(full[opening + 1 : -1]) == _name_key(short):
            return True
    return False


def _is_a_model_family(name: str) -> bool:
    """"GPT-Neo-125M", "mT5-base", "GPT2": a model's name (its first part, or its letters before the number)."""
    lower = name.lower()
    return lower.split("-", 1)[0] in _MODEL_FAMILIES or lower.rstrip("0123456789.").split("-", 1)[0] in _MODEL_FAMILIES


def _announced_list_datasets(card: Card, data_headings: list[bool]) -> list[tuple[int, str, str | None, str]]:
    """The items of a list that a line announces as the training data: "pretrained ... on the following corpora",
    "Combination of following three datasets:" in a training-data section. Each item's name is its text before a
    colon ("- BBC news: stories from ..."), or the whole item when it is short ("- and a small subset of X");
    an item that opens with a link is read as a link."""
    found: list[tuple[int, str, str | None, str]] = []
    body, lower = card.body, card.lower
    for keyword in _ANNOUNCING_WORDS:
        for pos in card.keyword_at(keyword):
            line_start, line_end = lower.rfind("\n", 0, pos) + 1, lower.find("\n", pos)
            line_end = len(body) if line_end < 0 else line_end
            lead = lower[line_start:line_end]
            if not _ANNOUNCED_DATA.search(lead) or EVALUATION_WORDS.search(lead) or card.in_code(pos):
                continue
            heading = card.heading_index_at(pos)
            in_data_section = heading >= 0 and data_headings[heading] and not _excluded(card.headings[heading].title)
            if not (in_data_section or TRAINING_WORDS_ANY_LANGUAGE.search(lead)):
                continue
            items = []
            for item in _LIST_ITEM_LINE.finditer(body, line_end + 1):
                if item.start() != line_end + 1 and body[line_end + 1 : item.start()].strip():
                    break
                line_end = item.end()
                items.append(item)
            if len(items) < 2:
                continue  # ("- X and subsets thereof": one line goes on with the sentence, it lists nothing)
            for item in items:
                text = item.group(1)
                if text.lstrip().startswith("["):
                    continue  # (a link: read as a link)
                head, colon, _ = text.partition(":")
                name = _ITEM_LEAD_WORDS.sub("", clean_inline_markdown(head if colon and len(head) <= 60 else text))
                name = name.strip(" .,;*")
                if 2 <= len(name) and len(name.split()) <= 6 and "http" not in name and not _NOT_A_SOURCE_CELL.match(name):
                    found.append((item.start(1), name, None, "an item of a list announced as the training data"))
    return found


def _names_after_the_links(card: Card, start: int) -> list[tuple[int, str, str | None, str]]:
    """The plain names that go on after the links of a "trained on" list, up to the sentence's end: "... and
    [C](...), Wikipedia, news corpora (BBC News, Radio X)". The links themselves are read as links."""
    _, end = card.sentence_bounds(start, start + 1)
    found = []
    without_links = _MARKDOWN_LINK.sub(lambda m: "," + " " * (len(m.group()) - 1), card.body[start:end])  # same offsets
    for item in _LIST_ITEM.finditer(without_links):
        name = item.group(1)
        if _LIST_NAME.match(name) and name.lower() not in PLACEHOLDER_NAMES:
            found.append((start + item.start(1), name, None, "named in a 'trained on' list"))
    return found


def _composition_evidence(card: Card, spans: list[tuple[int, int]]) -> list[dict]:
    """Evidence rows for statements about the data's makeup inside training-data spans."""
    body = card.body
    composition_spans, size_spans = spans, spans
    if spans and body.isascii():  # see _COMPOSITION_WORDS; isascii() is a flag look-up, not a scan
        texts = [card.lower[start:end] for start, end in spans]
        composition_spans = [s for s, text in zip(spans, texts) if any(map(text.__contains__, _COMPOSITION_WORDS))]
        size_spans = [s for s, text in zip(spans, texts) if any(map(text.__contains__, _SIZE_WORDS))]
    rows: list[dict] = []
    for span_start, span_end in composition_spans:
        for match in _COMPOSITION.finditer(body, span_start, span_end):
            if card.in_code(match.start()):
                continue
            row = evidence_row("data_composition", "readme", card.location(match.start()),
                               card.sentence_around(match.start(), match.end()))
            if row not in rows:
                rows.append(row)
            if len(rows) >= MAX_COMPOSITION_EVIDENCE:
                return rows
    if rows:
        return rows
    sizes = [
        (match.start(), match.group())
        for span_start, span_end in size_spans
        for match in _SIZE.finditer(body, span_start, span_end)
        if not card.in_code(match.start())
    ]
    if len({size for _, size in sizes}) >= 2:  # per-source or per-stage sizes, not one total
        return [evidence_row("data_composition", "readme", card.location(pos), card.sentence_around(pos, pos + 1))
                for pos, _ in sizes[:MAX_COMPOSITION_EVIDENCE]]
    return []
