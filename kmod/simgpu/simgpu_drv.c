// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The cardsnoop authors
 */

/**
 * DOC: simgpu (simulated GPU)
 *
 * simgpu is a small but real DRM render driver without GPU hardware, the
 * reference driver of cardsnoop, in the spirit of vgem and vkms.  It has
 * buffers in system memory and in VRAM managed by TTM (simgpu_gem.c), a GPU
 * VM per open file on drm_gpuvm (simgpu_mmu.c), an engine that reads and
 * writes memory through a VM, fed directly or through a kernel ring
 * (simgpu_engine.c), and a cardsnoop backend (simgpu_snoop.c).
 *
 * Devices: one per QEMU ``ivshmem-plain`` PCI device (1af4:1110), whose
 * memory BAR is the VRAM (real iomem, visible on the host through the
 * device's backing file), plus ``virtual=N`` virtual devices whose VRAM is
 * ``vram_mb`` MiB of kernel memory, so that simgpu loads on any machine.
 * Only a render node is of use (DRM also creates the primary node).
 *
 * Unbinding a device (sysfs ``unbind``, hot-unplug) removes its cardsnoop
 * node, unplugs the DRM device (every ioctl then fails with -ENODEV) and
 * zaps the CPU mappings of its buffers, which then fault in TTM's dummy
 * page.  What the open files hold is freed when they close.
 */

#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <drm/drm_prime.h>

#include "simgpu_drv.h"
#include "simgpu_engine.h"
#include "simgpu_gem.h"
#include "simgpu_mmu.h"
#include "simgpu_snoop.h"

/* The memory BAR of ivshmem-plain. */
#define SIMGPU_VRAM_BAR		2
/* Most virtual devices. */
#define SIMGPU_MAX_VIRTUAL	8

static unsigned int simgpu_virtual;
module_param_named(virtual, simgpu_virtual, uint, 0444);
MODULE_PARM_DESC(virtual, "Number of virtual devices, with kernel memory as VRAM (default 0, at most 8)");

static unsigned int simgpu_vram_mb = 64;
module_param_named(vram_mb, simgpu_vram_mb, uint, 0444);
MODULE_PARM_DESC(vram_mb, "VRAM of each virtual device in MiB (default 64)");

/*
 * File operations and ioctls
 */

static int simgpu_open(struct drm_device *dev, struct drm_file *file)
{
	struct simgpu_device *sdev = to_simgpu_device(dev);
	struct simgpu_file *sfile;
	struct simgpu_vm *vm;

	sfile = kzalloc(sizeof(*sfile), GFP_KERNEL);
	if (!sfile)
		return -ENOMEM;

	vm = simgpu_vm_create(sdev, false, file->client_id);
	if (IS_ERR(vm)) {
		kfree(sfile);
		return PTR_ERR(vm);
	}
	simgpu_vm_snoop_init(vm);

	sfile->sdev = sdev;
	sfile->vm = vm;
	spin_lock_init(&sfile->fault_lock);
	file->driver_priv = sfile;
	return 0;
}

static void simgpu_postclose(struct drm_device *dev, struct drm_file *file)
{
	struct simgpu_file *sfile = to_simgpu_file(file);

	/* The handles are gone already; the mappings hold the rest. */
	simgpu_vm_close(sfile->vm);
	simgpu_vm_put(sfile->vm);
	kfree(sfile);
}

/**
 * simgpu_ioctl_info() - %DRM_IOCTL_SIMGPU_INFO
 * @dev: the DRM device
 * @data: &struct drm_simgpu_info
 * @file: the DRM file
 *
 * Return: 0, -EINVAL (nonzero pad) or -ENODEV.
 */
static int simgpu_ioctl_info(struct drm_device *dev, void *data,
			     struct drm_file *file)
{
	struct simgpu_device *sdev = to_simgpu_device(dev);
	struct drm_simgpu_info *args = data;
	int idx;

	if (args->pad)
		return -EINVAL;
	if (!drm_dev_enter(dev, &idx))
		return -ENODEV;

	args->vram_size = sdev->vram.size;
	args->va_start = SIMGPU_VA_START;
	args->va_end = SIMGPU_VA_END;
	args->ring_va = SIMGPU_KERNEL_RING_VA;
	args->ring_size = SIMGPU_RING_SIZE;
	args->client_id = file->client_id;
	args->va_bits = SIMGPU_VA_BITS;

	drm_dev_exit(idx);
	return 0;
}

static const struct drm_ioctl_desc simgpu_ioctls[] = {
#define SIMGPU_IOCTL(n, func) \
	DRM_IOCTL_DEF_DRV(SIMGPU_##n, simgpu_ioctl_##func, DRM_RENDER_ALLOW)

	SIMGPU_IOCTL(INFO, info),
	SIMGPU_IOCTL(BO_CREATE, bo_create),
	SIMGPU_IOCTL(BO_INFO, bo_info),
	SIMGPU_IOCTL(VM_BIND, vm_bind),
	SIMGPU_IOCTL(VM_UNBIND, vm_unbind),
	SIMGPU_IOCTL(BO_MIGRATE, bo_migrate),
	SIMGPU_IOCTL(SUBMIT, submit),
	SIMGPU_IOCTL(FAULTS, faults),
};

/*
 * fdinfo: the standard keys (drm_show_fdinfo() prints drm-driver,
 * drm-client-id and drm-pdev), memory per region, the engine time, and
 * simgpu's own counters.
 */
static void simgpu_show_fdinfo(struct drm_printer *p, struct drm_file *file)
{
	struct simgpu_file *sfile = to_simgpu_file(file);
	struct dma_resv *resv = simgpu_vm_resv(sfile->vm);
	struct drm_memory_stats stats[2] = { };
	struct drm_gem_object *obj;
	u64 faults;
	int id;

	/* The VM lock keeps every buffer of the file where it is. */
	if (!dma_resv_lock_interruptible(resv, NULL)) {
		spin_lock(&file->table_lock);
		idr_for_each_entry(&file->object_idr, obj, id) {
			struct simgpu_bo *bo = to_simgpu_bo(obj);
			struct drm_memory_stats *s =
				&stats[simgpu_bo_placement(bo) ==
				       SIMGPU_PLACEMENT_VRAM];

			if (drm_gem_object_is_shared_for_memory_stats(obj))
				s->shared += obj->size;
			else
				s->private += obj->size;
			if (simgpu_bo_is_resident(bo))
				s->resident += obj->size;
		}
		spin_unlock(&file->table_lock);
		dma_resv_unlock(resv);
	}
	drm_print_memory_stats(p, &stats[0], DRM_GEM_OBJECT_RESIDENT, "system");
	drm_print_memory_stats(p, &stats[1], DRM_GEM_OBJECT_RESIDENT, "vram");

	drm_printf(p, "drm-engine-render:\t%llu ns\n",
		   (u64)atomic64_read(&sfile->engine_ns));

	spin_lock(&sfile->fault_lock);
	faults = sfile->fault_total;
	spin_unlock(&sfile->fault_lock);
	drm_printf(p, "simgpu-submits:\t%llu\n",
		   (u64)atomic64_read(&sfile->submits));
	drm_printf(p, "simgpu-faults:\t%llu\n", faults);
}

/* DEFINE_DRM_GEM_FOPS(), plus fdinfo. */
static const struct file_operations simgpu_fops = {
	.owner = THIS_MODULE,
	DRM_GEM_FOPS,
	.show_fdinfo = drm_show_fdinfo,
};

/*
 * Driver version history:
 * - 1.0: INFO, BO_CREATE, BO_INFO, VM_BIND, VM_UNBIND, BO_MIGRATE, SUBMIT,
 *   FAULTS.
 */
static const struct drm_driver simgpu_drm_driver = {
	.driver_features = DRIVER_GEM | DRIVER_RENDER | DRIVER_GEM_GPUVA,
	.open = simgpu_open,
	.postclose = simgpu_postclose,
	.ioctls = simgpu_ioctls,
	.num_ioctls = ARRAY_SIZE(simgpu_ioctls),
	.fops = &simgpu_fops,
	/* PRIME import only: export of VM-private buffers is refused. */
	.gem_prime_import = simgpu_gem_prime_import,
	.show_fdinfo = simgpu_show_fdinfo,
	.debugfs_init = simgpu_debugfs_init,

	.name = DRIVER_NAME,
	.desc = DRIVER_DESC,
	.major = DRIVER_MAJOR,
	.minor = DRIVER_MINOR,
};

/*
 * Devices
 */

static struct simgpu_device *simgpu_device_alloc(struct device *dev)
{
	struct simgpu_device *sdev;
	int ret;

	sdev = devm_drm_dev_alloc(dev, &simgpu_drm_driver,
				  struct simgpu_device, drm);
	if (IS_ERR(sdev))
		return sdev;

	ret = drmm_mutex_init(&sdev->drm, &sdev->mm_lock);
	if (ret)
		return ERR_PTR(ret);
	return sdev;
}

/* With @sdev->vram set up: TTM, the kernel ring, then userspace sees it. */
static int simgpu_device_register(struct simgpu_device *sdev)
{
	struct drm_device *drm = &sdev->drm;
	int ret;

	ret = simgpu_ttm_init(sdev);
	if (ret)
		return ret;

	ret = simgpu_ring_init(sdev);
	if (ret)
		return ret;

	/* Final steps: expose the device to userspace. */
	ret = drm_dev_register(drm, 0);
	if (ret)
		return ret;

	ret = simgpu_snoop_register(sdev);
	if (ret) {
		drm_err(drm, "cannot register with cardsnoop: %d\n", ret);
		drm_dev_unregister(drm);
		return ret;
	}

	drm_info(drm, "%llu MiB of %s VRAM\n", sdev->vram.size >> 20,
		 sdev->vram.iomem ? "PCI BAR" : "virtual");
	return 0;
}

static void simgpu_device_unregister(struct simgpu_device *sdev)
{
	/* cardsnoop first: it must not call us once we are unplugged. */
	simgpu_snoop_unregister(sdev);
	drm_dev_unplug(&sdev->drm);
	/* CPU mappings of buffers refault to TTM's dummy page from now on. */
	unmap_mapping_range(sdev->drm.anon_inode->i_mapping, 0, 0, 1);
}

/* PCI: ivshmem-plain, BAR 2 is the VRAM. */

static int simgpu_pci_probe(struct pci_dev *pdev,
			    const struct pci_device_id *ent)
{
	struct simgpu_device *sdev;
	resource_size_t start, size;
	void __iomem *iomem;
	int ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;

	start = pci_resource_start(pdev, SIMGPU_VRAM_BAR);
	size = pci_resource_len(pdev, SIMGPU_VRAM_BAR) & PAGE_MASK;
	if (!(pci_resource_flags(pdev, SIMGPU_VRAM_BAR) & IORESOURCE_MEM) ||
	    size < SIMGPU_RING_SIZE)
		return -ENODEV;

	ret = pcim_request_region(pdev, SIMGPU_VRAM_BAR, DRIVER_NAME);
	if (ret)
		return ret;
	iomem = devm_ioremap_wc(&pdev->dev, start, size);
	if (!iomem)
		return -ENOMEM;

	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;

	sdev = simgpu_device_alloc(&pdev->dev);
	if (IS_ERR(sdev))
		return PTR_ERR(sdev);
	sdev->vram.size = size;
	sdev->vram.bus_addr = start;
	sdev->vram.iomem = iomem;
	pci_set_drvdata(pdev, sdev);

	return simgpu_device_register(sdev);
}

static void simgpu_pci_remove(struct pci_dev *pdev)
{
	simgpu_device_unregister(pci_get_drvdata(pdev));
}

static const struct pci_device_id simgpu_pci_ids[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_REDHAT_QUMRANET, 0x1110) },
	{ }
};
MODULE_DEVICE_TABLE(pci, simgpu_pci_ids);

static struct pci_driver simgpu_pci_driver = {
	.name = DRIVER_NAME,
	.id_table = simgpu_pci_ids,
	.probe = simgpu_pci_probe,
	.remove = simgpu_pci_remove,
};

/* Virtual devices: kernel memory as VRAM. */

static void simgpu_vram_free(struct drm_device *drm, void *arg)
{
	vfree(arg);
}

static int simgpu_platform_probe(struct platform_device *pdev)
{
	struct simgpu_device *sdev;
	u64 size = (u64)simgpu_vram_mb << 20;
	void *vaddr;
	int ret;

	/* dma-buf importers need a DMA mask (as vgem sets one). */
	ret = dma_coerce_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;

	sdev = simgpu_device_alloc(&pdev->dev);
	if (IS_ERR(sdev))
		return PTR_ERR(sdev);

	vaddr = vzalloc(size);
	if (!vaddr)
		return -ENOMEM;
	/* Lives as long as the DRM device, past the unbind. */
	ret = drmm_add_action_or_reset(&sdev->drm, simgpu_vram_free, vaddr);
	if (ret)
		return ret;
	sdev->vram.size = size;
	sdev->vram.vaddr = vaddr;
	platform_set_drvdata(pdev, sdev);

	return simgpu_device_register(sdev);
}

static void simgpu_platform_remove(struct platform_device *pdev)
{
	simgpu_device_unregister(platform_get_drvdata(pdev));
}

static struct platform_driver simgpu_platform_driver = {
	.driver.name = DRIVER_NAME,
	.probe = simgpu_platform_probe,
	.remove = simgpu_platform_remove,
};

static struct platform_device *simgpu_virtual_devs[SIMGPU_MAX_VIRTUAL];

static void simgpu_virtual_destroy(void)
{
	int i;

	for (i = SIMGPU_MAX_VIRTUAL - 1; i >= 0; i--) {
		platform_device_unregister(simgpu_virtual_devs[i]);
		simgpu_virtual_devs[i] = NULL;
	}
}

static int __init simgpu_init(void)
{
	unsigned int i;
	int ret;

	if (simgpu_virtual > SIMGPU_MAX_VIRTUAL ||
	    (simgpu_virtual && (!simgpu_vram_mb || simgpu_vram_mb > 4096)))
		return -EINVAL;

	ret = platform_driver_register(&simgpu_platform_driver);
	if (ret)
		return ret;

	for (i = 0; i < simgpu_virtual; i++) {
		struct platform_device *pdev;

		pdev = platform_device_register_simple(DRIVER_NAME, i, NULL, 0);
		if (IS_ERR(pdev)) {
			ret = PTR_ERR(pdev);
			goto err_virtual;
		}
		simgpu_virtual_devs[i] = pdev;
	}

	ret = pci_register_driver(&simgpu_pci_driver);
	if (ret)
		goto err_virtual;
	return 0;

err_virtual:
	simgpu_virtual_destroy();
	platform_driver_unregister(&simgpu_platform_driver);
	return ret;
}

static void __exit simgpu_exit(void)
{
	pci_unregister_driver(&simgpu_pci_driver);
	simgpu_virtual_destroy();
	platform_driver_unregister(&simgpu_platform_driver);
}

module_init(simgpu_init);
module_exit(simgpu_exit);

MODULE_DESCRIPTION(DRIVER_DESC);
MODULE_AUTHOR("The cardsnoop authors");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
