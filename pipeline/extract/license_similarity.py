"""Identify a LICENSE text by its similarity to reference license texts: those of the SPDX license list, as the
`spdx` package ships them (`spdx/data/<SPDX-ID>.txt`).

Texts are compared as sets of word trigrams, lower-cased, with copyright lines and the references' template
fields (`<<var;...>>`, `<year>`, `[name of copyright owner]`) left out, so that who holds the copyright does not
count. The best reference is the one with the highest Dice similarity 2|T∩R| / (|T| + |R|): words missing from
either side lower it, so it tells near-identical licenses apart (BSD-2/BSD-3-Clause, CC BY/CC BY-NC, GPL/AGPL).
It is accepted when the texts are similar (a full license text, perhaps with a notice added), or when nearly all
of a long enough text is in the reference (a truncated copy). A text that merely quotes a license, as community
licenses quote the Apache License, shares little with it and is not taken for it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from importlib.resources import files

SIMILAR = 0.75  # Dice at or above this: the reference text, perhaps with a notice or a preamble added
PARTIAL_CONTAINED = 0.9  # a text this much of whose trigrams are in the reference is a partial copy of it ...
PARTIAL_MIN_TRIGRAMS = 50  # ... when it shares at least this many (a title and a sentence are not enough)
MAX_TEXT_CHARS = 64 * 1024  # the longest reference (GPL-3.0) has 35,000; a longer text is scored on its start

_TEMPLATE_FIELDS = re.compile(r"<<.*?>>|<[^<>\n]{0,80}>|\[[^\[\]\n]{0,80}\]", re.DOTALL)
_COPYRIGHT_LINES = re.compile(r"^\W*(?:copyright\b|\(c\)|©).*$", re.IGNORECASE | re.MULTILINE)
_WORDS = re.compile(r"[a-z0-9]+")


def word_trigrams(text: str) -> set[tuple[str, str, str]]:
    text = _COPYRIGHT_LINES.sub(" ", _TEMPLATE_FIELDS.sub(" ", text))
    words = _WORDS.findall(text.lower())
    return set(zip(words, words[1:], words[2:]))


@dataclass(frozen=True)
class TextMatch:
    spdx_id: str
    similarity: float  # Dice similarity of the text and the reference
    contained: float  # share of the text's trigrams that are in the reference
    shared: int  # trigrams the text and the reference have in common

    @property
    def rule(self) -> str | None:
        """How the match identifies the text: `similarity`, `partial text`, or None when it does not."""
        if self.similarity >= SIMILAR:
            return "similarity"
        if self.contained >= PARTIAL_CONTAINED and self.shared >= PARTIAL_MIN_TRIGRAMS:
            return "partial text"
        return None

    def describe(self) -> str:
        if self.rule == "partial text":
            return f"partial text: {self.contained:.2f} of it in {self.spdx_id} (SPDX text), similarity {self.similarity:.2f}"
        return f"similarity {self.similarity:.2f} to {self.spdx_id} (SPDX text)"


class ReferenceTexts:
    """An index of reference texts: trigram -> bit mask of the references that contain it, so that a text is
    scored against all of them in one pass over its own trigrams."""

    def __init__(self, texts: dict[str, str]) -> None:
        self.ids = list(texts)
        trigram_sets = [word_trigrams(texts[spdx_id]) for spdx_id in self.ids]
        self.sizes = [len(trigrams) for trigrams in trigram_sets]
        self.index: dict[tuple[str, str, str], int] = {}
        for number, trigrams in enumerate(trigram_sets):
            for trigram in trigrams:
                self.index[trigram] = self.index.get(trigram, 0) | (1 << number)
        # Trigrams shared by the same references share a mask: a few thousand masks for some 30,000 trigrams.
        self.members = {mask: [n for n in range(len(self.ids)) if mask >> n & 1] for mask in set(self.index.values())}

    @classmethod
    def from_spdx_package(cls, spdx_ids: list[str]) -> ReferenceTexts:
        """The texts of these SPDX ids that the package has. It ships the license list of 2016, which names
        `GPL-3.0-only` `GPL-3.0`: an id's deprecated form is looked up too."""
        folder = files("spdx") / "data"
        texts = {}
        for spdx_id in spdx_ids:
            for name in (spdx_id, spdx_id.removesuffix("-only")):
                path = folder / f"{name}.txt"
                if path.is_file():
                    texts[spdx_id] = path.read_bytes().decode("utf-8", errors="replace")
                    break
        return cls(texts)

    def best_match(self, text: str) -> TextMatch | None:
        """The reference most similar to the text; None for a text without words."""
        trigrams = word_trigrams(text[:MAX_TEXT_CHARS])
        if not trigrams or not self.ids:
            return None
        shared = [0] * len(self.ids)
        for mask, count in Counter(map(self.index.get, trigrams)).items():
            for number in self.members.get(mask, ()):  # a trigram in no reference has mask None
                shared[number] += count
        best = max(range(len(self.ids)), key=lambda n: shared[n] / (len(trigrams) + self.sizes[n]))
        return TextMatch(
            spdx_id=self.ids[best],
            similarity=2 * shared[best] / (len(trigrams) + self.sizes[best]),
            contained=shared[best] / len(trigrams),
            shared=shared[best],
        )
