"""What a SoundFont's presets play: for each preset, its regions' key and velocity ranges and
exclusive class, read from the file's preset data (the ``pdta`` chunk of SoundFont 2.04, which
.sf3 files keep as is).

The synth renders each distinct note once and reuses it (synth.py). That is exact only if it
knows which notes TinySoundFont plays with the same samples (the same velocity layer) and which
notes cut each other off (hi-hats: an exclusive class). TinySoundFont does not report either, so
they are read here, the way tsf.h builds its regions: a preset zone's ranges filter and narrow its
instrument's zones; a first zone without an instrument (or sample) holds the zone defaults.
"""

from __future__ import annotations

import functools
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_INSTRUMENT, _KEY_RANGE, _VEL_RANGE, _SAMPLE_ID, _EXCLUSIVE_CLASS = 41, 43, 44, 53, 57


@dataclass(frozen=True)
class Region:
    """One sample layer of a preset: it sounds for MIDI keys ``lokey..hikey`` and velocities
    ``lovel..hivel`` (inclusive, 0-127); a new note of the same nonzero ``group`` (exclusive class)
    cuts it off."""

    lokey: int
    hikey: int
    lovel: int
    hivel: int
    group: int


def _chunks(path: Path) -> dict[str, bytes]:
    """The sub-chunks of the file's ``pdta`` list, by id (phdr, pbag, pgen, inst, ibag, igen...)."""
    out: dict[str, bytes] = {}
    with open(path, "rb") as f:
        riff, total, form = struct.unpack("<4sI4s", f.read(12))
        if riff != b"RIFF" or form != b"sfbk":
            raise ValueError(f"{path.name} is not a SoundFont (no RIFF sfbk header)")
        pos = 12
        while pos + 12 <= total + 8:
            f.seek(pos)
            cid, size, kind = struct.unpack("<4sI4s", f.read(12))
            if cid == b"LIST" and kind == b"pdta":
                body, p = f.read(size - 4), 0
                while p + 8 <= len(body):
                    sid, ssz = struct.unpack("<4sI", body[p:p + 8])
                    out[sid.decode("latin-1")] = body[p + 8:p + 8 + ssz]
                    p += 8 + ssz + (ssz & 1)
                return out
            nxt = pos + 8 + size
            f.seek(nxt)
            # RIFF pads odd-sized chunks to even, but some SoundFont writers (sf3) do not.
            pos = nxt if f.read(4) == b"LIST" else nxt + (size & 1)
    raise ValueError(f"{path.name} has no preset data (pdta chunk)")


def _apply(zone: list[int], op: int, amount: int) -> None:
    if op == _KEY_RANGE:
        zone[0], zone[1] = amount & 0xFF, amount >> 8
    elif op == _VEL_RANGE:
        zone[2], zone[3] = amount & 0xFF, amount >> 8
    elif op == _EXCLUSIVE_CLASS:
        zone[4] = amount


@functools.cache
def preset_regions(path: Path) -> list[tuple[Region, ...]]:
    """The regions of every preset in ``path``, indexed like TinySoundFont's preset indices
    (presets sorted by bank, then preset number, then file order). Raises ValueError for a file
    that is not a SoundFont."""
    c = _chunks(Path(path))
    phdr = [struct.unpack_from("<20sHHH", c["phdr"], i) for i in range(0, len(c["phdr"]), 38)]
    pbag = np.frombuffer(c["pbag"], "<u2")[0::2].tolist()
    ibag = np.frombuffer(c["ibag"], "<u2")[0::2].tolist()
    inst = [struct.unpack_from("<20sH", c["inst"], i)[1] for i in range(0, len(c["inst"]), 22)]
    pgen = np.frombuffer(c["pgen"], "<u2").reshape(-1, 2).tolist()
    igen = np.frombuffer(c["igen"], "<u2").reshape(-1, 2).tolist()
    presets = []
    for p in range(len(phdr) - 1):                   # the last header is the terminal "EOP"
        regions: list[Region] = []
        first_bag, defaults = phdr[p][3], [0, 127, 0, 127, 0]
        for b in range(first_bag, phdr[p + 1][3]):
            zone, had_instrument = list(defaults), False
            for op, amount in pgen[pbag[b]:pbag[b + 1]]:
                if op != _INSTRUMENT:
                    _apply(zone, op, amount)
                    continue
                had_instrument = True
                regions += _instrument_regions(amount, zone, inst, ibag, igen)
            if b == first_bag and not had_instrument:
                defaults = zone
        presets.append((phdr[p][2], phdr[p][1], p, tuple(regions)))
    presets.sort(key=lambda x: x[:3])
    return [x[3] for x in presets]


def _instrument_regions(i: int, preset_zone: list[int], inst, ibag, igen) -> list[Region]:
    lk, hk, lv, hv, _ = preset_zone
    out, defaults = [], [0, 127, 0, 127, 0]
    for b in range(inst[i], inst[i + 1]):
        zone, had_sample = list(defaults), False
        for op, amount in igen[ibag[b]:ibag[b + 1]]:
            if op != _SAMPLE_ID:
                _apply(zone, op, amount)
                continue
            had_sample = True
            if zone[1] < lk or zone[0] > hk or zone[3] < lv or zone[2] > hv:
                continue
            out.append(Region(max(zone[0], lk), min(zone[1], hk), max(zone[2], lv),
                              min(zone[3], hv), zone[4]))
        if b == inst[i] and not had_sample:
            defaults = zone
    return out
