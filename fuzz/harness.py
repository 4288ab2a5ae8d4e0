"""What every fuzz harness shares: the small input limits, the targets' names and the libFuzzer entry point.

A harness module defines ``check(data: bytes) -> None``: it feeds ``data`` to one reader and lets through only
the reader's own refusals (its error classes); any other exception is a crash. ``run(check)`` starts libFuzzer
on it with the command line's options (``python -m fuzz.sheet -max_total_time=60 var/fuzz/corpus/sheet …``).
"""

from __future__ import annotations

import gc
import shlex
import sys
import types
from collections.abc import Callable
from pathlib import Path

from renkei.reading.input_limits import InputLimits

#: The harnesses in ``fuzz/``; each has its corpus in ``fuzz/corpus/<target>/``, crashes in ``fuzz/crashes/<target>/``.
TARGETS = ("sheet", "quantity", "actuals_csv", "actuals_xlsx", "actuals_xlsx_parts", "actuals_mapping")
FUZZ_DIR = Path(__file__).resolve().parent

KIB = 1024
#: Far below the upload's limits so that one execution stays fast, yet every limit can be passed by a mutated input.
#: ``seconds`` is generous: libFuzzer's own ``-timeout`` is what catches a hang.
FUZZ_LIMITS = InputLimits(file_bytes=256 * KIB, unpacked_bytes=2 * KIB * KIB, compression_ratio=100, zip_entries=64,
                          rows=2_000, cells=20_000, xml_elements=40_000, seconds=30)


def decode_text(data: bytes) -> str:
    """Turn fuzz bytes into text for a reader that takes str: UTF-8, each undecodable byte becoming U+FFFD.

    >>> decode_text("前年度比5%増".encode()), decode_text(b"\\xff5")
    ('前年度比5%増', '\\ufffd5')
    """
    return data.decode("utf-8", errors="replace")


def run(check: Callable[[bytes], None], packages: tuple[str, ...] = ("renkei",)) -> None:
    """Start libFuzzer on ``check`` with ``sys.argv``'s options, instrumenting the loaded code of ``packages``.

    Only the packages whose branches should guide the fuzzer are instrumented (not the standard library's ``re``
    or ``enum``, which every execution calls thousands of times): fewer functions, more executions per second.
    """
    import atheris

    functions = [obj for obj in gc.get_objects() if isinstance(obj, types.FunctionType)
                 and isinstance(getattr(obj, "__module__", None), str) and obj.__module__.startswith(packages)
                 and obj.__module__.split(".")[0] in packages]
    print(f"INFO: instrumenting {len(functions)} functions of {', '.join(packages)}", file=sys.stderr, flush=True)
    for function in functions:
        atheris.instrument_func(function)
    # libFuzzer runs argv[0] again through the shell for -merge=1 and -minimize_crash=1: name the module, not its file.
    main = sys.modules["__main__"].__spec__
    argv = [f"{shlex.quote(sys.executable)} -m {main.name}" if main is not None else sys.argv[0], *sys.argv[1:]]
    atheris.Setup(argv, check)
    atheris.Fuzz()
