// JNI face of the RIO core for the Kotlin app (dev.riofarm.rio.RioCore). Thin: array copies in,
// a flat float array out; core errors become a Kotlin-visible RioCoreException("CODE: message").
#include <jni.h>
#include <android/bitmap.h>

#include <cstring>
#include <string>
#include <vector>

#include "rio_core.h"

namespace {

constexpr const char* kExceptionClass = "dev/riofarm/rio/RioCoreException";
constexpr int kFloatsPerDetection = 10;  // score, fromMask, x0,y0 … x3,y3

void throwStatus(JNIEnv* env, const rio::Status& s) {
  jclass cls = env->FindClass(kExceptionClass);
  if (cls) env->ThrowNew(cls, (s.code + ": " + s.message).c_str());
}

std::vector<int> intArray(JNIEnv* env, jintArray a) {
  std::vector<int> v;
  if (!a) return v;
  v.resize(env->GetArrayLength(a));
  env->GetIntArrayRegion(a, 0, static_cast<jsize>(v.size()), v.data());
  return v;
}

// Holds a pinned float array for the duration of a call.
struct FloatArray {
  JNIEnv* env;
  jfloatArray array;
  float* data = nullptr;
  size_t length = 0;
  FloatArray(JNIEnv* e, jfloatArray a) : env(e), array(a) {
    if (a) {
      length = static_cast<size_t>(env->GetArrayLength(a));
      data = env->GetFloatArrayElements(a, nullptr);
    }
  }
  ~FloatArray() { if (data) env->ReleaseFloatArrayElements(array, data, JNI_ABORT); }
  rio::TensorView view(std::vector<int> shape) const { return {data, length, std::move(shape)}; }
};

}  // namespace

extern "C" JNIEXPORT jfloatArray JNICALL
Java_dev_riofarm_rio_RioCore_nativeDetect(JNIEnv* env, jclass, jfloatArray heat, jintArray heatShape,
                                          jfloatArray corners, jintArray cornersShape, jfloatArray mask,
                                          jintArray maskShape, jfloatArray orient, jintArray orientShape,
                                          jint frameWidth, jint frameHeight, jfloatArray params) {
  // orient/orientShape null: a model without the orientation output (quads keep the regression's order)
  FloatArray h(env, heat), c(env, corners), m(env, mask), o(env, orient), p(env, params);
  rio::PostprocessParams pp;
  if (p.data && p.length >= 6) {
    pp.score_threshold = p.data[0];
    pp.nms_iou = p.data[1];
    pp.mask_threshold = p.data[2];
    pp.max_detections = static_cast<int>(p.data[3]);
    pp.input_width = static_cast<int>(p.data[4]);
    pp.input_height = static_cast<int>(p.data[5]);
  }
  if (p.data && p.length >= 7) pp.corner_threshold = p.data[6];
  std::vector<rio::Detection> dets;
  rio::Status s = rio::detect(h.view(intArray(env, heatShape)), c.view(intArray(env, cornersShape)),
                              m.view(intArray(env, maskShape)), o.view(intArray(env, orientShape)), frameWidth, frameHeight, pp, dets);
  if (!s.ok()) {
    throwStatus(env, s);
    return nullptr;
  }
  std::vector<float> flat;
  for (const auto& d : dets) {
    flat.push_back(d.score);
    flat.push_back(d.from_mask ? 1.0f : 0.0f);
    for (const auto& pt : d.quad) { flat.push_back(pt.x); flat.push_back(pt.y); }
  }
  static_assert(kFloatsPerDetection == 10, "keep RioCore.FLOATS_PER_DETECTION in sync");
  jfloatArray out = env->NewFloatArray(static_cast<jsize>(flat.size()));
  if (out) env->SetFloatArrayRegion(out, 0, static_cast<jsize>(flat.size()), flat.data());
  return out;
}

extern "C" JNIEXPORT void JNICALL
Java_dev_riofarm_rio_RioCore_nativePreprocess(JNIEnv* env, jclass, jobject bitmap, jobject out, jint outWidth, jint outHeight) {
  AndroidBitmapInfo info;
  if (AndroidBitmap_getInfo(env, bitmap, &info) != ANDROID_BITMAP_RESULT_SUCCESS || info.format != ANDROID_BITMAP_FORMAT_RGBA_8888) {
    throwStatus(env, rio::Status::Error("BAD_ARGUMENT", "preprocess needs an ARGB_8888 bitmap"));
    return;
  }
  auto* dst = static_cast<float*>(env->GetDirectBufferAddress(out));
  if (!dst || env->GetDirectBufferCapacity(out) < static_cast<jlong>(outWidth) * outHeight * 3 * 4) {
    throwStatus(env, rio::Status::Error("BAD_ARGUMENT", "input buffer must be a direct buffer of outWidth*outHeight*3 floats"));
    return;
  }
  void* pixels = nullptr;
  if (AndroidBitmap_lockPixels(env, bitmap, &pixels) != ANDROID_BITMAP_RESULT_SUCCESS) {
    throwStatus(env, rio::Status::Error("INTERNAL", "cannot lock bitmap"));
    return;
  }
  // ARGB_8888 is R,G,B,A bytes in memory: the core's RGBA input.
  rio::Status s = rio::preprocess(cv::Mat(info.height, info.width, CV_8UC4, pixels, info.stride), outWidth, outHeight, dst);
  AndroidBitmap_unlockPixels(env, bitmap);
  if (!s.ok()) throwStatus(env, s);
}

extern "C" JNIEXPORT jobject JNICALL
Java_dev_riofarm_rio_RioCore_nativeCrop(JNIEnv* env, jclass, jobject src, jfloatArray quad, jint maxSide, jfloat fovDeg) {
  AndroidBitmapInfo info;
  if (AndroidBitmap_getInfo(env, src, &info) != ANDROID_BITMAP_RESULT_SUCCESS || info.format != ANDROID_BITMAP_FORMAT_RGBA_8888) {
    throwStatus(env, rio::Status::Error("BAD_ARGUMENT", "crop needs an ARGB_8888 bitmap"));
    return nullptr;
  }
  FloatArray q(env, quad);
  if (q.length != 8) {
    throwStatus(env, rio::Status::Error("BAD_ARGUMENT", "quad must be 8 floats"));
    return nullptr;
  }
  rio::Quad rq;
  for (int k = 0; k < 4; ++k) rq[k] = cv::Point2f(q.data[2 * k], q.data[2 * k + 1]);
  void* pixels = nullptr;
  if (AndroidBitmap_lockPixels(env, src, &pixels) != ANDROID_BITMAP_RESULT_SUCCESS) {
    throwStatus(env, rio::Status::Error("INTERNAL", "cannot lock bitmap"));
    return nullptr;
  }
  cv::Mat out;
  rio::Status s = rio::cropQuad(cv::Mat(info.height, info.width, CV_8UC4, pixels, info.stride), rq, maxSide, fovDeg, out);
  AndroidBitmap_unlockPixels(env, src);
  if (!s.ok()) {
    throwStatus(env, s);
    return nullptr;
  }
  // Bitmap.createBitmap(w, h, Bitmap.Config.ARGB_8888), then copy the rows in.
  jclass bitmapCls = env->FindClass("android/graphics/Bitmap");
  jclass configCls = env->FindClass("android/graphics/Bitmap$Config");
  jfieldID argb = env->GetStaticFieldID(configCls, "ARGB_8888", "Landroid/graphics/Bitmap$Config;");
  jmethodID create = env->GetStaticMethodID(bitmapCls, "createBitmap", "(IILandroid/graphics/Bitmap$Config;)Landroid/graphics/Bitmap;");
  jobject dst = env->CallStaticObjectMethod(bitmapCls, create, out.cols, out.rows, env->GetStaticObjectField(configCls, argb));
  if (!dst) return nullptr;
  AndroidBitmapInfo dinfo;
  void* dpx = nullptr;
  if (AndroidBitmap_getInfo(env, dst, &dinfo) != ANDROID_BITMAP_RESULT_SUCCESS || AndroidBitmap_lockPixels(env, dst, &dpx) != ANDROID_BITMAP_RESULT_SUCCESS) {
    throwStatus(env, rio::Status::Error("INTERNAL", "cannot lock output bitmap"));
    return nullptr;
  }
  for (int y = 0; y < out.rows; ++y)
    std::memcpy(static_cast<uint8_t*>(dpx) + y * dinfo.stride, out.ptr(y), static_cast<size_t>(out.cols) * 4);
  AndroidBitmap_unlockPixels(env, dst);
  return dst;
}

// Quad argument of 8 floats (x0,y0 … x3,y3), or false after throwing BAD_ARGUMENT.
static bool quadFrom(JNIEnv* env, jfloatArray quad, rio::Quad& q) {
  if (!quad || env->GetArrayLength(quad) != 8) {
    throwStatus(env, rio::Status::Error("BAD_ARGUMENT", "quad must be 8 floats"));
    return false;
  }
  float v[8];
  env->GetFloatArrayRegion(quad, 0, 8, v);
  for (int k = 0; k < 4; ++k) q[k] = cv::Point2f(v[2 * k], v[2 * k + 1]);
  return true;
}

extern "C" JNIEXPORT void JNICALL
Java_dev_riofarm_rio_RioCore_nativeQuarterTurnCrop(JNIEnv* env, jclass, jobject bitmap, jfloatArray quad, jobject out) {
  // out: a direct buffer of kTurnCropSide^2 * 3 floats, the quarter-turn classifier's input
  AndroidBitmapInfo info;
  if (AndroidBitmap_getInfo(env, bitmap, &info) != ANDROID_BITMAP_RESULT_SUCCESS || info.format != ANDROID_BITMAP_FORMAT_RGBA_8888) {
    throwStatus(env, rio::Status::Error("BAD_ARGUMENT", "quarterTurnCrop needs an ARGB_8888 bitmap"));
    return;
  }
  rio::Quad q;
  if (!quadFrom(env, quad, q)) return;
  auto* dst = static_cast<float*>(env->GetDirectBufferAddress(out));
  if (!dst || env->GetDirectBufferCapacity(out) < static_cast<jlong>(rio::kTurnCropSide) * rio::kTurnCropSide * 3 * 4) {
    throwStatus(env, rio::Status::Error("BAD_ARGUMENT", "crop buffer must be a direct buffer of " + std::to_string(rio::kTurnCropSide) + "^2*3 floats"));
    return;
  }
  void* pixels = nullptr;
  if (AndroidBitmap_lockPixels(env, bitmap, &pixels) != ANDROID_BITMAP_RESULT_SUCCESS) {
    throwStatus(env, rio::Status::Error("INTERNAL", "cannot lock bitmap"));
    return;
  }
  rio::Status s = rio::quarterTurnCrop(cv::Mat(info.height, info.width, CV_8UC4, pixels, info.stride), q, dst);
  AndroidBitmap_unlockPixels(env, bitmap);
  if (!s.ok()) throwStatus(env, s);
}

extern "C" JNIEXPORT jfloatArray JNICALL
Java_dev_riofarm_rio_RioCore_nativeTurnUpright(JNIEnv* env, jclass, jfloatArray quad, jfloatArray logits, jfloat rejectThreshold) {
  // -> 10 floats: the quad (8) rolled back by the classifier's logits so corner 0 is the card's own
  // top-left, the no-card probability, and 1 when the detection is rejected as not one card (else 0)
  rio::Quad q, turned;
  if (!quadFrom(env, quad, q)) return nullptr;
  FloatArray l(env, logits);
  rio::TurnAnswer answer;
  rio::Status s = rio::turnUpright(q, l.data, l.length, rejectThreshold, turned, answer);
  if (!s.ok()) {
    throwStatus(env, s);
    return nullptr;
  }
  float flat[10];
  for (int k = 0; k < 4; ++k) { flat[2 * k] = turned[k].x; flat[2 * k + 1] = turned[k].y; }
  flat[8] = answer.no_card;
  flat[9] = answer.rejected ? 1.0f : 0.0f;
  jfloatArray result = env->NewFloatArray(10);
  if (result) env->SetFloatArrayRegion(result, 0, 10, flat);
  return result;
}
