// SPDX-License-Identifier: GPL-2.0
/*
 * The UDP bearer: each node has a kernel UDP socket per address family on
 * its port, set up with the UDP tunnel API so that frames are taken in
 * encap_rcv (BH context) without going through a socket queue, and sent with
 * udp_tunnel_xmit_skb()/udp_tunnel6_xmit_skb() from skbs the data path
 * built, without another copy.
 *
 * Lifetime: opened when the first peer is added or the port changes with
 * peers configured, closed when the netns goes.  sock4/sock6 are RCU
 * pointers written under mn->lock; senders use them under rcu_read_lock_bh().
 * The sockets' sk_user_data points back to the node.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/net.h>
#include <linux/udp.h>
#include <net/ipv6.h>
#include <net/ipv6_stubs.h>
#include <net/route.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "myc.h"

static int myc_encap_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct myc_net *mn = rcu_dereference_sk_user_data(sk);

	if (unlikely(!mn)) {
		kfree_skb(skb);
		return 0;
	}
	/* strip the UDP header: the frame starts at skb->data */
	if (unlikely(!pskb_may_pull(skb, sizeof(struct udphdr)))) {
		kfree_skb(skb);
		return 0;
	}
	__skb_pull(skb, sizeof(struct udphdr));
	myc_rx(mn, skb);
	return 0;
}

static void myc_sock_release(struct sock *sk)
{
	if (!sk)
		return;
	sk_clear_memalloc(sk);
	udp_tunnel_sock_release(sk->sk_socket);
}

static int myc_udp_sock(struct myc_net *mn, struct udp_port_cfg *cfg,
			struct sock **out)
{
	struct udp_tunnel_sock_cfg tcfg = {
		.sk_user_data = mn,
		.encap_type = 1,
		.encap_rcv = myc_encap_rcv,
	};
	struct socket *sock;
	int err;

	err = udp_sock_create(mn->net, cfg, &sock);
	if (err)
		return err;
	sock->sk->sk_allocation = GFP_ATOMIC;
	sock->sk->sk_sndbuf = INT_MAX;
	sk_set_memalloc(sock->sk);
	setup_udp_tunnel_sock(mn->net, sock, &tcfg);
	*out = sock->sk;
	return 0;
}

int myc_bearer_open(struct myc_net *mn, u16 port)
{
	struct udp_port_cfg cfg4 = {
		.family = AF_INET,
		.local_ip.s_addr = htonl(INADDR_ANY),
		.local_udp_port = htons(port),
		.use_udp_checksums = true,
	};
	struct udp_port_cfg cfg6 = {
		.family = AF_INET6,
		.local_ip6 = IN6ADDR_ANY_INIT,
		.local_udp_port = htons(port),
		.use_udp6_tx_checksums = true,
		.use_udp6_rx_checksums = true,
		.ipv6_v6only = true,
	};
	struct sock *sk4 = NULL, *sk6 = NULL;
	int err;

	lockdep_assert_held(&mn->lock);

	err = myc_udp_sock(mn, &cfg4, &sk4);
	if (err)
		return err;
	if (ipv6_mod_enabled()) {
		err = myc_udp_sock(mn, &cfg6, &sk6);
		if (err) {
			myc_sock_release(sk4);
			return err;
		}
	}

	myc_bearer_close(mn);
	rcu_assign_pointer(mn->sock4, sk4);
	rcu_assign_pointer(mn->sock6, sk6);
	return 0;
}

void myc_bearer_close(struct myc_net *mn)
{
	struct sock *sk4, *sk6;

	lockdep_assert_held(&mn->lock);

	sk4 = rcu_dereference_protected(mn->sock4, lockdep_is_held(&mn->lock));
	sk6 = rcu_dereference_protected(mn->sock6, lockdep_is_held(&mn->lock));
	if (!sk4 && !sk6)
		return;
	RCU_INIT_POINTER(mn->sock4, NULL);
	RCU_INIT_POINTER(mn->sock6, NULL);
	synchronize_net();
	myc_sock_release(sk4);
	myc_sock_release(sk6);
}

bool myc_bearer_is_open(struct myc_net *mn)
{
	return rcu_access_pointer(mn->sock4) || rcu_access_pointer(mn->sock6);
}

/* Where a frame goes: a path's addresses, or a reply's. */
struct myc_flow {
	sa_family_t family;
	const union myc_ipaddr *local, *remote;
	__be16 port;
	int ifindex;
	struct dst_cache *cache;	/* NULL: route every time */
};

static void myc_flow_of(struct myc_flow *f, struct myc_path *path)
{
	*f = (struct myc_flow){
		.family = path->family,
		.local = &path->local,
		.remote = &path->remote,
		.port = path->remote_port,
		.ifindex = path->ifindex,
		.cache = &path->dst_cache,
	};
}

static int myc_xmit4(struct myc_net *mn, const struct myc_flow *f,
		     struct sk_buff *skb)
{
	struct flowi4 fl = {
		.saddr = f->local->v4.s_addr,
		.daddr = f->remote->v4.s_addr,
		.fl4_dport = f->port,
		.flowi4_proto = IPPROTO_UDP,
	};
	struct rtable *rt;
	struct sock *sk;

	sk = rcu_dereference_bh(mn->sock4);
	if (unlikely(!sk))
		return -ENETDOWN;
	fl.fl4_sport = inet_sk(sk)->inet_sport;

	/* the route is cached per path, as the UDP tunnels do */
	rt = f->cache ? dst_cache_get_ip4(f->cache, &fl.saddr) : NULL;
	if (!rt) {
		rt = ip_route_output_flow(mn->net, &fl, sk);
		if (IS_ERR(rt))
			return PTR_ERR(rt);
		if (f->cache)
			dst_cache_set_ip4(f->cache, &rt->dst, fl.saddr);
	}

	skb->ignore_df = 1;
	udp_tunnel_xmit_skb(rt, sk, skb, fl.saddr, fl.daddr, 0,
			    ip4_dst_hoplimit(&rt->dst), 0, fl.fl4_sport,
			    fl.fl4_dport, false, false);
	return 0;
}

static int myc_xmit6(struct myc_net *mn, const struct myc_flow *f,
		     struct sk_buff *skb)
{
#if IS_ENABLED(CONFIG_IPV6)
	struct flowi6 fl = {
		.saddr = f->local->v6,
		.daddr = f->remote->v6,
		.fl6_dport = f->port,
		.flowi6_oif = f->ifindex,
		.flowi6_proto = IPPROTO_UDP,
	};
	struct dst_entry *dst;
	struct sock *sk;

	sk = rcu_dereference_bh(mn->sock6);
	if (unlikely(!sk))
		return -ENETDOWN;
	fl.fl6_sport = inet_sk(sk)->inet_sport;

	dst = f->cache ? dst_cache_get_ip6(f->cache, &fl.saddr) : NULL;
	if (!dst) {
		dst = ipv6_stub->ipv6_dst_lookup_flow(mn->net, sk, &fl, NULL);
		if (IS_ERR(dst))
			return PTR_ERR(dst);
		if (f->cache)
			dst_cache_set_ip6(f->cache, dst, &fl.saddr);
	}

	skb->ignore_df = 1;
	udp_tunnel6_xmit_skb(dst, sk, skb, NULL, &fl.saddr, &fl.daddr, 0,
			     ip6_dst_hoplimit(dst), 0, fl.fl6_sport,
			     fl.fl6_dport, false);
	return 0;
#else
	return -EAFNOSUPPORT;
#endif
}

static int myc_xmit_flow(struct myc_net *mn, const struct myc_flow *f,
			 struct sk_buff *skb)
{
	int err;

	skb_mark_not_on_list(skb);
	rcu_read_lock_bh();
	err = f->family == AF_INET ? myc_xmit4(mn, f, skb) :
				     myc_xmit6(mn, f, skb);
	rcu_read_unlock_bh();
	if (err)
		kfree_skb(skb);
	return err;
}

static int __myc_bearer_xmit(struct myc_net *mn, struct myc_path *path,
			     struct sk_buff *skb)
{
	struct myc_flow f;
	int err;

	myc_flow_of(&f, path);
	err = myc_xmit_flow(mn, &f, skb);

	if (unlikely(err)) {
		myc_stat_inc(&path->stats, MYC_STAT_TX_ERRORS);
		myc_stat_inc(&path->peer->stats, MYC_STAT_TX_ERRORS);
	}
	return err;
}

int myc_bearer_xmit(struct myc_net *mn, struct myc_path *path,
		    struct sk_buff *skb)
{
	unsigned int len;
	int err;

	skb = myc_crypto_out(path->peer, skb);
	if (!skb)
		return -ENOKEY;
	len = skb->len;
	err = __myc_bearer_xmit(mn, path, skb);
	if (err)
		return err;
	myc_stat_inc(&path->stats, MYC_STAT_TX_FRAMES);
	myc_stat_add(&path->stats, MYC_STAT_TX_BYTES, len);
	myc_stat_inc(&path->peer->stats, MYC_STAT_TX_FRAMES);
	myc_stat_add(&path->peer->stats, MYC_STAT_TX_BYTES, len);
	return 0;
}

int myc_bearer_xmit_to(struct myc_net *mn, sa_family_t family,
		       const union myc_ipaddr *local,
		       const union myc_ipaddr *remote, __be16 port,
		       int ifindex, struct sk_buff *skb)
{
	struct myc_flow f = {
		.family = family,
		.local = local,
		.remote = remote,
		.port = port,
		.ifindex = ifindex,
	};

	return myc_xmit_flow(mn, &f, skb);
}

int myc_bearer_xmit_probe(struct myc_net *mn, struct myc_path *path,
			  struct sk_buff *skb)
{
	int err;

	skb = myc_crypto_out(path->peer, skb);
	if (!skb)
		return -ENOKEY;
	err = __myc_bearer_xmit(mn, path, skb);
	if (err)
		return err;
	myc_stat_inc(&path->stats, MYC_STAT_PROBES_TX);
	myc_stat_inc(&path->peer->stats, MYC_STAT_PROBES_TX);
	return 0;
}

/*
 * Answer a frame (a probe) on the way it came: from the address it was
 * sent to, to the address and port it came from, whether or not a path of
 * ours matches them.  Routed each time (no cache): probes are rare.
 */
int myc_bearer_reply(struct myc_net *mn, struct myc_peer *peer,
		     const struct sk_buff *in, struct sk_buff *skb)
{
	union myc_ipaddr local, remote;
	struct myc_flow f = {
		.local = &local,
		.remote = &remote,
		.port = udp_hdr(in)->source,
	};

	if (in->protocol == htons(ETH_P_IP)) {
		f.family = AF_INET;
		local.v4.s_addr = ip_hdr(in)->daddr;
		remote.v4.s_addr = ip_hdr(in)->saddr;
	} else if (in->protocol == htons(ETH_P_IPV6)) {
		f.family = AF_INET6;
		local.v6 = ipv6_hdr(in)->daddr;
		remote.v6 = ipv6_hdr(in)->saddr;
		if (ipv6_addr_type(&remote.v6) & IPV6_ADDR_LINKLOCAL)
			f.ifindex = inet6_iif(in);
	} else {
		kfree_skb(skb);
		return -EAFNOSUPPORT;
	}
	skb = myc_crypto_out(peer, skb);
	if (!skb)
		return -ENOKEY;
	return myc_xmit_flow(mn, &f, skb);
}
