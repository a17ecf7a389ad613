"""The README's commands, seen from outside: they get Odoo when none is given or
found, refuse clearly when they cannot, reuse their cluster, and leave the browser
tours a browser to run in."""

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


def _official_odoo_stand_in(tmp_path):
    """A local git repository standing in for github.com/odoo/odoo: an 18.0 tree
    (its release file is what the commands check), one commit on top of another."""
    repo = tmp_path / "official-odoo"
    (repo / "odoo").mkdir(parents=True)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    release = repo / "odoo" / "release.py"
    commits = []
    for series in ("17.0", "18.0"):
        release.write_text(f'series = serie = major_version = "{series}"\n')
        subprocess.run([*git, "add", "-A"], check=True)
        subprocess.run([*git, "commit", "-qm", series], check=True)
        commits.append(
            subprocess.run(
                [*git, "rev-parse", "HEAD"], capture_output=True, text=True, check=True
            ).stdout.strip()
        )
    return repo, commits


def _find_odoo(project, tmp_path, **env):
    """`find_odoo` of a copy of the project's set-up, with no tree given or found."""
    environ = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "ODOO_DEFAULT_SRC": str(tmp_path / "no-odoo-here"),
        **env,
    }
    return subprocess.run(
        ["bash", "-c", 'source setup/lib.sh && find_odoo && echo "$ODOO_PKG_PARENT"'],
        cwd=project,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def project(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "setup", project / "setup")
    return project


def test_with_no_odoo_anywhere_the_official_source_is_got_once(tmp_path, project):
    repo, (_old, pinned) = _official_odoo_stand_in(tmp_path)
    url = f"file://{repo}"
    first = _find_odoo(project, tmp_path, ODOO_GIT_URL=url, ODOO_GIT_COMMIT=pinned)
    assert first.returncode == 0, first.stderr
    fetched = project / ".local" / "odoo"
    assert first.stdout.strip() == str(fetched)
    assert f"getting Odoo 18.0 Community {pinned} from {url}" in first.stderr
    assert '"18.0"' in (fetched / "odoo" / "release.py").read_text()
    assert not (project / ".local" / "odoo.partial").exists()

    again = _find_odoo(project, tmp_path, ODOO_GIT_URL=url, ODOO_GIT_COMMIT=pinned)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == str(fetched)
    assert "getting Odoo" not in again.stderr


def test_the_councils_own_tree_wins_over_the_official_source(tmp_path, project):
    repo, (_old, pinned) = _official_odoo_stand_in(tmp_path)
    own = tmp_path / "council-odoo"
    (own / "odoo").mkdir(parents=True)
    (own / "odoo" / "release.py").write_text('series = "18.0"\n')
    result = _find_odoo(
        project,
        tmp_path,
        ODOO_SRC=str(own),
        ODOO_GIT_URL=f"file://{repo}",
        ODOO_GIT_COMMIT=pinned,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(own)
    assert not (project / ".local" / "odoo").exists()


def test_the_pinned_commit_is_what_is_used(tmp_path, project):
    """A pinned commit that is not 18.0 is refused: what runs is what was pinned,
    not whatever the repository's branch holds today."""
    repo, (old, _newest) = _official_odoo_stand_in(tmp_path)
    result = _find_odoo(
        project, tmp_path, ODOO_GIT_URL=f"file://{repo}", ODOO_GIT_COMMIT=old
    )
    assert result.returncode == 2
    assert "is version '17.0', not 18.0" in result.stderr


def test_without_a_network_the_commands_stop_with_one_clear_line(tmp_path, project):
    result = _find_odoo(
        project,
        tmp_path,
        ODOO_GIT_URL=f"file://{tmp_path}/unreachable",
        ODOO_GIT_COMMIT="5500e239e4bfb76eca3515dba02d0f1668810b58",
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "getting it from" in lines[0]
    assert "set ODOO_SRC to an Odoo 18.0 source tree" in lines[0]
    assert not (project / ".local" / "odoo").exists()
    assert not (project / ".local" / "odoo.partial").exists()


@pytest.mark.parametrize("script", ["setup/test.sh", "setup/run.sh"])
def test_with_no_tree_and_no_network_the_commands_stop_at_once(
    tmp_path, project, script
):
    result = subprocess.run(
        ["bash", script],
        cwd=project,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "ODOO_DEFAULT_SRC": str(tmp_path / "no-odoo-here"),
            "ODOO_GIT_URL": f"file://{tmp_path}/unreachable",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "set ODOO_SRC" in result.stderr
    assert not (project / ".venv").exists()


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
