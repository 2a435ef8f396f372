#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The netlink YAML spec and the UAPI header must agree (TAP output).

Every enum entry, attribute, command and constant of
Documentation/netlink/specs/mycelium.yaml is turned into the C name the
kernel's YNL conventions give it, and a generated C program compiled
against include/uapi/linux/mycelium.h prints their values: a name missing
from the header fails to compile, a value that differs fails the test.

The spec must hold together too: every enum, nested attribute set,
constant, operation attribute, notification and multicast group it names
must exist in it.  And the names myc prints (userspace/lib/names.c,
stats.c: "[MYC_...] = \"name\"") must be the spec's names of those values,
since myc's JSON keys and words are the spec's; and a table that names
one entry of an enum (or an attribute of a set) names them all, so that a
value added to the spec is not printed as "unknown".
"""
import os
import re
import subprocess
import sys
import tempfile

import yaml

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
SPEC = os.path.join(TOP, "Documentation/netlink/specs/mycelium.yaml")
NAME_TABLES = ["userspace/lib/names.c", "userspace/lib/stats.c"]


def c_name(prefix, name):
    return (prefix + name).upper().replace("-", "_")


def expected(spec):
    """[(check name, C expression, expected value)]"""
    out = []
    for d in spec.get("definitions", []):
        if d["type"] == "const":
            out.append((d["name"], c_name("myc-", d["name"]), d["value"]))
        elif d["type"] == "enum":
            value = d.get("value-start", 0)
            for e in d["entries"]:
                ename = e["name"] if isinstance(e, dict) else e
                out.append((d["name"] + "." + ename,
                            c_name(d["name-prefix"], ename), value))
                value += 1
    for aset in spec["attribute-sets"]:
        value = 1
        for a in aset["attributes"]:
            value = a.get("value", value)
            out.append(("attr " + aset["name"] + "." + a["name"],
                        c_name(aset["name-prefix"], a["name"]), value))
            value += 1
        out.append(("attr " + aset["name"] + " max",
                    c_name(aset["name-prefix"], "max"), value - 1))
    ops = spec["operations"]
    value = 1
    for op in ops["list"]:
        value = op.get("value", value)
        out.append(("cmd " + op["name"], c_name(ops["name-prefix"], op["name"]),
                    value))
        value += 1
    out.append(("cmd max", c_name(ops["name-prefix"], "max"), value - 1))
    return out


def references(spec):
    """[(check name, problem or None)]: what the spec names, it defines."""
    out = []
    defs = {d["name"]: d for d in spec.get("definitions", [])}
    sets = {a["name"]: a for a in spec["attribute-sets"]}
    ops = {o["name"]: o for o in spec["operations"]["list"]}
    groups = {g["name"] for g in spec["mcast-groups"]["list"]}

    def ref(what, ok, problem):
        out.append((what, None if ok else problem))

    for aset in spec["attribute-sets"]:
        for a in aset["attributes"]:
            where = "%s.%s" % (aset["name"], a["name"])
            if "enum" in a:
                ref(where + " enum", defs.get(a["enum"], {}).get("type") == "enum",
                    "no enum %s" % a["enum"])
            if "nested-attributes" in a:
                ref(where + " nest", a["nested-attributes"] in sets,
                    "no attribute set %s" % a["nested-attributes"])
            for k, v in a.get("checks", {}).items():
                if isinstance(v, str):
                    ref("%s check %s" % (where, k),
                        defs.get(v, {}).get("type") == "const",
                        "no const %s" % v)
    for op in spec["operations"]["list"]:
        if "notify" in op:
            ref("cmd %s notify" % op["name"], op["notify"] in ops,
                "no operation %s" % op["notify"])
        if "mcgrp" in op:
            ref("cmd %s mcgrp" % op["name"], op["mcgrp"] in groups,
                "no multicast group %s" % op["mcgrp"])
        aset = sets.get(op.get("attribute-set"), {"attributes": []})
        names = {a["name"] for a in aset["attributes"]}
        for mode in ("do", "dump", "event"):
            msgs = op.get(mode, {})
            if mode == "event":
                msgs = {"event": msgs}
            for kind, msg in msgs.items():
                for a in (msg or {}).get("attributes", []):
                    ref("cmd %s %s %s %s" % (op["name"], mode, kind, a),
                        a in names, "not in attribute set %s" %
                        op.get("attribute-set"))
    return out


def name_tables(checks):
    """[(C name, name in myc, spec's name or None)] from NAME_TABLES."""
    spec_names = {}
    for name, cexpr, _ in checks:
        spec_names[cexpr] = name.split(".")[-1]
    out = []
    for path in NAME_TABLES:
        with open(os.path.join(TOP, path)) as f:
            text = f.read()
        for cname, word in re.findall(r'\[(MYC_[A-Z0-9_]+)\]\s*=\s*"([^"]*)"',
                                      text):
            out.append((cname, word, spec_names.get(cname)))
    return out


def coverage(spec, tables):
    """[(check name, problem or None)]: each enum or attribute set that
    NAME_TABLES name one entry of, they name whole (but unused and pad)."""
    named = {cname for cname, _, _ in tables}
    groups = []
    for d in spec.get("definitions", []):
        if d["type"] != "enum":
            continue
        names = [e["name"] if isinstance(e, dict) else e for e in d["entries"]]
        groups.append(("enum " + d["name"],
                       [c_name(d["name-prefix"], e) for e in names]))
    for aset in spec["attribute-sets"]:
        groups.append(("attribute set " + aset["name"],
                       [c_name(aset["name-prefix"], a["name"])
                        for a in aset["attributes"]
                        if a["type"] not in ("unused", "pad")]))
    out = []
    for what, cnames in groups:
        if not named.intersection(cnames):
            continue
        missing = [c for c in cnames if c not in named]
        out.append(("myc names all of " + what,
                    "missing " + ", ".join(missing) if missing else None))
    return out


def main():
    with open(SPEC) as f:
        spec = yaml.safe_load(f)
    checks = expected(spec)
    refs = references(spec)
    tables = name_tables(checks)
    covers = coverage(spec, tables)
    groups = [g["name"] for g in spec["mcast-groups"]["list"]]

    src = ["#include <stdio.h>", "#include <linux/mycelium.h>", "int main(void) {"]
    for _, cexpr, _ in checks:
        src.append('printf("%%lld\\n", (long long)(%s));' % cexpr)
    src.append('printf("%s\\n", MYC_GENL_NAME);')
    for g in groups:
        src.append('printf("%%s\\n", MYC_MCGRP_%s);' % g.upper())
    src.append("return 0; }")

    tests = (len(checks) + 1 + len(groups) + len(refs) + len(tables) +
             len(covers))
    print("TAP version 13")
    print("1..%d" % tests)
    with tempfile.TemporaryDirectory() as tmp:
        c = os.path.join(tmp, "t.c")
        exe = os.path.join(tmp, "t")
        with open(c, "w") as f:
            f.write("\n".join(src) + "\n")
        cc = subprocess.run(["cc", "-I", os.path.join(TOP, "include/uapi"),
                             "-o", exe, c], capture_output=True, text=True)
        if cc.returncode:
            for line in cc.stderr.splitlines():
                print("# " + line)
            for i in range(tests):
                print("not ok %d spec/header: does not compile" % (i + 1))
            return 1
        values = subprocess.run([exe], capture_output=True, text=True,
                                check=True).stdout.splitlines()
    failed = 0
    n = 0
    for (name, cexpr, want), got in zip(checks, values):
        n += 1
        if int(got) == want:
            print("ok %d %s = %d" % (n, cexpr, want))
        else:
            failed += 1
            print("not ok %d %s: spec says %d, header %s" % (n, cexpr, want, got))
    rest = values[len(checks):]
    n += 1
    if rest[0] == spec["name"]:
        print("ok %d family name %s" % (n, spec["name"]))
    else:
        failed += 1
        print("not ok %d family name: spec %s, header %s" % (n, spec["name"], rest[0]))
    for g, got in zip(groups, rest[1:]):
        n += 1
        if g == got:
            print("ok %d mcast group %s" % (n, g))
        else:
            failed += 1
            print("not ok %d mcast group %s: header says %s" % (n, g, got))
    for what, problem in refs:
        n += 1
        if problem:
            failed += 1
            print("not ok %d spec: %s: %s" % (n, what, problem))
        else:
            print("ok %d spec: %s" % (n, what))
    for cname, word, want in tables:
        n += 1
        if word == want:
            print("ok %d myc names %s \"%s\"" % (n, cname, word))
        else:
            failed += 1
            print("not ok %d myc names %s \"%s\", spec: %s" % (n, cname, word, want))
    for what, problem in covers:
        n += 1
        if problem:
            failed += 1
            print("not ok %d %s: %s" % (n, what, problem))
        else:
            print("ok %d %s" % (n, what))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
