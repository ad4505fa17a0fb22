// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * cardsnoop list: the GPUs that have a snoop node (all GPUs with --all),
 * from cs_get_devices().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum {
	COL_CARD, COL_DRIVER, COL_BUS, COL_PCI_ID, COL_VA_BITS, COL_VRAM,
	COL_NAME, COL_SNOOP, COL_RENDER, COL_API, COL_CAPS, COL_STATUS,
};

const struct cli_column cli_list_columns[] = {
	[COL_CARD] = { "CARD", "card", CLI_JSON_NUMBER,
		CLI_COL_RIGHT | CLI_COL_DEFAULT, "N of /dev/dri/cardN" },
	[COL_DRIVER] = { "DRIVER", "driver", CLI_JSON_STRING,
		CLI_COL_DEFAULT, "DRM driver" },
	[COL_BUS] = { "BUS", "bus", CLI_JSON_STRING,
		CLI_COL_DEFAULT, "bus address (PCI: domain:bus:device.function)" },
	[COL_PCI_ID] = { "PCI-ID", "pci_id", CLI_JSON_STRING,
		CLI_COL_DEFAULT, "PCI vendor:device id" },
	[COL_VA_BITS] = { "VA-BITS", "va_bits", CLI_JSON_NUMBER,
		CLI_COL_RIGHT | CLI_COL_DEFAULT, "width of the GPU virtual address space" },
	[COL_VRAM] = { "VRAM", "vram", CLI_JSON_NUMBER,
		CLI_COL_RIGHT | CLI_COL_DEFAULT, "VRAM size (JSON: bytes)" },
	[COL_NAME] = { "NAME", "name", CLI_JSON_STRING,
		CLI_COL_DEFAULT, "PCI vendor and device name" },
	[COL_SNOOP] = { "SNOOP", "snoop", CLI_JSON_STRING,
		0, "snoop node" },
	[COL_RENDER] = { "RENDER", "render", CLI_JSON_STRING,
		0, "render node" },
	[COL_API] = { "API", "api", CLI_JSON_NUMBER,
		CLI_COL_RIGHT, "cardsnoop interface version of the kernel" },
	[COL_CAPS] = { "CAPS", "caps", CLI_JSON_STRING,
		0, "capabilities: vram, kernel-vm, multi-vm, events" },
	[COL_STATUS] = { "STATUS", "status", CLI_JSON_STRING,
		0, "ok, no-snoop (no snoop node), no-access (snoop node not readable)" },
	{ NULL },
};

static void cli_caps_str(uint64_t caps, char *buf, size_t len)
{
	static const struct { uint64_t bit; const char *name; } names[] = {
		{ CARDSNOOP_CAP_VRAM, "vram" },
		{ CARDSNOOP_CAP_KERNEL_VM, "kernel-vm" },
		{ CARDSNOOP_CAP_MULTI_VM, "multi-vm" },
		{ CARDSNOOP_CAP_EVENTS, "events" },
	};
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < CLI_ARRAY_SIZE(names); i++)
		if (caps & names[i].bit)
			n += (size_t)snprintf(buf + n, n < len ? len - n : 0,
					      "%s%s", n ? "," : "", names[i].name);
}

static void cli_list_row(struct cli_table *t, const struct cs_device *d)
{
	size_t r = cli_table_new_row(t);
	char buf[128];
	bool info = d->info_status == 0;

	cli_table_set_i64(t, r, COL_CARD, d->card_index);
	cli_table_set_str(t, r, COL_DRIVER, d->driver);
	cli_table_set_str(t, r, COL_BUS, d->bus_id);
	if (d->vendor_id || d->device_id) {
		snprintf(buf, sizeof(buf), "%04x:%04x", d->vendor_id, d->device_id);
		cli_table_set_str(t, r, COL_PCI_ID, buf);
	}
	if (d->vendor_name || d->device_name) {
		snprintf(buf, sizeof(buf), "%s%s%s",
			 d->vendor_name ? d->vendor_name : "",
			 d->vendor_name && d->device_name ? " " : "",
			 d->device_name ? d->device_name : "");
		cli_table_set_str(t, r, COL_NAME, buf);
	}
	if (info) {
		cli_table_set_u64(t, r, COL_VA_BITS, d->va_bits);
		cli_table_set_size(t, r, COL_VRAM, d->vram_size);
		cli_table_set_u64(t, r, COL_API, d->api_version);
		cli_caps_str(d->caps, buf, sizeof(buf));
		cli_table_set_str(t, r, COL_CAPS, buf);
	}
	cli_table_set_str(t, r, COL_SNOOP, d->snoop_node);
	cli_table_set_str(t, r, COL_RENDER, d->render_node);
	cli_table_set_str(t, r, COL_STATUS,
			  info ? "ok" :
			  d->info_status == -ENOENT || !d->snoop_node ? "no-snoop" :
			  d->info_status == -EACCES || d->info_status == -EPERM ?
			  "no-access" : "error");
}

int cli_cmd_list(struct cli_opts *o)
{
	struct cs_device **devs = NULL;
	struct cs_error *err = cs_error_new();
	struct cli_table t;
	struct cli_json j;
	char why[128];
	int n, i, ret = CLI_EXIT_OK, noaccess = 0;

	if (cli_table_init(&t, cli_list_columns, o->columns, o->output_all,
			   o->mode, o->noheadings, o->bytes, why, sizeof(why))) {
		cli_err("%s", why);
		cs_error_free(err);
		return CLI_EXIT_USAGE;
	}
	n = cs_get_devices(o->all ? 0 : CS_DEVICES_SNOOP_ONLY, NULL, 0, err);
	if (n > 0) {
		devs = cli_calloc((size_t)n, sizeof(*devs));
		n = cs_get_devices(o->all ? 0 : CS_DEVICES_SNOOP_ONLY, devs, n, err);
	}
	if (n < 0) {
		cli_err_cs(err);
		ret = CLI_EXIT_FAILURE;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (o->card >= 0 && devs[i]->card_index != o->card)
			continue;
		if (devs[i]->info_status == -EACCES || devs[i]->info_status == -EPERM)
			noaccess++;
		cli_list_row(&t, devs[i]);
	}

	if (o->mode == CLI_OUT_JSON) {
		cli_json_init(&j, stdout);
		cli_json_begin_object(&j, NULL);
		cli_table_print_json(&t, &j, "gpus");
		cli_json_end(&j);
	} else if (t.nrows) {
		cli_table_print(&t, stdout);
	}
	if (!t.nrows) {
		if (o->card >= 0)
			cli_err("card%d: no such GPU%s", o->card,
				o->all ? "" : " with a snoop node (try --all)");
		else
			cli_err("no GPU with a snoop node: is a cardsnoop-enabled driver loaded (modprobe simgpu)?");
		ret = CLI_EXIT_FAILURE;
	} else if (noaccess && o->mode != CLI_OUT_JSON) {
		cli_warn("%d snoop node%s not readable by you: VA bits and VRAM unknown (a udev rule gives the nodes the render group)",
			 noaccess, noaccess > 1 ? "s are" : " is");
	}
out:
	if (devs)
		cs_free_devices(devs, n > 0 ? n : 0);
	free(devs);
	cli_table_free(&t);
	cs_error_free(err);
	return ret;
}
