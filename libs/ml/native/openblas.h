// OpenBLAS, dlopen()ed once per process (see openblas.c).
#ifndef VERIFLOW_OPENBLAS_H
#define VERIFLOW_OPENBLAS_H
#include "kernels.h"

// Loads OpenBLAS once per process (safe from every worker's addon init).
void vf_openblas_load(void);
// cblas_sgemm, or NULL when OpenBLAS did not load (then vf_openblas_error() says why).
vf_sgemm_fn vf_openblas_sgemm(void);
const char *vf_openblas_error(void);
const char *vf_openblas_library(void);
// NULL / −1 when this OpenBLAS lacks the function.
const char *vf_openblas_corename(void);
int vf_openblas_threads(void);
// 0 on success, −1 when this OpenBLAS cannot set its thread count.
int vf_openblas_set_threads(int threads);
#endif
