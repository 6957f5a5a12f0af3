# Every dependency is a Debian 12 package installed by scripts/bootstrap.
find_package(OpenSSL 3.0 REQUIRED)
find_package(Threads REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(GTest REQUIRED)
find_package(benchmark REQUIRED)
find_package(PkgConfig REQUIRED)
# libzip through pkg-config: its CMake package insists on the zipcmp/zipmerge tools, which
# Debian ships separately.
pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip)
if(NOT TARGET libzip::zip)
  add_library(libzip::zip ALIAS PkgConfig::LIBZIP)
endif()
