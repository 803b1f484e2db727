"""The playing of each style, as data the arrangement reads: chord progressions, drum grooves, bass
lines, comping figures, the extra layer, and the mix balance.

Patterns are one bar of sixteenth notes, 16 characters each. Drums: ``X`` accent, ``x`` normal,
``o`` soft, ``-`` ghost, ``.`` rest. Bass: ``R`` root, ``F`` fifth, ``T`` third, ``O`` octave, ``A``
approach note to the next bar's root, ``-`` hold the previous note, ``.`` rest. Comping kinds:
``stabs`` (``x`` a chord, ``-`` hold), ``arp`` (a digit picks a tone of the rising arpeggio, ``-``
hold), ``strum`` (``D`` down, ``U`` up strokes). Progressions are four bars of scale degrees; ``2/5``
is two chords in one bar.
"""

from __future__ import annotations

# General MIDI percussion notes the grooves use.
DRUM_NOTES = {"kick": 36, "rim": 37, "snare": 38, "clap": 39, "tom_floor": 41, "hat": 42,
              "tom_low": 45, "pedal": 44, "open": 46, "tom_mid": 47, "tom_high": 50, "crash": 49,
              "ride": 51, "china": 52, "tamb": 54, "shaker": 70, "wood_hi": 76, "wood_lo": 77}

VELOCITY = {"X": 1.0, "x": 0.8, "o": 0.58, "-": 0.36}

PROGRESSIONS = {
    "upbeat_pop": {"verse": ["1 5 6 4", "1 6 4 5"], "chorus": ["4 5 1 6", "6 4 1 5"]},
    "inspiring_corporate": {"verse": ["1 5 6 4", "6 4 1 5"], "chorus": ["4 1 5 6", "1 5 4 4"]},
    "tech_electronic": {"verse": ["1 6 3 7", "1 1 6 7"], "chorus": ["6 7 1 1", "6 3 7 1"]},
    "elegant_lounge": {"verse": ["1 6 2 5", "2/5 1 6 2/5"], "chorus": ["4 3 2 5", "4 3/6 2 5"]},
    "warm_acoustic": {"verse": ["1 4 6 5", "1 5 4 1"], "chorus": ["4 1 5 6", "4 5 1 1"]},
    "festive_chinese": {"verse": ["1 6 2 5", "1 5 6 3"], "chorus": ["4 5 3 6", "6 2 5 1"]},
}
# Chord before the ending (dominant, or the minor key's seventh degree), and whether to add 7ths.
CADENCE = {"tech_electronic": 7}
SEVENTHS = {"elegant_lounge"}

DRUMS = {
    "upbeat_pop": {
        "intro": {"hat": "x.o.x.o.x.o.x.o.", "clap": "....o.......o..."},
        "verse": {"kick": "X.....x.X.....x.", "snare": "....X.......X...",
                  "hat": "x.o.x.o.x.o.x.o."},
        "chorus": {"kick": "X...X...X...X...", "snare": "....X.......X...",
                   "clap": "....x.......x...", "hat": "xoxoxoxoxoxoxox.", "open": "..............o."},
        "lift": {"kick": "X.......X.......", "snare": "o.o.o.o.xxxxXXXX", "hat": "x.o.x.o.x.o.x.o."},
        "break": {"kick": "X...............", "hat": "o...o...o...o..."},
    },
    "inspiring_corporate": {
        "intro": {},
        "verse": {"kick": "X.......X.......", "clap": "....o.......o...",
                  "shaker": "x-o-x-o-x-o-x-o-"},
        "chorus": {"kick": "X.....x.X.......", "snare": "....X.......X...",
                   "clap": "....x.......x...", "hat": "x.o.x.o.x.o.x.o.",
                   "shaker": "x-o-x-o-x-o-x-o-"},
        "lift": {"kick": "X.......X.......", "snare": "o.o.o.o.o.o.xxXX"},
        "break": {"kick": "X...............", "shaker": "x-o-x-o-x-o-x-o-"},
    },
    "tech_electronic": {
        "intro": {"kick": "X...X...X...X...", "hat": "..o...o...o...o."},
        "verse": {"kick": "X...X...X...X...", "clap": "....X.......X...",
                  "open": "..x...x...x...x.", "hat": "o.-.o.-.o.-.o.-."},
        "chorus": {"kick": "X...X...X...X...", "clap": "....X.......X...",
                   "snare": "....x.......x..o", "open": "..X...X...X...X.",
                   "hat": "xo.oxo.oxo.oxo.o"},
        "lift": {"kick": "X...X...X...X...", "snare": "x.x.x.x.xxxxXXXX"},
        "break": {"hat": "..o...o...o...o."},
    },
    "elegant_lounge": {
        "intro": {"ride": "x...x.o.x...x.o.", "pedal": "....x.......x..."},
        "verse": {"ride": "x...x.-.x...x.-.", "pedal": "....x.......x...",
                  "kick": "o...-...o...-...", "snare": "....-.......o..."},
        "chorus": {"ride": "X...x.-.X...x.-.", "pedal": "....x.......x...",
                   "kick": "x...-...x...-...", "snare": "....o.......o..."},
        "lift": {"ride": "x...x.o.x...x.o.", "kick": "x.......x.......",
                 "snare": "o.o.o.o.o.o.x.x."},
        "break": {"ride": "x...x.o.x...x.o."},
    },
    "warm_acoustic": {
        "intro": {},
        "verse": {"kick": "X.......X.x.....", "rim": "....x.......x...",
                  "shaker": "x-o-x-o-x-o-x-o-"},
        "chorus": {"kick": "X.....x.X.x.....", "snare": "....X.......X...",
                   "tamb": "....x.......x...", "shaker": "x-o-x-o-x-o-x-o-"},
        "lift": {"kick": "X.......X.......", "snare": "o...o...o.o.xoxX"},
        "break": {"shaker": "x-o-x-o-x-o-x-o-"},
    },
    "festive_chinese": {
        "intro": {"wood_hi": "x...x...x...x...", "wood_lo": "..o...o...o...o."},
        "verse": {"kick": "X.....x.X.......", "snare": "....x.......x...",
                  "wood_hi": "x.o.x.o.x.o.x.o.", "tom_floor": "..........o.o..."},
        "chorus": {"kick": "X.....x.X.x.....", "snare": "....X.......X...",
                   "china": "....x.......x...", "wood_hi": "x.o.x.o.x.o.x.o.",
                   "tamb": "..o...o...o...o."},
        "lift": {"kick": "X.......X.......", "tom_floor": "o.o.o.o.xoxoXxXx"},
        "break": {"wood_hi": "x...x...x...x...", "wood_lo": "..o...o...o...o."},
    },
}

# Fills for the last two beats of a section: (step, drum, velocity mark).
FILLS = {
    "toms": [(8, "snare", "x"), (10, "snare", "o"), (12, "tom_high", "x"), (13, "tom_mid", "x"),
             (14, "tom_low", "X"), (15, "tom_floor", "X")],
    "snare": [(8, "kick", "x"), (12, "snare", "o"), (13, "snare", "x"), (14, "snare", "x"),
              (15, "snare", "X")],
    "roll": [(8, "snare", "o"), (9, "snare", "o"), (10, "snare", "x"), (11, "snare", "x"),
             (12, "snare", "x"), (13, "snare", "X"), (14, "snare", "X"), (15, "snare", "X")],
    "brush": [(12, "snare", "o"), (14, "snare", "o"), (15, "snare", "x")],
    "tanggu": [(8, "tom_high", "x"), (10, "tom_high", "x"), (12, "tom_mid", "x"),
               (13, "tom_mid", "x"), (14, "tom_floor", "X"), (15, "tom_floor", "X")],
}
FILL_CHOICES = {"upbeat_pop": ("toms", "snare"), "inspiring_corporate": ("toms", "snare"),
                "tech_electronic": ("roll", "snare"), "elegant_lounge": ("brush",),
                "warm_acoustic": ("snare", "toms"), "festive_chinese": ("tanggu", "toms")}
CRASH = {"festive_chinese": ("crash", "china")}

BASS = {
    "upbeat_pop": {"intro": "", "verse": "R--.R--.R--.R-F-", "chorus": "R-R-R-R-R-R-O-F-",
                   "lift": "R-R-R-R-R-R-R-R-", "break": ""},
    "inspiring_corporate": {"intro": "", "verse": "R-------R-----F-",
                            "chorus": "R-R-R-R-R-R-R-R-", "lift": "R-R-R-R-R-R-R-R-",
                            "break": "R---------------"},
    "tech_electronic": {"intro": "", "verse": "..R-..R-..R-..R-", "chorus": "..RO..RO..RO..RO",
                        "lift": "R.R.R.R.R.R.R.R.", "break": ""},
    "elegant_lounge": {"intro": "R-------F-------", "verse": "R---T---F---A---",
                       "chorus": "R---T---F---A---", "lift": "R---F---R---A---", "break": ""},
    "warm_acoustic": {"intro": "", "verse": "R-------F-----R-", "chorus": "R-----R.F---F-A-",
                      "lift": "R---R---R---R---", "break": "R---------------"},
    "festive_chinese": {"intro": "", "verse": "R---R.F-R---F---", "chorus": "R-.RR-F-R-.RF-O-",
                        "lift": "R-R-R-R-R-R-R-R-", "break": ""},
}

# (kind, pattern per section) for the main accompaniment ("keys" role).
KEYS = {
    "upbeat_pop": ("stabs", {"intro": "x-------x-------", "verse": "x-.x-.x-.x-.x-..",
                             "chorus": "x-.x-.x-x-.x-.x-", "lift": "x.x.x.x.x.x.x.x.",
                             "break": "x---------------"}),
    "inspiring_corporate": ("arp", {"intro": "0-1-2-3-4-3-2-1-", "verse": "0-1-2-3-4-3-2-1-",
                                    "chorus": "0-2-1-3-2-4-3-1-", "lift": "0-1-2-3-4-3-2-1-",
                                    "break": "0---2---4---2---"}),
    "tech_electronic": ("arp", {"intro": "0-1-2-0-1-2-0-1-", "verse": "0-1-2-0-1-2-0-1-",
                                "chorus": "0123012301230123", "lift": "0123012301230123",
                                "break": "0-1-2-0-1-2-0-1-"}),
    "elegant_lounge": ("stabs", {"intro": "x---------------", "verse": "x-----x-----....",
                                 "chorus": "x-----x.....x-..", "lift": "x---x---x---x---",
                                 "break": "x-------x-------"}),
    "warm_acoustic": ("strum", {"intro": "D-------D---D-U-", "verse": "D-------D---D-U-",
                                "chorus": "D---D-U---U-D-U-", "lift": "D-D-D-D-D-D-D-U-",
                                "break": "D---------------"}),
    "festive_chinese": ("arp", {"intro": "0-1-2-3-4-3-2-1-", "verse": "0-1-2-3-4-3-2-1-",
                                "chorus": "0123432101234321", "lift": "0123432101234321",
                                "break": "0---2---4---2---"}),
}

# The extra layer in choruses: (kind, pattern or interval).
EXTRA = {
    "upbeat_pop": ("power", "x-x-x-x-x-x-x-x-"),
    "inspiring_corporate": ("arp", "0-2-1-3-0-2-1-3-"),
    "tech_electronic": ("double", 12),
    "elegant_lounge": ("stabs", "....x-......x-.."),
    "warm_acoustic": ("arp", "0-2-1-3-2-1-3-2-"),
    "festive_chinese": ("double", -12),
}

# Where the lead sings (MIDI note at the centre of its range) and shuffled eighths.
LEAD_CENTRE = {"upbeat_pop": 81, "inspiring_corporate": 81, "tech_electronic": 72,
               "elegant_lounge": 74, "warm_acoustic": 74, "festive_chinese": 79}
SWING = {"elegant_lounge": 1 / 10}

# One-bar rhythms a motif is built on: (step, length in sixteenths).
RHYTHMS = [
    [(0, 4), (4, 2), (6, 2), (8, 6)],
    [(0, 3), (3, 3), (6, 2), (8, 4), (12, 4)],
    [(2, 2), (4, 2), (6, 4), (10, 6)],
    [(0, 2), (2, 2), (4, 4), (8, 2), (10, 2), (12, 4)],
    [(0, 6), (6, 2), (8, 8)],
    [(0, 2), (2, 4), (6, 2), (8, 2), (10, 6)],
    [(4, 2), (6, 2), (8, 3), (11, 5)],
    [(0, 3), (3, 1), (4, 4), (10, 2), (12, 4)],
]

# Mix: role -> (level in dB relative to the drums, pan -1..1, reverb send 0..1). Levels are of
# the stems' measured loudness, so a louder preset in the SoundFont does not upset the balance.
MIX = {"drums": (0.0, 0.0, 0.10), "bass": (-1.5, 0.0, 0.0), "keys": (-4.0, -0.25, 0.25),
       "pad": (-9.0, 0.0, 0.35), "lead": (-3.5, 0.15, 0.30), "extra": (-9.0, 0.4, 0.25)}
MIX_STYLE = {
    "inspiring_corporate": {"keys": (-2.5, -0.2, 0.3)},
    "tech_electronic": {"pad": (-8.0, 0.0, 0.3), "lead": (-5.0, 0.1, 0.3)},
    "elegant_lounge": {"drums": (-3.0, 0.0, 0.15), "keys": (-2.0, -0.2, 0.25)},
    "warm_acoustic": {"drums": (-4.0, 0.0, 0.1), "keys": (-1.0, -0.2, 0.2)},
    "festive_chinese": {"lead": (-2.5, 0.1, 0.3), "keys": (-3.5, -0.3, 0.25)},
}
# Reverb room size per style (pedalboard's 0..1).
ROOM = {"upbeat_pop": 0.45, "inspiring_corporate": 0.6, "tech_electronic": 0.55,
        "elegant_lounge": 0.5, "warm_acoustic": 0.4, "festive_chinese": 0.55}
