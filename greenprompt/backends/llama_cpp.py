"""The llama-cpp-python backend: chat mode (the GGUF's chat template) or raw completion."""

from __future__ import annotations

import os
from typing import Any, Mapping

from greenprompt.errors import GreenPromptError
from greenprompt.records import CHAT, BackendOutput, Request


def _ftype_names() -> dict[int, str]:
    import llama_cpp

    prefix = "LLAMA_FTYPE_MOSTLY_"
    return {
        getattr(llama_cpp, name): name[len(prefix):]
        for name in dir(llama_cpp)
        if name.startswith(prefix) and isinstance(getattr(llama_cpp, name), int)
    }


class LlamaCppBackend:
    """One loaded GGUF model, reused for every request of a run.

    Every request starts from an empty KV cache (the "standalone" serving profile),
    so a generation costs what one production call costs, whatever ran before it.
    """

    def __init__(self, model_path: str, n_ctx: int = 2048, threads: int | None = None, seed: int = 0):
        import llama_cpp

        self._llama_cpp = llama_cpp
        try:
            self.llm = llama_cpp.Llama(
                model_path=model_path,
                n_ctx=n_ctx,
                n_threads=threads or os.cpu_count() or 1,
                seed=seed,
                verbose=False,
            )
        except (ValueError, RuntimeError) as e:
            raise GreenPromptError(f"{model_path}: llama.cpp cannot load this model ({e}); is the file complete?") from None
        self.metadata: Mapping[str, str] = dict(self.llm.metadata)
        self.has_chat_template = "tokenizer.chat_template" in self.metadata

    @property
    def quantization(self) -> str | None:
        ftype = self.metadata.get("general.file_type")
        return _ftype_names().get(int(ftype)) if ftype is not None and str(ftype).isdigit() else None

    def generate(self, request: Request) -> BackendOutput:
        llm = self.llm
        llm.reset()  # standalone: no KV-cache prefix reuse from the previous request
        ctx = llm._ctx.ctx
        self._llama_cpp.llama_perf_context_reset(ctx)
        kwargs: dict[str, Any] = dict(
            max_tokens=request.params.max_tokens,
            temperature=request.params.temperature,
            stop=list(request.params.stop),
            seed=request.seed,
        )
        if request.mode == CHAT:
            out = llm.create_chat_completion(messages=request.messages(), **kwargs)
            choice = out["choices"][0]
            text = choice["message"]["content"] or ""
        else:
            out = llm.create_completion(prompt=request.prompt_text(), **kwargs)
            choice = out["choices"][0]
            text = choice["text"]
        perf = self._llama_cpp.llama_perf_context(ctx)
        usage = out["usage"]
        return BackendOutput(
            text=text,
            prompt_tokens=usage["prompt_tokens"],
            completion_tokens=usage["completion_tokens"],
            prefill_s=perf.t_p_eval_ms / 1000.0,
            decode_s=perf.t_eval_ms / 1000.0,
            finish_reason=choice.get("finish_reason"),
        )

    def close(self) -> None:
        self.llm.close()
