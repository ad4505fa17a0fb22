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
# No kernel yet (a fresh machine, before `make deps` installed one): pass
# nothing down, so that the sub-makes that run after deps pick it themselves
# rather than inherit empty settings (an empty VM_KMODS means "no modules").
ifneq ($(KVER),)
override KDIR := $(patsubst KDIR=%,%,$(filter KDIR=%,$(KERNEL_VARS)))
override VM_KERNEL := $(patsubst VM_KERNEL=%,%,$(filter VM_KERNEL=%,$(KERNEL_VARS)))
override VM_KMODS := $(patsubst VM_KMODS=%,%,$(filter VM_KMODS=%,$(KERNEL_VARS)))
export KVER KDIR VM_KERNEL VM_KMODS
endif

# Where the modules built for the VM go (tests/vm/run's VM_GUEST_MODULES).
GUEST_MODULES ?= $(BUILD)/guest/modules
VM_GUEST_MODULES := $(GUEST_MODULES)
export GUEST_MODULES VM_GUEST_MODULES

# The debug kernel (lockdep, KASAN, UBSAN, kmemleak, fault injection) for
# make check-debug, when the workplace provides one.
DEBUG_KERNEL ?= $(abspath $(TOP)/../shared/debug-kernel)
DEBUG_BUILD := $(BUILD)/debug

SUBMAKE = $(MAKE) --no-print-directory TOP=$(TOP)

.PHONY: all help deps kmod lib tools tests check check-host check-vm demo \
	shell install clean distclean check-debug kernel-check _demo _bench

all: kmod lib tools tests

help:
	@echo 'make [all]       modules, libcardsnoop, tools, test programs'
	@echo 'make deps        install the Debian packages the build needs'
	@echo 'make check       deps + build + host tests + in-VM suites'
	@echo 'make check-debug the in-VM suites on the debug kernel (lockdep, KASAN, ...)'
	@echo 'make check-amdgpu, check-xe  build and check the upstream series (kmod/amdgpu/)'
	@echo 'make demo        deps + build + a narrated demo in the VM'
	@echo 'make bench       deps + build + the performance figures, in the VM'
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
	@$(SUBMAKE) -C kmod $(if $(KMOD_OUT),KMOD_OUT=$(KMOD_OUT))

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

# The whole suite again on the debug kernel: modules built against its tree
# (extracted once into build/debug/), booted with kmemleak on; stress loops
# scale down by CS_STRESS_SCALE for the slower kernel.
check-debug: deps
	@[ -f "$(DEBUG_KERNEL)/vmlinuz" ] || { \
		echo "check-debug: no debug kernel in $(DEBUG_KERNEL)" >&2; exit 1; }
	@if [ ! -f $(DEBUG_BUILD)/kdir/.extracted ] || \
	    [ $(DEBUG_KERNEL)/build.tar.xz -nt $(DEBUG_BUILD)/kdir/.extracted ]; then \
		echo "check-debug: extracting $(DEBUG_KERNEL)/build.tar.xz"; \
		rm -rf $(DEBUG_BUILD)/kdir $(DEBUG_BUILD)/modroot && \
		mkdir -p $(DEBUG_BUILD)/kdir $(DEBUG_BUILD)/modroot && \
		tar xJf $(DEBUG_KERNEL)/build.tar.xz -C $(DEBUG_BUILD)/kdir && \
		tar xJf $(DEBUG_KERNEL)/modules.tar.xz -C $(DEBUG_BUILD)/modroot && \
		touch $(DEBUG_BUILD)/kdir/.extracted; \
	fi
	@$(MAKE) --no-print-directory KDIR=$(DEBUG_BUILD)/kdir \
		VM_KERNEL=$(DEBUG_KERNEL)/vmlinuz \
		VM_KMODS=$(DEBUG_BUILD)/modroot/lib/modules/$$(cat $(DEBUG_KERNEL)/kernelrelease) \
		KMOD_OUT=$(DEBUG_BUILD)/kmod GUEST_MODULES=$(DEBUG_BUILD)/guest-modules \
		VM_EXTRA_APPEND="kmemleak=on" CS_STRESS_SCALE=$${CS_STRESS_SCALE:-4} \
		LOGDIR=$(DEBUG_BUILD)/logs check

# What runs after deps does so in a new make, which picks the kernel that
# deps may just have installed.
demo: deps
	@$(MAKE) --no-print-directory _demo

_demo: all
	@$(TOP)/tests/vm/run --host-root $(TOP)/tools/demo/demo.sh

# make bench: the performance figures of docs/DESIGN.md section 5 in one VM
# run (tests/bench/), also written to build/bench/bench.json.  simgpu is
# built a second time without its cardsnoop hooks (SIMGPU_SNOOP=0, in its
# own tree) for the hook-cost figures, which swap the two in the VM.
BENCH_OUT := $(BUILD)/bench
.PHONY: bench
bench: deps
	@$(MAKE) --no-print-directory _bench

_bench: all
	@$(SUBMAKE) -C kmod SIMGPU_SNOOP=0 KMOD_OUT=$(BENCH_OUT)/kmod-nohooks \
		GUEST_MODULES=$(BENCH_OUT)/nohooks >/dev/null
	@$(SUBMAKE) -C tests/bench BENCH_OUT=$(BENCH_OUT)
	@$(TOP)/tests/vm/run --out $(BENCH_OUT) --mem 2048 --timeout 1200 \
		--append "slub_debug=- kfence.sample_interval=0 no_timer_check" \
		$(TOP)/tests/bench/bench.sh

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

# The upstream series for amdgpu and xe: kmod/amdgpu/README.md.
include $(TOP)/kmod/amdgpu/check.mk
