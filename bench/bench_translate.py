"""Speed of the translation engine at real model sizes, with random weights (speed does not depend
on the weights' values): generated tokens per second through ``TranslationEngine.translate`` (the
same loading, placeholders and per-line generation a language version uses), beside a budget.

    .venv/bin/python bench/bench_translate.py [--only marian,qwen3-0.6b,qwen3-4b] [--lines 6]
        [--tokens 32] [--threads 1]

Configurations from the published config.json values: Helsinki-NLP/opus-mt-zh-en (Marian,
d_model 512, 6+6 layers, vocabulary 65001) and Qwen/Qwen3-0.6B / Qwen3-4B-Instruct-2507. The
models are saved with ``save_pretrained`` to a temporary folder and loaded by the engine; every
line is made to generate exactly ``--tokens`` tokens (min = max), so tokens per second is
lines x tokens / seconds. Budget: a 30-second video has about 8 caption lines of ~30 tokens;
translating them in under 10 s means >= 24 tokens/s. Nothing is downloaded.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BUDGET_TOKENS_PER_S = 24.0
MARIAN = dict(d_model=512, encoder_layers=6, decoder_layers=6, encoder_attention_heads=8,
              decoder_attention_heads=8, encoder_ffn_dim=2048, decoder_ffn_dim=2048,
              max_position_embeddings=512, vocab_size=65001, scale_embedding=True,
              activation_function="swish", static_position_embeddings=True)
QWEN3 = {
    "qwen3-0.6b": dict(hidden_size=1024, intermediate_size=3072, num_hidden_layers=28,
                       num_attention_heads=16, num_key_value_heads=8, head_dim=128,
                       vocab_size=151936, tie_word_embeddings=True),
    "qwen3-4b": dict(hidden_size=2560, intermediate_size=9728, num_hidden_layers=36,
                     num_attention_heads=32, num_key_value_heads=8, head_dim=128,
                     vocab_size=151936, tie_word_embeddings=True),
}
LINES = ["每一个清晨，都值得一杯好咖啡。", "晨光意式浓缩杯采用加厚骨瓷，保温更持久。",
         "手工上釉，温润如玉，握感舒适。", "90毫升黄金容量，完美萃取每一滴醇香。",
         "双十一限时特惠，两只装仅需99元！", "立即抢购"]


def _save(name: str, folder: Path, tokens: int) -> Path:
    """A random-weight ``name`` model with a byte-level tokenizer, saved to ``folder``."""
    import torch
    from transformers import MarianConfig, MarianMTModel, Qwen3Config, Qwen3ForCausalLM

    from tests.engines.text.tiny_translators import QWEN_TEMPLATE, tiny_tokenizer

    torch.manual_seed(0)
    if name == "marian":
        tok, _ = tiny_tokenizer("en", ("</s>", "<pad>"))
        model = MarianMTModel(MarianConfig(**MARIAN, pad_token_id=tok.pad_token_id,
                                           eos_token_id=tok.eos_token_id,
                                           forced_eos_token_id=tok.eos_token_id,
                                           decoder_start_token_id=tok.pad_token_id))
        model.generation_config.decoder_start_token_id = tok.pad_token_id
    else:
        tok, _ = tiny_tokenizer("en", ("<|im_end|>", "<|endoftext|>", "<|im_start|>"))
        tok.chat_template = QWEN_TEMPLATE
        model = Qwen3ForCausalLM(Qwen3Config(**QWEN3[name], eos_token_id=tok.eos_token_id,
                                             pad_token_id=tok.pad_token_id))
    gen = model.generation_config
    gen.min_new_tokens = gen.max_new_tokens = tokens  # every line the same length
    gen.eos_token_id, gen.pad_token_id = tok.eos_token_id, tok.pad_token_id
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="marian,qwen3-0.6b")
    parser.add_argument("--lines", type=int, default=6)
    parser.add_argument("--tokens", type=int, default=32)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's own)")
    args = parser.parse_args()

    import torch

    from promodesk.engines.models.device import pick_device
    from promodesk.engines.text.translate import TranslationEngine

    if args.threads:
        torch.set_num_threads(args.threads)
    lines = (LINES * args.lines)[:args.lines]
    print(f"device: {pick_device().name}; {args.lines} lines x {args.tokens} tokens; budget "
          f">= {BUDGET_TOKENS_PER_S:.0f} tokens/s")
    for name in args.only.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            folder = _save(name, Path(tmp) / name, args.tokens)
            engine = TranslationEngine(folder, max_new_tokens=args.tokens)
            engine.translate(lines[:1], "zh", "en")  # load and warm up, not timed
            start = time.perf_counter()
            engine.translate(lines, "zh", "en")
            seconds = time.perf_counter() - start
        rate = args.lines * args.tokens / seconds
        verdict = "ok" if rate >= BUDGET_TOKENS_PER_S else "OVER BUDGET"
        print(f"{name:12s} {rate:8.1f} tokens/s  ({seconds:.2f} s for {args.lines} lines)  "
              f"budget >= {BUDGET_TOKENS_PER_S:.0f}: {verdict}")


if __name__ == "__main__":
    main()
