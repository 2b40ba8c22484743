import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "prompts" / "reviews.yaml"
# Written for the tests in the format of GLUE SST-2 (see tests/data/README.md): a fresh
# clone needs nothing beside it.
SST2_FORMAT = ROOT / "tests" / "data" / "reviews-sst2-format.tsv"


@pytest.fixture(scope="session", autouse=True)
def _hashed_home(tmp_path_factory):
    """A home whose sha256 cache already knows the default model (hashing it takes a
    while). It is also the home of module-scoped fixtures, which pass their own --store:
    no test ever touches the user's own store."""
    import os

    from greenprompt.inputs.model_specs import resolve_model

    home = tmp_path_factory.mktemp("hashed-home")
    previous = os.environ.get("GREENPROMPT_HOME")
    os.environ["GREENPROMPT_HOME"] = str(home)
    resolve_model()
    from greenprompt.inputs.aliases import ALIASES, is_installed

    if is_installed(ALIASES["gemma3-270m"]):
        resolve_model("gemma3-270m")  # assembles it once (outside any home) and hashes it here
    yield home
    if previous is None:
        os.environ.pop("GREENPROMPT_HOME")
    else:
        os.environ["GREENPROMPT_HOME"] = previous


@pytest.fixture(autouse=True)
def _isolated_home(_hashed_home, tmp_path, monkeypatch):
    # Every test gets its own run store and caches, never the user's, and no cache hits
    # from other tests: each test generates what it checks.
    home = tmp_path / "greenprompt-home"
    shutil.copytree(_hashed_home, home)
    # nor a token-energy calibration, kept dataset rows or token counts left by an earlier
    # (module-scoped) test: whether a test reads its dataset through `datasets` or counts
    # tokens with the encoder must not depend on the order tests run in
    from greenprompt.engine.calibration import CALIBRATION_FILE
    from greenprompt.inputs.tokens import COUNTS_FILE

    (home / CALIBRATION_FILE).unlink(missing_ok=True)
    (home / COUNTS_FILE).unlink(missing_ok=True)
    shutil.rmtree(home / "datasets", ignore_errors=True)
    monkeypatch.setenv("GREENPROMPT_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def ray_cluster(_hashed_home):
    """One Ray cluster for every Ray test of the session (starting one costs ~4 s and 0.6 GB
    here): two nodes of one CPU each on 127.0.0.1, no dashboard, no usage statistics, this
    process connected to it. Ray's workers import the tests' fakes (PYTHONPATH set before
    the nodes start). Tests using it are in the xdist_group "ray", so one worker owns it."""
    import os

    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    # else ray.init turns the 127.0.0.1 address into the machine's (engine.ray_executor.import_ray)
    os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT / "tests"), str(ROOT), os.environ.get("PYTHONPATH")) if p)
    import ray
    from ray.cluster_utils import Cluster

    # a removed node is noticed within ~1.5 s (the default health check takes ~15 s)
    fast = {"health_check_period_ms": 500, "health_check_failure_threshold": 3}
    cluster = Cluster(initialize_head=True, head_node_args={
        "num_cpus": 1, "node_ip_address": "127.0.0.1", "include_dashboard": False, "_system_config": fast,
    })
    cluster.add_node(num_cpus=1, node_ip_address="127.0.0.1")
    ray.init(address=cluster.address, _node_ip_address="127.0.0.1", log_to_driver=False)
    cluster.wait_for_nodes()
    yield cluster
    ray.shutdown()
    cluster.shutdown()
