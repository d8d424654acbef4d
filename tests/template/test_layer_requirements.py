"""The layer's requirements.txt is `make lock`'s output for pyproject.toml's dependencies.

pyproject.toml is the one dependency list; a change to it without `make lock` would deploy the
old pins, so it fails here first.
"""

from __future__ import annotations

import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.template.support import ROOT

REQUIREMENTS = ROOT / "layers" / "common" / "requirements.txt"


def declared() -> dict[str, str]:
    """pyproject.toml's runtime dependencies: name -> pin."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = [Requirement(line) for line in project["dependencies"]]
    return {canonicalize_name(r.name): str(r.specifier) for r in requirements}


def locked() -> tuple[dict[str, str], set[str]]:
    """requirements.txt: every pin (name -> pin), and the names it says pyproject.toml asked for."""
    pins: dict[str, str] = {}
    direct: set[str] = set()
    name = ""
    for line in REQUIREMENTS.read_text().splitlines():
        text = line.strip()
        if text and not text.startswith("#"):
            requirement = Requirement(text)
            name = canonicalize_name(requirement.name)
            pins[name] = str(requirement.specifier)
        elif text.endswith("(pyproject.toml)"):
            direct.add(name)
    return pins, direct


def test_given_pyproject_dependencies_when_the_layer_is_locked_then_each_has_the_same_pin():
    # Given
    wanted = declared()
    assert wanted, "pyproject.toml declares no dependencies"

    # When
    pins, _ = locked()

    # Then
    for name, pin in wanted.items():
        assert pin.startswith("=="), f"{name} is not pinned in pyproject.toml"
        assert pins.get(name) == pin, f"{name}{pin} is not in requirements.txt: run `make lock`"


def test_given_the_lock_when_read_then_it_holds_no_direct_dependency_pyproject_dropped():
    # When
    pins, direct = locked()

    # Then every pin is exact, and what it took from pyproject.toml is still declared there
    assert all(pin.startswith("==") for pin in pins.values()), pins
    assert direct == set(declared()), "requirements.txt is stale: run `make lock`"


def test_given_the_lock_when_read_then_it_says_how_it_was_made():
    assert "make lock" in REQUIREMENTS.read_text().splitlines()[1]
