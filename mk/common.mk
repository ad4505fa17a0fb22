# SPDX-License-Identifier: MIT
#
# Shared settings of the userspace sub-makes (libcardsnoop, tools, tests).
# Included with TOP set to the repository root.

VERSION := 0.1.0

CC ?= gcc
AR ?= ar
PKG_CONFIG ?= pkg-config
CFLAGS ?= -O2 -g
CS_WARN := -Wall -Wextra -Werror -Wno-unused-parameter
CS_CPPFLAGS := -D_GNU_SOURCE -I$(TOP)/kmod/include/uapi -I$(TOP)/libcardsnoop \
	-DCARDSNOOP_VERSION=\"$(VERSION)\"

BUILD := $(TOP)/build
# Statically linked programs that tests/vm/run puts on the guest's PATH.
GUEST_BIN := $(BUILD)/guest/bin

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig

# Read by tests/vm/run and the stress tests, from the command line or the
# environment (make check-debug sets them).
export VM_EXTRA_APPEND CS_STRESS_SCALE
