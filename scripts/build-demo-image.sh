#!/usr/bin/env bash
# Builds Berth's demo image from Debian packages only, with no Docker and no registry:
#   usage: scripts/build-demo-image.sh OUT.tar [REF]       (REF defaults to nginx:1.9.1)
# OUT.tar is an OCI image layout (oci-layout, index.json, blobs/sha256/*) that also carries a
# docker-style manifest.json, so both `berth image load` and `docker load` read it. REF is
# written as the image's name (org.opencontainers.image.ref.name and RepoTags); a REF without a
# tag gets `:latest`.
#   layer 1: busybox-static (sh and the coreutils as applet links), /etc/passwd, group, nsswitch
#   layer 2: nginx and curl with the shared libraries ldd finds, an nginx.conf serving
#            /usr/share/nginx/html on port 80, and a default index.html
#   config:  Cmd ["/usr/sbin/nginx", "-g", "daemon off;"] (foreground), port 80/tcp, StopSignal SIGQUIT
# Reproducible: sorted tar entries, owner 0:0, mtime 0, no atime/ctime, gzip -n, fixed JSON;
# two builds on machines with the same Debian package versions give the same digests.
# As root it installs what it needs (busybox-static nginx-light curl) when missing.
set -euo pipefail
umask 022
export LC_ALL=C

OUT=${1:?usage: build-demo-image.sh OUT.tar [REF]}
REF=${2:-nginx:1.9.1}
case "${REF##*/}" in *:*) ;; *) REF="$REF:latest" ;; esac

need() { [ -x /bin/busybox ] && /bin/busybox --list >/dev/null 2>&1 && [ -x /usr/sbin/nginx ] && [ -x /usr/bin/curl ]; }
if ! need; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends busybox-static nginx-light curl >/dev/null 2>&1 ||
      { apt-get update >/dev/null && apt-get install -y --no-install-recommends busybox-static nginx-light curl >/dev/null; }
  fi
  need || { echo "build-demo-image: needs /bin/busybox (busybox-static), /usr/sbin/nginx (nginx-light) and /usr/bin/curl" >&2; exit 1; }
fi
# ldd succeeds only on a dynamic binary: the image has no libc of its own for busybox.
if ldd /bin/busybox >/dev/null 2>&1; then
  echo "build-demo-image: /bin/busybox must be the static busybox (package busybox-static)" >&2; exit 1
fi

W=$(mktemp -d "${TMPDIR:-/tmp}/berth-demo-image.XXXXXX")
trap 'rm -rf "$W"' EXIT
L1=$W/l1 L2=$W/l2 O=$W/oci
mkdir -p "$L1" "$L2" "$O/blobs/sha256"

# ---- layer 1: busybox base
mkdir -p "$L1"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp,var/tmp,run,proc,sys,dev}
chmod 1777 "$L1/tmp" "$L1/var/tmp"
chmod 0700 "$L1/root"
cp /bin/busybox "$L1/bin/busybox"
/bin/busybox --list-full | while read -r applet; do
  [ "$applet" = bin/busybox ] || [ -e "$L1/$applet" ] || ln -s /bin/busybox "$L1/$applet"
done
printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'www-data:x:33:33:www-data:/var/www:/bin/false' \
  'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' > "$L1/etc/passwd"
printf '%s\n' 'root:x:0:' 'www-data:x:33:' 'nogroup:x:65534:' > "$L1/etc/group"
echo 'hosts: files dns' > "$L1/etc/nsswitch.conf"

# ---- layer 2: nginx + curl + their libraries
mkdir -p "$L2"/{usr/sbin,usr/bin,etc/nginx,var/log/nginx,var/lib/nginx,usr/share/nginx/html,run}
cp /usr/sbin/nginx "$L2/usr/sbin/nginx"
cp /usr/bin/curl "$L2/usr/bin/curl"
# Every "=> /path" library plus the loader itself (the PT_INTERP path, e.g. /lib64/ld-linux-x86-64.so.2);
# -L copies the real file under the name the binaries ask for.
ldd /usr/sbin/nginx /usr/bin/curl |
  awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && $1 !~ /:$/ { print $1 }' | sort -u |
  while read -r lib; do cp --parents -L "$lib" "$L2/"; done
cp /etc/nginx/mime.types "$L2/etc/nginx/mime.types"
cat > "$L2/etc/nginx/nginx.conf" <<'EOF'
user www-data;
worker_processes 1;
error_log stderr;
pid /run/nginx.pid;
events { worker_connections 256; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  server {
    listen 80;
    root /usr/share/nginx/html;
    location / { index index.html; }
  }
}
EOF
echo 'Welcome to nginx on Berth' > "$L2/usr/share/nginx/html/index.html"

# ---- pack: diff_id = sha256(tar), digest = sha256(tar.gz)
TAR_OPTS=(--sort=name --numeric-owner --owner=0 --group=0 --mtime=@0 --format=posix
          --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime)
sha() { sha256sum "$1" | cut -d' ' -f1; }
DIFF_IDS="" LAYERS="" LAYER_PATHS=""
for l in l1 l2; do
  tar "${TAR_OPTS[@]}" -C "$W/$l" -cf "$W/$l.tar" .
  gzip -n -6 -c "$W/$l.tar" > "$W/$l.tar.gz"
  diff=$(sha "$W/$l.tar") dig=$(sha "$W/$l.tar.gz") size=$(stat -c %s "$W/$l.tar.gz")
  mv "$W/$l.tar.gz" "$O/blobs/sha256/$dig"
  DIFF_IDS+="${DIFF_IDS:+,}\"sha256:$diff\""
  LAYERS+="${LAYERS:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$dig\",\"size\":$size}"
  LAYER_PATHS+="${LAYER_PATHS:+,}\"blobs/sha256/$dig\""
done

ARCH=$(dpkg --print-architecture 2>/dev/null || echo amd64)
EPOCH=1970-01-01T00:00:00Z
printf '{"created":"%s","architecture":"%s","os":"linux","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["/usr/sbin/nginx","-g","daemon off;"],"WorkingDir":"/","ExposedPorts":{"80/tcp":{}},"StopSignal":"SIGQUIT"},"rootfs":{"type":"layers","diff_ids":[%s]},"history":[{"created":"%s","created_by":"busybox-static base"},{"created":"%s","created_by":"nginx and curl from Debian packages"}]}' \
  "$EPOCH" "$ARCH" "$DIFF_IDS" "$EPOCH" "$EPOCH" > "$W/config.json"
cdig=$(sha "$W/config.json") csize=$(stat -c %s "$W/config.json")
cp "$W/config.json" "$O/blobs/sha256/$cdig"

printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' \
  "$cdig" "$csize" "$LAYERS" > "$W/manifest"
mdig=$(sha "$W/manifest") msize=$(stat -c %s "$W/manifest")
cp "$W/manifest" "$O/blobs/sha256/$mdig"

printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"platform":{"architecture":"%s","os":"linux"},"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}\n' \
  "$mdig" "$msize" "$ARCH" "$REF" > "$O/index.json"
printf '{"imageLayoutVersion":"1.0.0"}\n' > "$O/oci-layout"
printf '[{"Config":"blobs/sha256/%s","RepoTags":["%s"],"Layers":[%s]}]\n' "$cdig" "$REF" "$LAYER_PATHS" > "$O/manifest.json"

mkdir -p "$(dirname "$OUT")"
tar "${TAR_OPTS[@]}" -C "$O" -cf "$OUT.partial" oci-layout index.json manifest.json blobs
mv "$OUT.partial" "$OUT"
echo "built $OUT: $REF sha256:$mdig ($(stat -c %s "$OUT") bytes)"
