"""Rasa's own checks: data validation and the end-to-end test stories."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import MODEL_PATH, ROOT, child_env


def rasa(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rasa", *args], cwd=ROOT, env=child_env(LOG_LEVEL="INFO"), capture_output=True,
                          text=True, timeout=900)  # fmt: skip


@pytest.mark.slow
def test_training_data_validates_without_warnings() -> None:
    result = rasa("data", "validate", "--fail-on-warnings", "--domain", "domain.yml", "--data", "data")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.mark.slow
def test_end_to_end_test_stories_pass(tmp_path: Path) -> None:
    assert MODEL_PATH.is_file()
    result = rasa(
        "test", "core", "--stories", "tests/test_stories.yml", "--model", str(MODEL_PATH), "--endpoints",
        "endpoints.yml", "--fail-on-prediction-errors", "--out", str(tmp_path),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Correct:" in result.stdout + result.stderr
