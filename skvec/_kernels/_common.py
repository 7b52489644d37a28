"""Utilities shared by the Numba kernels: fast-math flags, prefetch, borrowed views, generators.

Prefetch.  ``llvm.prefetch`` is overloaded on its pointer argument, so its
name carries the pointer type: ``llvm.prefetch.p0i8`` while llvmlite's IR
layer writes typed pointers (``i8*``, the only form of the LLVM 14 behind
Numba 0.59) and ``llvm.prefetch.p0`` with opaque pointers (``ptr``).  The
two spellings are not interchangeable on every LLVM (a name that does not
match the declared type fails verification), and which form llvmlite writes
depends on its version and on ``LLVMLITE_ENABLE_IR_LAYER_TYPED_POINTERS``.
So the name is derived once, at import, from the pointer type this llvmlite
writes, with llvmlite's own mangling (``PointerType.intrinsic_name``).

Generators.  Three generators are in use, each kept for the results it
defines:

* ``lcg_next``: the C word2vec generator ``r = r * 25214903917 + 11``;
* ``xorshift_next``: xorshift64*, the GloVe visiting order;
* ``splitmix64``: a counter-based hash for position-keyed draws (the
  co-occurrence counts' down-sampling), so any split of a corpus draws the
  same.
"""

import numpy as np
from llvmlite import ir
from numba import njit
from numba.core import cgutils, types
from numba.extending import intrinsic
from numba.np.arrayobj import populate_array

# Float flags that let LLVM vectorize the dot products and d-loops
# (reassociation, reciprocal and fast approximations) but keep NaN/inf
# semantics, so a diverging run is detected instead of turned into an
# out-of-range table index.
FASTMATH = {"nsz", "arcp", "contract", "afn", "reassoc"}

CACHE_LINE = 64
# A thread's progress counter (words or tokens read) sits at index
# ``COUNTER_STRIDE * t`` of a shared int64 array: one counter per cache line,
# so threads never write to a line another thread writes to.
COUNTER_STRIDE = CACHE_LINE // 8
# Rows up to this many bytes get a prefetch per cache line; longer rows a
# prefix of that length and their last line.
PREFETCH_ROW_BYTES = 1024

_I8_PTR = ir.IntType(8).as_pointer()
PREFETCH_INTRINSIC = "llvm.prefetch." + _I8_PTR.intrinsic_name

_LCG_MUL = np.uint64(25214903917)
_LCG_ADD = np.uint64(11)
_S32 = np.uint64(32)


def _declare_prefetch(module):
    i32 = ir.IntType(32)
    signature = ir.FunctionType(ir.VoidType(), [_I8_PTR, i32, i32, i32])
    return cgutils.get_or_insert_function(module, signature, PREFETCH_INTRINSIC)


def _row_prefetch(write):
    """Code generator prefetching the cache lines of ``matrix[row]``."""

    def codegen(context, builder, signature, args):
        matrix_type, row_type = signature.args
        array = context.make_array(matrix_type)(context, builder, args[0])
        index = context.cast(builder, args[1], row_type, types.intp)
        zero = context.get_constant(types.intp, 0)
        pointer = cgutils.get_item_pointer2(
            context, builder, array.data, cgutils.unpack_tuple(builder, array.shape),
            cgutils.unpack_tuple(builder, array.strides), matrix_type.layout, [index, zero],
            wraparound=False,
        )
        prefetch = _declare_prefetch(builder.module)
        i32 = ir.IntType(32)
        # rw (0 read, 1 write), locality 3 (keep in all cache levels), data cache
        hints = [i32(int(write)), i32(3), i32(1)]
        base = builder.bitcast(pointer, _I8_PTR)
        itemsize = context.get_constant(types.intp, context.get_abi_sizeof(context.get_data_type(matrix_type.dtype)))
        row_bytes = builder.mul(builder.extract_value(array.shape, 1), itemsize)
        for offset in range(0, PREFETCH_ROW_BYTES, CACHE_LINE):
            offset = context.get_constant(types.intp, offset)
            with builder.if_then(builder.icmp_signed("<", offset, row_bytes), likely=True):
                builder.call(prefetch, [builder.gep(base, [offset]), *hints])
        last = builder.gep(base, [builder.sub(row_bytes, context.get_constant(types.intp, 1))])
        builder.call(prefetch, [last, *hints])
        return context.get_dummy_value()

    return codegen


@intrinsic
def prefetch_row(typingctx, matrix, row):
    """Ask the CPU to start loading ``matrix[row]`` (a C-contiguous 2-d array) for reading.

    Rows scattered over a matrix larger than the caches are a cache miss
    each; issuing the loads of several rows before using them overlaps the
    memory latencies instead of paying them one after another.  Only a hint:
    results never depend on it.
    """
    return types.void(matrix, row), _row_prefetch(write=False)


@intrinsic
def prefetch_row_for_write(typingctx, matrix, row):
    """As :func:`prefetch_row`, for a row that is about to be updated."""
    return types.void(matrix, row), _row_prefetch(write=True)


@njit(cache=True, inline="always")
def lcg_next(r):
    """One step of the C word2vec generator, ``r * 25214903917 + 11`` modulo 2**64."""
    return r * _LCG_MUL + _LCG_ADD


@njit(cache=True, inline="always")
def below(bits, n):
    """Map 32 random bits ``bits`` to an integer in ``[0, n)`` (multiply-shift, no division)."""
    return np.int64((bits * np.uint64(n)) >> _S32)


@njit(cache=True, inline="always")
def xorshift_next(state):
    """One xorshift64* step; ``state`` is a 1-element uint64 array, updated in place."""
    x = state[0]
    x ^= x >> np.uint64(12)
    x ^= x << np.uint64(25)
    x ^= x >> np.uint64(27)
    state[0] = x
    return x * np.uint64(2685821657736338717)


@njit(cache=True)
def splitmix64(x):
    """SplitMix64's output function: a well-mixed 64-bit hash of ``x``."""
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


@intrinsic
def borrowed(typingctx, array):
    """A view of ``array`` that carries no reference count (a view with no memory-manager record).

    Numba updates the reference count of an array, an atomic operation, each
    time a view is made or an array is passed to another function, inlined
    or not.  In a hot loop these updates are out-of-line calls that also
    spill the vector registers, and their cache line is shared by every
    thread using the same model.  A borrowed view costs nothing of the kind.
    It must not outlive ``array``: only a function's arguments are borrowed,
    and only for the duration of the call (the caller holds them).

    The function with the loop borrows its arguments again although they
    arrive borrowed: in a function that receives a view, its record is an
    unknown pointer, so each release the compiler leaves (after an inlined
    helper that takes an array, on each branch) is a call; in the function
    that makes the view, the record is a known null and every increment and
    release folds away.
    """
    if not isinstance(array, types.Array):
        return None

    def codegen(context, builder, signature, args):
        source = context.make_array(array)(context, builder, args[0])
        view = context.make_array(array)(context, builder)
        populate_array(view, data=source.data, shape=source.shape, strides=source.strides,
                       itemsize=source.itemsize, meminfo=None)
        return view._getvalue()

    return array(array), codegen
