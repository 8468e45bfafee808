"""Sweep: a heatmap of thousands of runs over two hyperparameters."""

from pages.common import require_app_shell
from pages.common.maps import sweep_page

require_app_shell()
sweep_page()
