// SPDX-License-Identifier: GPL-2.0
/*
 * myceliumd: authenticates the peers of the node of its network namespace
 * (SPEC section 8), and the key and certificate tools.
 *
 *   myceliumd [run] [-c CONFIG] [-l LEVEL]    the daemon, in the foreground
 *   myceliumd key generate -o FILE           an identity (Ed25519)
 *   myceliumd key show FILE                  its public key and node id
 *   myceliumd cert issue -a AUTHORITY_KEY -k NODE_KEY -t TYPE
 *                        [-d DAYS] -o FILE   a certificate for a node
 *   myceliumd cert show FILE [-a AUTHORITY]  what it says, and whether it
 *                                            holds for the authority
 *   myceliumd trust list [-c CONFIG] [-j]    the trust scores it keeps
 *   myceliumd trust set NODE SCORE [-c CONFIG]
 *   myceliumd spore list [-c CONFIG] [-j]    the spores it judged
 *
 * The daemon loads its identity and certificate, checks the certificate
 * against its trusted authorities, sets the kernel's node id (derived from
 * its key) and type (from its certificate), registers as the netns's
 * daemon and then runs the handshakes the kernel asks for (handshake.h)
 * and judges, stores, issues and spreads spores (spores.h), until SIGINT
 * or SIGTERM.  Its netlink socket closing ends the
 * registration; the keys stay in the kernel.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/mycelium.h>
#include <sodium.h>

#include "config.h"
#include "handshake.h"
#include "ident.h"
#include "kernel.h"
#include "libmyc.h"
#include "clock.h"
#include "log.h"
#include "spores.h"
#include "store.h"

#define DEFAULT_CONFIG	"/etc/mycelium/myceliumd.conf"
#define TICK_MS		100

static const char *const type_names[] = { "sclerotia", "rhizomorph", "hyphae" };

static volatile sig_atomic_t stop;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: myceliumd [ run ] [ -c CONFIG ] [ -l LEVEL ]\n"
		"       myceliumd key generate -o FILE\n"
		"       myceliumd key show FILE\n"
		"       myceliumd cert issue -a AUTHORITY_KEY -k NODE_KEY -t TYPE\n"
		"                            [ -d DAYS | -s SECONDS ] -o FILE\n"
		"       myceliumd cert show FILE [ -a AUTHORITY ]...\n"
		"       myceliumd trust list [ -c CONFIG ] [ -j ]\n"
		"       myceliumd trust set NODE_ID SCORE [ -c CONFIG ]\n"
		"       myceliumd spore list [ -c CONFIG ] [ -j ]\n"
		"       myceliumd help\n"
		"where  CONFIG := the configuration file (default %s)\n"
		"       LEVEL := { error | warning | notice | info | debug }\n"
		"       NODE_KEY, AUTHORITY := a key file or a base64 public key\n"
		"       TYPE := { sclerotia | rhizomorph | hyphae }\n"
		"       DAYS, SECONDS := how long the certificate holds (default 365 days)\n"
		"       SCORE := 0..1000\n",
		DEFAULT_CONFIG);
}

/* "Error: ..." on stderr (libmyc, as myc prints them) and status 1. */
#define fail(...) (myc_error(__VA_ARGS__), 1)

static uint64_t now_s(void)
{
	return (uint64_t)time(NULL);
}

static int type_parse(const char *s)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(s, type_names[i]))
			return i;
	return -1;
}

static const char *type_name(unsigned int t)
{
	return t < 3 ? type_names[t] : "unknown";
}

/* Tools */

static int key_generate(int argc, char **argv)
{
	const char *out = NULL;
	struct ident id;
	char err[256], pk[64];
	int c;

	while ((c = getopt(argc, argv, "o:")) != -1) {
		if (c != 'o')
			return fail("try \"myceliumd help\"");
		out = optarg;
	}
	if (!out)
		return fail("key generate needs -o FILE");
	ident_generate(&id);
	if (ident_save(&id, out, err, sizeof(err)))
		return fail("%s", err);
	printf("public-key %s\nnode-id %016" PRIx64 "\n",
	       b64(pk, sizeof(pk), id.pk, ID_PK_LEN), id.id);
	sodium_memzero(&id, sizeof(id));
	return 0;
}

static int key_show(int argc, char **argv)
{
	uint8_t pk[ID_PK_LEN];
	char err[256], enc[64];

	if (argc != 2)
		return fail("key show needs one FILE");
	if (pubkey_parse(pk, argv[1], err, sizeof(err)))
		return fail("%s", err);
	printf("public-key %s\nnode-id %016" PRIx64 "\n",
	       b64(enc, sizeof(enc), pk, ID_PK_LEN), ident_node_id(pk));
	return 0;
}

static int cert_issue_cmd(int argc, char **argv)
{
	const char *auth = NULL, *node = NULL, *out = NULL, *type = NULL;
	long long valid = 365LL * 86400;
	struct ident authority;
	uint8_t pk[ID_PK_LEN];
	char err[256], *end;
	struct cert c;
	int o, t;

	while ((o = getopt(argc, argv, "a:k:t:d:s:o:")) != -1) {
		switch (o) {
		case 'a': auth = optarg; break;
		case 'k': node = optarg; break;
		case 't': type = optarg; break;
		case 'o': out = optarg; break;
		case 'd':
		case 's':
			valid = strtoll(optarg, &end, 10);
			if (*end || !*optarg || valid < -36500 * 86400LL ||
			    valid > 36500 * 86400LL ||
			    (o == 'd' && (valid < -36500 || valid > 36500)))
				return fail("invalid %s \"%s\"",
					    o == 'd' ? "days" : "seconds",
					    optarg);
			if (o == 'd')
				valid *= 86400;
			break;
		default:
			return fail("try \"myceliumd help\"");
		}
	}
	if (!auth || !node || !type || !out)
		return fail("cert issue needs -a, -k, -t and -o");
	t = type_parse(type);
	if (t < 0)
		return fail("invalid type \"%s\" (sclerotia, rhizomorph or hyphae)",
			    type);
	if (ident_load(&authority, auth, err, sizeof(err)))
		return fail("%s", err);
	if (pubkey_parse(pk, node, err, sizeof(err)))
		return fail("%s", err);
	cert_issue(&c, &authority, pk, (uint8_t)t,
		   (uint64_t)((int64_t)now_s() + valid));
	sodium_memzero(&authority, sizeof(authority));
	if (cert_save(&c, out, err, sizeof(err)))
		return fail("%s", err);
	printf("node-id %016" PRIx64 " type %s expires %" PRIu64 "\n",
	       ident_node_id(pk), type_names[t], c.expiry);
	return 0;
}

static int cert_show_cmd(int argc, char **argv)
{
	struct trust trust = {};
	uint8_t pk[ID_PK_LEN];
	char err[256], enc[64];
	const char *why;
	struct cert c;
	int o;

	while ((o = getopt(argc, argv, "a:")) != -1) {
		if (o != 'a')
			return fail("try \"myceliumd help\"");
		if (pubkey_parse(pk, optarg, err, sizeof(err)))
			return fail("%s", err);
		if (trust_add(&trust, pk))
			return fail("too many authorities");
	}
	if (optind != argc - 1)
		return fail("cert show needs one FILE");
	if (cert_load(&c, argv[optind], err, sizeof(err)))
		return fail("%s", err);
	printf("node-id %016" PRIx64 "\n", ident_node_id(c.node_pk));
	printf("public-key %s\n", b64(enc, sizeof(enc), c.node_pk, ID_PK_LEN));
	printf("type %s\nexpires %" PRIu64 "\n", type_name(c.type), c.expiry);
	printf("authority %s\n", b64(enc, sizeof(enc), c.auth_pk, ID_PK_LEN));
	if (!trust.n)
		return 0;
	why = cert_check(&c, &trust, now_s());
	printf("valid %s\n", why ? why : "yes");
	return why ? 1 : 0;
}

/* The database tools: trust list|set, spore list. */
static int db_tool(int argc, char **argv, const char *what)
{
	const char *conf = DEFAULT_CONFIG;
	bool json = false, set = !strcmp(what, "trust set");
	unsigned long long node = 0;
	unsigned long score = 0;
	struct config cfg;
	struct store *db;
	char err[512], *end;
	int o, rc;

	while ((o = getopt(argc, argv, "c:j")) != -1) {
		if (o == 'c')
			conf = optarg;
		else if (o == 'j' && !set)
			json = true;
		else
			return fail("try \"myceliumd help\"");
	}
	if (set) {
		if (optind != argc - 2)
			return fail("trust set needs NODE_ID and SCORE");
		node = strtoull(argv[optind], &end, 16);
		if (*end || !*argv[optind] || !node)
			return fail("invalid node id \"%s\"", argv[optind]);
		score = strtoul(argv[optind + 1], &end, 10);
		if (*end || !*argv[optind + 1] || score > MYC_TRUST_MAX)
			return fail("invalid score \"%s\" (0..1000)",
				    argv[optind + 1]);
	} else if (optind != argc) {
		return fail("unexpected argument \"%s\"", argv[optind]);
	}
	if (config_load(conf, &cfg))
		return fail("%s", cfg.err);
	db = store_open(cfg.database, err, sizeof(err));
	if (!db)
		return fail("%s", err);
	if (set)
		rc = store_trust_set(db, node, (uint32_t)score);
	else if (!strcmp(what, "trust list"))
		rc = store_print_trust(db, json);
	else
		rc = store_print_spores(db, json);
	store_close(db);
	return rc ? fail("the database refused it") : 0;
}

/* The daemon */

struct peer_hs {
	struct hs hs;
	struct hs_pair pair;
	bool have_pair;
};

static struct peer_hs *peers;
static unsigned int n_peers;

static struct peer_hs *peer_get(uint64_t id)
{
	struct peer_hs *p;

	for (unsigned int i = 0; i < n_peers; i++)
		if (peers[i].hs.peer == id)
			return &peers[i];
	if (n_peers >= MYC_MAX_PEERS)
		return NULL;
	p = realloc(peers, (n_peers + 1) * sizeof(*peers));
	if (!p)
		return NULL;
	peers = p;
	p = &peers[n_peers++];
	memset(p, 0, sizeof(*p));
	hs_init(&p->hs, id);
	return p;
}

/* Carry out what the handshake said. */
static void act(struct kern *k, struct peer_hs *p, const struct hs_out *out)
{
	uint64_t id = p->hs.peer;
	int err;

	if (out->keys) {
		/* kernel.c logs the outcome when the kernel answers */
		err = kern_keys(k, id, out);
		if (err)
			logm(LOG_WARNING, "peer %016" PRIx64 ": keys not sent: %s",
			     id, strerror(-err));
	}
	if (out->msg_len) {
		err = kern_handshake(k, id, out->msg, out->msg_len);
		if (err)
			logm(LOG_WARNING, "peer %016" PRIx64 ": cannot send: %s",
			     id, strerror(-err));
	}
	if (out->fail) {
		logm(LOG_WARNING, "peer %016" PRIx64 " refused: %s", id,
		     out->why);
		kern_refuse(k, id);
	} else if (out->why) {
		logm(LOG_DEBUG, "peer %016" PRIx64 ": %s", id, out->why);
	}
}

static void on_kernel(const struct hs_self *self, struct kern *k,
		      const struct kern_msg *m)
{
	static const char *const reasons[] = { "new", "rekey", "retry" };
	struct peer_hs *p = peer_get(m->pair.peer);
	struct hs_out out;

	if (!p) {
		logm(LOG_ERR, "no memory for peer %016" PRIx64, m->pair.peer);
		return;
	}
	p->pair = m->pair;
	p->have_pair = true;
	if (m->cmd == MYC_CMD_AUTH_NTF) {
		logm(LOG_DEBUG, "kernel asks for keys for %016" PRIx64 " (%s)",
		     m->pair.peer, m->reason >= 0 && m->reason < 3 ?
		     reasons[m->reason] : "?");
		hs_request(self, &p->hs, &p->pair, mono_ms(), &out);
	} else {
		hs_receive(self, &p->hs, &p->pair, m->data, m->len, mono_ms(),
			   now_s(), &out);
	}
	act(k, p, &out);
	sodium_memzero(&out, sizeof(out));
}

static void on_tick(const struct hs_self *self, struct kern *k)
{
	struct hs_out out;

	for (unsigned int i = 0; i < n_peers; i++) {
		if (!peers[i].have_pair)
			continue;
		hs_timer(self, &peers[i].hs, &peers[i].pair, mono_ms(), &out);
		act(k, &peers[i], &out);
		sodium_memzero(&out, sizeof(out));
	}
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int run(int argc, char **argv)
{
	const char *conf = DEFAULT_CONFIG;
	int level = -1, o, err;
	struct config cfg;
	struct hs_self self;
	struct kern *k;
	char msg[512];
	const char *why;
	static struct kern_msg m;
	struct spores sp = {};
	struct store *db;

	while ((o = getopt(argc, argv, "c:l:")) != -1) {
		switch (o) {
		case 'c':
			conf = optarg;
			break;
		case 'l':
			level = log_level_parse(optarg);
			if (level < 0)
				return fail("invalid log level \"%s\"", optarg);
			break;
		default:
			return fail("try \"myceliumd help\"");
		}
	}
	if (optind != argc)
		return fail("unexpected argument \"%s\"", argv[optind]);
	if (config_load(conf, &cfg))
		return fail("%s", cfg.err);
	log_init(level >= 0 ? level : cfg.log_level);

	memset(&self, 0, sizeof(self));
	if (ident_load(&self.id, cfg.key, msg, sizeof(msg)) ||
	    cert_load(&self.cert, cfg.cert, msg, sizeof(msg)))
		return fail("%s", msg);
	self.trust = cfg.trust;
	if (memcmp(self.cert.node_pk, self.id.pk, ID_PK_LEN))
		return fail("%s is not a certificate for the key in %s",
			    cfg.cert, cfg.key);
	why = cert_check(&self.cert, &self.trust, now_s());
	if (why)
		return fail("own certificate: %s", why);

	db = store_open(cfg.database, msg, sizeof(msg));
	if (!db)
		return fail("%s", msg);
	k = kern_open(msg, sizeof(msg));
	if (!k) {
		store_close(db);
		return fail("%s", msg);
	}
	if (cfg.set_node) {
		err = kern_node_set(k, self.id.id, self.cert.type);
		if (err) {
			kern_close(k);
			store_close(db);
			return fail("cannot set the node's id and type: %s",
				    strerror(-err));
		}
	}
	err = kern_register(k);
	if (!err)
		err = kern_join_events(k);
	if (err) {
		kern_close(k);
		store_close(db);
		return fail("cannot register with the kernel: %s%s",
			    strerror(-err), err == -EBUSY ?
			    " (another myceliumd runs in this netns)" : "");
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	logm(LOG_NOTICE, "node %016" PRIx64 " (%s) registered, %d authorit%s trusted",
	     self.id.id, type_name(self.cert.type), self.trust.n,
	     self.trust.n == 1 ? "y" : "ies");
	sp.k = k;
	sp.db = db;
	sp.self = &self;
	sp.cfg = &cfg;
	spores_start(&sp);

	while (!stop) {
		struct pollfd pfd[2] = {
			{ .fd = kern_fd(k), .events = POLLIN },
			{ .fd = spores_fd(&sp), .events = POLLIN },
		};

		if (poll(pfd, pfd[1].fd >= 0 ? 2 : 1, TICK_MS) > 0 &&
		    (pfd[0].revents & POLLIN) && kern_receive(k))
			logm(LOG_WARNING, "kernel: receive failed");
		while (kern_next(k, &m)) {
			if (m.cmd == MYC_CMD_AUTH_NTF ||
			    m.cmd == MYC_CMD_HANDSHAKE_NTF)
				on_kernel(&self, k, &m);
			else
				spores_on_kernel(&sp, &m);
		}
		on_tick(&self, k);
		spores_tick(&sp);
	}
	logm(LOG_NOTICE, "stopping");
	spores_stop(&sp);
	kern_close(k);
	store_close(db);
	sodium_memzero(&self, sizeof(self));
	for (unsigned int i = 0; i < n_peers; i++)
		hs_wipe(&peers[i].hs);
	free(peers);
	return 0;
}

int main(int argc, char **argv)
{
	if (ident_init())
		return fail("libsodium does not initialize");
	if (argc < 2 || argv[1][0] == '-')
		return run(argc, argv);
	if (!strcmp(argv[1], "run"))
		return run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "key") && argc >= 3) {
		if (!strcmp(argv[2], "generate"))
			return key_generate(argc - 2, argv + 2);
		if (!strcmp(argv[2], "show"))
			return key_show(argc - 2, argv + 2);
	}
	if (!strcmp(argv[1], "cert") && argc >= 3) {
		if (!strcmp(argv[2], "issue"))
			return cert_issue_cmd(argc - 2, argv + 2);
		if (!strcmp(argv[2], "show"))
			return cert_show_cmd(argc - 2, argv + 2);
	}
	if (!strcmp(argv[1], "trust") && argc >= 3) {
		if (!strcmp(argv[2], "list"))
			return db_tool(argc - 2, argv + 2, "trust list");
		if (!strcmp(argv[2], "set"))
			return db_tool(argc - 2, argv + 2, "trust set");
	}
	if (!strcmp(argv[1], "spore") && argc >= 3 &&
	    !strcmp(argv[2], "list"))
		return db_tool(argc - 2, argv + 2, "spore list");
	usage(stderr);
	return fail("unknown command \"%s\"", argv[1]);
}
