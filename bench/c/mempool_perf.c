/* DPDK C side of bench/mempool: the same cases as bench/mempool_perf.ts, timed with clock_gettime.
 * Like DPDK's mempool_perf_autotest: each lcore repeatedly gets `keep` (32) objects in bulks of `bulk`,
 * then puts them back in bulks of `bulk`; the rate counts objects through get+put per second, summed
 * over the lcores. Prints "<case> <objects_per_second>" lines. Args after "--": seconds per case. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_launch.h>
#include <rte_mempool.h>

#define KEEP 32
#define ELT_SIZE 2048

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

struct job {
	struct rte_mempool *mp;
	unsigned bulk;
	unsigned long iters;
	double rate;
};

static volatile int start_flag;
static struct job jobs[RTE_MAX_LCORE];

static int run_job(void *arg) {
	struct job *j = arg;
	void *objs[KEEP];
	while (!start_flag)
		;
	double t0 = now();
	for (unsigned long i = 0; i < j->iters; i++) {
		for (unsigned k = 0; k < KEEP; k += j->bulk)
			if (rte_mempool_get_bulk(j->mp, &objs[k], j->bulk) < 0) { fprintf(stderr, "get failed\n"); exit(1); }
		for (unsigned k = 0; k < KEEP; k += j->bulk)
			rte_mempool_put_bulk(j->mp, &objs[k], j->bulk);
	}
	j->rate = (double)j->iters * KEEP / (now() - t0);
	return 0;
}

static double mempool_case(unsigned cache, unsigned bulk, unsigned nlcores, unsigned long iters) {
	char name[32];
	static int seq;
	snprintf(name, sizeof(name), "perf_%d", seq++);
	unsigned n = nlcores * (KEEP + RTE_MEMPOOL_CACHE_MAX_SIZE * 3 / 2) - 1;
	struct rte_mempool *mp = rte_mempool_create(name, n, ELT_SIZE, cache, 0, NULL, NULL, NULL, NULL, SOCKET_ID_ANY, 0);
	if (mp == NULL) { fprintf(stderr, "mempool_create failed\n"); exit(1); }
	unsigned lc, used = 0;
	start_flag = 0;
	RTE_LCORE_FOREACH_WORKER(lc) {
		if (used + 1 >= nlcores) break;
		jobs[lc] = (struct job){ mp, bulk, iters, 0 };
		rte_eal_remote_launch(run_job, &jobs[lc], lc);
		used++;
	}
	unsigned main = rte_get_main_lcore();
	jobs[main] = (struct job){ mp, bulk, iters, 0 };
	start_flag = 1;
	run_job(&jobs[main]);
	rte_eal_mp_wait_lcore();
	double total = jobs[main].rate;
	used = 0;
	RTE_LCORE_FOREACH_WORKER(lc) {
		if (used + 1 >= nlcores) break;
		total += jobs[lc].rate;
		used++;
	}
	rte_mempool_free(mp);
	return total;
}

int main(int argc, char **argv) {
	int ret = rte_eal_init(argc, argv);
	if (ret < 0) { fprintf(stderr, "rte_eal_init failed\n"); return 1; }
	double secs = ret + 1 < argc ? atof(argv[ret + 1]) : 0.2;
	{
		static const unsigned caches[] = { 512, 0 };
		static const unsigned bulks[] = { 1, 4, 32 };
		for (unsigned nl = 1; nl <= 2; nl++) {
			if (nl > rte_lcore_count()) break;
			for (unsigned c = 0; c < 2; c++)
				for (unsigned b = 0; b < 3; b++) {
					/* calibrate iterations to about `secs` seconds */
					double probe = mempool_case(caches[c], bulks[b], nl, 20000);
					unsigned long iters = (unsigned long)(probe / nl * secs / KEEP) + 1;
					double r = mempool_case(caches[c], bulks[b], nl, iters);
					printf("%s_bulk%u_%ulcore %.0f\n", caches[c] ? "cache" : "nocache", bulks[b], nl, r);
				}
		}
	}
	rte_eal_cleanup();
	return 0;
}
