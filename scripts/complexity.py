#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) vmops.cloud contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The complexity gate of the lint stage: small functions, small modules.

    .build/venv-radon/bin/python scripts/complexity.py [--report] [ROOT]   (ROOT: plugins)

Fails (exit 1) when a function or method anywhere under ROOT has a cyclomatic complexity above
MAX_COMPLEXITY (radon's measure, the one of ``radon cc``), or when a module under ROOT/modules has
more than MAX_MODULE_LOC lines of code.  Lines of code are counted without blank lines, comments,
docstrings and the DOCUMENTATION / EXAMPLES / RETURN strings (the docs of a module are not its
code).  ``--report`` prints every file's figures and the most complex functions.  Run it through
``scripts/_radon_venv.sh`` (a cached venv under .build/, so requirements-dev.txt stays as it is).
"""

from __future__ import absolute_import, division, print_function

import ast
import io
import os
import sys
import tokenize

from radon.complexity import cc_visit

MAX_COMPLEXITY = 15
MAX_MODULE_LOC = 250
DOC_NAMES = ("DOCUMENTATION", "EXAMPLES", "RETURN")
# Known hotspots being taken apart (issue 15): each entry is allowed its figure, no more; an entry whose
# code is back under the limits fails the gate until it is removed here, so the list only shrinks.
BASELINE = {}


def _doc_lines(tree):
    """Line numbers taken by docstrings and the module's documentation strings."""
    lines = set()

    def add(node):
        lines.update(range(node.lineno, node.end_lineno + 1))

    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and node in tree.body:
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            if any(name in DOC_NAMES for name in names):
                add(node)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                add(body[0])
    return lines


def lines_of_code(source):
    """Lines that carry code: not blank, not only a comment, not docs."""
    tree = ast.parse(source)
    skip = (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
            tokenize.ENDMARKER, tokenize.ENCODING)
    code = set()
    for tok in tokenize.tokenize(io.BytesIO(source.encode("utf-8")).readline):
        if tok.type not in skip:
            code.update(range(tok.start[0], tok.end[0] + 1))
    return len(code - _doc_lines(tree))


def functions(source):
    """(qualified name, line, complexity) of every function, method and closure."""
    found = []

    def visit(block, name):
        found.append((name, block.lineno, block.complexity))
        for closure in getattr(block, "closures", []):
            visit(closure, name + "." + closure.name)

    for block in cc_visit(source):  # functions and methods (flattened), and classes
        if not hasattr(block, "methods"):
            visit(block, block.fullname)
    return found


def python_files(root):
    for base, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                yield os.path.join(base, name)


def main(argv):
    report = "--report" in argv
    args = [a for a in argv if a != "--report"]
    root = args[0] if args else "plugins"
    problems, rows, worst, used = [], [], [], set()

    def check(key, figure, limit, what):
        allowed = BASELINE.get(key)
        if allowed is not None:
            used.add(key)
            if figure <= limit:
                problems.append("%s: %s %d is within the limit now: remove it from BASELINE in scripts/complexity.py"
                                % (key, what, figure))
                return
            limit = allowed
        if figure > limit:
            problems.append("%s: %s %d, at most %d" % (key, what, figure, limit))

    for path in python_files(root):
        with open(path, encoding="utf-8") as handle:
            source = handle.read()
        loc = lines_of_code(source)
        is_module = os.path.basename(os.path.dirname(path)) == "modules"
        rows.append((loc, path))
        if is_module:
            check(path, loc, MAX_MODULE_LOC, "lines of code (docs aside)")
        for name, line, complexity in functions(source):
            worst.append((complexity, "%s:%d %s" % (path, line, name)))
            check("%s:%s" % (path, name), complexity, MAX_COMPLEXITY, "cyclomatic complexity (line %d)" % line)
    if report:
        print("lines of code (docs aside) per file:")
        for loc, path in sorted(rows, reverse=True):
            print("  %5d  %s" % (loc, path))
        print("most complex functions:")
        for complexity, where in sorted(worst, reverse=True)[:15]:
            print("  %5d  %s" % (complexity, where))
    problems.extend("%s: in BASELINE but not found (remove it)" % key for key in sorted(set(BASELINE) - used))
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("complexity gate: %d problem(s)" % len(problems), file=sys.stderr)
        return 1
    print("complexity gate: %d files, no function above complexity %d, no module above %d lines of code%s"
          % (len(rows), MAX_COMPLEXITY, MAX_MODULE_LOC,
             " (%d known hotspots kept at their figures)" % len(BASELINE) if BASELINE else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
