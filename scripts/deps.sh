#!/bin/sh
# Installs the Debian packages that samen needs to build, test and run,
# when they are missing.  Runs apt-get as root, or through sudo.
set -eu

missing=""

# pkg-config module -> Debian package
for pair in \
	libevent_core:libevent-dev \
	libevent_openssl:libevent-dev \
	libprotobuf-c:libprotobuf-c-dev \
	sqlite3:libsqlite3-dev \
	openssl:libssl-dev \
	inih:libinih-dev \
	jansson:libjansson-dev \
	libical:libical-dev \
	libzstd:libzstd-dev \
	cmocka:libcmocka-dev
do
	mod=${pair%%:*}
	pkg=${pair#*:}
	if ! command -v pkg-config >/dev/null 2>&1 ||
	    ! pkg-config --exists "$mod" 2>/dev/null; then
		case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
	fi
done

# command -> Debian package
for pair in \
	cc:gcc \
	make:make \
	pkg-config:pkg-config \
	protoc-c:protobuf-c-compiler \
	bats:bats \
	openssl:openssl \
	sqlite3:sqlite3 \
	clang:clang \
	testssl:testssl.sh \
	strace:strace \
	groff:groff-base \
	man:man-db \
	systemd-analyze:systemd
do
	cmd=${pair%%:*}
	pkg=${pair#*:}
	if ! command -v "$cmd" >/dev/null 2>&1; then
		case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
	fi
done

# libFuzzer (make fuzz): Debian 12 ships its runtime apart from clang.
if ! command -v clang >/dev/null 2>&1 || [ ! -e "$(clang \
    -print-file-name="libclang_rt.fuzzer-$(uname -m).a")" ]; then
	v=$(clang -dumpversion 2>/dev/null | cut -d. -f1)
	missing="$missing libclang-rt-${v:-14}-dev"
fi

[ -z "$missing" ] && exit 0

echo "samen: installing missing Debian packages:$missing"
if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "samen: need root (or sudo) to install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
