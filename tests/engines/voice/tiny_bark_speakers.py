"""Preset speakers for a tiny Bark (tests.engines.tiny_models.tiny_bark), laid out as the released
checkpoints carry them: ``speaker_embeddings_path.json`` naming three .npy prompts per preset
(semantic tokens, 2 coarse and 8 fine codebooks), random but in the tiny model's token ranges."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np


def add_bark_speakers(folder: Path, presets: list[str], seed: int = 0) -> Path:
    """Write ``presets`` (e.g. ``["v2/zh_speaker_3"]``) into the Bark model ``folder``; returns
    the folder."""
    rng = np.random.default_rng(seed)
    folder = Path(folder)
    listed: dict = {"repo_or_path": str(folder)}
    for preset in presets:
        prompts = {"semantic_prompt": rng.integers(0, 10000, 40),
                   "coarse_prompt": rng.integers(0, 1024, (2, 60)),
                   "fine_prompt": rng.integers(0, 1024, (8, 60))}
        paths = {}
        for key, array in prompts.items():
            relative = f"speaker_embeddings/{preset}_{key}.npy"
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            np.save(folder / relative, array.astype(np.int64), allow_pickle=False)
            paths[key] = relative
        listed[preset] = paths
    (folder / "speaker_embeddings_path.json").write_text(json.dumps(listed), "utf-8")
    return folder
