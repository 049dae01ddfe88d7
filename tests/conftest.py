"""Shared fixtures: real servers on free ports, each with its own var/ dir."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, Iterator, Optional

import pytest

from bot import stack
from bot.stack import Servers, free_port

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
pytest_plugins = ["tests.hazard_plugin"]
ROOT = Path(__file__).resolve().parent.parent
__all__ = ["ROOT", "Servers", "free_port", "start_servers"]


def start_servers(var_dir: Path, env: Optional[Dict[str, str]] = None, **ports: int) -> Servers:
    """Start the action server and the Rasa server (see bot.stack.start_servers;
    `rasa_port=` / `action_port=` fix the ports when a URL must be known first)."""
    try:
        return stack.start_servers(var_dir, env, **ports)
    except stack.StackError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """The action server and the Rasa server (REST + socket.io) with a SQLite tracker store."""
    running = start_servers(tmp_path_factory.mktemp("var"))
    yield running
    running.stop()
