# SPDX-License-Identifier: GPL-2.0
#
# Mycelium entry points.
#
#   make                 module for the default kernel + userspace
#   make modules-all     module for every supported kernel (6.1 and 6.12)
#   make check           everything: build, static checks, host unit tests and
#                        in-VM selftests on both kernels; ends "N passed, N failed"
#   make check-debug     the in-VM selftests and a kmemleak scan on a 6.12 debug
#                        kernel (KASAN, lockdep, ...), built once and cached
#                        (scripts/debug-kernel); not in check: hours, not minutes
#   make demo            a narrated network inside a VM
#   make bench           AF_MYCELIUM vs TCP, UDP, TIPC, SCTP in a VM: table,
#                        build/bench/bench.json and bench.svg (not in check)
#   make install         modules_install + depmod + tools (DESTDIR, PREFIX)
#   make clean
#
# KVER selects the kernel (default: the running one when its headers are
# installed, else Debian's newest 6.12); KDIR overrides the build tree.
# Every target that needs packages runs scripts/deps first.

TOP := $(CURDIR)
BUILD := $(TOP)/build
PREFIX ?= /usr/local
DESTDIR ?=

# Evaluated when used, after scripts/deps has had a chance to install kernels.
KVER ?= $(shell $(TOP)/scripts/kver default)
KDIR ?= /lib/modules/$(KVER)/build
KSRC_FILES := Kbuild $(wildcard kmod/*.c kmod/*.h) include/uapi/linux/mycelium.h

all: deps-build
	@$(MAKE) --no-print-directory modules userspace

deps-build:
	@$(TOP)/scripts/deps build

deps:
	@$(TOP)/scripts/deps

# The module is built in build/KVER/ from a copy of the sources, so that
# several kernels' objects never mix.
modules:
	@mkdir -p $(BUILD)/$(KVER)
	@cp -a -u --parents $(KSRC_FILES) $(BUILD)/$(KVER)/
	@$(MAKE) --no-print-directory -C $(KDIR) M=$(BUILD)/$(KVER) modules

modules-all: deps
	@for k in $$($(TOP)/scripts/kver all); do \
		$(MAKE) --no-print-directory modules KVER=$$k KDIR=/lib/modules/$$k/build || exit 1; \
	done

# sparse over every file of the module (C=2 checks even up-to-date objects).
sparse: deps
	@for k in $$($(TOP)/scripts/kver all); do \
		$(MAKE) --no-print-directory modules KVER=$$k KDIR=/lib/modules/$$k/build C=2 || exit 1; \
	done

checkpatch: deps
	@$(TOP)/tests/static/checkpatch

userspace: deps-build
	@$(MAKE) --no-print-directory -C userspace O=$(BUILD)/userspace

unit: deps userspace
	@$(MAKE) --no-print-directory -C tests/unit O=$(BUILD)/tests/unit

selftests: deps userspace
	@$(MAKE) --no-print-directory -C tests/selftests O=$(BUILD)/selftests

# What scripts/vm puts into the VM for kernel KVER.
vm-inputs: modules userspace selftests

# The benchmark program; scripts/bench adds it to the VM.
bench-tools: deps-build userspace
	@$(MAKE) --no-print-directory -C tests/bench O=$(BUILD)/bench

check: deps
	@$(TOP)/tests/run

check-debug:
	@$(TOP)/scripts/deps debug
	@$(TOP)/tests/run-debug

# Long fuzzing run: make fuzz FUZZ_SECONDS=3600
FUZZ_SECONDS ?= 600
fuzz: deps
	@$(TOP)/tests/fuzz/run $(FUZZ_SECONDS)

demo: deps
	@$(TOP)/scripts/demo

bench: deps
	@$(TOP)/scripts/bench

install: all
	$(MAKE) -C $(KDIR) M=$(BUILD)/$(KVER) INSTALL_MOD_DIR=extra \
		$(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR)) modules_install
	$(if $(DESTDIR),,depmod -a $(KVER))
	install -D -m 0755 $(BUILD)/userspace/myc $(DESTDIR)$(PREFIX)/sbin/myc
	install -D -m 0755 $(BUILD)/userspace/mycat $(DESTDIR)$(PREFIX)/bin/mycat
	install -D -m 0755 $(BUILD)/userspace/myceliumd \
		$(DESTDIR)$(PREFIX)/sbin/myceliumd
	install -D -m 0644 userspace/myceliumd/myceliumd.service \
		$(DESTDIR)/lib/systemd/system/myceliumd.service
	install -D -m 0644 Documentation/man/myceliumd.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/myceliumd.8
	install -D -m 0644 include/uapi/linux/mycelium.h \
		$(DESTDIR)$(PREFIX)/include/linux/mycelium.h
	install -D -m 0644 Documentation/man/myc.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/myc.8
	install -D -m 0644 userspace/completion/myc \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/myc

clean:
	rm -rf $(BUILD)

.PHONY: all deps deps-build modules modules-all sparse checkpatch userspace \
	unit selftests vm-inputs bench-tools check check-debug fuzz demo bench install clean
