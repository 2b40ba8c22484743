"""Prompt compression by self-information with the local model (the `compress` rewrite).

Algorithm: Selective Context (Li, Dong, Guerin, Lin: "Compressing Context to Enhance
Inference Efficiency of Large Language Models", EMNLP 2023; LLMLingua-1, Jiang et al.,
EMNLP 2023, is the same idea at token level with a budget controller). A causal language
model gives each token x_i of the text its self-information I(x_i) = -log p(x_i | x_<i):
what the model could not have guessed from what came before. Tokens it predicts well carry
little and can go with the least loss. Steps here:

  1. score: one evaluation of the whole text by llama.cpp with `logits_all=True`; the
     logits of position i-1, log-softmaxed with numpy, give -log p(x_i | x_<i). The first
     token has no prefix: infinite information (always kept).
  2. group: tokens into words (a run of non-space characters with the spaces before it;
     a token belongs to the word holding its last character). A word's information is the
     sum of its tokens' (Selective Context's lexical units, with words for phrases).
  3. drop: the least informative words, one at a time, until the kept tokens are at most
     `ratio` of the text's tokens. Never dropped: the text's first line when it has several
     (usually the task's instruction head) and any word touching a Jinja part (`{{ field }}`, `{% ... %}`),
     so the template keeps every expression byte for byte. Line breaks stay.

Metering: the scoring pass costs energy like any generation. `compressor(llm)` takes a
llama_cpp.Llama the caller has loaded (with `load_scoring_model`, i.e. `logits_all=True`)
and returns the `(text, ratio) -> text` function RewriteContext.compressor expects; the
caller meters the loading and every call (one evaluation per distinct text: the scores are
kept, so the ratios 0.8, 0.6 and 0.4 of one text cost one pass).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from greenprompt.optimizer import static_text

# The scoring model's context: prompts' static text is short. `logits_all` allocates
# n_ctx x vocabulary floats (512 x 49,152 x 4 bytes = 100 MB for the default model);
# a longer text is scored in windows of this size, each starting afresh.
SCORING_CTX = 512
_WORD = re.compile(r"[ \t]*\S+")


@dataclass(frozen=True)
class TokenInfo:
    """One token of the text: its character span and its self-information in nats."""

    start: int
    end: int
    info: float


def load_scoring_model(model_path: str, threads: int = 1, n_ctx: int = SCORING_CTX):
    """The model loaded for scoring (logits of every position). The caller meters it."""
    import llama_cpp

    return llama_cpp.Llama(
        model_path=model_path, n_ctx=n_ctx, n_threads=threads, n_threads_batch=threads, logits_all=True, verbose=False
    )


def token_information(llm: Any, text: str) -> list[TokenInfo]:
    """Each token's character span and -log p(token | the tokens before it), from one
    evaluation per window of the model's context."""
    import numpy as np

    tokens = llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)
    pieces = [llm.detokenize([t]) for t in tokens]
    if b"".join(pieces) != text.encode("utf-8"):
        raise ValueError("the model's tokens do not spell the text back; cannot score it")
    infos: list[float] = []
    window = max(2, llm.n_ctx())
    for at in range(0, len(tokens), window):
        chunk = tokens[at : at + window]
        llm.reset()
        llm.eval(chunk)
        logits = np.asarray(llm.scores[: len(chunk)], dtype=np.float64)
        top = logits.max(axis=1, keepdims=True)
        log_probs = logits - top - np.log(np.exp(logits - top).sum(axis=1, keepdims=True))
        infos.append(float("inf"))
        infos.extend(-float(log_probs[i - 1, chunk[i]]) for i in range(1, len(chunk)))
    out, done = [], b""
    for piece, info in zip(pieces, infos):
        start = len(done.decode("utf-8", errors="ignore"))
        done += piece
        out.append(TokenInfo(start, len(done.decode("utf-8", errors="ignore")), info))
    return out


@dataclass(frozen=True)
class Word:
    start: int
    end: int
    droppable: bool
    info: float = 0.0
    tokens: int = 0


def words(text: str, tokens: Sequence[TokenInfo]) -> list[Word]:
    """The text's words with the summed information and count of their tokens."""
    # the first line is kept when there are others (a one-line text would have nothing left)
    first_line_end = text.find("\n") if "\n" in text.strip() else 0
    spans = static_text.static_spans(text)
    found = []
    for m in _WORD.finditer(text):
        s, e = m.start(), m.end()
        inside = any(a <= s and e <= b for a, b in spans)
        found.append([s, e, inside and s >= first_line_end, 0.0, 0])
    for t in tokens:
        last = max(t.start, t.end - 1)
        for w in found:
            if w[0] <= last < w[1]:
                w[3] += t.info
                w[4] += 1
                break
    return [Word(*w) for w in found]


def drop_least_informative(text: str, tokens: Sequence[TokenInfo], ratio: float) -> str:
    """The text without its least informative droppable words, keeping at most `ratio` of
    its tokens (or every word that may not be dropped, when they alone hold more)."""
    if not 0 < ratio <= 1:
        raise ValueError(f"keep ratio must be in (0, 1], got {ratio}")
    units = words(text, tokens)
    kept_tokens, target = len(tokens), ratio * len(tokens)
    dropped: set[int] = set()
    # a word with no token of its own (all inside one token with the next) costs nothing to keep
    order = sorted((i for i, w in enumerate(units) if w.droppable and w.tokens), key=lambda i: (units[i].info, i))
    for i in order:
        if kept_tokens <= target:
            break
        dropped.add(i)
        kept_tokens -= units[i].tokens
    return _rebuild(text, units, dropped)


def _rebuild(text: str, units: Sequence[Word], dropped: set[int]) -> str:
    """The text without the dropped words. A line whose words all went goes with its line
    break; a line whose first words went starts at its first kept word, not at a space."""
    out, at = [], 0
    by_line: dict[int, list[int]] = {}
    for i, w in enumerate(units):
        by_line.setdefault(text.count("\n", 0, w.start), []).append(i)
    for number, line in enumerate(text.splitlines(keepends=True)):
        members = by_line.get(number, [])
        if members and all(i in dropped for i in members):
            at += len(line)
            continue
        pos, cut, kept_one = at, False, False
        for i in members:
            w = units[i]
            out.append(text[pos : w.start])
            if i in dropped:
                cut = cut or not kept_one
            else:
                word = text[w.start : w.end]
                out.append(word.lstrip(" \t") if cut and not kept_one else word)
                kept_one = True
            pos = w.end
        out.append(text[pos : at + len(line)])
        at += len(line)
    return "".join(out)


def compressor(llm: Any) -> Callable[[str, float], str]:
    """RewriteContext.compressor over a loaded scoring model; one scoring pass per text."""
    scored: dict[str, list[TokenInfo]] = {}

    def compress(text: str, ratio: float) -> str:
        if text not in scored:
            scored[text] = token_information(llm, text)
        return drop_least_informative(text, scored[text], ratio)

    return compress
