#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The netlink YAML spec and the UAPI header must agree (TAP output).

Every enum entry, attribute, command and constant of
Documentation/netlink/specs/mycelium.yaml is turned into the C name the
kernel's YNL conventions give it, and a generated C program compiled
against include/uapi/linux/mycelium.h prints their values: a name missing
from the header fails to compile, a value that differs fails the test.
"""
import os
import subprocess
import sys
import tempfile

import yaml

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
SPEC = os.path.join(TOP, "Documentation/netlink/specs/mycelium.yaml")


def c_name(prefix, name):
    return (prefix + name).upper().replace("-", "_")


def expected(spec):
    """[(check name, C expression, expected value)]"""
    out = []
    for d in spec.get("definitions", []):
        if d["type"] == "const":
            cname = {"default-udp-port": "MYC_DEFAULT_UDP_PORT"}[d["name"]]
            out.append((d["name"], cname, d["value"]))
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


def main():
    with open(SPEC) as f:
        spec = yaml.safe_load(f)
    checks = expected(spec)
    groups = [g["name"] for g in spec["mcast-groups"]["list"]]

    src = ["#include <stdio.h>", "#include <linux/mycelium.h>", "int main(void) {"]
    for _, cexpr, _ in checks:
        src.append('printf("%%lld\\n", (long long)(%s));' % cexpr)
    src.append('printf("%s\\n", MYC_GENL_NAME);')
    for g in groups:
        src.append('printf("%%s\\n", MYC_MCGRP_%s);' % g.upper())
    src.append("return 0; }")

    tests = len(checks) + 1 + len(groups)
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
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
