"""Tiny random-weight translation models for tests, built from configs and saved with
``save_pretrained`` (safetensors), so the engine loads them through its real loading code.

The tokenizer is a byte-level BPE built offline (every byte is a token, so any text encodes)
plus whole words of one target language. The model's generation config suppresses every token
but those words and the end token, so a random model writes junk in the right script: English
words from ``tiny_marian(..., "en")``, hanzi from ``"zh"``. Tests can then check the plumbing
(lines, placeholders, facts, script, files) without a real model.
"""

from __future__ import annotations

from pathlib import Path

WORDS = {"en": ["fresh", "coffee", "morning", "cup", "warm", "every", "day", "good", "buy",
                "now", "the", "a", "with", "gold", "hand", "made"],
         "zh": list("每一个清晨都值得杯好咖啡温润如玉手工立即抢购新鲜")}
QWEN_TEMPLATE = ("{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}"
                 "<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n"
                 "{% endif %}")


def tiny_tokenizer(language: str, specials: tuple[str, ...]):
    """A byte-level tokenizer with ``specials`` (the first is the end token, the second the
    padding token) and the words of ``language`` as tokens of their own; returns it and the ids
    of those words."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
    vocab = {c: i for i, c in enumerate(alphabet)}
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    words = [(" " + w if language == "en" else w) for w in WORDS[language]]
    tok.add_tokens([AddedToken(w, normalized=False) for w in words])
    tok.add_special_tokens([AddedToken(s, special=True) for s in specials])
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token=specials[0],
                                   pad_token=specials[1])
    return fast, [tok.token_to_id(w) for w in words]


def _speak_only(model, tokenizer, keep: list[int]) -> None:
    """Let generation emit only ``keep`` token ids and the end token."""
    allowed = {*keep, tokenizer.eos_token_id}
    gen = model.generation_config
    gen.suppress_tokens = [i for i in range(len(tokenizer)) if i not in allowed]
    gen.eos_token_id = tokenizer.eos_token_id
    gen.pad_token_id = tokenizer.pad_token_id
    gen.min_new_tokens = 3  # a random model may end at once; a line of junk is what tests want
    # ...and would otherwise run to the token limit: the end grows likelier after 6 tokens
    gen.exponential_decay_length_penalty = (6, 1.5)


def tiny_marian(folder: Path, target: str = "en", seed: int = 0) -> Path:
    """Save a tiny random Marian translation model writing ``target`` words to ``folder``."""
    import torch
    from transformers import MarianConfig, MarianMTModel

    torch.set_num_threads(1)
    torch.manual_seed(seed)
    tokenizer, words = tiny_tokenizer(target, ("</s>", "<pad>"))
    config = MarianConfig(vocab_size=len(tokenizer), d_model=16, encoder_layers=1,
                          decoder_layers=1, encoder_attention_heads=2, decoder_attention_heads=2,
                          encoder_ffn_dim=32, decoder_ffn_dim=32, max_position_embeddings=256,
                          pad_token_id=tokenizer.pad_token_id, eos_token_id=tokenizer.eos_token_id,
                          decoder_start_token_id=tokenizer.pad_token_id,
                          forced_eos_token_id=tokenizer.eos_token_id)
    model = MarianMTModel(config).eval()
    _speak_only(model, tokenizer, words)
    model.generation_config.decoder_start_token_id = tokenizer.pad_token_id
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return Path(folder)


def tiny_qwen3(folder: Path, target: str = "en", seed: int = 0) -> Path:
    """Save a tiny random Qwen3 instruct-style model (chat template, thinking off) writing
    ``target`` words to ``folder``."""
    import torch
    from transformers import Qwen3Config, Qwen3ForCausalLM

    torch.set_num_threads(1)
    torch.manual_seed(seed)
    tokenizer, words = tiny_tokenizer(target, ("<|im_end|>", "<|endoftext|>", "<|im_start|>"))
    tokenizer.chat_template = QWEN_TEMPLATE
    config = Qwen3Config(vocab_size=len(tokenizer), hidden_size=32, intermediate_size=64,
                         num_hidden_layers=1, num_attention_heads=4, num_key_value_heads=2,
                         head_dim=8, max_position_embeddings=2048,
                         eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    model = Qwen3ForCausalLM(config).eval()
    _speak_only(model, tokenizer, words)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return Path(folder)
