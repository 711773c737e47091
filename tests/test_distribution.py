"""How ``make test`` hands tests to its workers (``tests/distribution.py`` with pytest-xdist's
``--dist loadgroup``): the tests that share a world built for their module run on one worker,
so the world is built once (a package's world: one worker for all its modules), and the
others are sent one by one. A small suite of its own runs here in a child pytest, as the
real one does. Which worker takes an ungrouped test depends on timing, so what is checked
for those is that xdist got them without a group."""

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


def _run(tmp_path: Path) -> dict[str, dict[str, set[str]]]:
    """By test function: the groups its tests were sent in (the ``@group`` xdist adds to
    their ids, "" for none) and the workers they ran on."""
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
    found: dict[str, dict[str, set[str]]] = {}
    for worker, test in re.findall(r"\[(gw\d)\] \[ *\d+%\] PASSED (\S+)", result.stdout):
        function, _parameters = test.split("[", 1)
        group = _parameters.partition("@")[2]
        seen = found.setdefault(function, {"groups": set(), "workers": set()})
        seen["groups"].add(group)
        seen["workers"].add(worker)
    assert sum(1 for _ in re.finditer(r" PASSED ", result.stdout)) == 44, result.stdout
    return found


def test_tests_sharing_a_world_are_sent_together_and_the_rest_one_by_one(tmp_path):
    found = _run(tmp_path)
    for module in ("test_a.py", "test_b.py"):
        world = found[f"{module}::test_in_the_world"]
        assert world["groups"] == {f"{module}:2"}, found  # no database mark: pytest-django's 2
        assert len(world["workers"]) == 1, found
        for kind in ("alone", "with_a_module_fixture_that_writes_nothing"):
            assert found[f"{module}::test_{kind}"]["groups"] == {""}, found
    # A package's world: all its modules' tests in one group, on one worker.
    c = found["package/test_c.py::test_in_the_package_world"]
    d = found["package/test_d.py::test_in_the_package_world"]
    assert c["groups"] == d["groups"] == {"package:2"}, found
    assert len(c["workers"] | d["workers"]) == 1, found
