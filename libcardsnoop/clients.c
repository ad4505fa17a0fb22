// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * DRM clients of processes, from /proc/PID/fdinfo (the keys of
 * Documentation/gpu/drm-usage-stats.rst).  Everything under /proc can vanish
 * between two reads: a process that exits, an fd that is closed.  Every such
 * failure drops that process or fd from the result instead of failing the
 * whole call; only "the process asked for does not exist" is an error.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cs_private.h"

/*
 * struct cs_client_priv - a cs_client and the storage its pointers use
 * @pub: what the caller sees; first, so that a cs_client pointer is one of
 *	these.
 * @text: the fdinfo file, cut in place into the keys and values.
 */
struct cs_client_priv {
	struct cs_client pub;
	char *text;
	char *comm;
	char *path;
	char *sysdriver;
	struct cs_memory_region *mem;
	struct cs_key_value *kv;
};

static void cs_client_free(struct cs_client *c)
{
	struct cs_client_priv *p = (struct cs_client_priv *)c;

	if (!c)
		return;
	free(p->text);
	free(p->comm);
	free(p->path);
	free(p->sysdriver);
	free(p->mem);
	free(p->kv);
	free(p);
}

cs_public void cs_free_clients(struct cs_client *clients[], int count)
{
	int i;

	if (!clients)
		return;
	for (i = 0; i < count; i++) {
		cs_client_free(clients[i]);
		clients[i] = NULL;
	}
}

cs_public const char *cs_client_get_key(const struct cs_client *client,
					const char *key)
{
	unsigned int i;

	if (!client || !key)
		return NULL;
	for (i = 0; i < client->n_keys; i++)
		if (!strcmp(client->keys[i].key, key))
			return client->keys[i].value;
	return NULL;
}

static char *cs_trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static bool cs_valid_key(const char *k)
{
	if (!*k)
		return false;
	for (; *k; k++)
		if (!isalnum((unsigned char)*k) && !strchr("-_.", *k))
			return false;
	return true;
}

/* "<uint>[ KiB|MiB|GiB]" in bytes; false if malformed or overflowing. */
static bool cs_parse_bytes(const char *s, uint64_t *out)
{
	uint64_t v = 0, mult = 1;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return false;
	for (; isdigit((unsigned char)*p); p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (*p - '0');
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		mult = 1;
	else if (!strcmp(p, "KiB"))
		mult = 1ull << 10;
	else if (!strcmp(p, "MiB"))
		mult = 1ull << 20;
	else if (!strcmp(p, "GiB"))
		mult = 1ull << 30;
	else if (!strcmp(p, "B"))
		mult = 1;
	else
		return false;
	if (v > UINT64_MAX / mult)
		return false;
	*out = v * mult;
	return true;
}

static bool cs_parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!isdigit((unsigned char)*s))
		return false;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s) || v > (UINT64_MAX - 9) / 10)
			return false;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return true;
}

static const struct {
	const char *prefix;
	uint32_t bit;
} cs_mem_keys[] = {
	{ "drm-total-", CS_MEM_TOTAL },
	{ "drm-shared-", CS_MEM_SHARED },
	{ "drm-resident-", CS_MEM_RESIDENT },
	{ "drm-purgeable-", CS_MEM_PURGEABLE },
	{ "drm-active-", CS_MEM_ACTIVE },
	/* Deprecated spelling of resident (amdgpu before 6.9). */
	{ "drm-memory-", CS_MEM_RESIDENT },
};

static int cs_client_add_memory(struct cs_client_priv *p, const char *key,
				const char *value)
{
	struct cs_memory_region *r = NULL, *nm;
	const char *region = NULL;
	uint32_t bit = 0;
	unsigned int i;
	uint64_t v;

	for (i = 0; i < CS_ARRAY_SIZE(cs_mem_keys); i++) {
		size_t l = strlen(cs_mem_keys[i].prefix);

		if (!strncmp(key, cs_mem_keys[i].prefix, l) && key[l]) {
			region = key + l;
			bit = cs_mem_keys[i].bit;
			break;
		}
	}
	if (!region || !cs_parse_bytes(value, &v))
		return 0;

	for (i = 0; i < p->pub.n_memory; i++)
		if (!strcmp(p->mem[i].name, region))
			r = &p->mem[i];
	if (!r) {
		nm = realloc(p->mem, (p->pub.n_memory + 1) * sizeof(*nm));
		if (!nm)
			return -ENOMEM;
		p->mem = nm;
		r = &nm[p->pub.n_memory++];
		memset(r, 0, sizeof(*r));
		r->name = region;
	}
	/* drm-memory- does not override a drm-resident- of the same region. */
	if (!strncmp(key, "drm-memory-", 11) && (r->present & CS_MEM_RESIDENT))
		return 0;
	r->present |= bit;
	switch (bit) {
	case CS_MEM_TOTAL:
		r->total = v;
		break;
	case CS_MEM_SHARED:
		r->shared = v;
		break;
	case CS_MEM_RESIDENT:
		r->resident = v;
		break;
	case CS_MEM_PURGEABLE:
		r->purgeable = v;
		break;
	case CS_MEM_ACTIVE:
		r->active = v;
		break;
	}
	return 0;
}

/*
 * Parse fdinfo @text (taken over) into @p: @p->pub.driver is set if the
 * file showed a drm-driver key.  Returns 0 or -ENOMEM.
 */
static int cs_parse_fdinfo(struct cs_client_priv *p, char *text)
{
	struct cs_client *c = &p->pub;
	struct cs_key_value *nkv;
	char *line, *next, *colon, *key, *value;
	size_t room = 0;
	int ret;

	p->text = text;
	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		colon = strchr(line, ':');
		if (!colon)
			continue;		/* malformed: no key */
		*colon = '\0';
		key = cs_trim(line);
		value = cs_trim(colon + 1);
		if (!cs_valid_key(key))
			continue;

		if (c->n_keys == room) {
			room = room ? room * 2 : 16;
			nkv = realloc(p->kv, room * sizeof(*nkv));
			if (!nkv)
				return -ENOMEM;
			p->kv = nkv;
		}
		p->kv[c->n_keys].key = key;
		p->kv[c->n_keys].value = value;
		c->n_keys++;

		if (!strcmp(key, "drm-driver")) {
			c->driver = value;
		} else if (!strcmp(key, "drm-client-id")) {
			if (!cs_parse_u64(value, &c->client_id))
				c->client_id = 0;
		} else if (!strcmp(key, "drm-pdev")) {
			c->pdev = value;
		} else if (!strcmp(key, "drm-client-name")) {
			c->client_name = value;
		} else if (!strncmp(key, "drm-", 4)) {
			ret = cs_client_add_memory(p, key, value);
			if (ret < 0)
				return ret;
		}
	}
	c->keys = p->kv;
	c->memory = p->mem;
	if (c->driver && !*c->driver)
		c->driver = NULL;
	return 0;
}

/* Node type of DRM char device @rdev: the sysfs name, else the minor range. */
static int cs_node_type(const char *sys, dev_t rdev)
{
	char path[PATH_MAX], buf[PATH_MAX];
	const char *base;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/dev/char/%u:%u", sys, major(rdev),
		 minor(rdev));
	n = readlink(path, buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		base = strrchr(buf, '/');
		base = base ? base + 1 : buf;
		if (!strncmp(base, "renderD", 7))
			return CS_NODE_RENDER;
		if (!strncmp(base, "card", 4))
			return CS_NODE_PRIMARY;
	}
	switch (minor(rdev) / 64) {
	case 0:
		return CS_NODE_PRIMARY;
	case 2:
		return CS_NODE_RENDER;
	default:
		return CS_NODE_UNKNOWN;
	}
}

/* The driver bound to DRM device @rdev: its module name, from sysfs. */
static char *cs_sysfs_driver(const char *sys, dev_t rdev)
{
	char path[PATH_MAX], buf[PATH_MAX];
	const char *base;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/dev/char/%u:%u/device/driver", sys,
		 major(rdev), minor(rdev));
	n = readlink(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	base = strrchr(buf, '/');
	return strdup(base ? base + 1 : buf);
}

/*
 * Which GPU node the fd is: from the device itself when /proc/PID/fd/N can
 * be followed, else from the name it points to (a copy of /proc, or a
 * device node that is not visible in this mount namespace).  Returns
 * whether the fd is a DRM node at all: drivers without DRM fdinfo keys
 * (vgem in 6.12) are found this way, with the driver's name from sysfs.
 */
static bool cs_client_node(struct cs_client_priv *p, int piddir,
			   const char *fdname, const char *sys)
{
	struct cs_client *c = &p->pub;
	char link[PATH_MAX], buf[PATH_MAX];
	const char *base;
	struct stat st;
	ssize_t n;
	long idx;
	int card;

	c->card_index = -1;
	c->node_type = CS_NODE_UNKNOWN;

	snprintf(link, sizeof(link), "fd/%s", fdname);
	n = readlinkat(piddir, link, buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		p->path = strdup(buf);
		c->path = p->path;
	}
	/* Only stat what may be a device: fdinfo of all fds is common. */
	if (!c->driver && (n <= 0 || !strstr(buf, "/dri/")))
		return false;

	if (!fstatat(piddir, link, &st, 0) && S_ISCHR(st.st_mode) &&
	    major(st.st_rdev) == CS_DRM_MAJOR) {
		c->node_type = cs_node_type(sys, st.st_rdev);
		if (!c->driver) {
			p->sysdriver = cs_sysfs_driver(sys, st.st_rdev);
			c->driver = p->sysdriver;
		}
		card = cs_card_of_rdev(sys, st.st_rdev);
		if (card >= 0)
			c->card_index = card;
		if (card >= 0 || n <= 0)
			return true;
	}
	if (n <= 0)
		return c->driver != NULL;
	base = strrchr(buf, '/');
	base = base ? base + 1 : buf;
	if (!strncmp(base, "card", 4) && (idx = cs_parse_index(base + 4)) >= 0) {
		c->node_type = CS_NODE_PRIMARY;
		c->card_index = (int)idx;
	} else if (!strncmp(base, "renderD", 7) &&
		   (idx = cs_parse_index(base + 7)) >= 0) {
		c->node_type = CS_NODE_RENDER;
		card = cs_card_of_rdev(sys, makedev(CS_DRM_MAJOR, idx));
		if (card >= 0)
			c->card_index = card;
	}
	return c->driver || c->node_type != CS_NODE_UNKNOWN;
}

/* struct cs_client_list - a growing array of clients */
struct cs_client_list {
	struct cs_client **v;
	int n;
	int room;
};

static int cs_list_add(struct cs_client_list *l, struct cs_client *c)
{
	struct cs_client **nv;

	if (l->n == l->room) {
		l->room = l->room ? l->room * 2 : 8;
		nv = realloc(l->v, l->room * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		l->v = nv;
	}
	l->v[l->n++] = c;
	return 0;
}

/*
 * The DRM clients of @pid into @l.  -ESRCH if the process is not there,
 * -EACCES if its fds cannot be read, -ENOMEM.
 */
static int cs_scan_pid(const char *proc, const char *sys, pid_t pid,
		       struct cs_client_list *l)
{
	struct cs_client_priv *p = NULL;
	char path[PATH_MAX], *text, *comm = NULL;
	int piddir, fdinfo, ret = 0;
	struct dirent *de;
	ssize_t n;
	long fd;
	DIR *dir;

	snprintf(path, sizeof(path), "%s/%d", proc, (int)pid);
	piddir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (piddir < 0)
		return errno == ENOENT || errno == ENOTDIR ? -ESRCH : -errno;
	fdinfo = openat(piddir, "fdinfo", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fdinfo < 0) {
		ret = errno == ENOENT ? -ESRCH : -errno;
		close(piddir);
		return ret;
	}
	dir = fdopendir(fdinfo);
	if (!dir) {
		ret = -errno;
		close(fdinfo);
		close(piddir);
		return ret;
	}

	while ((de = readdir(dir))) {
		fd = cs_parse_index(de->d_name);
		if (fd < 0 || fd > INT_MAX)
			continue;
		n = cs_read_file(dirfd(dir), de->d_name, &text);
		if (n == -ENOMEM) {
			ret = -ENOMEM;
			break;
		}
		if (n < 0)
			continue;		/* closed, or the process exited */

		p = calloc(1, sizeof(*p));
		if (!p) {
			free(text);
			ret = -ENOMEM;
			break;
		}
		p->pub.struct_size = sizeof(p->pub);
		p->pub.pid = pid;
		p->pub.fd = (int)fd;
		ret = cs_parse_fdinfo(p, text);
		if (ret < 0) {
			cs_client_free(&p->pub);
			break;
		}
		if (!cs_client_node(p, piddir, de->d_name, sys)) {
			cs_client_free(&p->pub);
			continue;
		}

		if (!comm) {
			n = cs_read_file(piddir, "comm", &comm);
			if (n == -ENOMEM) {
				cs_client_free(&p->pub);
				ret = -ENOMEM;
				break;
			}
			if (comm)
				comm[strcspn(comm, "\n")] = '\0';
		}
		if (comm) {
			p->comm = strdup(comm);
			p->pub.comm = p->comm;
		}
		ret = cs_list_add(l, &p->pub);
		if (ret < 0) {
			cs_client_free(&p->pub);
			break;
		}
	}
	free(comm);
	closedir(dir);
	close(piddir);
	return ret;
}

static int cs_client_cmp(const void *a, const void *b)
{
	const struct cs_client *x = *(struct cs_client *const *)a;
	const struct cs_client *y = *(struct cs_client *const *)b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->fd > y->fd) - (x->fd < y->fd);
}

int cs_scan_clients(const struct cs_roots *roots, pid_t pid,
		    struct cs_client ***out, int *count, struct cs_error *err)
{
	struct cs_client_list l = { 0 };
	const char *proc = "/proc", *sys = "/sys";
	struct dirent *de;
	int ret = 0;
	DIR *dir;
	long n;

	if (roots && roots->struct_size >= offsetof(struct cs_roots, proc) +
					   sizeof(roots->proc) && roots->proc)
		proc = roots->proc;
	if (roots && roots->struct_size >= offsetof(struct cs_roots, sys) +
					   sizeof(roots->sys) && roots->sys)
		sys = roots->sys;
	if (pid < 0)
		return cs_fail(err, -EINVAL, "invalid process id %d", (int)pid);

	if (pid) {
		ret = cs_scan_pid(proc, sys, pid, &l);
		if (ret == -ESRCH)
			cs_fail(err, ret, "no such process: PID %d", (int)pid);
		else if (ret == -EACCES || ret == -EPERM)
			cs_fail(err, ret,
				"not allowed to read the open files of PID %d (%s/%d/fdinfo): it belongs to another user; run as that user or as root",
				(int)pid, proc, (int)pid);
		else if (ret < 0)
			cs_fail(err, ret, "cannot read %s/%d/fdinfo: %s", proc,
				(int)pid, cs_errno_desc(-ret));
	} else {
		dir = opendir(proc);
		if (!dir)
			return cs_fail(err, -errno, "cannot read %s: %s", proc,
				       cs_errno_desc(errno));
		while ((de = readdir(dir))) {
			n = cs_parse_index(de->d_name);
			if (n <= 0 || n > INT_MAX)
				continue;
			ret = cs_scan_pid(proc, sys, (pid_t)n, &l);
			if (ret == -ENOMEM)
				break;
			ret = 0;	/* gone, or not ours to read */
		}
		closedir(dir);
		if (ret < 0)
			cs_fail(err, ret, "cannot list DRM clients: %s",
				cs_errno_desc(-ret));
	}
	if (ret < 0) {
		cs_free_clients(l.v, l.n);
		free(l.v);
		return ret;
	}
	if (l.n > 1)
		qsort(l.v, l.n, sizeof(*l.v), cs_client_cmp);
	*out = l.v;
	*count = l.n;
	return 0;
}

cs_public int cs_get_clients_from(const struct cs_roots *roots, pid_t pid,
				  struct cs_client *clients[], int max,
				  struct cs_error *err)
{
	struct cs_client **list;
	int i, n, stored, ret;

	if (clients && max < 0)
		return cs_fail(err, -EINVAL, "cs_get_clients: negative max");
	ret = cs_scan_clients(roots, pid, &list, &n, err);
	if (ret < 0)
		return ret;
	if (!clients) {
		cs_free_clients(list, n);
		free(list);
		return n;
	}
	stored = CS_MIN(n, max);
	for (i = 0; i < stored; i++)
		clients[i] = list[i];
	cs_free_clients(list + stored, n - stored);
	free(list);
	return stored;
}

cs_public int cs_get_clients(pid_t pid, struct cs_client *clients[], int max,
			     struct cs_error *err)
{
	return cs_get_clients_from(NULL, pid, clients, max, err);
}
