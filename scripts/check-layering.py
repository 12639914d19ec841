#!/usr/bin/env python3
"""Holds every quoted #include in the tree to the folder table.

docs/ARCHITECTURE.md, section "Folders and who may include whom", has a
table with a `folder` column and a `may include` column. This script reads
that table and checks every `#include "..."` of every C/C++ source file
(.h .hpp .c .cc .cpp .def .inc .cu) under the source root against it,
printing

    path:line: error: 'path' may not include 'header' (allowed: ...)

for each include the table does not allow, and exits 1 if there was any.
Includes in angle brackets (the standard library, LLVM, GoogleTest) are not
checked, nor quoted ones that name no file of the tree (LLVM's, a model
header `voskhod compile` writes). It checks what the sources say, not what
the build can see: the build enforces the same table with one include root
per library (CMakeLists.txt, voskhod_include_root), and catches what this
cannot (a header reached through another), while this catches what the
build cannot (an include that the table forbids but a linked library's
usage requirements happen to allow, or one spelled "../x/y.h").

How the table is read:
  - A row's `folder` cell names one or more folders in backticks
    (`compiler/ir/`). A file belongs to the row of the longest folder that
    contains it, so a subfolder with a row of its own is not part of its
    parent's. Every source file must belong to a row.
  - A file may always include files of its own row. The `may include` cell
    lists, in backticks, what else it may include: a folder of another row,
    spelled in full (`compiler/ir/`) or by a unique tail (`ir`); a subfolder
    or one file under such a folder (`runtime/Random.h`); or the word
    everything. Text outside backticks is commentary, so do not put a
    folder that is NOT allowed in backticks in that column.
  - An entry that names nothing in the tree is an error, so the table
    cannot rot silently.

When folders move (updating the layering):
  1. Move the folder and fix the includes that spell its old path.
  2. In the table, rename the folder in its row and in any `may include`
     cell that spells it in full. A short name (`ir`) matches any row folder
     ending in it: after a split, spell it longer where it became
     ambiguous. A split folder gets one row per part, each saying what that
     part may include.
  3. In CMake, the library's CMakeLists.txt gives its dependencies:
     PUBLIC for those whose headers its own headers include, PRIVATE for
     the rest. Its include root follows its folder by itself; a library
     folder inside another library's folder is refused at configure time.
     tests/layering/CMakeLists.txt names, by target, the forbidden includes
     the build test tries.
  4. Run `scripts/check-layering.py` and `ctest -R layering`.

    scripts/check-layering.py [--root DIR] [--table FILE] [--print-table]

It does not parse C++: an include inside a comment block or an #if 0 is
checked like any other, and macros that expand to include names are not
followed (the tree has none).
"""

import argparse
import os
import re
import sys

SOURCE_SUFFIXES = (".h", ".hpp", ".c", ".cc", ".cpp", ".def", ".inc", ".cu")
SECTION = re.compile(r"^#+\s+Folders and who may include whom\s*$")
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')
TICKED = re.compile(r"`([^`]+)`")


class TableError(Exception):
    pass


class Row:
    def __init__(self, folder, line):
        self.folder = folder  # "compiler/ir", no trailing slash
        self.line = line
        self.everything = False
        self.spelled = []  # the entries as the table spells them
        self.folders = set()  # row folders it may include
        self.subpaths = set()  # subfolders or files below a row folder


def split_cells(line):
    cells = line.strip().strip("|").split("|")
    return [c.strip() for c in cells]


def read_table(path):
    """Returns [(line number, folder cell, may-include cell)]."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    start = next((i for i, l in enumerate(lines) if SECTION.match(l)), None)
    if start is None:
        raise TableError(f"{path}: no section 'Folders and who may include whom'")
    i = start + 1
    while i < len(lines) and not lines[i].lstrip().startswith("|"):
        if lines[i].startswith("#"):
            raise TableError(f"{path}:{start + 1}: the section has no table")
        i += 1
    if i == len(lines):
        raise TableError(f"{path}:{start + 1}: the section has no table")
    header = [c.lower() for c in split_cells(lines[i])]
    try:
        folder_col = header.index("folder")
        allow_col = header.index("may include")
    except ValueError:
        raise TableError(f"{path}:{i + 1}: the table needs columns "
                         "'folder' and 'may include'")
    rows = []
    i += 2  # the header and the |---| line
    while i < len(lines) and lines[i].lstrip().startswith("|"):
        cells = split_cells(lines[i])
        if len(cells) <= max(folder_col, allow_col):
            raise TableError(f"{path}:{i + 1}: too few cells")
        rows.append((i + 1, cells[folder_col], cells[allow_col]))
        i += 1
    return rows


def normalise(name):
    return name.strip().strip("/")


def build_rows(table_path, root):
    rows = {}
    cells = read_table(table_path)
    for line, folder_cell, _ in cells:
        names = TICKED.findall(folder_cell)
        if not names:
            raise TableError(f"{table_path}:{line}: no `folder` in the row")
        for name in names:
            folder = normalise(name)
            if folder in rows:
                raise TableError(f"{table_path}:{line}: '{folder}/' has two rows")
            if not os.path.isdir(os.path.join(root, folder)):
                raise TableError(f"{table_path}:{line}: '{folder}/' is no "
                                 f"folder of {root}")
            rows[folder] = Row(folder, line)

    def resolve(entry, line):
        """An entry as (row folder, path below it or '')."""
        if entry in rows:
            return entry, ""
        tails = [f for f in rows if f.endswith("/" + entry)]
        if len(tails) == 1:
            return tails[0], ""
        if len(tails) > 1:
            raise TableError(f"{table_path}:{line}: '{entry}' is ambiguous "
                             f"({', '.join(sorted(tails))}): spell it longer")
        head, _, rest = entry.rpartition("/")
        if head:
            folder, below = resolve(head, line)
            return folder, (below + "/" if below else "") + rest
        raise TableError(f"{table_path}:{line}: '{entry}' names no folder "
                         "of the table")

    for line, folder_cell, allow_cell in cells:
        for name in TICKED.findall(folder_cell):
            row = rows[normalise(name)]
            row.everything = re.search(r"\beverything\b", allow_cell) is not None
            for spelled in TICKED.findall(allow_cell):
                entry = normalise(spelled)
                folder, below = resolve(entry, line)
                row.spelled.append(spelled)
                if not below:
                    row.folders.add(folder)
                    continue
                path = folder + "/" + below
                if not os.path.exists(os.path.join(root, path)):
                    raise TableError(f"{table_path}:{line}: '{spelled}' names "
                                     "no file or folder of the tree")
                row.subpaths.add(path)
    return rows


def owner(rows, path):
    """The row of the longest folder that holds path, or None."""
    best = None
    for folder in rows:
        if path.startswith(folder + "/") and (best is None or len(folder) > len(best)):
            best = folder
    return best


def source_files(root):
    for dirpath, dirnames, filenames in os.walk(root):
        # Hidden folders and build trees are not sources.
        dirnames[:] = sorted(
            d for d in dirnames
            if not d.startswith(".")
            and not os.path.exists(os.path.join(dirpath, d, "CMakeCache.txt")))
        for name in sorted(filenames):
            if name.endswith(SOURCE_SUFFIXES):
                yield os.path.relpath(os.path.join(dirpath, name), root)


def resolve_include(root, source, spelled, top_level):
    """The tree path an include names, or None for one outside the tree."""
    beside = os.path.normpath(os.path.join(os.path.dirname(source), spelled))
    if not beside.startswith("..") and os.path.isfile(os.path.join(root, beside)):
        return beside
    from_root = os.path.normpath(spelled)
    if from_root.startswith(".."):
        return None
    if os.path.isfile(os.path.join(root, from_root)):
        return from_root
    # A missing file under a folder of the tree is still held to the table.
    if from_root.split("/")[0] in top_level:
        return from_root
    return None


def allowed(rows, row, target):
    if row.everything:
        return True
    target_row = owner(rows, target)
    if target_row == row.folder or target_row in row.folders:
        return True
    return any(target == p or target.startswith(p + "/") for p in row.subpaths)


def describe(row):
    if row.everything:
        return "everything"
    return ", ".join([row.folder + "/ (itself)"] + row.spelled)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=os.path.dirname(here),
                        help="the source tree (default: this script's ..)")
    parser.add_argument("--table", help="default: ROOT/docs/ARCHITECTURE.md")
    parser.add_argument("--print-table", action="store_true",
                        help="print the table as read, then check")
    args = parser.parse_args()
    root = os.path.abspath(args.root)
    table = args.table or os.path.join(root, "docs", "ARCHITECTURE.md")

    try:
        rows = build_rows(table, root)
    except (TableError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.print_table:
        for folder in sorted(rows):
            row = rows[folder]
            entries = ["everything"] if row.everything else sorted(
                [f + "/" for f in row.folders] + sorted(row.subpaths))
            print(f"{folder}/: {' '.join(entries) or '(nothing)'}")

    top_level = {d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d))}
    errors = files = includes = 0
    for source in source_files(root):
        row_folder = owner(rows, source)
        if row_folder is None:
            print(f"{source}:1: error: '{os.path.dirname(source)}/' is in no "
                  f"row of the folder table ({os.path.relpath(table, root)})")
            errors += 1
            continue
        row = rows[row_folder]
        files += 1
        with open(os.path.join(root, source), encoding="utf-8",
                  errors="replace") as f:
            for number, text in enumerate(f, 1):
                m = INCLUDE.match(text)
                if not m:
                    continue
                target = resolve_include(root, source, m.group(1), top_level)
                if target is None:
                    continue
                includes += 1
                if not allowed(rows, row, target):
                    print(f"{source}:{number}: error: '{source}' may not "
                          f"include '{target}' (allowed: {describe(row)})")
                    errors += 1
    if errors:
        print(f"check-layering: {errors} error(s); the table is in "
              f"{os.path.relpath(table, root)}", file=sys.stderr)
        return 1
    print(f"check-layering: {includes} includes in {files} files follow the "
          f"table in {os.path.relpath(table, root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
