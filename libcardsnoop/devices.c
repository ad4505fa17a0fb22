// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * GPU discovery.  libdrm's drmGetDevices2() gives the nodes and bus
 * information; sysfs fills in devices libdrm cannot describe (it skips
 * platform devices without a device-tree node, such as simgpu's virtual
 * GPUs); libpciaccess gives PCI names; the snoop node's INFO ioctl gives
 * what only cardsnoop knows (VA bits, VRAM size, capabilities).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pciaccess.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <xf86drm.h>

#include "cs_private.h"

/*
 * libpciaccess caches the pci.ids database in a global tree that it fills
 * without locking.  This lock is the library's only global: it keeps two of
 * our own threads from filling that cache at the same time.  (A caller that
 * uses libpciaccess's name functions directly from another thread at the
 * same moment is beyond our reach.)
 */
static pthread_mutex_t cs_pciaccess_lock = PTHREAD_MUTEX_INITIALIZER;

void cs_snoop_node_path(int card, char *buf, size_t len)
{
	snprintf(buf, len, "/dev/dri/card%d-snoop", card);
}

int cs_card_of_rdev(const char *sys, dev_t rdev)
{
	char path[PATH_MAX];
	struct dirent *de;
	int card = -ENOENT;
	DIR *dir;
	long n;

	if (major(rdev) != CS_DRM_MAJOR)
		return -ENODEV;
	snprintf(path, sizeof(path), "%s/dev/char/%u:%u/device/drm",
		 sys ? sys : "/sys", major(rdev), minor(rdev));
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (strncmp(de->d_name, "card", 4))
			continue;
		n = cs_parse_index(de->d_name + 4);
		if (n >= 0) {
			card = (int)n;
			break;
		}
	}
	closedir(dir);
	return card;
}

static char *cs_readlink_base(const char *path)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	return strdup(slash ? slash + 1 : buf);
}

static unsigned int cs_read_hex(const char *path)
{
	char line[32];

	if (cs_read_line(path, line, sizeof(line)) < 0)
		return 0;
	return (unsigned int)strtoul(line, NULL, 16);
}

static void cs_device_free(struct cs_device *d)
{
	if (!d)
		return;
	free((char *)d->primary_node);
	free((char *)d->render_node);
	free((char *)d->snoop_node);
	free((char *)d->driver);
	free((char *)d->bus);
	free((char *)d->bus_id);
	free((char *)d->vendor_name);
	free((char *)d->device_name);
	free(d);
}

cs_public void cs_free_devices(struct cs_device *devices[], int count)
{
	int i;

	if (!devices)
		return;
	for (i = 0; i < count; i++) {
		cs_device_free(devices[i]);
		devices[i] = NULL;
	}
}

/* Fill what sysfs says about /sys/class/drm/cardN. */
static int cs_device_from_sysfs(struct cs_device *d)
{
	char path[PATH_MAX], base[64];
	struct dirent *de;
	DIR *dir;
	long n;

	snprintf(base, sizeof(base), "/sys/class/drm/card%d/device",
		 d->card_index);
	d->primary_node = cs_strdup_printf("/dev/dri/card%d", d->card_index);
	if (!d->primary_node)
		return -ENOMEM;

	snprintf(path, sizeof(path), "%s/drm", base);
	dir = opendir(path);
	if (dir) {
		while ((de = readdir(dir))) {
			if (strncmp(de->d_name, "renderD", 7))
				continue;
			n = cs_parse_index(de->d_name + 7);
			if (n >= 0) {
				d->render_index = (int)n;
				break;
			}
		}
		closedir(dir);
	}
	if (d->render_index >= 0) {
		d->render_node = cs_strdup_printf("/dev/dri/renderD%d",
						  d->render_index);
		if (!d->render_node)
			return -ENOMEM;
	}

	snprintf(path, sizeof(path), "%s/subsystem", base);
	d->bus = cs_readlink_base(path);
	d->bus_id = cs_readlink_base(base);
	if (d->bus && !strcmp(d->bus, "pci")) {
		snprintf(path, sizeof(path), "%s/vendor", base);
		d->vendor_id = cs_read_hex(path);
		snprintf(path, sizeof(path), "%s/device", base);
		d->device_id = cs_read_hex(path);
		snprintf(path, sizeof(path), "%s/subsystem_vendor", base);
		d->subvendor_id = cs_read_hex(path);
		snprintf(path, sizeof(path), "%s/subsystem_device", base);
		d->subdevice_id = cs_read_hex(path);
		snprintf(path, sizeof(path), "%s/revision", base);
		d->revision = cs_read_hex(path);
	}
	return 0;
}

/* What libdrm knows; it wins over sysfs for the fields it has. */
static int cs_device_from_drm(struct cs_device *d, drmDevicePtr dd)
{
	static const char *const bus_names[] = {
		[DRM_BUS_PCI] = "pci",
		[DRM_BUS_USB] = "usb",
		[DRM_BUS_PLATFORM] = "platform",
		[DRM_BUS_HOST1X] = "host1x",
	};
	const char *slash;
	long n;

	if ((dd->available_nodes & (1 << DRM_NODE_RENDER)) && !d->render_node) {
		d->render_node = strdup(dd->nodes[DRM_NODE_RENDER]);
		if (!d->render_node)
			return -ENOMEM;
		slash = strrchr(d->render_node, '/');
		if (slash && !strncmp(slash + 1, "renderD", 7)) {
			n = cs_parse_index(slash + 8);
			d->render_index = n >= 0 ? (int)n : -1;
		}
	}
	if (dd->bustype >= 0 && dd->bustype < (int)CS_ARRAY_SIZE(bus_names) &&
	    bus_names[dd->bustype] && !d->bus) {
		d->bus = strdup(bus_names[dd->bustype]);
		if (!d->bus)
			return -ENOMEM;
	}
	if (dd->bustype == DRM_BUS_PCI) {
		drmPciBusInfoPtr b = dd->businfo.pci;
		drmPciDeviceInfoPtr p = dd->deviceinfo.pci;

		free((char *)d->bus_id);
		d->bus_id = cs_strdup_printf("%04x:%02x:%02x.%u", b->domain,
					     b->bus, b->dev, b->func);
		if (!d->bus_id)
			return -ENOMEM;
		d->vendor_id = p->vendor_id;
		d->device_id = p->device_id;
		d->subvendor_id = p->subvendor_id;
		d->subdevice_id = p->subdevice_id;
		if (p->revision_id)
			d->revision = p->revision_id;
	}
	return 0;
}

static int cs_device_pci_names(struct cs_device *d)
{
	struct pci_device pd;
	const char *v, *n;
	int ret = 0;

	if (!d->vendor_id)
		return 0;
	memset(&pd, 0, sizeof(pd));
	pd.vendor_id = d->vendor_id;
	pd.device_id = d->device_id;
	pd.subvendor_id = d->subvendor_id;
	pd.subdevice_id = d->subdevice_id;
	pthread_mutex_lock(&cs_pciaccess_lock);
	v = pci_device_get_vendor_name(&pd);
	n = pci_device_get_device_name(&pd);
	if (v && !(d->vendor_name = strdup(v)))
		ret = -ENOMEM;
	if (n && !(d->device_name = strdup(n)))
		ret = -ENOMEM;
	pthread_mutex_unlock(&cs_pciaccess_lock);
	return ret;
}

static char *cs_drm_driver_name(const char *node)
{
	drmVersionPtr v;
	char *name = NULL;
	int fd;

	if (!node)
		return NULL;
	fd = open(node, O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return NULL;
	v = drmGetVersion(fd);
	if (v && v->name)
		name = strdup(v->name);
	drmFreeVersion(v);
	close(fd);
	return name;
}

/* The snoop node and its INFO. */
static int cs_device_snoop(struct cs_device *d)
{
	struct cardsnoop_info info;
	char path[64];
	struct stat st;
	int fd, ret;

	cs_snoop_node_path(d->card_index, path, sizeof(path));
	if (stat(path, &st) < 0 || !S_ISCHR(st.st_mode)) {
		d->info_status = -ENOENT;
		return 0;
	}
	d->snoop_node = strdup(path);
	if (!d->snoop_node)
		return -ENOMEM;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		d->info_status = -errno;
		return 0;
	}
	memset(&info, 0, sizeof(info));
	ret = cs_ioctl(fd, CARDSNOOP_IOCTL_INFO, &info);
	close(fd);
	if (ret < 0) {
		d->info_status = ret;
		return 0;
	}
	info.driver[sizeof(info.driver) - 1] = '\0';
	d->info_status = 0;
	d->api_version = info.api_version;
	d->va_bits = info.va_bits;
	d->vram_size = info.vram_size;
	d->caps = info.caps;
	if (info.driver[0] && !d->driver) {
		d->driver = strdup(info.driver);
		if (!d->driver)
			return -ENOMEM;
	}
	return 0;
}

static struct cs_device *cs_device_new(int card)
{
	struct cs_device *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->struct_size = sizeof(*d);
	d->card_index = card;
	d->render_index = -1;
	d->info_status = -ENOENT;
	return d;
}

static int cs_device_cmp(const void *a, const void *b)
{
	const struct cs_device *x = *(struct cs_device *const *)a;
	const struct cs_device *y = *(struct cs_device *const *)b;

	return (x->card_index > y->card_index) - (x->card_index < y->card_index);
}

/* Index of @card in @list, adding it if needed; -ENOMEM. */
static int cs_device_slot(struct cs_device ***list, int *n, int card)
{
	struct cs_device **nl;
	int i;

	for (i = 0; i < *n; i++)
		if ((*list)[i]->card_index == card)
			return i;
	nl = realloc(*list, (*n + 1) * sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	*list = nl;
	nl[*n] = cs_device_new(card);
	if (!nl[*n])
		return -ENOMEM;
	if (cs_device_from_sysfs(nl[*n]) < 0) {
		cs_device_free(nl[*n]);
		return -ENOMEM;
	}
	return (*n)++;
}

static int cs_collect_devices(struct cs_device ***out, int *count)
{
	drmDevicePtr *dds = NULL;
	struct cs_device **list = NULL;
	int i, n = 0, ndd = 0, ret = 0;
	struct dirent *de;
	const char *slash;
	DIR *dir;
	long card;

	/* sysfs: every GPU with a primary node. */
	dir = opendir("/sys/class/drm");
	if (dir) {
		while ((de = readdir(dir))) {
			if (strncmp(de->d_name, "card", 4))
				continue;
			card = cs_parse_index(de->d_name + 4);
			if (card < 0)
				continue;	/* connectors: card0-DP-1 */
			ret = cs_device_slot(&list, &n, (int)card);
			if (ret < 0)
				break;
		}
		closedir(dir);
		if (ret < 0)
			goto err;
	}

	/* libdrm: nodes and bus information. */
	ndd = drmGetDevices2(0, NULL, 0);
	if (ndd > 0) {
		dds = calloc(ndd, sizeof(*dds));
		if (!dds) {
			ret = -ENOMEM;
			goto err;
		}
		ndd = drmGetDevices2(0, dds, ndd);
	}
	for (i = 0; i < ndd; i++) {
		if (!(dds[i]->available_nodes & (1 << DRM_NODE_PRIMARY)))
			continue;
		slash = strrchr(dds[i]->nodes[DRM_NODE_PRIMARY], '/');
		if (!slash || strncmp(slash + 1, "card", 4))
			continue;
		card = cs_parse_index(slash + 5);
		if (card < 0)
			continue;
		ret = cs_device_slot(&list, &n, (int)card);
		if (ret < 0)
			goto err;
		ret = cs_device_from_drm(list[ret], dds[i]);
		if (ret < 0)
			goto err;
	}

	for (i = 0; i < n; i++) {
		ret = cs_device_snoop(list[i]);
		if (!ret && !list[i]->driver)
			list[i]->driver = cs_drm_driver_name(list[i]->render_node);
		if (!ret && !list[i]->driver) {
			char path[PATH_MAX];

			snprintf(path, sizeof(path),
				 "/sys/class/drm/card%d/device/driver",
				 list[i]->card_index);
			list[i]->driver = cs_readlink_base(path);
		}
		if (!ret)
			ret = cs_device_pci_names(list[i]);
		if (ret < 0)
			goto err;
	}
	if (ndd > 0)
		drmFreeDevices(dds, ndd);
	free(dds);
	if (n > 1)
		qsort(list, n, sizeof(*list), cs_device_cmp);
	*out = list;
	*count = n;
	return 0;

err:
	if (ndd > 0 && dds)
		drmFreeDevices(dds, ndd);
	free(dds);
	cs_free_devices(list, n);
	free(list);
	return ret;
}

cs_public int cs_get_devices(uint32_t flags, struct cs_device *devices[],
			     int max, struct cs_error *err)
{
	struct cs_device **list;
	int i, n, kept = 0, stored = 0, ret;

	if (flags & ~CS_DEVICES_SNOOP_ONLY)
		return cs_fail(err, -EINVAL,
			       "cs_get_devices: unknown flags 0x%x",
			       flags & ~CS_DEVICES_SNOOP_ONLY);
	if (devices && max < 0)
		return cs_fail(err, -EINVAL, "cs_get_devices: negative max");

	ret = cs_collect_devices(&list, &n);
	if (ret < 0)
		return cs_fail(err, ret, "cannot list the GPUs: %s",
			       cs_errno_desc(-ret));

	for (i = 0; i < n; i++) {
		if ((flags & CS_DEVICES_SNOOP_ONLY) && !list[i]->snoop_node) {
			cs_device_free(list[i]);
			continue;
		}
		if (devices && stored < max) {
			devices[stored++] = list[i];
		} else {
			cs_device_free(list[i]);
		}
		kept++;
	}
	free(list);
	return devices ? stored : kept;
}
