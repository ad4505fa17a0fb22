// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The cardsnoop authors
 */

/**
 * DOC: Engine
 *
 * The simgpu engine executes the commands of "DOC: Engine commands" in
 * simgpu_drm.h through a VM, synchronously in %DRM_IOCTL_SIMGPU_SUBMIT: when
 * the ioctl returns, the results are in memory.  It has no caches, so the
 * CPU sees them at once through any mapping.
 *
 * An IB command goes through the kernel ring, as on real GPUs: the kernel
 * writes a packet (client id, IB VA and size, seqno) into the ring buffer
 * in the kernel VM and advances the write pointer; the engine reads the
 * packet at the read pointer back from the ring, then fetches the IB's
 * commands from the client's VM one by one and executes them, and finally
 * marks the packet done and advances the read pointer.  All of it goes
 * through simgpu_vm_access_locked(), the engine's only path to memory, so a
 * debugger that reads the same VAs sees exactly what the engine saw.
 *
 * Locking: a submission holds its file's VM lock, and the kernel VM's if it
 * has an IB (both through one drm_exec), for as long as it runs;
 * submissions with an IB also hold &simgpu_device.engine_lock around all of
 * it, so the packet at the read pointer is always theirs.  Userptr memory
 * that needs a page fault makes the engine drop the VM locks, fault the
 * pages in and resume where it stopped (see simgpu_vm_access_locked()).
 *
 * GPU page faults (an unmapped VA, a write to a read-only mapping, userptr
 * memory that is not there) stop the submission with -EFAULT and leave a
 * &struct drm_simgpu_fault in the file's fault records
 * (%DRM_IOCTL_SIMGPU_FAULTS, counted in fdinfo as ``simgpu-faults``).
 */

#include <linux/device.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <drm/drm_drv.h>
#include <drm/drm_exec.h>
#include <drm/drm_file.h>
#include <drm/drm_managed.h>

#include "simgpu_drv.h"
#include "simgpu_engine.h"
#include "simgpu_gem.h"
#include "simgpu_mmu.h"
#include "simgpu_snoop.h"

#define SIMGPU_PACKET_SIZE	sizeof(struct drm_simgpu_ring_packet)
#define SIMGPU_RING_SLOTS	(SIMGPU_RING_PACKETS_SIZE / SIMGPU_PACKET_SIZE)

/* Userptr fault-in rounds before a submission gives up with a fault. */
#define SIMGPU_FAULT_IN_RETRIES	16

static_assert(sizeof(struct drm_simgpu_cmd) == 32);
static_assert(sizeof(struct drm_simgpu_ring_packet) == 64);
static_assert(sizeof(struct drm_simgpu_fault) == 32);

/**
 * struct simgpu_job - a submission in progress
 *
 * The position of the engine is kept here, so that a submission can drop
 * its locks (to fault in userptr pages) and resume exactly where it was.
 */
struct simgpu_job {
	/** @sdev: the device. */
	struct simgpu_device *sdev;

	/** @sfile: the submitting file. */
	struct simgpu_file *sfile;

	/** @client_id: its drm-client-id. */
	u64 client_id;

	/** @cmds: the submitted commands. */
	struct drm_simgpu_cmd *cmds;

	/** @count: number of @cmds. */
	u32 count;

	/** @idx: the command being executed. */
	u32 idx;

	/** @progress: bytes of the current FILL/COPY already done. */
	u64 progress;

	/** @in_ib: the IB of @cmds[@idx] is being executed. */
	bool in_ib;

	/** @ib_va: its VA (linear), as the engine read it from the ring. */
	u64 ib_va;

	/** @ib_size: its size, as read from the ring. */
	u64 ib_size;

	/** @ib_pos: offset of the IB command being executed. */
	u64 ib_pos;

	/** @ib_cmd: the IB command being executed, fetched from memory. */
	struct drm_simgpu_cmd ib_cmd;

	/** @ib_cmd_valid: @ib_cmd has been fetched and checked. */
	bool ib_cmd_valid;

	/** @seqno: seqno of the current (or last) ring packet, 0 if none. */
	u64 seqno;

	/** @slot: ring slot of the current packet. */
	u64 slot;

	/** @bounce: PAGE_SIZE bytes for FILL and COPY. */
	void *bounce;

	/** @acc: where the last failed access stopped. */
	struct simgpu_access acc;

	/** @acc_write: the last failed access was a write. */
	bool acc_write;

	/** @acc_op: op of the command that made it. */
	u32 acc_op;
};

static u64 simgpu_lin(u64 va)
{
	u64 out = 0;

	/* Only called on VAs that simgpu_cmd_check() accepted. */
	WARN_ON_ONCE(!simgpu_va_from_user(va, &out));
	return out;
}

/* A GPU range [va, va + size) given by a command: valid and not wrapping. */
static bool simgpu_cmd_range(u64 va, u64 size, u64 *out)
{
	return simgpu_va_from_user(va, out) && size <= SIMGPU_VA_END - *out;
}

/*
 * simgpu_cmd_check() - is a command well formed?  (See DOC: Engine
 * commands in simgpu_drm.h.)  @in_ib: it was fetched from an IB.
 */
static int simgpu_cmd_check(const struct drm_simgpu_cmd *c, bool in_ib)
{
	u64 a, b;

	if (c->flags)
		return -EINVAL;

	switch (c->op) {
	case SIMGPU_CMD_NOP:
		return c->arg0 || c->arg1 || c->arg2 ? -EINVAL : 0;
	case SIMGPU_CMD_FILL:
		if (!simgpu_cmd_range(c->arg0, c->arg1, &a) || a % 4 ||
		    c->arg1 % 4 || c->arg2 >> 32)
			return -EINVAL;
		return 0;
	case SIMGPU_CMD_COPY:
		if (!simgpu_cmd_range(c->arg0, c->arg2, &a) ||
		    !simgpu_cmd_range(c->arg1, c->arg2, &b))
			return -EINVAL;
		/* Overlapping ranges are a malformed command. */
		if (c->arg2 && a < b + c->arg2 && b < a + c->arg2)
			return -EINVAL;
		return 0;
	case SIMGPU_CMD_WRITE32:
		if (!simgpu_cmd_range(c->arg0, 4, &a) || a % 4 ||
		    c->arg1 >> 32 || c->arg2)
			return -EINVAL;
		return 0;
	case SIMGPU_CMD_IB:
		if (in_ib || !simgpu_cmd_range(c->arg0, c->arg1, &a) ||
		    a % 8 || !c->arg1 || c->arg1 % sizeof(*c) ||
		    c->arg1 > SIMGPU_IB_MAX_SIZE || c->arg2)
			return -EINVAL;
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * Faults
 */

static void simgpu_file_add_fault(struct simgpu_file *sfile,
				  const struct drm_simgpu_fault *f)
{
	unsigned int slot;

	spin_lock(&sfile->fault_lock);
	slot = (sfile->fault_first + sfile->fault_count) % SIMGPU_FAULTS_MAX;
	if (sfile->fault_count == SIMGPU_FAULTS_MAX)
		sfile->fault_first = (sfile->fault_first + 1) % SIMGPU_FAULTS_MAX;
	else
		sfile->fault_count++;
	sfile->faults[slot] = *f;
	sfile->fault_total++;
	spin_unlock(&sfile->fault_lock);
}

static void simgpu_job_fault(struct simgpu_job *job, u32 reason)
{
	struct drm_simgpu_fault f = {
		.va = simgpu_va_to_user(job->acc.va),
		.seqno = job->in_ib ? job->seqno : 0,
		.access = job->acc_write ? SIMGPU_ACCESS_WRITE :
					   SIMGPU_ACCESS_READ,
		.reason = reason,
		.op = job->acc_op,
	};

	simgpu_file_add_fault(job->sfile, &f);
	simgpu_snoop_event_fault(job->sfile->vm, job->acc.va, job->acc_write,
				 f.seqno);
}

/*
 * Memory access
 */

static int simgpu_job_access(struct simgpu_job *job, struct simgpu_vm *vm,
			     u64 va, void *buf, size_t len, bool write,
			     u32 op)
{
	int ret;

	ret = simgpu_vm_access_locked(vm, va, buf, len, write, &job->acc);
	if (ret == -EFAULT || ret == -EAGAIN) {
		job->acc_write = write;
		job->acc_op = op;
		if (ret == -EFAULT)
			simgpu_job_fault(job, job->acc.reason);
	}
	return ret;
}

/* The kernel VM maps the ring; failing to reach it is a driver bug. */
static int simgpu_ring_access(struct simgpu_job *job, u64 offset, void *buf,
			      size_t len, bool write)
{
	struct simgpu_device *sdev = job->sdev;
	struct simgpu_access acc;
	int ret;

	ret = simgpu_vm_access_locked(sdev->kernel_vm,
				      simgpu_lin(SIMGPU_KERNEL_RING_VA) + offset,
				      buf, len, write, &acc);
	if (drm_WARN_ON_ONCE(&sdev->drm, ret == -EFAULT || ret == -EAGAIN))
		return -EIO;
	return ret;
}

#define SIMGPU_RING_HDR(field) offsetof(struct drm_simgpu_ring_header, field)

static u64 simgpu_ring_slot_offset(u64 slot)
{
	return SIMGPU_RING_HEADER_SIZE + slot * SIMGPU_PACKET_SIZE;
}

/*
 * The kernel writes the packet of an IB command into the ring; the engine
 * then fetches the packet at the read pointer, which is this one (under
 * engine_lock), and takes the IB's address from it.
 */
static int simgpu_ring_emit_locked(struct simgpu_job *job,
				   const struct drm_simgpu_cmd *cmd)
{
	struct drm_simgpu_ring_packet pkt = {
		.type = cpu_to_le32(SIMGPU_PACKET_IB),
		.status = cpu_to_le32(SIMGPU_PACKET_PENDING),
		.client_id = cpu_to_le64(job->client_id),
		.ib_va = cpu_to_le64(simgpu_va_to_user(simgpu_lin(cmd->arg0))),
		.ib_size = cpu_to_le64(cmd->arg1),
	};
	__le64 wptr, rptr;
	u64 va;
	int ret;

	lockdep_assert_held(&job->sdev->engine_lock);

	/* Kernel side: write the packet, then publish it. */
	ret = simgpu_ring_access(job, SIMGPU_RING_HDR(wptr), &wptr,
				 sizeof(wptr), false);
	if (ret)
		return ret;
	pkt.seqno = cpu_to_le64(++job->sdev->seqno);
	ret = simgpu_ring_access(job, simgpu_ring_slot_offset(le64_to_cpu(wptr) %
							      SIMGPU_RING_SLOTS),
				 &pkt, sizeof(pkt), true);
	if (ret)
		return ret;
	wptr = cpu_to_le64(le64_to_cpu(wptr) + 1);
	ret = simgpu_ring_access(job, SIMGPU_RING_HDR(wptr), &wptr,
				 sizeof(wptr), true);
	if (ret)
		return ret;

	/* Engine side: fetch the packet at the read pointer. */
	ret = simgpu_ring_access(job, SIMGPU_RING_HDR(rptr), &rptr,
				 sizeof(rptr), false);
	if (ret)
		return ret;
	job->slot = le64_to_cpu(rptr) % SIMGPU_RING_SLOTS;
	memset(&pkt, 0, sizeof(pkt));
	ret = simgpu_ring_access(job, simgpu_ring_slot_offset(job->slot), &pkt,
				 sizeof(pkt), false);
	if (ret)
		return ret;

	job->seqno = le64_to_cpu(pkt.seqno);
	job->ib_size = le64_to_cpu(pkt.ib_size);
	/*
	 * A privileged debugger may have written the ring: what the engine
	 * fetched must still make sense.
	 */
	if (le32_to_cpu(pkt.type) != SIMGPU_PACKET_IB ||
	    !simgpu_cmd_range(le64_to_cpu(pkt.ib_va), job->ib_size, &va) ||
	    !job->ib_size || job->ib_size % sizeof(struct drm_simgpu_cmd) ||
	    job->ib_size > SIMGPU_IB_MAX_SIZE)
		return -EINVAL;
	job->ib_va = va;
	simgpu_snoop_event_submit(job->sfile->vm, va, job->ib_size, job->seqno);
	return 0;
}

/* The engine marks the packet it executed and advances the read pointer. */
static int simgpu_ring_retire_locked(struct simgpu_job *job, u32 status)
{
	__le32 st = cpu_to_le32(status);
	__le64 rptr, seqno = cpu_to_le64(job->seqno);
	int ret;

	ret = simgpu_ring_access(job, simgpu_ring_slot_offset(job->slot) +
				 offsetof(struct drm_simgpu_ring_packet, status),
				 &st, sizeof(st), true);
	if (ret)
		return ret;
	ret = simgpu_ring_access(job, SIMGPU_RING_HDR(rptr), &rptr,
				 sizeof(rptr), false);
	if (ret)
		return ret;
	rptr = cpu_to_le64(le64_to_cpu(rptr) + 1);
	ret = simgpu_ring_access(job, SIMGPU_RING_HDR(rptr), &rptr,
				 sizeof(rptr), true);
	if (ret)
		return ret;
	return simgpu_ring_access(job, SIMGPU_RING_HDR(last_seqno), &seqno,
				 sizeof(seqno), true);
}

/*
 * Execution
 */

/*
 * Between two pages of a long command: let others run, and give up if the
 * submitter is being killed (a FILL of a huge sparse range is the GPU hang
 * of this engine; it is only killable).
 */
static int simgpu_job_yield(void)
{
	if (fatal_signal_pending(current))
		return -EINTR;
	cond_resched();
	return 0;
}

static int simgpu_exec_locked(struct simgpu_job *job,
			      const struct drm_simgpu_cmd *cmd)
{
	struct simgpu_vm *vm = job->sfile->vm;
	size_t n;
	int ret;

	switch (cmd->op) {
	case SIMGPU_CMD_NOP:
		return 0;

	case SIMGPU_CMD_WRITE32: {
		__le32 v = cpu_to_le32(cmd->arg1);

		return simgpu_job_access(job, vm, simgpu_lin(cmd->arg0), &v,
					 sizeof(v), true, cmd->op);
	}

	case SIMGPU_CMD_FILL: {
		u64 va = simgpu_lin(cmd->arg0);

		memset32(job->bounce, (__force u32)cpu_to_le32(cmd->arg2),
			 PAGE_SIZE / 4);
		while (job->progress < cmd->arg1) {
			n = min_t(u64, cmd->arg1 - job->progress, PAGE_SIZE);
			ret = simgpu_job_access(job, vm, va + job->progress,
						job->bounce, n, true, cmd->op);
			if (ret)
				return ret;
			job->progress += n;
			ret = simgpu_job_yield();
			if (ret)
				return ret;
		}
		return 0;
	}

	case SIMGPU_CMD_COPY: {
		u64 src = simgpu_lin(cmd->arg0), dst = simgpu_lin(cmd->arg1);

		while (job->progress < cmd->arg2) {
			n = min_t(u64, cmd->arg2 - job->progress, PAGE_SIZE);
			ret = simgpu_job_access(job, vm, src + job->progress,
						job->bounce, n, false, cmd->op);
			if (ret)
				return ret;
			ret = simgpu_job_access(job, vm, dst + job->progress,
						job->bounce, n, true, cmd->op);
			if (ret)
				return ret;
			job->progress += n;
			ret = simgpu_job_yield();
			if (ret)
				return ret;
		}
		return 0;
	}
	}

	drm_WARN_ON_ONCE(&job->sdev->drm, 1);
	return -EINVAL;
}

static int simgpu_exec_ib_locked(struct simgpu_job *job,
				 const struct drm_simgpu_cmd *cmd)
{
	struct drm_simgpu_cmd *c = &job->ib_cmd;
	int ret;

	if (!job->in_ib) {
		ret = simgpu_ring_emit_locked(job, cmd);
		if (ret)
			return ret;
		job->in_ib = true;
		job->ib_pos = 0;
		job->ib_cmd_valid = false;
	}

	while (job->ib_pos < job->ib_size) {
		if (!job->ib_cmd_valid) {
			ret = simgpu_job_access(job, job->sfile->vm,
						job->ib_va + job->ib_pos, c,
						sizeof(*c), false,
						SIMGPU_CMD_IB);
			if (ret)
				goto out;
			/* In memory, commands are little endian. */
			c->op = le32_to_cpu((__force __le32)c->op);
			c->flags = le32_to_cpu((__force __le32)c->flags);
			c->arg0 = le64_to_cpu((__force __le64)c->arg0);
			c->arg1 = le64_to_cpu((__force __le64)c->arg1);
			c->arg2 = le64_to_cpu((__force __le64)c->arg2);
			ret = simgpu_cmd_check(c, true);
			if (ret)
				goto out;
			job->ib_cmd_valid = true;
			job->progress = 0;
		}

		ret = simgpu_exec_locked(job, c);
		if (ret)
			goto out;
		job->ib_pos += sizeof(*c);
		job->ib_cmd_valid = false;
		ret = simgpu_job_yield();
		if (ret)
			goto out;
	}
	ret = 0;

out:
	/* -EAGAIN: resume after the fault-in, the packet still pending. */
	if (ret != -EAGAIN) {
		int ret2 = simgpu_ring_retire_locked(job,
						     !ret ? SIMGPU_PACKET_DONE :
						     ret == -EFAULT ?
						     SIMGPU_PACKET_FAULT :
						     SIMGPU_PACKET_ERROR);
		job->in_ib = false;
		if (!ret)
			ret = ret2;
	}
	return ret;
}

static int simgpu_job_run_locked(struct simgpu_job *job)
{
	int ret;

	while (job->idx < job->count) {
		const struct drm_simgpu_cmd *cmd = &job->cmds[job->idx];

		if (cmd->op == SIMGPU_CMD_IB)
			ret = simgpu_exec_ib_locked(job, cmd);
		else
			ret = simgpu_exec_locked(job, cmd);
		if (ret)
			return ret;
		job->idx++;
		job->progress = 0;
	}
	return 0;
}

/* Abandon an IB whose userptr memory could not be faulted in. */
static int simgpu_job_abort_locked(struct simgpu_job *job)
{
	int ret = 0;

	if (job->in_ib) {
		ret = simgpu_ring_retire_locked(job, SIMGPU_PACKET_FAULT);
		job->in_ib = false;
	}
	return ret;
}

/* Lock the VMs (all or nothing) and run, or abort, the job. */
static int simgpu_job_lock_and_run(struct simgpu_job *job, bool has_ib,
				   bool abort)
{
	struct drm_gem_object *kobj =
		drm_gpuvm_resv_obj(&job->sdev->kernel_vm->base);
	struct drm_gem_object *obj = drm_gpuvm_resv_obj(&job->sfile->vm->base);
	struct drm_exec exec;
	int ret = 0;

	drm_exec_init(&exec, DRM_EXEC_INTERRUPTIBLE_WAIT, 2);
	drm_exec_until_all_locked(&exec) {
		ret = drm_exec_lock_obj(&exec, obj);
		drm_exec_retry_on_contention(&exec);
		if (ret)
			break;
		if (has_ib) {
			ret = drm_exec_lock_obj(&exec, kobj);
			drm_exec_retry_on_contention(&exec);
			if (ret)
				break;
		}
	}
	if (!ret)
		ret = abort ? simgpu_job_abort_locked(job) :
			      simgpu_job_run_locked(job);
	drm_exec_fini(&exec);
	return ret;
}

static int simgpu_job_run(struct simgpu_job *job, bool has_ib)
{
	unsigned int rounds = 0;
	int ret;

	for (;;) {
		size_t left;

		ret = simgpu_job_lock_and_run(job, has_ib, false);
		if (ret != -EAGAIN)
			return ret;

		/* Userptr memory: fault it in with no VM lock held. */
		if (job->acc_write)
			left = fault_in_writeable((char __user *)job->acc.uaddr,
						  job->acc.ulen);
		else
			left = fault_in_readable((char __user *)job->acc.uaddr,
						 job->acc.ulen);
		if (left == job->acc.ulen || ++rounds > SIMGPU_FAULT_IN_RETRIES) {
			simgpu_job_fault(job, SIMGPU_FAULT_USERPTR);
			ret = simgpu_job_lock_and_run(job, has_ib, true);
			return ret ? ret : -EFAULT;
		}
		if (fatal_signal_pending(current))
			return -EINTR;
	}
}

static int simgpu_submit_copy_cmds(struct drm_simgpu_submit *args,
				   struct drm_simgpu_cmd *cmds)
{
	u32 i;
	int ret;

	for (i = 0; i < args->count; i++) {
		ret = copy_struct_from_user(&cmds[i], sizeof(cmds[i]),
					    u64_to_user_ptr(args->cmds +
							    (u64)i * args->stride),
					    args->stride);
		if (ret == -E2BIG)
			ret = -EINVAL;
		if (!ret)
			ret = simgpu_cmd_check(&cmds[i], false);
		if (ret) {
			args->done = i;
			return ret;
		}
	}
	return 0;
}

/**
 * simgpu_ioctl_submit() - %DRM_IOCTL_SIMGPU_SUBMIT
 * @dev: the DRM device
 * @data: &struct drm_simgpu_submit
 * @file: the DRM file
 *
 * See &struct drm_simgpu_submit and DOC: Engine.
 *
 * Return: 0 or a negative errno.
 */
int simgpu_ioctl_submit(struct drm_device *dev, void *data,
			struct drm_file *file)
{
	struct drm_simgpu_submit *args = data;
	struct simgpu_device *sdev = to_simgpu_device(dev);
	struct simgpu_file *sfile = to_simgpu_file(file);
	struct simgpu_job job = {
		.sdev = sdev,
		.sfile = sfile,
		.client_id = file->client_id,
	};
	bool has_ib = false;
	ktime_t start;
	u32 i;
	int ret, idx;

	args->done = 0;
	args->seqno = 0;
	if (args->flags || !args->count ||
	    args->count > SIMGPU_SUBMIT_MAX_CMDS ||
	    args->stride < sizeof(struct drm_simgpu_cmd))
		return -EINVAL;

	if (!drm_dev_enter(dev, &idx))
		return -ENODEV;

	job.cmds = kvmalloc_array(args->count, sizeof(*job.cmds), GFP_KERNEL);
	job.bounce = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!job.cmds || !job.bounce) {
		ret = -ENOMEM;
		goto out_free;
	}
	job.count = args->count;

	ret = simgpu_submit_copy_cmds(args, job.cmds);
	if (ret)
		goto out_free;
	for (i = 0; i < job.count; i++)
		has_ib |= job.cmds[i].op == SIMGPU_CMD_IB;

	if (has_ib) {
		ret = mutex_lock_interruptible(&sdev->engine_lock);
		if (ret)
			goto out_free;
	}

	start = ktime_get();
	ret = simgpu_job_run(&job, has_ib);
	atomic64_add(ktime_to_ns(ktime_sub(ktime_get(), start)),
		     &sfile->engine_ns);
	atomic64_inc(&sfile->submits);

	if (has_ib)
		mutex_unlock(&sdev->engine_lock);

	args->done = job.idx;
	args->seqno = job.seqno;

out_free:
	kfree(job.bounce);
	kvfree(job.cmds);
	drm_dev_exit(idx);
	return ret;
}

/**
 * simgpu_ioctl_faults() - %DRM_IOCTL_SIMGPU_FAULTS
 * @dev: the DRM device
 * @data: &struct drm_simgpu_faults
 * @file: the DRM file
 *
 * See &struct drm_simgpu_faults.
 *
 * Return: 0 or a negative errno.
 */
int simgpu_ioctl_faults(struct drm_device *dev, void *data,
			struct drm_file *file)
{
	struct drm_simgpu_faults *args = data;
	struct simgpu_file *sfile = to_simgpu_file(file);
	struct drm_simgpu_fault *recs;
	unsigned int n, i;
	size_t len;
	int ret = 0;

	if (args->flags & ~SIMGPU_FAULTS_CLEAR || args->pad ||
	    (args->faults && args->stride < sizeof(*recs)))
		return -EINVAL;

	recs = kcalloc(SIMGPU_FAULTS_MAX, sizeof(*recs), GFP_KERNEL);
	if (!recs)
		return -ENOMEM;

	spin_lock(&sfile->fault_lock);
	n = sfile->fault_count;
	if (args->faults)
		n = min(n, args->count);
	for (i = 0; i < n; i++)
		recs[i] = sfile->faults[(sfile->fault_first + i) %
					SIMGPU_FAULTS_MAX];
	if (args->faults && (args->flags & SIMGPU_FAULTS_CLEAR)) {
		sfile->fault_first = (sfile->fault_first + n) %
				     SIMGPU_FAULTS_MAX;
		sfile->fault_count -= n;
	}
	args->total = sfile->fault_total;
	spin_unlock(&sfile->fault_lock);

	args->count = n;
	len = min_t(size_t, args->stride, sizeof(*recs));
	for (i = 0; args->faults && i < n; i++) {
		void __user *to = u64_to_user_ptr(args->faults +
						  (u64)i * args->stride);

		if (copy_to_user(to, &recs[i], len) ||
		    clear_user(to + len, args->stride - len)) {
			ret = -EFAULT;
			break;
		}
	}
	kfree(recs);
	return ret;
}

/*
 * The kernel ring
 */

/*
 * A devm action, not a drmm one: the kernel VM holds a reference on the
 * DRM device (drm_gpuvm_init() takes one), so the DRM device is released
 * only after this ran; as a drmm action it never ran and every unbind leaked
 * the DRM device, its minors and the TTM device.  At unbind it runs after
 * simgpu_pci_remove() unplugged the device, so no ioctl is left using the
 * ring.
 */
static void simgpu_ring_fini(void *arg)
{
	struct simgpu_device *sdev = arg;

	simgpu_vm_close(sdev->kernel_vm);
	simgpu_bo_put(sdev->ring_bo);
	simgpu_vm_put(sdev->kernel_vm);
	sdev->ring_bo = NULL;
	sdev->kernel_vm = NULL;
}

/**
 * simgpu_ring_init() - create the kernel VM and the kernel ring
 * @sdev: the device, its TTM device up
 *
 * The ring is a buffer pinned in VRAM, mapped at %SIMGPU_KERNEL_RING_VA of
 * the kernel VM, and starts with its header (see DOC: Kernel ring).  Both
 * go away when the device is unbound (a devm action).
 *
 * Return: 0 or a negative errno.
 */
int simgpu_ring_init(struct simgpu_device *sdev)
{
	struct drm_simgpu_ring_header hdr = {
		.magic = cpu_to_le32(SIMGPU_RING_MAGIC),
		.version = cpu_to_le32(1),
		.header_size = cpu_to_le32(SIMGPU_RING_HEADER_SIZE),
		.packet_size = cpu_to_le32(SIMGPU_PACKET_SIZE),
		.size = cpu_to_le64(SIMGPU_RING_PACKETS_SIZE),
	};
	struct simgpu_access acc;
	struct simgpu_vm *kvm;
	struct simgpu_bo *bo;
	int ret;

	mutex_init(&sdev->engine_lock);

	kvm = simgpu_vm_create(sdev, true, 0);
	if (IS_ERR(kvm))
		return PTR_ERR(kvm);

	bo = simgpu_bo_create(sdev, kvm, SIMGPU_RING_SIZE, SIMGPU_PLACEMENT_VRAM,
			      SIMGPU_BO_PINNED);
	if (IS_ERR(bo)) {
		ret = PTR_ERR(bo);
		goto err_put_vm;
	}

	ret = simgpu_vm_bind(kvm, simgpu_lin(SIMGPU_KERNEL_RING_VA),
			     SIMGPU_RING_SIZE, &bo->tbo.base, 0, 0, NULL,
			     SIMGPU_VMA_KERNEL);
	if (ret)
		goto err_put_bo;

	dma_resv_lock(simgpu_vm_resv(kvm), NULL);
	ret = simgpu_vm_access_locked(kvm, simgpu_lin(SIMGPU_KERNEL_RING_VA),
				      &hdr, sizeof(hdr), true, &acc);
	dma_resv_unlock(simgpu_vm_resv(kvm));
	if (ret)
		goto err_close;

	sdev->kernel_vm = kvm;
	sdev->ring_bo = bo;
	return devm_add_action_or_reset(sdev->drm.dev, simgpu_ring_fini, sdev);

err_close:
	simgpu_vm_close(kvm);
err_put_bo:
	simgpu_bo_put(bo);
err_put_vm:
	simgpu_vm_put(kvm);
	return ret;
}
