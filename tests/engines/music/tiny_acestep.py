"""A tiny random-weight ACE-Step pipeline built from configs (as diffusers' own tests build it) and
saved with ``save_pretrained`` as safetensors, so the engine loads it through its real loader.

The text encoder is a 2-layer Qwen3 and the tokenizer a byte-level BPE built offline (every byte
is a token, so Chinese and English both tokenize); the VAE runs at 24 kHz with 960 samples per
latent frame, so the latent rate is the real model's 25 per second.
"""

from __future__ import annotations

from pathlib import Path


def tiny_tokenizer():
    """A byte-level tokenizer with ``<|endoftext|>`` as end and padding token, built in memory."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {c: i for i, c in enumerate(sorted(pre_tokenizers.ByteLevel.alphabet()))}
    vocab["<|endoftext|>"] = len(vocab)
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    return PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|endoftext|>",
                                   pad_token="<|endoftext|>")


def tiny_acestep(folder: Path, seed: int = 0) -> Path:
    """Save a tiny random ACE-Step pipeline to ``folder`` and return it."""
    import torch
    from diffusers import AceStepPipeline, AutoencoderOobleck, FlowMatchEulerDiscreteScheduler
    from diffusers.models.transformers.ace_step_transformer import AceStepTransformer1DModel
    from diffusers.pipelines.ace_step import AceStepConditionEncoder
    from transformers import Qwen3Config, Qwen3Model

    torch.set_num_threads(1)
    torch.manual_seed(seed)
    tokenizer = tiny_tokenizer()
    small = dict(hidden_size=32, intermediate_size=64, num_attention_heads=4,
                 num_key_value_heads=2, head_dim=8, rope_theta=10000.0)
    transformer = AceStepTransformer1DModel(num_hidden_layers=2, in_channels=24,
                                            audio_acoustic_hidden_dim=8, patch_size=2,
                                            sliding_window=16, **small)
    text_encoder = Qwen3Model(Qwen3Config(num_hidden_layers=2, vocab_size=len(tokenizer),
                                          max_position_embeddings=1024, **small))
    condition = AceStepConditionEncoder(text_hidden_dim=32, timbre_hidden_dim=8,
                                        num_lyric_encoder_hidden_layers=2,
                                        num_timbre_encoder_hidden_layers=2, sliding_window=16,
                                        **small)
    vae = AutoencoderOobleck(encoder_hidden_size=16, downsampling_ratios=[2, 4, 4, 5, 6],
                             decoder_channels=3, decoder_input_channels=8, audio_channels=2,
                             channel_multiples=[1, 2, 2, 2, 2], sampling_rate=24000)
    scheduler = FlowMatchEulerDiscreteScheduler(num_train_timesteps=1, shift=1.0)
    pipe = AceStepPipeline(vae=vae, text_encoder=text_encoder, tokenizer=tokenizer,
                           transformer=transformer, condition_encoder=condition,
                           scheduler=scheduler)
    pipe.save_pretrained(Path(folder), safe_serialization=True)
    return Path(folder)
