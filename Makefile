# SPDX-License-Identifier: MIT
#
# cardsnoop: top-level build.  `make help` lists the targets.

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
include $(TOP)/mk/common.mk

# Kernel the modules are built against and the test VM boots (mk/kernel.sh):
# the newest installed Debian 6.12 kernel with image and headers, unless
# KDIR= / VM_KERNEL= / VM_KMODS= say otherwise.
KERNEL_VARS := $(shell KDIR='$(KDIR)' VM_KERNEL='$(VM_KERNEL)' \
	$(if $(filter undefined,$(origin VM_KMODS)),,VM_KMODS='$(VM_KMODS)') \
	$(TOP)/mk/kernel.sh)
KVER := $(patsubst KVER=%,%,$(filter KVER=%,$(KERNEL_VARS)))
override KDIR := $(patsubst KDIR=%,%,$(filter KDIR=%,$(KERNEL_VARS)))
override VM_KERNEL := $(patsubst VM_KERNEL=%,%,$(filter VM_KERNEL=%,$(KERNEL_VARS)))
override VM_KMODS := $(patsubst VM_KMODS=%,%,$(filter VM_KMODS=%,$(KERNEL_VARS)))
export KVER KDIR VM_KERNEL VM_KMODS

SUBMAKE = $(MAKE) --no-print-directory TOP=$(TOP)

.PHONY: all help deps kmod lib tools tests check check-host check-vm demo \
	shell install clean distclean

all: kmod lib tools tests

help:
	@echo 'make [all]       modules, libcardsnoop, tools, test programs'
	@echo 'make deps        install the Debian packages the build needs'
	@echo 'make check       deps + build + host tests + in-VM suites'
	@echo 'make demo        deps + build + a narrated demo in the VM'
	@echo 'make shell       an interactive shell in the test VM'
	@echo 'make install     DESTDIR=, PREFIX= (default /usr/local)'
	@echo 'make clean'
	@echo 'Kernel: KDIR=, VM_KERNEL=, VM_KMODS= override the detected one.'

deps:
	@$(TOP)/mk/deps.sh

kernel-check:
	@if [ -z "$(KDIR)" ]; then \
		echo "No Debian 6.12 kernel with image and headers is installed:" \
		     "run 'make deps' (or set KDIR= and VM_KERNEL=)." >&2; \
		exit 1; \
	fi
	@echo "kernel: $(KVER) (KDIR=$(KDIR), VM_KERNEL=$(VM_KERNEL))"

kmod: kernel-check
	@$(SUBMAKE) -C kmod

lib:
	@$(SUBMAKE) -C libcardsnoop

tools: lib
	@$(SUBMAKE) -C tools

tests: lib tools
	@$(SUBMAKE) -C tests

check-host: all
	@$(SUBMAKE) -C tests check-host

check-vm: all
	@$(SUBMAKE) -C tests check-vm

check: deps
	@$(MAKE) --no-print-directory all
	@$(SUBMAKE) -C tests check

demo: deps
	@$(MAKE) --no-print-directory all
	@$(TOP)/tests/vm/run $(TOP)/tools/demo/demo.sh

shell: all
	@$(TOP)/tests/vm/run -i

install: all
	@$(SUBMAKE) -C kmod install
	@$(SUBMAKE) -C libcardsnoop install
	@$(SUBMAKE) -C tools install

clean:
	@$(SUBMAKE) -C kmod clean
	@$(SUBMAKE) -C libcardsnoop clean
	@$(SUBMAKE) -C tools clean
	@$(SUBMAKE) -C tests clean
	rm -rf $(BUILD)
