"""Supported Python versions and the licence, as pyproject.toml, the Makefile and README state them.

The Makefile tests run the real `make` against the project's Makefile in a throwaway directory,
with a PATH and a pyenv root that hold only the interpreters each test puts there, so the
machine's own Pythons cannot answer in their place.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SUPPORTED = ("3.11", "3.12", "3.13")
MAKE = shutil.which("make")
needs_make = pytest.mark.skipif(MAKE is None, reason="GNU make is not installed")


def test_requires_python_admits_exactly_311_to_313():
    specifier = SpecifierSet(PYPROJECT["project"]["requires-python"])
    for version in SUPPORTED:
        assert specifier.contains(f"{version}.0")
        assert specifier.contains(f"{version}.99")
    for version in ("3.10.14", "3.14.0", "4.0.0"):
        assert not specifier.contains(version)


def test_classifiers_and_ruff_target_follow_requires_python():
    classifiers = PYPROJECT["project"]["classifiers"]
    listed = [c.rsplit(" :: ", 1)[1] for c in classifiers if re.fullmatch(r".*:: 3\.\d+", c)]
    assert tuple(listed) == SUPPORTED
    # Ruff must not suggest syntax that the oldest supported version lacks.
    assert PYPROJECT["tool"]["ruff"]["target-version"] == "py311"


def test_the_running_interpreter_is_a_supported_one():
    assert f"{sys.version_info.major}.{sys.version_info.minor}" in SUPPORTED


def test_the_licence_is_the_complete_eupl_1_2():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("EUROPEAN UNION PUBLIC LICENCE v. 1.2\n")
    headings = [
        "Definitions",
        "Scope of the rights granted by the Licence",
        "Communication of the Source Code",
        "Limitations on copyright",
        "Obligations of the Licensee",
        "Chain of Authorship",
        "Disclaimer of Warranty",
        "Disclaimer of Liability",
        "Additional agreements",
        "Acceptance of the Licence",
        "Information to the public",
        "Termination of the Licence",
        "Miscellaneous",
        "Jurisdiction",
        "Applicable Law",
    ]
    positions = [
        text.index(f"\n{number}.{heading}\n") for number, heading in enumerate(headings, 1)
    ]
    assert positions == sorted(positions)
    appendix = text.index("Appendix", positions[-1])
    assert "‘Compatible Licences’ according to Article 5 EUPL are:" in text[appendix:]
    assert "European Union Public Licence (EUPL) v. 1.1, v. 1.2" in text[appendix:]
    assert text.rstrip().endswith("require the production of a new EUPL version.")


def test_package_metadata_and_readme_name_the_licence():
    project = PYPROJECT["project"]
    assert project["license"] == "EUPL-1.2"
    assert project["license-files"] == ["LICENSE"]
    # An SPDX expression and a licence classifier together are refused by setuptools and PyPI.
    assert not [c for c in project["classifiers"] if c.startswith("License ::")]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Licence\n", 1)[1].split("\n## ", 1)[0]
    assert "EUPL-1.2" in section
    assert "[LICENSE](LICENSE)" in section


def _interpreter(path: Path, target: str) -> Path:
    """A real interpreter under another name, as a distribution or pyenv installs it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target)
    return path


def _make(tmp_path: Path, *args: str, env: dict[str, str] | None = None):
    """Run the project's Makefile in tmp_path, seeing only the interpreters under tmp_path."""
    (tmp_path / "bin").mkdir(exist_ok=True)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    environment = {
        "PATH": str(tmp_path / "bin"),
        "HOME": str(tmp_path),
        "PYENV_ROOT": str(tmp_path / "pyenv"),
        **(env or {}),
    }
    return subprocess.run(
        [MAKE, "--no-print-directory", "-f", str(ROOT / "Makefile"), *args],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _chosen_python(tmp_path: Path) -> str:
    result = _make(tmp_path, "--eval", "chosen-python: ; $(info $(PYTHON))", "chosen-python")
    assert result.returncode == 0, result.stderr
    # make adds "'chosen-python' is up to date." after the printed value.
    return result.stdout.splitlines()[0]


@needs_make
def test_make_skips_a_pyenv_shim_that_does_not_run(tmp_path):
    # pyenv's shim for a version that is installed but not activated exits 127 with a hint; make
    # must pass over it to the interpreter itself in pyenv's versions.
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    shim = tmp_path / "bin" / f"python{version}"
    shim.parent.mkdir(parents=True)
    shim.write_text(f"#!/bin/sh\necho 'pyenv: python{version}: command not found' >&2\nexit 127\n")
    shim.chmod(0o755)
    installed = _interpreter(
        tmp_path / "pyenv" / "versions" / f"{version}.1" / "bin" / f"python{version}",
        sys.executable,
    )
    assert _chosen_python(tmp_path) == str(installed)


@needs_make
def test_make_finds_an_interpreter_that_pyenv_installed_but_did_not_activate(tmp_path):
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    installed = _interpreter(
        tmp_path / "pyenv" / "versions" / f"{version}.1" / "bin" / f"python{version}",
        sys.executable,
    )
    assert _chosen_python(tmp_path) == str(installed)


@needs_make
def test_make_prefers_the_newest_supported_interpreter(tmp_path):
    found = {
        version: path for version in SUPPORTED if (path := _system_python(version)) is not None
    }
    if len(found) < 2:
        pytest.skip("needs two supported Python versions on this machine")
    for version, path in found.items():
        _interpreter(tmp_path / "bin" / f"python{version}", path)
    newest = max(found, key=lambda version: tuple(map(int, version.split("."))))
    assert _chosen_python(tmp_path) == str(tmp_path / "bin" / f"python{newest}")


@needs_make
def test_make_refuses_in_german_when_no_supported_python_is_found(tmp_path):
    result = _make(tmp_path, "VENV=venv", "venv/bin/.installed")
    assert result.returncode != 0
    assert "Kollegium braucht Python 3.11, 3.12 oder 3.13; gefunden wurde keines." in result.stderr
    assert "make PYTHON=/pfad/zu/python3.13" in result.stderr
    assert not (tmp_path / "venv").exists()


@needs_make
def test_make_refuses_in_german_an_unsupported_python3(tmp_path):
    old = _system_python("3.10")
    if old is None:
        pytest.skip("needs a Python 3.10 on this machine")
    _interpreter(tmp_path / "bin" / "python3", old)
    result = _make(tmp_path, "VENV=venv", "venv/bin/.installed")
    assert result.returncode != 0
    assert "Kollegium braucht Python 3.11, 3.12 oder 3.13 (gefunden: python3, Version 3.10." in (
        result.stderr
    )
    assert not (tmp_path / "venv").exists()


@needs_make
def test_the_second_python_run_is_skipped_loudly_outside_ci(tmp_path):
    result = _make(tmp_path, "quick-test-3.13")
    assert result.returncode == 0, result.stderr
    assert "Python 3.13 nicht gefunden, der Schnelltest damit entfällt." in result.stderr
    assert not (tmp_path / ".venv-3.13").exists()


@needs_make
def test_the_second_python_run_fails_in_ci_when_its_interpreter_is_missing(tmp_path):
    result = _make(tmp_path, "quick-test-3.13", env={"CI": "true"})
    assert result.returncode != 0
    assert "Python 3.13 fehlt; in CI ist der Lauf damit Pflicht." in result.stderr
    assert not (tmp_path / ".venv-3.13").exists()


def _system_python(version: str) -> str | None:
    """The executable of a real interpreter of this version on the machine, found as make does.

    pyenv's shims need pyenv's own root, which the tests replace, so the interpreter behind the
    shim is returned.
    """
    if MAKE is None:
        return None
    # Only PATH and HOME/PYENV_ROOT: flags of an outer make (`make -n test`) must not leak in.
    environment = {
        name: os.environ[name] for name in ("PATH", "HOME", "PYENV_ROOT") if name in os.environ
    }
    found = (
        subprocess.run(
            [
                MAKE,
                "--no-print-directory",
                "-f",
                str(ROOT / "Makefile"),
                "--eval",
                f"found: ; $(info $(call python_for,{version}))",
                "found",
            ],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        .stdout.splitlines()[0]
        .strip()
    )
    if not found:
        return None
    return subprocess.run(
        [found, "-c", "import sys; print(sys.executable)"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.strip()


@needs_make
@pytest.mark.parametrize("version", ["3.10", "3.14", "x"])
def test_the_second_python_run_refuses_an_unsupported_version(tmp_path, version):
    result = _make(tmp_path, f"quick-test-{version}", env={"CI": "true"})
    assert result.returncode != 0
    assert f"Python {version} wird nicht unterstützt; möglich sind 3.11, 3.12 und 3.13." in (
        result.stderr
    )
    assert not (tmp_path / f".venv-{version}").exists()


@needs_make
def test_a_dry_run_of_the_second_python_run_changes_nothing(tmp_path):
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    _interpreter(tmp_path / "bin" / f"python{version}", sys.executable)
    result = _make(tmp_path, "-n", f"quick-test-{version}")
    assert result.returncode == 0, result.stderr
    assert f"-m venv .venv-{version}" in result.stdout
    assert not (tmp_path / f".venv-{version}").exists()
