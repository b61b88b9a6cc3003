# Embeds files in the binary: breakout_embed(OUT_C NAME FILE...) writes a C file
# defining `const EmbeddedFile NAME[]` (path, data, size), ending with a NULL path.
function(breakout_embed out_c name)
  set(files ${ARGN})
  string(REPLACE ";" "|" joined "${files}")
  add_custom_command(
    OUTPUT ${out_c}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out_c} -DNAME=${name} "-DFILES=${joined}"
            -DBASE=${CMAKE_SOURCE_DIR} -P ${CMAKE_SOURCE_DIR}/cmake/EmbedGen.cmake
    DEPENDS ${files} ${CMAKE_SOURCE_DIR}/cmake/EmbedGen.cmake
    COMMENT "Embedding ${name}"
    VERBATIM)
endfunction()
