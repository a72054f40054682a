"""The server process's heap: large freed blocks go back to the system at once.

glibc serves a block above its mmap threshold from a mapping of its own, unmapped when freed; but after the first
such free it raises that threshold (up to 32 MiB), and from then on a re-opened run's weight matrices are carved out
of the heap of whichever Streamlit session thread loaded them. When the run leaves the loaded-runs cache, that space
is neither given back nor reused by the other threads' heaps, so the server grows with every run opened, whatever
the cache's budget (measured with ``benchmarks/bench_compare_cache.py``: 12 runs of 130 MB on a 1 GiB budget took
the server 1.9 GB past its start; 908 MB of tensors were alive, the rest was freed heap). A fixed threshold keeps the
server's memory what its caches hold; the server only reads runs, so the few extra page faults cost nothing that
shows. Workers train and keep glibc's default.
"""
from __future__ import annotations

import ctypes
import ctypes.util

M_MMAP_THRESHOLD = -3  # mallopt's parameter number in glibc's malloc.h
LARGE_BLOCK = 2**20


def return_large_blocks(threshold: int = LARGE_BLOCK) -> bool:
    """Serve every block of ``threshold`` bytes or more from its own mapping from now on, so freeing it returns it
    to the system; False (nothing changed) where the C library is not glibc."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError, TypeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, threshold))
