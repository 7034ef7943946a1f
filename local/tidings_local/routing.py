"""API Gateway HTTP API route selection: the most specific matching route wins, else `$default`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tidings_local.sam_template import FunctionSpec, Route

DEFAULT = "$default"


@dataclass(frozen=True)
class Match:
    function: FunctionSpec
    route_key: str
    path_parameters: dict[str, str]


@dataclass(frozen=True)
class _Compiled:
    function: FunctionSpec
    route: Route
    pattern: re.Pattern[str]
    specificity: tuple[int, int]


class Router:
    def __init__(self, functions: list[FunctionSpec]) -> None:
        self._routes: list[_Compiled] = []
        self._default: FunctionSpec | None = None
        for function in functions:
            for route in function.routes:
                if route.path == DEFAULT:
                    self._default = function
                else:
                    self._routes.append(_compile(function, route))
        self._routes.sort(key=lambda r: r.specificity, reverse=True)

    def match(self, method: str, path: str) -> Match | None:
        for compiled in self._routes:
            if compiled.route.method not in (method, "ANY"):
                continue
            found = compiled.pattern.fullmatch(path)
            if found:
                key = f"{compiled.route.method} {compiled.route.path}"
                return Match(compiled.function, key, found.groupdict())
        if self._default is not None:
            return Match(self._default, DEFAULT, {})
        return None


def _compile(function: FunctionSpec, route: Route) -> _Compiled:
    parts, literal, greedy = [], 0, 0
    for segment in route.path.strip("/").split("/"):
        if segment.startswith("{") and segment.endswith("+}"):
            parts.append(f"(?P<{segment[1:-2]}>.+)")
            greedy += 1
        elif segment.startswith("{") and segment.endswith("}"):
            parts.append(f"(?P<{segment[1:-1]}>[^/]+)")
        else:
            parts.append(re.escape(segment))
            literal += 1
    pattern = re.compile("/" + "/".join(parts))
    return _Compiled(function, route, pattern, (literal, -greedy))
