// A product kernel for small and thin matrices (see small-gemm.c), with no packing of either operand.
#ifndef VERIFLOW_SMALL_GEMM_H
#define VERIFLOW_SMALL_GEMM_H
#include <stddef.h>

#include "kernels.h"

// c = alpha·op(a)·op(b), row-major, op(a) m×k, op(b) k×n (beta 0). Returns 0, or −1 without touching c when it
// does not take this product (no AVX2/AVX-512 build for this CPU, VERIFLOW_SMALL_GEMM=off, a shape of B where
// OpenBLAS is faster, or no memory; never decided by m): then the caller uses OpenBLAS.
int vf_small_gemm(int trans_a, int trans_b, size_t m, size_t n, size_t k, float alpha, const float *a, size_t lda,
                  const float *b, size_t ldb, float *c, size_t ldc);
// A vf_sgemm_fn: vf_small_gemm where it takes the product, else OpenBLAS's sgemm (which must be loaded).
void vf_sgemm_small_first(int order, int trans_a, int trans_b, int m, int n, int k, float alpha, const float *a, int lda,
                          const float *b, int ldb, float beta, float *c, int ldc);
// Which build vf_small_gemm runs on this CPU: "avx512f", "avx2", or NULL (none: OpenBLAS does every product).
const char *vf_small_gemm_build(void);
#endif
