"""Audience versions on a tiny random Qwen3: one rewritten line per line, every price, number
and product name of the source line verbatim (a changed number fails), progress, cancel, and
the plain copy with a note when no instruct model is here."""

from __future__ import annotations

import re

import pytest

from promodesk.engines.base import Cancelled
from promodesk.engines.text.protect import facts_of, protect, restore
from promodesk.engines.text.rewrite import AudienceRewriter
from tests.engines.harness import CancelOnceStarted
from tests.engines.text.tiny_translators import WORDS, tiny_marian, tiny_qwen3

LINES = ["PromoCup keeps coffee hot for 6 hours.", "Only $19.99 today, 2 cups for 30% less.",
         "Order now"]
NAMES = ["PromoCup"]


@pytest.fixture(scope="module")
def qwen(tmp_path_factory):
    return tiny_qwen3(tmp_path_factory.mktemp("rewrite") / "qwen", "en")


def test_each_audience_line_keeps_its_facts_verbatim(qwen):
    reports = []
    for audience in ("students", "office workers"):
        done = AudienceRewriter(qwen, max_new_tokens=12).rewrite(
            LINES, audience, "en", lambda f, m: reports.append((f, m)), names=NAMES)
        assert done.audience == audience and len(done.lines) == len(LINES) and done.model
        for source, line in zip(LINES, done.lines):
            facts = facts_of(source, NAMES)
            assert sorted(facts_of(line, NAMES)) == sorted(facts), (source, line)
            assert sorted(re.findall(r"\d+", line)) == sorted(re.findall(r"\d+", source))
            rest = line
            for fact in facts:
                rest = rest.replace(fact, " ", 1)
            assert rest.split() and set(rest.split()) <= set(WORDS["en"])  # the model's words
    assert reports[-1][0] == 1.0


def test_a_changed_number_does_not_survive():
    masked = protect(LINES[1], NAMES)
    # a model that "improved" the price and the count
    line = restore("Just $18.99 for [1] students, 3 cups [2]", masked)
    assert "18" not in line and "3 cups" not in line and "$." not in line
    assert sorted(facts_of(line, NAMES)) == sorted(facts_of(LINES[1], NAMES))


def test_cancel_stops_between_lines(qwen):
    harness = CancelOnceStarted(lambda f, m: "line 2" in m)
    with pytest.raises(Cancelled):
        AudienceRewriter(qwen).rewrite(LINES, "students", "en", harness.progress, harness.token)


def test_without_an_instruct_model_the_copy_is_kept_with_a_note(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMODESK_MODELS", str(tmp_path))
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_CACHE", str(tmp_path / "hub"))
    done = AudienceRewriter().rewrite(LINES, "students", "en")
    assert done.lines == LINES and done.model == ""
    assert "promodesk models download qwen3-4b-instruct" in done.notes[0]
    marian = tiny_marian(tmp_path / "marian", "en")
    done = AudienceRewriter(marian).rewrite(LINES, "students", "en")
    assert done.lines == LINES and "only translates" in done.notes[0]
