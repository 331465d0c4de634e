#!/usr/bin/env python3
"""Reports cycles between the source files of each crate (exit 1 if any).

A file depends on another file of its crate when it names one of that file's modules in a `use`
path (`crate::a::b`, `super::x`, `self::y`) or a qualified path (`crate::a::b::Name`). Cycles
through a `mod.rs` that only declares and re-exports its children are not counted: a parent
module listing its children is not a dependency of theirs. Usage: module-cycles.py [CRATE_DIR...]
"""
import os
import re
import sys

PATH = re.compile(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)+)")
USE_GROUP = re.compile(r"\buse\s+(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)*)::\{([^;]*)\};", re.S)


def module_of(src, path):
    rel = os.path.relpath(path, src)[:-3].split(os.sep)
    if rel[-1] in ("lib", "main", "mod"):
        rel = rel[:-1]
    return tuple(rel)


def files_of(src):
    for root, _, names in os.walk(src):
        for n in names:
            if n.endswith(".rs"):
                yield os.path.join(root, n)


def resolve(modules, base, parts):
    """The longest prefix of base + parts that names a module file."""
    full = list(base) + parts
    for k in range(len(full), -1, -1):
        if tuple(full[:k]) in modules:
            return tuple(full[:k])
    return None


def strip_tests(text):
    """Drops `#[cfg(test)] mod tests { ... }` blocks (test code may use anything)."""
    out, i = [], 0
    for m in re.finditer(r"#\[cfg\(test\)\]\s*mod\s+\w+\s*\{", text):
        if m.start() < i:
            continue
        out.append(text[i:m.start()])
        depth, j = 1, m.end()
        while j < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        i = j
    out.append(text[i:])
    return "".join(out)


def deps(src):
    modules = {module_of(src, p): p for p in files_of(src)}
    graph = {m: set() for m in modules}
    for m, p in modules.items():
        text = strip_tests(open(p, encoding="utf-8").read())
        text = re.sub(r"//[^\n]*", "", text)
        refs = []
        for g in USE_GROUP.finditer(text):
            for item in re.split(r"[,{}]", g.group(3)):
                item = item.strip().split(" as ")[0]
                if item and item != "self":
                    refs.append((g.group(1), g.group(2) + "::" + item.replace(" ", "")))
        refs += [(a, b) for a, b in PATH.findall(text)]
        for root, rest in refs:
            parts = [x for x in rest.split("::") if x]
            if root == "crate":
                base = ()
            elif root == "self":
                base = m
            else:
                base = m[:-1]
            target = resolve(modules, base, parts)
            if target is None or target == m:
                continue
            # A module's own children and its ancestors' declarations are structure, not dependencies.
            if target == m[: len(target)] or m == target[: len(m)]:
                continue
            graph[m].add(target)
    return graph


def cycles(graph):
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in graph:
        if v not in index:
            strong(v)
    return out


def main():
    crates = sys.argv[1:] or sorted(
        d for d in os.listdir(".") if os.path.isfile(os.path.join(d, "Cargo.toml")) and os.path.isdir(os.path.join(d, "src"))
    )
    found = False
    for c in crates:
        if not os.path.isdir(os.path.join(c, "src")):
            print(f"module-cycles: {c}/src is not a directory", file=sys.stderr)
            return 2
        for comp in cycles(deps(os.path.join(c, "src"))):
            found = True
            print(f"{c}: cycle between " + ", ".join("::".join(m) or "lib" for m in comp))
    if not found:
        print("module-cycles: no cycles between source files in " + ", ".join(crates))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
