"""Each report registers its own admin URL and menu item in its module."""

from insights import dashboard_admin, gaps_admin  # noqa: F401 - registers hooks on import
