/* DPDK C side of bench/ring_perf: the same cases as the TypeScript side, on rte_ring with 4-byte
 * elements (rte_ring_*_elem, esize 4, like our u32 objects), timed with clock_gettime. Prints
 * "<case> <objects_per_second>" lines. Built on the fly against Debian's libdpdk. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#define RING_SIZE 4096
#define ESIZE 4

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint32_t objs[64];

/* Enqueue then dequeue the same b objects, `total` objects in all; kind 0 single, 1 bulk, 2 burst. */
static double enq_deq(struct rte_ring *r, int mp, int kind, unsigned int b, uint64_t total) {
	uint64_t iters = total / b;
	double t0 = now();
	for (uint64_t i = 0; i < iters; i++) {
		unsigned int n;
		if (kind == 0) {
			if (mp) {
				rte_ring_mp_enqueue_elem(r, &objs[0], ESIZE);
				rte_ring_mc_dequeue_elem(r, &objs[1], ESIZE);
			} else {
				rte_ring_sp_enqueue_elem(r, &objs[0], ESIZE);
				rte_ring_sc_dequeue_elem(r, &objs[1], ESIZE);
			}
			continue;
		}
		if (kind == 1) {
			n = mp ? rte_ring_mp_enqueue_bulk_elem(r, objs, ESIZE, b, NULL) : rte_ring_sp_enqueue_bulk_elem(r, objs, ESIZE, b, NULL);
			n = mp ? rte_ring_mc_dequeue_bulk_elem(r, objs, ESIZE, n, NULL) : rte_ring_sc_dequeue_bulk_elem(r, objs, ESIZE, n, NULL);
		} else {
			n = mp ? rte_ring_mp_enqueue_burst_elem(r, objs, ESIZE, b, NULL) : rte_ring_sp_enqueue_burst_elem(r, objs, ESIZE, b, NULL);
			n = mp ? rte_ring_mc_dequeue_burst_elem(r, objs, ESIZE, n, NULL) : rte_ring_sc_dequeue_burst_elem(r, objs, ESIZE, n, NULL);
		}
		if (n != b) { fprintf(stderr, "unexpected count %u\n", n); exit(1); }
	}
	return (double)(iters * b) / (now() - t0);
}

struct prod_arg {
	struct rte_ring *r;
	uint64_t total;
};

static int producer(void *p) {
	struct prod_arg *a = p;
	uint32_t src[32];
	uint64_t done = 0;
	for (int i = 0; i < 32; i++) src[i] = i + 1;
	while (done < a->total) {
		unsigned int want = a->total - done < 32 ? (unsigned int)(a->total - done) : 32;
		done += rte_ring_enqueue_burst_elem(a->r, src, ESIZE, want, NULL);
	}
	return 0;
}

/* Worker lcore produces bursts of 32, the main lcore consumes; timed from the first object received. */
static double two_lcore(struct rte_ring *r, uint64_t total) {
	struct prod_arg a = { r, total };
	uint32_t dst[32];
	unsigned int worker = rte_get_next_lcore(-1, 1, 0);
	if (worker >= RTE_MAX_LCORE) { fprintf(stderr, "needs 2 lcores\n"); exit(1); }
	rte_eal_remote_launch(producer, &a, worker);
	uint64_t got = 0;
	double t0 = 0;
	while (got < total) {
		unsigned int n = rte_ring_dequeue_burst_elem(r, dst, ESIZE, 32, NULL);
		if (n != 0 && got == 0) t0 = now();
		got += n;
	}
	double t = now() - t0;
	rte_eal_wait_lcore(worker);
	return (double)total / t;
}

static int want(const char *only, const char *name) {
	return strcmp(only, "all") == 0 || strcmp(only, name) == 0;
}

/* args after "--": [scale [case|all]] */
int main(int argc, char **argv) {
	int ret = rte_eal_init(argc, argv);
	if (ret < 0) { fprintf(stderr, "rte_eal_init failed\n"); return 1; }
	double scale = ret + 1 < argc ? atof(argv[ret + 1]) : 1.0;
	const char *only = ret + 2 < argc ? argv[ret + 2] : "all";
	uint64_t n1 = (uint64_t)((1 << 23) * scale), n8 = (uint64_t)((1 << 24) * scale), n32 = (uint64_t)((1 << 25) * scale);
	struct rte_ring *sp = rte_ring_create_elem("perf_spsc", ESIZE, RING_SIZE, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	struct rte_ring *mp = rte_ring_create_elem("perf_mpmc", ESIZE, RING_SIZE, SOCKET_ID_ANY, 0);
	if (sp == NULL || mp == NULL) { fprintf(stderr, "rte_ring_create failed\n"); return 1; }
	char name[64];
	for (int m = 0; m < 2; m++) {
		struct rte_ring *r = m ? mp : sp;
		const char *p = m ? "mp_mc" : "sp_sc";
		snprintf(name, sizeof(name), "%s_single", p);
		if (want(only, name)) printf("%s %.0f\n", name, enq_deq(r, m, 0, 1, n1));
		for (int kind = 1; kind <= 2; kind++) {
			for (unsigned int b = 8; b <= 32; b *= 4) {
				snprintf(name, sizeof(name), "%s_%s_%u", p, kind == 1 ? "bulk" : "burst", b);
				if (want(only, name)) printf("%s %.0f\n", name, enq_deq(r, m, kind, b, b == 8 ? n8 : n32));
			}
		}
	}
	if (want(only, "sp_sc_2lcore_burst_32")) printf("sp_sc_2lcore_burst_32 %.0f\n", two_lcore(sp, n32));
	if (want(only, "mp_mc_2lcore_burst_32")) printf("mp_mc_2lcore_burst_32 %.0f\n", two_lcore(mp, n32));
	rte_ring_free(sp);
	rte_ring_free(mp);
	rte_eal_cleanup();
	return 0;
}
