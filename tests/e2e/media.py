"""Reading MP4s back with a real decoder (the ffmpeg binary imageio-ffmpeg ships) for tests."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
from imageio_ffmpeg import get_ffmpeg_exe


@dataclass
class MediaInfo:
    width: int
    height: int
    fps: Fraction
    frames: int
    has_audio: bool
    audio_rate: int
    has_subtitles: bool
    video_codec: str
    pix_fmt: str


def probe(path: Path) -> MediaInfo:
    """Stream facts of a media file, and its frame count from a full decode."""
    path = Path(path)
    assert path.is_file(), f"{path} was not written"
    head = subprocess.run([get_ffmpeg_exe(), "-hide_banner", "-i", str(path)],
                          capture_output=True, text=True).stderr
    video = re.search(r"Stream #\S+.*?Video: (\w+).*?, (\w+)(?:\(.*?\))?, (\d+)x(\d+).*?, "
                      r"([\d.]+) fps", head)
    assert video, head
    audio = re.search(r"Stream #\S+.*?Audio: \w+.*?, (\d+) Hz", head)
    counted = subprocess.run([get_ffmpeg_exe(), "-hide_banner", "-i", str(path), "-map", "0:v:0",
                              "-f", "null", "-"], capture_output=True, text=True).stderr
    frames = int(re.findall(r"frame=\s*(\d+)", counted)[-1])
    return MediaInfo(width=int(video.group(3)), height=int(video.group(4)),
                     fps=Fraction(video.group(5)).limit_denominator(1001), frames=frames,
                     has_audio=bool(audio), audio_rate=int(audio.group(1)) if audio else 0,
                     has_subtitles=bool(re.search(r"Stream #\S+.*?Subtitle:", head)),
                     video_codec=video.group(1), pix_fmt=video.group(2))


def decode_audio(path: Path, sr: int = 48000) -> tuple[np.ndarray, int]:
    """The file's audio as float32 (n, 2) at ``sr``."""
    raw = subprocess.run([get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-map", "0:a:0",
                          "-f", "f32le", "-ac", "2", "-ar", str(sr), "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.float32).reshape(-1, 2), sr


def decode_frame(path: Path, time_s: float, size: tuple[int, int]) -> np.ndarray:
    """The RGB frame (h, w, 3) uint8 shown at ``time_s``."""
    w, h = size
    raw = subprocess.run([get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-ss", f"{time_s:.6f}",
                          "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(h, w, 3)
