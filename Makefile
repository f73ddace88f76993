# samen: samend (daemon) and samen (client).
#
#   make            build both programs
#   make check      install what is missing, build, run every test
#   make demo       install what is missing, run the Leiden region demo
#   make SANITIZE=1 ...   the same under AddressSanitizer and UBSan
#
# Libraries are found with pkg-config; `make deps` installs the Debian
# packages of the missing ones (scripts/deps.sh).

SANITIZE ?= 0
PREFIX ?= /usr/local
DESTDIR ?=

ifeq ($(SANITIZE),1)
BUILD := build/san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
OPT := -O1
# the test build also carries the fault injection of daemon/fault.c
TESTFLAGS := -DSAMEN_FAULTS
else
BUILD := build/default
SANFLAGS :=
OPT := -O2
TESTFLAGS :=
endif

CC ?= cc
PKG_CONFIG ?= pkg-config
PKGS := libevent_core libevent_openssl libprotobuf-c sqlite3 openssl inih \
	jansson libical libzstd
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS))

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wwrite-strings -Wpointer-arith -Wcast-qual -Werror
CFLAGS ?= $(OPT) -g
# samend loads libical only when it first reads or writes iCalendar
# (daemon/ical.c): by the name the linker would record.
ICAL_SONAME := $(shell objdump -p "$$($(PKG_CONFIG) --variable=libdir \
	libical 2>/dev/null)/libical.so" 2>/dev/null | \
	awk '$$1 == "SONAME" { print $$2 }')
ifeq ($(ICAL_SONAME),)
ICAL_SONAME := libical.so.3
endif
ICAL_DEF := -DSAMEN_ICAL_SONAME='"$(ICAL_SONAME)"'
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(CFLAGS) $(WARN) $(SANFLAGS) $(TESTFLAGS) \
	$(ICAL_DEF) -Icommon -Idaemon -Iclient -isystem $(BUILD)/gen \
	$(PKG_CFLAGS) -MMD -MP
# --as-needed: each program records only the libraries it uses (samend,
# for one, needs no JSON library).  libevent_core comes first: its loop,
# buffers and listener are all the programs use, and libevent-2.1 (the
# same plus HTTP, DNS and RPC), which libevent_openssl.pc asks for too,
# then goes unrecorded, one shared library less in memory.
ALL_LDFLAGS = -Wl,--as-needed $(LDFLAGS) $(SANFLAGS)

GEN_C := $(BUILD)/gen/samen.pb-c.c
GEN_H := $(BUILD)/gen/samen.pb-c.h

COMMON_SRCS := \
	common/borda.c \
	common/date.c \
	common/frame.c \
	common/holiday.c \
	common/log.c \
	common/tls.c \
	common/tz.c \
	common/wire.c \
	common/xmalloc.c

DAEMON_SRCS := \
	daemon/agenda.c \
	daemon/audit.c \
	daemon/audithash.c \
	daemon/auth.c \
	daemon/availability.c \
	daemon/backup.c \
	daemon/commit.c \
	daemon/config.c \
	daemon/conn.c \
	daemon/dispatch.c \
	daemon/entity.c \
	daemon/fault.c \
	daemon/ical.c \
	daemon/main.c \
	daemon/meeting.c \
	daemon/notify.c \
	daemon/recycle.c \
	daemon/pki.c \
	daemon/plan.c \
	daemon/region.c \
	daemon/schedule.c \
	daemon/server.c \
	daemon/status.c \
	daemon/store.c \
	daemon/timeline.c \
	daemon/validate.c \
	daemon/watch.c

CLIENT_SRCS := \
	client/conf.c \
	client/conn.c \
	client/main.c \
	client/output.c \
	client/cmd-setup.c \
	client/cmd-status.c \
	client/entity.c \
	client/mirror.c \
	client/cmd-agenda.c \
	client/cmd-audit.c \
	client/cmd-priorities.c \
	client/cmd-sync.c \
	client/edit.c \
	client/localtime.c \
	client/grid.c \
	client/cmd-meeting.c \
	client/cmd-availability.c \
	client/cmd-dossier.c \
	client/cmd-region.c \
	client/cmd-timeline.c \
	client/cmd-calendar.c \
	client/cmd-plan.c

UNIT_TESTS := \
	tests/unit/test_audit \
	tests/unit/test_frame \
	tests/unit/test_holiday \
	tests/unit/test_principal \
	tests/unit/test_date \
	tests/unit/test_borda \
	tests/unit/test_auth \
	tests/unit/test_grid \
	tests/unit/test_ical \
	tests/unit/test_schedule \
	tests/unit/test_store

TOOLS_SRCS := tests/tools/wireprobe.c

obj = $(patsubst %.c,$(BUILD)/%.o,$(1))
COMMON_OBJS := $(call obj,$(COMMON_SRCS)) $(BUILD)/gen/samen.pb-c.o
DAEMON_OBJS := $(call obj,$(DAEMON_SRCS))
CLIENT_OBJS := $(call obj,$(CLIENT_SRCS))

SAMEND := $(BUILD)/samend
SAMEN := $(BUILD)/samen
WIREPROBE := $(BUILD)/wireprobe
UNIT_BINS := $(addprefix $(BUILD)/,$(UNIT_TESTS))

.PHONY: all deps check check-unit check-integration demo clean
.DEFAULT_GOAL := all

all: $(SAMEND) $(SAMEN)

deps:
	@scripts/deps.sh

$(GEN_C) $(GEN_H): proto/samen.proto
	@mkdir -p $(BUILD)/gen
	protoc-c --c_out=$(BUILD)/gen -Iproto proto/samen.proto

# The generated code is not ours to hold to our warnings.
$(BUILD)/gen/samen.pb-c.o: $(GEN_C)
	$(CC) -std=c11 $(CFLAGS) $(SANFLAGS) -I$(BUILD)/gen $(PKG_CFLAGS) \
		-c -o $@ $<

$(BUILD)/%.o: %.c $(GEN_H)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(SAMEND): $(DAEMON_OBJS) $(COMMON_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(SAMEN): $(CLIENT_OBJS) $(COMMON_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(WIREPROBE): $(call obj,$(TOOLS_SRCS)) $(COMMON_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

NOTIFY_LISTEN := $(BUILD)/notify-listen

$(NOTIFY_LISTEN): $(call obj,tests/tools/notify-listen.c)
	$(CC) $(ALL_LDFLAGS) -o $@ $^

# The agenda benchmark (bench/README.md); never part of `make check`.
BENCH := $(BUILD)/samen-bench

$(BENCH): $(call obj,bench/samen-bench.c) $(COMMON_OBJS)
	$(CC) $(ALL_LDFLAGS) -pthread -o $@ $^ $(PKG_LIBS)

# The scheduler on synthetic regions (bench/README.md).
PLAN_BENCH := $(BUILD)/plan-bench

$(PLAN_BENCH): $(call obj,bench/plan-bench.c) $(BUILD)/daemon/schedule.o \
    $(COMMON_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

.PHONY: bench bench-plan
bench: all $(BENCH)
	@BUILD=$(BUILD) bench/agenda.sh

bench-plan: $(PLAN_BENCH)
	@for c in none leiden a b; do $(PLAN_BENCH) $$c || exit 1; done

# Unit tests link the pure modules they test, plus cmocka.
$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(COMMON_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(PKG_LIBS) \
		$(shell $(PKG_CONFIG) --libs cmocka)

# Unit tests of daemon modules link those modules too.
$(BUILD)/tests/unit/test_audit: $(BUILD)/daemon/audithash.o
$(BUILD)/tests/unit/test_auth: $(BUILD)/daemon/auth.o
$(BUILD)/tests/unit/test_grid: $(BUILD)/client/grid.o
$(BUILD)/tests/unit/test_ical: $(BUILD)/daemon/ical.o
$(BUILD)/tests/unit/test_schedule: $(BUILD)/daemon/schedule.o
$(BUILD)/tests/unit/test_store: $(BUILD)/daemon/store.o

# `make check` first installs what is missing, then builds with the
# libraries found (hence the second make).
check: deps
	@$(MAKE) --no-print-directory build-tests
	@BUILD=$(BUILD) tests/run.sh $(UNIT_BINS)

build-tests: all $(UNIT_BINS) $(WIREPROBE) $(NOTIFY_LISTEN)

check-unit: build-tests
	@BUILD=$(BUILD) tests/run.sh --unit-only $(UNIT_BINS)

check-integration: build-tests
	@BUILD=$(BUILD) tests/run.sh --integration-only

demo: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) scripts/demo.sh

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)

# ---------------------------------------------------------------------------
# Install and uninstall (administrators: README.md; a package: DESTDIR).
#
#   make install [PREFIX=/usr/local] [DESTDIR=] [BINDIR=] [SYSCONFDIR=/etc]
#       [MANDIR=] [UNITDIR=] [SYSUSERSDIR=] [TMPFILESDIR=] [BASHCOMPDIR=]
#   make uninstall                 with the same variables
#   make unit UNIT_OUT=FILE        the unit alone, rendered with these paths
#
# The unit and the tmpfiles.d snippet are templates (*.in): @BINDIR@ and
# @SYSCONFDIR@ become this install's paths.  The default configuration is
# installed only where none exists; uninstall removes it only while it is
# byte for byte the shipped one (a changed file stays, and is named).
# Neither touches the samen user or /var/lib/samen: the region's data
# outlives the program.  Then, as root:
#   systemd-sysusers samen.conf; systemd-tmpfiles --create samen.conf
#   systemctl daemon-reload; systemctl enable --now samend

BINDIR ?= $(PREFIX)/bin
SYSCONFDIR ?= /etc
MANDIR ?= $(PREFIX)/share/man
# Debian keeps the units of packages in /lib/systemd/system.
ifeq ($(PREFIX),/usr)
UNITDIR ?= /lib/systemd/system
else
UNITDIR ?= $(PREFIX)/lib/systemd/system
endif
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
UNIT_OUT ?= $(BUILD)/samend.service
INSTALL ?= install

MAN_PAGES := $(wildcard man/*.[1-8])
COMPLETIONS := $(wildcard completion/samen completion/samend)
CONF_DIR := $(DESTDIR)$(SYSCONFDIR)/samen
CONF := $(CONF_DIR)/samend.conf
RENDER = sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g'

.PHONY: install uninstall unit

unit:
	@mkdir -p $(dir $(UNIT_OUT))
	$(RENDER) systemd/samend.service.in >$(UNIT_OUT)

install: all
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR)
	$(INSTALL) -m 0755 $(SAMEND) $(SAMEN) $(DESTDIR)$(BINDIR)/
	$(RENDER) systemd/samend.service.in \
		>$(DESTDIR)$(UNITDIR)/samend.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/samend.service
	$(INSTALL) -m 0644 systemd/sysusers.d/samen.conf \
		$(DESTDIR)$(SYSUSERSDIR)/samen.conf
	$(RENDER) systemd/tmpfiles.d/samen.conf.in \
		>$(DESTDIR)$(TMPFILESDIR)/samen.conf
	chmod 0644 $(DESTDIR)$(TMPFILESDIR)/samen.conf
	@set -e; for f in $(MAN_PAGES); do \
		d=$(DESTDIR)$(MANDIR)/man$${f##*.}; \
		echo "$(INSTALL) -m 0644 $$f $$d/"; \
		$(INSTALL) -d $$d; $(INSTALL) -m 0644 $$f $$d/; \
	done
	@set -e; for f in $(COMPLETIONS); do \
		echo "$(INSTALL) -m 0644 $$f $(DESTDIR)$(BASHCOMPDIR)/"; \
		$(INSTALL) -d $(DESTDIR)$(BASHCOMPDIR); \
		$(INSTALL) -m 0644 $$f $(DESTDIR)$(BASHCOMPDIR)/; \
	done
	@# 0750 as tmpfiles.d gives it (root:samen there); an existing
	@# directory keeps its mode.
	@[ -d $(CONF_DIR) ] || $(INSTALL) -d -m 0750 $(CONF_DIR)
	@if [ -e $(CONF) ]; then \
		echo "kept $(CONF); the shipped default is etc/samend.conf"; \
	else \
		echo "$(INSTALL) -m 0644 etc/samend.conf $(CONF)"; \
		$(INSTALL) -m 0644 etc/samend.conf $(CONF); \
	fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/samend $(DESTDIR)$(BINDIR)/samen \
		$(DESTDIR)$(UNITDIR)/samend.service \
		$(DESTDIR)$(SYSUSERSDIR)/samen.conf \
		$(DESTDIR)$(TMPFILESDIR)/samen.conf
	@for f in $(MAN_PAGES); do \
		echo "rm -f $(DESTDIR)$(MANDIR)/man$${f##*.}/$${f##*/}"; \
		rm -f $(DESTDIR)$(MANDIR)/man$${f##*.}/$${f##*/}; \
	done
	@for f in $(COMPLETIONS); do \
		echo "rm -f $(DESTDIR)$(BASHCOMPDIR)/$${f##*/}"; \
		rm -f $(DESTDIR)$(BASHCOMPDIR)/$${f##*/}; \
	done
	@if cmp -s etc/samend.conf $(CONF); then \
		echo "rm -f $(CONF)"; rm -f $(CONF); \
	elif [ -e $(CONF) ]; then \
		echo "kept $(CONF): it differs from the shipped default"; \
	fi
	@rmdir $(CONF_DIR) 2>/dev/null || true

# ---------------------------------------------------------------------------
# Fuzzing (tests/fuzz/README): libFuzzer targets, built with clang under
# ASan and UBSan in build/fuzz, from their own objects.
#
#   make fuzz [FUZZ_SECONDS=60]		each target on a copy of its corpus
#   make fuzz-check [FUZZ_CHECK_SECONDS=3]	briefly, and every regression input
#   make fuzz-seeds			rewrite tests/fuzz/corpus/ (mkseeds)
#
# `make check` builds the targets and runs the fuzz check, one test per
# target.  Crashes are kept in build/fuzz/crashes/TARGET/.

FUZZ_TARGETS := fuzz_frame fuzz_dispatch fuzz_ical fuzz_config fuzz_plan
FUZZ_SECONDS ?= 60
FUZZ_CHECK_SECONDS ?= 3
FUZZ_BUILD := build/fuzz
FUZZ_CC ?= clang
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer -g -O1
FUZZ_FLAGS := -fsanitize=fuzzer $(FUZZ_SAN)
# The gcc build holds the code to WARN.  clang warns where gcc does not
# (protobuf-c's INIT macros under -Wcast-qual, vsnprintf in log.c): here
# warnings are shown, not fatal.
FUZZ_WARN := $(filter-out -Werror -Wcast-qual,$(WARN)) -Wno-format-nonliteral
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE $(FUZZ_FLAGS) $(FUZZ_WARN) $(ICAL_DEF) \
	-Icommon -Idaemon -Iclient -isystem $(FUZZ_BUILD)/gen $(PKG_CFLAGS) \
	-MMD -MP
FUZZ_GEN_C := $(FUZZ_BUILD)/gen/samen.pb-c.c
FUZZ_GEN_H := $(FUZZ_BUILD)/gen/samen.pb-c.h
fuzz_obj = $(patsubst %.c,$(FUZZ_BUILD)/%.o,$(1))
FUZZ_COMMON_OBJS := $(call fuzz_obj,$(COMMON_SRCS)) \
	$(FUZZ_BUILD)/gen/samen.pb-c.o
FUZZ_DAEMON_OBJS := $(call fuzz_obj,$(filter-out daemon/main.c,$(DAEMON_SRCS)))
FUZZ_BINS := $(addprefix $(FUZZ_BUILD)/,$(FUZZ_TARGETS))
FUZZ_MKSEEDS := $(FUZZ_BUILD)/mkseeds

.PHONY: fuzz fuzz-check fuzz-build fuzz-seeds

fuzz-build: $(FUZZ_BINS)

$(FUZZ_GEN_C) $(FUZZ_GEN_H): proto/samen.proto
	@mkdir -p $(FUZZ_BUILD)/gen
	protoc-c --c_out=$(FUZZ_BUILD)/gen -Iproto proto/samen.proto

$(FUZZ_BUILD)/gen/samen.pb-c.o: $(FUZZ_GEN_C)
	$(FUZZ_CC) -std=c11 $(FUZZ_FLAGS) -I$(FUZZ_BUILD)/gen $(PKG_CFLAGS) \
		-c -o $@ $<

$(FUZZ_BUILD)/%.o: %.c $(FUZZ_GEN_H)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

# Each target links the daemon objects it drives, and all of common/.
$(FUZZ_BUILD)/fuzz_frame: $(FUZZ_BUILD)/tests/fuzz/fuzz_frame.o
$(FUZZ_BUILD)/fuzz_dispatch: $(FUZZ_BUILD)/tests/fuzz/fuzz_dispatch.o \
    $(FUZZ_DAEMON_OBJS)
$(FUZZ_BUILD)/fuzz_ical: $(FUZZ_BUILD)/tests/fuzz/fuzz_ical.o \
    $(FUZZ_BUILD)/daemon/ical.o
$(FUZZ_BUILD)/fuzz_config: $(FUZZ_BUILD)/tests/fuzz/fuzz_config.o \
    $(FUZZ_BUILD)/daemon/config.o
$(FUZZ_BUILD)/fuzz_plan: $(FUZZ_BUILD)/tests/fuzz/fuzz_plan.o \
    $(FUZZ_BUILD)/daemon/schedule.o
$(FUZZ_BINS): $(FUZZ_COMMON_OBJS)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $^ $(PKG_LIBS)

# The seed writer has its own main(): sanitizers, no libFuzzer.
$(FUZZ_MKSEEDS): $(FUZZ_BUILD)/tests/fuzz/mkseeds.o \
    $(FUZZ_BUILD)/gen/samen.pb-c.o
	$(FUZZ_CC) $(FUZZ_SAN) -o $@ $^ $(PKG_LIBS)

fuzz-seeds: $(FUZZ_MKSEEDS)
	$(FUZZ_MKSEEDS) tests/fuzz/corpus tests/fixtures/*.ics etc/samend.conf

fuzz: $(FUZZ_BINS)
	@rc=0; for t in $(FUZZ_TARGETS); do \
		FUZZ_BUILD=$(FUZZ_BUILD) tests/fuzz/fuzz.sh $(FUZZ_SECONDS) \
		    $$t || rc=1; \
	done; exit $$rc

fuzz-check: $(FUZZ_BINS)
	@rc=0; for t in $(FUZZ_TARGETS); do \
		FUZZ_BUILD=$(FUZZ_BUILD) tests/fuzz/fuzz.sh \
		    $(FUZZ_CHECK_SECONDS) $$t || rc=1; \
	done; exit $$rc

build-tests: fuzz-build

# ---------------------------------------------------------------------------
# The crash test: writers that record what was acknowledged while samend
# is killed (tests/integration/11_crash.bats).  `make check-long` runs
# every test with 50 kill-and-restart cycles instead of 5.

CRASHWRITER := $(BUILD)/crashwriter

$(CRASHWRITER): $(call obj,tests/tools/crashwriter.c) $(COMMON_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

build-tests: $(CRASHWRITER)

.PHONY: check-long
check-long:
	@CRASH_CYCLES=50 $(MAKE) --no-print-directory check

# ---------------------------------------------------------------------------
# The performance suite (bench/README.md, BENCHMARKS.md): samen-load against
# a throw-away region, then the ceilings and peers (nginx, wrk, openssl
# s_time, SQLite, Radicale) in the same run, and one table of ratios.
# Never part of `make check`; 10 to 25 minutes.
#
#   make bench-all

LOAD := $(BUILD)/samen-load

$(LOAD): $(call obj,bench/samen-load.c) $(COMMON_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

.PHONY: bench-all
bench-all: all $(BENCH) $(LOAD)
	@BUILD=$(BUILD) bench/run
