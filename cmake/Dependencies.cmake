# Every dependency comes from Debian's packages; nothing is downloaded at configure time.
find_package(pugixml REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 2.1 REQUIRED)
find_package(LibXml2 REQUIRED)
find_package(CURL REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(LibArchive REQUIRED)
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
if(HEALTHDOC_BUILD_TESTS)
  find_package(doctest REQUIRED)
endif()

# jemalloc, linked into the executables only: validating a FHIR resource makes and frees many
# small strings and JSON nodes, which glibc's malloc serves about 12% slower (bench/README).
# Optional (glibc's malloc without it) and never with the sanitizers, which bring their own.
add_library(healthdoc_allocator INTERFACE)
if(NOT HEALTHDOC_SANITIZE AND NOT HEALTHDOC_FUZZ)
  find_library(JEMALLOC_LIBRARY NAMES jemalloc)
  if(JEMALLOC_LIBRARY)
    target_link_libraries(healthdoc_allocator INTERFACE ${JEMALLOC_LIBRARY})
  endif()
endif()
