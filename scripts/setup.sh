#!/usr/bin/env bash
# Set up .venv with greenprompt, its test tools and a llama-cpp-python built for this CPU.
# Idempotent: a second run only checks. Needs Python 3.10+ and the package registries.
# --test: also the system tools the test suite drives (Debian's chromium, for the HTML report).
set -euo pipefail
cd "$(dirname "$0")/.."

# pip and setuptools print pages of warnings that need no action (this machine's pip
# configuration names index locations that do not exist here; setuptools warns about every
# editable install), so each step's output goes to a log that is shown only if it fails.
log=$(mktemp "${TMPDIR:-/tmp}/greenprompt-setup.XXXXXX")
trap 'rm -f "$log"' EXIT
quietly() {
    if ! "$@" >"$log" 2>&1; then
        cat "$log" >&2
        echo "setup failed: $*" >&2
        return 1
    fi
}

if [ "${1:-}" = "--test" ] && ! command -v chromium >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1; then
        sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
        echo "installing chromium (for the HTML report tests)..." >&2
        quietly $sudo apt-get update -qq
        quietly $sudo apt-get install -y -qq chromium
    else
        echo "install Chromium (the tests open the HTML report in it headless)" >&2
    fi
fi

python_bin=${PYTHON:-$(command -v python3.11 || command -v python3)}
[ -x .venv/bin/python ] || { echo "creating .venv with $("$python_bin" -V)..." >&2; "$python_bin" -m venv .venv; }
py=.venv/bin/python
echo "upgrading pip in .venv..." >&2
quietly "$py" -m pip install --disable-pip-version-check --upgrade pip

# llama-cpp-python is built from source. On x86_64 a native build can crash (SIGSEGV in
# ggml_backend_amx_mul_mat on CPUs that advertise AMX it cannot use), and a fixed list of
# ISA flags can use instructions the CPU lacks (SIGILL). So: no native detection, and each
# ISA extension switched on only when /proc/cpuinfo lists it. Elsewhere the default is right.
if [ -z "${CMAKE_ARGS:-}" ] && [ "$(uname -m)" = x86_64 ] && [ -r /proc/cpuinfo ]; then
    flags=" $(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2) "
    args="-DGGML_NATIVE=OFF"
    for pair in avx:AVX avx2:AVX2 fma:FMA f16c:F16C bmi2:BMI2 avx512f:AVX512 avx512vbmi:AVX512_VBMI \
                avx512_vnni:AVX512_VNNI avx512_bf16:AVX512_BF16 avx_vnni:AVX_VNNI; do
        case "$flags" in *" ${pair%%:*} "*) args+=" -DGGML_${pair#*:}=ON" ;; esac
    done
    export CMAKE_ARGS="$args"
    echo "llama-cpp-python build flags: $CMAKE_ARGS" >&2
fi

# The distribution was called greenprompt before it became greenprompt-cli (PyPI's
# greenprompt is another tool): an older .venv would keep it beside the new one, two
# distributions claiming the greenprompt package and command.
if "$py" -m pip show greenprompt >/dev/null 2>&1; then
    echo "removing the old 'greenprompt' distribution (now greenprompt-cli)..." >&2
    quietly "$py" -m pip uninstall --disable-pip-version-check -y greenprompt
fi
echo "installing greenprompt (the greenprompt-cli distribution) and test tools..." >&2
quietly "$py" -m pip install --disable-pip-version-check -e ".[dev]"

# pip reuses a cached wheel whatever CMAKE_ARGS were; if that wheel cannot run here, rebuild.
if ! "$py" -m greenprompt.engine.backends.selfcheck; then
    echo "llama-cpp-python does not run on this CPU; rebuilding it without pip's cached wheel" >&2
    "$py" -m pip cache remove llama_cpp_python >/dev/null 2>&1 || true
    quietly "$py" -m pip install --disable-pip-version-check --force-reinstall --no-deps --no-cache-dir llama-cpp-python
    "$py" -m greenprompt.engine.backends.selfcheck
fi
