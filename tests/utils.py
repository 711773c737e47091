import os

# Variables of this test process that must not leak into a fresh Django process.
_PROCESS_ONLY = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def subprocess_env(**overrides: str) -> dict[str, str]:
    """The environment for a fresh Django process: ours, less test-only variables, with the
    settings a server has (the test runner's settings module is refused by servers)."""
    env = {k: v for k, v in os.environ.items() if k not in _PROCESS_ONLY}
    return {**env, "DJANGO_SETTINGS_MODULE": "site_config.settings", **overrides}
