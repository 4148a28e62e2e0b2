# The two commands a new user needs:
#   make run    install the Debian packages, build release, crawl the offline demo, then feeds.yaml once
#   make test   build and run the whole test suite
CONFIG ?= feeds.yaml
CUTS ?= 30
SWIFT ?= swift
RELEASE = .build/release/crawler
# Swift's own libraries linked in: the binary starts in a few ms instead of resolving thousands of
# symbols (a tenth of a 304 pass over 1,000 feeds), and runs where the toolchain is not installed.
RELEASE_BUILD = $(SWIFT) build -c release --static-swift-stdlib

.PHONY: run deps build demo crawl test install deb deb-test system-test power-test clean

run: demo crawl

deps:
	@scripts/install-deps.sh

build: deps
	$(RELEASE_BUILD)

demo: build
	@CRAWLER=$(RELEASE) scripts/demo.sh

# Real feeds need the network; without it every feed fails and says why, and nothing stored is lost.
crawl: build
	@echo
	@echo "== crawler once --config $(CONFIG)"
	@$(RELEASE) once --config $(CONFIG) || echo "(some feeds failed: see the lines above; offline machines fail them all)"

test: deps
	$(SWIFT) test

# Binary, man pages, completions, systemd units and /etc/crawler/feeds.yaml (PREFIX=/usr/local,
# DESTDIR= for packaging).
install: build
	@scripts/install.sh

# crawler_VERSION_ARCH.deb in this folder (dpkg-deb; Debian's dpkg-dev for dpkg-shlibdeps).
deb: build
	@scripts/build-deb.sh

# The .deb installed with apt into a clean debootstrap root (root; the first run downloads the
# root into .system-test/), crawler --version and check run there, lintian. Not part of `make test`.
deb-test: deb
	@scripts/deb-test.sh

# The installed units under a real systemd: boots Debian in systemd-nspawn (root; the first run
# downloads its root into .system-test/). Minutes, so not part of `make test`.
system-test: build
	@scripts/system-test.sh

# Real power cuts: QEMU killed mid-crawl, then the store checked after the next boot (root; the
# first run installs a kernel into a copy of the system test's root, in .power-test/). CUTS=30.
power-test: build
	@CUTS=$(CUTS) scripts/power-test.sh

clean:
	rm -rf .build examples/demo/store store
