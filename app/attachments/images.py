"""Images people attach, re-drawn from their pixels: the stored copy carries no EXIF (so no GPS
position, camera serial or timestamp), no comments and no embedded profiles, and is turned the way
the camera meant; plus a small thumbnail for cards. Only this module imports Pillow."""

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

MAX_PIXELS = 40_000_000  # a 40-megapixel photo; bigger ones are refused before they are decoded
MAX_FRAMES = 300  # an animated GIF's frames (kept animated; longer ones keep their first frame)
THUMBNAIL = (640, 640)


class ImageRefused(ValueError):
    """The file claims to be an image but can't be used; the message says why, for the person."""


@dataclass(frozen=True)
class CleanImage:
    """The stored copy, its thumbnail, and what they are."""

    data: bytes
    mime: str
    extension: str
    width: int
    height: int
    thumbnail: bytes


def _pixels_only(frame: Image.Image) -> Image.Image:
    """A new image holding only the pixels: nothing of the original's metadata comes along."""
    mode = "RGBA" if frame.mode in ("RGBA", "LA", "PA", "P") or "transparency" in frame.info else "RGB"
    converted = frame.convert(mode)
    return Image.frombytes(mode, converted.size, converted.tobytes())


def _save(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def _thumbnail(image: Image.Image) -> bytes:
    small = image.copy()
    small.thumbnail(THUMBNAIL)
    if small.mode == "RGBA":
        return _save(small, "PNG", optimize=True)
    return _save(small, "JPEG", quality=85, optimize=True)


def clean(data: bytes) -> CleanImage:
    """Decode, check and re-encode an image (JPEG stays JPEG, WebP stays WebP, PNG and GIF stay
    lossless); raises ImageRefused for a broken, huge or unsupported one."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as source:
                if source.width * source.height > MAX_PIXELS:
                    raise ImageRefused("That image is too large: use one under 40 megapixels.")
                fmt = source.format
                frames = getattr(source, "n_frames", 1)
                if fmt == "GIF" and 1 < frames <= MAX_FRAMES:
                    return _animated_gif(source)
                source.seek(0)
                upright = ImageOps.exif_transpose(source)  # apply the camera's rotation before EXIF goes
                image = _pixels_only(upright)
    except ImageRefused:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRefused("That image can't be read. Save it again as a JPEG or PNG and retry.") from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:  # truncated or corrupt data
        raise ImageRefused("That image can't be read. Save it again as a JPEG or PNG and retry.") from exc
    if fmt == "JPEG":
        stored, mime, ext = (
            _save(image.convert("RGB"), "JPEG", quality=90, optimize=True),
            "image/jpeg",
            "jpg",
        )
    elif fmt == "WEBP":
        stored, mime, ext = _save(image, "WEBP", quality=90), "image/webp", "webp"
    else:  # PNG, and a still GIF (kept lossless as PNG)
        stored, mime, ext = _save(image, "PNG", optimize=True), "image/png", "png"
    return CleanImage(stored, mime, ext, image.width, image.height, _thumbnail(image))


def _animated_gif(source: Image.Image) -> CleanImage:
    frames = [_pixels_only(frame) for frame in ImageSequence.Iterator(source)]
    durations = []
    for index in range(len(frames)):
        source.seek(index)
        durations.append(source.info.get("duration", 100))
    stored = _save(
        frames[0], "GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0, disposal=2
    )
    return CleanImage(stored, "image/gif", "gif", frames[0].width, frames[0].height, _thumbnail(frames[0]))
