#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages rio-farm needs when they are missing. As root it installs
# them with apt; otherwise it prints the exact command to run. Safe to run again: it only acts on
# what is missing.
#   adb                      the real adb server that drives phones and virtual devices
#   aapt apksigner zipalign  build and sign the demo APK installed on virtual devices
#   libopencv-dev g++ make   the C++ post-processing core (Node-API build)
#   openjdk-17-jdk-headless  jni.h, to compile-check the demo app's JNI bridge (android-demo/app test)
#   python3-torch python3-onnx  training and ONNX export of the RIO model
#   python3-pil              training targets (card masks rasterised); only a Recommends of torch
#   chromium                 dashboard page tests (playwright-core drives it; nothing is downloaded)
#   fonts-noto-cjk fonts-dejavu-core  real Latin and Korean fonts for rendered business cards
#   fonts-liberation2 fonts-freefont-ttf  the held-out suite's card fonts (scenarios/heldout), none the generator uses
#   fonts-dejavu-extra fonts-open-sans fonts-lato fonts-roboto-unhinted  training card faces of the quarter-turn
#                            classifier (android-demo/model/face_fonts.py); fonts-urw-base35 its validation faces
set -euo pipefail
PACKAGES=(adb aapt apksigner zipalign libopencv-dev g++ make openjdk-17-jdk-headless python3-torch python3-onnx python3-pil chromium fonts-noto-cjk fonts-dejavu-core fonts-liberation2 fonts-freefont-ttf fonts-dejavu-extra fonts-open-sans fonts-lato fonts-roboto-unhinted fonts-urw-base35)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "system packages: installing ${missing[*]}"
  bash -c "$cmd"
else
  echo "system packages missing: ${missing[*]}" >&2
  echo "run as root:  sudo bash -c '$cmd'" >&2
  exit 3
fi
