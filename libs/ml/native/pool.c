// See pool.h. Workers spin for a short while after each job before they sleep on a condition variable: a
// training step calls ~100 kernels back to back with a little JavaScript between them, and a futex wake-up per
// kernel would cost about as much as a small kernel. The spin is short (SPIN_NS) so that an idle engine does not
// keep a core busy on a shared machine, as OpenBLAS's own threads do for much longer.
#include "pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

enum { MAX_THREADS = 64 };
static const int64_t SPIN_NS = 100 * 1000;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_cond_t finished = PTHREAD_COND_INITIALIZER;
static atomic_flag in_use = ATOMIC_FLAG_INIT;
static atomic_int threads = 1;
static int workers;                  // started, never stopped (they sleep when idle)
static atomic_uint_fast64_t generation; // bumped for every job, to wake the workers
// The current job; written before its claim word is published (release), read after a part of it is claimed.
static vf_part_fn job_part;
static void *job_context;
// Parts are claimed from one word, (job number, parts, next part), by compare-and-swap: a worker that wakes
// late finds the job's parts all taken (or a newer job) and does nothing, so the caller never waits for a worker
// to be scheduled, only for parts a worker has started. On a loaded machine that is the difference between
// running a kernel's parts itself and idling until a descheduled worker gets a core.
enum { PART_BITS = 20, JOB_BITS = 64 - 2 * PART_BITS };
static const uint64_t PART_MASK = (UINT64_C(1) << PART_BITS) - 1;
static atomic_uint_least64_t claim;
static atomic_size_t done; // parts of the current job finished

static int64_t now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static inline void relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// Claims and runs parts of whatever job is current until none is left.
static void run_parts(void) {
  uint64_t word = atomic_load_explicit(&claim, memory_order_acquire);
  for (;;) {
    const uint64_t next = word & PART_MASK, parts = (word >> PART_BITS) & PART_MASK;
    if (next >= parts) return;
    if (!atomic_compare_exchange_weak_explicit(&claim, &word, word + 1, memory_order_acquire, memory_order_acquire)) continue;
    job_part(job_context, (size_t)next);
    if (atomic_fetch_add_explicit(&done, 1, memory_order_acq_rel) + 1 == parts) {
      pthread_mutex_lock(&lock);
      pthread_cond_signal(&finished);
      pthread_mutex_unlock(&lock);
    }
    word = atomic_load_explicit(&claim, memory_order_acquire);
  }
}

static uint_fast64_t await_job(uint_fast64_t seen) {
  uint_fast64_t g;
  const int64_t until = now_ns() + SPIN_NS;
  for (unsigned spins = 0;; spins++) {
    if ((g = atomic_load_explicit(&generation, memory_order_acquire)) != seen) return g;
    if ((spins & 63) == 63 && now_ns() > until) break;
    relax();
  }
  pthread_mutex_lock(&lock);
  while ((g = atomic_load_explicit(&generation, memory_order_acquire)) == seen) pthread_cond_wait(&wake, &lock);
  pthread_mutex_unlock(&lock);
  return g;
}

static void *worker(void *arg) {
  const int id = (int)(intptr_t)arg; // 1-based: the caller is thread 0
  uint_fast64_t seen = 0;
  for (;;) {
    seen = await_job(seen);
    // A worker beyond the current thread count sits the job out (the count can be lowered at any time).
    if (id < atomic_load_explicit(&threads, memory_order_relaxed)) run_parts();
  }
  return NULL;
}

// Starts workers up to threads − 1; false if none could be started (then the caller runs everything).
static bool start_workers(int wanted) {
  while (workers < wanted - 1) {
    pthread_t thread;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    const int failed = pthread_create(&thread, &attr, worker, (void *)(intptr_t)(workers + 1));
    pthread_attr_destroy(&attr);
    if (failed) break;
    workers++;
  }
  return workers > 0;
}

// Until every part of the job is finished (the caller has claimed all it could; the rest are running).
static void await_parts(size_t parts) {
  const int64_t until = now_ns() + SPIN_NS;
  for (unsigned spins = 0; atomic_load_explicit(&done, memory_order_acquire) != parts; spins++) {
    if ((spins & 63) == 63 && now_ns() > until) {
      pthread_mutex_lock(&lock);
      while (atomic_load_explicit(&done, memory_order_acquire) != parts) pthread_cond_wait(&finished, &lock);
      pthread_mutex_unlock(&lock);
      return;
    }
    relax();
  }
}

void vf_parallel(size_t parts, vf_part_fn part, void *context) {
  const int wanted = atomic_load_explicit(&threads, memory_order_relaxed);
  // One job at a time: a second caller (another Node worker) runs its parts itself; so do jobs with more parts
  // than the claim word holds.
  if (parts <= 1 || parts > PART_MASK || wanted <= 1 || atomic_flag_test_and_set_explicit(&in_use, memory_order_acquire)) {
    for (size_t i = 0; i < parts; i++) part(context, i);
    return;
  }
  if (!start_workers(wanted)) {
    atomic_flag_clear_explicit(&in_use, memory_order_release);
    for (size_t i = 0; i < parts; i++) part(context, i);
    return;
  }
  static uint64_t jobs;
  jobs = (jobs + 1) & ((UINT64_C(1) << JOB_BITS) - 1);
  job_part = part;
  job_context = context;
  atomic_store_explicit(&done, 0, memory_order_relaxed);
  atomic_store_explicit(&claim, jobs << (2 * PART_BITS) | (uint64_t)parts << PART_BITS, memory_order_release);
  pthread_mutex_lock(&lock);
  atomic_fetch_add_explicit(&generation, 1, memory_order_release);
  pthread_cond_broadcast(&wake);
  pthread_mutex_unlock(&lock);
  run_parts();
  await_parts(parts);
  atomic_flag_clear_explicit(&in_use, memory_order_release);
}

int vf_pool_set_threads(int wanted) {
  if (wanted < 1) return -1;
  atomic_store_explicit(&threads, wanted > MAX_THREADS ? MAX_THREADS : wanted, memory_order_relaxed);
  return 0;
}

int vf_pool_threads(void) { return atomic_load_explicit(&threads, memory_order_relaxed); }
