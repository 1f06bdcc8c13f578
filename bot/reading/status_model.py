"""A small statistical status model: a second opinion beside the status rules (bot.reading.clauses).

TF-IDF over word 1-2-grams and character 3-5-grams within words, and a multinomial logistic regression,
trained by bench/train_reply_model.py on the labelled reply sets and shipped as plain JSON
(bot/reading/status_model.json). Inference here is pure Python and reproduces scikit-learn's
`TfidfVectorizer` (sublinear tf, l2 norm per block) and `LogisticRegression.predict_proba` exactly, so the
bot needs neither scikit-learn nor pickle at run time (tests/reading/test_status_model.py checks both).

The model only proposes; what is done with its opinion is decided in bot.reading.second_opinion.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from bot.reading.status import plain_text, slack_to_plain
from bot.rules.statuses import ReadStatus

__all__ = ["SHIPPED_MODEL", "StatusModel", "model_text", "shipped_status_model"]

SHIPPED_MODEL = Path(__file__).resolve().parent / "status_model.json"
FORMAT = 1

_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token_pattern
_RUN_OF_SPACE = re.compile(r"\s\s+")


def model_text(text: str) -> str:
    """The text as the model reads it, in training and at run time alike: Slack markup and HTML undone,
    every digit a 0 (refs and dates say nothing about the status, and differ in every reply)."""
    return _DIGIT.sub("0", plain_text(slack_to_plain(text)))


def word_ngrams(document: str, low: int, high: int) -> Iterator[str]:
    tokens = _WORD.findall(document)
    for n in range(low, high + 1):
        for start in range(len(tokens) - n + 1):
            yield " ".join(tokens[start : start + n])


def char_wb_ngrams(document: str, low: int, high: int) -> Iterator[str]:
    """Character n-grams inside words, each word padded with a space (as scikit-learn's "char_wb")."""
    for word in _RUN_OF_SPACE.sub(" ", document).split():
        padded = f" {word} "
        for n in range(low, high + 1):
            offset = 0
            yield padded[offset : offset + n]
            while offset + n < len(padded):
                offset += 1
                yield padded[offset : offset + n]
            if offset == 0:  # a word shorter than n counts once
                break


_ANALYSERS = {"word": word_ngrams, "char_wb": char_wb_ngrams}


@dataclass(frozen=True)
class FeatureBlock:
    """One TF-IDF vectoriser: its analyser, n-gram range, and per term its idf and one weight per class."""

    analyser: str
    low: int
    high: int
    sublinear_tf: bool
    terms: Mapping[str, tuple[float, ...]]  # term -> (idf, weight for each class)

    def add_scores(self, document: str, scores: list[float]) -> None:
        counts = Counter(term for term in _ANALYSERS[self.analyser](document, self.low, self.high) if term in self.terms)
        weights = {
            term: (1.0 + math.log(count) if self.sublinear_tf else float(count)) * self.terms[term][0]
            for term, count in counts.items()
        }
        norm = math.sqrt(sum(weight * weight for weight in weights.values()))
        if norm == 0.0:
            return
        for term, weight in weights.items():
            row = self.terms[term]
            for k in range(len(scores)):
                scores[k] += weight / norm * row[k + 1]


@dataclass(frozen=True)
class StatusModel:
    classes: tuple[ReadStatus, ...]
    intercepts: tuple[float, ...]
    blocks: tuple[FeatureBlock, ...]
    training_sha256: str

    def probabilities(self, text: str) -> dict[ReadStatus, float]:
        """P(status) for a reply's text (as the reader cleaned it: quotes and signature gone)."""
        document = model_text(text).lower()
        scores = list(self.intercepts)
        for block in self.blocks:
            block.add_scores(document, scores)
        top = max(scores)
        exps = [math.exp(score - top) for score in scores]
        total = sum(exps)
        return {status: value / total for status, value in zip(self.classes, exps, strict=True)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> StatusModel:
        if data.get("format") != FORMAT:
            raise ValueError(f"status model: format {data.get('format')!r}, expected {FORMAT}")
        classes = tuple(ReadStatus(name) for name in data["classes"])
        blocks = []
        for block in data["blocks"]:
            terms = {term: tuple(float(v) for v in row) for term, row in block["terms"].items()}
            if any(len(row) != len(classes) + 1 for row in terms.values()):
                raise ValueError(f"status model: a {block['analyser']} term has the wrong number of weights")
            low, high = block["ngram_range"]
            blocks.append(FeatureBlock(block["analyser"], int(low), int(high), bool(block["sublinear_tf"]), terms))
        intercepts = tuple(float(v) for v in data["intercepts"])
        if len(intercepts) != len(classes):
            raise ValueError("status model: one intercept per class")
        return cls(classes, intercepts, tuple(blocks), str(data["training_sha256"]))

    @classmethod
    def load(cls, path: Path) -> StatusModel:
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))


@cache
def shipped_status_model() -> StatusModel:
    """The model shipped with the bot (read once per process)."""
    return StatusModel.load(SHIPPED_MODEL)
