// Node-API face of the RIO core for the host twin. Thin: converts JS typed arrays to views and
// Status to a returned {error:{code,message}} — it never throws for bad model output.
#include <ctime>
#include <napi.h>
#include <opencv2/imgproc.hpp>

#include "rio_core.h"

namespace {

rio::TensorView tensorArg(const Napi::Object& o, const char* dataKey, const char* shapeKey) {
  rio::TensorView t;
  Napi::Value d = o.Get(dataKey);
  if (d.IsTypedArray() && d.As<Napi::TypedArray>().TypedArrayType() == napi_float32_array) {
    auto a = d.As<Napi::Float32Array>();
    t.data = a.Data();
    t.length = a.ElementLength();
  }
  Napi::Value s = o.Get(shapeKey);
  if (s.IsArray()) {
    auto arr = s.As<Napi::Array>();
    for (uint32_t i = 0; i < arr.Length(); ++i) t.shape.push_back(arr.Get(i).ToNumber().Int32Value());
  }
  return t;
}

Napi::Value errorResult(Napi::Env env, const rio::Status& s) {
  Napi::Object e = Napi::Object::New(env);
  e.Set("code", s.code);
  e.Set("message", s.message);
  Napi::Object r = Napi::Object::New(env);
  r.Set("error", e);
  return r;
}

Napi::Array quadToJs(Napi::Env env, const rio::Quad& q) {
  Napi::Array a = Napi::Array::New(env, 4);
  for (uint32_t k = 0; k < 4; ++k) {
    Napi::Array p = Napi::Array::New(env, 2);
    p.Set(0u, Napi::Number::New(env, q[k].x));
    p.Set(1u, Napi::Number::New(env, q[k].y));
    a.Set(k, p);
  }
  return a;
}

float numberOr(const Napi::Object& o, const char* key, float fallback) {
  Napi::Value v = o.Get(key);
  return v.IsNumber() ? v.As<Napi::Number>().FloatValue() : fallback;
}

// detect({heat, heatShape, corners, cornersShape, mask, maskShape, [orient, orientShape,] frameWidth, frameHeight, params})
// orient absent: a model without the orientation output (quads keep the regression's corner order).
Napi::Value Detect(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) return errorResult(env, rio::Status::Error("BAD_ARGUMENT", "detect(options) expects an object"));
  Napi::Object o = info[0].As<Napi::Object>();
  rio::PostprocessParams p;
  if (o.Get("params").IsObject()) {
    Napi::Object po = o.Get("params").As<Napi::Object>();
    p.score_threshold = numberOr(po, "score_threshold", p.score_threshold);
    p.nms_iou = numberOr(po, "nms_iou", p.nms_iou);
    p.mask_threshold = numberOr(po, "mask_threshold", p.mask_threshold);
    p.corner_threshold = numberOr(po, "corner_threshold", p.corner_threshold);
    p.max_detections = static_cast<int>(numberOr(po, "max_detections", static_cast<float>(p.max_detections)));
    p.input_width = static_cast<int>(numberOr(po, "input_width", static_cast<float>(p.input_width)));
    p.input_height = static_cast<int>(numberOr(po, "input_height", static_cast<float>(p.input_height)));
  }
  std::vector<rio::Detection> dets;
  rio::Status s = rio::detect(tensorArg(o, "heat", "heatShape"), tensorArg(o, "corners", "cornersShape"), tensorArg(o, "mask", "maskShape"),
                              tensorArg(o, "orient", "orientShape"), static_cast<int>(numberOr(o, "frameWidth", 0)), static_cast<int>(numberOr(o, "frameHeight", 0)), p, dets);
  if (!s.ok()) return errorResult(env, s);
  Napi::Array arr = Napi::Array::New(env, dets.size());
  for (uint32_t i = 0; i < dets.size(); ++i) {
    Napi::Object d = Napi::Object::New(env);
    d.Set("quad", quadToJs(env, dets[i].quad));
    d.Set("score", Napi::Number::New(env, dets[i].score));
    d.Set("fromMask", Napi::Boolean::New(env, dets[i].from_mask));
    arr.Set(i, d);
  }
  Napi::Object r = Napi::Object::New(env);
  r.Set("detections", arr);
  return r;
}

// The {pixels: Uint8Array, width, height, channels} of crop/preprocess as a borrowed cv::Mat
// (channels 1-4, length checked), or a BAD_ARGUMENT status naming `fn`.
rio::Status frameArg(const Napi::Object& o, const char* fn, cv::Mat& frame) {
  int w = static_cast<int>(numberOr(o, "width", 0)), h = static_cast<int>(numberOr(o, "height", 0));
  int c = static_cast<int>(numberOr(o, "channels", 3));
  Napi::Value px = o.Get("pixels");
  if (!px.IsTypedArray() || px.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array || w < 1 || h < 1 || c < 1 || c > 4)
    return rio::Status::Error("BAD_ARGUMENT", std::string(fn) + ": pixels must be a Uint8Array with positive width/height and 1-4 channels");
  auto bytes = px.As<Napi::Uint8Array>();
  if (bytes.ElementLength() != static_cast<size_t>(w) * h * c)
    return rio::Status::Error("BAD_ARGUMENT", std::string(fn) + ": pixel length does not match width*height*channels");
  frame = cv::Mat(h, w, CV_8UC(c), bytes.Data());
  return rio::Status::Ok();
}

// The options' `quad` (four [x,y] points) as a rio::Quad, or a BAD_ARGUMENT status naming `fn`.
rio::Status quadArg(const Napi::Object& o, const char* fn, rio::Quad& q) {
  const rio::Status bad = rio::Status::Error("BAD_ARGUMENT", std::string(fn) + ": quad must be four [x,y] points");
  Napi::Value qv = o.Get("quad");
  if (!qv.IsArray() || qv.As<Napi::Array>().Length() != 4) return bad;
  for (uint32_t k = 0; k < 4; ++k) {
    Napi::Value pv = qv.As<Napi::Array>().Get(k);
    if (!pv.IsArray() || pv.As<Napi::Array>().Length() != 2) return bad;
    q[k] = cv::Point2f(pv.As<Napi::Array>().Get(0u).ToNumber().FloatValue(), pv.As<Napi::Array>().Get(1u).ToNumber().FloatValue());
  }
  return rio::Status::Ok();
}

// crop({pixels: Uint8Array, width, height, channels, quad, maxSide, fovDeg}) -> {pixels, width, height, channels}
Napi::Value Crop(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) return errorResult(env, rio::Status::Error("BAD_ARGUMENT", "crop(options) expects an object"));
  Napi::Object o = info[0].As<Napi::Object>();
  cv::Mat frame;
  rio::Status fs = frameArg(o, "crop", frame);
  if (!fs.ok()) return errorResult(env, fs);
  rio::Quad q;
  rio::Status qs = quadArg(o, "crop", q);
  if (!qs.ok()) return errorResult(env, qs);
  cv::Mat out;
  rio::Status s = rio::cropQuad(frame, q, static_cast<int>(numberOr(o, "maxSide", 0)), numberOr(o, "fovDeg", 0), out);
  if (!s.ok()) return errorResult(env, s);
  Napi::Object r = Napi::Object::New(env);
  r.Set("pixels", Napi::Buffer<uint8_t>::Copy(env, out.data, out.total() * out.elemSize()));
  r.Set("width", out.cols);
  r.Set("height", out.rows);
  r.Set("channels", frame.channels());
  return r;
}

// preprocess({pixels: Uint8Array, width, height, channels, outWidth, outHeight}) -> {input: Float32Array}
Napi::Value Preprocess(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) return errorResult(env, rio::Status::Error("BAD_ARGUMENT", "preprocess(options) expects an object"));
  Napi::Object o = info[0].As<Napi::Object>();
  int ow = static_cast<int>(numberOr(o, "outWidth", 0)), oh = static_cast<int>(numberOr(o, "outHeight", 0));
  cv::Mat frame;
  rio::Status fs = frameArg(o, "preprocess", frame);
  if (!fs.ok()) return errorResult(env, fs);
  if (ow < 1 || oh < 1) return errorResult(env, rio::Status::Error("BAD_ARGUMENT", "preprocess: outWidth and outHeight must be positive"));
  Napi::Float32Array input = Napi::Float32Array::New(env, static_cast<size_t>(ow) * oh * 3);
  rio::Status s = rio::preprocess(frame, ow, oh, input.Data());
  if (!s.ok()) return errorResult(env, s);
  Napi::Object r = Napi::Object::New(env);
  r.Set("input", input);
  return r;
}

// quarterTurnCrop({pixels: Uint8Array, width, height, channels: 3|4, quad}) -> {crop: Float32Array [side*side*3], side}
Napi::Value QuarterTurnCrop(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) return errorResult(env, rio::Status::Error("BAD_ARGUMENT", "quarterTurnCrop(options) expects an object"));
  Napi::Object o = info[0].As<Napi::Object>();
  cv::Mat frame;
  rio::Quad q;
  rio::Status s = frameArg(o, "quarterTurnCrop", frame);
  if (s.ok()) s = quadArg(o, "quarterTurnCrop", q);
  if (!s.ok()) return errorResult(env, s);
  Napi::Float32Array crop = Napi::Float32Array::New(env, static_cast<size_t>(rio::kTurnCropSide) * rio::kTurnCropSide * 3);
  s = rio::quarterTurnCrop(frame, q, crop.Data());
  if (!s.ok()) return errorResult(env, s);
  Napi::Object r = Napi::Object::New(env);
  r.Set("crop", crop);
  r.Set("side", rio::kTurnCropSide);
  return r;
}

// turnUpright({quad, logits: Float32Array, rejectThreshold?}) -> {quad, turns, rejected, noCard}
// rejectThreshold absent: 1, never reject (model-io.json's default; rio-core.ts passes the contract's).
Napi::Value TurnUpright(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) return errorResult(env, rio::Status::Error("BAD_ARGUMENT", "turnUpright(options) expects an object"));
  Napi::Object o = info[0].As<Napi::Object>();
  rio::Quad q, out;
  rio::Status s = quadArg(o, "turnUpright", q);
  if (!s.ok()) return errorResult(env, s);
  rio::TensorView logits = tensorArg(o, "logits", "logitsShape");
  rio::TurnAnswer answer;
  s = rio::turnUpright(q, logits.data, logits.length, numberOr(o, "rejectThreshold", 1.0f), out, answer);
  if (!s.ok()) return errorResult(env, s);
  Napi::Object r = Napi::Object::New(env);
  r.Set("quad", quadToJs(env, out));
  r.Set("turns", answer.turns);
  r.Set("rejected", answer.rejected);
  r.Set("noCard", answer.no_card);
  return r;
}

// The calling thread's CPU time in ns: CLOCK_THREAD_CPUTIME_ID, the clock behind Android's
// Debug.threadCpuTimeNanos(). /proc/thread-self/schedstat lags by up to a scheduler tick
// (1-4 ms) for a running thread; this clock brings the thread's accounting up to date first.
Napi::Value ThreadCpuNs(const Napi::CallbackInfo& info) {
  timespec ts{};
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) return info.Env().Undefined();
  return Napi::Number::New(info.Env(), static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("threadCpuNs", Napi::Function::New(env, ThreadCpuNs));
  exports.Set("detect", Napi::Function::New(env, Detect));
  exports.Set("crop", Napi::Function::New(env, Crop));
  exports.Set("preprocess", Napi::Function::New(env, Preprocess));
  exports.Set("quarterTurnCrop", Napi::Function::New(env, QuarterTurnCrop));
  exports.Set("turnUpright", Napi::Function::New(env, TurnUpright));
  return exports;
}

}  // namespace

NODE_API_MODULE(rio_core, Init)
