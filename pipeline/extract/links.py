"""Code links: repositories, notebooks and Spaces the card links to, each with a role from its context.

Role `training` means the card presents the code as what trained this model ("trained using X",
"training script", "how to reproduce"); `inference` covers usage, demos and serving; everything else
(evaluation, libraries, further fine-tuning offered to users, data repos) is `other`.
Links are deduplicated by repository; the strongest role wins (training > inference > other).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract.card import Card, UrlHit, evidence_row, plain_text

# Hosts whose links are code; code_repository() knows how each names a repository
# (owner/repo; GitLab groups; sourceforge projects/name; Colab notebooks; Hub spaces/owner/name).
CODE_HOSTS = frozenset({"github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "sourceforge.net",
                        "colab.research.google.com", "huggingface.co"})
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

ROLE_RANK = {"other": 0, "inference": 1, "training": 2}
MAX_CODE_LINKS = 500

# Statements that this model was trained with the code: they hold even in a "fine-tune further" section.
_TRAINED_WITH = re.compile(
    r"\b(?:was|were|been)\s+(?:originally\s+|first\s+)?(?:pre-?|fine-?)?(?:trained|tuned|finetuned)\b"
    r"|\btrained\s+(?:\S+\s+){0,8}?(?:using|with|via)\b"
    r"|\b(?:code|codebase|repo|repository|scripts?)\s+(?:that|which|used to)\s+(?:pre-?)?trained?\b",
    re.IGNORECASE,
)
# Weaker cues: training code is on offer, but it may be for users to train further.
_TRAINING_CUES = re.compile(
    r"\btrain(?:ed|ing)?\b[^.]{0,80}?\b(?:using|with|via)\b"
    r"|\b(?:pre-?|fine-?)?training\s+"
    r"(?:code|scripts?|procedure|recipes?|configs?|notebooks?|pipeline|codebase|framework|repo)"
    r"|\breproduc\w*"
    r"|\(\s*(?:pre-?)?training\b",
    re.IGNORECASE,
)
_TRAINING_WORDS = re.compile(r"train|fine[-_ ]?tun|reproduc", re.IGNORECASE)  # in link text or file name
_FURTHER_TUNING = re.compile(r"\bfurther\b|\byou can\b|\bto fine-?tune\b|\bfor fine-?tuning\b", re.IGNORECASE)
_EVALUATION_CUES = re.compile(
    r"\beval\w*|\btest(?:ing|ed)?\b|\bbenchmark\w*|\bharness\b|\bleaderboard\b", re.IGNORECASE
)
_INFERENCE_CUES = re.compile(
    r"\binferenc\w*|\busage\b|\bhow to use\b|\bquick ?start\b|\bget(?:ting)? started\b|\bdemo\b|\bplayground\b"
    r"|\bdeploy\w*|\bserv(?:e|ing)\b|\binstall\w*|\bcolab\b|\bapp\b|\bapi\b|\bspace\b",
    re.IGNORECASE,
)
_TRAINING_SECTION = re.compile(r"\btrain", re.IGNORECASE)
_NOT_TRAINING_SECTION = re.compile(r"data|result|eval|fine-?tun|further|usage|how to", re.IGNORECASE)
# "trained on [X]" / "finetuned on a mixture of [X]": the link is the data, not the code.
DATA_OBJECT = re.compile(
    r"\b(?:pre-?)?(?:trained|tuned|fine-?tuned|finetuned)\s+on\b(?![^.]*\b(?:using|with|via|by)\b)[^.]*$",
    re.IGNORECASE,
)


@dataclass
class CodeLink:
    url: str
    host: str
    repo: str
    role: str
    hit: UrlHit
    context: str

    def as_fact(self) -> dict[str, str]:
        return {"url": self.url, "host": self.host, "repo": self.repo, "role": self.role}


def code_repository(hit: UrlHit) -> str | None:
    """The repository a code-host URL points into (`owner/repo`, `spaces/owner/name`, ...), or None."""
    segments = [s for s in hit.path.split("/") if s]
    host = hit.host
    if host == "huggingface.co":
        return f"spaces/{segments[1]}/{segments[2]}" if len(segments) >= 3 and segments[0] == "spaces" else None
    if host == "colab.research.google.com":
        return "/".join(segments) if len(segments) >= 2 and segments[0] in ("drive", "github", "gist") else None
    if host == "sourceforge.net":
        return f"projects/{segments[1]}" if len(segments) >= 2 and segments[0] in ("projects", "p") else None
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


def extract_code_links(card: Card) -> tuple[list[CodeLink], list[dict], list[str]]:
    """Code links deduplicated by (host, repo), their evidence rows, and problems (code-host URLs without a repo)."""
    links: dict[tuple[str, str], CodeLink] = {}
    problems: list[str] = []
    dropped = 0
    for hit in card.urls:
        host = "huggingface.co" if hit.host == "hf.co" else hit.host
        if host not in CODE_HOSTS or _IMAGE.search(hit.path):
            continue
        if host == "huggingface.co" and not hit.path.startswith("/spaces/"):
            continue
        if not hit.path.strip("/"):
            problems.append(f"malformed_url: {hit.url[:120]} (no repository path)")
            continue
        repo = code_repository(hit)
        if repo is None:
            continue  # profile pages, issues, pull requests, site pages
        role, context = link_role(card, hit)
        key = (host, repo.lower())
        current = links.get(key)
        if current is None and len(links) >= MAX_CODE_LINKS:
            dropped += 1
        elif current is None or ROLE_RANK[role] > ROLE_RANK[current.role]:
            links[key] = CodeLink(hit.url, host, repo, role, hit, context)
    if dropped:
        problems.append(f"code_links_truncated: kept {MAX_CODE_LINKS} repositories, dropped {dropped} links")
    ordered = sorted(links.values(), key=lambda link: link.hit.start)
    evidence = [
        evidence_row(
            "training_code" if link.role == "training" else "code",
            "readme",
            card.location(link.hit.start),
            f"[{link.role}] {link.context}",
            link.url,
        )
        for link in ordered
    ]
    return ordered, evidence, problems


def link_role(card: Card, hit: UrlHit) -> tuple[str, str]:
    """(role, sentence) for a link, from the sentence around it, its text, its file name and its section."""
    sentence_start, sentence_end = card.sentence_bounds(hit.text_start, hit.end)
    sentence = card.body[sentence_start:sentence_end]
    before = plain_text(card.body[sentence_start : hit.text_start])
    file_name = hit.path.rstrip("/").rsplit("/", 1)[-1]
    role = classify_role(plain_text(sentence), before, hit.link_text, file_name, card.section_at(hit.start))
    return role, sentence


def classify_role(sentence: str, before: str, link_text: str, file_name: str, section: str) -> str:
    """The role rules, in order: data object, training statements, training cues, inference, training section."""
    if DATA_OBJECT.search(before):
        return "other"
    if _TRAINED_WITH.search(sentence):
        return "training"
    heading = section.rsplit(" > ", 1)[-1]
    further = _FURTHER_TUNING.search(sentence) or _FURTHER_TUNING.search(heading)
    evaluation = _EVALUATION_CUES.search(sentence) or _EVALUATION_CUES.search(file_name)
    named_training = _TRAINING_WORDS.search(link_text) or _TRAINING_WORDS.search(file_name)
    if not further and (_TRAINING_CUES.search(sentence) or (named_training and not evaluation)):
        return "training"
    if not evaluation and (_INFERENCE_CUES.search(sentence) or _INFERENCE_CUES.search(section)):
        return "inference"
    if not evaluation and not further and _TRAINING_SECTION.search(section) and not _NOT_TRAINING_SECTION.search(
        heading
    ):
        return "training"
    return "other"
