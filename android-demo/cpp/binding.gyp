{
  "targets": [{
    "target_name": "rio_core",
    "sources": ["src/rio_core.cpp", "src/napi_binding.cpp"],
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "<!@(pkg-config --cflags-only-I opencv4 | sed 's/-I//g')"],
    "libraries": ["-lopencv_core", "-lopencv_imgproc"],
    "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
    "cflags_cc": ["-std=c++17", "-O2", "-fexceptions"],
    "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
    "cflags!": ["-fno-exceptions"]
  }]
}
