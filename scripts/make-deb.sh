#!/usr/bin/env bash
# Build the Debian package of solemate with the standard tools: `make
# install DESTDIR=... PREFIX=/usr` into a staging root, the control file,
# the copyright and changelog Debian policy asks for, then dpkg-deb. The
# package lands in $BUILD/solemate_<version>_<arch>.deb (make deb).
#
# Depends: the libraries the binary links (jansson, libyaml) from
# dpkg-shlibdeps when it is there, and the ones it loads with dlopen on the
# first AWS call (libcurl, libxml2, libcrypto: src/aws/dynlib.c), which no
# tool can see.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
version=$("$BUILD/solemate" --version | awk '{print $2}')
arch=$(dpkg --print-architecture)
root=$(mktemp -d); trap 'rm -rf "$root"' EXIT
pkg=$root/solemate

make -s install BUILD="$BUILD" PREFIX=/usr DESTDIR="$pkg" >/dev/null
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$pkg/usr/bin/solemate"
# Debian policy: man pages compressed with gzip -9n; completions where the
# shells' Debian packages look for them
gzip -9n "$pkg"/usr/share/man/man1/*.1
doc=$pkg/usr/share/doc/solemate
install -d "$doc"
cat >"$doc/copyright" <<'C'
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: solemate
Source: the solemate repository

Files: *
Copyright: 2026 the solemate team
License: MIT
 Permission is hereby granted, free of charge, to any person obtaining a copy
 of this software and associated documentation files (the "Software"), to deal
 in the Software without restriction, including without limitation the rights
 to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
 copies of the Software, and to permit persons to whom the Software is
 furnished to do so, subject to the following conditions:
 .
 The above copyright notice and this permission notice shall be included in
 all copies or substantial portions of the Software.
 .
 THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
 IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
 FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
 AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
 LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
 OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
 SOFTWARE.
C
when=$(date -u -R -d "@${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}")
printf 'solemate (%s) unstable; urgency=medium\n\n  * Release %s.\n\n -- solemate team <platform-team@solemate.com>  %s\n' \
  "$version" "$version" "$when" | gzip -9n >"$doc/changelog.gz"

linked="libc6, libjansson4, libyaml-0-2"
if command -v dpkg-shlibdeps >/dev/null; then
  mkdir -p "$root/debian"; : >"$root/debian/control"
  linked=$(cd "$root" && dpkg-shlibdeps -O "$pkg/usr/bin/solemate" 2>/dev/null | sed -n 's/^shlibs:Depends=//p') || true
  [ -n "$linked" ] || linked="libc6, libjansson4, libyaml-0-2"
fi
size=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
install -d "$pkg/DEBIAN"
cat >"$pkg/DEBIAN/control" <<C
Package: solemate
Version: $version
Architecture: $arch
Maintainer: solemate team <platform-team@solemate.com>
Installed-Size: $size
Depends: $linked, libcurl4, libxml2, libssl3
Recommends: graphviz
Section: admin
Priority: optional
Homepage: https://solemate.com/
Description: infrastructure as code for the SoleMate AWS platform
 solemate synthesizes the SoleMate e-commerce platform's AWS infrastructure
 into CloudFormation templates and a cloud assembly the AWS CDK CLI reads,
 validates them against the CloudFormation schemas, checks them against
 security and compliance rules, estimates their cost, and diffs, deploys
 and destroys them through the CloudFormation API.
C
(cd "$pkg" && find usr -type f -exec md5sum {} + | sort -k2) >"$pkg/DEBIAN/md5sums"
chmod 644 "$pkg/DEBIAN/control" "$pkg/DEBIAN/md5sums"
find "$pkg" -type d -exec chmod 755 {} +
out="$BUILD/solemate_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$out.tmp" >/dev/null
mv "$out.tmp" "$out"
echo "$out"
