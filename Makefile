# solemate: plain make on Linux (STYLE.md: no autotools).
#
#   make              build/solemate
#   make test         build, then run every test (tests/run.sh)
#   make SAN=1 test   the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   make WERROR=1     warnings are errors (CI)
#
# Sources are found by directory, so adding a module or a subcommand needs no
# edit here: the library is src/{base,engine,constructs,analysis,aws} plus
# infrastructure/lib; the command is src/cli; each tests/unit/test_*.c is one
# test program linked against the library.

CC ?= cc
ifeq ($(SAN),1)
BUILD ?= build-san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
# no arena for JSON values: ASan must see their overflows and uses after free
CPPFLAGS += -DSM_NO_ARENA
OPT = -O1 -g
else
BUILD ?= build
SANFLAGS =
OPT = -O2 -g
endif

# libcurl, libxml2 and libcrypto are loaded when the first AWS call is made
# (src/aws/dynlib.h), not linked: their headers only.
PKGS = jansson yaml-0.1 zlib
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) libcurl libxml-2.0 libcrypto 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -ljansson -lyaml -lz)

WARN = -Wall -Wextra -Wshadow -Wconversion -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
ifeq ($(CI),true)
WERROR ?= 1
endif
ifeq ($(WERROR),1)
WARN += -Werror
endif

CPPFLAGS += -Isrc -Iinfrastructure -D_GNU_SOURCE
CFLAGS ?= $(OPT)
CFLAGS += -std=c17 $(WARN) $(PKG_CFLAGS) $(SANFLAGS) -MMD -MP
LDFLAGS += $(SANFLAGS)
LDLIBS += $(PKG_LIBS) -lm -lpthread -ldl

LIB_DIRS = src/base src/engine src/constructs src/analysis src/aws src/lifecycle infrastructure/lib
LIB_SRC := $(sort $(foreach d,$(LIB_DIRS),$(shell find $(d) -name '*.c' 2>/dev/null)))
CLI_SRC := $(sort $(wildcard src/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
TEST_SUPPORT_SRC := $(sort $(wildcard tests/unit/support/*.c))

LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
TEST_SUPPORT_OBJ := $(TEST_SUPPORT_SRC:%.c=$(BUILD)/obj/%.o)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)

LIB = $(BUILD)/libsolemate.a

# keep objects make would otherwise treat as intermediate and delete
.SECONDARY:

.PHONY: all test clean fuzz print-lib-src bench format check-format checksrc cppcheck config-schema golden \
	docs install uninstall deb

all: $(BUILD)/solemate $(TEST_BIN)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/solemate: $(CLI_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(TEST_SUPPORT_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(TEST_SUPPORT_OBJ) $(LIB) $(LDLIBS)

test: all
	BUILD=$(BUILD) tests/run.sh

# libFuzzer targets (clang): FUZZ_SECONDS bounds each parser target,
# FUZZ_ANALYSIS_SECONDS each target over an analysis (CI runs both shorter).
FUZZ_SECONDS ?= 30
FUZZ_ANALYSIS_SECONDS ?= 60
fuzz:
	tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_ANALYSIS_SECONDS)

# the library's sources, one a line: tests/fuzz/run.sh builds the same library
print-lib-src:
	@printf '%s\n' $(LIB_SRC)

bench: all
	bench/run.sh

# Regenerate tests/golden/ (the synthesized assembly of the shipped configs);
# review the diff before committing it.
golden: $(BUILD)/solemate
	BUILD=$(BUILD) scripts/golden.sh

FORMAT_SRC = $(LIB_SRC) $(CLI_SRC) $(wildcard src/*/*.h infrastructure/lib/*.h)

format:
	@clang-format -i $(FORMAT_SRC)

# In CI (.ci/run): a file that does not match .clang-format fails the build.
check-format:
	@clang-format --dry-run --Werror $(FORMAT_SRC) && echo "check-format: $(words $(FORMAT_SRC)) files match .clang-format"

checksrc:
	scripts/checksrc.sh

# In CI (.ci/run): cppcheck's errors and warnings (jansson's header read for its
# macros) fail the build. Not its portability class: the NULL sentinel of our
# variadic helpers is its main finding there, and NULL is a pointer on Linux.
cppcheck:
	@cppcheck -q -j2 --std=c11 --enable=warning --inline-suppr --error-exitcode=1 \
		-D_GNU_SOURCE --include=$$(pkg-config --variable=includedir jansson)/jansson.h \
		-Isrc -Iinfrastructure src infrastructure/lib && echo "cppcheck: no warnings"

# clang-tidy with the repository's .clang-tidy (bugprone, the static analyzer,
# CERT): every library and command file, one clang-tidy per file and
# TIDY_JOBS at once (one process over every file holds its findings back to
# the end and runs on one core; about 7 CPU minutes in all). Its stderr is
# only "N warnings generated." of the system headers; findings and compile
# errors come on stdout. In CI (.ci/run).
TIDY_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
tidy:
	@command -v clang-tidy >/dev/null || { echo "tidy: no clang-tidy (scripts/install-deps.sh --test)"; exit 1; }
	@printf '%s\n' $(LIB_SRC) $(CLI_SRC) | xargs -P $(TIDY_JOBS) -I{} \
		clang-tidy -quiet {} -- $(CPPFLAGS) -std=c17 $(PKG_CFLAGS) 2>/dev/null \
		&& echo "tidy: no findings"

clean:
	rm -rf build build-san build-fuzz

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_BIN:$(BUILD)/tests/%=$(BUILD)/obj/tests/unit/%.d)

# Man pages and shell completions, generated from the --help texts
# (scripts/gen-docs.sh) so that the three cannot drift apart.
docs: $(BUILD)/share/.stamp
$(BUILD)/share/.stamp: $(BUILD)/solemate scripts/gen-docs.sh
	rm -rf $(BUILD)/share
	scripts/gen-docs.sh $(BUILD)/solemate $(BUILD)/share
	touch $@

# GNU conventions: PREFIX, DESTDIR. The binary finds its data in
# $(PREFIX)/share/solemate (src/base/fsutil.c).
PREFIX ?= /usr/local
BINDIR = $(DESTDIR)$(PREFIX)/bin
SHAREDIR = $(DESTDIR)$(PREFIX)/share/solemate
MANDIR = $(DESTDIR)$(PREFIX)/share/man/man1
install: $(BUILD)/solemate docs
	install -d $(BINDIR) $(SHAREDIR) $(MANDIR) \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(PREFIX)/share/zsh/vendor-completions \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 755 $(BUILD)/solemate $(BINDIR)/solemate
	cp -R data/. $(SHAREDIR)/
	install -d $(SHAREDIR)/config
	install -m 644 infrastructure/config/*.json $(SHAREDIR)/config/
	install -m 644 $(BUILD)/share/man/man1/*.1 $(MANDIR)/
	install -m 644 $(BUILD)/share/completions/solemate.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/solemate
	install -m 644 $(BUILD)/share/completions/_solemate \
		$(DESTDIR)$(PREFIX)/share/zsh/vendor-completions/_solemate
	install -m 644 $(BUILD)/share/completions/solemate.fish \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/solemate.fish

uninstall:
	rm -f $(BINDIR)/solemate $(MANDIR)/solemate.1 $(MANDIR)/solemate-*.1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/solemate \
		$(DESTDIR)$(PREFIX)/share/zsh/vendor-completions/_solemate \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/solemate.fish
	rm -rf $(SHAREDIR)

# A Debian package built with the standard tools (dpkg-deb, lintian):
# scripts/make-deb.sh; the package lands in $(BUILD)/.
deb: $(BUILD)/solemate docs
	BUILD=$(BUILD) scripts/make-deb.sh

# Regenerate config/schema.json from the key table of environments.c.
config-schema: $(BUILD)/tests/test_config
	SM_WRITE_SCHEMA=1 $(BUILD)/tests/test_config
