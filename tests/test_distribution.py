"""How ``make test`` hands tests to its workers (``tests/distribution.py`` with pytest-xdist's
``--dist loadgroup``): the tests that share a world built for their module run on one worker,
so the world is built once (a package's world: one worker for all its modules), and the
others are spread one by one. A small suite of its own runs here in a child pytest, as the
real one does."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CONFTEST = '''
import pytest

@pytest.fixture(scope="session")
def django_db_setup():
    """Stands in for pytest-django's: what a world writes to."""

@pytest.fixture(scope="module")
def world(django_db_setup):
    return object()

@pytest.fixture(scope="module")
def settings_read_once():
    return {}
'''

PACKAGE_CONFTEST = """
import pytest

@pytest.fixture(scope="package")
def package_world(django_db_setup):
    return object()
"""

PACKAGE_MODULE = """
import pytest

@pytest.mark.parametrize("n", range(4))
def test_in_the_package_world(package_world, n):
    pass
"""

MODULE = """
import pytest

@pytest.mark.parametrize("n", range(6))
def test_in_the_world(world, n):
    pass

@pytest.mark.parametrize("n", range(6))
def test_with_a_module_fixture_that_writes_nothing(settings_read_once, n):
    pass

@pytest.mark.parametrize("n", range(6))
def test_alone(n):
    pass
"""


def _run(tmp_path: Path) -> dict[str, set[str]]:
    """The workers each test ran on, by test function."""
    (tmp_path / "conftest.py").write_text(CONFTEST)
    for name in ("test_a.py", "test_b.py"):
        (tmp_path / name).write_text(MODULE)
    package = tmp_path / "package"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "conftest.py").write_text(PACKAGE_CONFTEST)
    for name in ("test_c.py", "test_d.py"):
        (package / name).write_text(PACKAGE_MODULE)
    # The same distribution arguments as the Makefile's PYTEST_DIST.
    argv = [sys.executable, "-m", "pytest", "-p", "tests.distribution", "-p", "no:django"]
    argv += ["-p", "no:cacheprovider", "-n", "2", "--dist", "loadgroup"]
    argv += ["--no-loadscope-reorder", "-v", "-o", "addopts=", str(tmp_path)]
    result = subprocess.run(
        argv,
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    workers: dict[str, set[str]] = {}
    for worker, test in re.findall(r"\[(gw\d)\] \[ *\d+%\] PASSED (\S+)", result.stdout):
        function = test.split("[", 1)[0]
        workers.setdefault(function, set()).add(worker)
    assert sum(1 for _ in re.finditer(r" PASSED ", result.stdout)) == 44, result.stdout
    return workers


def test_tests_sharing_a_module_world_run_on_one_worker_and_the_rest_are_spread(tmp_path):
    workers = _run(tmp_path)
    for module in ("test_a.py", "test_b.py"):
        assert len(workers[f"{module}::test_in_the_world"]) == 1, workers
    # A package's world: all its modules' tests on one worker.
    package = workers["package/test_c.py::test_in_the_package_world"]
    assert package == workers["package/test_d.py::test_in_the_package_world"], workers
    assert len(package) == 1, workers
    # Spread over both workers: nothing keeps them together.
    alone = set().union(
        *(
            workers[f"{module}::test_{kind}"]
            for module in ("test_a.py", "test_b.py")
            for kind in ("alone", "with_a_module_fixture_that_writes_nothing")
        )
    )
    assert alone == {"gw0", "gw1"}, workers
