/* Basic fixed-width types for a freestanding kernel. */
#ifndef _KERNEL_TYPES_H
#define _KERNEL_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

typedef u64 phys_addr_t;
typedef long ssize_t;
#ifndef _LOFF_T_DEFINED
#define _LOFF_T_DEFINED
typedef s64 loff_t;                   /* file offsets and sizes */
#endif

#endif
