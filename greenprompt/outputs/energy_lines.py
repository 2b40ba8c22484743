"""The report's lines on how energy was obtained: the energy model (cpu, tokens, codecarbon)
and, when other processes used much of the CPU during the run, one line saying so."""

from __future__ import annotations

from greenprompt.outputs.document import energy_method
from greenprompt.records import RunResult
from greenprompt.records.generation import contention_summary

# One thread's energy per query rose at most this much under one competing busy loop: 1.08x in
# benchmarks/contention.py's runs, 1.10x CPU s/query in the thread A/B (the spin-waiting of
# several threads is what inflates more: 1.68-2.13x with 1 decode + 2 prefill threads).
ONE_THREAD_INFLATION = 1.1


def method_line(result: RunResult) -> str:
    """How the run's energy figures were obtained, with the constants behind them."""
    method = energy_method(result)
    c = result.energy.constants
    if method == "estimated":
        # runs stored before issue 12 (and the golden test's fixed meter) carry no cpu_w_source
        source = f"; W/thread: {c['cpu_w_source']}" if c.get("cpu_w_source") else ""
        return (
            f"Energy: estimated (no hardware energy counters here) = CPU time x {c['cpu_w_per_thread']:g} W/thread "
            f"+ wall time x {c['ram_w']:.2g} W attributed to the model's memory{source}"
        )
    if method == "estimated-codecarbon":
        return (
            f"Energy: codecarbon's process-mode rules = CPU time x {c['cpu_w_per_thread']:g} W/thread "
            f"+ wall time x {c['ram_w']:.3g} W RAM (codecarbon's v3 RAM rule) (--energy-model codecarbon)"
        )
    if method == "estimated-tokens":
        return f"Energy: {result.energy.description} (--energy-model tokens)"
    return f"Energy: {method}. {result.energy.description}"


def contention_lines(result: RunResult) -> list[str]:
    """One line when other processes used more than HIGH_CONTENTION of the CPU during the
    run's fresh generations (wall-time-weighted mean), else none."""
    summary = contention_summary(result.generations)
    if not summary.high:
        return []
    share = f"other processes used {summary.mean:.0%} of the CPU during this run (max {summary.max:.0%})"
    method = energy_method(result)
    if method == "estimated-tokens":
        return [f"Contention: {share}; the token-model energy does not depend on it, wall times do."]
    if method == "measured":
        return [f"Contention: {share}; the hardware counters measured their energy too: rerun on a quiet machine "
                "or use --energy-model tokens."]
    threads = result.energy.constants.get("threads") or 1
    bound = 1 / (1 - min(summary.mean, 0.9)) if threads > 1 else ONE_THREAD_INFLATION
    return [f"Contention: {share}; energy estimates are inflated by up to ~{bound:.1f}x with {threads} thread(s): "
            "rerun on a quiet machine or use --energy-model tokens."]
