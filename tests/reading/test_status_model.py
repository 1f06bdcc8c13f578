"""The shipped status model (bot/reading/status_model.json): its pure-Python inference is scikit-learn's, it is
what training on today's files gives, and it is retrained when those files change.

scikit-learn comes with the [test] extra (`make setup`); these tests need it and do not skip without it.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bench.train_reply_model import DECIMALS, TRAINING_FILES, Example, all_examples, as_json, fit, training_sha256
from bot.reading.status_model import SHIPPED_MODEL, StatusModel, model_text, shipped_status_model
from bot.rules.statuses import ReadStatus

RETRAIN = "retrain it: .venv/bin/python -m bench.train_reply_model (and commit bot/reading/status_model.json)"

#: Odd texts beside the labelled ones: empty, no known term, one letter, emoji and non-Latin script,
#: Slack markup, digits, a long unpunctuated run and runs of white space.
ODD_TEXTS = [
    "", "zzzzqqq", "x", "done ✅ 👍", "Готово", "<@U123> <https://x.test/a|the report> &amp; done",
    "RIV3-2-1 due 30/06/2027", "not yet " * 400, "  done \n\n\t finished   \r\n",
]


def _sklearn_from_shipped() -> tuple[list[TfidfVectorizer], LogisticRegression, StatusModel]:
    """scikit-learn's own vectorisers and classifier, holding the shipped JSON's numbers."""
    data = json.loads(SHIPPED_MODEL.read_text(encoding="utf-8"))
    vectorisers = []
    coefficients = []
    for block in data["blocks"]:
        terms = block["terms"]
        vectoriser = TfidfVectorizer(analyzer=block["analyser"], ngram_range=tuple(block["ngram_range"]),
                                     sublinear_tf=block["sublinear_tf"], vocabulary={t: i for i, t in enumerate(terms)},
                                     dtype=np.float64)
        vectoriser.idf_ = np.array([row[0] for row in terms.values()])
        vectorisers.append(vectoriser)
        coefficients.append(np.array([row[1:] for row in terms.values()]).T)
    classifier = LogisticRegression()
    classifier.classes_ = np.array(data["classes"])
    classifier.coef_ = np.hstack(coefficients)
    classifier.intercept_ = np.array(data["intercepts"])
    return vectorisers, classifier, StatusModel.from_json(data)


@pytest.fixture(scope="module")
def examples() -> list[Example]:
    return all_examples()


def _sample_texts(examples: list[Example]) -> list[str]:
    return [e.text for e in examples[::9]] + ODD_TEXTS


def test_pure_python_inference_gives_scikit_learns_probabilities(examples: list[Example]) -> None:
    vectorisers, classifier, model = _sklearn_from_shipped()
    texts = _sample_texts(examples)
    documents = [model_text(text) for text in texts]
    expected = classifier.predict_proba(hstack([v.transform(documents) for v in vectorisers]).tocsr())
    assert len(texts) > 150
    for text, row in zip(texts, expected, strict=True):
        got = model.probabilities(text)
        assert list(got) == [ReadStatus(c) for c in classifier.classes_]
        assert max(abs(got[ReadStatus(c)] - p) for c, p in zip(classifier.classes_, row, strict=True)) < 1e-12, text


def test_the_shipped_model_is_what_training_on_todays_files_gives(examples: list[Example]) -> None:
    """Training is deterministic: retraining reproduces the shipped numbers (to their rounding) and readings."""
    pipeline = fit(examples)
    retrained = StatusModel.from_json(as_json(pipeline, training_sha256()))
    shipped = shipped_status_model()
    assert retrained.classes == shipped.classes, RETRAIN
    assert [set(b.terms) for b in retrained.blocks] == [set(b.terms) for b in shipped.blocks], RETRAIN
    texts = _sample_texts(examples)
    probabilities = pipeline.predict_proba([model_text(text) for text in texts])
    for text, row in zip(texts, probabilities, strict=True):
        got = shipped.probabilities(text)
        # a newer scikit-learn may move the last rounded digit of a weight, no more
        # (the examples are the reader's cleaned text: a change to quoting or splitting also means retraining)
        assert max(abs(got[ReadStatus(c)] - p) for c, p in zip(pipeline.classes_, row, strict=True)) \
            < 10 ** -(DECIMALS - 1), f"{text!r}: {RETRAIN}"


def test_the_shipped_model_was_trained_on_the_training_files_as_they_are() -> None:
    assert shipped_status_model().training_sha256 == training_sha256(), (
        "a labelled file the status model is trained on changed since it was trained; " + RETRAIN
    )


def test_the_hash_changes_with_any_training_file(tmp_path) -> None:
    copies = []
    for path in TRAINING_FILES:
        copy = tmp_path / path.name
        copy.write_bytes(path.read_bytes())
        copies.append(copy)
    before = training_sha256(copies)
    copies[3].write_bytes(copies[3].read_bytes() + b"x")
    assert training_sha256(copies) != before


def test_the_shipped_model_is_small_and_plain_json() -> None:
    text = SHIPPED_MODEL.read_text(encoding="utf-8")
    assert len(text.encode()) < 400 * 1024
    assert text.lstrip().startswith("{")


def test_probabilities_are_a_distribution_over_read_statuses() -> None:
    got = shipped_status_model().probabilities("we've not started, waiting on the police for the data")
    assert abs(sum(got.values()) - 1.0) < 1e-9
    assert set(got) <= set(ReadStatus)
    assert all(0.0 <= p <= 1.0 for p in got.values())
