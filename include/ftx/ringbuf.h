/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's ring-buffer sub-buffer header (kernel/trace/ring_buffer.c,
 * described by events/header_page): a u64 timestamp, then a long "commit"
 * whose low bits are the data size and whose top bits flag lost events.
 * Shared by the recorder (losses of drained pages) and the reader.
 */
#ifndef FTX_RINGBUF_H
#define FTX_RINGBUF_H

/* events were lost before this sub-buffer */
#define FTX_RB_MISSED_EVENTS	(1ull << 31)
/* ... and their count is stored after the data */
#define FTX_RB_MISSED_STORED	(1ull << 30)
/* the data size bits of commit */
#define FTX_RB_COMMIT_MASK	((1ull << 27) - 1)

#endif /* FTX_RINGBUF_H */
