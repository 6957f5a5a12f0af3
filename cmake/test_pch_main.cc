// The owner of the precompiled header that every test binary reuses (cmake/HetongTargets.cmake).
#include <gtest/gtest.h>

TEST(TestPch, Builds) { SUCCEED(); }
