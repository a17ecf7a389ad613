"""The README's commands, seen from outside: they refuse clearly without Odoo,
reuse their cluster, and leave the browser tours a browser to run in."""

import importlib.util
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("script", ["setup/test.sh", "setup/run.sh"])
def test_without_odoo_the_commands_stop_with_one_clear_line(tmp_path, script):
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "ODOO_SRC": str(tmp_path / "no-odoo-here"),
    }
    result = subprocess.run(
        ["bash", str(ROOT / script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Odoo 18 not found: set ODOO_SRC" in lines[0]
    assert not (tmp_path / ".venv").exists()


def test_commands_are_idempotent_about_their_cluster():
    """The cluster that the test command started is reused, not re-created."""
    state = ROOT / ".local"
    assert (state / "pgdata" / "PG_VERSION").is_file()
    result = subprocess.run(
        ["bash", "-c", "source setup/lib.sh; setup_all 2>&1"],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "creating" not in result.stdout
    assert "starting PostgreSQL" not in result.stdout


def test_the_browser_tours_have_their_browser():
    """Odoo skips its browser tours, silently, without a Chromium on the PATH
    or the websocket-client module: the test command installs both."""
    assert shutil.which("chromium"), "chromium is not installed"
    assert importlib.util.find_spec("websocket"), "websocket-client is missing"
