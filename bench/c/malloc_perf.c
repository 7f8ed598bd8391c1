/* DPDK C side of bench/malloc and bench/memzone: the same cases as the TypeScript side, timed with
 * clock_gettime. Prints "<case> <ops_per_second>" lines. Built on the fly against Debian's libdpdk. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <rte_eal.h>
#include <rte_malloc.h>
#include <rte_memzone.h>

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

#define N 20000
static void *ptrs[N];

static double malloc_free_pairs(size_t size, int iters) {
	double t0 = now();
	for (int i = 0; i < iters; i++) {
		void *p = rte_malloc("b", size, 0);
		if (p == NULL) { fprintf(stderr, "rte_malloc failed\n"); exit(1); }
		rte_free(p);
	}
	return iters / (now() - t0);
}

static double malloc_many_then_free(size_t size) {
	double t0 = now();
	for (int i = 0; i < N; i++) {
		ptrs[i] = rte_malloc("b", size, 0);
		if (ptrs[i] == NULL) { fprintf(stderr, "rte_malloc failed\n"); exit(1); }
	}
	for (int i = 0; i < N; i++) rte_free(ptrs[i]);
	return 2.0 * N / (now() - t0);
}

static double memzone_reserve_free(int count) {
	char name[32];
	const struct rte_memzone *mz[1000];
	double t0 = now();
	for (int i = 0; i < count; i++) {
		snprintf(name, sizeof(name), "bz_%d", i);
		mz[i] = rte_memzone_reserve(name, 4096, SOCKET_ID_ANY, 0);
		if (mz[i] == NULL) { fprintf(stderr, "memzone_reserve failed\n"); exit(1); }
	}
	for (int i = 0; i < count; i++) rte_memzone_free(mz[i]);
	return 2.0 * count / (now() - t0);
}

static double memzone_lookup(int count, int iters) {
	char name[32];
	const struct rte_memzone *mz[1000];
	for (int i = 0; i < count; i++) {
		snprintf(name, sizeof(name), "lz_%d", i);
		mz[i] = rte_memzone_reserve(name, 64, SOCKET_ID_ANY, 0);
	}
	double t0 = now();
	for (int i = 0; i < iters; i++) {
		snprintf(name, sizeof(name), "lz_%d", i % count);
		if (rte_memzone_lookup(name) == NULL) { fprintf(stderr, "lookup failed\n"); exit(1); }
	}
	double r = iters / (now() - t0);
	for (int i = 0; i < count; i++) rte_memzone_free(mz[i]);
	return r;
}

int main(int argc, char **argv) {
	int ret = rte_eal_init(argc, argv);
	if (ret < 0) { fprintf(stderr, "rte_eal_init failed\n"); return 1; }
	const char *which = ret + 1 < argc ? argv[ret + 1] : "malloc";
	if (strcmp(which, "malloc") == 0) {
		printf("malloc_free_64B %.0f\n", malloc_free_pairs(64, 200000));
		printf("malloc_free_4KB %.0f\n", malloc_free_pairs(4096, 200000));
		printf("malloc_20k_then_free_256B %.0f\n", malloc_many_then_free(256));
	} else {
		printf("memzone_reserve_free_4KB %.0f\n", memzone_reserve_free(1000));
		printf("memzone_lookup_of_100 %.0f\n", memzone_lookup(100, 200000));
	}
	rte_eal_cleanup();
	return 0;
}
