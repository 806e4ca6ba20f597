# SPDX-License-Identifier: ISC
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
CPPFLAGS += -std=c11 -D_GNU_SOURCE -MMD -MP

ifeq ($(SAN),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif
# ThreadSanitizer, for the unit tests that run the engine threads
ifeq ($(SAN),thread)
CFLAGS  += -fsanitize=thread -fno-omit-frame-pointer
LDFLAGS += -fsanitize=thread
endif

# The source tree: one directory per thread or layer (ARCHITECTURE.md).  A
# directory is compiled with the include paths of itself and of what it may
# use, and nothing else, so an #include against the data flow is a compile
# error.  Each list holds what the directories it names may use in turn.
uses_lib     :=
uses_bgp     := lib
uses_config  := lib bgp
uses_rib     := lib bgp
uses_data    := lib bgp config
uses_policy  := lib bgp config rib data
uses_ipc     := lib bgp
uses_ctl     := lib bgp ipc
uses_datasrc := lib bgp config rib data policy ipc
uses_se      := lib bgp ipc ctl mrt
uses_rde     := lib bgp config rib data policy ipc ctl mrt
uses_mrt     := lib bgp
uses_archive := lib bgp ipc ctl mrt
uses_http    := lib bgp ctl
uses_daemon  := lib bgp config rib data policy ipc ctl datasrc se rde mrt archive http
uses_ixpctl  := lib bgp ctl
LAYERS := lib bgp config rib data policy ipc ctl mrt datasrc se rde archive http daemon ixpctl
# -I flags of directory $(1)
includes = $(foreach d,$(1) $(uses_$(1)),-Isrc/$(d))
ALL_INCLUDES := $(foreach d,$(LAYERS),-Isrc/$(d))

MAINS    := src/daemon/ixpd.c src/ixpctl/ixpctl.c
LIB_SRCS := $(filter-out $(MAINS),$(foreach d,$(LAYERS),$(wildcard src/$(d)/*.c)))
LIB_OBJS := $(LIB_SRCS:src/%.c=$(BUILD)/obj/%.o)
TESTS    := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))
# Tools (load generator, ...): one program per tools/NAME.c, or per directory
# tools/NAME/ whose .c files are linked together; on the library.
TOOL_DIRS := $(sort $(patsubst tools/%/,%,$(dir $(wildcard tools/*/*.c))))
TOOLS    := $(patsubst tools/%.c,$(BUILD)/%,$(wildcard tools/*.c)) $(TOOL_DIRS:%=$(BUILD)/%)
# What each program links beyond the library: ixpctl speaks JSON to the
# control socket and needs nothing else (no YAML loader, no UPDATE codec).
DAEMON_LIBS := -lyaml -ljansson -lmicrohttpd -lseccomp -lpthread -ldl
IXPCTL_LIBS := -ljansson

all: $(BUILD)/ixpd $(BUILD)/ixpctl $(TESTS) $(TOOLS)

# build/obj/LAYER/NAME.o from src/LAYER/NAME.c, with LAYER's include paths
$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(call includes,$(patsubst %/,%,$(dir $*))) $(CFLAGS) $(WARN) -c -o $@ $<

$(BUILD)/libixpd.a: $(LIB_OBJS)
	rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/ixpd: $(BUILD)/obj/daemon/ixpd.o $(BUILD)/libixpd.a
	$(CC) $(LDFLAGS) -o $@ $^ $(DAEMON_LIBS)

$(BUILD)/ixpctl: $(BUILD)/obj/ixpctl/ixpctl.o $(BUILD)/libixpd.a
	$(CC) $(LDFLAGS) -o $@ $^ $(IXPCTL_LIBS)

$(BUILD)/%: tools/%.c $(BUILD)/libixpd.a
	$(CC) $(CPPFLAGS) $(ALL_INCLUDES) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< $(BUILD)/libixpd.a $(DAEMON_LIBS)

# build/obj/tools/NAME/X.o from tools/NAME/X.c; build/NAME from all of them
$(BUILD)/obj/tools/%.o: tools/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_INCLUDES) $(CFLAGS) $(WARN) -c -o $@ $<

define tool_dir_rule
$(BUILD)/$(1): $(patsubst tools/%.c,$(BUILD)/obj/tools/%.o,$(wildcard tools/$(1)/*.c)) $(BUILD)/libixpd.a
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(DAEMON_LIBS)
endef
$(foreach t,$(TOOL_DIRS),$(eval $(call tool_dir_rule,$(t))))

$(BUILD)/tests/%: tests/unit/%.c tests/unit/testlib.h $(BUILD)/libixpd.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_INCLUDES) -Itests/unit $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< $(BUILD)/libixpd.a $(DAEMON_LIBS)

# tests/ixf/run's program: the clients.yml derived from an IX-F export
all: $(BUILD)/tests/ixf_clients
$(BUILD)/tests/ixf_clients: tests/ixf/ixf_clients.c $(BUILD)/libixpd.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_INCLUDES) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< $(BUILD)/libixpd.a $(DAEMON_LIBS)

check: all
	@tests/run-unit $(BUILD)

# libFuzzer targets: always clang, always sanitized.
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZERS   := $(FUZZ_SRCS:tests/fuzz/%.c=build-fuzz/%)
fuzz: $(FUZZERS)
# ... and each target again with the normal compiler, as a program that
# replays its corpus and past crashes (tests/fuzz/replay.c, run by
# tests/run-unit): part of `all`, so also built under SAN=1.
REPLAYS   := $(FUZZ_SRCS:tests/fuzz/fuzz_%.c=$(BUILD)/tests/replay_%)
all: $(REPLAYS)
$(BUILD)/tests/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(BUILD)/libixpd.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_INCLUDES) $(CFLAGS) $(WARN) $(LDFLAGS) -o $@ $< tests/fuzz/replay.c \
		$(BUILD)/libixpd.a $(DAEMON_LIBS)
build-fuzz/%: tests/fuzz/%.c $(LIB_SRCS)
	@mkdir -p build-fuzz
	clang $(CPPFLAGS) $(ALL_INCLUDES) -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		$(WARN) -o $@ $< $(LIB_SRCS) $(DAEMON_LIBS)

clean:
	rm -rf build build-asan build-tsan build-clang build-fuzz

.PHONY: all check fuzz clean
# A directory tool's dependencies are under obj/tools/NAME/; a $(BUILD)/NAME.d
# from when it was one tools/NAME.c would name a source that is gone.
-include $(wildcard $(BUILD)/obj/*/*.d $(BUILD)/obj/tools/*/*.d $(BUILD)/tests/*.d) \
    $(filter-out $(TOOL_DIRS:%=$(BUILD)/%.d),$(wildcard $(BUILD)/*.d))

# Route-server benchmark (bench/README.md): every workload against every
# route server, 3 runs each; root, network namespaces, about an hour.
bench: all
	bench/run all all
.PHONY: bench
