"""Whether a process of this machine is still running (a run marked running in the store, an
export folder's leftovers)."""

from __future__ import annotations

import os


def pid_alive(pid: int | None) -> bool:
    """True when process `pid` exists on this machine (also when it is another user's)."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
