/*
 * The example devices of the fault hook API (docs/fault-api.md), one file
 * each in drivers/, registered under /dev at boot by kernel_init:
 *
 *   /dev/zero      drivers/zero.c      zeros; mmap as (shared) anonymous memory
 *   /dev/shbuf     drivers/shbuf.c     one kernel buffer; ->fault inserts the PTE
 *   /dev/quota     drivers/quota.c     ->page_mkwrite refuses writes past a quota
 *   /dev/faultlog  drivers/faultlog.c  logs and counts every fault it serves
 *
 * Context: process context at boot, may sleep. A device that cannot be set
 * up says so in the log and is simply missing from /dev.
 */
#ifndef _DRIVERS_FAULT_DEVICES_H
#define _DRIVERS_FAULT_DEVICES_H

void zero_dev_init(void);
void shbuf_init(void);
void quota_init(void);
void faultlog_init(void);

/*
 * /dev/quota's ioctls (Linux's _IO('Q', n) encoding; the argument and the
 * result are plain integers):
 *   QUOTA_IOC_SET_LIMIT  at most @arg distinct pages of this open file may
 *                        be written (0..64; else -EINVAL)
 *   QUOTA_IOC_GET_USED   returns how many pages have been granted so far
 */
#define QUOTA_IOC_SET_LIMIT     0x5101
#define QUOTA_IOC_GET_USED      0x5102

#endif
