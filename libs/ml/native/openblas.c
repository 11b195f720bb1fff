// OpenBLAS is not linked but dlopen()ed at first use, for two reasons: the addon builds without any BLAS
// development package, and OPENBLAS_CORETYPE must be in the environment before OpenBLAS initialises. On our
// virtual CPUs (cpuid model "Intel Xeon Processor") its DYNAMIC_ARCH detection falls back to very old
// kernels; we pick the core type from the CPU's features unless the user set one.
//
// Which library: VERIFLOW_OPENBLAS (a path) when set, and only it; else the copy of PyPI's scipy-openblas32
// that scripts/fetch-openblas.js puts beside this addon (no root needed, and on our machines as fast as or
// faster than Debian's libopenblas0: see README "Native engine"), else the system's libopenblas. The wheel's
// symbols carry a "scipy_" prefix (scipy_cblas_sgemm), so each symbol is looked up bare, then prefixed.
#include "openblas.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*set_threads_fn)(int);
typedef int (*get_threads_fn)(void);
typedef char *(*corename_fn)(void);

static vf_sgemm_fn sgemm_ptr;
static set_threads_fn set_threads_ptr;
static get_threads_fn get_threads_ptr;
static corename_fn corename_ptr;
static char load_error[1024];
static char tried[900]; // every place a failed load looked, and why each failed
static char library_name[4096];
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static const char *const SYSTEM_LIBRARIES[] = {"libopenblas.so.0", "libopenblas.so", "libopenblasp.so.0"};
// Relative to the directory holding this addon (see scripts/fetch-openblas.js).
static const char WHEEL_LIBRARY[] = "openblas/libscipy_openblas.so";

static void choose_coretype(void) {
  if (getenv("OPENBLAS_CORETYPE") != NULL) return;
#if defined(__x86_64__)
  // By feature bits, not by vendor or model, so AMD and Intel CPUs with the same instructions get the same
  // kernels. OpenBLAS's SkylakeX kernels use AVX-512 F, BW and VL.
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")) setenv("OPENBLAS_CORETYPE", "SkylakeX", 0);
  else if (__builtin_cpu_supports("avx2")) setenv("OPENBLAS_CORETYPE", "Haswell", 0);
#endif
}

// The wheel's library beside this addon, into `path`; false when the addon's own path is unknown.
static int wheel_path(char *path, size_t size) {
  Dl_info info;
  if (dladdr((void *)&vf_openblas_load, &info) == 0 || info.dli_fname == NULL) return 0;
  const char *slash = strrchr(info.dli_fname, '/');
  if (slash == NULL) return 0;
  return snprintf(path, size, "%.*s/%s", (int)(slash - info.dli_fname), info.dli_fname, WHEEL_LIBRARY) < (int)size;
}

static void *symbol(void *handle, const char *name) {
  void *found = dlsym(handle, name);
  if (found != NULL) return found;
  char prefixed[128];
  snprintf(prefixed, sizeof prefixed, "scipy_%s", name);
  return dlsym(handle, prefixed);
}

// On failure appends dlopen's reason (it names the file) to `tried`.
static void *try_open(const char *name) {
  void *handle = dlopen(name, RTLD_NOW | RTLD_LOCAL);
  if (handle != NULL) {
    snprintf(library_name, sizeof library_name, "%s", name);
    return handle;
  }
  const char *why = dlerror();
  const size_t used = strlen(tried);
  snprintf(tried + used, sizeof tried - used, "%s%.300s", used ? "; " : "", why ? why : name);
  return NULL;
}

static void *open_library(void) {
  const char *chosen = getenv("VERIFLOW_OPENBLAS");
  if (chosen != NULL && chosen[0] != '\0') return try_open(chosen);
  char wheel[4096];
  void *handle = wheel_path(wheel, sizeof wheel) ? try_open(wheel) : NULL;
  for (size_t i = 0; i < sizeof SYSTEM_LIBRARIES / sizeof *SYSTEM_LIBRARIES && handle == NULL; i++) handle = try_open(SYSTEM_LIBRARIES[i]);
  return handle;
}

static void load(void) {
  choose_coretype();
  void *handle = open_library();
  if (handle == NULL) {
    snprintf(load_error, sizeof load_error, "OpenBLAS not found (%s)", tried);
    return;
  }
  sgemm_ptr = (vf_sgemm_fn)symbol(handle, "cblas_sgemm");
  set_threads_ptr = (set_threads_fn)symbol(handle, "openblas_set_num_threads");
  get_threads_ptr = (get_threads_fn)symbol(handle, "openblas_get_num_threads");
  corename_ptr = (corename_fn)symbol(handle, "openblas_get_corename");
  if (sgemm_ptr == NULL) snprintf(load_error, sizeof load_error, "%.900s has neither cblas_sgemm nor scipy_cblas_sgemm", library_name);
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
