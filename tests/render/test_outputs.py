"""The one naming rule for exports (render, make and the editor's export dialog)."""

from __future__ import annotations

from pathlib import Path

from promodesk.render.outputs import output_paths


def test_one_aspect_is_the_output_itself():
    assert output_paths(Path("/x/ad.mp4"), ["9:16"]) == {(0, "9:16"): Path("/x/ad.mp4")}
    assert output_paths(Path("/x/ad.mp4"), []) == {(0, None): Path("/x/ad.mp4")}
    assert output_paths(Path("/x/ad"), ["1:1"]) == {(0, "1:1"): Path("/x/ad.mp4")}


def test_several_aspects_and_variants_get_their_own_names():
    assert output_paths(Path("/x/ad.mp4"), ["9:16", "16:9"]) == {
        (0, "9:16"): Path("/x/ad-9x16.mp4"), (0, "16:9"): Path("/x/ad-16x9.mp4")}
    paths = output_paths(Path("/x/ad.mp4"), ["9:16", "1:1"], variants=2)
    assert paths[(1, "1:1")] == Path("/x/ad-v2-1x1.mp4")
    assert output_paths(Path("/x/ad.mp4"), ["9:16"], variants=2)[(1, "9:16")] == Path("/x/ad-v2.mp4")
    assert len(set(paths.values())) == 4
