"""The one module of test fakes and shared test helpers.

Fake backends are for unit tests of pure logic and for scale benchmarks; end-to-end tests use
the real model through the real CLI. Every backend here has the interface the engine expects
(`metadata`, `has_chat_template`, `generate(request) -> BackendOutput`, `close()`) and can
be passed as `backend_factory` (the factory is called with the model path and options).
"""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from greenprompt.cli.app import app
from greenprompt.inputs.aliases import locate
from greenprompt.records import BackendOutput, Generation

SMALL, LARGE = "smollm2-135m", "gemma3-270m"  # the two packaged models


# ---- fake backends -------------------------------------------------------------------


class FakeBackend:
    """Answers 'positive' when the text says 'good', else 'negative', at once; raises on
    texts containing 'boom'; raises KeyboardInterrupt after `interrupt_after` calls.
    `calls` holds every request, unless record=False: the scale test streams 30,000
    requests and measures memory, which kept requests would inflate."""

    metadata = {"general.name": "fake"}
    has_chat_template = True

    def __init__(self, *_, interrupt_after: int | None = None, record: bool = True):
        self.calls: list = []
        self.n_calls = 0
        self.record = record
        self.interrupt_after = interrupt_after
        self.closed = False

    def generate(self, request):
        self.n_calls += 1
        if self.record:
            self.calls.append(request)
        if self.interrupt_after is not None and self.n_calls > self.interrupt_after:
            raise KeyboardInterrupt
        if "boom" in request.text:
            raise RuntimeError("backend exploded")
        word = "positive" if "good" in request.text else "negative"
        return BackendOutput(word, len(request.text), 1, 0.001, 0.001, "stop")

    def close(self):
        self.closed = True


class SlowBackend(FakeBackend):
    """A FakeBackend taking 0.2 s a generation (sleeping): long enough for the Ray fault test
    to see a job in flight on a node before it removes that node."""

    def generate(self, request):
        time.sleep(0.2)
        return super().generate(request)


def streaming_backend(*_) -> FakeBackend:
    """A backend factory for memory measurements: a FakeBackend that keeps no requests."""
    return FakeBackend(record=False)


def burn_cpu(seconds: float) -> None:
    """Really spend CPU time, so the estimated energy (CPU time x power) follows the cost."""
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


class ScriptedBackend:
    """Deterministic answers and CPU cost per variant, chosen by the prompt's first word:
    `<tag>: <item number> ...`. Each tag maps to (how often it is right, milliseconds of
    CPU per call[, words the answer goes on for after yes/no]). It is its own factory: pass
    the instance as backend_factory."""

    metadata = {"general.name": "scripted"}
    has_chat_template = True

    def __init__(self, plan: dict[str, tuple[float, float]]):
        self.plan = plan
        self.calls: list[str] = []

    def __call__(self, *_):
        return self

    def generate(self, request):
        tag, _, rest = request.text.partition(":")
        right_share, cpu_ms, *more = self.plan[tag]
        words = more[0] if more else 0
        self.calls.append(tag)
        item = int(rest.strip().split()[0])
        right = (item * 7919 % 100) < right_share * 100  # deterministic, spread over items
        burn_cpu(cpu_ms / 1000)
        return BackendOutput(("yes" if right else "no") + " so" * words, 10, 1 + words, 0.0, 0.0, "stop")

    def close(self):
        pass


class PrefixBackend:
    """Counts prompt words as tokens; with a restored prefix it 'evaluates' only the rest
    (the prefix-cache interface: prompt_tokens, fill_prefix, use_prefix)."""

    metadata = {"general.name": "prefix-fake"}
    has_chat_template = True

    def __init__(self, *_):
        self.filled, self.armed, self.evaluated = {}, 0, []

    def prompt_tokens(self, request):
        return request.prompt_text().split()

    def fill_prefix(self, key, tokens):
        self.filled[key] = list(tokens)

    def use_prefix(self, key):
        self.armed = len(self.filled[key])

    def generate(self, request):
        tokens = self.prompt_tokens(request)
        reused, self.armed = self.armed, 0
        self.evaluated.append(len(tokens) - reused)
        return BackendOutput("positive", len(tokens), 1, 0.0, 0.0, "stop", prefix_tokens=reused)

    def close(self):
        pass


class ModelFakes:
    """A backend factory for the two packaged models (their real files resolve; only the
    generation is faked). Texts read `... #<item> ...`; item i's label is 'positive' unless
    i % 3 == 0. The small model answers 'hmm' (no label) on odd items and burns 2 ms of CPU
    per call, the large one is always right and burns 6 ms; as verifier ('Proposed answer:'
    in the text) a model says 'yes' when the proposed answer holds a label. Both give a
    mean log-probability of -2.0 on odd items, -0.1 on even ones. Tracks what is loaded."""

    def __init__(self):
        self.loaded: list[str] = []
        self.open = 0
        self.most_open = 0
        self.names = {str(locate(SMALL)): SMALL, str(locate(LARGE)): LARGE}

    def __call__(self, path, _options):
        return _ModelFake(self, self.names[path])


class _ModelFake:
    def __init__(self, fakes: ModelFakes, name: str):
        self.fakes, self.name = fakes, name
        self.metadata = {"general.name": name}
        self.has_chat_template = name == SMALL  # as the real files: gemma3-270m has none
        fakes.loaded.append(name)
        fakes.open += 1
        fakes.most_open = max(fakes.most_open, fakes.open)

    def generate(self, request):
        burn_cpu(0.002 if self.name == SMALL else 0.006)
        if "Proposed answer" in request.text:
            proposed = request.text.split("Proposed answer:")[1]
            ok = "positive" in proposed or "negative" in proposed
            return BackendOutput("yes" if ok else "no", 30, 1, 0.0, 0.0, "stop")
        item = int(request.text.split("#")[1].split()[0])
        label = "positive" if item % 3 else "negative"
        answer = "hmm" if self.name == SMALL and item % 2 else label
        return BackendOutput(answer, 10, 1, 0.0, 0.0, "stop", mean_logprob=-2.0 if item % 2 else -0.1)

    def close(self):
        self.fakes.open -= 1


# ---- records and data ----------------------------------------------------------------


def gen(variant: str = "v", item: int = 0, energy: float | None = 1.0, *, output: str = "o", target: str = "t",
        prompt_tokens: int = 10, completion_tokens: int = 1, repeat: int = 0, error: str | None = None,
        logprob: float | None = None) -> Generation:
    """A generation record with fixed timings (0.1 s wall, 0.2 s CPU, 0.05 s prefill and
    decode); gCO2e is 1e-4 per joule, and unknown when the energy is."""
    return Generation(
        variant=variant, item_id=str(item), index=item, prompt="p", output=output, target=target,
        prompt_tokens=prompt_tokens, completion_tokens=completion_tokens, prompt_tokens_cl100k=prompt_tokens,
        completion_tokens_cl100k=completion_tokens, wall_s=0.1, cpu_s=0.2, prefill_s=0.05, decode_s=0.05,
        energy_j=energy, energy_method="estimated", gco2e=None if energy is None else energy * 1e-4,
        error=error, repeat=repeat, mean_logprob=logprob,
    )


def write_rows(path: Path, rows: int) -> Path:
    """A TSV with `rows` synthetic review rows (text, label)."""
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\")
        w.writerow(["text", "label"])
        for i in range(rows):
            w.writerow([f"review number {i} says the film was {'good' if i % 3 else 'dull'} and {i % 7} stars", i % 2])
    return path


# ---- the CLI, in this process and in a child process -----------------------------------

_runner = CliRunner()


def invoke(*args, code: int | None = 0):
    """Run the CLI in this process (arguments str()-ed) and assert its exit code, unless
    code is None; returns click's Result (stdout and stderr apart)."""
    result = _runner.invoke(app, [str(a) for a in args])
    if code is not None:
        assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr, result.exception)
    return result


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_greenprompt(*args, env: dict[str, str] | None = None) -> subprocess.Popen:
    """`python -m greenprompt <args>` as a child process with piped, text output.

    SIGINT is reset to its default in the child before exec: a shell starts a background
    job (`pytest ... &`) with SIGINT ignored, an ignored signal stays ignored across
    fork and exec, and Python then installs no KeyboardInterrupt handler, so an
    interrupted child would run on and exit 0. Popen's restore_signals does not help:
    it resets SIGPIPE, SIGXFZ and SIGXFSZ only."""
    return subprocess.Popen(
        [sys.executable, "-m", "greenprompt", *map(str, args)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})},
        preexec_fn=_default_sigint,
    )


def finish(proc: subprocess.Popen, timeout: float = 120) -> tuple[str, str]:
    """(stdout, stderr) of a child started by start_greenprompt; a child still running
    after `timeout` seconds is killed (never left behind) and the test fails."""
    try:
        return proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, stderr = proc.communicate()
        raise AssertionError(f"still running after {timeout} s; killed. stderr: {stderr[-2000:]}") from None


def wait_for_generations(proc: subprocess.Popen, store: Path, n: int, timeout: float = 300) -> None:
    """Wait until the child has stored `n` generations (to interrupt it mid-run). Up to
    300 s: start-up and the first generations took over 120 s when other test suites shared
    this 2-core machine. Fails, killing the child, if it exits first or the time runs out."""
    deadline = time.time() + timeout
    while stored_generations(store) < n:
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            _, stderr = proc.communicate()
            raise AssertionError(f"{stored_generations(store)} of {n} generations stored (exit {proc.returncode}): "
                                 f"{stderr[-2000:]}")
        time.sleep(0.2)


def stored_generations(store: Path, run_id: str | None = None) -> int:
    """How many generations a store holds (of one run, or all); 0 while the file or its
    tables do not exist yet (another process is creating them)."""
    if not store.exists():  # connecting would create it
        return 0
    try:
        with sqlite3.connect(store) as db:
            if run_id:
                return db.execute("SELECT COUNT(*) FROM generations WHERE run_id = ?", (run_id,)).fetchone()[0]
            return db.execute("SELECT COUNT(*) FROM generations").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


# ---- the golden experiment's deterministic backend and meter ---------------------------
# As tests/data/golden/make_golden_old.py defined them on the commit before the redesign
# (pass FixedBackend as the backend factory and FixedMeter as the meter factory).

_FIXED = {"calls": 0, "last": 0}


class FixedBackend:
    """Answers and token counts that follow the request's text length, nothing timed."""

    metadata = {"general.name": "fixed"}
    has_chat_template = True

    def __init__(self, *_):
        pass

    def generate(self, request):
        n = len(request.text)
        _FIXED["calls"] += 1
        _FIXED["last"] = n
        word = ("positive", "negative", "Positive.", "yes")[n % 4]
        return BackendOutput(word, n // 4, 1 + n % 3, 0.002 * (n % 5 + 1), 0.001 * (n % 3 + 1), "stop",
                             mean_logprob=request.logprobs and -0.1 * (n % 7) or None)

    def close(self):
        pass


class FixedMeter:
    """A span holding one FixedBackend generation: figures from its prompt length; a span
    with none (a model load): 0.5 s, 4 J; with several (a whole run): 1000 s, 20 kJ."""

    method = "estimated"

    def __init__(self, size):
        self.size = size

    def start(self):
        return _FIXED["calls"]

    def stop(self, start, tokens=None):
        from greenprompt.records import Measurement

        if _FIXED["calls"] == start + 1:
            n = _FIXED["last"]
            return Measurement(0.01 * n, 0.008 * n, 0.05 * n + self.size / 1e9, "estimated")
        if _FIXED["calls"] == start:
            return Measurement(0.5, 0.4, 4.0, "estimated")
        return Measurement(1000.0, 900.0, 20000.0, "estimated")

    def describe(self):
        from greenprompt.records import EnergyModel

        return EnergyModel("estimated", "fixed test meter", {"cpu_w_per_thread": 10.0, "ram_w": self.size / 1e9})


class SourcedMeter(FixedMeter):
    """The fixed meter, naming where its W/thread comes from as the real meter does (the
    golden document was made without it; the report prints it)."""

    def describe(self):
        from greenprompt.records import EnergyModel

        model = super().describe()
        return EnergyModel(model.method, model.description, {**model.constants, "cpu_w_source": "fixed for the test"})


# ---- a fake /proc (contention) ---------------------------------------------------------


def write_proc(root, total_busy, idle, own, steal=0, comm="python (worker) x"):
    """A fake /proc tree: one aggregate cpu line and this process's stat line."""
    user = total_busy - steal
    (root / "self").mkdir(parents=True, exist_ok=True)
    (root / "stat").write_text(f"cpu  {user} 0 0 {idle} 0 0 0 {steal} 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\n")
    fields = ["R"] + ["0"] * 10 + [str(own), "0"] + ["0"] * 30
    (root / "self" / "stat").write_text(f"123 ({comm}) " + " ".join(fields) + "\n")


class BusyProc:
    """A fake /proc whose clock advances 200 ticks per generation, `share` of them used by
    other processes, 50 by us."""

    def __init__(self, root, share: float):
        self.root, self.share = root, share
        self.busy, self.idle, self.own = 1000, 1000, 400
        self.write()

    def write(self):
        write_proc(self.root, total_busy=self.busy, idle=self.idle, own=self.own)

    def tick(self):
        others = round(200 * self.share)
        self.busy += 50 + others
        self.own += 50
        self.idle += 200 - 50 - others
        self.write()


def backend_on(proc: BusyProc):
    class Backend(FakeBackend):
        def generate(self, request):
            out = super().generate(request)
            proc.tick()
            return out

    return Backend


# ---- optimize: answers whose length follows max_tokens ---------------------------------


class RamblingBackend:
    """Texts read `... #<item> ...`. On items with i % 3 != 0 it answers the label at once
    ('positive' when the text says 'good', else 'negative': one token); on the others it
    rambles, one word per token, until `max_tokens` (a newline after the fifth word, so a
    "\\n" stop ends it there): a wrong answer whose length, and so its energy with
    TokenMeter, follows max_tokens. Prompt tokens are the prompt's words."""

    metadata = {"general.name": "rambling"}
    has_chat_template = True
    RAMBLE = "well let me think about this review carefully before I give any answer at all".split()

    def __init__(self, *_):
        self.calls: list = []

    def generate(self, request):
        self.calls.append(request)
        item = int(request.text.split("#")[1].split()[0])
        prompt = len(request.prompt_text().split())
        if item % 3:
            word = "positive" if "good" in request.text else "negative"
            return BackendOutput(word, prompt, 1, 0.0, 0.0, "stop")
        n = request.params.max_tokens
        words = [self.RAMBLE[i % len(self.RAMBLE)] for i in range(n)]
        text = " ".join(words[:5]) + ("\n" + " ".join(words[5:]) if n > 5 else "")
        if "\n" in request.params.stop:
            text, n = text.split("\n")[0], min(n, 5)
        return BackendOutput(text, prompt, n, 0.0, 0.0, "length")

    def close(self):
        pass


class TokenMeter:
    """Energy from the tokens alone, deterministic: 0.001 J per prompt token and 0.05 J per
    completion token; a span without tokens (a model load, a whole run) 0.5 J plus the
    generations metered within it."""

    method = "estimated"
    metered = [0.0]  # every generation's joules so far, across meters

    def __init__(self, size):
        self.size = size

    def start(self):
        return self.metered[0]

    def stop(self, start, tokens=None):
        from greenprompt.records import Measurement

        if tokens is None:
            return Measurement(0.01, 0.01, 0.5 + self.metered[0] - start, "estimated")
        prompt, completion = tokens
        energy = 0.001 * prompt + 0.05 * completion
        self.metered[0] += energy
        return Measurement(0.001, 0.001, energy, "estimated")

    def describe(self):
        from greenprompt.records import EnergyModel

        return EnergyModel("estimated", "token test meter", {"j_per_prompt_token": 0.001, "j_per_completion_token": 0.05})


# One wordy variant for optimize's searches on RamblingBackend (whose answers run to max_tokens)
WORDY_PROMPTS = """\
variants:
  - name: wordy
    system: You are a careful film critic.
    template: |
      Read the review below. Think about what the writer felt.

      Review: {{ text }}

      Is the review positive or negative?
"""


def write_reviews(path: Path, rows: int) -> Path:
    """A CSV of `rows` reviews 'review #i: good|bad ...' with labels positive|negative."""
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["text", "label"])
        for i in range(rows):
            good = i % 2 == 0
            w.writerow([f"review #{i} it was {'good' if good else 'bad'} overall", "positive" if good else "negative"])
    return path


class FlippingBackend:
    """Answers the label ('positive' when the text says 'good', else 'negative') and then
    filler words, always right under a `contains` scorer. A prompt holding `marker` is
    long-winded (20 tokens) on the items numbered in `costly` and brief (1 token) on the
    others; any other prompt the other way round. Texts read `... #<item> ...`. It is its
    own factory: pass the instance as backend_factory."""

    metadata = {"general.name": "flipping"}
    has_chat_template = True

    def __init__(self, marker: str, costly: set[int]):
        self.marker, self.costly = marker, costly

    def __call__(self, *_):
        return self

    def generate(self, request):
        item = int(request.text.split("#")[1].split()[0])
        word = "positive" if "good" in request.text else "negative"
        long = (item in self.costly) == (self.marker in request.prompt_text())
        n = 20 if long else 1
        return BackendOutput(" ".join([word] + ["indeed"] * (n - 1)), len(request.prompt_text().split()), n, 0.0, 0.0, "stop")

    def close(self):
        pass
