"""benchmarks/no_amx.py: the command it runs cannot get AMX, and runs otherwise unchanged."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "no_amx.py"
PROBE = (
    f"import sys; sys.path.insert(0, {str(SCRIPT.parent)!r}); import no_amx; "
    "print(no_amx.amx_granted())"
)

pytestmark = pytest.mark.skipif(
    sys.platform != "linux" or os.uname().machine != "x86_64", reason="Linux x86-64 only"
)


def test_the_command_runs_with_amx_refused_and_its_exit_status_kept():
    run = subprocess.run(
        [sys.executable, str(SCRIPT), sys.executable, "-c", PROBE + "; sys.exit(3)"],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 3
    assert run.stdout.strip() == "False"


def test_amx_is_granted_without_it_where_the_cpu_has_amx():
    flags = Path("/proc/cpuinfo").read_text()
    if "amx_tile" not in flags:
        pytest.skip("this CPU has no AMX")
    run = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True)
    assert run.stdout.strip() == "True"
