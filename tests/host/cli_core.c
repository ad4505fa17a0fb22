// SPDX-License-Identifier: MIT
/*
 * cardsnoop CLI host tests: the ELF core file of `cardsnoop dump` (core.c),
 * written from a synthetic GPU address space and read back with libelf,
 * binutils' readelf and Debian's gdb.
 *
 * The synthetic memory: the 8-byte word at file offset X holds
 * X ^ 0x5a00000000000000, except where a test makes it zero or unreadable.
 *
 * core TCase:
 *   core_headers:     ET_CORE, EM_X86_64, ELFCLASS64; PT_NOTE then one
 *                     PT_LOAD per segment at its canonical VA, sparse ones
 *                     without file data, flags from the GPU permissions
 *   core_data:        each PT_LOAD's bytes are the memory's
 *   core_sparse:      zero and unreadable pages are holes in the file
 *   core_notes:       CORE prpsinfo, CARDSNOOP info and mapping records
 *                     (with the unreadable byte counts)
 *   core_readelf:     readelf -lW and -nW read it; the CARDSNOOP notes
 *                     are not mistaken for NT_PRSTATUS and the like
 *   core_gdb:         gdb -batch -c FILE -ex 'x/2gx VA' reads 64-bit VAs,
 *                     low and high (canonical) half
 *   core_empty:       no segment: a valid core with notes only
 *   core_write_error: a file that cannot be written: an error, no crash
 * xnum TCase:
 *   core_pn_xnum:     70,000 mappings: e_phnum PN_XNUM, the count in section
 *                     0's sh_info; libelf, readelf and gdb read them all
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdint.h>
#include <sys/procfs.h>
#include <sys/stat.h>

#include "cstest.h"
#include "cli_test.h"

#define PAGE 4096ull
#define TAG 0x5a00000000000000ull

/* Ranges of the synthetic memory that read as zero or fail. */
struct mem {
	uint64_t zero_start, zero_end;
	uint64_t bad_start, bad_end;
	uint64_t reads;
};

static uint64_t word_at(uint64_t off)
{
	return off ^ TAG;
}

static ssize_t mem_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct mem *m = ctx;
	uint8_t *p = buf;
	size_t i;

	m->reads++;
	if (off >= m->bad_start && off < m->bad_end)
		return -EIO;
	if (off < m->bad_start && off + len > m->bad_start)
		len = (size_t)(m->bad_start - off);	/* short: a hole follows */
	for (i = 0; i < len; i++) {
		uint64_t o = off + i, w;

		if (o >= m->zero_start && o < m->zero_end) {
			p[i] = 0;
			continue;
		}
		w = word_at(o & ~7ull);
		p[i] = (uint8_t)(w >> (8 * (o & 7)));
	}
	return (ssize_t)len;
}

static char path[64];
static int fd = -1;

static void core_setup(void)
{
	strcpy(path, "/tmp/cli-core.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
}

static void core_teardown(void)
{
	if (fd >= 0)
		close(fd);
	unlink(path);
	fd = -1;
}

/* The four segments of the small dump, in file offset order. */
static struct cli_core_seg segs[4];
static struct mem mem;

static void small_dump(void)
{
	struct cli_core_info info = {
		.pid = 4242, .card = 0, .va_bits = 48, .client_id = 7,
		.vm_id = 0, .driver = "simgpu", .comm = "tgt",
	};
	struct cli_progress prog;
	char why[256];

	memset(segs, 0, sizeof(segs));
	/* A: 64K, pages 4..7 zero */
	segs[0] = (struct cli_core_seg){ .va = 0x100000000ull, .offset = 0x100000000ull,
		.size = 0x10000, .bo_id = 2, .placement = CARDSNOOP_PLACEMENT_VRAM,
		.perms = CARDSNOOP_PERM_READ | CARDSNOOP_PERM_WRITE };
	/* C: sparse, 1M, no data */
	segs[1] = (struct cli_core_seg){ .va = 0x200000000ull, .offset = 0x200000000ull,
		.size = 0x100000, .kind = CARDSNOOP_KIND_SPARSE,
		.perms = CARDSNOOP_PERM_READ, .flags = CLI_SEG_NODATA };
	/* D: 16K, pages 1 and 2 unreadable */
	segs[2] = (struct cli_core_seg){ .va = 0x300000000ull, .offset = 0x300000000ull,
		.size = 0x4000, .bo_id = 5, .bo_offset = 0x1000,
		.placement = CARDSNOOP_PLACEMENT_SYSTEM,
		.perms = CARDSNOOP_PERM_READ | CARDSNOOP_PERM_EXEC };
	/* B: high half, 16K */
	segs[3] = (struct cli_core_seg){ .va = 0xffff800000000000ull,
		.offset = 0x800000000000ull, .size = 0x4000, .bo_id = 3,
		.placement = CARDSNOOP_PLACEMENT_SYSTEM, .perms = CARDSNOOP_PERM_READ };
	memset(&mem, 0, sizeof(mem));
	mem.zero_start = 0x100000000ull + 4 * PAGE;
	mem.zero_end = 0x100000000ull + 8 * PAGE;
	mem.bad_start = 0x300000000ull + PAGE;
	mem.bad_end = 0x300000000ull + 3 * PAGE;
	cli_progress_init(&prog, "dump", 0, UINT64_MAX);
	ck_assert_msg(cli_core_write(fd, &info, segs, 4, mem_read, &mem, &prog,
				     why, sizeof(why)) == 0, "%s", why);
}

static Elf *open_elf(void)
{
	Elf *e;

	ck_assert_int_ne(elf_version(EV_CURRENT), EV_NONE);
	e = elf_begin(fd, ELF_C_READ, NULL);
	ck_assert_msg(e != NULL, "%s", elf_errmsg(-1));
	return e;
}

START_TEST(core_headers)
{
	static const uint64_t vaddr[] = { 0x100000000ull, 0x200000000ull,
					  0x300000000ull, 0xffff800000000000ull };
	GElf_Ehdr eh;
	GElf_Phdr ph;
	size_t n, i;
	Elf *e;

	small_dump();
	e = open_elf();
	ck_assert_int_eq(elf_kind(e), ELF_K_ELF);
	ck_assert_ptr_nonnull(gelf_getehdr(e, &eh));
	ck_assert_int_eq(gelf_getclass(e), ELFCLASS64);
	ck_assert_int_eq(eh.e_ident[EI_DATA], ELFDATA2LSB);
	ck_assert_int_eq(eh.e_type, ET_CORE);
	ck_assert_int_eq(eh.e_machine, EM_X86_64);
	ck_assert_int_eq(elf_getphdrnum(e, &n), 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_ptr_nonnull(gelf_getphdr(e, 0, &ph));
	ck_assert_int_eq(ph.p_type, PT_NOTE);
	for (i = 0; i < 4; i++) {
		ck_assert_ptr_nonnull(gelf_getphdr(e, (int)i + 1, &ph));
		ck_assert_int_eq(ph.p_type, PT_LOAD);
		ck_assert_uint_eq(ph.p_vaddr, vaddr[i]);
		ck_assert_uint_eq(ph.p_memsz, segs[i].size);
		ck_assert_uint_eq(ph.p_filesz, i == 1 ? 0 : segs[i].size);
		ck_assert_uint_eq(ph.p_offset % PAGE, 0);
	}
	ck_assert_ptr_nonnull(gelf_getphdr(e, 1, &ph));
	ck_assert_uint_eq(ph.p_flags, PF_R | PF_W);
	ck_assert_ptr_nonnull(gelf_getphdr(e, 3, &ph));
	ck_assert_uint_eq(ph.p_flags, PF_R | PF_X);
	elf_end(e);
}
END_TEST

START_TEST(core_data)
{
	uint64_t w, k;
	GElf_Phdr ph;
	Elf *e;
	int i;

	small_dump();
	e = open_elf();
	for (i = 1; i <= 4; i++) {
		ck_assert_ptr_nonnull(gelf_getphdr(e, i, &ph));
		for (k = 0; k < ph.p_filesz; k += 8) {
			uint64_t off = segs[i - 1].offset + k, want = word_at(off);

			if (off >= mem.zero_start && off < mem.zero_end)
				want = 0;
			if (off >= mem.bad_start && off < mem.bad_end)
				want = 0;
			ck_assert_int_eq(pread(fd, &w, 8, (off_t)(ph.p_offset + k)), 8);
			ck_assert_msg(w == want, "segment %d +0x%" PRIx64 ": 0x%" PRIx64
				      " != 0x%" PRIx64, i, k, w, want);
		}
	}
	elf_end(e);
}
END_TEST

START_TEST(core_sparse)
{
	GElf_Phdr ph;
	struct stat st;
	off_t data;
	Elf *e;

	small_dump();
	e = open_elf();
	/* the zero pages of A and the unreadable pages of D are holes */
	ck_assert_ptr_nonnull(gelf_getphdr(e, 1, &ph));
	ck_assert_int_eq(lseek(fd, (off_t)(ph.p_offset + 4 * PAGE), SEEK_HOLE),
			 (off_t)(ph.p_offset + 4 * PAGE));
	data = lseek(fd, (off_t)(ph.p_offset + 4 * PAGE), SEEK_DATA);
	ck_assert_int_eq(data, (off_t)(ph.p_offset + 8 * PAGE));
	ck_assert_ptr_nonnull(gelf_getphdr(e, 3, &ph));
	ck_assert_int_eq(lseek(fd, (off_t)(ph.p_offset + PAGE), SEEK_HOLE),
			 (off_t)(ph.p_offset + PAGE));
	/* the file ends with the last segment's data */
	ck_assert_ptr_nonnull(gelf_getphdr(e, 4, &ph));
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_int_eq(st.st_size, (off_t)(ph.p_offset + ph.p_filesz));
	elf_end(e);
}
END_TEST

START_TEST(core_notes)
{
	size_t off = 0, name_off, desc_off;
	bool prps = false, info = false, maps = false;
	const uint8_t *d;
	GElf_Nhdr nh;
	GElf_Phdr ph;
	Elf_Data *data;
	Elf *e;

	small_dump();
	e = open_elf();
	ck_assert_ptr_nonnull(gelf_getphdr(e, 0, &ph));
	data = elf_getdata_rawchunk(e, (int64_t)ph.p_offset, ph.p_filesz, ELF_T_NHDR);
	ck_assert_ptr_nonnull(data);
	while ((off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
		const char *name = (const char *)data->d_buf + name_off;

		d = (const uint8_t *)data->d_buf + desc_off;
		if (!strcmp(name, "CORE") && nh.n_type == NT_PRPSINFO) {
			const struct elf_prpsinfo *ps = (const void *)d;

			ck_assert_uint_eq(nh.n_descsz, sizeof(*ps));
			ck_assert_str_eq(ps->pr_fname, "tgt");
			ck_assert_int_eq(ps->pr_pid, 4242);
			ck_assert_has(ps->pr_psargs, "GPU VM of PID 4242");
			prps = true;
		} else if (!strcmp(name, CLI_NOTE_NAME) && nh.n_type == CLI_NT_INFO) {
			uint32_t v[4];
			uint64_t q[3];

			ck_assert_uint_eq(nh.n_descsz, 112);
			memcpy(v, d, 16);
			memcpy(q, d + 16, 24);
			ck_assert_uint_eq(v[0], 1);		/* version */
			ck_assert_uint_eq(v[1], 48);		/* va_bits */
			ck_assert_uint_eq(v[2], 4242);		/* pid */
			ck_assert_uint_eq(q[0], 7);		/* client */
			ck_assert_uint_eq(q[2], 4);		/* mappings */
			ck_assert_str_eq((const char *)d + 48, "simgpu");
			ck_assert_str_eq((const char *)d + 80, "tgt");
			info = true;
		} else if (!strcmp(name, CLI_NOTE_NAME) && nh.n_type == CLI_NT_MAPPINGS) {
			uint32_t hdr[2], f[4];
			uint64_t count, r[5];

			memcpy(hdr, d, 8);
			memcpy(&count, d + 8, 8);
			ck_assert_uint_eq(hdr[0], 1);
			ck_assert_uint_eq(hdr[1], 56);
			ck_assert_uint_eq(count, 4);
			ck_assert_uint_eq(nh.n_descsz, 16 + 4 * 56);
			/* record 2: D, with 8K unreadable */
			memcpy(r, d + 16 + 2 * 56, 40);
			memcpy(f, d + 16 + 2 * 56 + 40, 16);
			ck_assert_uint_eq(r[0], 0x300000000ull);
			ck_assert_uint_eq(r[1], 0x4000);
			ck_assert_uint_eq(r[2], 5);
			ck_assert_uint_eq(r[3], 0x1000);
			ck_assert_uint_eq(r[4], 2 * PAGE);
			ck_assert_uint_eq(f[0], CARDSNOOP_PLACEMENT_SYSTEM);
			ck_assert_uint_eq(f[2], CARDSNOOP_PERM_READ | CARDSNOOP_PERM_EXEC);
			ck_assert_uint_eq(f[3], CLI_SEG_UNREADABLE);
			/* record 1: sparse, no data */
			memcpy(f, d + 16 + 56 + 40, 16);
			ck_assert_uint_eq(f[1], CARDSNOOP_KIND_SPARSE);
			ck_assert_uint_eq(f[3], CLI_SEG_NODATA);
			maps = true;
		}
	}
	ck_assert(prps && info && maps);
	ck_assert_uint_eq(segs[2].unreadable, 2 * PAGE);
	elf_end(e);
}
END_TEST

START_TEST(core_readelf)
{
	char cmd[160], *out = NULL, *err = NULL;

	small_dump();
	snprintf(cmd, sizeof(cmd), "readelf -lW %s", path);
	ck_assert_int_eq(cli_test_sh(cmd, &out, &err), 0);
	ck_assert_has(out, "Elf file type is CORE (Core file)");
	ck_assert_has(out, "There are 5 program headers");
	ck_assert_has(out, "0xffff800000000000");
	ck_assert_has(out, "0x0000000100000000");
	ck_assert_lacks(err, "Error");
	free(out);
	free(err);
	snprintf(cmd, sizeof(cmd), "readelf -nW %s", path);
	ck_assert_int_eq(cli_test_sh(cmd, &out, &err), 0);
	ck_assert_has(out, "CARDSNOOP");
	ck_assert_has(out, "NT_PRPSINFO");
	/* our notes are not taken for the kernel's core notes */
	ck_assert_lacks(out, "NT_PRSTATUS");
	ck_assert_lacks(out, "NT_FPREGSET");
	free(out);
	free(err);
}
END_TEST

START_TEST(core_gdb)
{
	char cmd[400], *out = NULL, *err = NULL, want[64];

	small_dump();
	snprintf(cmd, sizeof(cmd),
		 "gdb -nx -batch -c %s -ex 'x/2gx 0x100000000' -ex 'x/gx 0xffff800000000008'",
		 path);
	ck_assert_msg(cli_test_sh(cmd, &out, &err) == 0, "gdb: %s", err);
	snprintf(want, sizeof(want), "0x100000000:\t0x%016" PRIx64 "\t0x%016" PRIx64,
		 word_at(0x100000000ull), word_at(0x100000008ull));
	ck_assert_has(out, want);
	snprintf(want, sizeof(want), "0xffff800000000008:\t0x%016" PRIx64,
		 word_at(0x800000000008ull));
	ck_assert_has(out, want);
	free(out);
	free(err);
}
END_TEST

START_TEST(core_empty)
{
	struct cli_core_info info = { .pid = 1, .va_bits = 48, .comm = "x" };
	struct cli_progress prog;
	char why[256];
	size_t n;
	Elf *e;

	cli_progress_init(&prog, "dump", 0, UINT64_MAX);
	ck_assert_int_eq(cli_core_write(fd, &info, NULL, 0, mem_read, &mem, &prog,
					why, sizeof(why)), 0);
	e = open_elf();
	ck_assert_int_eq(elf_getphdrnum(e, &n), 0);
	ck_assert_uint_eq(n, 1);
	elf_end(e);
}
END_TEST

START_TEST(core_write_error)
{
	struct cli_core_info info = { .pid = 1, .va_bits = 48 };
	struct cli_progress prog;
	char why[256];
	int ro = open("/dev/null", O_RDONLY);

	cli_progress_init(&prog, "dump", 0, UINT64_MAX);
	ck_assert_int_lt(cli_core_write(ro, &info, NULL, 0, mem_read, &mem, &prog,
					why, sizeof(why)), 0);
	ck_assert_str_ne(why, "");
	close(ro);
}
END_TEST

/* ------------------------------------------------------------------- xnum */

#define XNUM_SEGS 70000u

static ssize_t xnum_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	uint64_t idx = (off - 0x10000) / 0x2000;

	memset(buf, 0, len);
	if (idx % 10000 == 0 || idx == XNUM_SEGS - 1) {
		uint64_t w = word_at(off);

		memcpy(buf, &w, 8);
	}
	return (ssize_t)len;
}

START_TEST(core_pn_xnum)
{
	struct cli_core_info info = { .pid = 9, .va_bits = 48, .comm = "many" };
	struct cli_core_seg *v = calloc(XNUM_SEGS, sizeof(*v));
	struct cli_progress prog;
	char why[256], cmd[400], want[80], *out = NULL, *err = NULL;
	uint64_t last = 0x10000 + (uint64_t)(XNUM_SEGS - 1) * 0x2000;
	GElf_Shdr sh;
	GElf_Ehdr eh;
	GElf_Phdr ph;
	size_t n, i;
	Elf *e;

	for (i = 0; i < XNUM_SEGS; i++) {
		v[i].offset = v[i].va = 0x10000 + i * 0x2000;
		v[i].size = PAGE;
		v[i].perms = CARDSNOOP_PERM_READ;
	}
	cli_progress_init(&prog, "dump", 0, UINT64_MAX);
	ck_assert_msg(cli_core_write(fd, &info, v, XNUM_SEGS, xnum_read, NULL, &prog,
				     why, sizeof(why)) == 0, "%s", why);
	free(v);

	e = open_elf();
	ck_assert_ptr_nonnull(gelf_getehdr(e, &eh));
	ck_assert_uint_eq(eh.e_phnum, PN_XNUM);
	ck_assert_ptr_nonnull(gelf_getshdr(elf_getscn(e, 0), &sh));
	ck_assert_uint_eq(sh.sh_info, XNUM_SEGS + 1);
	ck_assert_int_eq(elf_getphdrnum(e, &n), 0);
	ck_assert_uint_eq(n, XNUM_SEGS + 1);
	ck_assert_ptr_nonnull(gelf_getphdr(e, (int)XNUM_SEGS, &ph));
	ck_assert_int_eq(ph.p_type, PT_LOAD);
	ck_assert_uint_eq(ph.p_vaddr, last);
	elf_end(e);

	snprintf(cmd, sizeof(cmd), "readelf -lW %s | grep -c LOAD", path);
	ck_assert_int_eq(cli_test_sh(cmd, &out, &err), 0);
	ck_assert_uint_eq(strtoul(out, NULL, 10), XNUM_SEGS);
	free(out);
	free(err);

	snprintf(cmd, sizeof(cmd), "gdb -nx -batch -c %s -ex 'x/gx 0x%" PRIx64 "'",
		 path, last);
	ck_assert_msg(cli_test_sh(cmd, &out, &err) == 0, "gdb: %s", err);
	snprintf(want, sizeof(want), "0x%" PRIx64 ":\t0x%016" PRIx64, last,
		 word_at(last));
	ck_assert_has(out, want);
	free(out);
	free(err);
}
END_TEST

static Suite *cli_core_suite(void)
{
	Suite *s = suite_create("cli_core");
	TCase *tc;

	tc = tcase_create("core");
	tcase_add_checked_fixture(tc, core_setup, core_teardown);
	tcase_add_test(tc, core_headers);
	tcase_add_test(tc, core_data);
	tcase_add_test(tc, core_sparse);
	tcase_add_test(tc, core_notes);
	tcase_add_test(tc, core_readelf);
	tcase_add_test(tc, core_gdb);
	tcase_add_test(tc, core_empty);
	tcase_add_test(tc, core_write_error);
	suite_add_tcase(s, tc);

	tc = tcase_create("xnum");
	tcase_add_checked_fixture(tc, core_setup, core_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, core_pn_xnum);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return cstest_run(cli_core_suite());
}
