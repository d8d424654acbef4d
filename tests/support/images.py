"""Small real images made with Pillow, for the logo tests."""

from __future__ import annotations

import base64
import io
import os
from typing import Any

from PIL import Image


def image_bytes(
    fmt: str = "PNG", size: tuple[int, int] = (120, 40), color: str = "#0b6bcb", **save: Any
) -> bytes:
    """An image of `size` pixels in `fmt` (PNG, JPEG, GIF...), one colour with a white band."""
    mode = "RGB" if fmt in ("JPEG", "GIF") else "RGBA"
    image = Image.new(mode, size, color)
    image.paste("white", (0, size[1] // 3, size[0], 2 * size[1] // 3))
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def png(size: tuple[int, int] = (120, 40), color: str = "#0b6bcb") -> bytes:
    return image_bytes("PNG", size, color)


def jpeg(size: tuple[int, int] = (120, 40), color: str = "#0b6bcb") -> bytes:
    return image_bytes("JPEG", size, color, quality=90)


def gif() -> bytes:
    return image_bytes("GIF")


def noisy_png(min_bytes: int) -> bytes:
    """A real PNG a little over `min_bytes`: random pixels do not compress."""
    width = 256
    height = min_bytes // (width * 3) + 4
    image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10"/></svg>'


def upload(data: bytes, content_type: str = "image/png") -> dict[str, str]:
    """The body of `PUT /v1/admin/portal/logo`."""
    return {"content_type": content_type, "data": base64.b64encode(data).decode()}
