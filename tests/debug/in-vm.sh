#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make check-debug, inside the debug kernel's VM (tests/run-debug puts it
# there with scripts/vm --add): every selftest, then a kmemleak scan.
# Prints TAP; exits non-zero if a selftest failed or kmemleak reports a leak.
#
# kmemleak: what is unreferenced when the selftests start (boot-time
# objects, false positives of the kernel itself) is scanned and cleared
# first, so that a report is something allocated since.  After the
# selftests (the last one unloads mycelium) two scans, a pause between
# them, as Documentation/dev-tools/kmemleak.rst advises: an object must
# be unreferenced for two scans to be reported.  Any report fails, one
# naming mycelium or not: the VM runs nothing but the selftests, so a leak
# elsewhere (tipc, sctp, the stack) is still one they provoked.  Frames of
# mycelium, unloaded by then, show as bare module addresses
# (0xffffffffc...), not as [mycelium].
kml=/sys/kernel/debug/kmemleak
rc=0

if [ -w $kml ]; then
	echo scan >$kml
	echo clear >$kml
fi

/usr/lib/mycelium/selftests/run || rc=1

echo "# selftest: kmemleak"
if ! [ -w $kml ]; then
	echo "not ok 1 kmemleak: $kml missing (no debugfs or kmemleak off)"
	exit 1
fi
echo scan >$kml
sleep 10
echo scan >$kml
cat $kml >/tmp/kmemleak
n=$(grep -c '^unreferenced object' /tmp/kmemleak)
if [ "$n" = 0 ]; then
	echo "ok 1 kmemleak: no unreferenced object after the selftests"
	exit $rc
fi
# One report: from "unreferenced object" to the next.  A report names
# mycelium if a frame is in it or in module space without a symbol.
m=$(awk '/^unreferenced object/ { if (r) n++; r = 0 }
	/\[mycelium\]| 0xffffffffc[0-9a-f]+$/ { r = 1 }
	END { if (r) n++; print n + 0 }' /tmp/kmemleak)
sed 's/^/# /' /tmp/kmemleak
echo "not ok 1 kmemleak: $n unreferenced objects, $m of them from mycelium or an unloaded module"
exit 1
