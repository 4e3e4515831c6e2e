#!/usr/bin/env bash
# Makes a development CA and N peer certificates for the overlay's TLS, as PEM files with
# unencrypted PKCS#8 keys:
#   DIR/ca.crt DIR/ca.key  DIR/peerI.crt DIR/peerI.key  (I = 1..N; peer I is 127.0.0.I)
# Existing files are kept, so running it again only adds what is missing. For development and
# tests only: the keys are unencrypted and the certificates do not bind Node-IDs.
set -euo pipefail

usage() {
  echo "usage: $0 DIR N   (N peer certificates, 1..250)" >&2
  exit 2
}

(($# == 2)) || usage
dir=$1
count=$2
if ! [[ $count =~ ^[0-9]+$ ]] || ((count < 1 || count > 250)); then
  usage
fi

command -v openssl >/dev/null 2>&1 || { echo "dev-ca: openssl is required (scripts/install-deps.sh)" >&2; exit 1; }

mkdir -p "$dir"
umask 077
days=825

new_key() {
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
}

if [[ ! -s $dir/ca.key || ! -s $dir/ca.crt ]]; then
  new_key "$dir/ca.key"
  openssl req -x509 -new -key "$dir/ca.key" -sha256 -days "$days" -subj "/O=sipring development/CN=sipring dev CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$dir/ca.crt"
  echo "dev-ca: made CA $dir/ca.crt"
fi

ext=$(mktemp)
trap 'rm -f "$ext"' EXIT

for ((i = 1; i <= count; i++)); do
  name=peer$i
  if [[ -s $dir/$name.key && -s $dir/$name.crt ]]; then
    continue
  fi
  new_key "$dir/$name.key"
  cat >"$ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyAgreement
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=IP:127.0.0.$i,DNS:$name.sipring.local,DNS:localhost
EXT
  openssl req -new -key "$dir/$name.key" -subj "/O=sipring development/CN=$name" -out "$dir/$name.csr"
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
    -days "$days" -sha256 -extfile "$ext" -out "$dir/$name.crt" 2>/dev/null
  rm -f "$dir/$name.csr"
  echo "dev-ca: made $dir/$name.crt"
done
chmod 644 "$dir"/*.crt
