"""Audience versions: the copy's lines (hook, key phrases, call to action) rewritten for one
audience ("students", "office workers") by the local instruct model, never inventing facts.

The rewrite runs on the same Qwen3 instruct model and loading path as translation
(:mod:`.translate`); Marian models only translate, so they cannot rewrite. Prices, numbers and
product names are swapped for placeholders before the model runs and put back verbatim after
(:mod:`.protect`), so every rewritten line holds exactly the facts of its source line. Without
a model the lines come back as written, with a note saying how to get one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from promodesk.engines.base import CancelToken, EngineUnavailable, Progress, no_progress
from promodesk.engines.text.protect import rewrite_lines
from promodesk.engines.text.translate import LANGUAGES, LICENCES, QWEN_MODEL, _load, check_language


@dataclass
class Rewrite:
    """Lines rewritten for ``audience`` (one per input line), by ``model`` under ``licence``
    ("" when no model ran and the lines are as written); ``notes`` for the user."""

    lines: list[str]
    audience: str
    model: str = ""
    licence: str = ""
    notes: list[str] = field(default_factory=list)


def _prompt(audience: str, language: str) -> str:
    return (f"Rewrite the user's line of advertising copy, in {LANGUAGES[language]}, so that it "
            f"speaks to {audience}. Keep it as short as the original. Keep every placeholder "
            "such as [0] or [1] exactly as it is, and add no prices, numbers or claims of your "
            "own. Reply with the rewritten line only.")


class AudienceRewriter:
    """Rewrites copy lines for an audience with a Qwen3 instruct model: ``model`` is a
    catalogue name or a model folder (default the catalogue's Qwen3), ``device`` forces one."""

    def __init__(self, model: str | Path = QWEN_MODEL, device: str | None = None,
                 max_new_tokens: int = 96):
        self.model = model
        self.device = device
        self.max_new_tokens = max_new_tokens

    def rewrite(self, lines: list[str], audience: str, language: str,
                progress: Progress = no_progress, cancel: CancelToken | None = None,
                names: list[str] = ()) -> Rewrite:
        """``lines`` (in ``language``) rewritten for ``audience``, one per line, every fact of
        each line (``names``, prices, numbers) kept verbatim. Without a usable model: the lines
        as written and a note. Raises Cancelled."""
        cancel = cancel or CancelToken()
        check_language(language)
        audience = " ".join(str(audience).split())
        progress(0.0, f"loading the model to rewrite for {audience}")
        try:
            run = _load(self.model, self.device)
            if run.family != "qwen3":
                raise EngineUnavailable(f"{self.model} only translates; rewriting for an "
                                        f"audience needs an instruct model such as {QWEN_MODEL}.")
        except EngineUnavailable as err:
            return Rewrite(list(lines), audience, notes=[
                f"The {audience} version uses the copy as written: {err}"])
        out, notes = rewrite_lines(
            lines, names,
            lambda text: run.ask(_prompt(audience, language), text, self.max_new_tokens, cancel),
            progress, cancel, f"rewriting for {audience}:",
            lambda n: f"line {n} could not be rewritten for {audience}; it was kept as written.")
        progress(1.0, f"{audience} version ready")
        return Rewrite(out, audience, str(self.model), LICENCES["qwen3"], notes)
