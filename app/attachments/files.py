"""The bytes of attachments: checking, shrinking and storing them (no database, no Qt).

* :func:`prepare` turns what the user chose into what is kept: a photo from a phone is turned
  upright (its EXIF orientation applied), shrunk to :data:`MAX_SIDE` pixels on its longest side and
  saved as JPEG (quality :data:`JPEG_QUALITY`) without its EXIF block, so the GPS position a phone
  writes into every picture never reaches the data folder; a PDF (a scanned 签到表) is kept as it is.
  Anything else (not an image or PDF, a damaged file, more than :data:`MAX_BYTES`, a name with
  path tricks) is refused with one sentence.
* :func:`store` writes the result content-addressed beside the database,
  ``attachments/<first two hex>/<sha256><ext>``, through a temporary name, fsynced and renamed; a
  file already there (the same picture again) is not written twice.
* :func:`thumbnail` makes (and caches under ``attachments/thumbs/``) the small picture a record
  view shows.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import os
import re
import tempfile
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from app.errors import ValidationError
from app.i18n import _

if TYPE_CHECKING:
    from PIL import Image

MAX_BYTES = 30 * 1024 * 1024  # a scan of many pages fits; a video does not
MAX_SIDE = 2000  # pixels, longest side: sharp on a 1366×768 screen and printable at A5
JPEG_QUALITY = 85
THUMB_SIDE = 160
FOLDER = "attachments"
THUMBS = "thumbs"

_EXIF_DATE_TAGS = (36867, 36868, 306)  # DateTimeOriginal, DateTimeDigitized, DateTime
_BAD_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


@dataclasses.dataclass(frozen=True)
class Prepared:
    """What will be stored: the bytes, their hash and what they are."""

    data: bytes
    sha256: str
    ext: str
    mime: str
    kind: str  # image | pdf
    width: int | None
    height: int | None
    pages: int | None
    taken_on: dt.date | None  # from the photo's EXIF, when it says


def refuse(message: str) -> ValidationError:
    return ValidationError({"file": message})


def check_name(name: str) -> str:
    """The file's own name, or a refusal when it tries to reach elsewhere (``../``, ``C:\\``, a
    separator, a control character) or is empty."""
    name = (name or "").strip()
    if (not name or name in (".", "..") or ".." in name or _BAD_NAME.search(name) or len(name) > 255
            or name.startswith(".")):
        raise refuse(_("The file name “{name}” cannot be used: give a plain file name without folders.")
                     .format(name=name[:80]))
    return name


def read_source(path: str | os.PathLike[str]) -> bytes:
    """The bytes of the chosen file, refused when it is missing, unreadable or too large (checked
    before reading, so a film from a phone is not loaded into memory)."""
    try:
        size = os.stat(path).st_size
        if size > MAX_BYTES:
            raise refuse(_("The file is too large ({size} MB); at most {limit} MB can be attached.")
                         .format(size=round(size / 1024 / 1024, 1), limit=MAX_BYTES // 1024 // 1024))
        with open(path, "rb") as handle:
            return handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise refuse(_("The file could not be read: {error}").format(error=exc.strerror or exc)) from exc


def prepare(data: bytes) -> Prepared:
    if len(data) > MAX_BYTES:
        raise refuse(_("The file is too large ({size} MB); at most {limit} MB can be attached.")
                     .format(size=round(len(data) / 1024 / 1024, 1), limit=MAX_BYTES // 1024 // 1024))
    if not data:
        raise refuse(_("The file is empty."))
    if data[:5] == b"%PDF-":
        return _prepare_pdf(data)
    return _prepare_image(data)


def _open_image(data: bytes) -> Image.Image:
    from PIL import Image, UnidentifiedImageError  # Pillow only when a picture is read (pages open faster)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            image.load()
        return image
    except UnidentifiedImageError as exc:
        raise refuse(_("This is neither a picture (JPEG, PNG …) nor a PDF; only photos and scans can be "
                       "attached.")) from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise refuse(_("The picture has too many pixels to be opened safely.")) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise refuse(_("The picture is damaged and cannot be opened; take or scan it again.")) from exc


def _taken_on(image: Image.Image) -> dt.date | None:
    try:
        exif = image.getexif()
        values = [exif.get(tag) for tag in _EXIF_DATE_TAGS[2:]]
        values = [exif.get_ifd(0x8769).get(tag) for tag in _EXIF_DATE_TAGS[:2]] + values
    except Exception:  # noqa: BLE001 - a broken EXIF block only loses the date
        return None
    for value in values:
        if isinstance(value, str):
            match = re.match(r"(\d{4})[:-](\d{2})[:-](\d{2})", value.strip())
            if match:
                try:
                    return dt.date(*(int(g) for g in match.groups()))
                except ValueError:
                    continue
    return None


def _prepare_image(data: bytes) -> Prepared:
    from PIL import Image, ImageOps

    image = _open_image(data)
    taken_on = _taken_on(image)
    try:
        image = ImageOps.exif_transpose(image)
    except Exception:  # noqa: BLE001 - a broken orientation tag: keep the picture as stored
        pass
    alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if alpha else "RGB")
    if max(image.size) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # saved without ``exif=``: the EXIF block (GPS position, phone model …) is not carried over
    if alpha:
        image.save(out, "PNG", optimize=True)
        ext, mime = ".png", "image/png"
    else:
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
        ext, mime = ".jpg", "image/jpeg"
    stored = out.getvalue()
    return Prepared(data=stored, sha256=hashlib.sha256(stored).hexdigest(), ext=ext, mime=mime, kind="image",
                    width=image.width, height=image.height, pages=None, taken_on=taken_on)


def _prepare_pdf(data: bytes) -> Prepared:
    width = height = pages = None
    try:
        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(data)
        try:
            pages = len(document)
            if pages:
                width, height = (round(v) for v in document[0].get_size())
        finally:
            document.close()
    except ImportError:
        pass
    except Exception as exc:  # noqa: BLE001 - pdfium's own error types: the file is damaged
        raise refuse(_("The PDF is damaged and cannot be opened; scan it again.")) from exc
    if pages == 0:
        raise refuse(_("The PDF has no pages."))
    return Prepared(data=data, sha256=hashlib.sha256(data).hexdigest(), ext=".pdf", mime="application/pdf",
                    kind="pdf", width=width, height=height, pages=pages, taken_on=None)


# --- the folder -----------------------------------------------------------------------------------------


def relative_path(sha256: str, ext: str) -> str:
    return f"{FOLDER}/{sha256[:2]}/{sha256}{ext}"


def file_path(root: Path, sha256: str, ext: str) -> Path:
    """Where a file with this hash lives under ``root`` (the folder holding the database)."""
    return root / relative_path(sha256, ext)


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=".part-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
        _fsync_dir(target.parent)
    except BaseException:
        with _quiet():
            os.unlink(temp)
        raise


class _quiet:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return True


def store(root: Path, prepared: Prepared) -> Path:
    """Put ``prepared`` in the folder (once: the same content is already there under its hash)."""
    target = file_path(root, prepared.sha256, prepared.ext)
    if target.exists() and target.stat().st_size == len(prepared.data):
        return target
    write_atomically(target, prepared.data)
    return target


def thumbnail(root: Path, sha256: str, ext: str, kind: str) -> bytes:
    """A JPEG of at most :data:`THUMB_SIDE` pixels, cached under ``attachments/thumbs/``; empty
    bytes when the file is missing or cannot be drawn (the view then shows a plain icon)."""
    cached = root / FOLDER / THUMBS / f"{sha256}-{THUMB_SIDE}.jpg"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    try:
        image = render(file_path(root, sha256, ext).read_bytes(), kind, THUMB_SIDE)
    except Exception:  # noqa: BLE001 - no thumbnail is not an error worth stopping a view for
        return b""
    if image is None:
        return b""
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    data = out.getvalue()
    try:
        write_atomically(cached, data)
    except OSError:
        pass  # a read-only folder: the thumbnail is made again next time
    return data


def render(data: bytes, kind: str, side: int) -> Image.Image | None:
    """The picture (or a PDF's first page) fitted into ``side`` × ``side``, RGB."""
    from PIL import Image

    if kind == "pdf":
        try:
            import pypdfium2 as pdfium
        except ImportError:
            return None
        document = pdfium.PdfDocument(data)
        try:
            page = document[0]
            width, height = page.get_size()
            image = page.render(scale=side / max(width, height, 1)).to_pil()
        finally:
            document.close()
    else:
        image = Image.open(io.BytesIO(data))
        image.load()
    image = image.convert("RGB")
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    return image
