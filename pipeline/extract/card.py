"""Read a model card (README.md) safely: front matter, body, headings, URLs, and README line numbers.

Hostile input never raises and never hangs: invalid YAML, YAML that is not a mapping, alias bombs,
huge cards, undecodable bytes and malformed URLs each become a string in `Card.problems`.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

from pipeline.extract.memo import memoised_when_short

MAX_CARD_CHARS = 512 * 1024  # read at most this much of a README; the rest is dropped and recorded
MAX_ALIAS_NODES = 10_000  # YAML whose aliases expand beyond this many nodes is refused (billion laughs)

# The exact front-matter regex of huggingface_hub (repocard.py), so we split cards as the Hub client does.
YAML_BLOCK = re.compile(r"^(\s*---\r?\n)([\S\s]*?)(\r?\n---[ \t]*(\r?\n|$))")
_UNCLOSED_BLOCK = re.compile(r"\s*---\r?\n")  # also YAML_BLOCK's opening group
_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: fast, and it caps nesting depth


class _Loader(_BASE_LOADER):  # type: ignore[misc,valid-type]
    """The safe loader, with each plain scalar's implicit tag (int, float, bool, null, timestamp or str) resolved
    once per distinct value: front matter repeats its keys and values ("name", "type", "accuracy") across cards,
    and the resolver tries its patterns in Python for every scalar. The tag of a scalar depends on its value alone,
    as this loader has no path resolvers, so the answers are the resolver's own."""

    _scalar_tags: dict[str, str] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is not yaml.ScalarNode or self.yaml_path_resolvers:
            return super().resolve(kind, value, implicit)
        if not implicit[0]:
            return self.DEFAULT_SCALAR_TAG
        tag = self._scalar_tags.get(value)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(value) <= 100 and len(self._scalar_tags) < 65536:
                self._scalar_tags[value] = tag
        return tag


_LOADER = _Loader
# An alias (`*name`) can only start a node: at a line start, after blanks, or after `[ { , :`.
_ALIAS_HINT = re.compile(r"(?:^|[\s\[{,:])\*[^\s,\[\]{}]", re.MULTILINE)

_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_NEWLINE = re.compile(r"\n")
# Headings and fences start a line. They are matched on "\n" + body, so that the pattern starts with a
# literal (fast); a match then starts at the prefixed "\n", whose offset is the line's offset in body.
_HEADING = re.compile(r"\n {0,3}(#{1,6})[ \t]+([^\n]*)")
# A setext underline (`===` or `---` under a line of text); the line above must be a paragraph's, not a list
# item, quote, table row or HTML block (then `---` is a rule, or the line is no heading).
_SETEXT_UNDERLINE = re.compile(r"\n {0,3}(=+|-{2,})[ \t]*(?=\n|$)")
_NOT_SETEXT_TITLE = re.compile(r"\s{4}|\s*(?:[-*+>|<#]|\d+[.)]\s|```|~~~)")
_HTML_HEADING = re.compile(r"<h([1-6])\b[^>]*>(.{1,300}?)</h\1\s*>", re.DOTALL)  # on Card.lower
_CLOSING_HASHES = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")
_FENCE = re.compile(r"\n {0,3}(?:```|~~~)")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_HTML_TAG = re.compile(r"<[^>]+>")
_EMPHASIS = re.compile(r"[*`]+|(?<![^\W_])_+|_+(?![^\W_])")  # (`UD_Treebank`: an underscore inside a word is no emphasis)

# A sentence ends at . ! ? before a blank, a blank line, a new list item / heading / table row, the end
# of a heading line, a table cell separator or an HTML line break. Soft line breaks do not end it.
# Each kind is its own literal-led pattern: one alternation of them all is ten times slower.
# `[.!?](?=\s)` and `\||<br\s*/?>` are each split into literal-led patterns, which the regex engine scans
# several times faster than a character class; the parts cannot overlap one another (the full stops are
# single characters; a `<br>` holds no `|`), so together they match exactly what the alternation matched.
_FULL_STOPS = [(char, re.compile(re.escape(char) + r"(?=\s)")) for char in ".!?"]
# (the lookahead turns away at once the newlines that go on with prose, most of them, before either branch is tried)
_BLOCK_BREAK = re.compile(r"\n(?=[ \t\n\-*+#|\d])(?:[ \t]*+\n|(?=[ \t]*+(?:[-*+][ \t]|\d++[.)][ \t]|#|\|)))")
_PIPE, _LINE_BREAK_TAG = re.compile(r"\|"), re.compile(r"<br\s*/?>")  # matched on the lower-cased body
CONTEXT_CHARS = 300  # how far a sentence may reach on each side of a link
OPENING_LINES = 3  # the lines that introduce a model: its title and first sentences
# On a card longer than this, sentence_bounds looks for the breaks near its span only. Finding every break of the
# card once (then bisecting) is cheaper on the short cards, which get a few spans each; on the long ones (a
# config or a results table of thousands of lines) nearly all of that work lies far from any span.
NEARBY_BREAKS_CHARS = 16_000
_MATCH_START, _MATCH_END = re.Match.start, re.Match.end

# URLs: balanced parentheses are part of a URL (notebooks named `..._(LED)_...`); an IPv6 host may
# follow the scheme in brackets. Quotes, brackets, braces, pipes and backslashes end a URL.
# Matched on the lower-cased body (same offsets), so that "https" is a literal prefix. Runs of plain URL
# characters are taken whole (`+`): they and the parentheses are disjoint, so the match is the same as
# taking them one at a time, and the regex engine is twice as fast.
_URL = re.compile(r"""https?:/{1,2}(?:\[[^\s\]/]*\]?)?(?:[^\s()<>\[\]{}"'`|\\]+|\([^\s()<>\[\]{}"'`|\\]*\))*""")
_URL_PARTS = re.compile(r"https?://([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?", re.IGNORECASE | re.DOTALL)
_VALID_HOST = re.compile(
    r"^(?:(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}|localhost|\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:.]+\])"
    r"(?::\d{1,5})?$",
    re.IGNORECASE,
)
_URL_TRAILING_DEBRIS = ".,;:!?*'\""
MAX_SNIPPET = 300


@dataclass(slots=True)
class Heading:
    pos: int  # offset in Card.body
    line: int  # README line number (1-based)
    level: int
    title: str
    path: str  # titles of the enclosing headings and this one, joined with " > "


@dataclass(slots=True)
class UrlHit:
    url: str  # as written, minus trailing punctuation
    start: int  # offset of the URL in Card.body
    end: int
    host: str  # lowercase, without "www."
    path: str  # path as written, without query and fragment
    query: str
    fragment: str
    link_text: str  # markdown or HTML link text; "" for a bare URL
    text_start: int  # where the link begins (its `[` or `<a`), or `start` for a bare URL

    @property
    def segments(self) -> list[str]:
        """The path's non-empty segments: `/org/name/blob/main/x.py` -> [org, name, blob, main, x.py]."""
        return [s for s in self.path.split("/") if s]


@dataclass(slots=True)
class Field:
    """A `key: value` line of the body: `* dataset: opus`, `- **License:** MIT`, `**Paper**: [..](..)`, or a row of
    a two-column table (`| **Sources** | ... |`). A key with no value on its line takes the lines indented under it."""

    pos: int  # offset of the line in Card.body
    key: str  # lower case, without emphasis
    value: str  # as written (markdown), stripped
    value_pos: int  # offset of the value
    end: int  # offset where the value ends


@dataclass(slots=True)
class Table:
    """A pipe table: header cells (plain text) and rows of (offset, cell markdown)."""

    pos: int
    header: list[str]
    rows: list[list[tuple[int, str]]]


@dataclass(slots=True)
class CodeBlock:
    """A fenced code block: its info string (`bash`, `python`) and its text."""

    start: int
    end: int
    info: str
    text: str


class cached_once:  # a decorator, named like functools.cached_property, which it stands in for
    """functools.cached_property without the lock that Python 3.11 takes on every first access (a card is
    never shared between threads): computed once, then found in the instance's __dict__."""

    def __init__(self, func: Any) -> None:
        self.func = func
        self.name = func.__name__

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.func(obj)
        return value


@dataclass
class Card:
    """A parsed README. Offsets refer to `body`, in which HTML comments are blanked out (lengths kept)."""

    body: str = ""
    body_first_line: int = 1  # README line number of the first body line
    metadata: dict[str, Any] = field(default_factory=dict)
    has_front_matter: bool = False
    byte_length: int = 0  # size of the README as given, before the cap
    headings: list[Heading] = field(default_factory=list)
    urls: list[UrlHit] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    comments: list[tuple[int, str]] = field(default_factory=list)  # (offset, text) of the HTML comments (blanked in body)
    _keywords: dict[str, list[int]] = field(default_factory=dict, repr=False)  # keyword -> offsets (keyword_at)
    _field_keys: dict[str, bool] = field(default_factory=dict, repr=False)  # key -> whether a field may have it
    _newlines: list[int] = field(default_factory=list, repr=False)
    _fences: list[int] = field(default_factory=list, repr=False)
    _heading_pos: list[int] = field(default_factory=list, repr=False)
    _heading_line_ends: list[int] = field(default_factory=list, repr=False)  # where each heading's line ends

    @cached_once
    def lower(self) -> str:
        """The body in lower case with the same offsets, for fast case-insensitive scans."""
        lowered = self.body.lower()
        if len(lowered) != len(self.body):  # a few characters (e.g. "\u0130") lower-case to two
            lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in self.body)
        return lowered

    @cached_once
    def _sentence_breaks(self) -> tuple[list[int], list[int]]:
        """Sorted offsets where sentences stop, and where the next ones resume."""
        body = self.body
        # A full stop stops and resumes at once. Each pattern runs only if its literal occurs at all, and the
        # offsets are collected with map() over the matches, which is cheaper than a Python loop.
        full_stops: list[int] = []
        for char, pattern in _FULL_STOPS:
            if char in body:
                full_stops += map(_MATCH_END, pattern.finditer(body))
        stops, resumes = full_stops[:], full_stops
        if "\n" in body:
            matches = list(_BLOCK_BREAK.finditer(body))
            stops += map(_MATCH_START, matches)
            resumes += map(_MATCH_END, matches)
        lower = self.lower
        if "|" in lower:  # a cell separator is one character: it resumes right after it stops
            cells = list(map(_MATCH_START, _PIPE.finditer(lower)))
            stops += cells
            resumes += [cell + 1 for cell in cells]
        if "<br" in lower:
            matches = list(_LINE_BREAK_TAG.finditer(lower))
            stops += map(_MATCH_START, matches)
            resumes += map(_MATCH_END, matches)
        for line_end in self._heading_line_ends:  # the newline ending a heading's line
            stops.append(line_end)
            resumes.append(line_end + 1)
        stops.sort()
        resumes.sort()
        return stops, resumes

    @cached_once
    def opening_lines(self) -> list[tuple[int, int]]:
        """(start, end) of the body's first OPENING_LINES lines that are not blank: the title and first sentences."""
        body, at, found = self.body, 0, []
        while len(found) < OPENING_LINES and at < len(body):
            end = body.find("\n", at)
            end = len(body) if end < 0 else end
            if not body[at:end].isspace() and at < end:
                found.append((at, end))
            at = end + 1
        return found

    @cached_once
    def fields(self) -> list[Field]:
        """`key: value` lines outside code, and the rows of two-column tables."""
        return _fields(self)

    @cached_once
    def tables(self) -> list[Table]:
        return _tables(self)

    @cached_once
    def code_blocks(self) -> list[CodeBlock]:
        blocks = []
        fences = self._fences
        for start, end in zip(fences[::2], fences[1::2] + [len(self.body)] * (len(fences) % 2)):
            line_end = self.body.find("\n", start)
            line_end = end if line_end < 0 or line_end > end else line_end
            info = self.body[start:line_end].strip().lstrip("`~").strip().lower()
            blocks.append(CodeBlock(start, end, info, self.body[line_end + 1 : end]))
        return blocks

    def keyword_at(self, keyword: str) -> list[int]:
        """Offsets of a lower-case keyword in the body (found once per card and keyword)."""
        found = self._keywords.get(keyword)
        if found is None:
            found, at, lower = [], self.lower.find(keyword), self.lower
            while at >= 0:
                found.append(at)
                at = lower.find(keyword, at + len(keyword))
            self._keywords[keyword] = found
        return found

    def keyword_matches(self, pattern: re.Pattern, keywords: tuple[str, ...], before: int = 80, after: int = 80,
                        until: int | None = None) -> list[re.Match]:
        """Matches of `pattern` on the body near each occurrence of a lower-case keyword it needs (from `before`
        characters ahead of the keyword to `after` characters past it; keywords up to offset `until`), in order.
        A pattern that does not start with a literal is tried at every offset of a whole card; near its keywords
        it is tried on a few windows instead."""
        body, found = self.body, {}
        for keyword in keywords:
            for at in self.keyword_at(keyword):  # (remembered per card: a keyword is looked for once)
                if until is not None and at >= until:
                    break
                for match in pattern.finditer(body, max(0, at - before), at + len(keyword) + after):
                    found.setdefault(match.span(), match)
        return [found[span] for span in sorted(found)] if len(found) > 1 else list(found.values())

    def fields_with_keys(self, keys: frozenset[str]) -> list[Field]:
        """The fields whose key is one of `keys` (lower case). All fields are read only if such a key occurs in the
        card followed by a colon or a table cell's end: most cards have none, and reading every field costs more."""
        lower = self.lower
        if len(lower) > KEY_SCAN_MAX_CHARS:  # on a long card the scans cost more than reading every field
            return [f for f in self.fields if f.key in keys]
        for pattern in _last_words_then_colon(keys):
            if pattern.search(lower) is not None:
                break
        else:
            return []  # (no key's last word is followed by a colon: then no key is; a few scans instead of one per key)
        known = self._field_keys
        for key in keys:
            found = known.get(key)
            if found is None:  # (`in` first: a scan in C, cheaper than the pattern for the many absent keys)
                found = known[key] = key in lower and _key_then_colon(key).search(lower) is not None
            if found:
                return [f for f in self.fields if f.key in keys]
        return []

    def line_of(self, pos: int) -> int:
        """README line number (1-based) of a body offset."""
        return self.body_first_line + bisect_right(self._newlines, pos - 1)

    def location(self, pos: int) -> str:
        """Evidence location of a body offset, e.g. "README.md:42"."""
        return f"README.md:{self.line_of(pos)}"

    def in_code(self, pos: int) -> bool:
        """Whether a body offset lies inside a fenced code block."""
        return bisect_right(self._fences, pos) % 2 == 1

    def heading_index_at(self, pos: int) -> int:
        """Index in `headings` of the heading in force at a body offset (-1 before the first heading)."""
        return bisect_right(self._heading_pos, pos) - 1

    def section_at(self, pos: int) -> str:
        """The heading path in force at a body offset ("" before the first heading)."""
        index = bisect_right(self._heading_pos, pos) - 1
        return self.headings[index].path if index >= 0 else ""

    def sentence_bounds(self, start: int, end: int) -> tuple[int, int]:
        """The sentence (or list item, table cell) around body[start:end], capped at CONTEXT_CHARS each way."""
        if len(self.body) > NEARBY_BREAKS_CHARS:
            return self._sentence_bounds_nearby(start, end)
        return self._sentence_bounds_of_all_breaks(start, end)

    def _sentence_bounds_of_all_breaks(self, start: int, end: int) -> tuple[int, int]:
        """sentence_bounds from every break of the card, found once (_sentence_breaks) and bisected."""
        stops, resumes = self._sentence_breaks
        index = bisect_right(resumes, start) - 1
        sentence_start = max(resumes[index] if index >= 0 else 0, start - CONTEXT_CHARS)
        index = bisect_left(stops, end)
        sentence_end = min(stops[index] if index < len(stops) else len(self.body), end + CONTEXT_CHARS)
        return sentence_start, sentence_end

    def _sentence_bounds_nearby(self, start: int, end: int) -> tuple[int, int]:
        """sentence_bounds from the breaks between CONTEXT_CHARS before `start` and CONTEXT_CHARS after `end`: the
        same breaks as _sentence_breaks finds there.

        The scans start after a character that no break of more than one character holds (a blank line is
        whitespace, a line-break tag `<br />`), so that no break of the whole card straddles where they start. They
        end where every character a break in the window looks at has been seen: one past the window for a full
        stop (its lookahead reads one character) and a pipe; the end of the line after the window for a block break
        (which looks ahead within the next line); the next `>` for a line-break tag.
        """
        body, lower = self.body, self.lower
        length = len(body)
        sentence_start, sentence_end = max(0, start - CONTEXT_CHARS), min(length, end + CONTEXT_CHARS)
        scan = sentence_start
        while scan > 0 and (lower[scan - 1].isspace() or lower[scan - 1] in "<br/>"):
            scan -= 1
        window_end = sentence_end
        line_end, tag_end = body.find("\n", window_end + 1), lower.find(">", window_end)
        scans = [(body, pattern, window_end + 1, True) for _, pattern in _FULL_STOPS] + [
            (body, _BLOCK_BREAK, line_end + 1 if line_end >= 0 else length, False),
            (lower, _PIPE, window_end + 1, False),
            (lower, _LINE_BREAK_TAG, tag_end + 1 if tag_end >= 0 else length, False),
        ]
        for text, pattern, scan_end, full_stop in scans:
            for match in pattern.finditer(text, scan, scan_end):
                stop, resume = match.span()
                if full_stop:  # a full stop both stops a sentence (after the mark) and resumes the next
                    stop = resume
                if sentence_start < resume <= start:
                    sentence_start = resume
                if end <= stop < sentence_end:
                    sentence_end = stop
        heading_ends = self._heading_line_ends  # the newlines ending headings' lines, in order
        index = bisect_right(heading_ends, start - 1) - 1  # the last one that resumes (one past it) by `start`
        if index >= 0 and heading_ends[index] + 1 > sentence_start:
            sentence_start = heading_ends[index] + 1
        index = bisect_left(heading_ends, end)
        if index < len(heading_ends) and heading_ends[index] < sentence_end:
            sentence_end = heading_ends[index]
        return sentence_start, sentence_end

    def sentence_around(self, start: int, end: int) -> str:
        sentence_start, sentence_end = self.sentence_bounds(start, end)
        return self.body[sentence_start:sentence_end]


def parse_card(readme: str | bytes | None) -> Card:
    """Parse a README as huggingface_hub does, but record every problem instead of raising."""
    if readme is None:
        return Card()
    problems: list[str] = []
    text, byte_length = _decode(readme, problems)
    if text.startswith("\ufeff"):
        text = text[1:]
    if len(text) > MAX_CARD_CHARS:
        problems.append(f"card_truncated: read {MAX_CARD_CHARS} of {len(text)} characters")
        text = text[:MAX_CARD_CHARS]
    if "\x00" in text:
        problems.append("binary_content: the README contains NUL bytes")

    metadata: dict[str, Any] = {}
    front_matter = _front_matter_bounds(text)
    if front_matter:
        yaml_start, yaml_end, body_start = front_matter
        metadata = load_front_matter(_without_model_index(text[yaml_start:yaml_end]), problems)
    else:
        if _UNCLOSED_BLOCK.match(text):
            problems.append("front_matter_unclosed: the README starts with --- but the block never ends")
        body_start = 0
    body = text[body_start:]
    comments: list[tuple[int, str]] = []
    if "<!--" in body:
        comments = [(m.start(), m.group()[4:].removesuffix("-->").strip()) for m in _HTML_COMMENT.finditer(body)]
        body = _HTML_COMMENT.sub(_blank, body)

    card = Card(
        body=body,
        body_first_line=text.count("\n", 0, body_start) + 1,
        metadata=metadata,
        has_front_matter=front_matter is not None,
        byte_length=byte_length,
        problems=problems,
        comments=comments,
    )
    card._newlines = _newline_offsets(body)
    if "```" in body or "~~~" in body:
        card._fences = [m.start() for m in _FENCE.finditer("\n" + body)]
    card.headings = _headings(card)
    card.urls = _urls(card)
    return card


def _blank(comment: re.Match) -> str:
    """The comment with every character but its newlines turned into a space (offsets and lines stay put);
    line by line, which is several times faster than substituting character by character."""
    return "\n".join(" " * len(line) for line in comment.group().split("\n"))


def _front_matter_bounds(text: str) -> tuple[int, int, int] | None:
    r"""(start, end) of YAML_BLOCK.search(text).group(2), and the match's end; None when it does not match.

    The same answer as the regex, found with str.find: the regex's lazy middle tries the closing pattern at
    every character of the front matter. Its opening `^\s*---\r?\n` can only match one way, at the start.
    The front matter then ends at the first "\n---" (with the "\r" before it, if any, as `\r?` takes it)
    that is followed by spaces or tabs and then a line break or the end of the text (`\r?\n|$`).
    """
    opening = _UNCLOSED_BLOCK.match(text)
    if not opening:
        return None
    start = opening.end()
    found = text.find("\n---", start)
    while found >= 0:
        after = found + 4
        while text.startswith((" ", "\t"), after):
            after += 1
        if text.startswith("\n", after):
            end = after + 1
        elif text.startswith("\r\n", after):
            end = after + 2
        elif after == len(text):
            end = after
        else:
            found = text.find("\n---", found + 1)
            continue
        return start, (found - 1 if found > start and text[found - 1] == "\r" else found), end
    return None


def _without_model_index(yaml_text: str) -> str:
    """The front matter without its top-level `model-index` block: evaluation results, which no fact reads, and
    on Trainer and RL cards most of the YAML (leaving it out halves the front matter's loading time over the
    25,109 cards of the real-card corpus, with the same metadata for every one of them). A block that defines
    an anchor (`&x`) is kept, as an alias elsewhere may need it."""
    if "model-index:" not in yaml_text and "model_index:" not in yaml_text:
        return yaml_text
    match = _MODEL_INDEX_BLOCK.search(yaml_text)
    if match is None or "&" in match.group():
        return yaml_text
    return yaml_text[: match.start()] + yaml_text[match.end() :]


def load_front_matter(yaml_text: str, problems: list[str]) -> dict[str, Any]:
    """yaml.safe_load the front matter; anything but a mapping, or an alias bomb, gives {} and a problem."""
    try:
        if "*" in yaml_text and _ALIAS_HINT.search(yaml_text):  # the hint needs a `*`; `in` is much faster
            data = _load_with_alias_budget(yaml_text)
        else:
            data = _safe_load(yaml_text)
    except _AliasBudgetExceeded as error:
        problems.append(f"yaml_alias_expansion: {error}")
        return {}
    except yaml.YAMLError as error:
        problems.append(f"yaml_invalid: {one_line(error)}")
        return {}
    except (RecursionError, ValueError, TypeError, OverflowError) as error:
        problems.append(f"yaml_invalid: {type(error).__name__}: {one_line(error)}")
        return {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.append(f"yaml_not_mapping: the front matter is a {type(data).__name__}")
        return {}
    return data


# PyYAML composes nodes in C (libyaml) but constructs Python objects from them in Python, one generic,
# bookkeeping-heavy call per node: about half of the loading time of a typical front matter. Front matter is
# nearly always plain strings, numbers, lists and mappings, which _construct_plain builds directly, calling
# the very SafeConstructor functions for the scalar types it does not handle itself.
_TAG = "tag:yaml.org,2002:"
# A top-level `model-index:` key and the lines under it: indented, list items at column 0, blanks, comments.
_MODEL_INDEX_BLOCK = re.compile(r"^model[-_]index:.*\n(?:(?:[ \t-].*|[ \t]*|#.*)(?:\n|$))*", re.MULTILINE)
_PLAIN_CONSTRUCTORS = {  # the functions SafeConstructor registers for these tags; each returns the value
    _TAG + name: getattr(yaml.constructor.SafeConstructor, f"construct_yaml_{name}")
    for name in ("str", "seq", "map", "null", "bool", "int", "float", "timestamp")
}
_PLAIN_TAGS, _PLAIN_FUNCTIONS = tuple(_PLAIN_CONSTRUCTORS), tuple(_PLAIN_CONSTRUCTORS.values())
_PLAIN_SCALARS = frozenset(_TAG + name for name in ("null", "bool", "int", "float", "timestamp"))
_MAP_KEY_DIRECTIVES = frozenset((_TAG + "merge", _TAG + "value"))  # `<<` and `=` keys: flatten_mapping's work
_STR = _TAG + "str"


class _NotPlain(Exception):
    pass


def _safe_load(yaml_text: str) -> Any:
    """Exactly yaml.load(yaml_text, Loader=_LOADER), about twice as fast on a plain document, and a copy of the
    document remembered for a short front matter seen before.

    The document is composed as yaml.load composes it (same C parser, same errors). Without aliases (no `*`),
    every node is used once, and for the node kinds _construct_plain accepts it builds what SafeConstructor
    builds (same strings, lists and dicts, same keys in the same order, same scalar constructors). Anything
    else, or any error, and the document is simply loaded again by yaml.load, whose result or error stands.
    """
    # (and only while the loader still registers SafeConstructor's own functions for these tags)
    if "*" in yaml_text or tuple(map(_LOADER.yaml_constructors.get, _PLAIN_TAGS)) != _PLAIN_FUNCTIONS:
        return yaml.load(yaml_text, Loader=_LOADER)  # noqa: S506 - a safe loader
    value = _remembered_plain_document(yaml_text)
    if value is not _NOT_PLAIN_DOCUMENT:
        return _copy_plain(value)  # each card gets its own lists and dicts, never the memo's
    return yaml.load(yaml_text, Loader=_LOADER)  # noqa: S506 - a safe loader


_NOT_PLAIN_DOCUMENT = object()  # _plain_document's answer for a document yaml.load must construct
# Template cards repeat their front matter word for word once model-index is left out (three in four of the
# 24,199 front matters of the real-card corpus repeat an earlier one, and most are short): a short one is
# composed once per process.
MEMO_YAML_CHARS = 2000


def _plain_document(yaml_text: str) -> Any:
    """The document built by _construct_plain, or _NOT_PLAIN_DOCUMENT; a YAML error is raised as yaml.load's."""
    loader = _LOADER(yaml_text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        try:
            return _construct_plain(loader, node)
        except Exception:  # noqa: BLE001 - not plain after all: yaml.load decides
            return _NOT_PLAIN_DOCUMENT
    finally:
        loader.dispose()


# (errors are raised, never remembered; the documents are mutable, so _safe_load hands out copies)
_remembered_plain_document = memoised_when_short(_plain_document, maxsize=4096, max_chars=MEMO_YAML_CHARS)


def _copy_plain(value: Any) -> Any:
    """A copy of a plain document's lists and dicts (its scalars are immutable: str, numbers, bools, dates)."""
    kind = type(value)
    if kind is dict:
        return {key: _copy_plain(item) for key, item in value.items()}
    if kind is list:
        return [_copy_plain(item) for item in value]
    return value


def _construct_plain(loader: Any, node: yaml.Node) -> Any:
    """SafeConstructor's result for a str / seq / map / null / bool / int / float / timestamp node tree."""
    tag = node.tag
    kind = type(node)
    if kind is yaml.ScalarNode:
        if tag == _STR:
            return node.value  # construct_yaml_str -> construct_scalar -> node.value
        if tag in _PLAIN_SCALARS:
            return _PLAIN_CONSTRUCTORS[tag](loader, node)
    elif kind is yaml.SequenceNode and tag == "tag:yaml.org,2002:seq":
        # (plain strings, the usual items, are taken inline: the same as the call would return)
        return [
            child.value if type(child) is yaml.ScalarNode and child.tag == _STR else _construct_plain(loader, child)
            for child in node.value
        ]
    elif kind is yaml.MappingNode and tag == "tag:yaml.org,2002:map":
        mapping = {}
        for key_node, value_node in node.value:
            # Scalar keys construct to str, int, float, bool, None or dates: all hashable, as PyYAML requires.
            if type(key_node) is not yaml.ScalarNode or key_node.tag in _MAP_KEY_DIRECTIVES:
                raise _NotPlain
            key = key_node.value if key_node.tag == _STR else _construct_plain(loader, key_node)
            if type(value_node) is yaml.ScalarNode and value_node.tag == _STR:
                mapping[key] = value_node.value
            else:
                mapping[key] = _construct_plain(loader, value_node)
        return mapping
    raise _NotPlain


class _AliasBudgetExceeded(Exception):
    pass


def _load_with_alias_budget(yaml_text: str) -> Any:
    """Compose the node graph, measure what aliases would expand to, and construct only if it is small."""
    loader = _LOADER(yaml_text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node, {}, set())
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _expanded_size(node: yaml.Node, sizes: dict[int, int], open_nodes: set[int]) -> int:
    """Number of nodes after alias expansion; each distinct node is visited once (memoised)."""
    key = id(node)
    if key in sizes:
        return sizes[key]
    if key in open_nodes:
        raise _AliasBudgetExceeded("a recursive alias refers to its own ancestor")
    open_nodes.add(key)
    size = 1
    if isinstance(node, yaml.SequenceNode):
        children = node.value
    elif isinstance(node, yaml.MappingNode):
        children = [child for pair in node.value for child in pair]
    else:
        children = []
    for child in children:
        size += _expanded_size(child, sizes, open_nodes)
        if size > MAX_ALIAS_NODES:
            raise _AliasBudgetExceeded(f"aliases expand to more than {MAX_ALIAS_NODES} nodes")
    open_nodes.discard(key)
    sizes[key] = size
    return size


def _decode(readme: str | bytes, problems: list[str]) -> tuple[str, int]:
    """Text and its UTF-8 byte length; undecodable bytes and lone surrogates are replaced and recorded."""
    if isinstance(readme, (bytes, bytearray)):
        byte_length = len(readme)
        raw = bytes(readme[: MAX_CARD_CHARS * 4])  # a UTF-8 character is at most 4 bytes
        try:
            return raw.decode("utf-8"), byte_length
        except UnicodeDecodeError as error:
            problems.append(f"invalid_utf8: undecodable bytes replaced (first at byte {error.start})")
            return raw.decode("utf-8", "replace"), byte_length
    if readme.isascii():
        return readme, len(readme)
    try:
        return readme, len(readme.encode("utf-8"))
    except UnicodeEncodeError as error:
        problems.append(f"invalid_utf8: lone surrogates replaced (first at character {error.start})")
        raw = readme.encode("utf-8", "surrogatepass")
        return raw.decode("utf-8", "replace"), len(raw)


def _newline_offsets(text: str) -> list[int]:
    return list(map(_MATCH_START, _NEWLINE.finditer(text)))  # the loop runs in C


def _headings(card: Card) -> list[Heading]:
    """ATX, setext and HTML headings outside code fences, each with the path of its enclosing headings."""
    headings: list[Heading] = []
    stack: list[tuple[int, str]] = []  # (level, path) of the enclosing headings and this one
    newlines, first_line = card._newlines, card.body_first_line
    line_ends, positions = card._heading_line_ends, card._heading_pos
    for pos, level, raw_title, line_end in sorted(_heading_lines(card)):
        title = _heading_title(raw_title)
        if not title:
            continue
        while stack and stack[-1][0] >= level:
            stack.pop()
        path = f"{stack[-1][1]} > {title}" if stack else title  # the titles on the stack, joined with " > "
        stack.append((level, path))
        headings.append(Heading(pos, first_line + bisect_right(newlines, pos - 1), level, title, path))  # line_of
        positions.append(pos)
        if line_end is not None:
            line_ends.append(line_end)
    return headings


def _heading_lines(card: Card) -> list[tuple[int, int, str, int | None]]:
    """(line offset, level, raw title, offset of the newline ending the heading, if any) for every heading."""
    body, fences = card.body, card._fences
    body_length = len(body)
    found = []
    for match in _HEADING.finditer("\n" + body):
        pos = match.start()
        if fences and card.in_code(pos):  # no fences: nothing is in code
            continue
        # The match ends where the heading's line does; in body offsets (the pattern ran on "\n" + body) that
        # is the newline at match.end() - 1, unless the line is the body's last, with no newline after it.
        end = match.end()
        found.append((pos, len(match.group(1)), match.group(2), end - 1 if end <= body_length else None))
    if "==" in body or "--" in body:
        for match in _SETEXT_UNDERLINE.finditer(body):
            title_end = match.start()
            title_start = body.rfind("\n", 0, title_end) + 1
            title = body[title_start:title_end]
            if not title.strip() or _NOT_SETEXT_TITLE.match(title) or (fences and card.in_code(title_start)):
                continue
            found.append((title_start, 1 if match.group(1)[0] == "=" else 2, title, title_end))
    if "<h" in card.lower:
        for match in _HTML_HEADING.finditer(card.lower):
            if fences and card.in_code(match.start()):
                continue
            found.append((match.start(), int(match.group(1)), body[match.start(2) : match.end(2)], None))
    return found


# `key: value` lines: an optional bullet, an optional bold key (the colon inside or outside the bold), the value.
_FIELD_LINE = re.compile(  # matched at the start of a line (pattern.match at the line's offset)
    r"([ \t]*)(?:[-*+][ \t]+|\d+[.)][ \t]+)?(?:\*\*|__)?([A-Za-z][^\n:*_|`]{0,48}?)[ \t]*(?:\*\*|__)?[ \t]*:"
    r"(?![/\d])(?:\*\*|__)?[ \t]*([^\n]*)"
)
KEY_SCAN_MAX_CHARS = 8000  # fields_with_keys looks for its keys first only on cards up to this long
MAX_KEY_REACH = 60  # a field's colon is this close to its line's start (bullet, emphasis and a key of <= 48)
TABLE_DELIMITER = re.compile(r"\n(?=[ \t]*+[|:-])[ \t]*\|?[ \t]*:?-+:?[ \t]*\|[-:| \t]*(?=\n|$)")  # (lookahead: see _BLOCK_BREAK)
MAX_FIELD_LINES = 20  # lines a key without a value on its own line may take from below it


def _fields(card: Card) -> list[Field]:
    body = card.body
    found: list[Field] = []
    for pos in _lines_with_an_early_colon(body):
        match = _FIELD_LINE.match(body, pos)
        if match and not card.in_code(pos):
            indent, key, value = match.group(1, 2, 3)
            value_pos, end = match.start(3), match.end()
            if not value.strip():  # the value is the block indented under the key
                value_pos, end = _indented_block(body, end, len(indent.expandtabs(4)))
                value = body[value_pos:end]
            found.append(Field(pos, _field_key(key), value.strip(), value_pos, end))
    for table in _tables(card, columns=2):
        for row in table.rows:
            if len(row) == 2:
                (key_pos, key), (value_pos, value) = row
                found.append(Field(key_pos, _field_key(key), value.strip(), value_pos, value_pos + len(value)))
    found.sort(key=lambda f: f.pos)
    return found


@lru_cache(maxsize=256)
def _key_then_colon(key: str) -> re.Pattern:
    """A field key, then emphasis or blanks, then its colon or a table cell's end (led by the key: a fast scan)."""
    return re.compile(re.escape(key) + r"[ \t*_]*(?::|\||\[optional\])")


@lru_cache(maxsize=64)
def _last_words_then_colon(keys: frozenset[str]) -> tuple[re.Pattern, ...]:
    """The last words of the keys, then what _key_then_colon wants after a key: a key followed by its colon ends with
    one of them so followed (`training data:` holds `data:`). One pattern per first three letters: a pattern whose
    words share their start begins with a literal, which the regex engine finds fast, while one alternation of words
    that start differently is tried at every offset whose character starts any of them (twice as slow, measured)."""
    groups: dict[str, list[str]] = {}
    for word in sorted({key.split()[-1] for key in keys}, key=len, reverse=True):
        groups.setdefault(word[:3], []).append(word)
    return tuple(re.compile("(?:" + "|".join(map(re.escape, words)) + r")[ \t*_]*(?::|\||\[optional\])")
                 for words in groups.values())


def _clean_field_key(key: str) -> str:
    return clean_inline_markdown(key).lower().removesuffix(" [optional]")


_field_key = memoised_when_short(_clean_field_key, maxsize=8192)  # keys repeat across cards ("learning_rate")


def _lines_with_an_early_colon(body: str) -> list[int]:
    """Offsets of the lines whose first colon that is not a URL's (`https://`) is near the line's start: only
    those can be fields, and finding them with str.find is much cheaper than trying the pattern on every line."""
    starts = []
    at = body.find(":")
    while at >= 0:
        line_start = body.rfind("\n", 0, at) + 1
        if at - line_start <= MAX_KEY_REACH and not body.startswith("//", at + 1):
            starts.append(line_start)
            line_end = body.find("\n", at)
            if line_end < 0:
                break
            at = body.find(":", line_end)
        else:
            at = body.find(":", at + 1)
    return starts


def _indented_block(body: str, start: int, indent: int) -> tuple[int, int]:
    """(start, end) of the lines after `start` indented deeper than `indent`, up to a blank line."""
    pos = end = start + 1 if body.startswith("\n", start) else start
    for _ in range(MAX_FIELD_LINES):
        line_end = body.find("\n", pos)
        line_end = len(body) if line_end < 0 else line_end
        line = body[pos:line_end]
        if not line.strip() or len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip()) <= indent:
            break
        end = line_end
        pos = line_end + 1
        if pos > len(body):
            break
    return (start + 1 if body.startswith("\n", start) else start), end


def _tables(card: Card, columns: int | None = None) -> list[Table]:
    """The card's pipe tables; with `columns`, only those whose delimiter row has that many columns (read from the
    delimiter row alone, so the other tables' rows are never split)."""
    body = card.body
    tables: list[Table] = []
    if "|" not in body:
        return tables
    for match in TABLE_DELIMITER.finditer(body):
        if card.in_code(match.start() + 1):
            continue
        if columns is not None and match.group().strip().strip("|").count("|") != columns - 1:
            continue
        header_start = body.rfind("\n", 0, match.start()) + 1
        header = [clean_inline_markdown(cell) for _, cell in _cells(body, header_start, match.start())]
        rows = []
        pos = match.end() + 1
        while pos < len(body):
            line_end = body.find("\n", pos)
            line_end = len(body) if line_end < 0 else line_end
            if "|" not in body[pos:line_end] or not body[pos:line_end].strip():
                break
            rows.append(_cells(body, pos, line_end))
            pos = line_end + 1
        tables.append(Table(header_start, header, rows))
    return tables


def _cells(body: str, start: int, end: int) -> list[tuple[int, str]]:
    """(offset, text) of the cells of a table row, without the outer pipes."""
    line = body[start:end]
    stripped = line.strip()
    offset = start + line.find(stripped) if stripped else start
    if stripped.startswith("|"):
        stripped, offset = stripped[1:], offset + 1
    if stripped.endswith("|") and not stripped.endswith("\\|"):
        stripped = stripped[:-1]
    cells, pos = [], 0
    for part in re.split(r"(?<!\\)\|", stripped) if "\\" in stripped else stripped.split("|"):
        cells.append((offset + pos + len(part) - len(part.lstrip()), part.strip()))
        pos += len(part) + 1
    return cells


def _clean_heading_title(text: str) -> str:
    """A heading line's text as a title."""
    if "#" in text:
        text = _CLOSING_HASHES.sub("", text)
    return clean_inline_markdown(text)[:200]


_heading_title = memoised_when_short(_clean_heading_title, maxsize=8192)  # headings repeat across cards


@dataclass(frozen=True, slots=True)
class Cue:
    """A case-insensitive pattern and the lower-case words one of which every match holds: a text holding none of
    them is answered with a scan in C, and the pattern (slow where it does not start with a literal) never runs."""

    pattern: re.Pattern
    needles: tuple[str, ...]

    def search(self, text: str, lower: str | None = None) -> bool:
        """Whether the pattern occurs in `text` (`lower`: text.lower(), when the caller has it)."""
        lower = text.lower() if lower is None else lower
        for needle in self.needles:  # (a loop, not a generator: this runs for most sentences of most cards)
            if needle in lower:
                return self.pattern.search(text) is not None
        return False


def cue(pattern: str, needles: tuple[str, ...]) -> Cue:
    return Cue(re.compile(pattern, re.IGNORECASE), needles)


def evidence_row(dimension: str, source_kind: str, location: str, snippet: str, url: str | None = None) -> dict:
    """One `evidence` row (without snapshot_date, hub_id, repo_id); the snippet is one line of <= 300 chars."""
    text = " ".join(str(snippet).split())
    if len(text) > MAX_SNIPPET:
        text = text[: MAX_SNIPPET - 1] + "\u2026"
    return {"dimension": dimension, "source_kind": source_kind, "location": location, "snippet": text, "url": url}


def _plain_text(text: str) -> str:
    """Prose without link targets, bare URLs and HTML tags, so that cue patterns read it as a sentence."""
    # Each pattern starts with a character it needs; skipping the ones that cannot match is much faster.
    if "[" in text:
        text = _MD_LINK.sub(r"\1", text)
    if "http" in text:
        text = _URL.sub("", text)
    return _HTML_TAG.sub("", text) if "<" in text else text


# (template cards repeat their sentences word for word, and several extractors read the same sentence)
plain_text = memoised_when_short(_plain_text, maxsize=16384, max_chars=CONTEXT_CHARS * 2 + 100)


def clean_inline_markdown(text: str) -> str:
    """Heading or link text without links, HTML tags and emphasis markers."""
    if "[" in text:
        text = _MD_LINK.sub(r"\1", text)
    if "<" in text:
        text = _HTML_TAG.sub("", text)
    if "*" in text or "_" in text or "`" in text:
        text = _EMPHASIS.sub("", text)
    return " ".join(text.split())


def _urls(card: Card) -> list[UrlHit]:
    """Every http(s) URL in the body (comments excluded), with its link text; bad hosts become problems."""
    body = card.body
    if "http" not in card.lower:
        return []
    hits: list[UrlHit] = []
    for match in _URL.finditer(card.lower):
        url = body[match.start() : match.end()].rstrip(_URL_TRAILING_DEBRIS)
        parts = _URL_PARTS.match(url)
        host = parts.group(1).lower() if parts else ""
        if not parts or not _valid_host(host):
            card.problems.append(f"malformed_url: {url[:120]}")
            url = _repaired_url(url)
            if url is None:
                continue
            parts = _URL_PARTS.match(url)
            host = parts.group(1)
        if host.startswith("www."):
            host = host[4:]
        start = match.start()
        link_text, text_start = _link_text(body, start, start + len(url))
        path, query, fragment = parts.group(2, 3, 4)
        # url, start, end, host, path, query, fragment, link_text, text_start (positional: cheaper)
        hits.append(
            UrlHit(url, start, start + len(url), host, path, query or "", fragment or "", link_text, text_start)
        )
    return hits


def _repaired_url(url: str) -> str | None:
    """A Hub URL behind debris ("https:/steps/huggingface.co/org/model", copied from a widely cloned card) as the URL
    it meant; None for any other malformed URL."""
    at = url.find("huggingface.co/")
    return "https://" + url[at:] if at > 0 else None


def _is_valid_host(host: str) -> bool:
    return _VALID_HOST.match(host) is not None


_valid_host = memoised_when_short(_is_valid_host, maxsize=4096)  # hosts are mostly the same few (github.com, hf.co)


def _link_text(body: str, start: int, end: int) -> tuple[str, int]:
    """Text of the markdown `[text](url)` or HTML `<a href="url">text</a>` link around a URL."""
    if body.startswith("](", start - 2):
        # The loop below walks back to the `[` that opens the link text, skipping nested [...] pairs. When
        # the nearest bracket behind the text is a `[` (no `]` after it), that is where the walk stops:
        # found with two rfind() calls over the same characters instead.
        lowest = max(0, start - 499)  # the last index the loop reaches
        opening = body.rfind("[", lowest, start - 2)
        if opening > body.rfind("]", lowest, start - 2):
            return clean_inline_markdown(body[opening + 1 : start - 2]), opening
        depth = 0
        for index in range(start - 3, max(-1, start - 500), -1):
            char = body[index]
            if char == "]":
                depth += 1
            elif char == "[":
                if depth == 0:
                    return clean_inline_markdown(body[index + 1 : start - 2]), index
                depth -= 1
        return "", start
    if start >= 6 and body[start - 1] in "\"'" and "href" in body[start - 12 : start].lower():
        close = body.find(">", end, end + 200)
        finish = body.find("</a>", close, close + 300) if close >= 0 else -1
        if finish >= 0:
            return clean_inline_markdown(body[close + 1 : finish]), body.rfind("<", 0, start)
    return "", start


def one_line(error: BaseException) -> str:
    """An error message on one line of at most 200 characters."""
    return " ".join(str(error).split())[:200]
