"""Shared fixtures: a CLI runner, a small-plan writer, and a guard on the real clock."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from helpers import REPO, make_portfolio

from sendplan import cli
from sendplan.cli import options


@pytest.fixture(autouse=True)
def _no_real_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any test that forgets --as-of fails instead of depending on the day it runs."""

    def refuse() -> date:
        raise AssertionError("a test reached the real clock: pass --as-of")

    monkeypatch.setattr(options, "today", refuse)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see the developer's own plan settings or colour preferences."""
    monkeypatch.delenv("SENDPLAN_PLAN", raising=False)
    monkeypatch.delenv("SENDPLAN_MAX_BYTES", raising=False)


@pytest.fixture(autouse=True)
def _private_cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Each test gets its own empty plan cache, never the developer's ~/.cache/sendplan."""
    directory = tmp_path_factory.mktemp("cache")
    monkeypatch.delenv("SENDPLAN_NO_CACHE", raising=False)
    monkeypatch.setenv("SENDPLAN_CACHE_DIR", str(directory))
    return directory


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def run(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run sendplan with arguments from an empty folder (so ./plan.yaml is not picked up)."""
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(cli.cli, list(args), input=input, env=env, catch_exceptions=False)

    return invoke


@pytest.fixture
def write_plan(tmp_path: Path) -> Callable[..., Path]:
    """Write dedented YAML text to a file in tmp_path and return its path."""

    def write(text: str, name: str = "plan.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def bundled_plan() -> Path:
    return REPO / "plan.yaml"


@pytest.fixture
def plan_copy(tmp_path: Path, bundled_plan: Path) -> Path:
    """tmp_path/plan.yaml: a copy of the bundled plan to edit."""
    path = tmp_path / "plan.yaml"
    shutil.copy(bundled_plan, path)
    return path


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    """tmp_path/plans: the bundled plan as recovery.yaml and the small DSG plan as dsg.yaml."""
    return make_portfolio(tmp_path / "plans")
