"""A zip of image folders (one folder per class) as tensors, read so that a hostile archive costs nothing: the
entries' count, sizes and unpacked total are checked against the directory before a byte is unpacked, an entry
may not leave its folder (no ``..``, absolute path or link), an image's pixels are read from its header before it
is decoded, and each image becomes ``IMAGE_SIZE`` squared bytes. ``kdlab.data.uploads`` keeps the result."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePosixPath

import torch

from ..errors import UserError

IMAGE_SIZE = 28
MAX_TOTAL_PIXELS = 64 * 2**20  # decoded pixels of one zip, all images together
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp")


def _reason(err: Exception) -> str:
    """A library's error as a reader can take it: PIL names the stream it read (``<_io.BytesIO object at 0x…>``),
    which says nothing to the person who uploaded the file."""
    return re.sub(r"\s*<[^<>]* object at 0x[0-9a-fA-F]+>", "", str(err)).strip() or type(err).__name__


def _safe_member(info: zipfile.ZipInfo) -> PurePosixPath | None:
    """The entry's path inside the archive if it is a plain file that stays inside; None for folders and hidden
    or system files (macOS adds ``__MACOSX/`` and ``.DS_Store``); ValueError for anything that could escape."""
    name = info.filename.replace("\\", "/")
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or re.match(r"^[A-Za-z]:", name):
        raise UserError("upload.zip_outside", "the zip entry {name!r} leads outside the archive; such files are "
                        "refused", name=name[:80])
    if (info.external_attr >> 16) & 0o170000 == 0o120000:
        raise UserError("upload.zip_link", "the zip entry {name!r} is a symbolic link; such files are refused",
                        name=name[:80])
    if info.is_dir() or any(p.startswith((".", "__MACOSX")) for p in path.parts):
        return None
    return path


def zip_tensors(data: bytes, limits) -> tuple[torch.Tensor, list[str]]:
    """The images of a zip of class folders as uint8 tensors (N, C, IMAGE_SIZE, IMAGE_SIZE) and their folder names,
    every cap checked from the archive's directory before an entry is unpacked and from each image's header before
    it is decoded. ``limits``: an ``UploadLimits``."""
    from PIL import Image, UnidentifiedImageError

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as err:
        raise UserError("upload.zip_unreadable", "the file is not a readable zip archive: {detail}",
                        detail=_reason(err)) from None
    if len(infos) > limits.max_files:
        raise UserError("upload.zip_entries", "the zip archive has {count} entries; at most {limit} are allowed",
                        count=f"{len(infos):,}", limit=f"{limits.max_files:,}")
    if sum(i.file_size for i in infos) > limits.max_unpacked_bytes:
        raise UserError("upload.zip_unpacked", "the zip archive unpacks to more than {limit} MiB; that is the limit",
                        limit=limits.max_unpacked_bytes // 2**20)
    members = [(p, i) for i in infos if (p := _safe_member(i)) is not None]
    images = [(p, i) for p, i in members if p.suffix.lower() in IMAGE_SUFFIXES]
    if len(images) > limits.max_samples:
        raise UserError("upload.zip_images", "the zip archive has {count} images; at most {limit} are allowed",
                        count=f"{len(images):,}", limit=f"{limits.max_samples:,}")
    if any(len(p.parts) < 2 for p, _ in images):
        raise UserError("upload.zip_folders", "every image must be in a folder named after its class "
                        "(class/image.png)")
    classes = {p.parts[-2] for p, _ in images}
    if len(classes) > limits.max_classes:
        raise UserError("upload.zip_classes", "the zip archive has {count} class folders; at most {limit} are allowed "
                        "(max_classes)", count=f"{len(classes):,}", limit=f"{limits.max_classes:,}")
    pictures, labels, pixels = [], [], 0
    for path, info in sorted(images, key=lambda e: str(e[0])):
        try:
            with archive.open(info) as handle:  # reads at most what the directory declared: checked above
                raw = handle.read(info.file_size + 1)
        except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError) as err:  # RuntimeError: encrypted
            raise UserError("upload.zip_entry", "the zip entry {name!r} cannot be unpacked: {detail}",
                            name=str(path)[:80], detail=_reason(err)) from None
        if len(raw) > info.file_size:
            raise UserError("upload.zip_declared", "the zip entry {name!r} is larger than the archive declares; it is "
                            "refused", name=str(path)[:80])
        try:
            with Image.open(io.BytesIO(raw)) as image:
                if image.width * image.height > 4096 * 4096:
                    raise UserError("upload.image_size", "the image {name!r} is larger than 4096 × 4096 pixels",
                                    name=str(path)[:80])
                pixels += image.width * image.height  # read from the header, before anything is decoded
                if pixels > MAX_TOTAL_PIXELS:  # small files of huge images: minutes of decoding otherwise
                    raise UserError("upload.pixels", "the images hold more than {millions} million pixels in all; "
                                    "every image becomes {size} × {size}, so upload smaller ones",
                                    millions=MAX_TOTAL_PIXELS // 2**20, size=IMAGE_SIZE)
                pictures.append(image.convert("RGB").resize((IMAGE_SIZE, IMAGE_SIZE)))
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as err:
            raise UserError("upload.image_unreadable", "the zip entry {name!r} is not a readable image ({detail})",
                            name=str(path)[:80], detail=_reason(err)) from None
        labels.append(path.parts[-2])
    if not pictures:
        raise UserError("upload.zip_no_images", "the zip archive holds no images (png, jpg, bmp, gif or webp) in class "
                        "folders")
    x = torch.stack([torch.frombuffer(bytearray(p.tobytes()), dtype=torch.uint8) for p in pictures])
    x = x.view(len(pictures), IMAGE_SIZE, IMAGE_SIZE, 3).permute(0, 3, 1, 2)  # bytes: loaded as x / 255
    if torch.equal(x[:, 0], x[:, 1]) and torch.equal(x[:, 1], x[:, 2]):  # greyscale images: one channel
        x = x[:, :1]
    return x.contiguous(), labels
