/* Host stand-in for the NDK's <android/bitmap.h> (same names and signatures, NDK r26), used only to
 * syntax-check cpp/src/jni_bridge.cpp on machines without the NDK. Not linked into anything. */
#pragma once
#include <jni.h>
#include <stdint.h>
enum { ANDROID_BITMAP_RESULT_SUCCESS = 0 };
enum AndroidBitmapFormat { ANDROID_BITMAP_FORMAT_NONE = 0, ANDROID_BITMAP_FORMAT_RGBA_8888 = 1 };
typedef struct { uint32_t width; uint32_t height; uint32_t stride; int32_t format; uint32_t flags; } AndroidBitmapInfo;
int AndroidBitmap_getInfo(JNIEnv* env, jobject jbitmap, AndroidBitmapInfo* info);
int AndroidBitmap_lockPixels(JNIEnv* env, jobject jbitmap, void** addrPtr);
int AndroidBitmap_unlockPixels(JNIEnv* env, jobject jbitmap);
