"""Tiny neural networks on toy data as objectives of simulate(), and their loss landscapes."""

from networks.data import DATASETS, Dataset, dataset
from networks.landscape import Directions, directions, interpolate, plane, project, sharpness
from networks.network import ACTIVATIONS, INIT_SCHEMES, Network

__all__ = [
    "ACTIVATIONS",
    "DATASETS",
    "INIT_SCHEMES",
    "Dataset",
    "Directions",
    "Network",
    "dataset",
    "directions",
    "interpolate",
    "plane",
    "project",
    "sharpness",
]
