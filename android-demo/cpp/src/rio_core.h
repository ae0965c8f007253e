// RIO post-processing core: model outputs -> card quads, and perspective crop.
// One C++17 source tree, compiled through JNI (jni_bridge.cpp, Android) and Node-API
// (napi_binding.cpp, host twin). Nothing here throws across the API: errors come back as Status.
#pragma once
#include <array>
#include <string>
#include <vector>
#include <opencv2/core.hpp>

namespace rio {

// From contract/model-io.json "postprocess"; the callers read that file and pass the values in.
struct PostprocessParams {
  float score_threshold = 0.3f;
  float nms_iou = 0.5f;
  float mask_threshold = 0.8f;
  float corner_threshold = 0.3f;  // a corner point (mask channel 1) counts from this peak value; 1 or more: no snapping
  int max_detections = 4;
  int input_width = 256;   // model input size; corner offsets are in these units
  int input_height = 256;
};

// A borrowed NHWC float tensor.
struct TensorView {
  const float* data = nullptr;
  size_t length = 0;
  std::vector<int> shape;
};

using Quad = std::array<cv::Point2f, 4>;  // clockwise (y down) from the card's top-left

struct Detection {
  Quad quad;          // frame pixels
  float score = 0;    // heatmap peak
  bool from_mask = false;  // refined by the mask contour (else the corner regression)
  cv::Point2f anchor;      // the heat peak's cell centre, frame pixels: where the model puts the card centre
  cv::Point2f right;       // the orientation output at the heat peak, frame pixels (zero without it, or when too short to be an answer)
  bool upright = false;    // turned by the model's orientation output (else the regression's or the mask's order)
};

struct Status {
  std::string code;  // empty = ok; else BAD_MODEL_OUTPUT / BAD_ARGUMENT / INTERNAL
  std::string message;
  bool ok() const { return code.empty(); }
  static Status Ok() { return {}; }
  static Status Error(std::string c, std::string m) { return {std::move(c), std::move(m)}; }
};

// The model input, written once for both apps (contract/model-io.json): stretch the whole RGB or RGBA
// 8-bit frame to out_w x out_h (cv::resize INTER_LINEAR, no letterbox), then RGB float32 NHWC,
// value = pixel / 255. `out` holds out_w * out_h * 3 floats.
Status preprocess(const cv::Mat& frame, int out_w, int out_h, float* out);

// heat [1,H,W,1], corners [1,H,W,8], mask [1,Hm,Wm,2] (card pixels, card-corner points), and
// optionally orient [1,H,W,2] (the card's own rightward direction; a view without data = a model
// without that output, whose quads keep the regression's corner order) -> detections in frame
// pixels, best first.
Status detect(const TensorView& heat, const TensorView& corners, const TensorView& mask, const TensorView& orient,
              int frame_width, int frame_height, const PostprocessParams& params,
              std::vector<Detection>& out);

// Rotates a clockwise quad so corner 0 is the card's own top-left: the start whose top and bottom
// sides, (q1 - q0) + (q2 - q3), point most along `right` (the card's rightward direction, frame pixels).
Quad uprightQuad(const Quad& q, cv::Point2f right);

// Any 4 points -> clockwise (y down) starting at the top-left-most (min x+y).
Quad orderClockwise(const std::vector<cv::Point2f>& pts);

// Polygon IoU of two quads (convex hulls); used by NMS.
float quadIoU(const Quad& a, const Quad& b);

// Perspective crop of `quad` from `frame` (any 8-bit type) to a rectangle with the card's real aspect
// ratio (recovered from the perspective, camera centred on the frame), longer side at most max_side.
// `fov_deg` is the camera's field of view across the frame's longer side when known (Camera2
// intrinsics, or the scenario's camera); 0 = unknown, the focal length is then estimated from the quad.
Status cropQuad(const cv::Mat& frame, const Quad& quad, int max_side, double fov_deg, cv::Mat& out);

// Side of the quarter-turn classifier's square input (contract/model-io.json "quarter_turn").
constexpr int kTurnCropSide = 64;

// The quarter-turn classifier's input for one detection: the card inside `quad` (frame pixels, as
// detected) rectified into a kTurnCropSide square canvas with corner 0 at its top-left, the quad's image
// aspect kept and centred, grey (0.5) around it; RGB float32 NHWC, value = pixel / 255. As `card_crop`
// of android-demo/model/quarter_turn.py cuts it from a camera frame (its training input): the card's
// region box-filtered down to at most 256 px along the card, bilinear-warped into a 4x finer canvas,
// averaged 4x4. `frame`: 8-bit RGB or RGBA. `out` holds kTurnCropSide^2 * 3 floats.
Status quarterTurnCrop(const cv::Mat& frame, const Quad& quad, float* out);

// The quarter-turn classifier's answer on one detection.
struct TurnAnswer {
  int turns = 0;          // k: the detected quad starts at the card's own corner k
  float no_card = 0;      // softmax probability of the fifth logit over all five; 0 for a 4-logit classifier
  bool rejected = false;  // the crop is not one card: the caller drops the detection
};

// The quad rolled back by the classifier's answer (the largest of its first 4 logits, the first on ties):
// class k says the quad starts at the card's corner k, so corner 0 of the result is the card's own
// top-left. A fifth logit (contract/model-io.json quarter_turn) means "not one card": the detection is
// rejected when its softmax probability over all five is >= reject_threshold, which is in (0, 1]; 1
// never rejects. Non-finite logits or a count other than 4 or 5 are BAD_MODEL_OUTPUT, a threshold
// outside (0, 1] BAD_ARGUMENT.
Status turnUpright(const Quad& quad, const float* logits, size_t count, float reject_threshold, Quad& out, TurnAnswer& answer);

}  // namespace rio
