"""Sweeps and searches: many ordinary runs over a grid (or an Optuna search) of config values and seeds, trained on
local worker processes or a Ray cluster, recorded in the run store and summarised with 95 % intervals."""
