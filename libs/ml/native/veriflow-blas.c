// Optional native matmul for the wasm engine: OpenBLAS's sgemm over float32 views of the wasm heap.
//
// Why a tiny addon of our own instead of `nblas`: nblas registers with the legacy NODE_MODULE macro, so it
// cannot be loaded in more than one thread of a process, and our training steps run in worker threads. This
// one is Node-API (context-aware, loadable in every worker) and does batched products in one call.
//
// OpenBLAS is not linked but dlopen()ed at first use, for two reasons: the addon builds without any BLAS
// development package, and OPENBLAS_CORETYPE must be in the environment before OpenBLAS initialises. On our
// virtual CPUs (cpuid model "Intel Xeon Processor") its DYNAMIC_ARCH detection falls back to very old
// kernels; we pick the core type from the CPU's features unless the user set one.
#define NAPI_VERSION 8
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <node_api.h>

enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };

typedef void (*sgemm_fn)(int order, int transa, int transb, int m, int n, int k, float alpha, const float *a, int lda,
                         const float *b, int ldb, float beta, float *c, int ldc);
typedef void (*set_threads_fn)(int);
typedef int (*get_threads_fn)(void);
typedef char *(*corename_fn)(void);

static sgemm_fn cblas_sgemm_ptr;
static set_threads_fn set_threads_ptr;
static get_threads_fn get_threads_ptr;
static corename_fn corename_ptr;
static char load_error[512];
static char library_name[128];
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static const char *const LIBRARIES[] = {"libopenblas.so.0", "libopenblas.so", "libopenblasp.so.0"};

static void choose_coretype(void) {
  if (getenv("OPENBLAS_CORETYPE") != NULL) return;
  __builtin_cpu_init();
  // OpenBLAS's SkylakeX kernels use AVX-512 F, BW and VL.
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")) setenv("OPENBLAS_CORETYPE", "SkylakeX", 0);
  else if (__builtin_cpu_supports("avx2")) setenv("OPENBLAS_CORETYPE", "Haswell", 0);
}

// Node loads the shared object once per process but runs Init in every worker: load once (pthread_once).
static void load_openblas(void) {
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
  cblas_sgemm_ptr = (sgemm_fn)dlsym(handle, "cblas_sgemm");
  set_threads_ptr = (set_threads_fn)dlsym(handle, "openblas_set_num_threads");
  get_threads_ptr = (get_threads_fn)dlsym(handle, "openblas_get_num_threads");
  corename_ptr = (corename_fn)dlsym(handle, "openblas_get_corename");
  if (cblas_sgemm_ptr == NULL) snprintf(load_error, sizeof load_error, "%s has no cblas_sgemm", library_name);
}

static napi_value throw_error(napi_env env, const char *message) {
  napi_throw_error(env, "VERIFLOW_BLAS", message);
  return NULL;
}

static int float_view(napi_env env, napi_value value, float **data, size_t *length) {
  napi_typedarray_type type;
  void *raw;
  if (napi_get_typedarray_info(env, value, &type, length, &raw, NULL, NULL) != napi_ok || type != napi_float32_array) return 0;
  *data = (float *)raw;
  return 1;
}

static int int_view(napi_env env, napi_value value, int32_t **data, size_t *length) {
  napi_typedarray_type type;
  void *raw;
  if (napi_get_typedarray_info(env, value, &type, length, &raw, NULL, NULL) != napi_ok || type != napi_int32_array) return 0;
  *data = (int32_t *)raw;
  return 1;
}

// sgemmBatched(transA, transB, m, n, k, a, b, out, aIndex, bIndex): for each i, out[i] = op(a[aIndex[i]]) ·
// op(b[bIndex[i]]), row-major slices of m·k, k·n and m·n floats. Every index is bounds-checked first.
static napi_value sgemm_batched(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 10) return throw_error(env, "sgemmBatched: expected 10 arguments");
  if (cblas_sgemm_ptr == NULL) return throw_error(env, load_error[0] ? load_error : "OpenBLAS is not loaded");
  bool trans_a, trans_b;
  int32_t m, n, k;
  if (napi_get_value_bool(env, argv[0], &trans_a) != napi_ok || napi_get_value_bool(env, argv[1], &trans_b) != napi_ok ||
      napi_get_value_int32(env, argv[2], &m) != napi_ok || napi_get_value_int32(env, argv[3], &n) != napi_ok ||
      napi_get_value_int32(env, argv[4], &k) != napi_ok || m <= 0 || n <= 0 || k <= 0)
    return throw_error(env, "sgemmBatched: transA, transB must be booleans and m, n, k positive integers");
  float *a, *b, *out;
  size_t a_len, b_len, out_len, a_idx_len, b_idx_len;
  int32_t *a_idx, *b_idx;
  if (!float_view(env, argv[5], &a, &a_len) || !float_view(env, argv[6], &b, &b_len) || !float_view(env, argv[7], &out, &out_len))
    return throw_error(env, "sgemmBatched: a, b and out must be Float32Arrays");
  if (!int_view(env, argv[8], &a_idx, &a_idx_len) || !int_view(env, argv[9], &b_idx, &b_idx_len) || a_idx_len != b_idx_len)
    return throw_error(env, "sgemmBatched: aIndex and bIndex must be Int32Arrays of the same length");
  // Sizes in size_t (m, n, k ≤ 2³¹ each, so one product of two fits) and bounds by division, so that no
  // check can wrap around.
  const size_t a_size = (size_t)m * (size_t)k, b_size = (size_t)k * (size_t)n, out_size = (size_t)m * (size_t)n, batch = a_idx_len;
  if (batch > out_len / out_size) return throw_error(env, "sgemmBatched: out is shorter than batch·m·n");
  const size_t a_count = a_len / a_size, b_count = b_len / b_size;
  for (size_t i = 0; i < batch; i++) {
    if (a_idx[i] < 0 || (size_t)a_idx[i] >= a_count || b_idx[i] < 0 || (size_t)b_idx[i] >= b_count)
      return throw_error(env, "sgemmBatched: a batch index points outside a or b");
  }
  // out must not overlap the inputs: sgemm reads a and b while it writes out.
  const float *out_end = out + batch * out_size;
  if ((a < out_end && out < a + a_len) || (b < out_end && out < b + b_len)) return throw_error(env, "sgemmBatched: out overlaps a or b");
  const int lda = trans_a ? m : k, ldb = trans_b ? k : n;
  for (size_t i = 0; i < batch; i++) {
    cblas_sgemm_ptr(ROW_MAJOR, trans_a ? TRANS : NO_TRANS, trans_b ? TRANS : NO_TRANS, m, n, k, 1.0f, a + (size_t)a_idx[i] * a_size, lda,
                    b + (size_t)b_idx[i] * b_size, ldb, 0.0f, out + i * out_size, n);
  }
  return NULL;
}

static napi_value set_threads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t threads;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc != 1 || napi_get_value_int32(env, argv[0], &threads) != napi_ok || threads < 1)
    return throw_error(env, "setThreads: expected a positive integer");
  if (set_threads_ptr == NULL) return throw_error(env, "setThreads: OpenBLAS (with openblas_set_num_threads) is not loaded");
  set_threads_ptr(threads);
  return NULL;
}

static void set_string(napi_env env, napi_value object, const char *key, const char *value) {
  napi_value v;
  napi_create_string_utf8(env, value, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, object, key, v);
}

// status() → { ok, error?, library?, corename?, threads? }
static napi_value status(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result, ok;
  napi_create_object(env, &result);
  napi_get_boolean(env, cblas_sgemm_ptr != NULL, &ok);
  napi_set_named_property(env, result, "ok", ok);
  if (cblas_sgemm_ptr == NULL) {
    set_string(env, result, "error", load_error);
    return result;
  }
  set_string(env, result, "library", library_name);
  if (corename_ptr != NULL) set_string(env, result, "corename", corename_ptr());
  if (get_threads_ptr != NULL) {
    napi_value threads;
    napi_create_int32(env, get_threads_ptr(), &threads);
    napi_set_named_property(env, result, "threads", threads);
  }
  return result;
}

NAPI_MODULE_INIT() {
  pthread_once(&load_once, load_openblas);
  napi_property_descriptor props[] = {
      {"sgemmBatched", NULL, sgemm_batched, NULL, NULL, NULL, napi_default, NULL},
      {"setThreads", NULL, set_threads, NULL, NULL, NULL, napi_default, NULL},
      {"status", NULL, status, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof *props, props);
  return exports;
}
