/*
 * Loaded process-wide (RTLD_GLOBAL) by ai.otc.policy.model.MklCodePath before libtorch, so it interposes the oneMKL
 * service call that libtorch's statically linked MKL asks "is this an Intel CPU?". MKL then picks its kernels from the
 * CPU's feature flags (AVX2, AVX-512) on every x86 vendor instead of its generic path on non-Intel CPUs.
 */
int mkl_serv_intel_cpu_true(void) { return 1; }
