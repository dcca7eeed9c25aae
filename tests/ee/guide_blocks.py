"""Read the YAML examples of the user guide, so that tests run exactly what the docs show.

A block is found by its first line, a comment such as ``# Civo credential type: injector configuration``.
"""

import os
import re
import textwrap

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RST_DIR = os.path.join(REPO, "docs", "docsite", "rst")


def code_blocks(rst_name):
    """Every ``.. code-block::`` of docs/docsite/rst/<rst_name>.rst as (language, dedented text)."""
    with open(os.path.join(RST_DIR, rst_name + ".rst"), encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    blocks = []
    i = 0
    while i < len(lines):
        match = re.match(r"^(\s*)\.\. code-block:: *(\S+)", lines[i])
        i += 1
        if not match:
            continue
        indent = len(match.group(1))
        body = []
        while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
            body.append(lines[i])
            i += 1
        blocks.append((match.group(2), textwrap.dedent("\n".join(body)).strip("\n") + "\n"))
    return blocks


def yaml_block(rst_name, first_line):
    """The YAML block of the page whose first line is ``first_line``, parsed."""
    found = [text for lang, text in code_blocks(rst_name)
             if lang.startswith("yaml") and text.splitlines()[0].strip() == first_line]
    assert len(found) == 1, "%d blocks of docs/docsite/rst/%s.rst start with %r" % (len(found), rst_name, first_line)
    return yaml.safe_load(found[0])
