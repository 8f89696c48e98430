"""Fixtures: real Tutor (from PyPI, in .venv-tutor) renders real project roots in temporary
directories; nothing of Tutor is mocked. Docker is never called: only `tutor config save`,
which writes config.yml and the env/ tree the images and containers would be built from."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

PLUGIN_DIR = Path(__file__).resolve().parents[1]
REPO = PLUGIN_DIR.parent
TUTOR = str(Path(sys.executable).with_name("tutor"))


@dataclass
class Root:
    path: Path

    def tutor(self, *args: str) -> str:
        env = {**os.environ, "TUTOR_ROOT": str(self.path)}
        done = subprocess.run(
            [TUTOR, *args], env=env, capture_output=True, text=True, timeout=120, check=False
        )
        assert done.returncode == 0, f"tutor {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def save(self, *settings: str) -> None:
        """`tutor config save`, with `--set NAME=VALUE` for each setting given."""
        args = ["config", "save"]
        for setting in settings:
            args += ["--set", setting]
        self.tutor(*args)

    def read(self, *parts: str) -> str:
        return self.path.joinpath(*parts).read_text(encoding="utf-8")

    def env(self, *parts: str) -> str:
        return self.read("env", *parts)

    def config(self) -> dict:
        import yaml

        return yaml.safe_load(self.read("config.yml"))


@pytest.fixture
def make_root(tmp_path: Path) -> Callable[..., Root]:
    """A new project root with the mfe and microcreds plugins enabled and saved."""
    count = 0

    def make(*settings: str) -> Root:
        nonlocal count
        count += 1
        return new_root(tmp_path / f"root{count}", settings)

    return make


def new_root(path: Path, settings: tuple[str, ...] = ()) -> Root:
    root = Root(path)
    root.tutor("plugins", "enable", "mfe", "microcreds")
    # Enabling renders the environment but keeps no unique value: Tutor generates and stores
    # MICROCREDS_SECRET_KEY on `config save` (which `tutor local launch` runs too).
    root.save(*settings)
    return root


@pytest.fixture(scope="session")
def root(tmp_path_factory) -> Root:
    """A root with the default configuration, shared by the tests that only read it."""
    return new_root(tmp_path_factory.mktemp("default-root"))
