// cmark-gfm, GitHub's CommonMark parser, with its table extension: the
// Markdown bodies of model cards (Sources/StewardYAML/Markdown).
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
