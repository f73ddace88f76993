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
PKGS := libevent libevent_openssl libprotobuf-c sqlite3 openssl inih \
	jansson libsystemd libical
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS))

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wwrite-strings -Wpointer-arith -Wcast-qual -Werror
CFLAGS ?= $(OPT) -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(CFLAGS) $(WARN) $(SANFLAGS) $(TESTFLAGS) \
	-Icommon -Idaemon -Iclient -isystem $(BUILD)/gen $(PKG_CFLAGS) -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)

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
	tests/unit/test_frame \
	tests/unit/test_holiday \
	tests/unit/test_principal \
	tests/unit/test_date \
	tests/unit/test_borda \
	tests/unit/test_auth \
	tests/unit/test_grid \
	tests/unit/test_ical \
	tests/unit/test_schedule

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
$(BUILD)/tests/unit/test_auth: $(BUILD)/daemon/auth.o
$(BUILD)/tests/unit/test_grid: $(BUILD)/client/grid.o
$(BUILD)/tests/unit/test_ical: $(BUILD)/daemon/ical.o
$(BUILD)/tests/unit/test_schedule: $(BUILD)/daemon/schedule.o

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
