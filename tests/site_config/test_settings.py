"""The settings module refuses unsafe production configurations and passes Django's
deployment checklist with production values. Each case runs in a fresh interpreter,
because settings are read once per process."""

import re
import subprocess
import sys

import pytest
from django.conf import settings

from tests.utils import subprocess_env

PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "a-long-random-production-secret-key-for-tests-0123456789-abcdefghij",
    "ALLOWED_HOSTS": "help.example.com",
    "DATABASE_URL": "sqlite:///:memory:",
}


def _run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        env=subprocess_env(**env),
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _load_settings(env):
    return _run(["-c", "import django; django.setup()"], env)


def test_production_refuses_to_start_without_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = _load_settings(env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _load_settings({**PRODUCTION_ENV, "ALLOWED_HOSTS": ""})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_production_refuses_debug():
    result = _load_settings({**PRODUCTION_ENV, "DEBUG": "true"})
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


@pytest.mark.parametrize(
    "env, message",
    [
        ({"SEARCH_ENGINE": "solr"}, "SEARCH_ENGINE must be one of"),
        ({"SEARCH_ENGINE": "opensearch"}, "SEARCH_ENGINE=opensearch needs OPENSEARCH_URL"),
        ({"SEARCH_ENGINE": "elasticsearch"}, "needs ELASTICSEARCH_URL"),
        (
            {"ELASTICSEARCH_URL": "http://es:9200", "OPENSEARCH_URL": "http://os:9200"},
            "say which with SEARCH_ENGINE",
        ),
    ],
)
def test_production_refuses_a_search_engine_it_cannot_use(env, message):
    result = _load_settings({**PRODUCTION_ENV, **env})
    assert result.returncode != 0
    assert message in result.stderr


def test_debug_off_outside_production_still_needs_a_secret_key():
    result = _load_settings({"DJANGO_ENV": "development", "DEBUG": "false", "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_off_needs_an_explicit_environment():
    result = _load_settings({"DEBUG": "false", "SECRET_KEY": "x" * 50, "DJANGO_ENV": ""})
    assert result.returncode != 0
    assert "set DJANGO_ENV=production" in result.stderr


def test_unknown_task_backend_is_refused():
    result = _load_settings({**PRODUCTION_ENV, "TASKS_BACKEND": "celery"})
    assert result.returncode != 0
    assert "TASKS_BACKEND must be one of" in result.stderr


def test_development_starts_with_defaults():
    result = _load_settings({"DJANGO_ENV": "development", "SECRET_KEY": ""})
    assert result.returncode == 0, result.stderr


def test_deploy_checklist_is_clean_with_production_settings():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_environment_variables_reach_the_settings():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'], "
        "s.EMAIL_BACKEND, s.TASKS['default']['BACKEND'], s.ELASTICSEARCH_URL)"
    )
    result = _run(
        ["-c", code],
        {
            **PRODUCTION_ENV,
            "DATABASE_URL": "postgres://u:p@db.internal:5432/help",
            "REDIS_URL": "redis://cache.internal:6379/0",
            "EMAIL_URL": "smtp://mailer:secret@smtp.internal:587/?tls=True",
            "ELASTICSEARCH_URL": "http://search.internal:9200",
        },
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "django_redis.cache.RedisCache",
        "django.core.mail.backends.smtp.EmailBackend",
        "django_tasks_db.DatabaseBackend",
        "http://search.internal:9200",
    ]


def test_tests_run_with_fast_hasher_and_immediate_tasks():
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert settings.TASKS["default"]["BACKEND"].endswith("ImmediateBackend")
    assert not settings.DEBUG


def test_production_serves_static_files_with_hashed_names(tmp_path):
    code = (
        "import django; django.setup(); "
        "from django.core.management import call_command; "
        "call_command('collectstatic', interactive=False, verbosity=0); "
        "from django.templatetags.static import static; print(static('css/site.css'))"
    )
    result = _run(["-c", code], {**PRODUCTION_ENV, "STATIC_ROOT": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    url = result.stdout.strip()
    assert re.fullmatch(r"/static/css/site\.[0-9a-f]{12}\.css", url), url
    assert (tmp_path / url.removeprefix("/static/")).exists()
    assert (tmp_path / (url.removeprefix("/static/") + ".gz")).exists()  # WhiteNoise


def test_the_test_runner_has_settings_of_its_own():
    assert settings.SETTINGS_MODULE == "site_config.settings_test"
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_no_environment_variable_gives_a_server_the_test_settings():
    result = _load_settings({**PRODUCTION_ENV, "DJANGO_ENV": "test"})
    assert result.returncode != 0
    assert "DJANGO_ENV must be development or production" in result.stderr


@pytest.mark.parametrize(
    "args",
    [["-c", "import site_config.wsgi"], ["-c", "import site_config.asgi"]],
    ids=["wsgi", "asgi"],
)
def test_a_server_refuses_the_test_settings(args):
    result = _run(args, {"DJANGO_SETTINGS_MODULE": "site_config.settings_test"})
    assert result.returncode != 0
    assert "site_config.settings_test cannot serve" in result.stderr


def test_runserver_refuses_the_test_settings():
    result = _run(
        ["manage.py", "runserver", "127.0.0.1:1", "--noreload"],
        {"DJANGO_SETTINGS_MODULE": "site_config.settings_test"},
    )
    assert result.returncode != 0
    assert "the test runner's: serve with site_config.settings" in result.stderr


def test_production_hashes_passwords_with_a_slow_hasher():
    code = "import django; django.setup(); from django.conf import settings as s; "
    result = _run(["-c", code + "print(s.PASSWORD_HASHERS[0])"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "MD5" not in result.stdout and "Hasher" in result.stdout
