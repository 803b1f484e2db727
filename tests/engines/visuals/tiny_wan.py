"""Tiny random-weight Wan pipelines built from configs the way diffusers' own tests build them
(tests/pipelines/wan/test_wan.py, test_wan_22_image_to_video.py), saved with ``save_pretrained``
as safetensors so the engine loads them through its real loader.

Layouts:

- ``ti2v``: Wan2.2 TI2V-5B's: a ``WanPipeline`` folder with ``expand_timesteps``, the 48-channel
  VAE (spatial factor 16, patchified by 2, residual) and a 48-channel transformer; text to video
  and, through ``WanImageToVideoPipeline``, photo to video;
- ``i2v``: Wan2.1 I2V's: ``WanImageToVideoPipeline`` with a CLIP image encoder, the 16-channel
  VAE and a 36-channel transformer (noise + mask + photo latents);
- ``t2v``: Wan2.1 T2V-1.3B's: ``WanPipeline`` with the 16-channel VAE.

The text encoder is a 1-layer UMT5 and the tokenizer a T5 Unigram built offline from a word list
(tests/engines/tiny_models.py). Nothing is downloaded; building one takes about a second.
"""

from __future__ import annotations

from pathlib import Path

from tests.engines.tiny_models import tiny_t5_tokenizer

LAYOUTS = ("ti2v", "i2v", "t2v")


def build_tiny_wan(folder: Path, layout: str = "ti2v", seed: int = 0) -> Path:
    """Save a tiny random Wan pipeline of ``layout`` to ``folder`` and return it."""
    import torch
    from diffusers import (AutoencoderKLWan, UniPCMultistepScheduler, WanImageToVideoPipeline,
                           WanPipeline, WanTransformer3DModel)
    from transformers import UMT5Config, UMT5EncoderModel

    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, not {layout!r}")
    torch.set_num_threads(1)  # tiny models gain nothing from threads on a shared machine
    torch.manual_seed(seed)
    tokenizer = tiny_t5_tokenizer()
    text_encoder = UMT5EncoderModel(UMT5Config(vocab_size=len(tokenizer), d_model=32, d_kv=8,
                                               d_ff=32, num_layers=1, num_heads=4,
                                               relative_attention_num_buckets=8))
    if layout == "ti2v":
        vae = AutoencoderKLWan(base_dim=3, z_dim=48, in_channels=12, out_channels=12,
                               is_residual=True, patch_size=2, latents_mean=[0.0] * 48,
                               latents_std=[1.0] * 48, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                               scale_factor_spatial=16, scale_factor_temporal=4,
                               temperal_downsample=[False, True, True])
        channels = (48, 48)
    else:
        vae = AutoencoderKLWan(base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                               temperal_downsample=[False, True, True])
        channels = (36, 16) if layout == "i2v" else (16, 16)
    extra = dict(image_dim=4) if layout == "i2v" else {}
    transformer = WanTransformer3DModel(patch_size=(1, 2, 2), num_attention_heads=2,
                                        attention_head_dim=12, in_channels=channels[0],
                                        out_channels=channels[1], text_dim=32, freq_dim=256,
                                        ffn_dim=32, num_layers=2, cross_attn_norm=True,
                                        qk_norm="rms_norm_across_heads", rope_max_seq_len=32,
                                        **extra)
    scheduler = UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True,
                                        flow_shift=3.0)
    parts = dict(tokenizer=tokenizer, text_encoder=text_encoder, vae=vae, scheduler=scheduler,
                 transformer=transformer)
    if layout == "i2v":
        from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModel

        encoder = CLIPVisionModel(CLIPVisionConfig(hidden_size=4, projection_dim=4,
                                                   num_hidden_layers=2, num_attention_heads=2,
                                                   image_size=32, intermediate_size=16,
                                                   patch_size=4))
        processor = CLIPImageProcessor(crop_size=32, size=32)
        pipe = WanImageToVideoPipeline(image_encoder=encoder, image_processor=processor, **parts)
    else:
        pipe = WanPipeline(**parts, expand_timesteps=layout == "ti2v")
    folder = Path(folder)
    pipe.save_pretrained(folder, safe_serialization=True)
    return folder
