"""EcoLogits (GenAI Impact, MPL-2.0), the optional dependency behind `--hosted`: its registry
of hosted models and electricity mixes, checked before any generation, and its per-request
estimate. Everything comes from data bundled in the wheel: no network at any point.

EcoLogits is imported lazily (extra `[hosted]`): a run without `--hosted` never loads it.
"""

from __future__ import annotations

import dataclasses
import difflib
import logging
import math
from typing import Any, Sequence

from greenprompt.records.config_groups import HOSTED_PREFIX, LOCAL, HostedConfig
from greenprompt.records.errors import GreenPromptError
from greenprompt.records.options import meta

INSTALL = "pip install 'greenprompt-cli[hosted]' (or pip install 'ecologits>=0.11')"
MAX_SUGGESTIONS = 3


def _ecologits() -> Any:
    """The module EcoLogits computes a request's impacts in, or one line saying how to install it."""
    try:
        from ecologits.tracers import utils
    except ImportError:
        raise GreenPromptError(f"--hosted needs EcoLogits, which is not installed: {INSTALL}") from None
    # EcoLogits logs each model's warnings once on its own logger; greenprompt reports them
    # in the projection instead, so they would only be printed twice.
    logging.getLogger("ecologits").setLevel(logging.ERROR)
    return utils


def ecologits_version() -> str:
    from importlib.metadata import version

    return version("ecologits")


def split_spec(spec: str) -> tuple[str, str]:
    """PROVIDER/MODEL -> (provider, model); the model name may itself contain '/' (Hugging Face)."""
    provider, _, model = spec.partition("/")
    return provider, model


def frontier_spec(frontier_on: str | None) -> str | None:
    """The PROVIDER/MODEL that `--frontier-on hosted:P/M` ranks on, or None (measured carbon)."""
    if frontier_on is None or frontier_on == LOCAL:
        return None
    return frontier_on[len(HOSTED_PREFIX):]


def _closest(name: str, known: Sequence[str]) -> str:
    near = difflib.get_close_matches(name, known, n=MAX_SUGGESTIONS, cutoff=0.5)
    if not near:  # nothing alike: the known names that share its first letters, else the first ones
        near = [k for k in known if k[:3].lower() == name[:3].lower()][:MAX_SUGGESTIONS] or list(known[:MAX_SUGGESTIONS])
    return ", ".join(near)


def check_hosted(hosted: Sequence[str], zone: str | None, frontier_on: str | None) -> None:
    """Refuse, in one line each, an unknown provider, model or zone, and `--frontier-on
    hosted:P/M` without P/M among `--hosted`. Nothing is imported when nothing is hosted.
    The options' own format checks (records.config_groups) run first: `runs show` and
    `report` take these options without a Config to check them."""
    for f in dataclasses.fields(HostedConfig):
        check = meta(f).check
        value = {"hosted": tuple(hosted), "hosted_zone": zone, "frontier_on": frontier_on}[f.name]
        if check is not None and not check[0](value):
            raise GreenPromptError(check[1].format(value=value))
    target = frontier_spec(frontier_on)
    if target is not None and target not in hosted:
        raise GreenPromptError(f"--frontier-on hosted:{target} needs --hosted {target} too")
    if not hosted:
        if zone is not None:
            raise GreenPromptError("--hosted-zone applies to --hosted projections: give --hosted PROVIDER/MODEL too")
        return
    utils = _ecologits()
    models = utils.models.list_models()
    providers = sorted({m.provider.value for m in models})
    for spec in hosted:
        provider, model = split_spec(spec)
        if provider not in providers:
            raise GreenPromptError(
                f"--hosted {spec}: EcoLogits knows no provider {provider!r}; closest: {_closest(provider, providers)} "
                f"(all: {', '.join(providers)})"
            )
        if utils.models.find_model(provider=provider, model_name=model) is None:
            names = sorted(m.name for m in models if m.provider.value == provider)
            raise GreenPromptError(
                f"--hosted {spec}: EcoLogits {ecologits_version()} knows no {provider} model {model!r}; "
                f"closest: {', '.join(provider + '/' + n for n in _closest(model, names).split(', '))}"
            )
    if zone is not None and utils.electricity_mixes.find_electricity_mix(zone=zone.upper()) is None:
        zones = [m.zone for m in utils.electricity_mixes.list_electricity_mixes()]
        raise GreenPromptError(
            f"--hosted-zone {zone}: EcoLogits has no electricity mix for it (ISO 3166 alpha-3, e.g. USA, FRA, WOR); "
            f"closest: {_closest(zone.upper(), zones)}"
        )


def provider_zone(provider: str) -> str:
    """The provider's data-centre zone as EcoLogits defines it (its PROVIDER_CONFIG_MAP)."""
    return _ecologits().PROVIDER_CONFIG_MAP[provider].datacenter_location or "WOR"


def request_impacts(provider: str, model: str, completion_tokens: float, zone: str | None) -> Any:
    """EcoLogits' impacts of one request that generates `completion_tokens` tokens.

    EcoLogits models a request's GPU time from the tokens and the provider's throughput and
    takes the smaller of that and the request latency it is given; the local wall time says
    nothing about the provider's hardware, so none is given (math.inf)."""
    impacts = _ecologits().llm_impacts(
        provider=provider,
        model_name=model,
        output_token_count=completion_tokens,
        request_latency=math.inf,
        electricity_mix_zone=zone.upper() if zone else provider_zone(provider),
    )
    if impacts.has_errors:  # check_hosted ran first, so this is EcoLogits' own failure
        raise GreenPromptError(f"EcoLogits could not project {provider}/{model}: {impacts.errors[0].message}")
    return impacts
