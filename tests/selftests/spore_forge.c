// SPDX-License-Identifier: GPL-2.0
/*
 * spore_forge: the tests' hostile and well-behaved spore maker.
 *
 *   spore_forge make -k KEY -c CERT -i ID -o FILE [-t TYPE] [-v VERSION]
 *                    [-a AGE_MS] [-l TTL] [-d TEXT] [-O ORIGIN] [-r]
 *       a spore signed with KEY carrying CERT: TYPE primary, seed or
 *       latent (default seed); AGE_MS how long ago it was issued (negative:
 *       in the future; default 0 = now; -A for an absolute ms timestamp);
 *       -O claims another origin (hex node id), -r spoils the signature.
 *   spore_forge digest FILE
 *       its digest (BLAKE2b-256 of the encoding), in hex.
 *   spore_forge inject FILE...
 *       registers as the netns's daemon (the node's myceliumd must be
 *       stopped: its keys stay in the kernel) and adds each spore as
 *       accepted, to be forwarded: the kernel sends it to its peers as it
 *       would any spore its daemon accepted.
 *
 * It builds spores with myceliumd's own code (spore.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <sodium.h>

#include "libmyc.h"
#include "spore.h"

static int usage(void)
{
	fprintf(stderr,
		"usage: spore_forge make -k KEY -c CERT -i ID -o FILE [-t TYPE] [-v VERSION]\n"
		"                   [-a AGE_MS | -A TIMESTAMP_MS] [-l TTL] [-d TEXT] [-O ORIGIN] [-r]\n"
		"       spore_forge digest FILE\n"
		"       spore_forge inject FILE...\n");
	return 2;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int make(int argc, char **argv)
{
	const char *key = NULL, *certf = NULL, *id = NULL, *out = NULL;
	const char *text = "forged";
	struct spore_spec s = {
		.type = MYC_SPORE_SEED, .kind = MYC_SPORE_KIND_DATA,
		.version = 0, .ttl_s = 300,
	};
	uint8_t blob[MYC_SPORE_MAX];
	uint64_t origin = 0;
	long long age = 0, ts = -1;
	struct ident self;
	struct cert cert;
	bool spoil = false;
	char err[256];
	size_t n;
	FILE *f;
	int o;

	while ((o = getopt(argc, argv, "k:c:i:o:t:v:a:A:l:d:O:r")) != -1) {
		switch (o) {
		case 'k': key = optarg; break;
		case 'c': certf = optarg; break;
		case 'i': id = optarg; break;
		case 'o': out = optarg; break;
		case 't':
			s.type = !strcmp(optarg, "primary") ? MYC_SPORE_PRIMARY :
				 !strcmp(optarg, "latent") ? MYC_SPORE_LATENT :
				 MYC_SPORE_SEED;
			break;
		case 'v': s.version = strtoull(optarg, NULL, 10); break;
		case 'a': age = strtoll(optarg, NULL, 10); break;
		case 'A': ts = strtoll(optarg, NULL, 10); break;
		case 'l': s.ttl_s = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'd': text = optarg; break;
		case 'O': origin = strtoull(optarg, NULL, 16); break;
		case 'r': spoil = true; break;
		default: return usage();
		}
	}
	if (!key || !certf || !id || !out)
		return usage();
	if (ident_load(&self, key, err, sizeof(err)) ||
	    cert_load(&cert, certf, err, sizeof(err))) {
		fprintf(stderr, "spore_forge: %s\n", err);
		return 1;
	}
	if (origin)
		self.id = origin;	/* signed by KEY, claiming ORIGIN */
	s.id = id;
	s.payload = (const uint8_t *)text;
	s.payload_len = (uint16_t)strlen(text);
	s.timestamp_ms = ts >= 0 ? (uint64_t)ts : (uint64_t)((long long)now_ms() - age);
	if (!s.version)
		s.version = s.timestamp_ms;
	n = spore_build(blob, sizeof(blob), &self, &cert, &s);
	if (!n) {
		fprintf(stderr, "spore_forge: cannot encode that spore\n");
		return 1;
	}
	if (spoil)
		blob[n - 1] ^= 0x55;
	f = fopen(out, "wb");
	if (!f || fwrite(blob, 1, n, f) != n || fclose(f)) {
		perror(out);
		return 1;
	}
	return 0;
}

static int inject(int argc, char **argv)
{
	uint8_t blob[MYC_SPORE_MAX + 1], digest[MYC_SPORE_DIGEST_LEN];
	struct nlmsghdr *nlh;
	struct myc_nl h;
	int err, i;

	if (argc < 2)
		return usage();
	err = myc_nl_open(&h);
	if (!err)
		err = myc_nl_talk(&h, myc_nl_msg(&h, MYC_CMD_DAEMON_REGISTER, 0),
				  NULL, NULL);
	if (err) {
		fprintf(stderr, "spore_forge: register: %s %s\n",
			strerror(-err), h.errmsg);
		return 1;
	}
	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		size_t n = f ? fread(blob, 1, sizeof(blob), f) : 0;

		if (f)
			fclose(f);
		if (!n || n > MYC_SPORE_MAX) {
			fprintf(stderr, "spore_forge: %s: not a spore file\n",
				argv[i]);
			return 1;
		}
		crypto_generichash(digest, sizeof(digest), blob, n, NULL, 0);
		nlh = myc_nl_msg(&h, MYC_CMD_SPORE_ADD, 0);
		mnl_attr_put(nlh, MYC_A_SPORE_BLOB, n, blob);
		mnl_attr_put_u8(nlh, MYC_A_SPORE_STATE, MYC_SPORE_ACCEPTED);
		mnl_attr_put_u8(nlh, MYC_A_SPORE_FORWARD, 1);
		mnl_attr_put(nlh, MYC_A_SPORE_DIGEST, sizeof(digest), digest);
		err = myc_nl_talk(&h, nlh, NULL, NULL);
		if (err) {
			fprintf(stderr, "spore_forge: %s: %s %s\n", argv[i],
				strerror(-err), h.errmsg);
			return 1;
		}
	}
	myc_nl_close(&h);
	return 0;
}

static int digest_of(const char *path)
{
	uint8_t blob[MYC_SPORE_MAX + 1], d[MYC_SPORE_DIGEST_LEN];
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(blob, 1, sizeof(blob), f) : 0;

	if (f)
		fclose(f);
	if (!n)
		return usage();
	crypto_generichash(d, sizeof(d), blob, n, NULL, 0);
	for (size_t i = 0; i < sizeof(d); i++)
		printf("%02x", d[i]);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0)
		return 1;
	if (argc >= 2 && !strcmp(argv[1], "make"))
		return make(argc - 1, argv + 1);
	if (argc == 3 && !strcmp(argv[1], "digest"))
		return digest_of(argv[2]);
	if (argc >= 2 && !strcmp(argv[1], "inject"))
		return inject(argc - 1, argv + 1);
	return usage();
}
