"""A tiny random VibeVoice saved as the released checkpoint is laid out (safetensors weights,
config, generation config with its diffusers noise scheduler, a Qwen2 tokenizer and the chat
template), built offline, so the engine's real loading and generation code runs on it."""

from __future__ import annotations

from pathlib import Path

from tests.engines.tiny_models import _one_thread

# VibeVoice-1.5B-hf's chat template: a system line, an optional voice prompt per speaker, the
# text per speaker, then "Speech output:" and the audio start token.
CHAT_TEMPLATE = """\
{%- set system_prompt = system_prompt | default(" Transform the text provided by various speakers \
into speech output, utilizing the distinct voice of each respective speaker.\\n") -%}
{{ system_prompt -}}
{%- set audio_bos_token = audio_bos_token | default("<|vision_start|>") %}
{%- set audio_eos_token = audio_eos_token | default("<|vision_end|>") %}
{%- set audio_diffusion_token = audio_diffusion_token | default("<|vision_pad|>") %}
{%- set ns = namespace(speakers_with_audio="") %}
{%- for message in messages %}
    {%- set role = message['role'] %}
    {%- set has_audio = message['content'] | selectattr('type', 'equalto', 'audio') | list | length > 0 %}
    {%- if has_audio and role not in ns.speakers_with_audio %}
        {%- set ns.speakers_with_audio = ns.speakers_with_audio + role + "," %}
    {%- endif %}
{%- endfor %}
{%- if ns.speakers_with_audio %}
{{ " Voice input:\\n" }}
{%- for speaker in ns.speakers_with_audio.rstrip(',').split(',') %}
{%- if speaker %}
 Speaker {{ speaker }}:{{ audio_bos_token }}{{ audio_diffusion_token }}{{ audio_eos_token }}{{ "\\n" }}
{%- endif %}
{%- endfor %}
{%- endif %}
 Text input:{{ "\\n" }}
{%- for message in messages %}
    {%- for item in message['content'] | selectattr('type', 'equalto', 'text') | list %}
 Speaker {{ message['role'] }}: {{ item['text'] }}{{ "\\n" }}
    {%- endfor %}
{%- endfor %}
 Speech output:{{ "\\n" }}{{ audio_bos_token }}"""


def tiny_qwen2_tokenizer():
    """A byte-level Qwen2 tokenizer with no merges (every UTF-8 byte one token, so Chinese and
    English both encode) and VibeVoice's special tokens, built in memory. The audio token gets the
    lowest id of the tokens VibeVoice may emit (see :func:`tiny_vibevoice`)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import Qwen2TokenizerFast

    alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
    tok = Tokenizer(models.BPE(vocab={ch: i for i, ch in enumerate(alphabet)}, merges=[]))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens(["<|vision_pad|>", "<|vision_start|>", "<|vision_end|>",
                            "<|endoftext|>"])
    return Qwen2TokenizerFast(tokenizer_object=tok, unk_token=None, bos_token=None,
                              eos_token="<|endoftext|>", pad_token="<|endoftext|>")


def tiny_vibevoice(folder: Path, seed: int = 0) -> Path:
    """Save a tiny random VibeVoice (a one-layer Qwen2 of width 32, a one-layer diffusion head,
    acoustic and semantic tokenizers with VibeVoice's real 3200x down/upsampling at 24 kHz but 4
    base filters) to ``folder`` and return it.

    Two changes make the random model speak: the language model's final norm is zero, so every
    allowed token scores the same and greedy choice takes the lowest id, the audio token (the tiny
    model speaks until the engine's frame budget, where the real one ends the line itself); and
    the acoustic decoder's convolutions get unit-gain weights, so its output is audible."""
    import torch
    from transformers import (GenerationConfig, VibeVoiceAcousticTokenizerFeatureExtractor,
                              VibeVoiceConfig, VibeVoiceForConditionalGeneration,
                              VibeVoiceProcessor)

    _one_thread()
    torch.manual_seed(seed)
    folder = Path(folder)
    tokenizer = tiny_qwen2_tokenizer()
    pad, start, end, audio = tokenizer.convert_tokens_to_ids(
        ["<|endoftext|>", "<|vision_start|>", "<|vision_end|>", "<|vision_pad|>"])
    small = dict(hidden_size=8, num_filters=4, kernel_size=3, depths=[1] * 7)
    config = VibeVoiceConfig(
        text_config=dict(model_type="qwen2", vocab_size=len(tokenizer), hidden_size=32,
                         intermediate_size=64, num_hidden_layers=1, num_attention_heads=2,
                         num_key_value_heads=1, max_position_embeddings=4096,
                         tie_word_embeddings=True),
        audio_config=dict(model_type="vibevoice_acoustic_tokenizer", **small),
        semantic_model_config=dict(model_type="vibevoice_acoustic_tokenizer_encoder", **small),
        diffusion_head_config=dict(num_hidden_layers=1, intermediate_size=64,
                                   frequency_embedding_size=16),
        pad_token_id=pad, eos_token_id=pad, audio_bos_token_id=start, audio_eos_token_id=end,
        audio_token_id=audio)
    model = VibeVoiceForConditionalGeneration(config).eval()
    with torch.no_grad():
        model.model.language_model.norm.weight.zero_()
        for conv in model.model.audio_tower.decoder.modules():
            if isinstance(conv, (torch.nn.Conv1d, torch.nn.ConvTranspose1d)):
                fan_in = conv.weight.shape[1 if isinstance(conv, torch.nn.Conv1d) else 0]
                conv.weight.normal_(0.0, (fan_in * conv.weight.shape[-1]) ** -0.5)
    model.generation_config = GenerationConfig(
        pad_token_id=pad, eos_token_id=pad, max_new_tokens=64, num_diffusion_steps=4,
        guidance_scale=1.3, noise_scheduler_class="DPMSolverMultistepScheduler",
        noise_scheduler_config={"beta_schedule": "squaredcos_cap_v2",
                                "prediction_type": "v_prediction"})
    model.save_pretrained(folder)
    VibeVoiceProcessor(feature_extractor=VibeVoiceAcousticTokenizerFeatureExtractor(),
                       tokenizer=tokenizer, chat_template=CHAT_TEMPLATE).save_pretrained(folder)
    return folder
