"""A chart of one bar per class stays readable with up to max_classes classes (issue 18): the live panel draws the
classes where distillation changed most, and says so."""
from kdlab.viz.data_views import LABELLED_CLASSES, largest_gaps


def test_the_live_bars_keep_the_classes_where_the_student_differs_most_from_the_baseline():
    baseline = [0.5] * 100
    student = [0.5] * 100
    for c in (3, 50, 97):
        student[c] = 0.9  # distillation changed these three
    shown = largest_gaps({"teacher": [1.0] * 100, "baseline": baseline, "student": student}, limit=10)
    assert shown == [0, 1, 2, 3, 4, 5, 6, 7, 50, 97]  # the three changed, then ties to the lower index, ascending
    assert largest_gaps({"baseline": baseline[:LABELLED_CLASSES], "student": student[:LABELLED_CLASSES]}) is None
    assert largest_gaps({"teacher": [1.0] * 100, "baseline": None, "student": None}) is None  # nothing to rank
