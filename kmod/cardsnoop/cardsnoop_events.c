// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The cardsnoop authors
 */

/**
 * DOC: Change events
 *
 * Each attached file has a bounded queue of &struct cardsnoop_event
 * records, allocated at ATTACH (module parameter ``events_max``), that
 * %CARDSNOOP_IOCTL_EVENTS drains and poll(2) waits on.  Drivers report
 * changes with the cardsnoop_event_*() calls, static-key no-ops while
 * nothing is attached; the core adds the records it knows of itself:
 * the existing mappings replayed as BIND records at ATTACH, TARGET_EXIT when
 * the process owning the DRM file has exited (noticed by poll and EVENTS,
 * which also wait on the owner's pid), DEVICE_GONE at unregister.
 *
 * Queueing never blocks and never allocates: when the queue is full the
 * oldest record is dropped, and the reader gets an OVERFLOW record with the
 * number and sequence numbers of what was dropped before the records that
 * follow.  The queue lock is a spinlock, innermost.
 */

#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "cardsnoop_internal.h"

unsigned int cardsnoop_events_max = 16384;
module_param_named(events_max, cardsnoop_events_max, uint, 0644);
MODULE_PARM_DESC(events_max,
		 "Change events queued per attached file (default 16384)");

/* Set up the queue of a file being attached; no lock held. */
int cardsnoop_events_init(struct cardsnoop_file *cf)
{
	unsigned int max = clamp(READ_ONCE(cardsnoop_events_max), 16u, 1u << 22);

	cf->ev_ring = kvcalloc(max, sizeof(*cf->ev_ring), GFP_KERNEL);
	if (!cf->ev_ring)
		return -ENOMEM;
	cf->ev_cap = max;
	return 0;
}

void cardsnoop_events_fini(struct cardsnoop_file *cf)
{
	kvfree(cf->ev_ring);
	cf->ev_ring = NULL;
}

/* Queue @ev on @cf, dropping the oldest record if full.  ev_lock held. */
static void cardsnoop_event_push_locked(struct cardsnoop_file *cf,
					const struct cardsnoop_event *ev)
{
	struct cardsnoop_event *slot;

	lockdep_assert_held(&cf->ev_lock);
	if (!cf->ev_ring)
		return;

	if (cf->ev_count == cf->ev_cap) {
		u64 lost = cf->ev_ring[cf->ev_head].seqno;

		if (!cf->ev_dropped)
			cf->ev_dropped_first = lost;
		cf->ev_dropped_last = lost;
		cf->ev_dropped++;
		cf->ev_head = (cf->ev_head + 1) % cf->ev_cap;
		cf->ev_count--;
	}
	slot = &cf->ev_ring[(cf->ev_head + cf->ev_count) % cf->ev_cap];
	*slot = *ev;
	slot->seqno = ++cf->ev_seqno;
	slot->timestamp_ns = ktime_get_ns();
	cf->ev_count++;
}

/* Queue @ev on @cf and wake its readers. */
void cardsnoop_event_push(struct cardsnoop_file *cf,
			  const struct cardsnoop_event *ev)
{
	spin_lock(&cf->ev_lock);
	cardsnoop_event_push_locked(cf, ev);
	spin_unlock(&cf->ev_lock);
	/* The barrier in wq_has_sleeper() pairs with the one in the waiters. */
	if (wq_has_sleeper(&cf->ev_wq))
		wake_up_interruptible_poll(&cf->ev_wq, EPOLLIN | EPOLLPRI);
}

/* Queue @ev on every file attached to @vm. */
static void cardsnoop_event_broadcast(struct cardsnoop_vm *vm,
				      const struct cardsnoop_event *ev)
{
	struct cardsnoop_file *cf;

	if (!vm->cdev)
		return;
	down_read(&vm->lock);
	list_for_each_entry(cf, &vm->attachments, vm_link)
		cardsnoop_event_push(cf, ev);
	up_read(&vm->lock);
}

/* The BIND record of mapping @m, live (@flags 0) or replayed. */
static struct cardsnoop_event
cardsnoop_bind_event(const struct cardsnoop_mapping *m, u32 flags)
{
	return (struct cardsnoop_event){
		.type = CARDSNOOP_EVENT_BIND, .flags = flags,
		.va = m->va, .size = m->size, .bo_id = m->bo_id,
		.data = m->bo_offset, .placement = m->placement,
		.kind = m->kind, .arg = m->perms,
	};
}

/**
 * __cardsnoop_event_bind() - slow path of cardsnoop_event_bind()
 * @vm: the VM
 * @m: the new mapping
 *
 * Context: process context, the VM lock held.
 */
void __cardsnoop_event_bind(struct cardsnoop_vm *vm,
			    const struct cardsnoop_mapping *m)
{
	struct cardsnoop_event ev = cardsnoop_bind_event(m, 0);

	cardsnoop_event_broadcast(vm, &ev);
}
EXPORT_SYMBOL_GPL(__cardsnoop_event_bind);

/**
 * __cardsnoop_event_unbind() - slow path of cardsnoop_event_unbind()
 * @vm: the VM
 * @va: first VA
 * @size: bytes
 * @bo_id: the buffer that was mapped, 0 if none
 *
 * Context: process context, the VM lock held.
 */
void __cardsnoop_event_unbind(struct cardsnoop_vm *vm, u64 va, u64 size,
			      u64 bo_id)
{
	struct cardsnoop_event ev = {
		.type = CARDSNOOP_EVENT_UNBIND, .va = va, .size = size,
		.bo_id = bo_id,
	};

	cardsnoop_event_broadcast(vm, &ev);
}
EXPORT_SYMBOL_GPL(__cardsnoop_event_unbind);

/**
 * __cardsnoop_event_move() - slow path of cardsnoop_event_move()
 * @vm: the VM
 * @va: first VA of the mapping
 * @size: its size
 * @bo_id: the buffer
 * @placement: where it is now
 * @evict: EVICT rather than MIGRATE
 *
 * Context: process context, the VM lock held.
 */
void __cardsnoop_event_move(struct cardsnoop_vm *vm, u64 va, u64 size,
			    u64 bo_id, u32 placement, bool evict)
{
	struct cardsnoop_event ev = {
		.type = evict ? CARDSNOOP_EVENT_EVICT : CARDSNOOP_EVENT_MIGRATE,
		.va = va, .size = size, .bo_id = bo_id,
		.placement = placement,
	};

	cardsnoop_event_broadcast(vm, &ev);
}
EXPORT_SYMBOL_GPL(__cardsnoop_event_move);

/**
 * __cardsnoop_event_submit() - slow path of cardsnoop_event_submit()
 * @vm: the VM
 * @engine: the engine
 * @ib_va: VA of the command buffer
 * @ib_size: its size
 * @seqno: the submission's sequence number
 *
 * Context: process context.
 */
void __cardsnoop_event_submit(struct cardsnoop_vm *vm, u32 engine, u64 ib_va,
			      u64 ib_size, u64 seqno)
{
	struct cardsnoop_event ev = {
		.type = CARDSNOOP_EVENT_SUBMIT, .va = ib_va, .size = ib_size,
		.data = seqno, .arg = engine,
	};

	cardsnoop_event_broadcast(vm, &ev);
}
EXPORT_SYMBOL_GPL(__cardsnoop_event_submit);

/**
 * __cardsnoop_event_fault() - slow path of cardsnoop_event_fault()
 * @vm: the VM
 * @va: the faulting VA
 * @access: %CARDSNOOP_ACCESS_*
 * @seqno: the faulting submission's sequence number, or 0
 *
 * Context: process context.
 */
void __cardsnoop_event_fault(struct cardsnoop_vm *vm, u64 va, u32 access,
			     u64 seqno)
{
	struct cardsnoop_event ev = {
		.type = CARDSNOOP_EVENT_FAULT, .va = va, .data = seqno,
		.arg = access,
	};

	cardsnoop_event_broadcast(vm, &ev);
}
EXPORT_SYMBOL_GPL(__cardsnoop_event_fault);

static int cardsnoop_replay_fn(void *arg, const struct cardsnoop_mapping *m)
{
	struct cardsnoop_file *cf = arg;
	struct cardsnoop_event ev = cardsnoop_bind_event(m,
							 CARDSNOOP_EVENT_REPLAY);

	spin_lock(&cf->ev_lock);
	cardsnoop_event_push_locked(cf, &ev);
	spin_unlock(&cf->ev_lock);
	return 0;
}

/*
 * Replay the existing mappings as BIND records.  Called by ATTACH with the
 * VM lock held, right after the file joined the VM's attachments under the
 * same hold: drivers report changes under the VM lock, so no live record
 * can come before the replay or be missed.
 */
void cardsnoop_events_replay_locked(struct cardsnoop_file *cf,
				    struct cardsnoop_vm *vm)
{
	cf->cdev->ops->iterate(vm, 0, cardsnoop_replay_fn, cf);
}

/* Has the process that owned the DRM file exited?  As pidfd_poll() says. */
static bool cardsnoop_owner_exited(struct pid *pid)
{
	struct task_struct *task;
	bool exited;

	rcu_read_lock();
	task = pid_task(pid, PIDTYPE_PID);
	exited = !task || (task->exit_state && !delay_group_leader(task));
	rcu_read_unlock();
	return exited;
}

/*
 * Queue TARGET_EXIT once the owner is gone.  Return: %EPOLLHUP if the owner
 * or the device is gone, else 0.
 */
static __poll_t cardsnoop_events_check_gone(struct cardsnoop_file *cf)
{
	struct cardsnoop_event ev = { .type = CARDSNOOP_EVENT_TARGET_EXIT };
	__poll_t hup = 0;

	if (READ_ONCE(cf->detached))
		hup = EPOLLHUP;
	if (cf->owner && cardsnoop_owner_exited(cf->owner)) {
		hup = EPOLLHUP;
		spin_lock(&cf->ev_lock);
		if (!cf->ev_exit_reported) {
			cf->ev_exit_reported = true;
			cardsnoop_event_push_locked(cf, &ev);
		}
		spin_unlock(&cf->ev_lock);
	}
	return hup;
}

/* At unregister: queue DEVICE_GONE and wake everyone. */
void cardsnoop_events_device_gone(struct cardsnoop_file *cf)
{
	struct cardsnoop_event ev = { .type = CARDSNOOP_EVENT_DEVICE_GONE };

	cardsnoop_event_push(cf, &ev);
	wake_up_interruptible_poll(&cf->ev_wq, EPOLLHUP);
}

/**
 * cardsnoop_events_poll() - poll(2) of a snoop file
 * @cf: the file
 * @filp: its struct file
 * @wait: the poll table
 *
 * Return: %EPOLLIN | %EPOLLPRI with records queued, %EPOLLHUP once the
 * target or the device is gone, %EPOLLERR if never attached.
 */
__poll_t cardsnoop_events_poll(struct cardsnoop_file *cf, struct file *filp,
			       poll_table *wait)
{
	__poll_t mask;

	/* Pairs with smp_store_release() in cardsnoop_ioctl_attach(). */
	if (!smp_load_acquire(&cf->attached))
		return EPOLLERR;

	poll_wait(filp, &cf->ev_wq, wait);
	if (cf->owner)
		poll_wait(filp, &cf->owner->wait_pidfd, wait);

	mask = cardsnoop_events_check_gone(cf);
	if (READ_ONCE(cf->ev_count) || READ_ONCE(cf->ev_dropped))
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLPRI;
	return mask;
}

static bool cardsnoop_events_ready(struct cardsnoop_file *cf)
{
	return READ_ONCE(cf->ev_count) || READ_ONCE(cf->ev_dropped) ||
	       cardsnoop_events_check_gone(cf);
}

/*
 * Sleep until a record is queued or the target or the device is gone: on
 * our queue's wait queue and on the owner's pid, which its exit wakes.
 */
static int cardsnoop_events_wait(struct cardsnoop_file *cf)
{
	DEFINE_WAIT(wait_ev);
	DEFINE_WAIT(wait_pid);
	int ret = 0;

	for (;;) {
		prepare_to_wait(&cf->ev_wq, &wait_ev, TASK_INTERRUPTIBLE);
		if (cf->owner)
			prepare_to_wait(&cf->owner->wait_pidfd, &wait_pid,
					TASK_INTERRUPTIBLE);
		if (cardsnoop_events_ready(cf))
			break;
		if (signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		schedule();
	}
	finish_wait(&cf->ev_wq, &wait_ev);
	if (cf->owner)
		finish_wait(&cf->owner->wait_pidfd, &wait_pid);
	return ret;
}

/* Take up to @max records (an OVERFLOW one first if records were lost). */
static unsigned int cardsnoop_events_take(struct cardsnoop_file *cf,
					  struct cardsnoop_event *out,
					  unsigned int max, u64 *pending)
{
	unsigned int n = 0;

	spin_lock(&cf->ev_lock);
	if (cf->ev_dropped && max) {
		out[n++] = (struct cardsnoop_event){
			.type = CARDSNOOP_EVENT_OVERFLOW,
			.seqno = cf->ev_dropped_first,
			.data = cf->ev_dropped_last,
			.size = cf->ev_dropped,
			.timestamp_ns = ktime_get_ns(),
		};
		cf->ev_dropped = 0;
	}
	while (n < max && cf->ev_count) {
		out[n++] = cf->ev_ring[cf->ev_head];
		cf->ev_head = (cf->ev_head + 1) % cf->ev_cap;
		cf->ev_count--;
	}
	*pending = cf->ev_count + (cf->ev_dropped ? 1 : 0);
	spin_unlock(&cf->ev_lock);
	return n;
}

#define CARDSNOOP_EVENTS_BATCH	64

/**
 * cardsnoop_ioctl_events() - %CARDSNOOP_IOCTL_EVENTS
 * @cf: the file
 * @data: &struct cardsnoop_events
 *
 * Return: 0 or a negative errno, see &struct cardsnoop_events.
 */
int cardsnoop_ioctl_events(struct cardsnoop_file *cf, void *data)
{
	struct cardsnoop_events *args = data;
	struct cardsnoop_event *batch;
	unsigned int done = 0, n, i;
	u64 pending = 0;
	int ret = 0;

	if (args->flags & ~CARDSNOOP_EVENTS_WAIT || args->pad)
		return -EINVAL;
	if (!args->count || args->stride < sizeof(struct cardsnoop_event))
		return -EINVAL;
	/* Pairs with smp_store_release() in cardsnoop_ioctl_attach(). */
	if (!smp_load_acquire(&cf->attached))
		return -EBADFD;

	if (args->flags & CARDSNOOP_EVENTS_WAIT) {
		ret = cardsnoop_events_wait(cf);
		if (ret)
			return ret;
	}
	cardsnoop_events_check_gone(cf);

	batch = kmalloc_array(CARDSNOOP_EVENTS_BATCH, sizeof(*batch),
			      GFP_KERNEL);
	if (!batch)
		return -ENOMEM;

	while (done < args->count) {
		n = cardsnoop_events_take(cf, batch,
					  min_t(u32, args->count - done,
						CARDSNOOP_EVENTS_BATCH),
					  &pending);
		for (i = 0; i < n; i++, done++) {
			void __user *dst =
				u64_to_user_ptr(args->events_ptr +
						(u64)done * args->stride);

			/*
			 * Records already dequeued are lost on a fault: the
			 * caller passed a bad buffer, as with read(2).
			 */
			if (copy_to_user(dst, &batch[i], sizeof(batch[i])) ||
			    clear_user(dst + sizeof(batch[i]),
				       args->stride - sizeof(batch[i]))) {
				ret = -EFAULT;
				goto out;
			}
		}
		if (n < CARDSNOOP_EVENTS_BATCH)
			break;
	}
out:
	kfree(batch);
	args->count = done;
	args->pending = pending;
	return done ? 0 : ret;
}
