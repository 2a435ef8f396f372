// SPDX-License-Identifier: GPL-2.0
/* Enum names used by myc and the netlink spec. */
#include <string.h>

#include "kselftest_harness.h"
#include "libmyc.h"

TEST(node_type_roundtrip)
{
	unsigned int t;

	for (t = 0; t <= MYC_NODE_TYPE_MAX; t++)
		ASSERT_EQ((int)t, myc_node_type_parse(myc_node_type_name(t)));
	EXPECT_STREQ("sclerotia", myc_node_type_name(MYC_NODE_SCLEROTIA));
	EXPECT_STREQ("rhizomorph", myc_node_type_name(MYC_NODE_RHIZOMORPH));
	EXPECT_STREQ("hyphae", myc_node_type_name(MYC_NODE_HYPHAE));
	EXPECT_STREQ("unknown", myc_node_type_name(MYC_NODE_TYPE_MAX + 1));
}

TEST(node_type_abbrev)
{
	EXPECT_EQ(MYC_NODE_SCLEROTIA, myc_node_type_parse("s"));
	EXPECT_EQ(MYC_NODE_RHIZOMORPH, myc_node_type_parse("rh"));
	EXPECT_EQ(MYC_NODE_HYPHAE, myc_node_type_parse("hyph"));
	EXPECT_EQ(-1, myc_node_type_parse(""));
	EXPECT_EQ(-1, myc_node_type_parse("hyphaex"));
	EXPECT_EQ(-1, myc_node_type_parse("Hyphae"));
}

TEST(class_and_guarantee)
{
	unsigned int v;

	for (v = 0; v <= MYC_CLASS_MAX; v++)
		ASSERT_EQ((int)v, myc_class_parse(myc_class_name(v)));
	for (v = 0; v <= MYC_GUARANTEE_MAX; v++)
		ASSERT_EQ((int)v, myc_guarantee_parse(myc_guarantee_name(v)));
	EXPECT_EQ(MYC_GUARANTEE_BEST_EFFORT, myc_guarantee_parse("best-effort"));
	EXPECT_EQ(MYC_GUARANTEE_GUARANTEED, myc_guarantee_parse("guaranteed"));
	/* "h" could be "high" only; "g" only "guaranteed" */
	EXPECT_EQ(MYC_GUARANTEE_HIGH, myc_guarantee_parse("h"));
	EXPECT_EQ(-1, myc_class_parse("x"));
	/* ambiguous prefixes are refused: "s" = service or spore */
	EXPECT_EQ(-1, myc_class_parse("s"));
	EXPECT_EQ(MYC_CLASS_SPORE, myc_class_parse("sp"));
}

TEST_HARNESS_MAIN
