"""Custom surface: type f(x, y) and race optimizers on it."""

from pages.common.custom import custom_page

custom_page()
