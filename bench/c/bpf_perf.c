/* DPDK C side of bench/bpf: classic BPF programs (libpcap's, passed as tcpdump -ddd text with ',' for
 * newlines) converted with rte_bpf_convert, loaded with rte_bpf_load, then run over a burst of 32 mbufs
 * holding the frames of a file ([u16 length][bytes] records): rte_bpf_exec_burst (interpreter) and the
 * JIT function (rte_bpf_get_jit) per mbuf. Prints "<name>_interp <packets_per_second>" and
 * "<name>_jit <packets_per_second>". Args after "--": seconds, frames file, then name program pairs.
 * With seconds 0 it only prints "== <name>" and rte_bpf_dump of each converted program; with seconds -1,
 * "== <name>" and one '0'/'1' per frame of the file (all of them) from rte_bpf_exec_burst (tests compare). */
#define ALLOW_EXPERIMENTAL_API 1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pcap/bpf.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_bpf.h>

#define BURST 32

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static volatile uint64_t sink;

static double run_interp(struct rte_bpf *bpf, struct rte_mbuf **m, unsigned long iters) {
	uint64_t rc[BURST];
	double t0 = now();
	for (unsigned long i = 0; i < iters; i++) {
		rte_bpf_exec_burst(bpf, (void **)m, rc, BURST);
		sink += rc[i % BURST];
	}
	return (double)iters * BURST / (now() - t0);
}

static double run_jit(uint64_t (*f)(void *), struct rte_mbuf **m, unsigned long iters) {
	double t0 = now();
	for (unsigned long i = 0; i < iters; i++) {
		uint64_t s = 0;
		for (unsigned k = 0; k < BURST; k++) s += f(m[k]);
		sink += s;
	}
	return (double)iters * BURST / (now() - t0);
}

static struct bpf_program parse_prog(const char *text) {
	struct bpf_program p;
	char *s = strdup(text), *save = NULL;
	char *tok = strtok_r(s, ",", &save);
	p.bf_len = (unsigned)atoi(tok);
	p.bf_insns = calloc(p.bf_len, sizeof(struct bpf_insn));
	for (unsigned i = 0; i < p.bf_len; i++) {
		tok = strtok_r(NULL, ",", &save);
		if (tok == NULL) { fprintf(stderr, "short program\n"); exit(1); }
		unsigned code, jt, jf, k;
		if (sscanf(tok, "%u %u %u %u", &code, &jt, &jf, &k) != 4) { fprintf(stderr, "bad insn '%s'\n", tok); exit(1); }
		p.bf_insns[i] = (struct bpf_insn){ .code = code, .jt = jt, .jf = jf, .k = k };
	}
	free(s);
	return p;
}

int main(int argc, char **argv) {
	int ret = rte_eal_init(argc, argv);
	if (ret < 0) { fprintf(stderr, "rte_eal_init failed\n"); return 1; }
	argc -= ret + 1;
	argv += ret + 1;
	if (argc < 2) { fprintf(stderr, "usage: -- seconds frames-file name program ...\n"); return 1; }
	double secs = atof(argv[0]);
	if (secs == 0) {
		for (int a = 2; a + 1 < argc; a += 2) {
			struct bpf_program cb = parse_prog(argv[a + 1]);
			struct rte_bpf_prm *prm = rte_bpf_convert(&cb);
			if (prm == NULL) { printf("== %s\nerror %d\n", argv[a], rte_errno); continue; }
			printf("== %s\n", argv[a]);
			rte_bpf_dump(stdout, prm->ins, prm->nb_ins);
			rte_free(prm);
			free(cb.bf_insns);
		}
		fflush(stdout);
		rte_eal_cleanup();
		return 0;
	}
	if (secs < 0) {
		struct rte_mempool *vp = rte_pktmbuf_pool_create("verdict_bpf", 1023, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
		FILE *vf = fopen(argv[1], "rb");
		if (vp == NULL || vf == NULL) { fprintf(stderr, "verdict setup failed\n"); return 1; }
		struct rte_mbuf *vm[1023];
		unsigned nf = 0;
		unsigned char lb[2];
		while (nf < 1023 && fread(lb, 1, 2, vf) == 2) {
			unsigned len = lb[0] | lb[1] << 8;
			vm[nf] = rte_pktmbuf_alloc(vp);
			char *d = rte_pktmbuf_append(vm[nf], len);
			if (d == NULL || (len > 0 && fread(d, 1, len, vf) != len)) { fprintf(stderr, "bad frame %u\n", nf); return 1; }
			nf++;
		}
		fclose(vf);
		uint64_t *rc = calloc(nf, sizeof(*rc));
		for (int a = 2; a + 1 < argc; a += 2) {
			struct bpf_program cb = parse_prog(argv[a + 1]);
			struct rte_bpf_prm *prm = rte_bpf_convert(&cb);
			struct rte_bpf *bpf = prm ? rte_bpf_load(prm) : NULL;
			printf("== %s\n", argv[a]);
			if (bpf == NULL) { printf("error %d\n", rte_errno); continue; }
			rte_bpf_exec_burst(bpf, (void **)vm, rc, nf);
			for (unsigned k = 0; k < nf; k++) putchar(rc[k] ? '1' : '0');
			putchar('\n');
			rte_bpf_destroy(bpf);
			rte_free(prm);
			free(cb.bf_insns);
		}
		fflush(stdout);
		rte_pktmbuf_free_bulk(vm, nf);
		rte_mempool_free(vp);
		rte_eal_cleanup();
		return 0;
	}
	struct rte_mempool *mp = rte_pktmbuf_pool_create("perf_bpf", 255, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (mp == NULL) { fprintf(stderr, "pktmbuf_pool_create failed\n"); return 1; }
	FILE *fp = fopen(argv[1], "rb");
	if (fp == NULL) { perror(argv[1]); return 1; }
	struct rte_mbuf *m[BURST];
	for (unsigned k = 0; k < BURST; k++) {
		unsigned char lb[2];
		if (fread(lb, 1, 2, fp) != 2) { fprintf(stderr, "frames file too short\n"); return 1; }
		unsigned len = lb[0] | lb[1] << 8;
		m[k] = rte_pktmbuf_alloc(mp);
		char *d = rte_pktmbuf_append(m[k], len);
		if (d == NULL || fread(d, 1, len, fp) != len) { fprintf(stderr, "bad frame %u\n", k); return 1; }
	}
	fclose(fp);
	for (int a = 2; a + 1 < argc; a += 2) {
		struct bpf_program cb = parse_prog(argv[a + 1]);
		struct rte_bpf_prm *prm = rte_bpf_convert(&cb);
		if (prm == NULL) { fprintf(stderr, "rte_bpf_convert: %s\n", rte_strerror(rte_errno)); return 1; }
		struct rte_bpf *bpf = rte_bpf_load(prm);
		if (bpf == NULL) { fprintf(stderr, "rte_bpf_load: %s\n", rte_strerror(rte_errno)); return 1; }
		double probe = run_interp(bpf, m, 20000);
		printf("%s_interp %.0f\n", argv[a], run_interp(bpf, m, (unsigned long)(probe * secs / BURST) + 1));
		fflush(stdout);
		struct rte_bpf_jit jit;
		if (rte_bpf_get_jit(bpf, &jit) == 0 && jit.func != NULL) {
			probe = run_jit(jit.func, m, 20000);
			printf("%s_jit %.0f\n", argv[a], run_jit(jit.func, m, (unsigned long)(probe * secs / BURST) + 1));
			fflush(stdout);
		}
		rte_bpf_destroy(bpf);
		rte_free(prm);
		free(cb.bf_insns);
	}
	rte_pktmbuf_free_bulk(m, BURST);
	rte_mempool_free(mp);
	rte_eal_cleanup();
	return 0;
}
