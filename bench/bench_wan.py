"""Speed of the Wan video engine's pipeline with random weights (speed does not depend on their
values), the ``wan`` case of bench/bench_models.py (``--only wan``); also runs alone:

    .venv/bin/python bench/bench_wan.py [--threads 1]

On CUDA: Wan2.2 TI2V-5B at its published sizes (the 5B transformer and the Wan2.2 VAE, the
engine's number formats and first memory tier), photo to video, at the Draft and Final presets
for a 5 s clip (121 frames at 24 fps, 9:16): seconds of generation per generated second of
video, beside the budget, and the peak VRAM. The umT5 text encoder runs once per clip (about a
second) and is left out: the prompt embeddings are given as random tensors.

On the CPU (a full clip takes hours there) a reduced configuration shows regressions: the
TI2V-5B transformer's real width (24 heads x 128, FFN 14336) with 2 of its 30 blocks, at a
small latent (128x224 px, 9 frames), through the same pipeline call with guidance (two
transformer passes per step): seconds per denoising step, beside its budget.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# Wan-AI/Wan2.2-TI2V-5B-Diffusers transformer/config.json and vae/config.json
TI2V_5B = dict(patch_size=(1, 2, 2), num_attention_heads=24, attention_head_dim=128,
               in_channels=48, out_channels=48, text_dim=4096, freq_dim=256, ffn_dim=14336,
               num_layers=30, cross_attn_norm=True, qk_norm="rms_norm_across_heads",
               rope_max_seq_len=1024)
WAN22_VAE = dict(base_dim=160, decoder_base_dim=256, z_dim=48, dim_mult=[1, 2, 4, 4],
                 num_res_blocks=2, temperal_downsample=[False, True, True], is_residual=True,
                 in_channels=12, out_channels=12, patch_size=2, scale_factor_spatial=16,
                 scale_factor_temporal=4, latents_mean=[0.0] * 48, latents_std=[1.0] * 48)
# budgets: seconds of generation per second of video on a 24 GB-class card (a shop's
# workstation GPU), and the CPU regression guard (first measured: see README, "Wan video")
GPU_BUDGET_S_PER_S = {"draft": 30.0, "final": 150.0}
CPU_STEP_BUDGET_S = 6.0
CLIP_SECONDS, CLIP_FPS = 5.0, 24


def _random(make, device, dtype):
    """``make()``'s module with N(0, 0.02) weights made directly on ``device`` in ``dtype``
    (random init of billions of weights on the CPU takes minutes; the values do not matter)."""
    import torch
    from accelerate import init_empty_weights

    with init_empty_weights(include_buffers=False):
        module = make()
    module = module.to(dtype).to_empty(device=device)  # made in dtype: 5B float32 would not fit
    with torch.no_grad():
        for param in module.parameters():
            param.normal_(0.0, 0.02)
    return module.eval()


def _pipeline(device, reduced: bool):
    """A random-weight TI2V-5B image-to-video pipeline on ``device`` (full or reduced)."""
    import torch
    from diffusers import (AutoencoderKLWan, UniPCMultistepScheduler, WanImageToVideoPipeline,
                           WanTransformer3DModel)

    from promodesk.engines.visuals.wan_memory import number_format

    dtype = getattr(torch, number_format(device) or "float32")
    where = device.torch_device()
    torch.manual_seed(0)
    config = dict(TI2V_5B, num_layers=2) if reduced else TI2V_5B
    transformer = _random(lambda: WanTransformer3DModel(**config), where, dtype)
    vae_config = dict(WAN22_VAE, base_dim=16, decoder_base_dim=16) if reduced else WAN22_VAE
    vae = _random(lambda: AutoencoderKLWan(**vae_config), where, torch.float32)
    scheduler = UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True,
                                        flow_shift=5.0)
    pipe = WanImageToVideoPipeline(tokenizer=None, text_encoder=None, vae=vae,
                                   scheduler=scheduler, transformer=transformer,
                                   expand_timesteps=True)
    pipe.set_progress_bar_config(disable=True)
    return pipe, dtype


def _run(pipe, dtype, device, size, frames: int, steps: int) -> dict:
    """Time one clip: total seconds, seconds per step (wall clock and this process's CPU),
    and the rest (VAE encode before the first step, decode after the last), in seconds."""
    import torch
    from PIL import Image

    w, h = size
    where = device.torch_device()
    embeds = torch.randn(1, 512, 4096, device=where, dtype=dtype) * 0.1
    marks: list[float] = []
    cpu_marks: list[float] = []  # this process's CPU seconds: steadier than the wall clock on a
    # shared machine, where other jobs take turns on the cores

    def on_step(_pipe, _i, _t, _kwargs):
        _sync(device)
        marks.append(time.perf_counter())
        cpu_marks.append(time.process_time())
        return {}

    photo = Image.new("RGB", (w, h), (180, 140, 100))
    if device.kind == "cuda":
        torch.cuda.reset_peak_memory_stats()
    _sync(device)
    t0 = time.perf_counter()
    with torch.inference_mode():
        pipe(image=photo, prompt_embeds=embeds, negative_prompt_embeds=embeds, height=h,
             width=w, num_frames=frames, num_inference_steps=steps, guidance_scale=5.0,
             generator=torch.Generator("cpu").manual_seed(0), output_type="np",
             callback_on_step_end=on_step)
    _sync(device)
    total = time.perf_counter() - t0
    step = (marks[-1] - marks[0]) / (len(marks) - 1) if len(marks) > 1 else total
    cpu_step = (cpu_marks[-1] - cpu_marks[0]) / (len(marks) - 1) if len(marks) > 1 else 0.0
    peak = torch.cuda.max_memory_allocated() / 1024 ** 3 if device.kind == "cuda" else None
    return {"total_s": total, "step_s": step, "cpu_step_s": cpu_step,
            "rest_s": max(0.0, (marks[0] - t0 - step) + (t0 + total - marks[-1])),
            "peak_gib": peak}


def _sync(device) -> None:
    import torch

    if device.kind == "cuda":
        torch.cuda.synchronize()


def bench_wan(device) -> list[str]:
    """The Wan figures for ``device`` as printable lines (see the module docstring)."""
    from promodesk.engines.visuals.wan import PRESETS, clip_frames, clip_size

    lines = []
    if device.kind != "cuda":
        pipe, dtype = _pipeline(device, reduced=True)
        _run(pipe, dtype, device, (64, 64), 5, 1)  # warm-up: one-time costs stay out
        r = _run(pipe, dtype, device, (128, 224), 9, 3)
        lines.append(f"wan (reduced: 2 of 30 TI2V-5B blocks, 128x224, 9 frames) "
                     f"{r['cpu_step_s']:.2f} CPU s per denoising step with guidance (budget "
                     f"{CPU_STEP_BUDGET_S:.1f} s; {r['step_s']:.2f} s on the wall clock at load "
                     f"{os.getloadavg()[0]:.1f}); VAE encode + decode {r['rest_s']:.2f} s; "
                     "GPU figures: not measured (no CUDA here)")
        return lines
    pipe, dtype = _pipeline(device, reduced=False)
    frames = clip_frames(CLIP_SECONDS, CLIP_FPS, 121)
    _run(pipe, dtype, device, (256, 448), 5, 1)
    for preset, (_, steps) in PRESETS.items():
        size = clip_size((1080, 1920), preset)
        r = _run(pipe, dtype, device, size, frames, steps)
        per = r["total_s"] / CLIP_SECONDS
        lines.append(f"wan TI2V-5B {preset:5s} {size[0]}x{size[1]}, {frames} frames, {steps} "
                     f"steps: {per:.1f} s per generated second (budget "
                     f"{GPU_BUDGET_S_PER_S[preset]:.0f} s on a 24 GB card); {r['step_s']:.2f} s "
                     f"per step, VAE {r['rest_s']:.1f} s; peak VRAM {r['peak_gib']:.1f} GiB "
                     "(tier gpu)")
        gc.collect()
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    import torch

    from promodesk.engines.models.device import pick_device

    torch.set_num_threads(max(1, args.threads))
    device = pick_device()
    print(f"device: {device.describe()}; torch {torch.__version__}")
    for line in bench_wan(device):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
