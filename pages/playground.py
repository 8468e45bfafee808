"""Playground: pick a surface and optimizers, press Play, watch them race."""

from pages.common.playground import playground

playground()
