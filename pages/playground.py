"""Playground: pick a surface and optimizers, press Play, watch them race."""

from pages.common import require_app_shell
from pages.common.playground import playground

require_app_shell()
playground()
