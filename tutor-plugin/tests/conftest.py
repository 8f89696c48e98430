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
        root = Root(tmp_path / f"root{count}")
        root.tutor("plugins", "enable", "mfe", "microcreds")
        root.save(*settings)
        return root

    return make


@pytest.fixture
def root(make_root) -> Root:
    return make_root()
