"""Your own data: small real CSV and zip files written by the test become datasets a run, the CLI and every page
can use; every bad file gets one clear message and leaves nothing behind. Label noise flips exactly its share."""
from __future__ import annotations

import io
import json
import zipfile

import pytest
import torch

from kdlab import RunConfig
from kdlab.cli import main
from kdlab.data import DATASETS, load_dataset
from kdlab.data.noise import flip_labels
from kdlab.data.uploads import UploadLimits, datasets_dir, delete_upload, import_upload, uploads_in
from kdlab.train import run_distillation


def csv_bytes(classes=("cat", "dog"), per_class=10, header="a,b,label") -> bytes:
    rows = [header] + [f"{i * 0.1 + k},{-k + i * 0.01},{name}" for k, name in enumerate(classes)
                       for i in range(per_class)]
    return "\n".join(rows).encode()


def png(shade: int, size=(12, 9)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("L", size, shade).save(out, format="PNG")
    return out.getvalue()


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def image_zip(per_class=6) -> bytes:
    return zip_bytes({f"{cls}/{i}.png": png(40 + 150 * k + i) for k, cls in enumerate(("circle", "square"))
                      for i in range(per_class)})


def written() -> list:
    folder = datasets_dir()
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_a_csv_becomes_a_standardised_points_dataset_with_a_fixed_stratified_split():
    name = import_upload("My Pets.csv", csv_bytes())
    assert name.startswith("upload-my-pets-") and name in DATASETS.names()
    splits = load_dataset(name)
    assert (splits.modality, splits.class_names, splits.input_shape) == ("points", ["cat", "dog"], (2,))
    assert (len(splits.x_train), len(splits.x_test)) == (16, 4)
    assert torch.bincount(splits.y_test).tolist() == [2, 2]
    assert torch.allclose(splits.x_train.mean(0), torch.zeros(2), atol=1e-5)
    assert import_upload("My Pets.csv", csv_bytes()) == name  # the same content: the same dataset


def test_a_zip_of_class_folders_becomes_an_image_dataset_resized_to_one_shape_and_trains():
    name = import_upload("shapes.zip", image_zip())
    splits = load_dataset(name)
    assert (splits.modality, splits.class_names, splits.input_shape) == ("image", ["circle", "square"], (1, 28, 28))
    result = run_distillation(RunConfig(dataset=name, teacher="mlp", student="mlp-small", teacher_epochs=2, epochs=2,
                                        batch_size=8).validate())
    assert 0 <= result.student.test_acc <= 1 and result.baseline is not None


BAD = {
    "one class": ("x.csv", csv_bytes(classes=("cat",)), "at least 2"),
    "few samples": ("x.csv", csv_bytes(per_class=3), "at least 5"),
    "not a number": ("x.csv", b"a,label\n" + b"\n".join(b"oops,%d" % (i % 2) for i in range(20)), "not a number"),
    "ragged": ("x.csv", b"a,b,label\n1,2,x\n1,2\n", "line 3"),
    "extension": ("x.pdf", b"1,2", ".csv file, a .zip of image folders or a .txt"),
    "traversal": ("x.zip", zip_bytes({"../evil/a.png": png(1), "ok/b.png": png(2)}), "outside the archive"),
    "loose image": ("x.zip", zip_bytes({"a.png": png(1)}), "folder named after its class"),
    "not a zip": ("x.zip", b"PK\x03\x04 not really", "not a readable zip"),
    "not an image": ("x.zip", zip_bytes({"a/1.png": b"text", **{f"b/{i}.png": png(i) for i in range(5)}}),
                     "not a readable image"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_a_bad_upload_gets_one_clear_message_and_nothing_is_written(case):
    before = written()
    filename, data, message = BAD[case]
    with pytest.raises(ValueError, match=message) as refused:
        import_upload(filename, data)
    assert written() == before
    assert " object at 0x" not in str(refused.value)  # no Python object text (PIL names the stream it read)


def test_caps_refuse_big_files_many_entries_and_zip_bombs_before_unpacking():
    with pytest.raises(ValueError, match="at most"):
        import_upload("x.csv", csv_bytes(), UploadLimits(max_bytes=100))
    with pytest.raises(ValueError, match="entries"):
        import_upload("x.zip", image_zip(), UploadLimits(max_files=5))
    bomb = zip_bytes({"a/zeros.png": bytes(50 * 2**20)})  # 50 MB of zeros: about 50 KB zipped
    assert len(bomb) < 2**20
    with pytest.raises(ValueError, match="unpacks to more than"):
        import_upload("bomb.zip", bomb, UploadLimits(max_unpacked_bytes=10 * 2**20))


def test_the_cli_trains_on_a_data_file(tmp_path, capsys):
    path = tmp_path / "blobs.csv"
    path.write_bytes(csv_bytes(classes=("a", "b", "c"), per_class=8))
    code = main(["distill", "--data-file", str(path), "--teacher", "mlp", "--student", "mlp-small",
                 "--teacher-epochs", "2", "--epochs", "2", "--no-record", "--json"])
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert code == 0 and summary["class_names"] == ["a", "b", "c"]
    assert summary["config"]["dataset"].startswith("upload-blobs-")
    assert main(["distill", "--data-file", str(tmp_path / "missing.csv")]) == 2
    assert "cannot read the data file" in capsys.readouterr().err


def test_label_noise_flips_exactly_its_share_to_a_wrong_class_the_same_way_for_a_seed():
    labels = torch.arange(200) % 10
    noisy = flip_labels(labels, 10, 0.3, seed=4)
    assert (noisy != labels).sum().item() == 60
    assert torch.equal(noisy, flip_labels(labels, 10, 0.3, seed=4))
    assert not torch.equal(noisy, flip_labels(labels, 10, 0.3, seed=5))
    assert noisy.min() >= 0 and noisy.max() <= 9
    with pytest.raises(ValueError, match="label_noise"):
        RunConfig(label_noise=1.0).validate()


def test_small_files_of_huge_images_are_refused_before_minutes_of_decoding():
    huge = png(128, size=(4096, 4096))  # about 16 KB on disk, 16.8 million pixels once decoded
    archive = zip_bytes({f"{cls}/{i}.png": huge for cls in ("a", "b") for i in range(3)})
    before = written()
    with pytest.raises(ValueError, match="more than 64 million pixels"):
        import_upload("huge.zip", archive)
    assert written() == before


def test_a_csv_past_its_row_cap_is_refused_as_it_is_read_not_parsed_whole_first():
    import tracemalloc

    data = b"a,label\n" + b"1,0\n" * 1_000_000  # 4 MB, a million rows
    stream = io.BytesIO(data)
    tracemalloc.start()
    with pytest.raises(ValueError, match=r"more than 100 rows.*max_dataset_samples"):
        import_upload("many.csv", stream, UploadLimits(max_samples=100))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert stream.tell() < 2**16 and peak < 2**20  # a few blocks read, no list of a million rows


def test_more_classes_than_max_classes_is_one_sentence_naming_the_setting():
    many = csv_bytes(classes=[f"c{i}" for i in range(101)], per_class=5)
    with pytest.raises(ValueError, match=r"more than 100 classes; at most 100 are allowed \(max_classes\)"):
        import_upload("many.csv", many)
    folders = zip_bytes({f"{cls}/{i}.png": png(i) for cls in ("a", "b", "c") for i in range(5)})
    with pytest.raises(ValueError, match=r"3 class folders; at most 2 .*max_classes"):
        import_upload("three.zip", folders, UploadLimits(max_classes=2))
    from kdlab.policy.settings import ServerSettings

    assert ServerSettings(max_classes=7).upload_limits.max_classes == 7


def test_a_value_too_long_is_named_as_such_and_a_non_utf8_file_as_that():
    long_value = b"a,label\n" + b"1,x\n" * 5 + b'"' + b"9" * 200_000 + b'",y\n' + b"1,y\n" * 5
    with pytest.raises(ValueError, match="line 7 of the CSV file has a value longer than 65,536 characters"):
        import_upload("long.csv", long_value)
    with pytest.raises(ValueError, match="not UTF-8 text"):
        import_upload("latin.csv", "a,label\n1,caf\xe9\n".encode("latin-1"))


def test_features_near_1e308_keep_their_information_once_standardised():
    def upload(magnitude: str):
        rows = ["huge,small,label"] + [f"{sign}{magnitude},{i},{label}" for sign, label in (("", "up"), ("-", "down"))
                                       for i in range(10)]
        return load_dataset(import_upload(f"sign-{magnitude}.csv", "\n".join(rows).encode()))

    huge, plain = upload("1e308"), upload("1")
    assert torch.isfinite(huge.x_train).all() and torch.isfinite(huge.x_test).all()
    assert torch.equal(huge.x_train, plain.x_train) and torch.equal(huge.x_test, plain.x_test)  # as if it were ±1
    assert torch.equal(huge.x_train[:, 0] > 0, huge.y_train == huge.class_names.index("up"))


def test_an_upload_is_capped_on_disk_once_decoded_and_images_are_kept_as_bytes():
    tiny = zip_bytes({f"{cls}/{i}.png": png(i, size=(1, 1)) for cls in ("a", "b") for i in range(25)})
    assert len(tiny) < 10_000  # 50 images of one pixel: each becomes 28 x 28
    with pytest.raises(ValueError, match=r"becomes 0.0 MiB of tensors; at most .* \(max_upload_unpacked_mb\)"):
        import_upload("tiny.zip", tiny, UploadLimits(max_unpacked_bytes=20_000))
    from PIL import Image

    def rgb(i: int) -> bytes:
        out = io.BytesIO()
        Image.new("RGB", (1, 1), (i % 256, 7 * i % 256, 13 * i % 256)).save(out, format="PNG")
        return out.getvalue()

    colours = zip_bytes({f"{cls}/{i}.png": rgb(i + 100 * k) for k, cls in enumerate("ab") for i in range(100)})
    kept = datasets_dir() / f"{import_upload('colours.zip', colours)}.pt"
    assert kept.stat().st_size < 1.1 * 200 * 3 * 28 * 28  # a byte per value, not float32's four
    splits = load_dataset(kept.stem)
    assert splits.x_train.dtype == torch.float32 and 0 <= splits.x_train.min() and splits.x_train.max() <= 1


def test_kept_uploads_together_are_capped_and_the_same_content_again_takes_no_room():
    first = csv_bytes(classes=("x", "y"), per_class=9)
    import_upload("first.csv", first)
    full = UploadLimits(max_total_bytes=sum(p.stat().st_size for p in datasets_dir().glob("upload-*.pt")))
    with pytest.raises(ValueError, match=r"use .* MiB of the .* MiB they may use \(max_upload_total_mb\); delete"):
        import_upload("second.csv", csv_bytes(classes=("x", "z"), per_class=9), full)
    assert import_upload("first.csv", first, full).startswith("upload-first-")
    from kdlab.policy.settings import ServerSettings

    assert ServerSettings(max_upload_total_mb=3).upload_limits.max_total_bytes == 3 * 2**20


def test_uploads_are_listed_per_workspace_and_deleted_only_by_their_owners():
    alice, bob = "a" * 32, "b" * 32
    data = csv_bytes(classes=("left", "right"), per_class=7)
    name = import_upload("shared.csv", data, workspace="class-1", owner=alice)
    assert [u.name for u in uploads_in("class-1", alice)] == [name] and uploads_in("class-1", alice)[0].mine
    assert uploads_in("class-2", alice) == [] and not uploads_in("class-1", bob)[0].mine
    with pytest.raises(ValueError, match="only the browser that uploaded it may delete it"):
        delete_upload(name, "class-1", bob)
    assert import_upload("shared.csv", data, workspace="class-1", owner=bob) == name  # bob uploads it too
    assert delete_upload(name, "class-1", alice) is False  # bob's claim keeps the file
    assert f"{name}.pt" in written() and uploads_in("class-1", bob)[0].mine
    assert delete_upload(name, "class-1", bob) is True
    assert f"{name}.pt" not in written() and uploads_in("class-1") == [] and name not in DATASETS.names()


class Endless(io.RawIOBase):
    """A stream that never ends (as /dev/zero or a pipe may not): counts what was read from it."""

    def __init__(self, line: bytes):
        self.line, self.read_bytes = line, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        view = memoryview(buffer).cast("B")
        chunk = (self.line * (len(view) // len(self.line) + 1))[: len(view)]
        view[: len(chunk)] = chunk
        self.read_bytes += len(chunk)
        return len(chunk)


@pytest.mark.parametrize("filename", ["endless.csv", "endless.zip"])
def test_a_stream_that_never_ends_is_read_at_most_to_its_cap(filename):
    endless = Endless(b"1,0\n")
    with pytest.raises(ValueError, match=r"the file is larger than [0-9.]+ MiB; that is the limit"):
        import_upload(filename, endless, UploadLimits(max_bytes=1049, max_samples=10**6))
    assert endless.read_bytes <= 1050


def test_the_cli_refuses_a_data_file_that_is_not_a_regular_file_at_once(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    (tmp_path / "folder.csv").mkdir()
    root = Path(__file__).resolve().parent.parent
    for path in ("/dev/zero", fifo, tmp_path / "folder.csv"):
        done = subprocess.run([sys.executable, "-m", "kdlab", "distill", "--data-file", str(path), "--no-record"],
                              cwd=root, capture_output=True, text=True, timeout=120)
        assert done.returncode == 2, (path, done.stderr)
        assert done.stderr.strip().splitlines() == [
            f"kdlab: error: the data file {path} is not a regular file (a folder, device or pipe); give a .csv, "
            ".zip or .txt file"]
