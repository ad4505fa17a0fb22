// SPDX-License-Identifier: MIT
/*
 * Copyright (C) 2026 The cardsnoop authors
 *
 * cardsnoop(1): the ELF core file of `dump`, written with libelf.
 *
 * Layout (cardsnoop(1), DUMP FILE FORMAT):
 *
 *   ELF header      ELFCLASS64, ELFDATA2LSB, ET_CORE, EM_X86_64
 *   program headers PT_NOTE, then one PT_LOAD per mapping: p_vaddr = the
 *                   canonical GPU VA, p_memsz = the mapping's size, p_filesz
 *                   the same (0 for mappings without data: sparse), p_flags
 *                   from the GPU permissions; PN_XNUM in e_phnum and the
 *                   real count in section 0's sh_info above 65534 headers
 *   notes           "CORE" NT_PRPSINFO (the target's name, so that gdb and
 *                   file(1) say what the dump is of); "CARDSNOOP" type 1
 *                   (what was dumped) and type 2 (one record per PT_LOAD:
 *                   buffer, offset, placement, kind, permissions)
 *   sections        [0] null (PN_XNUM count), [1] note0 (SHT_NOTE, the
 *                   notes), [2] .shstrtab
 *   data            page aligned per PT_LOAD; pages that are all zero or
 *                   could not be read are not written (holes), so the file
 *                   is sparse
 *
 * Why EM_X86_64: a GPU has no e_machine that stock gdb reads (EM_AMDGPU
 * needs a ROCm-enabled gdb), and with EM_NONE gdb falls back to a 32-bit
 * architecture and truncates addresses.  An x86-64 core without threads is
 * plain memory to gdb: `gdb -c FILE` then `x/4gx VA` reads GPU memory at its
 * 64-bit VA.  The CARDSNOOP notes say what the memory really is.
 *
 * libelf writes the headers and the notes (ELF_F_LAYOUT: we place them);
 * the mapping data, which can be far larger than memory, is then written
 * with pwrite(2) straight from the snoop file into the holes libelf left.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/procfs.h>
#include <unistd.h>

#include "cli.h"

#define CLI_CORE_PAGE		4096ull
#define CLI_CORE_CHUNK		(1u << 20)

/* The notes, built in memory in their on-disk form (little endian). */
struct cli_notebuf {
	uint8_t *buf;
	size_t len, cap;
};

static void cli_nb_put(struct cli_notebuf *nb, const void *p, size_t n)
{
	if (nb->len + n > nb->cap) {
		nb->cap = (nb->len + n) * 2;
		nb->buf = cli_realloc(nb->buf, nb->cap, 1);
	}
	memcpy(nb->buf + nb->len, p, n);
	nb->len += n;
}

static void cli_nb_pad4(struct cli_notebuf *nb)
{
	static const uint8_t zero[4];

	cli_nb_put(nb, zero, (4 - nb->len % 4) % 4);
}

static void cli_nb_u32(struct cli_notebuf *nb, uint32_t v)
{
	v = htole32(v);
	cli_nb_put(nb, &v, sizeof(v));
}

static void cli_nb_u64(struct cli_notebuf *nb, uint64_t v)
{
	v = htole64(v);
	cli_nb_put(nb, &v, sizeof(v));
}

static void cli_nb_str(struct cli_notebuf *nb, const char *s, size_t field)
{
	char buf[64] = { 0 };

	if (s)
		strncpy(buf, s, field - 1);
	cli_nb_put(nb, buf, field);
}

/* Start a note: Elf64_Nhdr, name; the caller appends @descsz bytes. */
static void cli_nb_note(struct cli_notebuf *nb, const char *name,
			uint32_t type, uint32_t descsz)
{
	uint32_t namesz = (uint32_t)strlen(name) + 1;

	cli_nb_u32(nb, namesz);
	cli_nb_u32(nb, descsz);
	cli_nb_u32(nb, type);
	cli_nb_put(nb, name, namesz);
	cli_nb_pad4(nb);
}

/* Size of one record of the CARDSNOOP mappings note. */
#define CLI_NOTE_MAP_RECORD	56u
#define CLI_NOTE_INFO_SIZE	112u

static void cli_core_notes(struct cli_notebuf *nb,
			   const struct cli_core_info *info,
			   const struct cli_core_seg *segs, size_t nsegs)
{
	struct elf_prpsinfo ps;
	size_t i, start;

	memset(&ps, 0, sizeof(ps));
	ps.pr_pid = info->pid;
	snprintf(ps.pr_fname, sizeof(ps.pr_fname), "%s",
		 info->comm ? info->comm : (info->kernel ? "kernel" : "?"));
	if (info->kernel)
		snprintf(ps.pr_psargs, sizeof(ps.pr_psargs),
			 "GPU kernel VM of card%d (%s)", info->card,
			 info->driver ? info->driver : "?");
	else
		snprintf(ps.pr_psargs, sizeof(ps.pr_psargs),
			 "GPU VM of PID %d (%s), card%d client %" PRIu64,
			 (int)info->pid, ps.pr_fname, info->card,
			 info->client_id);
	cli_nb_note(nb, "CORE", NT_PRPSINFO, sizeof(ps));
	cli_nb_put(nb, &ps, sizeof(ps));
	cli_nb_pad4(nb);

	/* CARDSNOOP type 1: what this is a dump of */
	cli_nb_note(nb, CLI_NOTE_NAME, CLI_NT_INFO, CLI_NOTE_INFO_SIZE);
	start = nb->len;
	cli_nb_u32(nb, 1);				/* version */
	cli_nb_u32(nb, info->va_bits);
	cli_nb_u32(nb, (uint32_t)info->pid);
	cli_nb_u32(nb, (uint32_t)info->card);
	cli_nb_u64(nb, info->client_id);
	cli_nb_u64(nb, info->vm_id);
	cli_nb_u64(nb, nsegs);
	cli_nb_u32(nb, info->kernel ? 1 : 0);		/* flags: kernel VM */
	cli_nb_u32(nb, 0);
	cli_nb_str(nb, info->driver, 32);
	cli_nb_str(nb, info->comm, 32);
	if (nb->len - start != CLI_NOTE_INFO_SIZE)
		abort();
	cli_nb_pad4(nb);

	/* CARDSNOOP type 2: a record per PT_LOAD, in program header order */
	cli_nb_note(nb, CLI_NOTE_NAME, CLI_NT_MAPPINGS,
		    (uint32_t)(16 + nsegs * CLI_NOTE_MAP_RECORD));
	cli_nb_u32(nb, 1);				/* version */
	cli_nb_u32(nb, CLI_NOTE_MAP_RECORD);
	cli_nb_u64(nb, nsegs);
	for (i = 0; i < nsegs; i++) {
		cli_nb_u64(nb, segs[i].va);
		cli_nb_u64(nb, segs[i].size);
		cli_nb_u64(nb, segs[i].bo_id);
		cli_nb_u64(nb, segs[i].bo_offset);
		cli_nb_u64(nb, segs[i].unreadable);
		cli_nb_u32(nb, segs[i].placement);
		cli_nb_u32(nb, segs[i].kind);
		cli_nb_u32(nb, segs[i].perms);
		cli_nb_u32(nb, segs[i].flags);
	}
	cli_nb_pad4(nb);
}

static uint64_t cli_align(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static bool cli_all_zero(const uint8_t *p, size_t n)
{
	static const uint8_t zero[256];

	while (n >= sizeof(zero)) {
		if (memcmp(p, zero, sizeof(zero)))
			return false;
		p += sizeof(zero);
		n -= sizeof(zero);
	}
	return !memcmp(p, zero, n);
}

/*
 * Write the non-zero pages of @buf, which belongs at file offset @foff,
 * leaving the zero ones as holes.
 */
static int cli_write_sparse(int fd, const uint8_t *buf, size_t len,
			    uint64_t foff)
{
	size_t pos = 0, n, run;
	ssize_t w;

	while (pos < len) {
		/* up to the next page boundary of the file */
		n = (size_t)(cli_align(foff + pos + 1, CLI_CORE_PAGE) - (foff + pos));
		if (n > len - pos)
			n = len - pos;
		if (cli_all_zero(buf + pos, n)) {
			pos += n;
			continue;
		}
		/* a run of non-zero pages in one pwrite */
		run = n;
		while (pos + run < len) {
			n = CLI_CORE_PAGE;
			if (n > len - pos - run)
				n = len - pos - run;
			if (cli_all_zero(buf + pos + run, n))
				break;
			run += n;
		}
		while (run) {
			w = pwrite(fd, buf + pos, run, (off_t)(foff + pos));
			if (w < 0) {
				if (errno == EINTR)
					continue;
				return -errno;
			}
			pos += (size_t)w;
			run -= (size_t)w;
		}
	}
	return 0;
}

static int cli_core_data(int fd, struct cli_core_seg *seg, uint64_t foff,
			 cli_core_read_fn read_fn, void *ctx, uint8_t *buf,
			 struct cli_progress *progress, char *why,
			 size_t whylen)
{
	uint64_t pos = 0, want, skip;
	ssize_t r;
	int ret;

	while (pos < seg->size) {
		want = seg->size - pos;
		if (want > CLI_CORE_CHUNK)
			want = CLI_CORE_CHUNK;
		r = read_fn(ctx, seg->offset + pos, buf, (size_t)want);
		if (r <= 0) {
			/* nothing readable here: leave a page as a hole */
			skip = cli_align(seg->offset + pos + 1, CLI_CORE_PAGE) -
			       (seg->offset + pos);
			if (skip > seg->size - pos)
				skip = seg->size - pos;
			seg->unreadable += skip;
			seg->flags |= CLI_SEG_UNREADABLE;
			pos += skip;
			cli_progress_add(progress, skip);
			continue;
		}
		ret = cli_write_sparse(fd, buf, (size_t)r, foff + pos);
		if (ret) {
			snprintf(why, whylen, "writing the dump: %s",
				 strerror(-ret));
			return ret;
		}
		pos += (uint64_t)r;
		cli_progress_add(progress, (uint64_t)r);
	}
	return 0;
}

static int cli_elf_fail(const char *what, char *why, size_t whylen)
{
	snprintf(why, whylen, "%s: %s", what, elf_errmsg(-1));
	return -EIO;
}

int cli_core_write(int fd, const struct cli_core_info *info,
		   struct cli_core_seg *segs, size_t nsegs,
		   cli_core_read_fn read_fn, void *ctx,
		   struct cli_progress *progress, char *why, size_t whylen)
{
	static const char shstrtab[] = "\0note0\0.shstrtab";
	struct cli_notebuf nb = { 0 };
	uint64_t off, note_off, str_off, sh_off, data_off, end;
	size_t nph = nsegs + 1, i;
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;
	Elf64_Shdr *sh;
	Elf_Scn *scn_note, *scn_str, *scn0;
	Elf_Data *d;
	uint8_t *buf = NULL;
	Elf *e = NULL;
	int ret = 0;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return cli_elf_fail("libelf", why, whylen);
	if (ftruncate(fd, 0)) {
		ret = -errno;
		snprintf(why, whylen, "truncating the dump file: %s",
			 strerror(errno));
		return ret;
	}

	/*
	 * Pass 1: headers and notes.  The notes' mapping records carry the
	 * unreadable-byte counts, known only after the data is written, so
	 * the notes are written twice: now, and rewritten in place at the end
	 * (same size).
	 */
	cli_core_notes(&nb, info, segs, nsegs);

	off = sizeof(Elf64_Ehdr) + nph * sizeof(Elf64_Phdr);
	note_off = cli_align(off, 8);
	str_off = note_off + nb.len;
	sh_off = cli_align(str_off + sizeof(shstrtab), 8);
	data_off = cli_align(sh_off + 3 * sizeof(Elf64_Shdr), CLI_CORE_PAGE);

	e = elf_begin(fd, ELF_C_WRITE, NULL);
	if (!e) {
		ret = cli_elf_fail("elf_begin", why, whylen);
		goto out;
	}
	elf_flagelf(e, ELF_C_SET, ELF_F_LAYOUT);
	eh = elf64_newehdr(e);
	if (!eh) {
		ret = cli_elf_fail("elf64_newehdr", why, whylen);
		goto out;
	}
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh->e_type = ET_CORE;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(Elf64_Ehdr);
	eh->e_shoff = sh_off;
	eh->e_shstrndx = 2;

	/* Sections first: with PN_XNUM, section 0 carries the count. */
	scn_note = elf_newscn(e);
	scn_str = elf_newscn(e);
	if (!scn_note || !scn_str) {
		ret = cli_elf_fail("elf_newscn", why, whylen);
		goto out;
	}
	d = elf_newdata(scn_note);
	if (!d) {
		ret = cli_elf_fail("elf_newdata", why, whylen);
		goto out;
	}
	d->d_buf = nb.buf;
	d->d_size = nb.len;
	d->d_type = ELF_T_BYTE;
	d->d_align = 1;
	d->d_off = 0;
	sh = elf64_getshdr(scn_note);
	sh->sh_name = 1;
	sh->sh_type = SHT_NOTE;
	sh->sh_offset = note_off;
	sh->sh_size = nb.len;
	sh->sh_addralign = 4;

	d = elf_newdata(scn_str);
	if (!d) {
		ret = cli_elf_fail("elf_newdata", why, whylen);
		goto out;
	}
	d->d_buf = (void *)shstrtab;
	d->d_size = sizeof(shstrtab);
	d->d_type = ELF_T_BYTE;
	d->d_align = 1;
	sh = elf64_getshdr(scn_str);
	sh->sh_name = 7;
	sh->sh_type = SHT_STRTAB;
	sh->sh_offset = str_off;
	sh->sh_size = sizeof(shstrtab);
	sh->sh_addralign = 1;

	ph = elf64_newphdr(e, nph);
	if (!ph) {
		ret = cli_elf_fail("elf64_newphdr", why, whylen);
		goto out;
	}
	if (nph >= PN_XNUM) {
		/* what elf64_newphdr() does already; said here for readers */
		scn0 = elf_getscn(e, 0);
		sh = scn0 ? elf64_getshdr(scn0) : NULL;
		if (!sh) {
			ret = cli_elf_fail("section 0", why, whylen);
			goto out;
		}
		sh->sh_info = (Elf64_Word)nph;
		eh->e_phnum = PN_XNUM;
		elf_flagshdr(scn0, ELF_C_SET, ELF_F_DIRTY);
	}
	ph[0].p_type = PT_NOTE;
	ph[0].p_offset = note_off;
	ph[0].p_filesz = nb.len;
	ph[0].p_align = 4;
	end = data_off;
	for (i = 0; i < nsegs; i++) {
		Elf64_Phdr *p = &ph[i + 1];

		p->p_type = PT_LOAD;
		p->p_offset = end;
		p->p_vaddr = segs[i].va;
		p->p_paddr = 0;
		p->p_memsz = segs[i].size;
		p->p_filesz = segs[i].flags & CLI_SEG_NODATA ? 0 : segs[i].size;
		p->p_flags = (segs[i].perms & CARDSNOOP_PERM_READ ? PF_R : 0) |
			     (segs[i].perms & CARDSNOOP_PERM_WRITE ? PF_W : 0) |
			     (segs[i].perms & CARDSNOOP_PERM_EXEC ? PF_X : 0);
		p->p_align = CLI_CORE_PAGE;
		end = cli_align(end + p->p_filesz, CLI_CORE_PAGE);
	}
	elf_flagphdr(e, ELF_C_SET, ELF_F_DIRTY);
	if (elf_update(e, ELF_C_WRITE) < 0) {
		ret = cli_elf_fail("writing the ELF headers", why, whylen);
		goto out;
	}

	/* Pass 2: the data, straight from the target into the holes. */
	buf = cli_malloc(CLI_CORE_CHUNK);
	for (i = 0; i < nsegs; i++) {
		if (segs[i].flags & CLI_SEG_NODATA)
			continue;
		ret = cli_core_data(fd, &segs[i], ph[i + 1].p_offset, read_fn,
				    ctx, buf, progress, why, whylen);
		if (ret)
			goto out;
	}
	cli_progress_done(progress);

	/* The notes again, now with the unreadable counts; then the size. */
	nb.len = 0;
	cli_core_notes(&nb, info, segs, nsegs);
	if (pwrite(fd, nb.buf, nb.len, (off_t)note_off) != (ssize_t)nb.len ||
	    ftruncate(fd, (off_t)end)) {
		ret = -errno;
		snprintf(why, whylen, "writing the dump: %s", strerror(errno));
		goto out;
	}
out:
	cli_progress_done(progress);
	if (e)
		elf_end(e);
	free(buf);
	free(nb.buf);
	return ret;
}
