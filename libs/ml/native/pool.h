// A small pool of worker threads for the fused kernels, so that one training step uses the cores the user
// gives it (VERIFLOW_BLAS_THREADS) the way PyTorch's intra-op threads do. OpenBLAS then runs single-threaded
// inside each part: its own threading splits this model's small products badly (see pool.c).
#ifndef VERIFLOW_POOL_H
#define VERIFLOW_POOL_H
#include <stddef.h>

typedef void (*vf_part_fn)(void *context, size_t part);

// Runs part(context, i) for every i in [0, parts), on up to vf_pool_threads() threads, the caller among them,
// and returns when all have finished. Parts must write disjoint memory; which thread runs which part varies, so
// a part's result must not depend on it. Runs them all on the caller when the pool is in use by another thread.
void vf_parallel(size_t parts, vf_part_fn part, void *context);
// Threads (the caller included) that vf_parallel may use; workers are started on first use. 0 on success.
int vf_pool_set_threads(int threads);
int vf_pool_threads(void);
#endif
