"""Code links: repositories, scripts, notebooks and Spaces the card links to, each with a role decided by rules.

Role `training` means the card presents the code as what trained *this* model ("the code that trained this
model", "trained with [this notebook]", the exact script of an RL template, a recipe's steps); `inference`
covers usage, demos and serving; everything else is `other`: general libraries the model was merely built with
(stable-baselines3, ML-Agents, transformers, NeMo, ...), the model's or paper's own repository offered "for more
details", courses and tutorials, code offered for users to fine-tune further, code that is only promised.
GitHub repositories that the card names as its training data are datasets (pipeline/extract/datasets.py), not code.

Each distinct URL is one link; when a URL appears several times, the strongest role wins (training > inference >
other). The evidence row names the role and the rule that chose it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract.card import Card, CodeBlock, UrlHit, cached_once, cue, evidence_row, plain_text
from pipeline.extract.model import CodeLinkFact
from pipeline.vocabulary import CardFamily, CodeRole

# Hosts whose links are code; code_repository() knows how each names a repository
# (owner/repo; GitLab groups; sourceforge projects/name; Colab notebooks; Hub spaces/owner/name).
CODE_HOSTS = frozenset({"github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "sourceforge.net",
                        "colab.research.google.com", "huggingface.co", "raw.githubusercontent.com",
                        "gist.github.com"})
# First path segments that are site pages, not repositories.
_NOT_REPO_OWNERS = {
    "github.com": {"orgs", "settings", "marketplace", "features", "topics", "about", "login", "join", "sponsors",
                   "apps", "pricing", "collections", "explore", "search", "notifications", "site", "enterprise"},
    "gitlab.com": {"explore", "users", "dashboard", "help", "search", "groups"},
    "bitbucket.org": {"account", "dashboard", "product"},
    "codeberg.org": {"explore", "user"},
}
# Second-level pages of a repository that are discussions, not code.
_NOT_CODE_PAGES = {"issues", "pull", "pulls", "discussions", "wiki", "stargazers", "network", "graphs", "security",
                   "compare", "commits", "watchers", "forks", "merge_requests"}
_IMAGE = re.compile(r"\.(?:png|jpe?g|gif|svg|webp|ico)$|/badge(?:\.svg)?$", re.IGNORECASE)
# A script or notebook inside a Hub model repository (`.../raw/main/train.py`): the recipe itself.
_HUB_CODE_FILE = re.compile(r"^/[^/]+/[^/]+/(?:raw|blob|resolve)/[^/]+/.+\.(?:py|ipynb|sh)$")

ROLE_RANK = {CodeRole.OTHER: 0, CodeRole.INFERENCE: 1, CodeRole.TRAINING: 2}
MAX_CODE_LINKS = 500

# General libraries and toolkits: code a model is built with, not the code that trained this model. Repository
# names (the part after the owner), lower case.
GENERAL_LIBRARIES = frozenset({
    "stable-baselines3", "stable-baselines3-contrib", "rl-baselines3-zoo", "ml-agents", "sample-factory", "cleanrl",
    "transformers", "diffusers", "datasets", "tokenizers", "accelerate", "peft", "trl", "optimum", "evaluate",
    "nemo", "pytorch-image-models", "timm", "t5x", "text-to-text-transfer-transformer", "fairseq", "espnet",
    "speechbrain", "sentence-transformers", "flair", "spacy", "allennlp", "pytorch-lightning", "lightning",
    "keras", "tensorflow", "pytorch", "jax", "flax", "deepspeed", "megatron-lm", "mmdetection", "detectron2",
    "ultralytics", "yolov5", "paddlenlp", "paddleocr", "fastai", "gradio", "streamlit", "onnxruntime", "marian",
    "marian-dev", "opennmt-py", "k2", "icefall", "lhotse", "wenet", "asteroid", "pyannote-audio", "setfit",
    "adapter-transformers", "adapters", "huggingface_hub", "gym", "gymnasium", "tianshou", "rllib", "skrl",
    "stable-diffusion-webui", "sd-scripts", "kohya_ss", "lora", "bitsandbytes", "vllm", "llama.cpp", "ggml",
    "mesh-tensorflow", "tensor2tensor", "jiant", "simpletransformers", "openai-whisper", "whisper",
})

# The card says this very code trained this model: strong enough for a library too.
_TRAINED_THIS = cue(
    r"\b(?:code|codebase|repo|repository|scripts?|notebook)\s+(?:that|which)\s+(?:was\s+used\s+to\s+)?"
    r"(?:pre-?)?train(?:ed|s)?\s+(?:this|the)\s+model"
    r"|\b(?:training|pre-?training|fine-?tuning)\s+code\s+(?:can\s+be\s+found|is\s+(?:available|here|at))"
    r"|\bmost\s+up-to-date\s+training\s+code"
    # "The source code to train this model is available on ...", "the code used to train the ScandiNLI models"
    r"|\b(?:code|codebase|scripts?|notebook)\s+(?:used\s+)?to\s+(?:pre-?)?train\s+(?:this|the)\s+(?:\S+\s+)?models?\b"
    r"|\bcommand\s+to\s+reproduce\s+the\s+training",
    ('train', 'tuning'),
)
# "trained ... using the librispeech recipe in [espnet]": a toolkit's recipe for this model is its training code.
_RECIPE = cue(r"\b(?:using|with|following)\s+(?:the\s+)?\S+\s+recipe\b|\brecipe\s+(?:in|of|from)\b", ("recipe",))
# Statements that this model was trained with the code.
_TRAINED_WITH = cue(
    r"\b(?:was|were|been|is)\s+(?:originally\s+|first\s+)?(?:pre-?|fine-?)?(?:trained|tuned|finetuned|created|made)"
    r"\s+(?:\S+\s+){0,6}?(?:using|with|via|by)\b"
    r"|\b(?:we\s+)?(?:use|used|using)\b[^.]{0,100}?\bfor\s+(?:the\s+)?(?:pre-?|fine-?)?training\b"
    r"|\btraining\b[^.]{0,60}?\b(?:was|were)\s+(?:performed|done|carried\s+out|run)\s+(?:\S+\s+){0,4}?(?:using|with)\b"
    r"|\btrained\s+(?:\S+\s+){0,8}?(?:using|with|via)\b"
    r"|\b(?:code|codebase|repo|repository|scripts?|notebook)\s+(?:that|which|used to)\s+(?:pre-?)?trained?\b",
    ('train', 'tune', 'creat', 'made'),
)
# Weaker cues: training code is on offer, but it may be for users to train further.
_TRAINING_CUES = cue(
    r"\b(?:pre-?|fine-?)?training\s+"
    r"(?:code|scripts?|procedure|recipes?|configs?|configuration|notebooks?|pipeline|codebase|repo)"
    r"|\breproduc\w*"
    r"|\(\s*(?:pre-?)?training\b",
    ('training', 'reproduc'),
)
# in link text or file name (not "trained", "pre-trained": weights, "[MobileNet V3 pre-trained](...)")
_TRAINING_WORDS = re.compile(r"train(?!ed\b)|fine[-_ ]?tun|reproduc", re.IGNORECASE)
# A library's runnable scripts and configs live in folders like these; its own modules (`src/...`) are not a recipe.
_RECIPE_FILE = re.compile(r"\.(?:py|sh|ipynb|ya?ml|json|jsonnet|cfg|toml|gin|conf)$", re.IGNORECASE)
_RECIPE_LINK_TEXT = re.compile(r"\brecipes?\b", re.IGNORECASE)
_RECIPE_PATH = re.compile(r"/(?:egs2?|recipes)/", re.IGNORECASE)
_RECIPE_FOLDER = re.compile(r"/(?:examples?|scripts|recipes|egs2?|conf|configs?|research_projects|notebooks)/",
                            re.IGNORECASE)
_FURTHER_TUNING = cue(
    r"\bfurther\b|\byou\s+can\b|\bto\s+fine-?tune\b|\bfor\s+fine-?tuning\b|\bif\s+you\s+want\b|\byour\s+own\b"
    r"|\btrain\s+yours\b|\bto\s+train\s+(?:it|a|your)\b",
    ('further', 'you', 'fine', 'train'),
)
_EVALUATION_CUES = cue(
    r"\beval\w*|\btest(?:ing|ed)?\b|\bbenchmark\w*|\bharness\b|\bleaderboard\b",
    ('eval', 'test', 'benchmark', 'harness', 'leaderboard'),
)
_INFERENCE_CUES = cue(
    r"\binferenc\w*|\busage\b|\bhow to use\b|\bquick ?start\b|\bget(?:ting)? started\b|\bdemo\b|\bplayground\b"
    r"|\bdeploy\w*|\bserv(?:e|ing)\b|\binstall\w*|\bcolab\b|\bapp\b|\bapi\b|\bspace\b",
    ('inferenc', 'usage', 'use', 'start', 'demo', 'playground', 'deploy', 'serv', 'install', 'colab', 'app', 'api', 'space'),
)
# "Training code: <link>", "- **Fine-tuning script:** <link>": a field that labels the link as the training code.
_TRAINING_LABEL = re.compile(r"\W*(?:pre-?|fine-?)?train(?:ing)?\s+(?:code|scripts?|recipes?|notebooks?|configs?|"
                             r"configuration|codebase|repo(?:sitory)?)\s*[*_]*\s*:", re.IGNORECASE)
_LIBRARY_WORDS = re.compile(r"\b(?:library|libraries|toolkit|framework|package|implementation\s+of)\b", re.IGNORECASE)
# The model's or paper's own repository, offered for details: other code, not the recipe.
_OFFICIAL_REPO = cue(
    r"\b(?:first|originally)\s+released\s+in\b|\b(?:official|original)\s+(?:repo\w*|implementation|code(?:base)?"
    r"|github|page)\b|\bfor\s+more\s+(?:details|information)\b|\bmore\s+(?:details|information)\s+(?:can|is|are|about"
    r"|on|at|in)\b|\b(?:github|repository|repo|code)\s*(?:\*\*|__)?\s*:",
    ('releas', 'official', 'original', 'more', 'github', 'repo', 'code'),
)
# "trained on the [fast-DreamBooth notebook](https://colab...)": a notebook a model was trained on is its code.
_TRAINED_ON_NOTEBOOK = re.compile(r"\b(?:trained|tuned)\s+(?:on|in|with)\s+(?:the\s+|this\s+|a\s+)?\W*$",
                                  re.IGNORECASE)
# "Please refer to the repo (...) for the details about the training": the repository that holds the recipe.
# ... or "check the fine-tuning and evaluation scripts in the official [repository]": it holds this model's recipe
_TRAINING_DETAILS = cue(
    r"\bfor\s+(?:the\s+|more\s+)?details\s+(?:about|of|on)\s+(?:the\s+|its\s+)?(?:pre-?)?training\b"
    r"|\b(?:check|see|find)\s+(?:out\s+)?the\s+(?:pre-?training|fine-?tuning|training)\s+(?:and\s+\w+\s+)?scripts?\b"
    # "This project is based on the official code of ELECTRA: <link>": the code the models were trained with
    r"|\b(?:project|models?|work)\s+(?:is|are|was|were)\s+based\s+on\s+the\s+(?:official\s+)?(?:code|codebase)\s+of\b",
    ("details", "script", "based"))
# "Stable-Diffusion v1.5 fine-tuned for 10k steps using [the train_text_to_image script](...)": just before the link
_TUNED_USING_BEFORE = re.compile(r"\b(?:fine-?tuned|finetuned|trained)\s+(?:\S+\s+){0,6}?(?:using|with)\s+"
                                 r"(?:the\s+|this\s+)?(?:\S+\s+){0,3}$", re.IGNORECASE)
_COURSE = cue(r"\b(?:course|class|tutorial|unit\s*\d+|lesson|hackathon|documentation|docs)\b",
              ("course", "class", "tutorial", "unit", "lesson", "hackathon", "doc"))
_PROMISED = cue(
    r"\b(?:will\s+be|to\s+be|is\s+going\s+to\s+be)\s+(?:\w+\s+)?(?:released|published|available|added|shared)\b"
    r"|\bcoming\s+soon\b|\b(?:an\s+)?ongoing\s+pull[-\s]request\b|\bnot\s+(?:yet\s+)?(?:been\s+)?(?:released|"
    r"published|available|public)\b|\bwe\s+do\s+not\s+(?:release|publish|share)\b|\bsoon\b",
    ('releas', 'publish', 'availab', 'added', 'shared', 'soon', 'pull', 'not'),
)
# "trained on [X]" / "finetuned on a mixture of [X]": the link is the data, not the code.
DATA_OBJECT = re.compile(
    r"\b(?:pre-?)?(?:trained|tuned|fine-?tuned|finetuned)(?:\s+\w+ly)?\s+on\b(?!(?:[^.]|\.\d)*\b(?:using|with|via|by)\b)"
    r"(?:[^.]|\.\d)*$",
    re.IGNORECASE,
)
_DATASET_REPO_NAME = re.compile(r"(?:^|[-_.])(?:datasets?|corpus|corpora)(?:$|[-_.])", re.IGNORECASE)
# Training and evaluation words in the languages cards are often written in (English, Japanese, Chinese)
TRAINING_WORDS_ANY_LANGUAGE = re.compile(r"train|fine-?tun|ファインチューニング|学習|训练|微调|訓練", re.IGNORECASE)
EVALUATION_WORDS = re.compile(r"\beval|\btest|\bbenchmark|評価|评估|测试", re.IGNORECASE)
# "Training data can be found in https://github.com/...": where the training data is, before its link
DATA_LOCATION_BEFORE = re.compile(
    r"\b(?:training|train|fine-?tuning)\s+(?:data|dataset|set|corpus)\s+(?:(?:can|could)\s+be\s+(?:found|downloaded)"
    r"|is\s+(?:available|hosted)|are\s+(?:available|hosted))\s*(?:in|at|on|from|here)?\s*:?\s*$", re.IGNORECASE)
_DATA_LINK_TEXT = re.compile(r"\b(?:data(?:set)?s?|corpus|corpora|treebanks?)\b", re.IGNORECASE)
_DATA_FIELD_KEYS = frozenset({"dataset", "datasets", "training data", "training dataset", "corpus", "data source"})
# A training command in a code block: `python train.py`, `rl_zoo3.train`, `./run.sh`, `cd recipes/...`.
_URL_IN_COMMAND = re.compile(r"\w+://\S+")
# `--hf-entity cleanrl`: options and their values (not `-m`, which names the module a command runs)
_WITHOUT_OPTIONS = re.compile(r"(?<!\S)--?(?!m\s)[\w-]+(?:[= ](?!-)\S+)?")
_TRAINING_HEADING = re.compile(r"\btrain|\breproduc", re.IGNORECASE)
_TRAINING_DATA_HEADING = re.compile(r"\btrain\w*\s+(?:data|datasets?|corpus|corpora)\b", re.IGNORECASE)
_COMMAND = re.compile(r"(?:^|\s)(?:python3?|bash|sh|curl|wget|accelerate|torchrun|deepspeed)\s", re.MULTILINE)
_TRAINING_COMMAND = cue(
    r"(?m)(?:^|\s)(?:python3?\s+(?:-m\s+)?\S*train\S*|\S*train\S*\.(?:py|sh)\b|\./run\.sh|cd\s+\S*(?:recipes|egs2?)/)",
    ("train", "run.sh", "recipes", "egs"),
)


@dataclass
class CodeLink:
    url: str
    host: str
    repo: str
    role: CodeRole
    rule: str
    hit: UrlHit
    context: str

    def as_fact(self) -> CodeLinkFact:
        return CodeLinkFact(self.url, self.host, self.repo, self.role)


def code_repository(hit: UrlHit) -> str | None:
    """The repository a code-host URL points into (`owner/repo`, `spaces/owner/name`, ...), or None."""
    segments = hit.segments
    host = hit.host
    if host == "huggingface.co":
        if len(segments) >= 3 and segments[0] == "spaces":
            return f"spaces/{segments[1]}/{segments[2]}"
        return "/".join(segments[:2]) if _HUB_CODE_FILE.match(hit.path) else None
    if host == "colab.research.google.com":
        return "/".join(segments) if len(segments) >= 2 and segments[0] in ("drive", "github", "gist") else None
    if host == "sourceforge.net":
        return f"projects/{segments[1]}" if len(segments) >= 2 and segments[0] in ("projects", "p") else None
    if host in ("raw.githubusercontent.com", "gist.github.com"):
        return "/".join(segments[:2]) if len(segments) >= 2 else None
    if len(segments) < 2 or segments[0].lower() in _NOT_REPO_OWNERS.get(host, ()):
        return None
    if host == "gitlab.com":
        cut = segments.index("-") if "-" in segments else len(segments)
        repo_segments = segments[:cut]
        if len(repo_segments) > 2 and repo_segments[2] in _NOT_CODE_PAGES:
            return None
    else:
        repo_segments = segments[:2]
        if len(segments) > 2 and segments[2] in _NOT_CODE_PAGES:
            return None
    repo = "/".join(repo_segments)
    return repo[:-4] if repo.endswith(".git") else repo


def url_key(url: str) -> str:
    """Two spellings of one URL (case, a trailing `/`, `www.`) are one link."""
    return url.lower().rstrip("/").replace("://www.", "://", 1)


def extract_code_links(card: Card, family: CardFamily = CardFamily.OTHER, repo_id: str = ""
                       ) -> tuple[list[CodeLink], list[dict], list[str]]:
    """Code links, one per distinct URL, their evidence rows, and problems (code-host URLs without a repo)."""
    links: dict[str, CodeLink] = {}
    problems: list[str] = []
    dropped = 0
    context = _CardContext(card, family, repo_id)
    for hit in card.urls:
        host = "huggingface.co" if hit.host == "hf.co" else hit.host
        if host not in CODE_HOSTS or _IMAGE.search(hit.path):
            continue
        if not hit.path.strip("/"):
            if host != "huggingface.co":
                problems.append(f"malformed_url: {hit.url[:120]} (no repository path)")
            continue
        repo = code_repository(hit)
        if repo is None:
            continue  # profile pages, issues, pull requests, site pages, Hub model pages
        role, rule, sentence = link_role(context, hit, repo)
        if role is None:
            continue  # the link is training data, not code
        key = url_key(hit.url)
        current = links.get(key)
        if current is None and len(links) >= MAX_CODE_LINKS:
            dropped += 1
        elif current is None or ROLE_RANK[role] > ROLE_RANK[current.role]:
            links[key] = CodeLink(hit.url, host, repo, role, rule, hit, sentence)
    _files_of_training_repositories(links.values())
    if dropped:
        problems.append(f"code_links_truncated: kept {MAX_CODE_LINKS} links, dropped {dropped}")
    ordered = sorted(links.values(), key=lambda link: link.hit.start)
    evidence = [
        evidence_row(
            "training_code" if link.role == CodeRole.TRAINING else "code",
            "readme",
            card.location(link.hit.start),
            f"[{link.role}: {link.rule}] {link.context}",
            link.url,
        )
        for link in ordered
    ]
    return ordered, evidence, problems


class _CardContext:
    """What role decisions read besides the link's own sentence; each part is read only when a link needs it."""

    def __init__(self, card: Card, family: CardFamily, repo_id: str) -> None:
        self.card, self.family = card, family
        self.owner = repo_id.split("/", 1)[0].lower() if "/" in repo_id else ""

    @cached_once
    def training_blocks(self) -> list[CodeBlock]:
        """The code blocks that run a training command, or a command under a heading about training."""
        card = self.card
        return [block for block in card.code_blocks if _TRAINING_COMMAND.search(block.text) or (
            _TRAINING_HEADING.search(_heading_over(card, block.start)) and _COMMAND.search(block.text))]


    @cached_once
    def training_commands(self) -> list[tuple[str, str]]:
        """(the heading over the block, the block), lower case, for each training block."""
        card = self.card
        # (URLs left out: a command that downloads from huggingface.co/<org>/... does not run a library <org>)
        return [(_heading_over(card, block.start).lower(), _URL_IN_COMMAND.sub(" ", block.text.lower()))
                for block in self.training_blocks]

    @cached_once
    def data_field_spans(self) -> list[tuple[int, int]]:
        return [(f.value_pos, f.end) for f in self.card.fields_with_keys(_DATA_FIELD_KEYS)]


def link_role(context: _CardContext, hit: UrlHit, repo: str) -> tuple[CodeRole | None, str, str]:
    """(role or None for a data link, the rule that decided, the sentence) for one occurrence of a link."""
    card = context.card
    sentence_start, sentence_end = card.sentence_bounds(hit.text_start, hit.end)
    sentence = card.body[sentence_start:sentence_end]
    text = plain_text(sentence)
    lower = text.lower()
    before = plain_text(card.body[sentence_start : hit.text_start])
    section = card.section_at(hit.start)
    heading = section.rsplit(" > ", 1)[-1]
    file_name = hit.path.rstrip("/").rsplit("/", 1)[-1]
    repo_name = repo.rsplit("/", 1)[-1].lower()
    owner = repo.split("/", 1)[0].lower()
    library = repo_name in GENERAL_LIBRARIES or (
        bool(_LIBRARY_WORDS.search(hit.link_text) or _LIBRARY_WORDS.search(_around(text, hit.link_text)))
        and owner != context.owner)
    script = file_name != repo_name and "." in file_name  # a file inside the repository, not its front page

    if hit.host in ("github.com", "gitlab.com") and _is_data_link(context, hit, before):
        return None, "training data", sentence
    if script and card.in_code(hit.start) and _in_training_command(context, hit.start):
        return CodeRole.TRAINING, "a script of this model's training command", sentence
    if _PROMISED.search(text, lower):
        return CodeRole.OTHER, "promised, not released", sentence
    if _TRAINED_THIS.search(text, lower) and (script or not library or _recipe_uses(context, repo_name, hit.link_text)):
        return CodeRole.TRAINING, "the code that trained this model", sentence
    if _RECIPE.search(text, lower):
        return CodeRole.TRAINING, "this model's recipe in a toolkit", sentence
    notebook = hit.host == "colab.research.google.com" or file_name.endswith(".ipynb")
    if notebook and _TRAINED_ON_NOTEBOOK.search(before) and not _FURTHER_TUNING.search(text, lower):
        return CodeRole.TRAINING, "trained on this notebook", sentence
    if _TRAINING_DETAILS.search(text, lower) and not library:
        return CodeRole.TRAINING, "the details of this model's training", sentence
    if library:
        if _recipe_uses(context, repo_name, hit.link_text) and not script:
            return CodeRole.TRAINING, "training command of this model", sentence
        if context.family == CardFamily.CLEANRL and script and hit.url.endswith(".py"):
            return CodeRole.TRAINING, "the exact training script", sentence
        # "See the [recipe](.../icefall/tree/master/egs/tedlium3/ASR/conformer_ctc2)": the toolkit's recipe folder
        # for this model
        if _RECIPE_LINK_TEXT.search(hit.link_text) and _RECIPE_PATH.search(hit.path):
            return CodeRole.TRAINING, "this model's recipe in a toolkit", sentence
        # "trained with this [example script](.../NeMo/blob/main/examples/...py) and this [base config](...yaml)":
        # the one script and config of the library that trained this model are its recipe; the library is not.
        if (script and _RECIPE_FILE.search(file_name) and _RECIPE_FOLDER.search(hit.path)
                and (_TRAINED_WITH.search(text, lower) or _TUNED_USING_BEFORE.search(before))
                and not DATA_OBJECT.search(before)
                and not _FURTHER_TUNING.search(text, lower)):
            return CodeRole.TRAINING, "the library's script that trained this model", sentence
        return CodeRole.OTHER, "general library", sentence
    if _COURSE.search(hit.link_text) or (_COURSE.search(text, lower) and not _TRAINED_WITH.search(text, lower)):
        return CodeRole.OTHER, "course, tutorial or documentation", sentence
    # A statement that the model was trained with the code holds even in a "fine-tune further" section.
    if _TRAINED_WITH.search(text, lower) and not DATA_OBJECT.search(before) and not _FURTHER_TUNING.search(text, lower):
        return CodeRole.TRAINING, "trained with this code", sentence
    further = _FURTHER_TUNING.search(text, lower) or _FURTHER_TUNING.search(heading)
    evaluation = _EVALUATION_CUES.search(text, lower) or _EVALUATION_CUES.search(file_name)
    # (a repository's own name may hold "train" for other reasons: only a file's name counts, or the link's text)
    named_training = _TRAINING_WORDS.search(hit.link_text) or (script and _TRAINING_WORDS.search(file_name))
    if named_training and not evaluation and not further:
        return CodeRole.TRAINING, "named as training code", sentence
    if _TRAINING_LABEL.match(text):
        return CodeRole.TRAINING, "labelled as training code", sentence
    if _OFFICIAL_REPO.search(text, lower) or _OFFICIAL_REPO.search(hit.link_text):
        return CodeRole.OTHER, "the model's own repository, for details", sentence
    if not further and _TRAINING_CUES.search(text, lower):
        return CodeRole.TRAINING, "training code cue", sentence
    if not evaluation and (_INFERENCE_CUES.search(text, lower) or _INFERENCE_CUES.search(section)):
        return CodeRole.INFERENCE, "usage or demo", sentence
    return CodeRole.OTHER, "no training statement", sentence


def _files_of_training_repositories(links) -> None:
    """A file inside the repository that trained the model, linked with nothing said about it (GPT-J's pinned
    `layers.py`), is part of that recipe."""
    links = list(links)
    training = {(link.host, link.repo.lower()) for link in links if link.role == CodeRole.TRAINING}
    for link in links:
        file_name = link.hit.path.rstrip("/").rsplit("/", 1)[-1]
        is_file = "." in file_name and link.hit.path.count("/") > 2
        evaluation = _EVALUATION_CUES.search(file_name) or _EVALUATION_CUES.search(plain_text(link.context))
        if link.rule == "no training statement" and is_file and not evaluation and (
                link.host, link.repo.lower()) in training:
            link.role, link.rule = CodeRole.TRAINING, "a file of the training repository"


def _around(text: str, link_text: str) -> str:
    """The few words around the link text in its sentence ("the [X library]", "[X](..) toolkit")."""
    if not link_text:
        return ""
    found = text.find(link_text)
    if found < 0:
        return ""
    return text[max(0, found - 12) : found + len(link_text) + 16]


def _heading_over(card: Card, pos: int) -> str:
    return card.section_at(pos).rsplit(" > ", 1)[-1]


def _in_training_command(context: _CardContext, pos: int) -> bool:
    return any(block.start <= pos < block.end for block in context.training_blocks)


def _recipe_uses(context: _CardContext, repo_name: str, link_text: str) -> bool:
    """Whether a training command in the card's code blocks runs this repository: a command names it as a program
    or module (`python -m rl_zoo3.train`, `cd espnet/egs2/...`), or the block sits under a heading that names the
    link ("Training (with the RL Zoo)"). A name in an argument (`--hf-entity cleanrl`) does not count."""
    if not context.training_commands:
        return False  # (most cards: then no pattern is compiled for this repository's names)
    names = {repo_name, repo_name.replace("-", "_"), repo_name.replace("rl-baselines3-zoo", "rl_zoo3")}
    runs = re.compile(r"(?:^|[\s;&|])(?:-m\s+|import\s+|from\s+|cd\s+|pip\s+install\s+)?(?:"
                      + "|".join(map(re.escape, sorted(names))) + r")(?=[./\s]|$)", re.MULTILINE)
    link_text = link_text.lower()
    for heading, commands in context.training_commands:
        if (len(link_text) >= 3 and link_text in heading) or runs.search(_WITHOUT_OPTIONS.sub(" ", commands)):
            return True
        if repo_name in ("espnet", "speechbrain") and ("recipes/" in commands or "egs" in commands):
            return True
    return False


def dataset_repository(card: Card, hit: UrlHit) -> str | None:
    """`owner/repo` of a GitHub or GitLab repository named as a dataset (`ner-wikipedia-dataset`, `x_corpus`) in a
    sentence about training (in any of the languages cards are often written in), else None."""
    if hit.host not in ("github.com", "gitlab.com"):
        return None
    segments = hit.segments
    if len(segments) < 2 or not _DATASET_REPO_NAME.search(segments[1]) or segments[1].lower() in GENERAL_LIBRARIES:
        return None
    start, end = card.sentence_bounds(hit.text_start, hit.end)
    about_training = TRAINING_WORDS_ANY_LANGUAGE.search(card.body, start, end)
    if not about_training or EVALUATION_WORDS.search(card.body, start, end):
        return None  # "evaluated by fine-tuning on [X](...)": a downstream evaluation set, not this model's data
    return f"{segments[0]}/{segments[1]}"


def _is_data_link(context: _CardContext, hit: UrlHit, before: str) -> bool:
    """A code-host link that the card presents as training data: "trained on [X]", a dataset link text, a
    repository named as a dataset in a sentence about training, or a value of a `Sources:` / `Dataset:` field."""
    segments = hit.segments
    if DATA_LOCATION_BEFORE.search(before):
        return True
    if len(segments) == 2 and segments[1].lower() in GENERAL_LIBRARIES:
        return False  # "trained on [spacy](https://github.com/explosion/spaCy)": the library, not data
    if hit.link_text and DATA_OBJECT.search(before):
        return True
    if dataset_repository(context.card, hit):
        return True
    if hit.link_text and _DATA_LINK_TEXT.search(hit.link_text) and not _TRAINING_WORDS.search(hit.link_text):
        return True
    if "dataset" in hit.path.lower().rsplit("/", 1)[-1] and DATA_OBJECT.search(before + " on"):
        return True
    if any(start <= hit.start < end for start, end in context.data_field_spans):
        return True
    # "| [Some corpus](https://github.com/...) | [paper](...) | 1,000 |": the first cell of a row of a table of the
    # training data names a dataset
    line_start = context.card.body.rfind("\n", 0, hit.start) + 1
    first_cell = context.card.body[line_start : hit.text_start].strip(" \t|")
    return (context.card.body[line_start : hit.text_start].lstrip().startswith("|") and not first_cell
            and _TRAINING_DATA_HEADING.search(_heading_over(context.card, hit.start)) is not None)
