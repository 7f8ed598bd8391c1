/* DPDK C side of bench/mbuf: rte_pktmbuf_alloc_bulk + rte_pktmbuf_free_bulk of 32 (and alloc + free of
 * one) on a pktmbuf pool of 8191 mbufs with a 256-entry cache, timed with clock_gettime. Prints
 * "<case> <mbufs_per_second>" lines. Args after "--": seconds per case. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <rte_eal.h>
#include <rte_mempool.h>
#include <rte_mbuf.h>

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double bulk_case(struct rte_mempool *mp, unsigned bulk, unsigned long iters) {
	struct rte_mbuf *m[64];
	double t0 = now();
	for (unsigned long i = 0; i < iters; i++) {
		if (rte_pktmbuf_alloc_bulk(mp, m, bulk) != 0) { fprintf(stderr, "alloc_bulk failed\n"); exit(1); }
		rte_pktmbuf_free_bulk(m, bulk);
	}
	return (double)iters * bulk / (now() - t0);
}

static double single_case(struct rte_mempool *mp, unsigned long iters) {
	double t0 = now();
	for (unsigned long i = 0; i < iters; i++) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
		if (m == NULL) { fprintf(stderr, "alloc failed\n"); exit(1); }
		rte_pktmbuf_free(m);
	}
	return (double)iters / (now() - t0);
}

int main(int argc, char **argv) {
	int ret = rte_eal_init(argc, argv);
	if (ret < 0) { fprintf(stderr, "rte_eal_init failed\n"); return 1; }
	double secs = ret + 1 < argc ? atof(argv[ret + 1]) : 0.2;
	struct rte_mempool *mp = rte_pktmbuf_pool_create("perf_mbuf", 8191, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (mp == NULL) { fprintf(stderr, "pktmbuf_pool_create failed\n"); return 1; }
	double probe = bulk_case(mp, 32, 20000);
	printf("pktmbuf_alloc_free_bulk32 %.0f\n", bulk_case(mp, 32, (unsigned long)(probe * secs / 32) + 1));
	probe = single_case(mp, 100000);
	printf("pktmbuf_alloc_free_1 %.0f\n", single_case(mp, (unsigned long)(probe * secs) + 1));
	rte_mempool_free(mp);
	rte_eal_cleanup();
	return 0;
}
