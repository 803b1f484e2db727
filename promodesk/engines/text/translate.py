"""Translation for language versions: the copy's lines into another language, by a local model.

Two kinds of model, both through :func:`promodesk.engines.models.loading.load_pretrained`
(safetensors only, offline, no code from the model folder):

- **Marian opus-mt** (``MarianMTModel``, one model per direction, ~300 MB, fine on the CPU):
  ``opus-mt-zh-en`` (CC-BY 4.0) and ``opus-mt-en-zh`` (Apache-2.0 on its model card; the OPUS-MT
  project releases its models under CC-BY 4.0). Both allow commercial use; CC-BY asks for credit
  to the Helsinki-NLP OPUS-MT project, which the licence text recorded on every version gives.
- **Qwen3 instruct** (``Qwen3ForCausalLM``, Apache-2.0, any language pair, on the GPU): asked, per
  line, for the translation alone, with thinking off.

Prices, numbers and product names never reach the model: :mod:`.protect` swaps them for
placeholders and puts them back verbatim. One line in, one line out; progress per line; cancel
checked between lines and at every generated token.

    1. choose the model (a given one, else Qwen3 on a GPU, else the Marian pair)
    2. load it (kept in the model cache between jobs)
    3. per line: protect, generate with cancel, decode, restore
    4. return the lines with the model's name and licence
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from promodesk.engines.base import (CancelToken, EngineInfo, EngineUnavailable, NewTake, Progress,
                                    RequestError, TakeRequest, no_progress)
from promodesk.engines.text.protect import rewrite_lines

ENGINE_NAME = "translate"
# Languages a version may be made in: code -> name as the prompt and messages say it.
LANGUAGES = {"zh": "Simplified Chinese", "en": "English", "ja": "Japanese", "ko": "Korean",
             "fr": "French", "de": "German", "es": "Spanish", "it": "Italian",
             "pt": "Portuguese", "ru": "Russian", "ar": "Arabic", "he": "Hebrew",
             "th": "Thai", "vi": "Vietnamese", "id": "Indonesian"}
# Letters of each language's script a caption font must have for a version in it.
SCRIPT_SAMPLES = {"zh": "每一个清晨都值得一杯好咖啡立即抢购", "en": "Buy now, fresh every day",
                  "ja": "あいうえおかきくけこアイウエオカキクケコ毎朝一杯", "ko": "한국어로 지금 구매하세요",
                  "fr": "àâçéèêëîïôœùûü", "de": "äöüßÄÖÜ", "es": "ñáéíóú¿¡",
                  "it": "àèéìòù", "pt": "ãõçáéíóú", "ru": "Купить сейчас, свежий",
                  "ar": "اشتر الآن", "he": "קנו עכשיו", "th": "ซื้อเลยตอนนี้",
                  "vi": "Mua ngay hôm nay đẹp", "id": "Beli sekarang"}
QWEN_MODEL = "qwen3-4b-instruct"
MARIAN_MODELS = {("zh", "en"): "opus-mt-zh-en", ("en", "zh"): "opus-mt-en-zh"}
LICENCES = {"marian": "opus-mt weights by Helsinki-NLP (OPUS-MT, CC-BY 4.0 / Apache-2.0): "
                      "commercial use allowed, with credit to OPUS-MT",
            "qwen3": "Qwen3 weights by Alibaba Cloud (Apache-2.0): commercial use allowed"}


@dataclass
class Translation:
    """Lines translated from ``source`` to ``target`` (language codes), one per input line, by
    ``model`` (a catalogue name or folder) under ``licence``; ``notes`` for the user."""

    lines: list[str]
    source: str
    target: str
    model: str
    licence: str
    notes: list[str] = field(default_factory=list)


def model_family(folder: Path) -> str:
    """"marian" or "qwen3", from ``folder``'s config.json; EngineUnavailable for anything else."""
    try:
        kind = json.loads((Path(folder) / "config.json").read_text("utf-8")).get("model_type")
    except (OSError, ValueError):
        kind = None
    if kind in ("marian", "qwen3"):
        return kind
    raise EngineUnavailable(f"{folder} is not a translation model PromoDesk can run (its "
                            f"config.json says {kind!r}); use a Marian opus-mt or a Qwen3 "
                            "instruct model.")


def check_language(code: str) -> str:
    """``code`` when it is a language versions can be made in; RequestError naming them."""
    if code not in LANGUAGES:
        raise RequestError(f"'{code}' is not a language PromoDesk can translate into; use one of "
                           f"{', '.join(LANGUAGES)}.")
    return code


def font_gaps(language: str) -> list[str]:
    """Letters of ``language``'s script (:data:`SCRIPT_SAMPLES`) no bundled caption font can
    draw, regular or bold; [] when its captions can be set."""
    from promodesk.engines.visuals.typeset import missing_glyphs

    sample = SCRIPT_SAMPLES[check_language(language)]
    return list(dict.fromkeys(missing_glyphs(sample) + missing_glyphs(sample, "bold")))


class TranslationEngine:
    """Translates copy lines with a local model. ``model`` is a catalogue name or a model folder
    (None: chosen per language pair, see :meth:`choose`); ``device`` forces "cpu" or "cuda"."""

    info = EngineInfo(name=ENGINE_NAME, kind="text", title="Translation (model)",
                      output_licence=LICENCES["marian"] + "; " + LICENCES["qwen3"],
                      commercial_use=True, model=True)
    settings = ("model",)

    def __init__(self, model: str | Path | None = None, device: str | None = None,
                 max_new_tokens: int = 128):
        self.model = model
        self.device = device
        self.max_new_tokens = max_new_tokens

    # -- which model ------------------------------------------------------------------------

    def choose(self, source: str, target: str) -> str | Path:
        """The model for ``source`` -> ``target``: the one given, else Qwen3 when it is here
        and a GPU is, else the Marian model of that pair when it is here, else Qwen3 on the CPU.
        EngineUnavailable saying what to download when none is here."""
        from promodesk.engines.models import catalogue

        if self.model is not None:
            return self.model
        marian = MARIAN_MODELS.get((source, target))
        qwen_here = catalogue.locate(QWEN_MODEL) is not None
        if qwen_here and _gpu_here(self.device):
            return QWEN_MODEL
        if marian and catalogue.locate(marian) is not None:
            return marian
        if qwen_here:
            return QWEN_MODEL
        wanted = [m for m in (marian, QWEN_MODEL) if m]
        raise EngineUnavailable(
            f"No translation model from {LANGUAGES[source]} to {LANGUAGES[target]} is on this "
            f"computer. Download one with "
            + " or ".join(catalogue.download_command(m) for m in wanted)
            + f" ({catalogue.info(wanted[0]).title}, {catalogue.info(wanted[0]).licence}).")

    def availability(self, source: str = "zh", target: str = "en") -> str | None:
        """None when a model for ``source`` -> ``target`` and the libraries are here, else what
        is missing and how to get it."""
        from promodesk.engines.models.loading import availability, model_folder

        try:
            model = self.choose(source, target)
        except EngineUnavailable as err:
            return str(err)
        return availability(lambda: model_folder(model), ("torch", "transformers"),
                            "Translation")

    def runs(self, model: str) -> bool:
        """Whether ``model`` (catalogue name or folder) is a translation model."""
        from promodesk.engines.models import catalogue

        if str(model) in catalogue.CATALOGUE:
            return catalogue.CATALOGUE[str(model)].task == "text"
        try:
            return bool(model_family(Path(model)))
        except EngineUnavailable:
            return False

    def new_take(self, request: TakeRequest, progress: Progress = no_progress,
                 cancel: CancelToken | None = None) -> NewTake:
        """Translation makes language versions of a whole project (``promodesk make
        --languages``), not takes of one clip: RequestError saying so."""
        raise RequestError("Translation makes language versions of the whole video (promodesk "
                           "make --languages zh,en), not a new take of one clip.")

    # -- translating ------------------------------------------------------------------------

    def translate(self, lines: list[str], source: str, target: str,
                  progress: Progress = no_progress, cancel: CancelToken | None = None,
                  names: list[str] = ()) -> Translation:
        """``lines`` from ``source`` into ``target`` (codes of :data:`LANGUAGES`), one output
        line per input line; ``names`` (product names) and every price and number are kept
        verbatim. Raises RequestError, EngineUnavailable or Cancelled."""
        cancel = cancel or CancelToken()
        check_language(source)
        check_language(target)
        if source == target:
            return Translation(list(lines), source, target, "", "the brief's own copy")
        # 1. Choose and load the model.
        progress(0.0, f"loading the {LANGUAGES[target]} translation model")
        model = self.choose(source, target)
        run = _load(model, self.device)
        cancel.check()
        # 2. One line at a time: the count of lines never changes, and cancel is quick.
        out, notes = rewrite_lines(
            lines, names, lambda text: run(text, source, target, self.max_new_tokens, cancel),
            progress, cancel, "translating",
            lambda n: f"line {n} could not be translated into {LANGUAGES[target]}; it was kept "
                      "as written.")
        progress(1.0, f"{LANGUAGES[target]} ready")
        family = run.family
        return Translation(out, source, target, str(model), LICENCES[family], notes)


def _gpu_here(prefer: str | None) -> bool:
    from promodesk.engines.models.device import pick_device

    try:
        return pick_device(prefer).is_gpu
    except EngineUnavailable:
        return False


class _Runner:
    """A loaded model as one call: ``runner(text, source, target, max_new_tokens, cancel)`` ->
    the model's raw output for one line. ``family`` is "marian" or "qwen3"."""

    def __init__(self, family: str, loaded):
        self.family = family
        self.loaded = loaded

    def __call__(self, text: str, source: str, target: str, max_new_tokens: int,
                 cancel: CancelToken) -> str:
        return self.ask(_system_prompt(source, target), text, max_new_tokens, cancel)

    def ask(self, system: str, text: str, max_new_tokens: int, cancel: CancelToken) -> str:
        """The model's raw output for ``text``: a Marian model translates it (``system`` is
        not used); a Qwen3 model answers it under the ``system`` instruction."""
        import torch

        net, tokenizer = self.loaded.net, self.loaded.processor
        device = self.loaded.device.torch_device()
        if self.family == "marian":
            inputs = tokenizer([text], return_tensors="pt").to(device)
            start = 0  # an encoder-decoder returns only the decoded tokens (after the start)
        else:
            messages = [{"role": "system", "content": system},
                        {"role": "user", "content": text}]
            prompt = tokenizer.apply_chat_template(messages, tokenize=False,
                                                   add_generation_prompt=True,
                                                   enable_thinking=False)
            inputs = tokenizer([prompt], return_tensors="pt").to(device)
            start = inputs["input_ids"].shape[1]
        limit = min(max_new_tokens, 4 * inputs["input_ids"].shape[1] + 16)
        with torch.inference_mode():
            ids = net.generate(**inputs, max_new_tokens=limit, do_sample=False, num_beams=1,
                               stopping_criteria=_stop_on(cancel),
                               pad_token_id=tokenizer.pad_token_id
                               if tokenizer.pad_token_id is not None else tokenizer.eos_token_id)
        return tokenizer.decode(ids[0, start:], skip_special_tokens=True)


def _system_prompt(source: str, target: str) -> str:
    return (f"Translate the user's advertising copy from {LANGUAGES[source]} into "
            f"{LANGUAGES[target]}. Keep every placeholder such as [0] or [1] exactly as it is. "
            "Reply with the translation only, on one line.")


def _stop_on(cancel: CancelToken):
    """transformers stopping criteria that end generation when ``cancel`` is set (the caller
    then raises Cancelled)."""
    from transformers import StoppingCriteria, StoppingCriteriaList

    class _Cancel(StoppingCriteria):
        def __call__(self, input_ids, scores, **kwargs):
            import torch

            return torch.full((input_ids.shape[0],), cancel.cancelled, dtype=torch.bool,
                              device=input_ids.device)

    return StoppingCriteriaList([_Cancel()])


def _load(model: str | Path, device: str | None) -> _Runner:
    """Load ``model`` through the one loading path (safetensors, offline, model cache): Marian
    on the CPU unless ``device`` says otherwise, Qwen3 where :func:`pick_device` chooses."""
    from promodesk.engines.models.loading import load_pretrained, model_folder

    family = model_family(model_folder(model))
    try:
        from transformers import AutoTokenizer, MarianMTModel, Qwen3ForCausalLM
    except ImportError:
        raise EngineUnavailable("Translation needs the model extras: pip install "
                                "'promodesk[gpu]' (torch, transformers).") from None
    try:
        if family == "marian":
            loaded = load_pretrained(model, MarianMTModel, AutoTokenizer, prefer=device or "cpu")
        else:
            loaded = load_pretrained(model, Qwen3ForCausalLM, AutoTokenizer, prefer=device)
    except ImportError as err:  # Marian's sentencepiece tokenizer needs its library
        raise EngineUnavailable(f"The translation model {model} needs a library that is not "
                                f"installed ({err}); pip install sentencepiece.") from None
    if family == "qwen3" and not getattr(loaded.processor, "chat_template", None):
        raise EngineUnavailable(f"{model} has no chat template, so it is not an instruct model; "
                                f"use {QWEN_MODEL} or a Marian opus-mt model.")
    return _Runner(family, loaded)
