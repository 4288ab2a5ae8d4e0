"""A compact pickle of plan snapshots: fewer objects to make, and a cheap way to make each, when a worker starts.

A 10,000-sheet snapshot is about a million Python objects, and most of the time a new worker spends reading it went
to two things (``cProfile`` of ``SnapshotFiles.read``, ``benchmarks/README.md``):

- **Rebuilding each frozen dataclass.** The standard pickle of a ``slots=True, frozen=True`` dataclass restores it
  through ``dataclasses._dataclass_setstate``, which calls ``dataclasses.fields()`` and sets the fields one by one in
  a Python loop, for each of the 230,000 dataclasses: about two thirds of the read. Here a dataclass whose
  constructor only sets its fields is pickled as a call of its class with its values (one call, the generated
  ``__init__``); any other (a ``__post_init__`` that derives or checks, a field outside ``__init__``) as a call of
  :func:`restore` with the class and its values, which sets the fields without looking them up again.
- **Equal values stored again and again.** Each sheet's partner names, role duties, units and facet values
  are separate but equal objects (118,000 strings for 18 partner names), and pickle writes and reads every one. Here
  a dataclass's strings, and its tuples and frozensets of strings and integers, are written once per distinct
  value (pickle's memo then refers to the first), so the snapshot read back shares them, which also takes less
  memory.

What is read back equals what was written, field by field (``tests/web/test_snapshot_pickle.py``); only the
identity of equal immutable values differs, which nothing compares.
"""

from __future__ import annotations

import dataclasses
import io
import pickle
from typing import Any

__all__ = ["dumps", "restore"]

#: The standard (slow) state function of a slotted frozen dataclass: the classes this module pickles its own way.
_STANDARD_GETSTATE = getattr(dataclasses, "_dataclass_getstate", None)
_set = object.__setattr__
_new = object.__new__
#: Field names of each class restored by :func:`restore` (read once per class and process).
_NAMES: dict[type, tuple[str, ...]] = {}


def restore(cls: type, values: tuple[object, ...]) -> object:
    """Make a dataclass instance from its field values in order, without running its ``__init__``.

    Pickles refer to it by name (``renkei.web.snapshot_pickle.restore``); a file made by other code is never read
    (``snapshot_files`` names files by a digest of the source), so renaming it breaks nothing kept.
    """
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    made: object = _new(cls)
    for name, value in zip(names, values, strict=True):
        _set(made, name, value)
    return made


#: How a class is pickled: (field names, True when its constructor takes exactly its fields), or None (the default).
Way = tuple[tuple[str, ...], bool] | None


def _way_for(cls: type) -> Way:
    """Decide how instances of a class are pickled (see the module docstring)."""
    if _STANDARD_GETSTATE is None or getattr(cls, "__getstate__", None) is not _STANDARD_GETSTATE:
        return None
    if "__reduce__" in cls.__dict__ or "__reduce_ex__" in cls.__dict__ or "__slots__" not in cls.__dict__:
        return None
    fields = dataclasses.fields(cls)
    direct = not hasattr(cls, "__post_init__") and all(f.init for f in fields)
    return tuple(f.name for f in fields), direct


class _Pickler(pickle.Pickler):
    """A pickler that writes slotted frozen dataclasses as constructor calls and shares equal plain values."""

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._ways: dict[type, Way] = {}
        self._same: dict[object, object] = {}

    def reducer_override(self, obj: Any) -> Any:
        cls = type(obj)
        try:
            way = self._ways[cls]
        except KeyError:
            way = self._ways[cls] = _way_for(cls) if dataclasses.is_dataclass(cls) else None
        if way is None:
            return NotImplemented
        names, direct = way
        values = tuple(self._shared(getattr(obj, name)) for name in names)
        if direct:
            return cls, values
        return restore, (cls, values)

    def _shared(self, value: object) -> object:
        """Return the first-pickled equal copy of a string, or of a tuple or frozenset of strings and integers (else
        the value itself; a dict is copied with its keys and values shared).

        Keyed by type as well as value: ``(1,)``, ``(1.0,)`` and ``(True,)`` are equal but do not show the same.
        """
        kind = type(value)
        if kind is str:  # (a lone integer is written by value and read as a new object whatever is done here)
            return self._same.setdefault((kind, value), value)
        if (isinstance(value, (tuple, frozenset)) and kind in (tuple, frozenset)
                and all(type(item) is str or type(item) is int for item in value)):
            shared = kind(self._shared(item) for item in value)
            return self._same.setdefault((kind, shared), shared)
        if isinstance(value, dict) and kind is dict:  # e.g. a facet row's values: the dict itself stays its own
            return {self._shared(k): self._shared(v) for k, v in value.items()}
        return value


def dumps(value: object) -> bytes:
    """Pickle a snapshot compactly (read it back with ``pickle.loads``)."""
    out = io.BytesIO()
    _Pickler(out).dump(value)
    return out.getvalue()

