"""Your own corpus for a language model: a UTF-8 ``.txt`` (Chinese included), read within the upload caps and cut
into windows of character ids (``kdlab.data.corpus.stream_splits``), kept like any upload.

A file that is not text (a NUL byte, or bytes that are not UTF-8), holds nothing but white space, or has more
windows than a server keeps samples is refused in one sentence; the byte cap itself is ``CappedReader``'s.
"""
from __future__ import annotations

import torch

from .corpus import stream_splits
from .upload_csv import CappedReader

TEXT_SEQ_LEN = 64  # characters per window: nanoGPT's context for character-level Shakespeare
MAX_VOCAB = 8192  # distinct characters: a few thousand Chinese characters fit, a binary's noise does not


def text_tensors(source: CappedReader, filename: str, max_samples: int) -> tuple[dict[str, torch.Tensor], list[str]]:
    """The train/test windows of the text read from ``source`` and its vocabulary (``[PAD, chars…]``)."""
    data = source.read_all()
    if b"\x00" in data:
        raise ValueError(f"{filename[:60]} is not text (it holds NUL bytes, as binary files do); give a UTF-8 .txt")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ValueError(f"{filename[:60]} is not UTF-8 text (byte {err.start:,} is not UTF-8); save it as UTF-8 "
                         "and upload it again") from None
    text = text.replace("\r\n", "\n")
    if not text.strip():
        raise ValueError(f"{filename[:60]} is empty: there is no text to learn from")
    if len(text) > max_samples * TEXT_SEQ_LEN:
        raise ValueError(f"the text has {len(text):,} characters; at most {max_samples * TEXT_SEQ_LEN:,} "
                         f"({max_samples:,} windows of {TEXT_SEQ_LEN}) are allowed on this server")
    if len(set(text)) > MAX_VOCAB:
        raise ValueError(f"the text uses {len(set(text)):,} different characters; at most {MAX_VOCAB:,} are allowed")
    splits = stream_splits("upload", text, TEXT_SEQ_LEN)
    return ({"x_train": splits.x_train, "y_train": splits.y_train, "x_test": splits.x_test, "y_test": splits.y_test},
            list(splits.vocab))
