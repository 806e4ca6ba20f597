# ixpd build.  `make` builds the daemon and tools, `make check` runs unit and
# config tests, `make SAN=1 BUILD=build-asan check` runs them under ASan+UBSan,
# `make fuzz` builds the libFuzzer targets (clang).
BUILD   ?= build
CC      ?= cc
SAN     ?= 0
OPT     ?= -O2
CFLAGS  ?= $(OPT) -g
WARN    := -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wstrict-prototypes \
           -Wmissing-prototypes -Wno-unused-parameter
CPPFLAGS += -std=c11 -D_GNU_SOURCE -Isrc -MMD -MP
LDLIBS  += -lyaml -ljansson -lpthread -ldl

ifeq ($(SAN),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif

MAINS    := src/ixpd.c src/ixpctl.c
LIB_SRCS := $(filter-out $(MAINS),$(wildcard src/*.c))
LIB_OBJS := $(LIB_SRCS:src/%.c=$(BUILD)/obj/%.o)
TESTS    := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
# Tools (load generator, ...): one program per tools/NAME.c, on the library.
TOOLS    := $(patsubst tools/%.c,$(BUILD)/%,$(wildcard tools/*.c))

all: $(BUILD)/ixpd $(BUILD)/ixpctl $(TESTS) $(TOOLS)

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) -c -o $@ $<

$(BUILD)/libixpd.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

$(BUILD)/ixpd: $(BUILD)/obj/ixpd.o $(BUILD)/libixpd.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/ixpctl: $(BUILD)/obj/ixpctl.o $(BUILD)/libixpd.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%: tools/%.c $(BUILD)/libixpd.a
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< $(BUILD)/libixpd.a $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/testlib.h $(BUILD)/libixpd.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< $(BUILD)/libixpd.a $(LDLIBS)

check: all
	@tests/run-unit $(BUILD)

# libFuzzer targets: always clang, always sanitized.
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZERS   := $(FUZZ_SRCS:tests/fuzz/%.c=build-fuzz/%)
fuzz: $(FUZZERS)
build-fuzz/%: tests/fuzz/%.c $(LIB_SRCS)
	@mkdir -p build-fuzz
	clang $(CPPFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		$(WARN) -o $@ $< $(LIB_SRCS) $(LDLIBS)

clean:
	rm -rf build build-asan build-fuzz

.PHONY: all check fuzz clean
-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/tests/*.d $(BUILD)/*.d)

# Route-server benchmark (bench/README.md): every workload against every
# route server, 3 runs each; root, network namespaces, about an hour.
bench: all
	bench/run all all
.PHONY: bench
