"""Basins: every start of a grid, coloured by the minimum it reaches."""

from pages.common import require_app_shell
from pages.common.maps import basins_page

require_app_shell()
basins_page()
