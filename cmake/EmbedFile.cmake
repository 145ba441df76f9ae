# cmake -DINPUT=<file> -DOUTPUT=<file.inc> -DNAME=<identifier> -P EmbedFile.cmake
# Writes `static const char NAME[] = "...";` holding INPUT's text, as raw
# string literals of at most 8000 characters each (adjacent literals join).
file(READ "${INPUT}" text)
string(LENGTH "${text}" length)
set(out "// Generated from ${INPUT} by cmake/EmbedFile.cmake; do not edit.\n")
string(APPEND out "static const char ${NAME}[] =\n")
set(offset 0)
while(offset LESS length)
  string(SUBSTRING "${text}" ${offset} 8000 chunk)
  string(APPEND out "R\"tile_embed(${chunk})tile_embed\"\n")
  math(EXPR offset "${offset} + 8000")
endwhile()
string(APPEND out ";\n")
file(WRITE "${OUTPUT}.tmp" "${out}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
