"""Product photos in, upright 8-bit RGB or RGBA out, whatever the phone or the designer gave us.

:func:`load_photo` honours the EXIF orientation tag (phones store pictures sideways and say so in
EXIF), converts embedded colour profiles (CMYK print files, Display P3 phone photos) to sRGB, brings
16-bit, palette, greyscale and CMYK images down to 8-bit RGB, and keeps an alpha channel only when
the photo really has transparency (a product cut-out). Files that are damaged, truncated, empty or in
a format Pillow cannot read raise :class:`PhotoError` whose message tells the designer what to do.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from promodesk.engines.base import GenerationError

FORMATS_HINT = "Save it as JPEG, PNG or WebP and add it again."


class PhotoError(GenerationError):
    """A photo that cannot be used; the message says which file and what to do about it."""


def load_photo(path: str | Path) -> Image.Image:
    """Read the photo at ``path`` and return it upright as an 8-bit ``RGB`` or ``RGBA`` image.

    The size in pixels is the photo's own (after EXIF rotation). ``RGBA`` is returned only when some
    pixel is not fully opaque. Raises :class:`PhotoError` for missing, empty, corrupt, truncated,
    too-large or unsupported files."""
    path = Path(path)
    name = path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PhotoError(f"The photo {name} is missing (looked in {path.parent}). "
                         "Add it to the brief again.") from None
    except IsADirectoryError:
        raise PhotoError(f"{name} is a folder, not a photo. Choose an image file.") from None
    except OSError as exc:
        raise PhotoError(f"The photo {name} cannot be read ({exc.strerror or exc}). "
                         "Check that the file is not locked or on a disconnected drive.") from None
    if not data:
        raise PhotoError(f"The photo {name} is empty (0 bytes). {FORMATS_HINT}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            image.load()  # decode now, so a truncated file fails here and not in a shot
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError(f"The photo {name} is too large to use. "
                         "Scale it to at most 8000 pixels on the long side and add it again.") from None
    except UnidentifiedImageError:
        raise PhotoError(f"{name} is not a photo PromoDesk can read (or the file is damaged). "
                         f"{FORMATS_HINT} iPhone HEIC photos: export them as JPEG first.") from None
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise PhotoError(f"The photo {name} is damaged or incomplete ({exc}). "
                         f"Export it again from the original. {FORMATS_HINT}") from None
    try:
        return _upright_8bit(image)
    except (OSError, ValueError) as exc:
        raise PhotoError(f"The photo {name} uses an image layout PromoDesk cannot convert ({exc}). "
                         f"{FORMATS_HINT}") from None


def _upright_8bit(image: Image.Image) -> Image.Image:
    """Rotate by EXIF, convert to sRGB 8-bit, drop an alpha channel that is fully opaque."""
    image = ImageOps.exif_transpose(image)  # also copes with a missing or broken EXIF block
    image = _to_srgb(image)
    if image.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I", "F"):
        image = _deep_grey_to_8bit(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
        image.mode in ("P", "L", "RGB") and "transparency" in image.info)
    if has_alpha:
        image = image.convert("RGBA")
        if image.getchannel("A").getextrema()[0] == 255:
            image = image.convert("RGB")
    else:
        image = image.convert("RGB")
    return image


def _to_srgb(image: Image.Image) -> Image.Image:
    """Apply an embedded ICC profile (CMYK, Display P3, Adobe RGB) so colours look as intended.

    A photo without a profile, or with one LittleCMS cannot parse, is converted the plain way."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA", "CMYK", "L"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        out_mode = "RGBA" if image.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"),
                                              outputMode=out_mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image
    return converted if converted is not None else image


def _deep_grey_to_8bit(image: Image.Image) -> Image.Image:
    """16-bit or 32-bit greyscale -> 8-bit ``L``, scaled by the range the pixels can have."""
    values = np.asarray(image, dtype=np.float64)
    if image.mode == "F":
        top = 1.0 if values.max(initial=0.0) <= 1.0 else values.max()
    elif image.mode.startswith("I;16") or values.max(initial=0) > 255:
        top = 65535.0
    else:
        top = 255.0
    scaled = np.clip(values * (255.0 / top) + 0.5, 0, 255).astype(np.uint8)
    return Image.fromarray(scaled)
