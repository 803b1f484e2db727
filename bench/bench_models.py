"""Speed of the model engines at their real sizes, with random weights (speed does not depend on
the weights' values): MusicGen small and medium as seconds of audio per second of generation
(baseline: real time, 1.0x), and SD-Turbo stills as seconds per still beside its floor (one UNet
step plus the VAE decode). Runs on the best device here (CUDA, then MPS, then CPU). With
``acestep`` in ``--only``: ACE-Step 1.5 turbo at its real sizes, seconds of music per second
(8 steps at least, no guidance). With ``vibevoice`` in ``--only``: VibeVoice 1.5B speech seconds
per second (its tokenizers and diffusion head at full size, ``--vibevoice-layers`` of the LM's 28
layers, the full figure extrapolated from the LM's measured share); ``bark``: Bark small's, to
compare. With ``load-musicgen-small`` in ``--only``: the seconds the engines' loader
(``load_pretrained``) takes to bring a MusicGen-small-sized folder saved with
``save_pretrained`` onto the device (what the first MusicGen job waits for), beside reading the
same bytes (its floor) and a second call.
With ``wan`` in ``--only``: the Wan video engine (bench/bench_wan.py): seconds per generated
second at Draft and Final with peak VRAM on CUDA, a reduced configuration's per-step time on
the CPU.

    .venv/bin/python bench/bench_models.py [--only musicgen-small,musicgen-medium,stills,
        load-musicgen-small,acestep,wan,vibevoice,bark] [--audio-seconds 2] [--size 512]
        [--steps 1] [--threads 1] [--vibevoice-layers 4]

The configurations are written out from the published config.json values of facebook/musicgen-*
(T5-base text encoder, 32 kHz EnCodec) and stabilityai/sd-turbo (SD 2.1 UNet, OpenCLIP-H text
encoder). Nothing is downloaded.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

T5_BASE = dict(vocab_size=32128, d_model=768, d_kv=64, d_ff=3072, num_layers=12, num_heads=12,
               relative_attention_num_buckets=32, feed_forward_proj="relu")
ENCODEC_32K = dict(sampling_rate=32000, audio_channels=1, hidden_size=128, num_filters=64,
                   num_residual_layers=1, upsampling_ratios=[8, 5, 4, 4], codebook_size=2048,
                   codebook_dim=128, num_lstm_layers=2, target_bandwidths=[2.2],
                   use_causal_conv=False, use_conv_shortcut=False, compress=2,
                   norm_type="weight_norm", normalize=False, pad_mode="reflect")
DECODERS = {  # facebook/musicgen-small and -medium decoder configs
    "musicgen-small": dict(hidden_size=1024, num_hidden_layers=24, num_attention_heads=16,
                           ffn_dim=4096),
    "musicgen-medium": dict(hidden_size=1536, num_hidden_layers=48, num_attention_heads=24,
                            ffn_dim=6144),
}


def _musicgen(name: str):
    """A random-weight MusicGen ``name`` (float32, on the CPU)."""
    import torch
    from transformers import (EncodecConfig, MusicgenConfig, MusicgenDecoderConfig,
                              MusicgenForConditionalGeneration, T5Config)

    torch.manual_seed(0)
    config = MusicgenConfig(
        text_encoder=T5Config(**T5_BASE), audio_encoder=EncodecConfig(**ENCODEC_32K),
        decoder=MusicgenDecoderConfig(vocab_size=2048, num_codebooks=4, pad_token_id=2048,
                                      bos_token_id=2048, max_position_embeddings=2048,
                                      **DECODERS[name]))
    model = MusicgenForConditionalGeneration(config).eval()
    model.generation_config.decoder_start_token_id = 2048
    model.generation_config.pad_token_id = 2048
    return model


def bench_musicgen(name: str, audio_seconds: float, device) -> dict:
    """Seconds of audio per second of generation for MusicGen ``name`` (guidance 3, sampling)."""
    import torch

    t0 = time.perf_counter()
    model = _musicgen(name).to(device.torch_device(), dtype=device.torch_dtype())
    build = time.perf_counter() - t0
    params = sum(p.numel() for p in model.parameters())
    ids = torch.randint(0, 32000, (1, 12), device=device.torch_device())
    steps = int(audio_seconds * 50) + 4
    with torch.inference_mode():  # warm-up: a few steps, so one-time costs stay out
        model.generate(input_ids=ids, max_new_tokens=8, do_sample=True, guidance_scale=3.0)
        _sync(device)
        t0 = time.perf_counter()
        audio = model.generate(input_ids=ids, max_new_tokens=steps, do_sample=True,
                               guidance_scale=3.0)
        _sync(device)
    seconds = time.perf_counter() - t0
    made = audio.shape[-1] / 32000
    del model, audio
    gc.collect()
    return {"name": name, "params_m": params / 1e6, "build_s": build, "audio_s": made,
            "gen_s": seconds, "ratio": made / seconds, "ms_per_step": 1000 * seconds / steps}


def bench_load(name: str, device) -> dict:
    """Seconds ``load_pretrained`` takes for a MusicGen ``name``-sized folder (safetensors, saved
    with ``save_pretrained`` to a temporary folder), the seconds to read its bytes once (the
    floor), and a second call (served by the model cache)."""
    import shutil
    import tempfile

    from transformers import (AutoProcessor, EncodecFeatureExtractor,
                              MusicgenForConditionalGeneration, MusicgenProcessor)

    from promodesk.engines.models.catalogue import folder_bytes
    from promodesk.engines.models.device import MODELS
    from promodesk.engines.models.loading import load_pretrained
    from tests.engines.tiny_models import tiny_t5_tokenizer

    folder = Path(tempfile.mkdtemp()) / name
    try:
        model = _musicgen(name)
        model.save_pretrained(folder)
        del model
        gc.collect()
        MusicgenProcessor(feature_extractor=EncodecFeatureExtractor(sampling_rate=32000),
                          tokenizer=tiny_t5_tokenizer()).save_pretrained(folder)
        t0 = time.perf_counter()
        for path in folder.rglob("*"):
            if path.is_file():
                with open(path, "rb") as f:
                    while f.read(1 << 24):
                        pass
        read = time.perf_counter() - t0
        MODELS.release()
        t0 = time.perf_counter()
        loaded = load_pretrained(folder, MusicgenForConditionalGeneration, AutoProcessor,
                                 prefer=device.kind)
        _sync(device)
        first = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = load_pretrained(folder, MusicgenForConditionalGeneration, AutoProcessor,
                                prefer=device.kind)
        second = time.perf_counter() - t0
        assert again.net is loaded.net
        size = folder_bytes(folder)
        del loaded, again
        MODELS.release()
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)
    return {"name": name, "gb": size / 1e9, "load_s": first, "read_s": read, "again_s": second}


def bench_stills(size: int, steps: int, device) -> dict:
    """Seconds per still for an SD-Turbo-sized pipeline at ``size`` px with ``steps`` steps."""
    import torch
    from diffusers import (AutoencoderKL, EulerDiscreteScheduler, StableDiffusionPipeline,
                           UNet2DConditionModel)
    from transformers import CLIPTextConfig, CLIPTextModel

    from tests.engines.tiny_models import tiny_clip_tokenizer

    torch.manual_seed(0)
    t0 = time.perf_counter()
    text = CLIPTextModel(CLIPTextConfig(vocab_size=49408, hidden_size=1024, intermediate_size=4096,
                                        num_hidden_layers=23, num_attention_heads=16,
                                        max_position_embeddings=77, hidden_act="gelu",
                                        projection_dim=1024, bos_token_id=0, eos_token_id=1))
    unet = UNet2DConditionModel(sample_size=64, cross_attention_dim=1024,
                                attention_head_dim=(5, 10, 20, 20), use_linear_projection=True,
                                block_out_channels=(320, 640, 1280, 1280), layers_per_block=2)
    vae = AutoencoderKL(block_out_channels=(128, 256, 512, 512), layers_per_block=2,
                        latent_channels=4, sample_size=768,
                        down_block_types=("DownEncoderBlock2D",) * 4,
                        up_block_types=("UpDecoderBlock2D",) * 4)
    scheduler = EulerDiscreteScheduler(timestep_spacing="trailing", steps_offset=1,
                                       beta_schedule="scaled_linear", beta_start=0.00085,
                                       beta_end=0.012)
    pipe = StableDiffusionPipeline(vae=vae, text_encoder=text, unet=unet, scheduler=scheduler,
                                   tokenizer=tiny_clip_tokenizer(77), safety_checker=None,
                                   feature_extractor=None, requires_safety_checker=False)
    pipe = pipe.to(device.torch_device(), device.torch_dtype())
    pipe.set_progress_bar_config(disable=True)
    build = time.perf_counter() - t0
    kwargs = dict(prompt="warm coffee cup on a wooden table", guidance_scale=0.0,
                  width=size, height=size)
    with torch.inference_mode():
        pipe(num_inference_steps=1, width=64, height=64, prompt="warm up", guidance_scale=0.0)
        _sync(device)
        t0 = time.perf_counter()
        pipe(num_inference_steps=steps, generator=torch.Generator("cpu").manual_seed(0), **kwargs)
        _sync(device)
        still = time.perf_counter() - t0
        latents = torch.randn(1, 4, size // 8, size // 8, device=device.torch_device(),
                              dtype=device.torch_dtype())
        t0 = time.perf_counter()
        pipe.vae.decode(latents / pipe.vae.config.scaling_factor)
        _sync(device)
        decode = time.perf_counter() - t0
    del pipe
    gc.collect()
    return {"size": size, "steps": steps, "build_s": build, "still_s": still, "decode_s": decode}


def _sync(device) -> None:
    import torch

    if device.kind == "cuda":
        torch.cuda.synchronize()


# ACE-Step 1.5 at its published sizes: the DiT and condition encoder at diffusers' defaults (which
# are ACE-Step 1.5's), its 48 kHz VAE (1920 samples per latent frame, 25 per second), and the
# Qwen3-Embedding-0.6B text encoder. About 2.9 B parameters, 12 GB in float32.
QWEN3_EMBEDDING_06B = dict(hidden_size=1024, num_hidden_layers=28, num_attention_heads=16,
                           num_key_value_heads=8, head_dim=128, intermediate_size=3072,
                           vocab_size=151669, max_position_embeddings=32768)


def _acestep_pipeline(device):
    """A random-weight ACE-Step 1.5 pipeline on ``device``. Parameters are made empty and filled
    with N(0, 0.02) (random init of 2.9 B weights takes minutes on a CPU, and speed does not
    depend on their values); buffers (rotary tables) are made for real."""
    import torch
    from accelerate import init_empty_weights
    from diffusers import AceStepPipeline, AutoencoderOobleck, FlowMatchEulerDiscreteScheduler
    from diffusers.models.transformers.ace_step_transformer import AceStepTransformer1DModel
    from diffusers.pipelines.ace_step import AceStepConditionEncoder
    from transformers import Qwen3Config, Qwen3Model

    from tests.engines.music.tiny_acestep import tiny_tokenizer

    def real(make):
        with init_empty_weights(include_buffers=False):
            module = make()
        module = module.to_empty(device=device.torch_device())
        with torch.no_grad():
            for param in module.parameters():
                param.normal_(0.0, 0.02)
        return module.eval()

    torch.manual_seed(0)
    return AceStepPipeline(
        transformer=real(lambda: AceStepTransformer1DModel(is_turbo=True)),
        condition_encoder=real(AceStepConditionEncoder),
        vae=real(lambda: AutoencoderOobleck(downsampling_ratios=[2, 4, 4, 6, 10],
                                            sampling_rate=48000)),
        text_encoder=real(lambda: Qwen3Model(Qwen3Config(**QWEN3_EMBEDDING_06B))),
        tokenizer=tiny_tokenizer(),
        scheduler=FlowMatchEulerDiscreteScheduler(num_train_timesteps=1, shift=1.0))


def bench_acestep(audio_seconds: float, steps: int, device) -> dict:
    """Seconds of music per second of generation for ACE-Step 1.5 turbo (``steps`` steps, no
    guidance), with the time per denoising step and the VAE decode beside it."""
    import torch

    t0 = time.perf_counter()
    pipe = _acestep_pipeline(device)
    build_s = time.perf_counter() - t0
    marks = []

    def on_step(_pipe, step, _t, _kwargs):
        marks.append(time.perf_counter())
        return {}

    generator = torch.Generator(device="cpu").manual_seed(0)
    with torch.inference_mode():
        t0 = time.perf_counter()
        pipe(prompt="upbeat pop background music for a product video, with piano, drums",
             lyrics="[Instrumental]", audio_duration=audio_seconds, num_inference_steps=steps,
             guidance_scale=1.0, shift=3.0, bpm=120, keyscale="D major", timesignature="4",
             generator=generator, callback_on_step_end=on_step, output_type="np")
        gen_s = time.perf_counter() - t0
    step_s = (marks[-1] - marks[0]) / max(1, len(marks) - 1) if len(marks) > 1 else gen_s
    params = sum(p.numel() for m in (pipe.transformer, pipe.condition_encoder, pipe.vae,
                                     pipe.text_encoder) for p in m.parameters())
    del pipe
    gc.collect()
    return {"params_b": params / 1e9, "audio_s": audio_seconds, "gen_s": gen_s,
            "ratio": audio_seconds / gen_s, "step_s": step_s, "steps": steps,
            "after_steps_s": gen_s - (marks[-1] - t0) if marks else 0.0, "build_s": build_s}


# VibeVoice 1.5B as published: Qwen2.5-1.5B, a 4-layer diffusion head of the LM's width, and
# the acoustic (64-dim latents) and semantic (128-dim) tokenizers at transformers' defaults, which
# are VibeVoice's (3200x down/upsampling at 24 kHz: 7.5 speech frames a second).
QWEN25_15B = dict(model_type="qwen2", vocab_size=151936, hidden_size=1536, intermediate_size=8960,
                  num_hidden_layers=28, num_attention_heads=12, num_key_value_heads=2,
                  max_position_embeddings=65536, rope_theta=1000000.0, tie_word_embeddings=True)


def bench_vibevoice(audio_seconds: float, layers: int, device) -> dict:
    """Seconds of speech per second of generation for VibeVoice 1.5B with ``layers`` of its
    28 LM layers (10 diffusion steps a frame, guidance 1.3 as the engine runs it), and the figure
    for all 28 layers, extrapolated from the time measured inside the LM."""
    import torch
    from accelerate import init_empty_weights
    from transformers import (LogitsProcessor, LogitsProcessorList, VibeVoiceConfig,
                              VibeVoiceForConditionalGeneration)

    from promodesk.engines.voice.vibevoice import DIFFUSION_STEPS, FRAME_HZ, GUIDANCE

    t0 = time.perf_counter()
    config = VibeVoiceConfig(text_config=dict(QWEN25_15B, num_hidden_layers=layers),
                             diffusion_head_config=dict(num_hidden_layers=4,
                                                        intermediate_size=4608))
    with init_empty_weights(include_buffers=False):
        model = VibeVoiceForConditionalGeneration(config)
    model = model.to_empty(device=device.torch_device())
    with torch.no_grad():
        for param in model.parameters():
            param.normal_(0.0, 0.02)
    model = model.to(device.torch_dtype()).eval()
    build_s = time.perf_counter() - t0

    class Speak(LogitsProcessor):
        """Random weights would end the line at once: every step asks for a speech frame."""

        def __call__(self, input_ids, scores):
            forced = torch.full_like(scores, float("-inf"))
            forced[:, config.audio_token_id] = 0.0
            return forced

    parts = {"lm": model.model.language_model, "diffusion": model.model.diffusion_head,
             "semantic": model.model.semantic_tokenizer_encoder}
    spent = {name: 0.0 for name in [*parts, "decoder"]}
    decode = model.model.audio_tower.decode

    def timed_decode(*args, **kwargs):  # the acoustic decoder runs through decode(), not forward
        _sync(device)
        spent["decoder"] -= time.perf_counter()
        out = decode(*args, **kwargs)
        _sync(device)
        spent["decoder"] += time.perf_counter()
        return out

    model.model.audio_tower.decode = timed_decode
    hooks = []
    for name, module in parts.items():
        def enter(_module, _args, _kwargs, name=name):
            _sync(device)
            spent[name] -= time.perf_counter()

        def leave(_module, _args, _kwargs, _out, name=name):
            _sync(device)
            spent[name] += time.perf_counter()

        hooks += [module.register_forward_pre_hook(enter, with_kwargs=True),
                  module.register_forward_hook(leave, with_kwargs=True)]
    frames = max(2, int(audio_seconds * FRAME_HZ))
    prompt = torch.randint(0, 151000, (1, 96), device=device.torch_device())
    prompt[0, -1] = config.audio_bos_token_id
    torch.manual_seed(0)
    with torch.inference_mode():
        t0, cpu0 = time.perf_counter(), time.process_time()
        audio = model.generate(input_ids=prompt, attention_mask=torch.ones_like(prompt),
                               max_new_tokens=frames, num_diffusion_steps=DIFFUSION_STEPS,
                               guidance_scale=GUIDANCE,
                               logits_processor=LogitsProcessorList([Speak()]))
        _sync(device)
        gen_s, cpu_s = time.perf_counter() - t0, time.process_time() - cpu0
    for hook in hooks:
        hook.remove()
    speech_s = audio[0].shape[-1] / 24000
    full_s = gen_s + spent["lm"] * (QWEN25_15B["num_hidden_layers"] / layers - 1)
    params = sum(p.numel() for p in model.parameters())
    del model
    gc.collect()
    return {"params_b": params / 1e9, "layers": layers, "speech_s": speech_s, "gen_s": gen_s,
            "ratio": speech_s / gen_s, "full_ratio": speech_s / full_s, "build_s": build_s,
            "cpu_ratio": speech_s / cpu_s, "full_cpu_ratio": speech_s / (cpu_s * full_s / gen_s),
            "shares": ", ".join(f"{name} {t / gen_s:.0%}" for name, t in spent.items())}


def bench_bark(audio_seconds: float, device) -> dict:
    """Seconds of speech per second of generation for Bark small (its three 80 M GPT-style models
    and the 24 kHz EnCodec, published sizes), speaking ``audio_seconds`` worth of semantic
    tokens as the Bark engine asks for them: the figure VibeVoice's is compared with."""
    import torch
    from transformers import (BarkCoarseConfig, BarkConfig, BarkFineConfig, BarkModel,
                              BarkSemanticConfig, EncodecConfig, GenerationConfig)
    from transformers.models.bark.generation_configuration_bark import (
        BarkCoarseGenerationConfig, BarkFineGenerationConfig, BarkGenerationConfig,
        BarkSemanticGenerationConfig)

    t0 = time.perf_counter()
    torch.manual_seed(0)
    config = BarkConfig(
        semantic_config=BarkSemanticConfig(input_vocab_size=129600,
                                           output_vocab_size=10048).to_dict(),
        coarse_acoustics_config=BarkCoarseConfig(input_vocab_size=12096,
                                                 output_vocab_size=12096).to_dict(),
        fine_acoustics_config=BarkFineConfig(input_vocab_size=1056, output_vocab_size=1056,
                                             n_codes_total=8, n_codes_given=1).to_dict(),
        codec_config=EncodecConfig().to_dict())
    model = BarkModel(config).to(device.torch_device(), device.torch_dtype()).eval()
    # as the released checkpoints carry it: nested plain dicts (what BarkModel.generate reads)
    model.generation_config = GenerationConfig.from_dict(BarkGenerationConfig(
        semantic_config=BarkSemanticGenerationConfig().to_dict(),
        coarse_acoustics_config=BarkCoarseGenerationConfig().to_dict(),
        fine_acoustics_config=BarkFineGenerationConfig().to_dict()).to_dict())
    build_s = time.perf_counter() - t0
    # a 24-token line, padded to the 256 tokens Bark's processor hands over
    text = torch.zeros((1, 256), dtype=torch.long, device=device.torch_device())
    text[0, :24] = torch.randint(1, 10000, (24,))
    mask = (text > 0).long()
    with torch.inference_mode():
        t0, cpu0 = time.perf_counter(), time.process_time()
        audio = model.generate(input_ids=text, attention_mask=mask,
                               do_sample=True, semantic_max_new_tokens=int(audio_seconds * 49.9))
        _sync(device)
        gen_s, cpu_s = time.perf_counter() - t0, time.process_time() - cpu0
    speech_s = audio.shape[-1] / 24000
    params = sum(p.numel() for p in model.parameters())
    del model
    gc.collect()
    return {"params_m": params / 1e6, "speech_s": speech_s, "gen_s": gen_s,
            "ratio": speech_s / gen_s, "cpu_ratio": speech_s / cpu_s, "build_s": build_s}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="musicgen-small,musicgen-medium,stills")
    parser.add_argument("--audio-seconds", type=float, default=2.0)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--steps", type=int, default=1)
    parser.add_argument("--vibevoice-layers", type=int, default=4,
                        help="LM layers of VibeVoice's 28 to build (the rest is extrapolated)")
    parser.add_argument("--threads", type=int, default=1,
                        help="CPU threads for torch (default 1: on a busy shared machine torch's "
                             "spinning threads make two threads many times slower than one)")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(max(1, args.threads))

    from promodesk.engines.models.device import pick_device

    device = pick_device()
    print(f"device: {device.describe()}; torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads, load average {os.getloadavg()[0]:.1f}")
    for name in args.only.split(","):
        if name.startswith("musicgen"):
            r = bench_musicgen(name, args.audio_seconds, device)
            print(f"{name:16s} {r['params_m']:6.0f}M params: {r['audio_s']:.2f} s of audio in "
                  f"{r['gen_s']:.2f} s = {r['ratio']:.3f}x real time (baseline 1.000x); "
                  f"{r['ms_per_step']:.0f} ms per step (built in {r['build_s']:.0f} s)")
        elif name.startswith("load-"):
            r = bench_load(name[len("load-"):], device)
            print(f"load_pretrained {r['name']} ({r['gb']:.1f} GB of safetensors): "
                  f"{r['load_s']:.1f} s to the device; floor: reading its files (just written, so "
                  f"from the page cache, as for the load) "
                  f"{r['read_s']:.1f} s; a second call {r['again_s'] * 1000:.1f} ms (cached)")
        elif name == "acestep":
            r = bench_acestep(args.audio_seconds, max(args.steps, 8), device)
            print(f"acestep-1.5      {r['params_b']:.2f}B params, {r['steps']} steps: "
                  f"{r['audio_s']:.1f} s of music in {r['gen_s']:.1f} s = {r['ratio']:.3f}x "
                  f"real time; {r['step_s']:.2f} s per DiT step, {r['after_steps_s']:.1f} s "
                  f"VAE decode and output (built in {r['build_s']:.0f} s)")
        elif name == "bark":
            r = bench_bark(args.audio_seconds, device)
            print(f"bark-small       {r['params_m']:.0f}M params: {r['speech_s']:.1f} s of speech "
                  f"in {r['gen_s']:.1f} s = {r['ratio']:.3f}x real time (baseline 1.000x); per "
                  f"CPU second {r['cpu_ratio']:.3f}x (built in {r['build_s']:.0f} s)")
        elif name == "vibevoice":
            r = bench_vibevoice(args.audio_seconds, args.vibevoice_layers, device)
            print(f"vibevoice-1.5b   {r['params_b']:.2f}B params ({r['layers']} of 28 LM layers): "
                  f"{r['speech_s']:.1f} s of speech in {r['gen_s']:.1f} s = {r['ratio']:.3f}x "
                  f"real time ({r['shares']}); all 28 layers (extrapolated): "
                  f"{r['full_ratio']:.3f}x real time (baseline 1.000x; built in "
                  f"{r['build_s']:.0f} s). Per CPU second (what a core of its own would give "
                  f"on a busy machine): {r['cpu_ratio']:.3f}x, all 28 layers "
                  f"{r['full_cpu_ratio']:.3f}x")
        elif name == "wan":  # the Wan video engine: bench/bench_wan.py
            from bench.bench_wan import bench_wan

            for line in bench_wan(device):
                print(line)
        elif name == "stills":
            r = bench_stills(args.size, args.steps, device)
            print(f"sd-turbo stills   {r['size']}x{r['size']}, {r['steps']} step(s): "
                  f"{r['still_s']:.2f} s per still; floor: VAE decode alone "
                  f"{r['decode_s']:.2f} s (built in {r['build_s']:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
