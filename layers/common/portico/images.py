"""Recognising the images Portico accepts (a business's logo): PNG and JPEG only, checked by
their bytes rather than by what the uploader says they are.

Pillow (installed with fpdf2) is imported on first use: it costs import time that only the
routes that inspect an image should pay.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from typing import Final

_PNG_MAGIC: Final = b"\x89PNG\r\n\x1a\n"
_JPEG_MAGIC: Final = b"\xff\xd8\xff"
_PILLOW_FORMATS: Final = {"image/png": "PNG", "image/jpeg": "JPEG"}

# A logo needs nothing like this; the bound keeps a small, highly compressed file from
# decoding into hundreds of megabytes each time a PDF draws it.
MAX_SIDE: Final = 4096
MAX_PIXELS: Final = 8_000_000


class InvalidImageError(ValueError):
    """The bytes are not a PNG or JPEG that can be decoded, or the image is too large."""


@dataclass(frozen=True)
class ImageFacts:
    content_type: str  # "image/png" or "image/jpeg", from the bytes themselves
    width: int
    height: int


def sniff(data: bytes) -> str | None:
    """The media type the bytes' signature announces ("image/png", "image/jpeg"), or None."""
    if data.startswith(_PNG_MAGIC):
        return "image/png"
    if data.startswith(_JPEG_MAGIC):
        return "image/jpeg"
    return None


def fingerprint(data: bytes) -> str:
    """A short, stable hash of the bytes: the version in a logo's address and its ETag."""
    return hashlib.sha256(data).hexdigest()[:16]


def inspect(data: bytes) -> ImageFacts:
    """What the image is and how large, after decoding it completely; raises
    `InvalidImageError` for anything but a sound PNG or JPEG within the size bounds."""
    content_type = sniff(data)
    if content_type is None:
        raise InvalidImageError("The file is not a PNG or JPEG image.")
    from PIL import Image

    only = [_PILLOW_FORMATS[content_type]]
    try:
        with Image.open(io.BytesIO(data), formats=only) as image:
            width, height = image.size
            if max(width, height) > MAX_SIDE or width * height > MAX_PIXELS:
                raise InvalidImageError(
                    f"The image is {width} x {height} pixels; a logo may be at most "
                    f"{MAX_SIDE} pixels on a side and {MAX_PIXELS // 1_000_000} megapixels."
                )
            image.verify()  # checksums and structure, without decoding the pixels
        with Image.open(io.BytesIO(data), formats=only) as image:
            image.load()  # every pixel: a truncated or corrupt file fails here, not in a PDF
    except InvalidImageError:
        raise
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError) as error:
        # Pillow's ways of saying "cannot read this" (UnidentifiedImageError is an OSError).
        raise InvalidImageError("The image cannot be read; it may be damaged.") from error
    return ImageFacts(content_type=content_type, width=width, height=height)
