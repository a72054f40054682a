"""Which views fit a dataset: decision boundaries only on a plane, a projection for wider point data, and the
classes worth drawing when there are too many to label.

A decision boundary is drawn by classifying every point of a 2-D grid, so it exists only for data with exactly two
features; an uploaded CSV may have one or fifty. Wider point data is shown in its principal plane (PCA) instead,
each test point coloured by what a model predicts. A confusion matrix of C classes has C² cells: past a few dozen
classes no label can be read and the figure costs the server and the browser more than it shows, so the pages
draw the classes the models confuse most, and say so.
"""
from __future__ import annotations

import numpy as np
import torch

LABELLED_CLASSES = 30  # classes a confusion matrix or a per-class chart draws, each one labelled


def is_plane(x) -> bool:
    """Point data with exactly two features: the one case where decision regions can be drawn."""
    return torch.as_tensor(x).dim() == 2 and torch.as_tensor(x).shape[1] == 2


def principal_plane(x) -> tuple[np.ndarray, np.ndarray]:
    """``(coords [N, 2], explained [2])``: the points projected on their first two principal components (centred,
    by SVD) and the share of the variance each component holds, so a caption can say how much the picture shows.
    One feature gives a second coordinate of 0."""
    points = torch.as_tensor(x).double().reshape(len(x), -1)
    centred = points - points.mean(0)
    _, s, vh = torch.linalg.svd(centred, full_matrices=False)
    coords = torch.zeros(len(points), 2, dtype=torch.float64)
    k = min(2, vh.shape[0])
    coords[:, :k] = centred @ vh[:k].T
    variance = s.square()
    explained = torch.zeros(2, dtype=torch.float64)
    explained[:k] = variance[:k] / variance.sum().clamp(min=1e-300)
    return coords.numpy(), explained.numpy()


def most_confused(matrices, limit: int = LABELLED_CLASSES) -> np.ndarray | None:
    """The indices (ascending) of the ``limit`` classes most involved in mistakes, summed over the models'
    ``[C, C]`` confusion matrices (a class counts every sample of it predicted wrong and every sample wrongly
    predicted as it); ties go to the lower index. ``None`` when all ``C <= limit`` classes can be drawn."""
    total = np.sum([np.asarray(m, dtype=np.int64) for m in matrices], axis=0)
    if total.shape[0] <= limit:
        return None
    errors = total - np.diag(np.diag(total))
    involvement = errors.sum(0) + errors.sum(1)
    order = np.lexsort((np.arange(len(involvement)), -involvement))
    return np.sort(order[:limit])


def largest_gaps(per_class: dict, limit: int = LABELLED_CLASSES) -> list[int] | None:
    """The indices (ascending) of the ``limit`` classes where the distilled student's accuracy differs most from the
    baseline's (what distillation changed; ties to the lower index), for a chart of one bar per class that would be
    unreadable and slow with up to ``max_classes`` classes. ``None`` when all classes can be drawn, or no pair."""
    student, baseline = per_class.get("student"), per_class.get("baseline")
    if not student or len(student) <= limit:
        return None
    gaps = [abs(s - (baseline[c] if baseline else 0.0)) for c, s in enumerate(student)]
    return sorted(sorted(range(len(gaps)), key=lambda c: (-gaps[c], c))[:limit])
