"""Lessons: one classroom scene per idea of the lecture notes, in English and Chinese."""

from pages.common import require_app_shell
from pages.common.lessons import lessons_page

require_app_shell()
lessons_page()
