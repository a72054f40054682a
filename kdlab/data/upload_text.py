"""Your own corpus for a language model: a UTF-8 ``.txt`` (Chinese included), read within the upload caps and cut
into windows of character ids (``kdlab.data.corpus.stream_splits``), kept like any upload.

A file that is not text (a NUL byte, or bytes that are not UTF-8), holds nothing but white space, or has more
windows than a server keeps samples is refused in one sentence; the byte cap itself is ``CappedReader``'s.
"""
from __future__ import annotations

import torch

from ..errors import UserError
from .corpus import stream_splits
from .upload_csv import CappedReader

TEXT_SEQ_LEN = 64  # characters per window: nanoGPT's context for character-level Shakespeare
MAX_VOCAB = 8192  # distinct characters: a few thousand Chinese characters fit, a binary's noise does not


def text_tensors(source: CappedReader, filename: str, max_samples: int) -> tuple[dict[str, torch.Tensor], list[str]]:
    """The train/test windows of the text read from ``source`` and its vocabulary (``[PAD, chars…]``)."""
    data = source.read_all()
    if b"\x00" in data:
        raise UserError("upload.text_binary", "{name} is not text (it holds NUL bytes, as binary files do); give a "
                        "UTF-8 .txt", name=filename[:60])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise UserError("upload.text_utf8", "{name} is not UTF-8 text (byte {position} is not UTF-8); save it as "
                        "UTF-8 and upload it again", name=filename[:60], position=f"{err.start:,}") from None
    text = text.replace("\r\n", "\n")
    if not text.strip():
        raise UserError("upload.text_empty", "{name} is empty: there is no text to learn from", name=filename[:60])
    if len(text) > max_samples * TEXT_SEQ_LEN:
        raise UserError("upload.text_long", "the text has {count} characters; at most {limit} ({windows} windows of "
                        "{length}) are allowed on this server", count=f"{len(text):,}",
                        limit=f"{max_samples * TEXT_SEQ_LEN:,}", windows=f"{max_samples:,}", length=TEXT_SEQ_LEN)
    if len(set(text)) > MAX_VOCAB:
        raise UserError("upload.text_vocab", "the text uses {count} different characters; at most {limit} are allowed",
                        count=f"{len(set(text)):,}", limit=f"{MAX_VOCAB:,}")
    splits = stream_splits("upload", text, TEXT_SEQ_LEN)
    return ({"x_train": splits.x_train, "y_train": splits.y_train, "x_test": splits.x_test, "y_test": splits.y_test},
            list(splits.vocab))
