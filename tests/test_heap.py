"""The server's heap setting (kdlab/serve/heap.py): a large block freed after another one is still served from its own
mapping, so it goes back to the system when freed; checked with glibc's own accounting, in a fresh process each."""
from __future__ import annotations

import subprocess
import sys

import pytest

PROBE = """
import ctypes, sys
import torch
from kdlab.serve.heap import return_large_blocks

class MallInfo(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
                                                     "fsmblks", "uordblks", "fordblks", "keepcost")]

libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = MallInfo
if sys.argv[1] == "set":
    assert return_large_blocks()
first = torch.empty(8 * 2**20, dtype=torch.uint8)
del first  # glibc's default now raises its threshold past 8 MiB
before = libc.mallinfo2().hblkhd
second = torch.empty(4 * 2**20, dtype=torch.uint8)
print(libc.mallinfo2().hblkhd - before >= 4 * 2**20)
"""


def mapped_alone(setting: str) -> bool:
    out = subprocess.run([sys.executable, "-c", PROBE, setting], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip() == "True"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt and mallinfo2")
def test_a_large_block_after_a_freed_one_gets_its_own_mapping_only_with_the_setting():
    assert not mapped_alone("default")  # glibc's own behaviour: the case the setting exists for
    assert mapped_alone("set")
