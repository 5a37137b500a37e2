"""What the exercise editions' `...` means: a value, or code, that still holds the placeholder (torch-free)."""

from __future__ import annotations

import types


def is_stub(value: object) -> bool:
    """True for the `...` placeholder, or a function/class whose code still contains one."""
    if value is Ellipsis:
        return True
    if isinstance(value, type):
        return any(is_stub(v) for v in vars(value).values() if isinstance(v, types.FunctionType))
    code = getattr(value, "__code__", None)
    return code is not None and _code_has_ellipsis(code)


def _code_has_ellipsis(code: types.CodeType) -> bool:
    return any(c is Ellipsis or (isinstance(c, types.CodeType) and _code_has_ellipsis(c)) for c in code.co_consts)
