// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by the in-VM selftests. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <libmnl/libmnl.h>

#include "helpers.h"

int run(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	if (st < 0 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

bool module_loaded(void)
{
	return access("/sys/module/mycelium", F_OK) == 0;
}

int load_module(void)
{
	return run("modprobe mycelium");
}

bool kmsg_contains(const char *s)
{
	int len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	bool found;
	char *buf;

	if (len <= 0)
		return false;
	buf = calloc(1, (size_t)len + 1);
	if (!buf)
		return false;
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, len);
	found = len > 0 && strstr(buf, s);
	free(buf);
	return found;
}

static int node_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[MYC_A_NODE_MAX + 1] = {};
	struct node_info *n = data;

	if (myc_nl_parse(nlh, tb, MYC_A_NODE_MAX) < 0 || !tb[MYC_A_NODE_ID] ||
	    !tb[MYC_A_NODE_TYPE] || !tb[MYC_A_NODE_PORT] ||
	    !tb[MYC_A_NODE_FAMILY] || !tb[MYC_A_NODE_SOCKETS])
		return MNL_CB_ERROR;
	n->id = mnl_attr_get_u64(tb[MYC_A_NODE_ID]);
	n->type = mnl_attr_get_u8(tb[MYC_A_NODE_TYPE]);
	n->port = mnl_attr_get_u16(tb[MYC_A_NODE_PORT]);
	n->family = mnl_attr_get_u16(tb[MYC_A_NODE_FAMILY]);
	n->sockets = (int)mnl_attr_get_u32(tb[MYC_A_NODE_SOCKETS]);
	return MNL_CB_OK;
}

int node_get(struct node_info *n)
{
	struct myc_nl h;
	int err;

	memset(n, 0, sizeof(*n));
	err = myc_nl_open(&h);
	if (err)
		return err;
	err = myc_nl_talk(&h, myc_nl_msg(&h, MYC_CMD_NODE_GET, 0), node_cb, n);
	myc_nl_close(&h);
	return err;
}

static int genl_cmd_raw(uint8_t cmd, const struct raw_attr *attrs, int n,
			char *extack, size_t extack_len)
{
	struct nlmsghdr *nlh;
	struct myc_nl h;
	int err, i;

	if (extack && extack_len)
		extack[0] = '\0';
	err = myc_nl_open(&h);
	if (err)
		return err;
	nlh = myc_nl_msg(&h, cmd, 0);
	for (i = 0; i < n; i++)
		mnl_attr_put(nlh, attrs[i].type, attrs[i].len, attrs[i].data);
	err = myc_nl_talk(&h, nlh, NULL, NULL);
	if (extack && extack_len)
		snprintf(extack, extack_len, "%s", h.errmsg);
	myc_nl_close(&h);
	return err;
}

int node_set_raw(const struct raw_attr *attrs, int n, char *extack,
		 size_t extack_len)
{
	return genl_cmd_raw(MYC_CMD_NODE_SET, attrs, n, extack, extack_len);
}

struct genl_in {
	uint8_t cmd;
	const struct raw_attr *attrs;
	int n;
};

static int do_genl_in(void *arg)
{
	const struct genl_in *g = arg;

	return genl_cmd_raw(g->cmd, g->attrs, g->n, NULL, 0);
}

int genl_cmd_in(const char *ns, uint8_t cmd, const struct raw_attr *attrs,
		int n)
{
	struct genl_in g = { cmd, attrs, n };

	return in_netns(ns, do_genl_in, &g);
}

int node_set(uint64_t id, int type, int port)
{
	struct raw_attr a[3];
	uint8_t t = (uint8_t)type;
	uint16_t p = (uint16_t)port;
	int n = 0;

	if (id)
		a[n++] = (struct raw_attr){ MYC_A_NODE_ID, 8, &id };
	if (type >= 0)
		a[n++] = (struct raw_attr){ MYC_A_NODE_TYPE, 1, &t };
	if (port >= 0)
		a[n++] = (struct raw_attr){ MYC_A_NODE_PORT, 2, &p };
	return node_set_raw(a, n, NULL, 0);
}

int become_nobody(void)
{
	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534))
		return -errno;
	return 0;
}

int topo_two_nodes(bool v6)
{
	topo_cleanup();
	if (run("ip netns add mA && ip netns add mB && "
		"ip link add vA netns mA type veth peer name vB netns mB && "
		"ip -n mA link set lo up && ip -n mB link set lo up && "
		"ip -n mA addr add 10.0.0.1/24 dev vA && "
		"ip -n mB addr add 10.0.0.2/24 dev vB && "
		"ip -n mA addr add fd00::1/64 dev vA nodad && "
		"ip -n mB addr add fd00::2/64 dev vB nodad && "
		"ip -n mA link set vA up && ip -n mB link set vB up && "
		"myc -n mA node set id a && myc -n mB node set id b && "
		INSECURE("mA") " && " INSECURE("mB")))
		return -1;
	if (v6)
		return run("myc -n mA peer add b type sclerotia path fd00::1 fd00::2 && "
			   "myc -n mB peer add a type sclerotia path fd00::2 fd00::1");
	return run("myc -n mA peer add b type sclerotia path 10.0.0.1 10.0.0.2 && "
		   "myc -n mB peer add a type sclerotia path 10.0.0.2 10.0.0.1");
}

int topo_two_paths(int probe_ms, const char *extra)
{
	topo_cleanup();
	if (run("ip netns add mA && ip netns add mB && "
		"ip -n mA link set lo up && ip -n mB link set lo up && "
		"ip link add vA1 netns mA type veth peer name vB1 netns mB && "
		"ip link add vA2 netns mA type veth peer name vB2 netns mB && "
		"ip -n mA addr add 10.0.1.1/24 dev vA1 && "
		"ip -n mB addr add 10.0.1.2/24 dev vB1 && "
		"ip -n mA addr add 10.0.2.1/24 dev vA2 && "
		"ip -n mB addr add 10.0.2.2/24 dev vB2 && "
		"ip -n mA link set vA1 up && ip -n mA link set vA2 up && "
		"ip -n mB link set vB1 up && ip -n mB link set vB2 up && "
		"myc -n mA node set id a && myc -n mB node set id b && "
		INSECURE("mA") " && " INSECURE("mB")))
		return -1;
	return run("myc -n mB peer add a type sclerotia path 10.0.1.2 10.0.1.1 "
		   "path 10.0.2.2 10.0.2.1 probe-interval %d && "
		   "myc -n mA peer add b type sclerotia path 10.0.1.1 10.0.1.2 "
		   "path 10.0.2.1 10.0.2.2 probe-interval %d %s",
		   probe_ms, probe_ms, extra ? extra : "");
}

char *myc_json_str(const char *ns, const char *cmd, const char *key,
		   char *out, size_t len)
{
	char buf[512];
	FILE *f;

	snprintf(buf, sizeof(buf),
		 "myc -n %s -j %s | /usr/lib/mycelium/selftests/json_get %s",
		 ns, cmd, key);
	out[0] = '\0';
	f = popen(buf, "r");
	if (!f)
		return out;
	if (!fgets(out, len, f))
		out[0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	pclose(f);
	return out;
}

long long myc_json(const char *ns, const char *cmd, const char *key)
{
	char buf[64], *end;
	long long v;

	myc_json_str(ns, cmd, key, buf, sizeof(buf));
	v = strtoll(buf, &end, 10);
	return end == buf ? -1 : v;
}

long long path_stat(int id, const char *key)
{
	char k[128];

	snprintf(k, sizeof(k), "%d.stats.%s", id - 1, key);
	return myc_json("mA", "-s path show b", k);
}

void topo_cleanup(void)
{
	run("ip netns del mA 2>/dev/null; ip netns del mB 2>/dev/null; true");
}

int in_netns(const char *ns, int (*fn)(void *), void *arg)
{
	char path[256];
	int self, fd, ret;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (self < 0 || fd < 0 || setns(fd, CLONE_NEWNET)) {
		ret = -errno;
		goto out;
	}
	ret = fn(arg);
	if (setns(self, CLONE_NEWNET))
		abort();
out:
	if (fd >= 0)
		close(fd);
	if (self >= 0)
		close(self);
	return ret;
}

static int do_socket(void *arg)
{
	int fd = socket(myc_family(), *(int *)arg, 0);

	return fd < 0 ? -errno : fd;
}

int socket_in(const char *ns, int type)
{
	return in_netns(ns, do_socket, &type);
}

struct sockaddr_myc myc_addr(uint64_t node, uint16_t kind, uint32_t id)
{
	struct sockaddr_myc a = {
		.smyc_family = (unsigned short)myc_family(),
		.smyc_kind = kind,
		.smyc_id = id,
		.smyc_node = node,
	};
	return a;
}

int bind_port(int fd, uint32_t port)
{
	struct sockaddr_myc a = myc_addr(0, MYC_ADDR_PORT, port);

	return bind(fd, (struct sockaddr *)&a, sizeof(a)) ? -errno : 0;
}

uint32_t local_port(int fd)
{
	struct sockaddr_myc a = {};
	socklen_t len = sizeof(a);

	if (getsockname(fd, (struct sockaddr *)&a, &len))
		return 0;
	return a.smyc_id;
}

int myc_setopt(int fd, int opt, int val)
{
	return setsockopt(fd, SOL_MYCELIUM, opt, &val, sizeof(val));
}

static int do_nl_open(void *h)
{
	return myc_nl_open(h);
}

int myc_nl_open_in(const char *ns, struct myc_nl *h)
{
	return in_netns(ns, do_nl_open, h);
}
