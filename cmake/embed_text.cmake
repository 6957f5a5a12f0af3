# Generates a C++ source that defines `std::string_view <FUNCTION>()` returning the contents of
# a text file (cmake -DIN=file -DOUT=file.cc -DNAMESPACE=ns -DFUNCTION=name -P embed_text.cmake).
file(READ "${IN}" text)
file(WRITE "${OUT}.tmp" "// Generated from ${IN}. Do not edit.\n#include <string_view>\n\nnamespace ${NAMESPACE} {\nstd::string_view ${FUNCTION}() {\n  static constexpr std::string_view kText = R\"hetongtext(${text})hetongtext\";\n  return kText;\n}\n}  // namespace ${NAMESPACE}\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
