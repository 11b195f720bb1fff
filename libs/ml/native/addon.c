// The wasm engine's optional native addon: OpenBLAS's sgemm and our fused training kernels (kernels.c), all on
// float32 views of the wasm heap, so nothing is copied in or out.
//
// Why an addon of our own instead of `nblas`: nblas registers with the legacy NODE_MODULE macro, so it cannot
// be loaded in more than one thread of a process, and our training steps run in worker threads. This one is
// Node-API (context-aware, loadable in every worker).
//
// Every binding checks every length against the sizes it is told before the C kernel runs: a wrong shape from
// JavaScript must throw, never write outside a view (the views are windows on the wasm heap).
#define NAPI_VERSION 8
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <node_api.h>

#include "kernels.h"
#include "openblas.h"
#include "pool.h"
#include "small-gemm.h"

// --- argument parsing: the first failure throws (naming the function and argument) and sticks ---------------

typedef struct {
  napi_env env;
  napi_value argv[16];
  size_t argc;
  const char *fn;
  bool failed;
} args_t;

static void fail(args_t *a, const char *what) {
  if (a->failed) return;
  a->failed = true;
  char message[256];
  snprintf(message, sizeof message, "%s: %s", a->fn, what);
  napi_throw_error(a->env, "VERIFLOW_NATIVE", message);
}

static bool get_args(args_t *a, napi_env env, napi_callback_info info, const char *fn, size_t min, size_t max) {
  a->env = env;
  a->fn = fn;
  a->failed = false;
  a->argc = 16;
  if (napi_get_cb_info(env, info, &a->argc, a->argv, NULL, NULL) != napi_ok || a->argc < min || a->argc > max) {
    char what[64];
    snprintf(what, sizeof what, "expected %zu to %zu arguments", min, max);
    fail(a, what);
    return false;
  }
  return true;
}

static bool is_null(args_t *a, size_t i) {
  napi_valuetype type;
  return i >= a->argc || (napi_typeof(a->env, a->argv[i], &type) == napi_ok && (type == napi_null || type == napi_undefined));
}

static void *typed(args_t *a, size_t i, napi_typedarray_type want, size_t *length, const char *name) {
  napi_typedarray_type type;
  void *data = NULL;
  bool ok = i < a->argc && napi_get_typedarray_info(a->env, a->argv[i], &type, length, &data, NULL, NULL) == napi_ok && type == want;
  if (!ok) {
    char what[96];
    snprintf(what, sizeof what, "%s must be a %s", name, want == napi_float32_array ? "Float32Array" : "Int32Array");
    fail(a, what);
    *length = 0;
    return NULL;
  }
  return data;
}

// A Float32Array of exactly `expected` values.
static float *f32(args_t *a, size_t i, size_t expected, const char *name) {
  size_t length;
  float *data = typed(a, i, napi_float32_array, &length, name);
  if (data != NULL && length != expected) {
    char what[128];
    snprintf(what, sizeof what, "%s has %zu values, expected %zu", name, length, expected);
    fail(a, what);
    return NULL;
  }
  return data;
}

static size_t positive(args_t *a, size_t i, const char *name) {
  int64_t value = 0;
  if (i >= a->argc || napi_get_value_int64(a->env, a->argv[i], &value) != napi_ok || value <= 0 || value > INT32_MAX) {
    char what[96];
    snprintf(what, sizeof what, "%s must be a positive 32-bit integer", name);
    fail(a, what);
    return 1;
  }
  return (size_t)value;
}

static float number(args_t *a, size_t i, const char *name) {
  double value = 0;
  if (i >= a->argc || napi_get_value_double(a->env, a->argv[i], &value) != napi_ok) {
    char what[96];
    snprintf(what, sizeof what, "%s must be a number", name);
    fail(a, what);
  }
  return (float)value;
}

static bool boolean(args_t *a, size_t i, const char *name) {
  bool value = false;
  if (i >= a->argc || napi_get_value_bool(a->env, a->argv[i], &value) != napi_ok) {
    char what[96];
    snprintf(what, sizeof what, "%s must be a boolean", name);
    fail(a, what);
  }
  return value;
}

// x·y·… with every factor < 2³¹ (positive() guarantees it) and the product checked, so no size wraps around.
static size_t product(args_t *a, size_t x, size_t y) {
  if (y != 0 && x > SIZE_MAX / y) {
    fail(a, "sizes overflow");
    return 0;
  }
  return x * y;
}

static bool check_targets(args_t *a, const int32_t *targets, size_t rows, size_t vocab) {
  for (size_t r = 0; r < rows; r++) {
    if (targets[r] < 0 || (size_t)targets[r] >= vocab) {
      char what[96];
      snprintf(what, sizeof what, "target %d of row %zu is outside the vocabulary [0, %zu)", targets[r], r, vocab);
      fail(a, what);
      return false;
    }
  }
  return true;
}

// A Float32Array (argv[data]) made of whole rows of `width` values, where width is the length of argv[row]
// (a Float32Array such as gamma) or, when row_is_count, the row count is the length of argv[row] (an
// Int32Array such as targets). Returns the data; *rows and *width are set.
static float *whole_rows(args_t *a, size_t data, size_t row, bool row_is_count, size_t *rows, size_t *width, const char *data_name, const char *row_name) {
  size_t size, n;
  float *values = typed(a, data, napi_float32_array, &size, data_name);
  typed(a, row, row_is_count ? napi_int32_array : napi_float32_array, &n, row_name);
  if (a->failed) return NULL;
  if (n == 0 || size == 0 || size % n != 0) {
    char what[128];
    snprintf(what, sizeof what, "%s must hold whole rows (%s.length %s)", data_name, row_name, row_is_count ? "rows" : "values each");
    fail(a, what);
    return NULL;
  }
  *rows = row_is_count ? n : size / n;
  *width = row_is_count ? size / n : n;
  return values;
}

static napi_value make_number(napi_env env, double value) {
  napi_value v;
  napi_create_double(env, value, &v);
  return v;
}

// --- OpenBLAS ------------------------------------------------------------------------------------------------

// The products' sgemm: our small-matrix kernel where it is faster (small-gemm.c), else OpenBLAS's; NULL (and
// thrown) when OpenBLAS did not load.
static vf_sgemm_fn products(args_t *a) {
  if (vf_openblas_sgemm() == NULL) return fail(a, vf_openblas_error()), NULL;
  return vf_sgemm_small_first;
}

// The attention heads' products (77×77×32 and the like here) stay on OpenBLAS: it is faster on them.
static vf_sgemm_fn head_products(args_t *a) {
  const vf_sgemm_fn sgemm = vf_openblas_sgemm();
  if (sgemm == NULL) fail(a, vf_openblas_error());
  return sgemm;
}

// sgemmBatched(transA, transB, m, n, k, a, b, out, aIndex, bIndex[, bias, relu]): for each i,
// out[i] = op(a[aIndex[i]])·op(b[bIndex[i]]) (+ bias per row, then relu), row-major slices of m·k, k·n and m·n.
static napi_value sgemm_batched(napi_env env, napi_callback_info info) {
  args_t a;
  if (!get_args(&a, env, info, "sgemmBatched", 10, 12)) return NULL;
  const vf_sgemm_fn sgemm = products(&a);
  if (sgemm == NULL) return NULL;
  const bool trans_a = boolean(&a, 0, "transA"), trans_b = boolean(&a, 1, "transB");
  const size_t m = positive(&a, 2, "m"), n = positive(&a, 3, "n"), k = positive(&a, 4, "k");
  size_t a_len, b_len, out_len, a_idx_len, b_idx_len, bias_len = 0;
  float *av = typed(&a, 5, napi_float32_array, &a_len, "a");
  float *bv = typed(&a, 6, napi_float32_array, &b_len, "b");
  float *out = typed(&a, 7, napi_float32_array, &out_len, "out");
  int32_t *a_idx = typed(&a, 8, napi_int32_array, &a_idx_len, "aIndex");
  int32_t *b_idx = typed(&a, 9, napi_int32_array, &b_idx_len, "bIndex");
  float *bias = is_null(&a, 10) ? NULL : typed(&a, 10, napi_float32_array, &bias_len, "bias");
  const bool relu = a.argc > 11 && boolean(&a, 11, "relu");
  if (a.failed) return NULL;
  if (a_idx_len != b_idx_len) return fail(&a, "aIndex and bIndex must have the same length"), NULL;
  if (bias != NULL && bias_len != n) return fail(&a, "bias must have n values"), NULL;
  const size_t a_size = m * k, b_size = k * n, out_size = m * n, batch = a_idx_len;
  // Bounds by division, so that no check can wrap around.
  if (batch > out_len / out_size) return fail(&a, "out is shorter than batch·m·n"), NULL;
  const size_t a_count = a_len / a_size, b_count = b_len / b_size;
  for (size_t i = 0; i < batch; i++) {
    if (a_idx[i] < 0 || (size_t)a_idx[i] >= a_count || b_idx[i] < 0 || (size_t)b_idx[i] >= b_count)
      return fail(&a, "a batch index points outside a or b"), NULL;
  }
  // out must not overlap the inputs: sgemm reads a and b while it writes out.
  const float *out_end = out + batch * out_size;
  if ((av < out_end && out < av + a_len) || (bv < out_end && out < bv + b_len)) return fail(&a, "out overlaps a or b"), NULL;
  const int lda = trans_a ? (int)m : (int)k, ldb = trans_b ? (int)k : (int)n;
  for (size_t i = 0; i < batch; i++)
    vf_sgemm_rows(sgemm, trans_a, trans_b, m, n, k, av + (size_t)a_idx[i] * a_size, lda, bv + (size_t)b_idx[i] * b_size, ldb,
                  out + i * out_size, (int)n);
  if (bias != NULL || relu) vf_bias_activation(out, batch * m, n, bias, relu);
  return NULL;
}

// setThreads(threads): the threads our kernels split their work over (the caller's among them), sgemm products
// included; OpenBLAS itself then runs single-threaded inside each part. Its own threading split this model's
// products ([2464, 64]·[64, 64] and the like) over 2 threads at 60–90 GFLOP/s, and its threads spin long after
// each call, which on a shared machine takes a core from the caller's next kernel.
static napi_value set_threads(napi_env env, napi_callback_info info) {
  args_t a;
  if (!get_args(&a, env, info, "setThreads", 1, 1)) return NULL;
  const size_t threads = positive(&a, 0, "threads");
  if (a.failed) return NULL;
  if (vf_openblas_set_threads(1) != 0) return fail(&a, "OpenBLAS (with openblas_set_num_threads) is not loaded"), NULL;
  vf_pool_set_threads((int)threads);
  return NULL;
}

static void set_string(napi_env env, napi_value object, const char *key, const char *value) {
  napi_value v;
  napi_create_string_utf8(env, value, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, object, key, v);
}

// status() → { ok, error?, library?, corename?, threads?, kernelThreads, clone }: whether OpenBLAS loaded, and
// which build of the fused kernels this CPU runs on how many threads. The fused kernels need no OpenBLAS, except
// dense and attention (sgemm). `threads` is OpenBLAS's own count (1 once setThreads has run).
static napi_value status(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result, ok;
  napi_create_object(env, &result);
  set_string(env, result, "clone", vf_kernel_clone());
  const char *small_gemm = vf_small_gemm_build();
  set_string(env, result, "smallGemm", small_gemm != NULL ? small_gemm : "off");
  napi_set_named_property(env, result, "kernelThreads", make_number(env, vf_pool_threads()));
  const bool loaded = vf_openblas_sgemm() != NULL;
  napi_get_boolean(env, loaded, &ok);
  napi_set_named_property(env, result, "ok", ok);
  if (!loaded) {
    set_string(env, result, "error", vf_openblas_error());
    return result;
  }
  set_string(env, result, "library", vf_openblas_library());
  const char *corename = vf_openblas_corename();
  if (corename != NULL) set_string(env, result, "corename", corename);
  if (vf_openblas_threads() > 0) napi_set_named_property(env, result, "threads", make_number(env, vf_openblas_threads()));
  return result;
}

// --- fused kernels -------------------------------------------------------------------------------------------

// layerNormForward(x, residual | null, gamma, beta, epsilon, y, xhat, rstd); rows = x.length / gamma.length.
static napi_value layer_norm_forward(napi_env env, napi_callback_info info) {
  args_t a;
  if (!get_args(&a, env, info, "layerNormForward", 8, 8)) return NULL;
  size_t rows, dim;
  const float *x = whole_rows(&a, 0, 2, false, &rows, &dim, "x", "gamma");
  if (a.failed) return NULL;
  const size_t size = rows * dim;
  const float *gamma = f32(&a, 2, dim, "gamma");
  const float *residual = is_null(&a, 1) ? NULL : f32(&a, 1, size, "residual");
  const float *beta = f32(&a, 3, dim, "beta");
  const float epsilon = number(&a, 4, "epsilon");
  float *y = f32(&a, 5, size, "y"), *xhat = f32(&a, 6, size, "xhat"), *rstd = f32(&a, 7, rows, "rstd");
  if (a.failed) return NULL;
  vf_layer_norm_forward(x, residual, gamma, beta, epsilon, rows, dim, y, xhat, rstd);
  return NULL;
}

// layerNormBackward(dy, xhat, rstd, gamma, dx, dgamma, dbeta).
static napi_value layer_norm_backward(napi_env env, napi_callback_info info) {
  args_t a;
  if (!get_args(&a, env, info, "layerNormBackward", 7, 7)) return NULL;
  size_t rows, dim;
  const float *dy = whole_rows(&a, 0, 3, false, &rows, &dim, "dy", "gamma");
  if (a.failed) return NULL;
  const size_t size = rows * dim;
  const float *gamma = f32(&a, 3, dim, "gamma");
  const float *xhat = f32(&a, 1, size, "xhat"), *rstd = f32(&a, 2, rows, "rstd");
  float *dx = f32(&a, 4, size, "dx"), *dgamma = f32(&a, 5, dim, "dgamma"), *dbeta = f32(&a, 6, dim, "dbeta");
  if (a.failed) return NULL;
  vf_layer_norm_backward(dy, xhat, rstd, gamma, rows, dim, dx, dgamma, dbeta);
  return NULL;
}

// softmaxXentForward(logits, targets, weights, probs) → mean weighted cross-entropy; vocab = logits.length / rows.
static napi_value softmax_xent_forward(napi_env env, napi_callback_info info) {
  args_t a;
  if (!get_args(&a, env, info, "softmaxXentForward", 4, 4)) return NULL;
  size_t rows, vocab, length;
  const float *logits = whole_rows(&a, 0, 1, true, &rows, &vocab, "logits", "targets");
  const int32_t *targets = typed(&a, 1, napi_int32_array, &length, "targets");
  if (a.failed) return NULL;
  const size_t size = rows * vocab;
  const float *weights = f32(&a, 2, rows, "weights");
  float *probs = f32(&a, 3, size, "probs");
  if (a.failed || !check_targets(&a, targets, rows, vocab)) return NULL;
  return make_number(env, vf_softmax_xent_forward(logits, targets, weights, rows, vocab, probs));
}

// softmaxXentBackward(probs, targets, weights, scale, dlogits).
static napi_value softmax_xent_backward(napi_env env, napi_callback_info info) {
  args_t a;
  if (!get_args(&a, env, info, "softmaxXentBackward", 5, 5)) return NULL;
  size_t rows, vocab, length;
  const float *probs = whole_rows(&a, 0, 1, true, &rows, &vocab, "probs", "targets");
  const int32_t *targets = typed(&a, 1, napi_int32_array, &length, "targets");
  if (a.failed) return NULL;
  const size_t size = rows * vocab;
  const float *weights = f32(&a, 2, rows, "weights");
  const float scale = number(&a, 3, "scale");
  float *dlogits = f32(&a, 4, size, "dlogits");
  if (a.failed || !check_targets(&a, targets, rows, vocab)) return NULL;
  vf_softmax_xent_backward(probs, targets, weights, scale, rows, vocab, dlogits);
  return NULL;
}

typedef struct {
  size_t batch, heads, lq, lk, dh, q_size, kv_size, probs_size;
} attention_shape;

// (batch, heads, lq, lk, dh) at argv[first..first+4], with the sizes they imply.
static attention_shape attention_args(args_t *a, size_t first) {
  attention_shape s;
  s.batch = positive(a, first, "batch");
  s.heads = positive(a, first + 1, "heads");
  s.lq = positive(a, first + 2, "lq");
  s.lk = positive(a, first + 3, "lk");
  s.dh = positive(a, first + 4, "dh");
  const size_t width = product(a, s.heads, s.dh);
  s.q_size = product(a, product(a, s.batch, s.lq), width);
  s.kv_size = product(a, product(a, s.batch, s.lk), width);
  s.probs_size = product(a, product(a, product(a, s.batch, s.heads), s.lq), s.lk);
  if (!a->failed && width > INT32_MAX) fail(a, "heads·dh must fit in 32 bits");
  return s;
}

// attentionForward(q, k, v, keyMask | null, causal, batch, heads, lq, lk, dh, scale, probs, out).
static napi_value attention_forward(napi_env env, napi_callback_info info) {
  args_t a;
  if (!get_args(&a, env, info, "attentionForward", 13, 13)) return NULL;
  const vf_sgemm_fn sgemm = head_products(&a);
  if (sgemm == NULL) return NULL;
  const attention_shape s = attention_args(&a, 5);
  if (a.failed) return NULL;
  const float *q = f32(&a, 0, s.q_size, "q"), *k = f32(&a, 1, s.kv_size, "k"), *v = f32(&a, 2, s.kv_size, "v");
  const float *mask = is_null(&a, 3) ? NULL : f32(&a, 3, product(&a, s.batch, s.lk), "keyMask");
  const bool causal = boolean(&a, 4, "causal");
  const float scale = number(&a, 10, "scale");
  float *probs = f32(&a, 11, s.probs_size, "probs"), *out = f32(&a, 12, s.q_size, "out");
  if (a.failed) return NULL;
  if (vf_attention_forward(sgemm, q, k, v, mask, causal, s.batch, s.heads, s.lq, s.lk, s.dh, scale, probs, out) != 0) fail(&a, "out of memory");
  return NULL;
}

// attentionBackward(dout, q, k, v, probs, batch, heads, lq, lk, dh, scale, dq, dk, dv).
static napi_value attention_backward(napi_env env, napi_callback_info info) {
  args_t a;
  if (!get_args(&a, env, info, "attentionBackward", 14, 14)) return NULL;
  const vf_sgemm_fn sgemm = head_products(&a);
  if (sgemm == NULL) return NULL;
  const attention_shape s = attention_args(&a, 5);
  if (a.failed) return NULL;
  const float *dout = f32(&a, 0, s.q_size, "dout"), *q = f32(&a, 1, s.q_size, "q");
  const float *k = f32(&a, 2, s.kv_size, "k"), *v = f32(&a, 3, s.kv_size, "v"), *probs = f32(&a, 4, s.probs_size, "probs");
  const float scale = number(&a, 10, "scale");
  float *dq = f32(&a, 11, s.q_size, "dq"), *dk = f32(&a, 12, s.kv_size, "dk"), *dv = f32(&a, 13, s.kv_size, "dv");
  if (a.failed) return NULL;
  if (vf_attention_backward(sgemm, dout, q, k, v, probs, s.batch, s.heads, s.lq, s.lk, s.dh, scale, dq, dk, dv) != 0) fail(&a, "out of memory");
  return NULL;
}

// denseForward(x, w, b, rows, in, out, transposeW, relu, y).
static napi_value dense_forward(napi_env env, napi_callback_info info) {
  args_t a;
  if (!get_args(&a, env, info, "denseForward", 9, 9)) return NULL;
  const vf_sgemm_fn sgemm = products(&a);
  if (sgemm == NULL) return NULL;
  const size_t rows = positive(&a, 3, "rows"), in = positive(&a, 4, "in"), out = positive(&a, 5, "out");
  const bool transpose_w = boolean(&a, 6, "transposeW"), relu = boolean(&a, 7, "relu");
  if (a.failed) return NULL;
  const float *x = f32(&a, 0, product(&a, rows, in), "x"), *w = f32(&a, 1, product(&a, in, out), "w"), *b = f32(&a, 2, out, "b");
  float *y = f32(&a, 8, product(&a, rows, out), "y");
  if (a.failed) return NULL;
  vf_dense_forward(sgemm, x, w, b, rows, in, out, transpose_w, relu, y);
  return NULL;
}

// denseBackward(dy, x, w, y | null, rows, in, out, transposeW, dx, dw, db); y (the relu output) masks dy.
static napi_value dense_backward(napi_env env, napi_callback_info info) {
  args_t a;
  if (!get_args(&a, env, info, "denseBackward", 11, 11)) return NULL;
  const vf_sgemm_fn sgemm = products(&a);
  if (sgemm == NULL) return NULL;
  const size_t rows = positive(&a, 4, "rows"), in = positive(&a, 5, "in"), out = positive(&a, 6, "out");
  const bool transpose_w = boolean(&a, 7, "transposeW");
  if (a.failed) return NULL;
  const size_t out_size = product(&a, rows, out), in_size = product(&a, rows, in), w_size = product(&a, in, out);
  const float *dy = f32(&a, 0, out_size, "dy"), *x = f32(&a, 1, in_size, "x"), *w = f32(&a, 2, w_size, "w");
  const float *y = is_null(&a, 3) ? NULL : f32(&a, 3, out_size, "y");
  float *dx = f32(&a, 8, in_size, "dx"), *dw = f32(&a, 9, w_size, "dw"), *db = f32(&a, 10, out, "db");
  if (a.failed) return NULL;
  if (vf_dense_backward(sgemm, dy, x, w, y, rows, in, out, transpose_w, dx, dw, db) != 0) fail(&a, "out of memory");
  return NULL;
}

// (ids, batch, length, vocab): ids must be batch·length values in [0, vocab).
static const int32_t *embedding_ids(args_t *a, size_t i, size_t batch, size_t length, size_t vocab) {
  size_t n;
  const int32_t *ids = typed(a, i, napi_int32_array, &n, "ids");
  if (a->failed) return NULL;
  if (n != product(a, batch, length)) return fail(a, "ids must hold batch·length values"), NULL;
  for (size_t r = 0; r < n; r++) {
    if (ids[r] < 0 || (size_t)ids[r] >= vocab) {
      char what[96];
      snprintf(what, sizeof what, "id %d at %zu is outside the vocabulary [0, %zu)", ids[r], r, vocab);
      fail(a, what);
      return NULL;
    }
  }
  return ids;
}

typedef struct {
  size_t batch, length, vocab, position_rows, dim;
} embedding_shape;

// (batch, length, vocab, positionRows, dim) at argv[first..first+4].
static embedding_shape embedding_args(args_t *a, size_t first) {
  embedding_shape s;
  s.batch = positive(a, first, "batch");
  s.length = positive(a, first + 1, "length");
  s.vocab = positive(a, first + 2, "vocab");
  s.position_rows = positive(a, first + 3, "positionRows");
  s.dim = positive(a, first + 4, "dim");
  if (!a->failed && s.length > s.position_rows) fail(a, "length must not exceed positionRows");
  return s;
}

// embeddingForward(ids, batch, length, vocab, positionRows, dim, table, positions, out).
static napi_value embedding_forward(napi_env env, napi_callback_info info) {
  args_t a;
  if (!get_args(&a, env, info, "embeddingForward", 9, 9)) return NULL;
  const embedding_shape s = embedding_args(&a, 1);
  if (a.failed) return NULL;
  const int32_t *ids = embedding_ids(&a, 0, s.batch, s.length, s.vocab);
  const float *table = f32(&a, 6, product(&a, s.vocab, s.dim), "table"), *positions = f32(&a, 7, product(&a, s.position_rows, s.dim), "positions");
  float *out = f32(&a, 8, product(&a, product(&a, s.batch, s.length), s.dim), "out");
  if (a.failed) return NULL;
  vf_embedding_forward(ids, s.batch, s.length, table, positions, s.dim, out);
  return NULL;
}

// embeddingBackward(dy, ids, batch, length, vocab, positionRows, dim, dtable, dpositions).
static napi_value embedding_backward(napi_env env, napi_callback_info info) {
  args_t a;
  if (!get_args(&a, env, info, "embeddingBackward", 9, 9)) return NULL;
  const embedding_shape s = embedding_args(&a, 2);
  if (a.failed) return NULL;
  const int32_t *ids = embedding_ids(&a, 1, s.batch, s.length, s.vocab);
  const float *dy = f32(&a, 0, product(&a, product(&a, s.batch, s.length), s.dim), "dy");
  float *dtable = f32(&a, 7, product(&a, s.vocab, s.dim), "dtable"), *dpositions = f32(&a, 8, product(&a, s.position_rows, s.dim), "dpositions");
  if (a.failed) return NULL;
  vf_embedding_backward(dy, ids, s.batch, s.length, s.vocab, s.position_rows, s.dim, dtable, dpositions);
  return NULL;
}

// sumSquares(x) → Σ x² (accumulated in double).
static napi_value sum_squares(napi_env env, napi_callback_info info) {
  args_t a;
  if (!get_args(&a, env, info, "sumSquares", 1, 1)) return NULL;
  size_t n;
  const float *x = typed(&a, 0, napi_float32_array, &n, "x");
  if (a.failed) return NULL;
  return make_number(env, vf_sum_squares(x, n));
}

// adam(p, g, m, v, gradScale, beta1, beta2, epsilon, stepSize): one update of p, m, v in place.
static napi_value adam(napi_env env, napi_callback_info info) {
  args_t a;
  if (!get_args(&a, env, info, "adam", 9, 9)) return NULL;
  size_t n;
  float *p = typed(&a, 0, napi_float32_array, &n, "p");
  if (a.failed) return NULL;
  const float *g = f32(&a, 1, n, "g");
  float *m = f32(&a, 2, n, "m"), *v = f32(&a, 3, n, "v");
  const float grad_scale = number(&a, 4, "gradScale"), beta1 = number(&a, 5, "beta1"), beta2 = number(&a, 6, "beta2");
  const float epsilon = number(&a, 7, "epsilon"), step_size = number(&a, 8, "stepSize");
  if (a.failed) return NULL;
  vf_adam(p, g, m, v, n, grad_scale, beta1, beta2, epsilon, step_size);
  return NULL;
}

NAPI_MODULE_INIT() {
  vf_openblas_load();
  napi_property_descriptor props[] = {
      {"sgemmBatched", NULL, sgemm_batched, NULL, NULL, NULL, napi_default, NULL},
      {"setThreads", NULL, set_threads, NULL, NULL, NULL, napi_default, NULL},
      {"status", NULL, status, NULL, NULL, NULL, napi_default, NULL},
      {"layerNormForward", NULL, layer_norm_forward, NULL, NULL, NULL, napi_default, NULL},
      {"layerNormBackward", NULL, layer_norm_backward, NULL, NULL, NULL, napi_default, NULL},
      {"softmaxXentForward", NULL, softmax_xent_forward, NULL, NULL, NULL, napi_default, NULL},
      {"softmaxXentBackward", NULL, softmax_xent_backward, NULL, NULL, NULL, napi_default, NULL},
      {"attentionForward", NULL, attention_forward, NULL, NULL, NULL, napi_default, NULL},
      {"attentionBackward", NULL, attention_backward, NULL, NULL, NULL, napi_default, NULL},
      {"denseForward", NULL, dense_forward, NULL, NULL, NULL, napi_default, NULL},
      {"denseBackward", NULL, dense_backward, NULL, NULL, NULL, napi_default, NULL},
      {"embeddingForward", NULL, embedding_forward, NULL, NULL, NULL, napi_default, NULL},
      {"embeddingBackward", NULL, embedding_backward, NULL, NULL, NULL, napi_default, NULL},
      {"sumSquares", NULL, sum_squares, NULL, NULL, NULL, napi_default, NULL},
      {"adam", NULL, adam, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof *props, props);
  return exports;
}
