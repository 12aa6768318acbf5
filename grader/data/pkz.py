"""scikit-learn's California Housing cache (``cal_housing_py3.pkz``), read without unpickling anything.

scikit-learn writes the cache with ``joblib.dump(array, path, compress=6)``: a zlib stream holding a
pickle whose only objects are a ``joblib.numpy_pickle.NumpyArrayWrapper`` (the array's class, shape,
order and dtype) followed by the array's bytes, written inline after the wrapper (after one padding-length
byte and that many padding bytes, joblib ≥ 1.2). A pickle is a program, and joblib runs it; this reader
interprets the stream with :class:`pickle._Unpickler` restricted to three names and builds the array from
the bytes itself:

- ``joblib.numpy_pickle.NumpyArrayWrapper``: becomes an inert record of its fields;
- ``numpy.ndarray``: an inert marker, accepted only as the wrapper's class (no subclass);
- ``numpy.dtype``: called only with a plain numeric type code (``"f8"``, ``"i4"``...).

Any other name (``builtins.open``, ``os.system``, numpy's own ``_reconstruct``, a class of the writer's),
an object dtype (whose data joblib would unpickle), a second array or anything that is not one 2-D plain
numeric array is refused with :class:`~grader.data.files.DataError`. The file may be compressed with
zlib (scikit-learn), gzip, bz2 or xz, or not at all; its decompressed size is capped.
"""

from __future__ import annotations

import bz2
import io
import lzma
import pickle
import zlib
from pathlib import Path

import numpy as np

MAX_BYTES = 256 * 2**20  # decompressed; the real cache is 1.5 MB
NUMERIC_KINDS = "fiu"  # float, signed and unsigned integers


class Refused(Exception):
    """The file is not a plain numeric array written by joblib; the message says what was found."""


class _Wrapper:
    """What joblib's ``NumpyArrayWrapper`` holds: fields only, no methods that run."""


class _NdarrayMarker:
    """Stands for ``numpy.ndarray`` as the wrapper's class; cannot be called, instantiated or changed."""

    __slots__ = ()


_NDARRAY = _NdarrayMarker()


def _dtype(code, align=False, copy=True) -> np.dtype:
    if not isinstance(code, str) or len(code) > 4:
        raise Refused(f"a dtype built from {type(code).__name__} {code!r:.40}")
    dtype = np.dtype(code)
    if dtype.kind not in NUMERIC_KINDS or dtype.fields is not None or dtype.subdtype is not None:
        raise Refused(f"the dtype {dtype}, not a plain number")
    return dtype


_ALLOWED = {("joblib.numpy_pickle", "NumpyArrayWrapper"): _Wrapper, ("numpy", "ndarray"): _NDARRAY,
            ("numpy", "dtype"): _dtype}


class _Reader(pickle._Unpickler):  # the pure-Python unpickler: its BUILD opcode can be intercepted
    dispatch = pickle._Unpickler.dispatch.copy()

    def __init__(self, stream: io.BytesIO):
        super().__init__(stream)
        self.stream = stream
        self.arrays = 0

    def find_class(self, module: str, name: str):
        found = _ALLOWED.get((module, name))
        if found is None:
            raise Refused(f"a reference to {module}.{name}, which the grader never loads")
        return found

    def persistent_load(self, pid):
        raise Refused("a persistent reference")

    def load_build(self):
        pickle._Unpickler.load_build(self)
        if isinstance(self.stack[-1], _Wrapper):
            self.stack.append(self._array(self.stack.pop()))

    dispatch[pickle.BUILD[0]] = load_build

    def _array(self, wrapper: _Wrapper) -> np.ndarray:
        """The array whose bytes follow the wrapper in the stream, as joblib's ``read_array`` reads them."""
        self.arrays += 1
        fields = vars(wrapper)
        shape, order, dtype = fields.get("shape"), fields.get("order"), fields.get("dtype")
        if self.arrays > 1 or fields.get("subclass") is not _NDARRAY or order not in ("C", "F") \
                or not isinstance(dtype, np.dtype):
            raise Refused("an object other than one plain numeric numpy array")
        dtype = _dtype(dtype.str[1:] if dtype.str[:1] in "<>|=" else dtype.str).newbyteorder(dtype.byteorder)
        if not (isinstance(shape, tuple) and len(shape) == 2 and all(type(n) is int and n >= 0 for n in shape)):
            raise Refused(f"an array of shape {shape!r:.60}")
        if fields.get("numpy_array_alignment_bytes") is not None:
            padding = self.stream.read(1)
            self.stream.read(int.from_bytes(padding, "little"))
        count = shape[0] * shape[1]
        data = self.stream.read(count * dtype.itemsize)
        if len(data) != count * dtype.itemsize:
            raise Refused(f"an array cut short ({len(data)} of {count * dtype.itemsize} bytes)")
        array = np.frombuffer(data, dtype=dtype, count=count)
        array = array.reshape(shape[::-1]).T if order == "F" else array.reshape(shape)
        return array.astype(dtype.newbyteorder("="), copy=True)


def _decompressed(raw: bytes) -> bytes:
    if raw[:1] == b"\x80":  # a plain pickle (joblib.dump without compress)
        return raw
    if raw[:2] == b"\x1f\x8b":
        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif raw[:1] == b"x":
        decompressor = zlib.decompressobj()
    elif raw[:3] == b"BZh":
        decompressor = bz2.BZ2Decompressor()
    elif raw[:6] == b"\xfd7zXZ\x00":
        decompressor = lzma.LZMADecompressor()
    else:
        raise Refused("neither a pickle nor a zlib, gzip, bz2 or xz stream")
    try:
        data = decompressor.decompress(raw, MAX_BYTES + 1)
    except (zlib.error, OSError, EOFError, lzma.LZMAError) as exc:
        raise Refused(f"a corrupt compressed stream ({exc})") from None
    if len(data) > MAX_BYTES:
        raise Refused(f"more than {MAX_BYTES // 2**20} MB once decompressed")
    return data


def read_array(path: Path) -> object:
    """What the cache holds: a numpy array when it is a plain numeric one, else a plain Python value (a dict,
    a list: the caller says what was expected). Raises :class:`Refused` for anything that would run code."""
    with open(path, "rb") as fh:
        raw = fh.read(MAX_BYTES + 1)
    stream = io.BytesIO(_decompressed(raw))
    try:
        return _Reader(stream).load()
    except Refused:
        raise
    except Exception as exc:  # whatever a malformed stream makes the interpreter raise: refuse the file
        raise Refused(f"an unreadable pickle ({type(exc).__name__}: {str(exc)[:200]})") from None
