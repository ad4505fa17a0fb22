# SPDX-License-Identifier: GPL-2.0
#
# make check-amdgpu, make check-xe: build and check the upstream patch
# series of kmod/amdgpu/ on Debian's linux-source-6.12 (they cannot run
# here: no AMD or Intel GPU).  QUICK=1 compiles only the files the series
# adds or changes.  Included by the top-level Makefile; see
# kmod/amdgpu/README.md.

KSERIES_DEPS := linux-source-6.12 sparse flex bison bc libssl-dev \
	libelf-dev python3

.PHONY: check-amdgpu check-xe amdgpu-series xe-series

check-amdgpu check-xe: check-%:
	@EXTRA_DEPS="$(KSERIES_DEPS)" $(TOP)/mk/deps.sh
	@$(TOP)/kmod/amdgpu/check.sh $(if $(QUICK),--quick) $*

# Only the git format-patch files, in build/amdgpu/series-DRIVER/.
amdgpu-series xe-series: %-series:
	@EXTRA_DEPS="$(KSERIES_DEPS)" $(TOP)/mk/deps.sh
	@$(TOP)/kmod/amdgpu/series.sh $*
