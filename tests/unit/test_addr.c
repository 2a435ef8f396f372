// SPDX-License-Identifier: GPL-2.0
/* Node id and number parsing and printing. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "kselftest_harness.h"
#include "libmyc.h"

TEST(node_id_parse_valid)
{
	uint64_t id = 0;

	ASSERT_EQ(0, myc_node_id_parse("1", &id));
	EXPECT_EQ(1ULL, id);
	ASSERT_EQ(0, myc_node_id_parse("0x1A2b", &id));
	EXPECT_EQ(0x1a2bULL, id);
	ASSERT_EQ(0, myc_node_id_parse("ffffffffffffffff", &id));
	EXPECT_EQ(~0ULL, id);
	ASSERT_EQ(0, myc_node_id_parse("0", &id));
	EXPECT_EQ(0ULL, id);
}

TEST(node_id_parse_invalid)
{
	uint64_t id = 42;

	EXPECT_EQ(-EINVAL, myc_node_id_parse("", &id));
	EXPECT_EQ(-EINVAL, myc_node_id_parse("0x", &id));
	EXPECT_EQ(-EINVAL, myc_node_id_parse("1ffffffffffffffff", &id));
	EXPECT_EQ(-EINVAL, myc_node_id_parse("12g4", &id));
	EXPECT_EQ(-EINVAL, myc_node_id_parse("-1", &id));
	EXPECT_EQ(-EINVAL, myc_node_id_parse(" 1", &id));
	EXPECT_EQ(42ULL, id);	/* untouched on error */
}

TEST(node_id_format)
{
	char buf[MYC_NODE_ID_STRLEN];
	uint64_t back;

	EXPECT_STREQ("0000000000000001", myc_node_id_fmt(1, buf));
	EXPECT_STREQ("fedcba9876543210",
		     myc_node_id_fmt(0xfedcba9876543210ULL, buf));
	ASSERT_EQ(0, myc_node_id_parse(buf, &back));
	EXPECT_EQ(0xfedcba9876543210ULL, back);
}

TEST(u32_parse)
{
	uint32_t v = 7;

	ASSERT_EQ(0, myc_u32_parse("65535", 65535, &v));
	EXPECT_EQ(65535U, v);
	EXPECT_EQ(-EINVAL, myc_u32_parse("65536", 65535, &v));
	EXPECT_EQ(-EINVAL, myc_u32_parse("-1", 65535, &v));
	EXPECT_EQ(-EINVAL, myc_u32_parse("+1", 65535, &v));
	EXPECT_EQ(-EINVAL, myc_u32_parse("1x", 65535, &v));
	EXPECT_EQ(-EINVAL, myc_u32_parse("", 65535, &v));
	EXPECT_EQ(-EINVAL, myc_u32_parse("99999999999999999999", ~0U, &v));
	EXPECT_EQ(65535U, v);
}

TEST(ms_parse)
{
	uint32_t v = 7;

	ASSERT_EQ(0, myc_ms_parse("10", 10, 3600000, &v));
	EXPECT_EQ(10U, v);
	ASSERT_EQ(0, myc_ms_parse("1500ms", 10, 3600000, &v));
	EXPECT_EQ(1500U, v);
	ASSERT_EQ(0, myc_ms_parse("3600000", 10, 3600000, &v));
	EXPECT_EQ(3600000U, v);
	v = 7;
	EXPECT_EQ(-EINVAL, myc_ms_parse("9", 10, 3600000, &v));
	EXPECT_EQ(-EINVAL, myc_ms_parse("3600001", 10, 3600000, &v));
	EXPECT_EQ(-EINVAL, myc_ms_parse("ms", 10, 3600000, &v));
	EXPECT_EQ(-EINVAL, myc_ms_parse("", 10, 3600000, &v));
	EXPECT_EQ(-EINVAL, myc_ms_parse("10s", 10, 3600000, &v));
	EXPECT_EQ(-EINVAL, myc_ms_parse("10 ms", 10, 3600000, &v));
	EXPECT_EQ(-EINVAL, myc_ms_parse("-10", 0, 3600000, &v));
	EXPECT_EQ(-EINVAL, myc_ms_parse("12345678901234567890ms", 0, ~0U, &v));
	EXPECT_EQ(7U, v);	/* untouched on error */
}

TEST(size_parse)
{
	uint32_t v = 7;

	EXPECT_EQ(0, myc_size_parse("1048576", 1, UINT32_MAX, &v));
	EXPECT_EQ(1048576u, v);
	EXPECT_EQ(0, myc_size_parse("4m", 1, UINT32_MAX, &v));
	EXPECT_EQ(4u << 20, v);
	EXPECT_EQ(0, myc_size_parse("4M", 1, UINT32_MAX, &v));
	EXPECT_EQ(4u << 20, v);
	EXPECT_EQ(0, myc_size_parse("512kb", 1, UINT32_MAX, &v));
	EXPECT_EQ(512u << 10, v);
	EXPECT_EQ(0, myc_size_parse("32MiB", 1, UINT32_MAX, &v));
	EXPECT_EQ(32u << 20, v);
	EXPECT_EQ(0, myc_size_parse("1g", 1, 1u << 30, &v));
	EXPECT_EQ(1u << 30, v);
	/* out of range, with and without a suffix */
	EXPECT_EQ(-EINVAL, myc_size_parse("2g", 1, 1u << 30, &v));
	EXPECT_EQ(-EINVAL, myc_size_parse("4096g", 1, UINT32_MAX, &v));
	EXPECT_EQ(-EINVAL, myc_size_parse("1023k", 1u << 20, 1u << 30, &v));
	EXPECT_EQ(-EINVAL, myc_size_parse("0", 1, 10, &v));
	/* not sizes */
	EXPECT_EQ(-EINVAL, myc_size_parse("", 1, 10, &v));
	EXPECT_EQ(-EINVAL, myc_size_parse("m", 1, 10, &v));
	EXPECT_EQ(-EINVAL, myc_size_parse("-1", 0, 10, &v));
	EXPECT_EQ(-EINVAL, myc_size_parse("4t", 1, UINT32_MAX, &v));
	EXPECT_EQ(-EINVAL, myc_size_parse("4mx", 1, UINT32_MAX, &v));
	EXPECT_EQ(-EINVAL, myc_size_parse("4 m", 1, UINT32_MAX, &v));
	EXPECT_EQ(-EINVAL, myc_size_parse("99999999999999999999", 1,
					  UINT32_MAX, &v));
	EXPECT_EQ(1u << 30, v);	/* untouched by the failures */
}

TEST(sockaddr_layout)
{
	/* SPEC section 3: the address is part of the ABI. */
	EXPECT_EQ(16U, sizeof(struct sockaddr_myc));
	EXPECT_EQ(0U, offsetof(struct sockaddr_myc, smyc_family));
	EXPECT_EQ(2U, offsetof(struct sockaddr_myc, smyc_kind));
	EXPECT_EQ(4U, offsetof(struct sockaddr_myc, smyc_id));
	EXPECT_EQ(8U, offsetof(struct sockaddr_myc, smyc_node));
	EXPECT_EQ(25, AF_MYCELIUM_DEFAULT);
}

TEST(family_default_without_module)
{
	/* The host never has the module loaded (it cannot load modules). */
	if (!access("/sys/module/mycelium", F_OK))
		SKIP(return, "mycelium is loaded on this host");
	EXPECT_EQ(AF_MYCELIUM_DEFAULT, myc_family());
}

TEST_HARNESS_MAIN
