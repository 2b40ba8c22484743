"""`python -m greenprompt.engine.backends.selfcheck`: load the default model and generate a token.

Run in its own process by the set-up script: a llama.cpp build for the wrong CPU dies
with SIGILL or SIGSEGV, which no Python code could catch.
"""

from __future__ import annotations

import sys


def main() -> int:
    from greenprompt.engine.backends.llama_cpp import LlamaCppBackend
    from greenprompt.inputs.gguf import default_model_path
    from greenprompt.records import CHAT, GenerationParams, Request

    backend = LlamaCppBackend(str(default_model_path()), n_ctx=256)
    out = backend.generate(Request(CHAT, "Say hi.", None, GenerationParams(max_tokens=2), 0))
    backend.close()
    print(f"llama-cpp-python works: {out.prompt_tokens} prompt tokens, {out.completion_tokens} generated", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
