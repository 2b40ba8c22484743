"""Option groups that `compare` and `optimize` share beyond the inputs: where the generations
run (the executor: this process or a Ray cluster) and the hosted models the measured answers
are projected onto (EcoLogits). Declared once here, like every option (greenprompt.records.options);
`Config` and `OptimizeConfig` inherit them, so each is a CLI option, an experiment-file key,
a GREENPROMPT_* variable and an API keyword of both commands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from greenprompt.records.options import _at_least, option

LOCAL, RAY = "local", "ray"
EXECUTORS = (LOCAL, RAY)
_NODE_CARBON = re.compile(r"^[^=\s]+=\d+(\.\d+)?$")
_PROVIDER_MODEL = re.compile(r"^[^/\s]+/\S+$")
HOSTED_PREFIX = "hosted:"  # --frontier-on hosted:PROVIDER/MODEL


def _node_carbon_ok(value: Any) -> bool:
    return all(isinstance(v, str) and _NODE_CARBON.match(v) for v in value)


def _hosted_ok(value: Any) -> bool:
    return all(isinstance(v, str) and _PROVIDER_MODEL.match(v) for v in value)


def _frontier_on_ok(value: Any) -> bool:
    return value is None or value == LOCAL or (
        isinstance(value, str) and value.startswith(HOSTED_PREFIX) and bool(_PROVIDER_MODEL.match(value[len(HOSTED_PREFIX):]))
    )


@dataclass(frozen=True)
class ExecutionConfig:
    """Where the planned generations run. Planning, the cache, resume, racing and the store
    stay in the driver whichever executor runs them."""

    executor: str = option(
        LOCAL,
        "Where the generations run: local (this process) or ray (model-holding Ray actors; needs greenprompt-cli[ray]).",
        choices=EXECUTORS,
    )
    ray_address: str | None = option(
        None, "With --executor ray: the cluster to join (auto: the running one; default: start a local Ray instance on 127.0.0.1)."
    )
    workers: int | None = option(
        None,
        "With --executor ray: model-holding actors (default: as many as the cluster's CPUs allow at --threads each).",
        check=(_at_least(1), "--workers must be at least 1, got {value}"),
    )
    node_carbon: tuple = option(
        (),
        "With --executor ray: HOST=G_PER_KWH, the grid carbon intensity of one node by host name (repeatable; "
        "nodes not named use the run's intensity).",
        check=(_node_carbon_ok, "--node-carbon: give HOST=G_PER_KWH (a host name and gCO2e/kWh), got {value!r}"),
    )


@dataclass(frozen=True)
class HostedConfig:
    """Hosted models the local answers are projected onto with EcoLogits (never measured)."""

    hosted: tuple = option(
        (),
        "PROVIDER/MODEL: project each variant's energy and carbon per query on this hosted model with EcoLogits, from the "
        "local answers' token counts (repeatable; needs greenprompt-cli[hosted]).",
        check=(_hosted_ok, "--hosted: give PROVIDER/MODEL, e.g. openai/gpt-4o-mini, got {value!r}"),
    )
    hosted_zone: str | None = option(
        None,
        "ISO 3166 alpha-3 electricity mix for the hosted projections (default: the provider's own data-centre zone "
        "as EcoLogits defines it; --country describes the local grid).",
    )
    frontier_on: str | None = option(
        None,
        "The carbon the frontier ranks on: local (measured, the default) or hosted:PROVIDER/MODEL (projected on that "
        "hosted model, which must also be given with --hosted).",
        check=(_frontier_on_ok, "--frontier-on: give local or hosted:PROVIDER/MODEL, got {value!r}"),
    )
