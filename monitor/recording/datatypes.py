"""Sample formats: SigMF datatype strings, byte decoding to complex64, and the cu8 convention.

The RTL-SDR delivers interleaved unsigned 8-bit I/Q (SigMF ``cu8``) whose zero level is 127.5.
:func:`cu8_to_complex64` is the one conversion used for live dongles, ``rtl_tcp`` streams and
replayed ``.cu8``/SigMF files alike, so a replayed recording and live samples are bit-for-bit
comparable: ``x = (u - 127.5) / 127.5``, mapping codes 0..255 onto [-1, +1] symmetrically
(pyrtlsdr's convention; sigmf-python's autoscale ``(u - 128) / 128`` differs by half an LSB and
would leave a -0.0039 DC offset, so it is not used).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

CU8_ZERO = 127.5
"""Code value of 0.0 in RTL-SDR unsigned 8-bit samples."""

_DATATYPE = re.compile(r"^c(?P<kind>[fiu])(?P<bits>8|16|32|64)(?:_(?P<endian>le|be))?$")


@dataclass(frozen=True, slots=True)
class SampleFormat:
    """A complex interleaved sample format, parsed from a SigMF ``core:datatype`` string.

    Attributes
    ----------
    datatype
        The SigMF name, e.g. ``"cu8"``, ``"ci16_le"``, ``"cf32_le"``.
    component
        numpy dtype of one component (I or Q), with byte order.
    """

    datatype: str
    component: np.dtype[np.generic]

    @property
    def bytes_per_sample(self) -> int:
        """Bytes of one complex sample (I and Q)."""
        return 2 * self.component.itemsize

    @classmethod
    def parse(cls, datatype: str) -> SampleFormat:
        """Parse a SigMF datatype; raise ``ValueError`` for real or unsupported types.

        >>> SampleFormat.parse("ci16_be").bytes_per_sample
        4
        """
        m = _DATATYPE.match(datatype)
        if m is None:
            raise ValueError(
                f"unsupported datatype {datatype!r} (expected complex cu8, ci8, ci16_le, "
                "ci16_be, ci32_le/be, cf32_le/be or cf64_le/be)"
            )
        kind, bits, endian = m["kind"], int(m["bits"]), m["endian"]
        if kind == "f" and bits not in (32, 64):
            raise ValueError(f"unsupported datatype {datatype!r}: floats are 32 or 64 bits")
        if kind == "u" and bits != 8:
            raise ValueError(f"unsupported datatype {datatype!r}: only 8-bit unsigned (cu8)")
        if bits == 8 and endian is not None:
            raise ValueError(f"datatype {datatype!r}: 8-bit types take no endianness suffix")
        if bits > 8 and endian is None:
            raise ValueError(f"datatype {datatype!r} needs an endianness suffix (_le or _be)")
        order = "<" if endian == "le" else ">" if endian == "be" else "|"
        return cls(datatype, np.dtype(f"{order}{kind}{bits // 8}"))

    def decode(self, raw: bytes | npt.NDArray[np.generic]) -> npt.NDArray[np.complex64]:
        """Convert interleaved I/Q bytes to complex64 with full scale about +-1.

        Integer types are scaled by their positive full scale (``2**(bits-1)``; cu8 by
        :func:`cu8_to_complex64`); float types are taken as they are. ``raw`` must hold a whole
        number of samples.
        """
        comp = np.frombuffer(raw, dtype=self.component)
        if self.datatype == "cu8":
            return cu8_to_complex64(comp.view(np.uint8))
        out = np.empty(comp.size // 2, dtype=np.complex64)
        view = out.view(np.float32)
        if comp.dtype.kind == "f":
            view[:] = comp
        else:
            np.multiply(comp, np.float32(1.0 / 2 ** (8 * comp.dtype.itemsize - 1)), out=view)
        return out


def cu8_to_complex64(
    raw: bytes | npt.NDArray[np.uint8], out: npt.NDArray[np.complex64] | None = None
) -> npt.NDArray[np.complex64]:
    """Convert RTL-SDR interleaved unsigned 8-bit I/Q to complex64 in [-1, +1].

    Parameters
    ----------
    raw
        Interleaved ``I, Q, I, Q, ...`` codes 0..255; an even number of bytes.
    out
        Optional preallocated array of ``len(raw) // 2`` complex64 to write into.

    Returns
    -------
    ndarray of complex64
        ``(u - 127.5) / 127.5`` for each component.

    Examples
    --------
    >>> cu8_to_complex64(bytes([0, 255, 127, 128]))
    array([-1.        +1.j        , -0.00392157+0.00392157j], dtype=complex64)
    """
    codes = np.frombuffer(raw, dtype=np.uint8) if isinstance(raw, bytes | bytearray) else raw
    if codes.size % 2:
        raise ValueError("cu8 data must hold an even number of bytes (I and Q)")
    if out is None:
        out = np.empty(codes.size // 2, dtype=np.complex64)
    view = out.view(np.float32)
    # Subtract first: u - 127.5 is exact in float32, so the result is symmetric about zero.
    np.subtract(codes, np.float32(CU8_ZERO), out=view)
    np.multiply(view, np.float32(1.0 / CU8_ZERO), out=view)
    return out


def complex64_to_cu8(samples: npt.NDArray[np.complexfloating]) -> npt.NDArray[np.uint8]:
    """Quantise complex samples to interleaved cu8 codes, clipping outside [-1, +1].

    The inverse of :func:`cu8_to_complex64` up to rounding: ``round(x * 127.5 + 127.5)``.
    Clipping here is what an overloaded 8-bit ADC does.

    >>> complex64_to_cu8(np.array([0.0 + 1.0j, -2.0 + 0.0j])).tolist()
    [128, 255, 0, 128]
    """
    comps = np.asarray(samples, dtype=np.complex64).view(np.float32)
    scaled = np.rint(comps * np.float32(CU8_ZERO) + np.float32(CU8_ZERO))
    codes: npt.NDArray[np.uint8] = np.clip(scaled, 0, 255).astype(np.uint8)
    return codes
