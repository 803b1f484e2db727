"""Tiny random-weight models for tests, built from configs and saved with ``save_pretrained``
(safetensors) so the engines load them through their real loading code.

Other tests reuse these (e.g. the editor's "regenerate with MusicGen"): call
``tiny_musicgen(folder)`` and point ``MusicGenEngine(model=folder)`` at the folder.
Building one takes well under a second; nothing is downloaded.
"""

from __future__ import annotations

import json
from pathlib import Path


def _one_thread() -> None:
    # Tiny models gain nothing from threads, and on a busy shared machine torch's spinning
    # worker threads make them many times slower.
    import torch

    torch.set_num_threads(1)

# A handful of words so prompts tokenize to something; unknown words map to <unk>.
_WORDS = ["▁", "▁warm", "▁bright", "▁calm", "▁upbeat", "▁music", "▁piano", "▁pop", "▁bpm",
          "▁cinematic", "▁acoustic", "▁electronic", "▁a", "▁and", "▁with", "▁for", "▁product",
          "▁video", "▁guitar", "▁drums", "▁in", "▁major", "▁minor", "▁key", "▁of", "▁0", "▁1",
          "▁2", "▁5", "▁9", "▁C", "▁G", "▁D", "▁A", "▁E", ",", "."]


def tiny_t5_tokenizer():
    """A T5 tokenizer (Unigram) built in memory from a small word list."""
    from transformers import T5Tokenizer

    vocab = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)] + [(w, -float(i + 1))
                                                              for i, w in enumerate(_WORDS)]
    return T5Tokenizer(vocab=vocab, extra_ids=0)


def tiny_musicgen(folder: Path, seed: int = 0, sampling_rate: int = 32000) -> Path:
    """Save a tiny random MusicGen (T5 text encoder, EnCodec at ``sampling_rate`` Hz and 50 codec
    frames per second like the real one, 4 codebooks, 1-layer decoder) to ``folder``."""
    import torch
    from transformers import (EncodecConfig, EncodecFeatureExtractor, MusicgenConfig,
                              MusicgenDecoderConfig, MusicgenForConditionalGeneration,
                              MusicgenProcessor, T5Config)

    _one_thread()
    torch.manual_seed(seed)
    folder = Path(folder)
    tokenizer = tiny_t5_tokenizer()
    text = T5Config(vocab_size=len(tokenizer), d_model=16, d_kv=8, d_ff=32, num_layers=1,
                    num_heads=2, relative_attention_num_buckets=8)
    hop = 640  # 8*5*4*4, as in MusicGen's 32 kHz EnCodec: 50 frames per second
    audio = EncodecConfig(sampling_rate=sampling_rate, audio_channels=1, hidden_size=8,
                          num_filters=4, num_residual_layers=1, upsampling_ratios=[8, 5, 4, 4],
                          codebook_size=64, num_lstm_layers=1,
                          target_bandwidths=[4 * (sampling_rate / hop) * 6 / 1000],
                          use_causal_conv=False, compress=2)
    decoder = MusicgenDecoderConfig(vocab_size=64, max_position_embeddings=4096,
                                    num_hidden_layers=1, ffn_dim=32, num_attention_heads=2,
                                    hidden_size=16, num_codebooks=4, pad_token_id=64,
                                    bos_token_id=64)
    config = MusicgenConfig(text_encoder=text, audio_encoder=audio, decoder=decoder)
    model = MusicgenForConditionalGeneration(config).eval()
    with torch.no_grad():  # EnCodec starts its codebooks at zero: every code would sound the same
        for name, buffer in model.audio_encoder.named_buffers():
            if name.endswith(".embed") or name.endswith(".embed_avg"):
                buffer.copy_(torch.randn_like(buffer))
    gen = model.generation_config
    gen.decoder_start_token_id, gen.pad_token_id = 64, 64
    gen.do_sample, gen.guidance_scale, gen.max_length = True, 3.0, 1500
    model.save_pretrained(folder)
    extractor = EncodecFeatureExtractor(feature_size=1, sampling_rate=sampling_rate,
                                        padding_value=0.0)
    MusicgenProcessor(feature_extractor=extractor, tokenizer=tokenizer).save_pretrained(folder)
    return folder


def pickle_only(folder: Path) -> Path:
    """Turn a saved model folder into one holding only a pickled ``pytorch_model.bin``."""
    import torch
    from safetensors.torch import load_file

    folder = Path(folder)
    for st in folder.rglob("*.safetensors"):
        torch.save(load_file(st), st.with_name("pytorch_model.bin"))
        st.unlink()
    index = folder / "model.safetensors.index.json"
    if index.exists():
        index.unlink()
    return folder


def write_json(path: Path, data: dict) -> None:
    Path(path).write_text(json.dumps(data), "utf-8")


def tiny_clip_tokenizer(model_max_length: int = 16):
    """A CLIP tokenizer with a character-level vocabulary (no merges), built in memory."""
    from transformers import CLIPTokenizer

    chars = "abcdefghijklmnopqrstuvwxyz0123456789,.-!'"
    vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1}
    for c in chars:
        vocab[c] = len(vocab)
        vocab[c + "</w>"] = len(vocab)
    return CLIPTokenizer(vocab=vocab, merges=[], model_max_length=model_max_length)


def tiny_stable_diffusion(folder: Path, seed: int = 0) -> Path:
    """Save a tiny random Stable-Diffusion-style pipeline (UNet, VAE, CLIP text encoder, Euler
    scheduler with trailing timesteps as the Turbo models use) to ``folder``, 8x VAE scale."""
    import torch
    from diffusers import (AutoencoderKL, EulerDiscreteScheduler, StableDiffusionPipeline,
                           UNet2DConditionModel)
    from transformers import CLIPTextConfig, CLIPTextModel

    _one_thread()
    torch.manual_seed(seed)
    tokenizer = tiny_clip_tokenizer()
    text = CLIPTextModel(CLIPTextConfig(vocab_size=len(tokenizer), hidden_size=16,
                                        intermediate_size=32, num_hidden_layers=1,
                                        num_attention_heads=2, max_position_embeddings=16,
                                        projection_dim=16, bos_token_id=0, eos_token_id=1,
                                        pad_token_id=1))
    unet = UNet2DConditionModel(sample_size=8, in_channels=4, out_channels=4,
                                block_out_channels=(8, 16), layers_per_block=1,
                                down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
                                up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
                                cross_attention_dim=16, attention_head_dim=2,
                                norm_num_groups=4)
    vae = AutoencoderKL(in_channels=3, out_channels=3, latent_channels=4,
                        block_out_channels=(4, 4, 4, 4), layers_per_block=1, norm_num_groups=2,
                        down_block_types=("DownEncoderBlock2D",) * 4,
                        up_block_types=("UpDecoderBlock2D",) * 4, sample_size=64)
    scheduler = EulerDiscreteScheduler(timestep_spacing="trailing", steps_offset=1,
                                       beta_schedule="scaled_linear",
                                       beta_start=0.00085, beta_end=0.012)
    pipe = StableDiffusionPipeline(vae=vae, text_encoder=text, tokenizer=tokenizer, unet=unet,
                                   scheduler=scheduler, safety_checker=None,
                                   feature_extractor=None, requires_safety_checker=False)
    pipe.save_pretrained(folder)
    return Path(folder)


def tiny_bark(folder: Path, seed: int = 0) -> Path:
    """Save a tiny random Bark (semantic, coarse and fine GPT-style models of one layer, a small
    24 kHz EnCodec) with a BERT tokenizer that knows a few Latin and Chinese characters. The
    token ids and vocabulary sizes are Bark's real ones, so the real generation code runs."""
    import torch
    from transformers import (BarkCoarseConfig, BarkConfig, BarkFineConfig, BarkModel,
                              BarkProcessor, BarkSemanticConfig, BertTokenizer, EncodecConfig)
    from transformers.models.bark.generation_configuration_bark import (
        BarkCoarseGenerationConfig, BarkFineGenerationConfig, BarkGenerationConfig,
        BarkSemanticGenerationConfig)

    _one_thread()
    torch.manual_seed(seed)
    folder = Path(folder)
    chars = list("abcdefghijklmnopqrstuvwxyz0123456789,.!?'") + list(
        "你好新品上市咖啡杯两只装仅需元立即购买的一天从开始晨光温润手感")
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars]
    tokenizer = BertTokenizer(vocab={w: i for i, w in enumerate(words)})
    small = dict(block_size=1024, num_layers=1, num_heads=2, hidden_size=16)
    config = BarkConfig(
        semantic_config=BarkSemanticConfig(input_vocab_size=129600, output_vocab_size=10048,
                                           **small).to_dict(),
        coarse_acoustics_config=BarkCoarseConfig(input_vocab_size=12096,
                                                 output_vocab_size=12096, **small).to_dict(),
        fine_acoustics_config=BarkFineConfig(input_vocab_size=1056, output_vocab_size=1056,
                                             n_codes_total=8, n_codes_given=1,
                                             **small).to_dict(),
        codec_config=EncodecConfig(sampling_rate=24000, hidden_size=8, num_filters=4,
                                   num_residual_layers=1, upsampling_ratios=[8, 5, 4, 2],
                                   codebook_size=1024, num_lstm_layers=1).to_dict())
    model = BarkModel(config).eval()
    with torch.no_grad():
        for name, buffer in model.codec_model.named_buffers():
            if name.endswith(".embed"):
                buffer.copy_(torch.randn_like(buffer))
    model.save_pretrained(folder)
    # Bark's generation config is nested; write it as the released checkpoints carry it
    # (transformers 5.24 cannot save a BarkGenerationConfig itself).
    generation = BarkGenerationConfig(
        semantic_config=BarkSemanticGenerationConfig().to_dict(),
        coarse_acoustics_config=BarkCoarseGenerationConfig().to_dict(),
        fine_acoustics_config=BarkFineGenerationConfig().to_dict())
    write_json(folder / "generation_config.json", generation.to_dict())
    BarkProcessor(tokenizer=tokenizer).save_pretrained(folder)
    return folder
