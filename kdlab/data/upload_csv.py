"""An uploaded CSV read as a stream, its caps applied as it is read: bytes, columns, rows, classes and the length
of a value. A file past a cap is refused at the first row past it, so refusing a 20 MB file of millions of rows
costs what reading the allowed rows costs, never the whole file parsed into memory first.

Values are kept in an ``array('d')`` (8 bytes each, not a Python float object per cell) and become one float64
tensor; the label column stays text (the class names).
"""
from __future__ import annotations

import csv
import hashlib
import io
import math
from array import array
from typing import BinaryIO

import torch

from ..errors import UserError

LABEL_COLUMNS = ("label", "class", "target", "y")  # else the last column is the label
MAX_VALUE_CHARS = 2**16  # one CSV value (csv's own limit is process-wide; this one is ours)


class CappedReader(io.RawIOBase):
    """``source`` read through at most ``max_bytes + 1`` bytes, hashed as it goes (the dataset's name), and refused
    with one sentence the moment it passes ``max_bytes``: a device or a pipe that never ends is read no further."""

    def __init__(self, source: BinaryIO, max_bytes: int):
        self.source, self.max_bytes, self.seen, self.digest = source, max_bytes, 0, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        view = memoryview(buffer).cast("B")[: self.max_bytes + 1 - self.seen]
        count = self.source.readinto(view) or 0
        self.digest.update(view[:count])
        self.seen += count
        if self.seen > self.max_bytes:
            raise UserError("upload.larger", "the file is larger than {limit} MiB; that is the limit",
                            limit=f"{self.max_bytes / 2**20:g}")
        return count

    def read_all(self) -> bytes:
        """Everything, within the cap (a zip is read whole: its directory is at the end)."""
        return io.BufferedReader(self).read()


def _cell(text: str, limit: int = 40) -> str:
    return repr(text[:limit])


def csv_tensors(stream: BinaryIO, limits) -> tuple[torch.Tensor, list[str]]:
    """The features (float64: ``1e300`` fits until standardised) and the label of every row of ``stream``.
    ``limits``: an ``UploadLimits``. ValueError with one sentence, naming the line, for anything wrong."""
    reader = csv.reader(io.TextIOWrapper(stream, encoding="utf-8-sig", newline=""))
    try:
        return _read_rows(reader, limits)
    except UnicodeDecodeError:
        raise UserError("upload.csv_utf8", "the CSV file is not UTF-8 text (near line {line}); save it as UTF-8 CSV",
                        line=reader.line_num + 1) from None
    except csv.Error as err:  # csv's own field limit included: a value that long is ours too
        if "field larger than field limit" in str(err):
            raise _too_long(reader.line_num) from None
        raise UserError("upload.csv_unreadable", "line {line} of the CSV file cannot be read: {detail}",
                        line=reader.line_num, detail=str(err)[:160]) from None


def _too_long(line: int) -> UserError:
    return UserError("upload.csv_long", "line {line} of the CSV file has a value longer than {limit} characters (a "
                     "quote left open?)", line=line, limit=f"{MAX_VALUE_CHARS:,}")


def _no_rows() -> UserError:
    return UserError("upload.csv_empty", "the CSV file needs a header row and at least one data row")


def _read_rows(reader, limits) -> tuple[torch.Tensor, list[str]]:
    header = next((row for row in reader if any(c.strip() for c in row)), None)
    if header is None:
        raise _no_rows()
    header = [h.strip() for h in header]
    if len(header) < 2:
        raise UserError("upload.csv_columns", "the CSV file needs at least one feature column and a label column")
    if len(header) - 1 > limits.max_features:
        raise UserError("upload.csv_features", "the CSV file has {count} feature columns; at most {limit} are allowed",
                        count=f"{len(header) - 1:,}", limit=f"{limits.max_features:,}")
    lowered = [h.lower() for h in header]
    label_at = next((lowered.index(n) for n in LABEL_COLUMNS if n in lowered), len(header) - 1)
    values, labels, classes = array("d"), [], set()
    for row in reader:
        if any(len(cell) > MAX_VALUE_CHARS for cell in row):
            raise _too_long(reader.line_num)
        if not any(c.strip() for c in row):
            continue
        if len(labels) == limits.max_samples:
            raise UserError("upload.csv_rows", "the CSV file has more than {limit} rows; at most {limit} are allowed "
                            "(max_dataset_samples)", limit=f"{limits.max_samples:,}")
        if len(row) != len(header):
            raise UserError("upload.csv_ragged", "line {line} of the CSV file has {count} values; the header has "
                            "{header}", line=reader.line_num, count=len(row), header=len(header))
        for column, cell in enumerate(row):
            if column == label_at:
                continue
            try:
                value = float(cell)
            except ValueError:
                value = math.nan
            if not math.isfinite(value):
                raise UserError("upload.csv_number", "line {line}, column {column} of the CSV file is not a number: "
                                "{cell}", line=reader.line_num, column=_cell(header[column]), cell=_cell(cell.strip()))
            values.append(value)
        label = row[label_at].strip()
        if label not in classes and len(classes) == limits.max_classes:
            raise UserError("upload.csv_classes", "the CSV file has more than {limit} classes; at most {limit} are "
                            "allowed (max_classes)", limit=f"{limits.max_classes:,}")
        classes.add(label)
        labels.append(label)
    if not labels:
        raise _no_rows()
    features = torch.frombuffer(values, dtype=torch.float64)  # no copy: the tensor keeps the array alive
    return features.view(len(labels), len(header) - 1), labels
