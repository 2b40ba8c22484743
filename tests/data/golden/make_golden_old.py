"""Golden --json document and a vendored store, from the commit before the redesign:
fake backend, fixed meter, no cache, fresh store."""
import json, os, sys, shutil, subprocess
from pathlib import Path

ROOT = Path(sys.argv[1]).resolve()
OUT = Path(sys.argv[2]).resolve()
OUT.mkdir(parents=True, exist_ok=True)
os.chdir(ROOT)
home = OUT / "home"
shutil.rmtree(home, ignore_errors=True)
os.environ["GREENPROMPT_HOME"] = str(home)

from greenprompt.records import BackendOutput, EnergyModel, Measurement
import greenprompt.runner as runner

STATE = {"calls": 0, "last": 0}


class FixedBackend:
    metadata = {"general.name": "fixed"}
    has_chat_template = True

    def __init__(self, *_):
        pass

    def generate(self, request):
        n = len(request.text)
        STATE["calls"] += 1
        STATE["last"] = n
        word = ("positive", "negative", "Positive.", "yes")[n % 4]
        return BackendOutput(word, n // 4, 1 + n % 3, 0.002 * (n % 5 + 1), 0.001 * (n % 3 + 1), "stop",
                             mean_logprob=request.logprobs and -0.1 * (n % 7) or None)

    def close(self):
        pass


class FixedMeter:
    """One generation in the span: figures from its prompt length; otherwise fixed."""
    method = "estimated"

    def __init__(self, size):
        self.size = size

    def start(self):
        return STATE["calls"]

    def stop(self, start):
        if STATE["calls"] == start + 1:
            n = STATE["last"]
            return Measurement(0.01 * n, 0.008 * n, 0.05 * n + self.size / 1e9, "estimated")
        if STATE["calls"] == start:
            return Measurement(0.5, 0.4, 4.0, "estimated")
        return Measurement(1000.0, 900.0, 20000.0, "estimated")

    def describe(self):
        return EnergyModel("estimated", "fixed test meter", {"cpu_w_per_thread": 10.0, "ram_w": self.size / 1e9})


runner.make_meter = FixedMeter
from greenprompt.document import run_document

def run(store, **kw):
    opts = runner.CompareOptions(no_cache=True, store=str(store), **kw)
    return runner.compare(opts, backend_factory=FixedBackend)

golden = run(home / "golden.db", prompts="prompts/reviews.yaml", limit=6, repeats=2, baseline="terse", volume=1000.0,
             price_in=0.03, price_out=0.06, min_quality=0.3, country="FRA")
(OUT / "golden.json").write_text(json.dumps(run_document(golden), indent=2, sort_keys=True) + "\n")

store = OUT / "store-v0.db"
for p in (store, Path(str(store) + "-wal"), Path(str(store) + "-shm")):
    p.unlink(missing_ok=True)
r1 = run(store, prompts="prompts/reviews.yaml", limit=4, repeats=2, baseline="one-word", min_quality=0.3)
r2 = run(store, prompts="prompts/reviews.yaml", limit=3, models=("smollm2-135m", "gemma3-270m"), cascade="smollm2-135m,gemma3-270m",
         escalate_when="verifier")
r3 = run(store, prompts="prompts/reviews.yaml", limit=8, strategy="race", block=2, race_margin=0.05)
r4 = run(store, prompts="prompts/reviews.yaml", limit=3, models=("smollm2-135m", "gemma3-270m"), cascade="smollm2-135m,gemma3-270m",
         escalate_when="low-confidence", calibrate=True, min_quality=0.2)
import sqlite3
db = sqlite3.connect(store); db.execute("PRAGMA wal_checkpoint(TRUNCATE)"); db.execute("PRAGMA journal_mode=DELETE"); db.close()
for p in (Path(str(store) + "-wal"), Path(str(store) + "-shm")):
    p.unlink(missing_ok=True)
ids = [r.run_id for r in (r1, r2, r3, r4)]
(OUT / "store-v0.ids").write_text("\n".join(ids) + "\n")
