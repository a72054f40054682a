"""What the pages show: numbers computed for display from tensors (``metrics``, ``attention``), the verdict and
summary of a run (``summary``), and plotly figures built from plain data (``figures``, the only plotly import)."""
