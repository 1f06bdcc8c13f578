"""Train the status model (bot/reading/status_model.py) on our own labelled replies and ship it as JSON.

    .venv/bin/python -m bench.train_reply_model          (from the project root; needs the [test] extra)

Each example is what the bot reads of a labelled reply, exactly as the reply flow cleans it (quoted
history and signature cut, split per action where the reply is), read by the rules alone, with the label's
status. Automatic replies are left out (the rules decide those, headers first), and so is a text labelled
differently for two actions it does not tell apart. TF-IDF over word 1-2-grams and character 3-5-grams
within words (the most frequent terms only, to keep the JSON small) feeds a multinomial logistic
regression. Everything is deterministic: same files, same scikit-learn, same model.

The fitted numbers are rounded before they are written, and the rounded values put back into the fitted
objects, so the shipped JSON is exactly the scikit-learn model that tests/reading/test_status_model.py
compares the pure-Python inference with. The JSON carries the SHA-256 of the training files; that test
fails when they change, so the model is retrained with them.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

from bench import reply_sets
from bot.reading.replies import read_replies
from bot.reading.status_model import FORMAT, SHIPPED_MODEL, model_text

DATA = reply_sets.DATA
#: The labelled reply sets, by the name the cross-validation gives each fold.
REPLY_SETS: dict[str, Path] = {
    "development": reply_sets.DEV_FILE,
    "held-out 1": reply_sets.HELDOUT_FILE,
    "held-out 2": reply_sets.HELDOUT2_FILE,
    "held-out 3": reply_sets.HELDOUT3_FILE,
    "held-out 4": reply_sets.HELDOUT4_FILE,
    "held-out 5": reply_sets.HELDOUT5_FILE,
    "held-out 6": reply_sets.HELDOUT6_FILE,
}
#: Labelled in other formats; always training material, never a fold.
NOTES_FILE = DATA / "progress_notes.tsv"
FICTIONAL_FILE = DATA / "replies_fictional.tsv"
TRAINING_FILES: tuple[Path, ...] = (*REPLY_SETS.values(), NOTES_FILE, FICTIONAL_FILE)

WORD_FEATURES = 1500
CHAR_FEATURES = 2500
#: Chosen among 3, 10, 30 and 100 by leave-one-set-out on the development sets (model alone: 80% right, log loss 0.60).
REGULARISATION_C = 30.0
DECIMALS = 4


@dataclass(frozen=True)
class Example:
    text: str  # as the bot reads it (Reading.read_text), before model_text
    label: str


def training_sha256(files: Iterable[Path] = TRAINING_FILES) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _unique_per_text(pairs: Iterable[tuple[str, str]]) -> list[Example]:
    """The examples of one reply: a text that carries two labels (a reply about two actions that the
    reader does not split) teaches nothing, and is left out."""
    labels: dict[str, set[str]] = {}
    for text, label in pairs:
        labels.setdefault(text, set()).add(label)
    return [Example(text, next(iter(found))) for text, found in labels.items() if len(found) == 1 and text.strip()]


def reply_set_examples(path: Path) -> list[Example]:
    examples: list[Example] = []
    for row in reply_sets.read_rows(path):
        readings = reply_sets.read_row(row, model=None)
        pairs = [
            (readings[ref].read_text, status)
            for ref, status in reply_sets.expected_statuses(row).items()
            if ref in readings and not readings[ref].automatic
        ]
        examples += _unique_per_text(pairs)
    return examples


def _tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def note_examples(path: Path = NOTES_FILE) -> list[Example]:
    """A plan's progress note is read as it is: it has no quoted history."""
    return [Example(row["text"], row["status"]) for row in _tsv(path) if row["text"].strip()]


def fictional_examples(path: Path = FICTIONAL_FILE) -> list[Example]:
    examples: list[Example] = []
    for row in _tsv(path):
        refs = row["known_refs"].split(",")
        expected = dict(pair.split("=", 1) for pair in row["expected"].split(";")) if "=" in row["expected"] \
            else dict.fromkeys(refs, row["expected"])
        readings = read_replies(row["text"].replace("\\n", "\n"), today=date.fromisoformat(row["today"]),
                                known_refs=refs, model=None)
        examples += _unique_per_text(
            (readings[ref].read_text, status) for ref, status in expected.items()
            if ref in readings and not readings[ref].automatic
        )
    return examples


def extra_examples() -> list[Example]:
    return note_examples() + fictional_examples()


def fit(examples: Sequence[Example]) -> Pipeline:
    """The fitted pipeline, its numbers rounded as they are shipped."""
    pipeline = Pipeline([
        ("features", FeatureUnion([
            ("word", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=2, sublinear_tf=True,
                                     max_features=WORD_FEATURES, dtype=np.float64)),
            ("char_wb", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True,
                                        max_features=CHAR_FEATURES, dtype=np.float64)),
        ])),
        ("classifier", LogisticRegression(C=REGULARISATION_C, max_iter=5000, random_state=0)),
    ])
    pipeline.fit([model_text(e.text) for e in examples], [e.label for e in examples])
    for _, vectoriser in pipeline.named_steps["features"].transformer_list:
        vectoriser.idf_ = np.round(vectoriser.idf_, DECIMALS)
    classifier = pipeline.named_steps["classifier"]
    classifier.coef_ = np.round(classifier.coef_, DECIMALS)
    classifier.intercept_ = np.round(classifier.intercept_, DECIMALS)
    return pipeline


def as_json(pipeline: Pipeline, sha256: str) -> dict[str, Any]:
    classifier = pipeline.named_steps["classifier"]
    blocks = []
    column = 0
    for name, vectoriser in pipeline.named_steps["features"].transformer_list:
        width = len(vectoriser.vocabulary_)
        coefficients = classifier.coef_[:, column : column + width]
        terms = {
            term: [float(vectoriser.idf_[index]), *(float(c) for c in coefficients[:, index])]
            for term, index in sorted(vectoriser.vocabulary_.items())
        }
        blocks.append({"analyser": name, "ngram_range": list(vectoriser.ngram_range),
                       "sublinear_tf": vectoriser.sublinear_tf, "terms": terms})
        column += width
    return {
        "format": FORMAT,
        "training_sha256": sha256,
        "trained_on": [path.name for path in TRAINING_FILES],
        "classes": [str(c) for c in classifier.classes_],
        "intercepts": [float(v) for v in classifier.intercept_],
        "blocks": blocks,
    }


def all_examples() -> list[Example]:
    return [e for path in REPLY_SETS.values() for e in reply_set_examples(path)] + extra_examples()


def main() -> None:
    examples = all_examples()
    pipeline = fit(examples)
    text = json.dumps(as_json(pipeline, training_sha256()), ensure_ascii=False, separators=(",", ":"))
    SHIPPED_MODEL.write_text(text + "\n", encoding="utf-8")
    print(f"{len(examples)} examples; wrote {SHIPPED_MODEL.name} ({len(text) / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
