"""Custom surface: type f(x, y) and race optimizers on it."""

from pages.common import require_app_shell
from pages.common.custom import custom_page

require_app_shell()
custom_page()
