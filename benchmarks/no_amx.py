"""Run a command as if the CPU had no AMX: an AVX-512 CPU without AMX, for benchmarks.

Linux grants AMX tile state to a process only when it asks (``arch_prctl(ARCH_REQ_XCOMP_PERM,
XTILEDATA)``); libraries that have AMX kernels (ONNX Runtime's int8 GEMM, oneDNN) ask first and
fall back to AVX-512 VNNI when refused. This installs a seccomp filter that refuses that one
request with EPERM, then runs the command in its place (the filter is inherited by every child
process). Everything else runs unchanged. Linux x86-64 only.

    python benchmarks/no_amx.py python benchmarks/inference_benchmark.py --no-bf16 ...
"""

from __future__ import annotations

import ctypes
import errno
import os
import struct
import sys

ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA = 0x1023, 18
SYS_ARCH_PRCTL = 158  # x86-64
AUDIT_ARCH_X86_64 = 0xC000003E
PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
RET_ALLOW, RET_ERRNO = 0x7FFF0000, 0x00050000
LD_W_ABS, JEQ_K, RET_K = 0x20, 0x15, 0x06
# offsets in struct seccomp_data: nr 0, arch 4, args[0] 16 (low 32 bits on little-endian)
PROGRAM = [
    (LD_W_ABS, 0, 0, 4),
    (JEQ_K, 0, 5, AUDIT_ARCH_X86_64),  # another ABI: allow
    (LD_W_ABS, 0, 0, 0),
    (JEQ_K, 0, 3, SYS_ARCH_PRCTL),
    (LD_W_ABS, 0, 0, 16),
    (JEQ_K, 0, 1, ARCH_REQ_XCOMP_PERM),
    (RET_K, 0, 0, RET_ERRNO | errno.EPERM),
    (RET_K, 0, 0, RET_ALLOW),
]


def refuse_amx() -> None:
    """Install the filter in this process (and so in everything it starts)."""
    if sys.platform != "linux" or os.uname().machine != "x86_64":
        raise SystemExit("no_amx: Linux on x86-64 only")
    code = b"".join(struct.pack("HBBI", *op) for op in PROGRAM)
    buffer = ctypes.create_string_buffer(code)

    class Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    program = Program(len(PROGRAM), ctypes.cast(buffer, ctypes.c_void_p))
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(program), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP)")


def amx_granted() -> bool:
    """Whether this process may use AMX now (asks for it: a probe, not a query)."""
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.syscall(SYS_ARCH_PRCTL, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) == 0


def main() -> None:
    if len(sys.argv) < 2:
        raise SystemExit(__doc__.split("\n\n")[-1].strip())
    refuse_amx()
    os.execvp(sys.argv[1], sys.argv[1:])


if __name__ == "__main__":
    main()
