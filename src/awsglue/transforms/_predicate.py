"""Turn a Filter predicate written in Python into a native Spark condition, when that is exact.

``Filter.apply(frame=f, f=lambda row: row["event_type"] is not None)`` would otherwise run
Python once per record. :func:`translate` reads the function's source (``linecache`` +
``ast``; the code object's positions pick the right lambda when a line holds several),
and translates a small, exactly-understood subset:

- ``row["a"]``, ``row.a``, ``row.get("a")``, ``row["s"]["b"]`` (struct members);
- constants, and names bound to constants (or tuples/lists/sets of them) in the closure
  or module;
- ``is None`` / ``is not None``, ``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=`` (chains too),
  ``in`` / ``not in`` a constant collection or string, ``.startswith``/``.endswith``;
- ``and`` / ``or`` / ``not`` and plain truthiness (``row["name"]``, ``bool(...)``).

Python semantics are kept exactly, including what raises: ``None > 3`` raises TypeError,
and a record whose predicate raises is dropped (upstream Glue returns False for
KeyError/ValueError/TypeError and marks other exceptions as error records; either way the
record is not in the output). Each translated value therefore carries an "error" column;
``and``/``or`` short-circuit as in Python. Comparisons are only translated between types
whose Python and Spark orderings agree (no str-vs-int coercion, NaN handled, int-vs-float
without double rounding). Anything else returns None and the caller runs the function
row by row. Knows Spark columns and Python's ``ast``, nothing about frames.
"""

from __future__ import annotations

import ast
import linecache
import logging
import math
import operator
import textwrap
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pyspark.sql import Column
from pyspark.sql import functions as F
from pyspark.sql import types as T

from awsglue.transforms._columns import top

LOG = logging.getLogger(__name__)

_NO_CONST = object()
_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1
_EXACT_FLOAT_INT = 2**53
_SCALARS = (str, int, float, bool, type(None))
_COLLECTIONS = (tuple, list, set, frozenset)
_DICT_NAMES = frozenset(dir(dict))


class Untranslatable(Exception):
    """The predicate is outside the subset translated exactly."""


@dataclass(frozen=True)
class _Node:
    """A translated expression: its value, where evaluating it raises, and its kind.

    ``kind`` is ``record``, ``const``, ``pred`` (a bool from a comparison), or the Python
    type family of a field: ``str``, ``int``, ``float``, ``decimal``, ``bool``, ``date``,
    ``timestamp``, ``struct``, ``array``, ``map``, ``binary``, ``other``.
    """

    kind: str
    col: Column | None = None
    err: Column | None = None
    dtype: T.DataType | None = None
    const: Any = _NO_CONST


def translate(f: Callable[..., Any], schema: T.StructType) -> Column | None:
    """A Spark condition that keeps exactly the records ``f`` keeps, or None."""
    if not isinstance(f, types.FunctionType):
        return None  # a partial, a callable object...: Python decides
    try:
        expression, param = _function_expression(f)
        node = _Translator(schema, param, _Scope(f)).expr(expression)
        value, err = _truth(node)
    except Untranslatable as exc:
        LOG.debug("filter runs in Python: %s", exc)
        return None
    except Exception as exc:  # unreadable source and the like: Python is always exact
        LOG.debug("filter runs in Python (%s: %s)", type(exc).__name__, exc)
        return None
    keep = F.coalesce(value, F.lit(False))
    return keep if err is None else (~err) & keep


def _function_expression(f: Callable[..., Any]) -> tuple[ast.expr, str]:
    """The expression ``f`` returns, found in its source file, and its parameter name."""
    if not isinstance(f, types.FunctionType):
        raise Untranslatable("not a plain function")
    code = f.__code__
    if code.co_argcount != 1 or code.co_kwonlyargcount or code.co_flags & 0x0C:
        raise Untranslatable("not a one-argument function")
    linecache.checkcache(code.co_filename)  # a re-run script may have changed on disk
    lines = linecache.getlines(code.co_filename, f.__globals__)
    if not lines:
        raise Untranslatable("source not available")
    tree = ast.parse("".join(lines))
    positions = [  # instruction spans; (line, line, 0, 0) marks synthetic instructions
        p
        for line, end_line, col, end_col in code.co_positions()
        if line
        and end_line
        and col is not None
        and end_col is not None
        and (end_line, end_col) > (line, col)
        for p in ((line, col), (end_line, end_col))
    ]
    node = _defining_node(tree, code, positions)
    args = node.args
    if args.posonlyargs or args.defaults or len(args.args) != 1:
        raise Untranslatable("unexpected signature")
    param = args.args[0].arg
    if not _same_code(node, code):
        raise Untranslatable("source does not match the code")
    if isinstance(node, ast.Lambda):
        return node.body, param
    body = [s for s in node.body if not (isinstance(s, ast.Expr) and _is_docstring(s))]
    if len(body) != 1 or not isinstance(body[0], ast.Return) or body[0].value is None:
        raise Untranslatable("function body is not a single return")
    return body[0].value, param


def _same_code(node: ast.Lambda | ast.FunctionDef, code: types.CodeType) -> bool:
    """Whether ``node`` compiles to ``code`` (guards against source edited since import)."""
    source = ast.unparse(node)
    if isinstance(node, ast.Lambda):
        source = f"__candidate__ = {source}"
    if code.co_freevars:  # compile inside a function that gives the free names cells
        cells = "".join(f"    {name} = None\n" for name in code.co_freevars)
        source = "def __wrapper__():\n" + cells + textwrap.indent(source, "    ") + "\n"
        source += "    return " + ", ".join(code.co_freevars) + "\n"
    compiled = _find_code(compile(source, code.co_filename, "exec"), code.co_name)
    return compiled is not None and all(
        getattr(compiled, attr) == getattr(code, attr)
        for attr in ("co_code", "co_consts", "co_names", "co_varnames", "co_freevars")
    )


def _find_code(code: types.CodeType, name: str) -> types.CodeType | None:
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            if const.co_name == name:
                return const
            found = _find_code(const, name)
            if found is not None:
                return found
    return None


def _is_docstring(statement: ast.Expr) -> bool:
    return isinstance(statement.value, ast.Constant) and isinstance(statement.value.value, str)


def _defining_node(
    tree: ast.AST, code: types.CodeType, positions: list[tuple[int, int]]
) -> ast.Lambda | ast.FunctionDef:
    candidates: list[ast.Lambda | ast.FunctionDef] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Lambda) and code.co_name == "<lambda>":
            candidates.append(node)
        elif isinstance(node, ast.FunctionDef) and node.name == code.co_name:
            if not node.decorator_list:
                candidates.append(node)
    inside = [n for n in candidates if _spans(n, positions)]
    if not inside:
        raise Untranslatable("definition not found in source")
    inside.sort(key=lambda n: (n.lineno, n.col_offset))
    best = inside[-1]  # innermost: the latest start that still spans every instruction
    if any(_spans(n, positions) and n is not best and _inner(n, best) for n in inside):
        raise Untranslatable("ambiguous definition")
    return best


def _spans(node: ast.Lambda | ast.FunctionDef, positions: list[tuple[int, int]]) -> bool:
    start = (node.lineno, node.col_offset)
    end = (node.end_lineno or node.lineno, node.end_col_offset or 0)
    return bool(positions) and all(start <= p <= end for p in positions)


def _inner(node: ast.Lambda | ast.FunctionDef, outer: ast.Lambda | ast.FunctionDef) -> bool:
    return (node.lineno, node.col_offset) > (outer.lineno, outer.col_offset)


class _Scope:
    """The free names of ``f``: its closure cells, then its module globals."""

    def __init__(self, f: types.FunctionType) -> None:
        self.cells = dict(zip(f.__code__.co_freevars, f.__closure__ or (), strict=True))
        self.globals = f.__globals__

    def bound(self, name: str) -> bool:
        return name in self.cells or name in self.globals

    def constant(self, name: str) -> Any:
        """The value of ``name`` if it is a constant (or a collection of constants)."""
        if name in self.cells:
            value = self.cells[name].cell_contents
        elif name in self.globals:
            value = self.globals[name]
        else:
            raise Untranslatable(f"name {name!r} is not a module or closure constant")
        if isinstance(value, _SCALARS):
            return value
        if isinstance(value, _COLLECTIONS) and all(isinstance(v, _SCALARS) for v in value):
            return tuple(value)
        raise Untranslatable(f"name {name!r} is not a constant")


def _kind(dtype: T.DataType) -> str:
    if isinstance(dtype, T.StringType | T.VarcharType | T.CharType):
        return "str"
    if isinstance(dtype, T.ByteType | T.ShortType | T.IntegerType | T.LongType):
        return "int"
    if isinstance(dtype, T.FloatType | T.DoubleType):
        return "float"
    kinds: list[tuple[type, str]] = [
        (T.DecimalType, "decimal"),
        (T.BooleanType, "bool"),
        (T.TimestampType, "timestamp"),
        (T.TimestampNTZType, "timestamp"),
        (T.DateType, "date"),
        (T.StructType, "struct"),
        (T.ArrayType, "array"),
        (T.MapType, "map"),
        (T.BinaryType, "binary"),
    ]
    for cls, kind in kinds:
        if isinstance(dtype, cls):
            return kind
    return "other"


def _const_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    raise Untranslatable(f"constant {value!r}")


def _err_or(*errs: Column | None) -> Column | None:
    present = [e for e in errs if e is not None]
    if not present:
        return None
    result = present[0]
    for err in present[1:]:
        result = result | err
    return result


def _null_err(node: _Node) -> Column | None:
    """Errors of ``node`` plus "it is None" (most operators raise TypeError on None)."""
    return _err_or(node.err, _column(node).isNull())


def _pred(col: Column, err: Column | None) -> _Node:
    return _Node("pred", col=col, err=err)


def _const(value: Any) -> _Node:
    return _Node("const", const=value)


class _Translator:
    """Walks one expression; ``param`` is the record parameter's name."""

    def __init__(self, schema: T.StructType, param: str, scope: _Scope) -> None:
        self.schema = schema
        self.param = param
        self.scope = scope

    def expr(self, node: ast.expr) -> _Node:
        handler = getattr(self, "_" + type(node).__name__.lower(), None)
        if handler is None:
            raise Untranslatable(f"{type(node).__name__} expressions")
        result: _Node = handler(node)
        return result

    def _constant(self, node: ast.Constant) -> _Node:
        if not isinstance(node.value, _SCALARS):
            raise Untranslatable(f"constant {node.value!r}")
        return _const(node.value)

    def _name(self, node: ast.Name) -> _Node:
        if node.id == self.param:
            return _Node("record")
        return _const(self.scope.constant(node.id))

    def _unaryop(self, node: ast.UnaryOp) -> _Node:
        operand = self.expr(node.operand)
        if isinstance(node.op, ast.Not):
            value, err = _truth(operand)
            return _pred(~value, err)
        if isinstance(node.op, ast.USub | ast.UAdd) and operand.kind == "const":
            if isinstance(operand.const, int | float) and not isinstance(operand.const, bool):
                return _const(-operand.const if isinstance(node.op, ast.USub) else operand.const)
        raise Untranslatable("unary operator")

    def _binop(self, node: ast.BinOp) -> _Node:
        """Arithmetic on constants only (``2**53``, ``60 * 60``), folded as Python does."""
        left, right = self.expr(node.left), self.expr(node.right)
        fold = _FOLD.get(type(node.op))
        if fold is None or left.kind != "const" or right.kind != "const":
            raise Untranslatable("arithmetic on fields")
        if isinstance(node.op, ast.Pow) and abs(right.const) > 128:
            raise Untranslatable("large power")
        try:
            return _const(fold(left.const, right.const))
        except Exception as exc:
            raise Untranslatable("constant arithmetic raises") from exc

    def _tuple(self, node: ast.Tuple | ast.List | ast.Set) -> _Node:
        values = []
        for element in node.elts:
            item = self.expr(element)
            if item.kind != "const":
                raise Untranslatable("non-constant collection")
            values.append(item.const)
        return _const(tuple(values))

    _list = _tuple
    _set = _tuple

    def _field(self, owner: _Node, name: Any) -> _Node:
        if not isinstance(name, str):
            raise Untranslatable("non-string key")
        if owner.kind == "record":
            if name not in self.schema.names:
                raise Untranslatable(f"no field {name!r}")  # KeyError at run time
            dtype = self.schema[name].dataType
            return _Node(_kind(dtype), col=top(name), dtype=dtype)
        if owner.kind == "struct":
            struct = owner.dtype
            if not isinstance(struct, T.StructType) or name not in struct.names:
                raise Untranslatable(f"no member {name!r}")
            dtype = struct[name].dataType
            member = _column(owner).getField(name)
            return _Node(_kind(dtype), col=member, err=_null_err(owner), dtype=dtype)
        raise Untranslatable(f"subscript of {owner.kind}")

    def _subscript(self, node: ast.Subscript) -> _Node:
        key = self.expr(node.slice)
        if key.kind != "const":
            raise Untranslatable("computed key")
        return self._field(self.expr(node.value), key.const)

    def _attribute(self, node: ast.Attribute) -> _Node:
        owner = self.expr(node.value)
        if owner.kind != "record" or node.attr in _DICT_NAMES or node.attr.startswith("__"):
            raise Untranslatable(f"attribute {node.attr!r}")
        return self._field(owner, node.attr)

    def _call(self, node: ast.Call) -> _Node:
        if node.keywords:
            raise Untranslatable("keyword arguments")
        if isinstance(node.func, ast.Name) and node.func.id == "bool" and len(node.args) == 1:
            if self.scope.bound("bool"):
                raise Untranslatable("'bool' is shadowed")
            value, err = _truth(self.expr(node.args[0]))
            return _pred(value, err)
        if not isinstance(node.func, ast.Attribute):
            raise Untranslatable("call")
        owner = self.expr(node.func.value)
        args = [self.expr(a) for a in node.args]
        if any(a.kind != "const" for a in args):
            raise Untranslatable("non-constant call argument")
        method = node.func.attr
        if owner.kind == "record" and method == "get" and len(args) in (1, 2):
            name = args[0].const
            if isinstance(name, str) and name in self.schema.names:
                return self._field(owner, name)
            return _const(args[1].const if len(args) == 2 else None)
        if owner.kind == "str" and method in ("startswith", "endswith") and len(args) == 1:
            return self._affix(owner, method, args[0].const)
        raise Untranslatable(f"call of {method!r}")

    def _affix(self, owner: _Node, method: str, affix: Any) -> _Node:
        affixes = affix if isinstance(affix, tuple) else (affix,)
        if not affixes or not all(isinstance(a, str) for a in affixes):
            raise Untranslatable("startswith/endswith argument")
        col = _column(owner)
        tests = [col.startswith(a) if method == "startswith" else col.endswith(a) for a in affixes]
        result = tests[0]
        for test in tests[1:]:
            result = result | test
        return _pred(result, _null_err(owner))  # None has no startswith: AttributeError

    def _boolop(self, node: ast.BoolOp) -> _Node:
        value, err = _truth(self.expr(node.values[0]))
        for operand in node.values[1:]:
            right, right_err = _truth(self.expr(operand))
            if isinstance(node.op, ast.And):
                # The right side only runs (and only raises) when the left is truthy.
                err = _err_or(err, value & right_err if right_err is not None else None)
                value = value & right
            else:
                err = _err_or(err, ~value & right_err if right_err is not None else None)
                value = value | right
        return _pred(value, err)

    def _compare(self, node: ast.Compare) -> _Node:
        left = self.expr(node.left)
        value: Column | None = None
        err: Column | None = None
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.expr(comparator)
            step = _compare_pair(left, op, right)
            step_value, step_err = _truth(step)
            if value is None:
                value, err = step_value, step_err
            else:
                err = _err_or(err, value & step_err if step_err is not None else None)
                value = value & step_value
            left = right
        if value is None:
            raise Untranslatable("empty comparison")
        return _pred(value, err)


def _truth(node: _Node) -> tuple[Column, Column | None]:
    """Python truthiness of ``node`` as a boolean column (valid where no error)."""
    if node.kind == "pred":
        return _column(node), node.err
    if node.kind == "const":
        return F.lit(bool(node.const)), None
    col = node.col
    if col is None:
        raise Untranslatable(f"truthiness of {node.kind}")
    tests: dict[str, Callable[[Column], Column]] = {
        "str": lambda c: c != F.lit(""),
        "int": lambda c: c != F.lit(0),
        "decimal": lambda c: c != F.lit(0),
        "float": lambda c: c != F.lit(0.0),
        "bool": lambda c: c,
        "date": lambda c: c.isNotNull(),
        "timestamp": lambda c: c.isNotNull(),
        "struct": lambda c: c.isNotNull(),
        "array": lambda c: F.size(c) > 0,
        "map": lambda c: F.size(c) > 0,
        "binary": lambda c: F.length(c) > 0,
    }
    if node.kind not in tests:
        raise Untranslatable(f"truthiness of {node.kind}")
    return F.coalesce(tests[node.kind](col), F.lit(False)), node.err


_FOLD: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_ORDER: dict[type, Callable[[Any, Any], Any]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_FLIP: dict[type, type] = {ast.Lt: ast.Gt, ast.Gt: ast.Lt, ast.LtE: ast.GtE, ast.GtE: ast.LtE}


def _compare_pair(left: _Node, op: ast.cmpop, right: _Node) -> _Node:
    if left.kind == "const" and right.kind == "const":
        if isinstance(op, ast.Is | ast.IsNot):
            singletons = [v for v in (left.const, right.const) if v is None or isinstance(v, bool)]
            if not singletons:
                raise Untranslatable("identity of constants")  # depends on interning
            same = left.const is right.const
            return _const(same if isinstance(op, ast.Is) else not same)
        return _const(_python_compare(left.const, op, right.const))
    if isinstance(op, ast.Is | ast.IsNot):
        return _negated(_identity(left, right), isinstance(op, ast.IsNot))
    if isinstance(op, ast.In | ast.NotIn):
        return _negated(_membership(left, right), isinstance(op, ast.NotIn))
    if isinstance(op, ast.Eq | ast.NotEq):
        return _negated(_equality(left, right), isinstance(op, ast.NotEq))
    if type(op) in _ORDER:
        return _ordering(left, type(op), right)
    raise Untranslatable("comparison operator")


def _negated(node: _Node, negate: bool) -> _Node:
    return _pred(~_column(node), node.err) if negate else node


def _column(node: _Node) -> Column:
    """The value column of a field or predicate node (not of a constant or the record)."""
    if node.col is None or node.kind in ("const", "record"):
        raise Untranslatable(f"{node.kind} used as a value")
    return node.col


def _python_compare(a: Any, op: ast.cmpop, b: Any) -> bool:
    table: dict[type, Callable[[Any, Any], Any]] = {
        ast.Eq: operator.eq,
        ast.NotEq: operator.ne,
        ast.In: lambda x, y: x in y,
        ast.NotIn: lambda x, y: x not in y,
        **_ORDER,
    }
    try:
        return bool(table[type(op)](a, b))
    except Exception as exc:  # a constant comparison that raises: leave it to Python
        raise Untranslatable("constant comparison raises") from exc


def _identity(left: _Node, right: _Node) -> _Node:
    column, const = (left, right.const) if right.kind == "const" else (right, left.const)
    col = _column(column)
    if const is None:
        return _pred(col.isNull(), column.err)
    if (const is True or const is False) and column.kind == "bool":
        return _pred(F.coalesce(col == F.lit(const), F.lit(False)), column.err)
    raise Untranslatable("identity test")


def _equality(left: _Node, right: _Node) -> _Node:
    for value, other in ((left, right), (right, left)):
        if other.kind == "const" and other.const is None and value.col is not None:
            return _pred(value.col.isNull(), value.err)
    err = _err_or(left.err, right.err)
    if left.kind == "const" or right.kind == "const":
        column, const = (left, right.const) if right.kind == "const" else (right, left.const)
        operands = _column_const(column, const, ast.Eq)
        if operands is None:
            return _pred(F.lit(False), err)
        col, lit, mask = operands
        return _pred(F.coalesce(col == lit, F.lit(False)) & mask, err)
    a, b, mask = _column_column(left, right)
    return _pred(a.eqNullSafe(b) & mask, err)


def _ordering(left: _Node, op: type, right: _Node) -> _Node:
    if left.kind == "const":
        left, right, op = right, left, _FLIP[op]
    if right.kind == "const":
        if right.const is None:
            raise Untranslatable("ordering against None")
        operands = _column_const(left, right.const, op)
        if operands is None:
            raise Untranslatable("ordering")
        col, lit, mask = operands
        return _pred(_ORDER[op](col, lit) & mask, _null_err(left))
    a, b, mask = _column_column(left, right)
    return _pred(_ORDER[op](a, b) & mask, _err_or(_null_err(left), _null_err(right)))


def _nan_free(*cols: Column) -> Column:
    mask = F.lit(True)
    for col in cols:
        mask = mask & ~F.isnan(col)
    return mask


def _column_const(column: _Node, const: Any, op: type) -> tuple[Column, Column, Column] | None:
    """(column side, literal side, validity mask) comparing exactly as Python would.

    None means "never equal" (for ``==``, only reached for int vs non-integral float).
    """
    kind, ckind = column.kind, _const_kind(const)
    col = _column(column)
    if kind == ckind and kind in ("str", "bool"):
        return col, F.lit(const), F.lit(True)
    if kind in ("int", "decimal") and ckind == "int":
        if not _LONG_MIN <= const <= _LONG_MAX:
            raise Untranslatable("integer constant out of range")
        return col, F.lit(const), F.lit(True)
    if kind == "float" and ckind in ("int", "float"):
        if ckind == "int" and abs(const) > _EXACT_FLOAT_INT:
            raise Untranslatable("integer constant not exact as a double")
        if ckind == "float" and math.isnan(const):
            raise Untranslatable("NaN constant")
        return col.cast("double"), F.lit(float(const)), _nan_free(col)
    if kind == "int" and ckind == "float":
        return _int_vs_float(col, const, op)
    raise Untranslatable(f"comparing {kind} with {ckind}")


def _int_vs_float(col: Column, const: float, op: type) -> tuple[Column, Column, Column] | None:
    """An integer column against a float, compared exactly via an integral bound."""
    if not math.isfinite(const) or abs(const) >= 2**62:
        raise Untranslatable("float constant")
    if op is ast.Eq:
        return (col, F.lit(int(const)), F.lit(True)) if const.is_integer() else None
    bound = math.ceil(const) if op in (ast.Lt, ast.GtE) else math.floor(const)
    return col, F.lit(bound), F.lit(True)


def _column_column(left: _Node, right: _Node) -> tuple[Column, Column, Column]:
    """Two field values compared exactly as Python would; float NaN never compares."""
    a, b = _column(left), _column(right)
    kinds = {left.kind, right.kind}
    if len(kinds) == 1 and left.kind in ("str", "bool", "int", "decimal", "date", "timestamp"):
        return a, b, F.lit(True)
    if kinds == {"decimal", "int"}:
        return a, b, F.lit(True)
    if kinds == {"float"}:
        return a.cast("double"), b.cast("double"), _nan_free(a, b)
    raise Untranslatable(f"comparing {left.kind} with {right.kind}")


def _membership(left: _Node, right: _Node) -> _Node:
    if right.kind == "const" and isinstance(right.const, tuple):
        return _in_collection(left, right.const)
    if right.kind == "const" and isinstance(right.const, str) and left.kind == "str":
        return _pred(F.lit(right.const).contains(_column(left)), _null_err(left))
    if left.kind == "const" and isinstance(left.const, str) and right.kind == "str":
        return _pred(_column(right).contains(F.lit(left.const)), _null_err(right))
    raise Untranslatable("membership test")


def _in_collection(left: _Node, values: tuple[Any, ...]) -> _Node:
    if left.kind == "pred":
        raise Untranslatable("membership operand")
    col = _column(left)
    present = [v for v in values if v is not None]
    result = col.isNull() if len(present) < len(values) else F.lit(False)
    same = {_const_kind(v) for v in present}
    if present and same == {left.kind} and left.kind in ("str", "int", "bool"):
        if left.kind == "int" and not all(_LONG_MIN <= v <= _LONG_MAX for v in present):
            raise Untranslatable("integer constant out of range")
        return _pred(result | F.coalesce(col.isin(present), F.lit(False)), left.err)
    for value in present:
        result = result | _column(_equality(left, _const(value)))
    return _pred(result, left.err)
