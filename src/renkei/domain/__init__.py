"""Pure domain core: dataclasses and rules, with no I/O."""
