"""From copy text to a music spec: mood and energy read from the words, a style, a tempo that fits.

``spec_from_text(text, seconds, style=None, bpm=None, seed=0) -> MusicSpec`` is what the planner and
the ``promodesk music`` command call. The spec is plain data (``to_dict``/``from_dict`` round-trip
through JSON) because it is stored as the params of a music clip's Recipe; the composer turns it
into notes and audio. Every length here is in bars or seconds; the composer converts to samples.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field

import numpy as np

from promodesk.core.timeline import SAMPLE_RATE

MIN_SECONDS = 2.0
MAX_SECONDS = 600.0
MIN_BPM, MAX_BPM = 40.0, 240.0


class MusicSpecError(ValueError):
    """A request the composer cannot honour; the message says what to change."""


@dataclass(frozen=True)
class Style:
    """A style preset: tempo range, key choices, mode and the instrument for each role.

    ``instruments`` maps role -> General MIDI program (0-127); for ``drums`` it is the GM drum kit
    number (0 standard, 8 room, 24 electronic, 25 TR-808, 40 brush)."""

    name: str
    title: str
    bpm_range: tuple[float, float]
    keys: tuple[str, ...]
    mode: str
    instruments: dict


STYLES: dict[str, Style] = {s.name: s for s in (
    Style("upbeat_pop", "Upbeat pop", (114, 128), ("C", "D", "F", "G", "A"), "major",
          {"drums": 0, "bass": 38, "keys": 0, "pad": 89, "lead": 9, "extra": 28}),
    Style("inspiring_corporate", "Inspiring corporate", (100, 116), ("C", "D", "E", "G", "A"),
          "major", {"drums": 8, "bass": 33, "keys": 0, "pad": 48, "lead": 8, "extra": 45}),
    Style("tech_electronic", "Tech electronic", (120, 128), ("A", "C", "D", "E", "F"), "minor",
          {"drums": 24, "bass": 38, "keys": 90, "pad": 89, "lead": 81, "extra": 98}),
    Style("elegant_lounge", "Elegant lounge", (88, 100), ("C", "F", "G", "D", "E"), "major",
          {"drums": 40, "bass": 32, "keys": 4, "pad": 49, "lead": 11, "extra": 26}),
    Style("warm_acoustic", "Warm acoustic", (92, 106), ("C", "D", "E", "G", "A"), "major",
          {"drums": 8, "bass": 32, "keys": 25, "pad": 49, "lead": 0, "extra": 24}),
    Style("festive_chinese", "Festive Chinese", (112, 128), ("C", "D", "F", "G", "A"),
          "pentatonic", {"drums": 0, "bass": 33, "keys": 107, "pad": 48, "lead": 73,
                         "extra": 106}),
)}

# Words a user (or a brief's ``style`` field) may type for a style.
ALIASES = {
    "pop": "upbeat_pop", "upbeat": "upbeat_pop", "energetic": "upbeat_pop", "happy": "upbeat_pop",
    "fun": "upbeat_pop", "活力": "upbeat_pop", "欢快": "upbeat_pop", "流行": "upbeat_pop",
    "corporate": "inspiring_corporate", "inspiring": "inspiring_corporate",
    "business": "inspiring_corporate", "uplifting": "inspiring_corporate",
    "励志": "inspiring_corporate", "企业": "inspiring_corporate", "商务": "inspiring_corporate",
    "tech": "tech_electronic", "electronic": "tech_electronic", "edm": "tech_electronic",
    "future": "tech_electronic", "科技": "tech_electronic", "电子": "tech_electronic",
    "elegant": "elegant_lounge", "lounge": "elegant_lounge", "luxury": "elegant_lounge",
    "premium": "elegant_lounge", "jazz": "elegant_lounge", "优雅": "elegant_lounge",
    "奢华": "elegant_lounge", "高端": "elegant_lounge",
    "warm": "warm_acoustic", "acoustic": "warm_acoustic", "cozy": "warm_acoustic",
    "calm": "warm_acoustic", "folk": "warm_acoustic", "温暖": "warm_acoustic",
    "温馨": "warm_acoustic", "治愈": "warm_acoustic",
    "chinese": "festive_chinese", "festive": "festive_chinese", "guofeng": "festive_chinese",
    "new year": "festive_chinese", "国风": "festive_chinese", "喜庆": "festive_chinese",
    "中国风": "festive_chinese", "新年": "festive_chinese",
}

# Mood words read from the copy: style votes, and energy (+ livelier, - calmer).
MOOD_WORDS = {
    "upbeat_pop": ("活力", "青春", "夏日", "快乐", "潮流", "时尚", "缤纷", "fun", "happy",
                   "summer", "fresh", "fashion", "party", "cool", "vibe", "play"),
    "inspiring_corporate": ("梦想", "未来", "成长", "品牌", "企业", "创新", "专业", "信赖", "团队",
                            "inspire", "dream", "grow", "team", "business", "trust",
                            "innovation", "solution", "professional", "build", "first"),
    "tech_electronic": ("科技", "智能", "数码", "芯片", "黑科技", "性能", "电竞", "ai", "5g", "tech",
                        "smart", "digital", "chip", "app", "gadget", "wireless", "future",
                        "engine", "rocket", "launch"),
    "elegant_lounge": ("奢华", "高端", "典雅", "优雅", "精致", "尊享", "质感", "轻奢", "premium",
                       "luxury", "elegant", "exclusive", "refined", "classic", "signature"),
    "warm_acoustic": ("温润", "舒适", "温暖", "温馨", "柔软", "自然", "手工", "治愈", "清晨", "咖啡",
                      "calm", "cozy", "warm", "soft", "natural", "handmade", "home", "comfort",
                      "gentle", "organic", "coffee", "morning"),
    "festive_chinese": ("新年", "春节", "年货", "中秋", "国潮", "福", "红包", "团圆", "喜庆", "过年",
                        "元宵", "端午", "festival", "lunar", "spring festival"),
}
ENERGY_UP = ("限时", "抢购", "双十一", "双11", "秒杀", "爆款", "狂欢", "促销", "特惠", "特价", "优惠",
             "上新", "新品", "发布", "立即", "sale", "launch", "deal", "flash", "limited", "hot",
             "now", "offer", "save", "discount", "fast", "power", "!", "！")
ENERGY_DOWN = ("温润", "舒适", "慢", "静", "柔", "calm", "cozy", "relax", "gentle", "soft", "slow",
               "quiet")

NOTE_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")


@dataclass
class MusicSpec:
    """Everything the composer needs; JSON-safe through ``to_dict``/``from_dict``.

    ``bpm`` is beats per minute; ``bars`` whole bars of ``beats_per_bar`` beats, the last one being
    the ending chord and its tail, which may run a little past a whole bar so that the piece lasts
    exactly ``seconds``. ``sections`` are {name, start_bar, bars}. ``patches`` are bar ranges
    regenerated with their own seed ({start_bar, bars, seed}), applied in order."""

    style: str
    bpm: float
    key: str
    mode: str
    beats_per_bar: int
    beat_unit: int
    bars: int
    sections: list
    instruments: dict
    seconds: float
    requested_seconds: float
    seed: int
    mood: str = "neutral"
    energy: float = 0.5
    patches: list = field(default_factory=list)

    def to_dict(self) -> dict:
        """A JSON-safe dict of every field."""
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "MusicSpec":
        """The spec a ``to_dict`` made (unknown keys are ignored, so newer files still load)."""
        names = cls.__dataclass_fields__.keys()
        spec = cls(**{k: v for k, v in d.items() if k in names})
        spec.instruments = {str(k): int(v) for k, v in spec.instruments.items()}
        spec.sections = [dict(s) for s in spec.sections]
        spec.patches = [dict(p) for p in spec.patches]
        return spec

    @property
    def seconds_per_beat(self) -> float:
        return 60.0 / self.bpm

    @property
    def seconds_per_bar(self) -> float:
        return self.beats_per_bar * 60.0 / self.bpm

    @property
    def n_samples(self) -> int:
        """Length of the rendered audio in samples at 48 kHz."""
        return int(round(self.seconds * SAMPLE_RATE))


def resolve_style(name: str | None) -> str | None:
    """The canonical style name for ``name`` (a style, its title, or an alias); None for auto.

    Raises MusicSpecError, listing the styles, for a name that matches nothing."""
    if name is None:
        return None
    key = re.sub(r"[\s\-]+", "_", name.strip().lower())
    if key in ("", "auto", "default"):
        return None
    if key in STYLES:
        return key
    spaced = key.replace("_", " ")
    for style in STYLES.values():
        if spaced == style.title.lower():
            return style.name
    if spaced in ALIASES:
        return ALIASES[spaced]
    raise MusicSpecError(f"Unknown music style {name!r}. Choose one of: "
                         f"{', '.join(STYLES)} (or auto to pick one from the copy).")


def read_mood(text: str) -> tuple[str | None, float, dict]:
    """(style the words vote for or None, energy 0..1, votes per style) read from ``text``."""
    low = (text or "").lower()

    def count(word: str) -> int:
        if word.isascii() and word.isalnum():
            return len(re.findall(rf"\b{re.escape(word)}\b", low))
        return low.count(word)

    votes = {name: sum(count(w) for w in words) for name, words in MOOD_WORDS.items()}
    up = sum(count(w) for w in ENERGY_UP)
    down = sum(count(w) for w in ENERGY_DOWN)
    energy = float(np.clip(0.5 + 0.12 * up - 0.12 * down, 0.15, 0.95))
    best = max(votes, key=lambda k: votes[k])
    if votes[best] == 0:
        return None, energy, votes
    return best, energy, votes


def layout_sections(bars: int) -> list[dict]:
    """Sections covering ``bars``: intro, verses and choruses of four bars (a break before the last
    chorus in long pieces, a short lift for leftover bars), and a one-bar ending."""
    if bars < 1:
        raise MusicSpecError("A piece needs at least one bar.")
    if bars == 1:
        return [{"name": "ending", "start_bar": 0, "bars": 1}]
    intro = 0 if bars <= 3 else 1 if bars <= 9 else 2 if bars <= 24 else 4
    body = bars - 1 - intro
    phrases, spare = divmod(body, 4)
    lengths = [4] * phrases if phrases else [spare]
    if phrases and spare:
        lengths.insert(len(lengths) - 1, spare)     # a short lift before the last chorus
    names = ["verse" if i % 2 == 0 else "chorus" for i in range(len(lengths))]
    if phrases and spare:
        names[-2] = "lift"
    if len(lengths) >= 5:
        names[-2 - (1 if spare else 0)] = "break"
    names[-1] = "chorus"
    sections, at = [], 0
    if intro:
        sections.append({"name": "intro", "start_bar": 0, "bars": intro})
        at = intro
    for name, n in zip(names, lengths):
        sections.append({"name": name, "start_bar": at, "bars": n})
        at += n
    sections.append({"name": "ending", "start_bar": at, "bars": 1})
    return sections


def spec_from_text(text: str, seconds: float, style: str | None = None, bpm: float | None = None,
                   seed: int = 0) -> MusicSpec:
    """A MusicSpec for copy ``text`` lasting ``seconds``.

    The style is ``style`` (a name or alias; None or "auto" reads it from the words; empty text
    gives inspiring corporate, or upbeat pop when the words are energetic). Without ``bpm`` the
    tempo is chosen inside the style's range so that the piece is a whole number of bars; with
    ``bpm`` the tempo is kept and the ending's tail absorbs the remainder. Either way the audio
    lasts ``seconds`` exactly (to the sample). Raises MusicSpecError for unusable lengths, tempos
    or style names."""
    try:
        seconds = float(seconds)
    except (TypeError, ValueError):
        raise MusicSpecError(f"Length {seconds!r} is not a number of seconds.") from None
    if not math.isfinite(seconds) or seconds < MIN_SECONDS:
        raise MusicSpecError(f"Music must last at least {MIN_SECONDS:g} seconds "
                             f"(asked for {seconds:g}).")
    if seconds > MAX_SECONDS:
        raise MusicSpecError(f"Music is limited to {MAX_SECONDS / 60:g} minutes per piece "
                             f"(asked for {seconds:g} s); make several pieces and join them.")
    chosen = resolve_style(style)
    voted, energy, _ = read_mood(text or "")
    if chosen is None:
        chosen = voted or ("upbeat_pop" if energy >= 0.7 else "inspiring_corporate")
    preset = STYLES[chosen]
    lo, hi = preset.bpm_range
    rng = np.random.default_rng([int(seed) & 0xFFFFFFFF, 7])
    beats_per_bar = 4
    if bpm is not None:
        bpm = float(bpm)
        if not math.isfinite(bpm) or not MIN_BPM <= bpm <= MAX_BPM:
            raise MusicSpecError(f"Tempo must be between {MIN_BPM:g} and {MAX_BPM:g} BPM "
                                 f"(asked for {bpm:g}).")
        bar = beats_per_bar * 60.0 / bpm
        # The ending bar keeps at least one beat of tail; it may run up to a bar and a beat.
        bars = max(1, int((seconds - 60.0 / bpm) // bar) + 1)
    else:
        target = lo + (hi - lo) * float(np.clip(energy + rng.uniform(-0.1, 0.1), 0, 1))
        exact = seconds * target / (60.0 * beats_per_bar)
        options = [b for b in (math.floor(exact), math.ceil(exact)) if b >= 1]
        bars = min(options, key=lambda b: abs(b * 240.0 / seconds - target))
        bpm = bars * beats_per_bar * 60.0 / seconds
        if not MIN_BPM <= bpm <= MAX_BPM:
            raise MusicSpecError(f"No usable tempo fits {seconds:g} s; try another length.")
    mood = {"upbeat_pop": "upbeat", "inspiring_corporate": "inspiring", "tech_electronic": "tech",
            "elegant_lounge": "elegant", "warm_acoustic": "warm",
            "festive_chinese": "festive"}[chosen]
    return MusicSpec(style=chosen, bpm=float(bpm), key=str(rng.choice(preset.keys)),
                     mode=preset.mode, beats_per_bar=beats_per_bar, beat_unit=4, bars=bars,
                     sections=layout_sections(bars), instruments=dict(preset.instruments),
                     seconds=seconds, requested_seconds=seconds, seed=int(seed), mood=mood,
                     energy=round(energy, 3))
