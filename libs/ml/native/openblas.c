// OpenBLAS is not linked but dlopen()ed at first use, for two reasons: the addon builds without any BLAS
// development package, and OPENBLAS_CORETYPE must be in the environment before OpenBLAS initialises. On our
// virtual CPUs (cpuid model "Intel Xeon Processor") its DYNAMIC_ARCH detection falls back to very old
// kernels; we pick the core type from the CPU's features unless the user set one.
#include "openblas.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

typedef void (*set_threads_fn)(int);
typedef int (*get_threads_fn)(void);
typedef char *(*corename_fn)(void);

static vf_sgemm_fn sgemm_ptr;
static set_threads_fn set_threads_ptr;
static get_threads_fn get_threads_ptr;
static corename_fn corename_ptr;
static char load_error[512];
static char library_name[128];
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static const char *const LIBRARIES[] = {"libopenblas.so.0", "libopenblas.so", "libopenblasp.so.0"};

static void choose_coretype(void) {
  if (getenv("OPENBLAS_CORETYPE") != NULL) return;
#if defined(__x86_64__)
  __builtin_cpu_init();
  // OpenBLAS's SkylakeX kernels use AVX-512 F, BW and VL.
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")) setenv("OPENBLAS_CORETYPE", "SkylakeX", 0);
  else if (__builtin_cpu_supports("avx2")) setenv("OPENBLAS_CORETYPE", "Haswell", 0);
#endif
}

static void load(void) {
  choose_coretype();
  void *handle = NULL;
  for (size_t i = 0; i < sizeof LIBRARIES / sizeof *LIBRARIES && handle == NULL; i++) {
    handle = dlopen(LIBRARIES[i], RTLD_NOW | RTLD_LOCAL);
    if (handle != NULL) snprintf(library_name, sizeof library_name, "%s", LIBRARIES[i]);
  }
  if (handle == NULL) {
    const char *why = dlerror();
    snprintf(load_error, sizeof load_error, "OpenBLAS not found (%s); on Debian: apt-get install libopenblas0",
             why ? why : "dlopen failed");
    return;
  }
  sgemm_ptr = (vf_sgemm_fn)dlsym(handle, "cblas_sgemm");
  set_threads_ptr = (set_threads_fn)dlsym(handle, "openblas_set_num_threads");
  get_threads_ptr = (get_threads_fn)dlsym(handle, "openblas_get_num_threads");
  corename_ptr = (corename_fn)dlsym(handle, "openblas_get_corename");
  if (sgemm_ptr == NULL) snprintf(load_error, sizeof load_error, "%s has no cblas_sgemm", library_name);
}

// Node loads the shared object once per process but runs the addon's init in every worker.
void vf_openblas_load(void) { pthread_once(&load_once, load); }
vf_sgemm_fn vf_openblas_sgemm(void) { return sgemm_ptr; }
const char *vf_openblas_error(void) { return load_error[0] ? load_error : "OpenBLAS is not loaded"; }
const char *vf_openblas_library(void) { return library_name; }
const char *vf_openblas_corename(void) { return corename_ptr != NULL ? corename_ptr() : NULL; }
int vf_openblas_threads(void) { return get_threads_ptr != NULL ? get_threads_ptr() : -1; }
int vf_openblas_set_threads(int threads) {
  if (set_threads_ptr == NULL) return -1;
  set_threads_ptr(threads);
  return 0;
}
