"""The llama-cpp-python backend: chat mode (the GGUF's chat template) or raw completion."""

from __future__ import annotations

import ctypes
from typing import Any, Mapping, Sequence

from greenprompt.records import CHAT, BackendOutput, Request
from greenprompt.records.errors import GreenPromptError

# One llama.cpp thread for decode and prefill by default. With several, each thread busy-waits
# for its siblings at every step, and a sibling the OS deschedules for another process turns
# that waiting into CPU time counted as work: measured with llama-cpp-python on 2 vCPUs (15
# items, answers up to 48 tokens, A B A B against one busy loop), CPU s/query busy/quiet was
# 1.53x with 1 decode + 2 prefill threads (the old default), 2.09x with 2 + 2, 1.00x with
# 1 + 1 (quiet CPU time 3% lower, wall time 29% longer). Re-measured before the change (10
# items of prompts/reviews.yaml, A B A B, 2 rounds, the second overlapping another test
# suite): 1 + 1 1.10x (first round 1.04x), 1 + 2 1.68x (2.13x); quiet CPU s/query in the
# first round 1.07 with 1 + 1 against 1.67 with 1 + 2. The binding (0.3.x) does not expose
# llama.cpp's threadpool polling settings (llama_attach_threadpool is a TODO there), so the
# waiting cannot be switched off; `--threads N` trades load-robust figures for speed.
DEFAULT_THREADS = 1


def default_threads() -> int:
    """Threads for decode and prefill when --threads is not given (see DEFAULT_THREADS)."""
    return DEFAULT_THREADS


class LogprobRecorder:
    """A logits processor that records the log-probability of each generated token, without
    `logits_all` (which would compute logits for every prompt token and change the energy).

    llama.cpp hands it the logits of the next token before sampling. Greedy decoding picks
    the most likely token, so its log-probability is known at once; when sampling, the
    token drawn is read from the input ids at the next step (the last token's is lost)."""

    def __init__(self, greedy: bool):
        self.greedy = greedy
        self.logprobs: list[float] = []
        self._previous = None  # (logits, log-sum-exp) of the previous step, when sampling

    def __call__(self, input_ids, logits):
        import numpy as np

        top = float(logits.max())
        lse = top + float(np.log(np.exp(logits - top).sum()))
        if self.greedy:
            self.logprobs.append(top - lse)
        else:
            if self._previous is not None and len(input_ids):
                prev_logits, prev_lse = self._previous
                self.logprobs.append(float(prev_logits[input_ids[-1]]) - prev_lse)
            self._previous = (logits.copy(), lse)
        return logits

    def mean(self) -> float | None:
        return sum(self.logprobs) / len(self.logprobs) if self.logprobs else None


class LlamaCppBackend:
    """One loaded GGUF model, reused for every request of a run.

    Every request starts from an empty KV cache (the "standalone" serving profile),
    so a generation costs what one production call costs, whatever ran before it, unless
    `use_prefix` restored a cached prompt prefix just before it (the "prefix-cache" profile).
    """

    def __init__(self, model_path: str, n_ctx: int = 2048, threads: int | None = None, seed: int = 0):
        import llama_cpp
        from llama_cpp._utils import suppress_stdout_stderr

        self._llama_cpp = llama_cpp
        try:
            # llama.cpp prints some notes (e.g. about Gemma's sliding-window cache) straight to
            # stderr whatever the log level; a load failure still raises and is reported below.
            with suppress_stdout_stderr(disable=False):
                self.llm = self._load(llama_cpp, model_path, n_ctx, threads, seed)
        except (ValueError, RuntimeError) as e:
            raise GreenPromptError(f"{model_path}: llama.cpp cannot load this model ({e}); is the file complete?") from None
        self.metadata: Mapping[str, str] = dict(self.llm.metadata)
        self.has_chat_template = "tokenizer.chat_template" in self.metadata
        if self.has_chat_template:
            # The GGUF's own template, not a built-in format llama-cpp-python guesses is similar.
            self.llm.chat_format = "chat_template.default"
        self._formatter = None
        self._grammars: dict[str, Any] = {}  # GBNF text -> LlamaGrammar, checked once
        self._prefixes: dict[str, tuple[tuple[int, ...], bytes]] = {}
        self._prefix_armed = 0  # prefix tokens the next generate() may reuse

    @staticmethod
    def _load(llama_cpp, model_path: str, n_ctx: int, threads: int | None, seed: int):
        return llama_cpp.Llama(
            model_path=model_path,
            n_ctx=n_ctx,
            n_threads=threads or default_threads(),
            n_threads_batch=threads or default_threads(),  # prefill too: its threads spin-wait as well
            seed=seed,
            verbose=False,
        )

    def fill_prefix(self, key: str, tokens: Sequence[int]) -> None:
        """Evaluate a shared prompt prefix once and keep its KV cache under `key`."""
        llama_cpp, llm = self._llama_cpp, self.llm
        llm.reset()
        llm.eval(list(tokens))
        ctx = llm._ctx.ctx
        size = llama_cpp.llama_state_seq_get_size(ctx, 0)
        buffer = (ctypes.c_uint8 * size)()
        written = llama_cpp.llama_state_seq_get_data(ctx, buffer, size, 0)
        self._prefixes[key] = (tuple(tokens), bytes(buffer[:written]))

    def use_prefix(self, key: str) -> None:
        """Restore the prefix stored under `key` so that the next generate() evaluates only
        the rest of its prompt. Only the KV cells of the prefix are copied (no logits), so
        this costs a memcpy of a few MB; the runner calls it outside the metered window."""
        llama_cpp, llm = self._llama_cpp, self.llm
        tokens, state = self._prefixes[key]
        ctx = llm._ctx.ctx
        llama_cpp.llama_memory_clear(llama_cpp.llama_get_memory(ctx), True)
        buffer = (ctypes.c_uint8 * len(state)).from_buffer_copy(state)
        if llama_cpp.llama_state_seq_set_data(ctx, buffer, len(state), 0) != len(state):
            raise RuntimeError("llama.cpp could not restore the cached prefix")
        llm.input_ids[: len(tokens)] = tokens
        llm.n_tokens = len(tokens)
        llm._requires_eval = True
        self._prefix_armed = len(tokens)

    def generate(self, request: Request) -> BackendOutput:
        llm = self.llm
        reused, self._prefix_armed = self._prefix_armed, 0
        if not reused:
            llm.reset()  # standalone: no KV-cache prefix reuse from the previous request
        # else llama-cpp-python matches the restored tokens against the prompt and
        # evaluates only the suffix (its own prefix-match path in Llama.generate)
        ctx = llm._ctx.ctx
        self._llama_cpp.llama_perf_context_reset(ctx)
        kwargs: dict[str, Any] = dict(
            max_tokens=request.params.max_tokens,
            temperature=request.params.temperature,
            stop=list(request.params.stop),
            seed=request.seed,
        )
        if request.params.grammar:
            kwargs["grammar"] = self.check_grammar(request.params.grammar)
        recorder = None
        if request.logprobs:
            recorder = LogprobRecorder(greedy=request.params.temperature == 0)
            kwargs["logits_processor"] = self._llama_cpp.LogitsProcessorList([recorder])
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
            prefix_tokens=reused,
            mean_logprob=recorder.mean() if recorder else None,
        )

    def check_grammar(self, text: str):
        """The LlamaGrammar of a GBNF text, parsed once. llama-cpp-python (0.3.x) parses it only
        when sampling starts and a text llama.cpp refuses ends the process there, so it is
        parsed here first: a refused grammar is one error line."""
        grammar = self._grammars.get(text)
        if grammar is None:
            from llama_cpp._utils import suppress_stdout_stderr

            llama_cpp = self._llama_cpp
            with suppress_stdout_stderr(disable=False):  # llama.cpp prints its parse error itself
                sampler = llama_cpp.llama_sampler_init_grammar(self.llm._model.vocab, text.encode("utf-8"), b"root")
            if not sampler:
                lines = text.strip().splitlines()
                shown = repr(lines[0]) + (" ..." if len(lines) > 1 else "")
                example = 'root ::= "yes" | "no"'
                raise GreenPromptError(f"llama.cpp cannot parse the grammar {shown} (GBNF with a 'root' rule, e.g. {example})")
            llama_cpp.llama_sampler_free(sampler)
            grammar = self._grammars[text] = llama_cpp.LlamaGrammar.from_string(text, verbose=False)
        return grammar

    def count_prompt_tokens(self, request: Request) -> int:
        """How many prompt tokens the model would process for `request`, without generating."""
        return len(self.prompt_tokens(request))

    def prompt_tokens(self, request: Request) -> list[int]:
        """The prompt tokens the model would process for `request`, without generating:
        the same chat-template rendering and tokenisation as a real request."""
        if request.mode == CHAT:
            if self._formatter is None:
                from llama_cpp.llama_chat_format import Jinja2ChatFormatter

                llm = self.llm
                eos, bos = llm.token_eos(), llm.token_bos()
                self._formatter = Jinja2ChatFormatter(
                    template=self.metadata["tokenizer.chat_template"],
                    eos_token=llm._model.token_get_text(eos) if eos != -1 else "",
                    bos_token=llm._model.token_get_text(bos) if bos != -1 else "",
                )
            result = self._formatter(messages=request.messages())
            tokens = self.llm.tokenize(result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True)
        else:
            tokens = self.llm.tokenize(request.prompt_text().encode("utf-8"), special=True)
        return tokens

    def close(self) -> None:
        self.llm.close()
