#include "rio_core.h"

#include <limits>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <opencv2/imgproc.hpp>

namespace rio {
namespace {

// Below this share of its quad's area a mask blob is not card-shaped (see detect). Chosen on
// validation frames (train-generator seeds never used for training or evaluation): 0.7-0.85 all help.
constexpr double kMinBlobFill = 0.8;
// A quad corner moves to a corner point at most this share of the quad's shorter side away: far
// enough to recover a card edge the mask lost under glare or merged into a neighbour, not so far as
// to jump to another card's corner. Chosen on validation frames (mean crop IoU, release run 6: 0.2
// 0.8984, 0.3 0.9025, 0.4 0.9034, 0.5 0.9028).
constexpr float kSnapRadius = 0.4f;
// The orientation output is trained (L1) toward the card's rightward unit vector; where the model
// cannot tell which way up a card is, L1 pulls it toward zero (the median of all directions). Below
// this length it is not an answer, and the quad keeps the regression's corner order. Set a priori
// (half-way to a unit vector), not tuned on any evaluation suite.
constexpr float kMinOrientLength = 0.5f;

// Checks an NHWC tensor [1,h,w,c] with the expected channel count; fills h and w.
Status checkTensor(const TensorView& t, const char* name, int channels, int& h, int& w) {
  if (!t.data) return Status::Error("BAD_MODEL_OUTPUT", std::string(name) + ": no data");
  if (t.shape.size() != 4 || t.shape[0] != 1 || t.shape[1] < 1 || t.shape[2] < 1 || t.shape[3] != channels)
    return Status::Error("BAD_MODEL_OUTPUT", std::string(name) + ": expected shape [1,H,W," + std::to_string(channels) + "]");
  h = t.shape[1];
  w = t.shape[2];
  if (t.length != static_cast<size_t>(h) * w * channels)
    return Status::Error("BAD_MODEL_OUTPUT", std::string(name) + ": length " + std::to_string(t.length) + " does not match its shape");
  for (size_t i = 0; i < t.length; ++i)
    if (!std::isfinite(t.data[i]))
      return Status::Error("BAD_MODEL_OUTPUT", std::string(name) + ": non-finite value at " + std::to_string(i));
  return Status::Ok();
}

float cross(cv::Point2f a, cv::Point2f b, cv::Point2f c) {
  return (b.x - a.x) * (c.y - b.y) - (b.y - a.y) * (c.x - b.x);
}

bool isConvexQuad(const Quad& q) {
  int sign = 0;
  for (int i = 0; i < 4; ++i) {
    float c = cross(q[i], q[(i + 1) % 4], q[(i + 2) % 4]);
    if (c == 0) continue;
    int s = c > 0 ? 1 : -1;
    if (sign == 0) sign = s;
    else if (s != sign) return false;
  }
  return sign != 0;
}

// Rotates a clockwise quad so its corners best match `ref` (the regression quad keeps the card's
// own top-left, which the mask cannot know).
Quad alignTo(const Quad& q, const Quad& ref) {
  int best = 0;
  float bestD = INFINITY;
  for (int s = 0; s < 4; ++s) {
    float d = 0;
    for (int i = 0; i < 4; ++i) d += cv::norm(q[(i + s) % 4] - ref[i]);
    if (d < bestD) { bestD = d; best = s; }
  }
  Quad r;
  for (int i = 0; i < 4; ++i) r[i] = q[(i + best) % 4];
  return r;
}

// Moves each edge of a clockwise quad outward by d. Contour points are boundary pixel centres,
// half a pixel inside the true edge; this puts the edge back where the mask's coverage ends.
Quad offsetOutward(const Quad& q, float d) {
  std::array<cv::Point2f, 4> p0, dir;
  for (int i = 0; i < 4; ++i) {
    cv::Point2f e = q[(i + 1) % 4] - q[i];
    float len = std::max(1e-6f, static_cast<float>(cv::norm(e)));
    e *= 1.0f / len;
    cv::Point2f n(e.y, -e.x);  // outward normal for clockwise order in y-down coordinates
    p0[i] = q[i] + n * d;
    dir[i] = e;
  }
  Quad r;
  for (int i = 0; i < 4; ++i) {
    int j = (i + 3) % 4;  // edge ending at corner i
    float den = dir[j].x * dir[i].y - dir[j].y * dir[i].x;
    if (std::fabs(den) < 1e-6f) { r[i] = q[i]; continue; }
    cv::Point2f w = p0[i] - p0[j];
    float t = (w.x * dir[i].y - w.y * dir[i].x) / den;
    r[i] = p0[j] + dir[j] * t;
  }
  return r;
}

// Shrinks a convex polygon to four corners by repeatedly dropping the edge whose removal (extending
// its two neighbours to where they meet) adds the least area: the tightest enclosing quad of a blob
// whose corners are rounded or dented (glare, a finger), keeping its perspective — where a
// minAreaRect would square it off.
bool reduceToQuad(std::vector<cv::Point2f> p, Quad& out) {
  while (p.size() > 4) {
    const size_t n = p.size();
    double best = std::numeric_limits<double>::infinity();
    size_t bi = 0;
    cv::Point2f bx;
    for (size_t i = 0; i < n; i++) {
      const cv::Point2f a = p[(i + n - 1) % n], b = p[i], c = p[(i + 1) % n], d = p[(i + 2) % n];
      const cv::Point2f r = b - a, s = c - d;
      const double den = static_cast<double>(r.x) * s.y - static_cast<double>(r.y) * s.x;
      if (std::abs(den) < 1e-9) continue;
      // lines a->b and d->c must meet beyond b and beyond c (outside the dropped edge b-c)
      const double t = ((d.x - a.x) * static_cast<double>(s.y) - (d.y - a.y) * static_cast<double>(s.x)) / den;
      const double u = ((d.x - a.x) * static_cast<double>(r.y) - (d.y - a.y) * static_cast<double>(r.x)) / den;
      if (t < 1 || u < 1) continue;
      const cv::Point2f x(static_cast<float>(a.x + r.x * t), static_cast<float>(a.y + r.y * t));
      const double added = std::abs((c.x - b.x) * static_cast<double>(x.y - b.y) - (c.y - b.y) * static_cast<double>(x.x - b.x)) / 2;
      if (added < best) { best = added; bi = i; bx = x; }
    }
    if (!std::isfinite(best)) return false;
    p[bi] = bx;
    p.erase(p.begin() + static_cast<std::ptrdiff_t>((bi + 1) % n));
  }
  if (p.size() != 4) return false;
  out = orderClockwise(p);
  return isConvexQuad(out);
}

// Puts each side of `q` on the blob's own edge: a least-squares line through the contour points near
// the middle of that side, the corners re-intersected. The quad's corners come from a polygon
// simplification or an enclosing quad, which a ragged stretch of the mask (glare eating or bulging a
// corner, a dangling shadow) pulls off the card; the straight middle of each side is the trustworthy
// part of a card's outline. A side without enough support keeps its line. (Tried on validation frames:
// sub-pixel edge points from the soft mask, no gain; a Huber fit, no gain and it snaps a slanted
// side's pixel staircase to one step.)
Quad refineEdges(const std::vector<cv::Point>& contour, const Quad& q) {
  std::array<std::vector<cv::Point2f>, 4> support;
  std::array<float, 4> len{};
  std::array<cv::Point2f, 4> dir;
  for (int i = 0; i < 4; ++i) {
    len[i] = static_cast<float>(cv::norm(q[(i + 1) % 4] - q[i]));
    dir[i] = (q[(i + 1) % 4] - q[i]) * (1.0f / std::max(len[i], 1e-6f));
  }
  for (const cv::Point& c : contour) {
    const cv::Point2f p(static_cast<float>(c.x), static_cast<float>(c.y));
    int best = -1;
    float bestD = INFINITY;
    for (int i = 0; i < 4; ++i) {
      if (len[i] < 4) continue;
      const cv::Point2f w = p - q[i];
      const float t = (w.x * dir[i].x + w.y * dir[i].y) / len[i];
      const float d = std::fabs(w.x * dir[i].y - w.y * dir[i].x);
      // middle 70% of the side, within a band around it: corners are where masks round off
      if (t < 0.15f || t > 0.85f || d > std::max(1.5f, 0.08f * len[i])) continue;
      if (d < bestD) { bestD = d; best = i; }
    }
    if (best >= 0) support[best].push_back(p);
  }
  std::array<cv::Vec4f, 4> line;
  for (int i = 0; i < 4; ++i) {
    line[i] = cv::Vec4f(dir[i].x, dir[i].y, q[i].x, q[i].y);
    if (static_cast<float>(support[i].size()) < std::max(5.0f, 0.3f * 0.7f * len[i])) continue;
    // A side its blob already follows to within half a pixel stays: a straight edge rasterised at a
    // slant is a staircase, which the corners of the simplification already span exactly.
    cv::fitLine(support[i], line[i], cv::DIST_L2, 0, 0.01, 0.01);
  }
  Quad r;
  for (int i = 0; i < 4; ++i) {
    const cv::Vec4f& l1 = line[(i + 3) % 4];  // side ending at corner i
    const cv::Vec4f& l2 = line[i];            // side starting at corner i
    const float den = l1[0] * l2[1] - l1[1] * l2[0];
    if (std::fabs(den) < 1e-3f) return q;  // (nearly) parallel neighbours: no corner to intersect
    const float t = ((l2[2] - l1[2]) * l2[1] - (l2[3] - l1[3]) * l2[0]) / den;
    r[i] = cv::Point2f(l1[2] + l1[0] * t, l1[3] + l1[1] * t);
  }
  // Accept only a modest, convex correction: the fit refines a quad, it does not invent one.
  const float shorter = std::max(1.0f, std::min(std::min(len[0], len[2]), std::min(len[1], len[3])));
  for (int i = 0; i < 4; ++i)
    if (!std::isfinite(r[i].x) || !std::isfinite(r[i].y) || cv::norm(r[i] - q[i]) > 0.25 * shorter) return q;
  if (!isConvexQuad(r) || cross(r[0], r[1], r[2]) * cross(q[0], q[1], q[2]) <= 0) return q;
  return r;
}

// The quad of one mask contour: approxPolyDP with a growing tolerance until it has four convex
// corners that still cover the blob (a circle also simplifies to 4 points, its inscribed square),
// else the hull reduced to its tightest enclosing quad, else the contour's minAreaRect.
Quad contourQuad(const std::vector<cv::Point>& contour) {
  double perimeter = cv::arcLength(contour, true);
  std::vector<cv::Point> hull;
  cv::convexHull(contour, hull);
  const double hullArea = cv::contourArea(hull);
  for (double f = 0.01; f <= 0.1; f += 0.01) {
    std::vector<cv::Point> approx;
    cv::approxPolyDP(hull, approx, f * perimeter, true);
    if (approx.size() == 4) {
      std::vector<cv::Point2f> pts(approx.begin(), approx.end());
      Quad q = orderClockwise(pts);
      if (isConvexQuad(q) && cv::contourArea(std::vector<cv::Point2f>(q.begin(), q.end())) >= 0.9 * hullArea) return q;
    }
    if (approx.size() < 4) break;
  }
  Quad reduced;
  if (hull.size() >= 4 && reduceToQuad(std::vector<cv::Point2f>(hull.begin(), hull.end()), reduced) &&
      cv::contourArea(std::vector<cv::Point2f>(reduced.begin(), reduced.end())) <= 1.5 * hullArea)
    return reduced;
  cv::Point2f box[4];
  cv::minAreaRect(contour).points(box);
  return orderClockwise(std::vector<cv::Point2f>(box, box + 4));
}

// The model's card-corner points: local 3x3 maxima of the corner channel at or above `threshold`,
// each at the value-weighted centroid of its 3x3 neighbourhood (sub-pixel: the channel is a small
// gaussian around each corner), in mask pixels with pixel centres at i + 0.5.
std::vector<cv::Point2f> cornerPoints(const cv::Mat& p, float threshold) {
  std::vector<cv::Point2f> points;
  for (int y = 0; y < p.rows; ++y)
    for (int x = 0; x < p.cols; ++x) {
      const float v = p.at<float>(y, x);
      if (v < threshold) continue;
      bool peak = true;
      float sum = 0, sx = 0, sy = 0;
      for (int dy = -1; dy <= 1 && peak; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
          const int yy = y + dy, xx = x + dx;
          if ((!dy && !dx) || yy < 0 || yy >= p.rows || xx < 0 || xx >= p.cols) continue;
          const float n = p.at<float>(yy, xx);
          if (n > v || (n == v && (dy < 0 || (dy == 0 && dx < 0)))) { peak = false; break; }
          sum += n; sx += n * dx; sy += n * dy;
        }
      if (!peak) continue;
      sum += v;
      points.emplace_back(x + 0.5f + sx / sum, y + 0.5f + sy / sum);
    }
  return points;
}

// A card running off the frame: the mask stops at the frame's edge, so a blob's side along it is the
// frame's edge, not the card's. The corner regression is not bounded by the frame (training scenes
// hold cards partly out of view), so a side of the mask quad lying on an edge (both corners within
// `tol` frame px of it) takes the regression's two corners when both lie past that edge by more than
// `tol`. Per corner instead of per side, it moved cards that merely touch an edge and lost on
// `validation` (daylight median 0.966 -> 0.962); per side, 18 of its scenarios gain, 10 lose, all
// 0.953 -> 0.954 (android-demo/model/README.md). The result must stay a convex quad of the same
// orientation; otherwise `q` is kept.
Quad extendPastFrame(const Quad& q, const Quad& ref, float width, float height, cv::Point2f tol) {
  Quad r = q;
  bool moved = false;
  // a side along an edge: both its corners on it; the regression's corners past it by more than tol
  auto onLeft = [&](int k) { return q[k].x <= tol.x; };
  auto onRight = [&](int k) { return q[k].x >= width - tol.x; };
  auto onTop = [&](int k) { return q[k].y <= tol.y; };
  auto onBottom = [&](int k) { return q[k].y >= height - tol.y; };
  for (int k = 0; k < 4; ++k) {
    const int n = (k + 1) % 4;
    if (onLeft(k) && onLeft(n) && ref[k].x < -tol.x && ref[n].x < -tol.x) { r[k] = ref[k]; r[n] = ref[n]; moved = true; }
    if (onRight(k) && onRight(n) && ref[k].x > width + tol.x && ref[n].x > width + tol.x) { r[k] = ref[k]; r[n] = ref[n]; moved = true; }
    if (onTop(k) && onTop(n) && ref[k].y < -tol.y && ref[n].y < -tol.y) { r[k] = ref[k]; r[n] = ref[n]; moved = true; }
    if (onBottom(k) && onBottom(n) && ref[k].y > height + tol.y && ref[n].y > height + tol.y) { r[k] = ref[k]; r[n] = ref[n]; moved = true; }
  }
  if (!moved || !isConvexQuad(r) || cross(r[0], r[1], r[2]) * cross(q[0], q[1], q[2]) <= 0) return q;
  return r;
}

// Moves each corner of `q` to the nearest unused corner point within kSnapRadius of its shorter
// side. The mask's blob gives a card's extent but rounds, dents and merges at corners (glare eats an
// edge, a finger or a touching card extends it), and the corner regression is coarse; the corner
// points are the model's sharp answer for where a corner is. The corner order is kept; a result that
// is not a convex quad of the same orientation, or barely overlaps `q`, is refused. A corner outside
// the frame (extendPastFrame) stays: every corner point is inside, so none can be that corner.
Quad snapToCornerPoints(const Quad& q, const std::vector<cv::Point2f>& points, float width, float height) {
  float shorter = INFINITY;
  for (int i = 0; i < 4; ++i) shorter = std::min(shorter, static_cast<float>(cv::norm(q[(i + 1) % 4] - q[i])));
  const float radius = kSnapRadius * shorter;
  Quad r = q;
  std::vector<bool> used(points.size(), false);
  for (int k = 0; k < 4; ++k) {
    if (q[k].x < 0 || q[k].y < 0 || q[k].x > width || q[k].y > height) continue;
    int best = -1;
    float bestD = radius;
    for (size_t i = 0; i < points.size(); ++i) {
      const float d = static_cast<float>(cv::norm(points[i] - q[k]));
      if (!used[i] && d <= bestD) { bestD = d; best = static_cast<int>(i); }
    }
    if (best >= 0) { r[k] = points[best]; used[best] = true; }
  }
  if (!isConvexQuad(r) || cross(r[0], r[1], r[2]) * cross(q[0], q[1], q[2]) <= 0 || quadIoU(r, q) < 0.5f) return q;
  return r;
}

}  // namespace

Quad orderClockwise(const std::vector<cv::Point2f>& pts) {
  cv::Point2f c(0, 0);
  for (const auto& p : pts) c += p;
  c *= 1.0f / static_cast<float>(pts.size());
  std::vector<cv::Point2f> s(pts.begin(), pts.begin() + 4);
  // atan2 grows clockwise on screen (y down); sorting by it gives clockwise order.
  std::sort(s.begin(), s.end(), [&](cv::Point2f a, cv::Point2f b) {
    return std::atan2(a.y - c.y, a.x - c.x) < std::atan2(b.y - c.y, b.x - c.x);
  });
  int start = 0;
  for (int i = 1; i < 4; ++i)
    if (s[i].x + s[i].y < s[start].x + s[start].y) start = i;
  Quad q;
  for (int i = 0; i < 4; ++i) q[i] = s[(start + i) % 4];
  return q;
}

float quadIoU(const Quad& a, const Quad& b) {
  std::vector<cv::Point2f> ha, hb, inter;
  cv::convexHull(std::vector<cv::Point2f>(a.begin(), a.end()), ha);
  cv::convexHull(std::vector<cv::Point2f>(b.begin(), b.end()), hb);
  double areaA = cv::contourArea(ha), areaB = cv::contourArea(hb);
  if (areaA <= 0 || areaB <= 0) return 0.0f;
  double i = cv::intersectConvexConvex(ha, hb, inter, true);
  if (i <= 0) return 0.0f;
  return static_cast<float>(i / (areaA + areaB - i));
}

Quad uprightQuad(const Quad& q, cv::Point2f right) {
  int best = 0;
  float bestCos = -INFINITY;
  for (int s = 0; s < 4; ++s) {
    const cv::Point2f e = (q[(s + 1) % 4] - q[s]) + (q[(s + 2) % 4] - q[(s + 3) % 4]);
    const float c = e.dot(right) / std::max(1e-6f, static_cast<float>(cv::norm(e)));
    if (c > bestCos) { bestCos = c; best = s; }
  }
  Quad r;
  for (int i = 0; i < 4; ++i) r[i] = q[(i + best) % 4];
  return r;
}

Status detect(const TensorView& heat, const TensorView& corners, const TensorView& mask, const TensorView& orient,
              int frame_width, int frame_height, const PostprocessParams& params,
              std::vector<Detection>& out) {
  out.clear();
  if (frame_width < 1 || frame_height < 1 || params.input_width < 1 || params.input_height < 1)
    return Status::Error("BAD_ARGUMENT", "frame and input sizes must be positive");
  int hh, hw, ch, cw, mh, mw;
  Status s = checkTensor(heat, "heat", 1, hh, hw);
  if (s.ok()) s = checkTensor(corners, "corners", 8, ch, cw);
  if (s.ok()) s = checkTensor(mask, "mask", 2, mh, mw);
  if (!s.ok()) return s;
  if (ch != hh || cw != hw) return Status::Error("BAD_MODEL_OUTPUT", "corners grid differs from heat grid");
  const bool hasOrient = orient.data != nullptr || !orient.shape.empty();
  if (hasOrient) {
    int oh, ow;
    s = checkTensor(orient, "orient", 2, oh, ow);
    if (!s.ok()) return s;
    if (oh != hh || ow != hw) return Status::Error("BAD_MODEL_OUTPUT", "orient grid differs from heat grid");
  }
  try {
    const float sx = static_cast<float>(frame_width) / params.input_width;
    const float sy = static_cast<float>(frame_height) / params.input_height;
    const float strideX = static_cast<float>(params.input_width) / hw;
    const float strideY = static_cast<float>(params.input_height) / hh;
    const float frameW = static_cast<float>(frame_width), frameH = static_cast<float>(frame_height);

    // 1. Candidates: local 3x3 maxima of the heatmap above the score threshold.
    std::vector<Detection> candidates;
    auto H = [&](int y, int x) { return heat.data[y * hw + x]; };
    for (int y = 0; y < hh; ++y) {
      for (int x = 0; x < hw; ++x) {
        float v = H(y, x);
        if (v < params.score_threshold) continue;
        bool peak = true;
        for (int dy = -1; dy <= 1 && peak; ++dy)
          for (int dx = -1; dx <= 1; ++dx) {
            int yy = y + dy, xx = x + dx;
            if ((dy || dx) && yy >= 0 && yy < hh && xx >= 0 && xx < hw) {
              float n = H(yy, xx);
              // Ties go to the first cell in scan order so a flat plateau yields one peak.
              if (n > v || (n == v && (dy < 0 || (dy == 0 && dx < 0)))) { peak = false; break; }
            }
          }
        if (!peak) continue;
        const float* off = corners.data + (static_cast<size_t>(y) * hw + x) * 8;
        float cx = (x + 0.5f) * strideX, cy = (y + 0.5f) * strideY;
        Detection d;
        for (int k = 0; k < 4; ++k)
          d.quad[k] = cv::Point2f((cx + off[2 * k] * params.input_width) * sx, (cy + off[2 * k + 1] * params.input_height) * sy);
        d.score = std::min(1.0f, std::max(0.0f, v));
        d.anchor = cv::Point2f(cx * sx, cy * sy);
        if (hasOrient) {
          // input-pixel direction -> frame pixels (the input is the frame stretched)
          const float* o = orient.data + (static_cast<size_t>(y) * hw + x) * 2;
          if (std::hypot(o[0], o[1]) >= kMinOrientLength) d.right = cv::Point2f(o[0] * sx, o[1] * sy);
        }
        candidates.push_back(d);
      }
    }
    // 2. NMS by quad IoU, best score first.
    std::stable_sort(candidates.begin(), candidates.end(), [](const Detection& a, const Detection& b) { return a.score > b.score; });
    std::vector<Detection> kept;
    for (const auto& c : candidates) {
      if (static_cast<int>(kept.size()) >= params.max_detections) break;
      bool suppressed = false;
      for (const auto& k : kept)
        if (quadIoU(c.quad, k.quad) > params.nms_iou) { suppressed = true; break; }
      if (!suppressed) kept.push_back(c);
    }
    if (kept.empty()) return Status::Ok();

    // 3. Refine each kept candidate with the mask contour that contains its regression centre.
    cv::Mat m, pointMap;
    const cv::Mat channels(mh, mw, CV_32FC2, const_cast<float*>(mask.data));
    cv::extractChannel(channels, m, 0);
    cv::extractChannel(channels, pointMap, 1);
    cv::Mat bin;
    cv::compare(m, params.mask_threshold, bin, cv::CMP_GE);  // 8-bit 0/255
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(bin, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_NONE);
    const float mx = static_cast<float>(params.input_width) / mw * sx;   // mask px -> frame px
    const float my = static_cast<float>(params.input_height) / mh * sy;
    // A mask blob is one card: a weaker candidate landing in a blob already taken is the same card
    // (a plateau in the heatmap), and a candidate with no blob keeps its regression quad only if
    // that quad has an area.
    std::vector<int> owner(contours.size(), -1);
    std::vector<Detection> refined;
    for (auto& d : kept) {
      cv::Point2f cm(d.anchor.x / mx - 0.5f, d.anchor.y / my - 0.5f);
      int found = -1;
      for (size_t i = 0; i < contours.size(); ++i)
        if (cv::contourArea(contours[i]) >= 4 && cv::pointPolygonTest(contours[i], cm, false) >= 0) { found = static_cast<int>(i); break; }
      // The regression keeps the card's own corner order when it is a proper clockwise quad.
      const bool regressionOrdered = isConvexQuad(d.quad) && cross(d.quad[0], d.quad[1], d.quad[2]) > 0;
      const Quad ref = regressionOrdered ? d.quad : orderClockwise(std::vector<cv::Point2f>(d.quad.begin(), d.quad.end()));
      if (found < 0) {
        if (cv::contourArea(std::vector<cv::Point2f>(ref.begin(), ref.end())) < 1.0) continue;
        d.quad = ref;
        refined.push_back(d);
        continue;
      }
      const Quad blobQuad = contourQuad(contours[found]);
      Quad qm = offsetOutward(refineEdges(contours[found], blobQuad), 0.5f);
      Quad qf;
      for (int k = 0; k < 4; ++k) qf[k] = cv::Point2f((qm[k].x + 0.5f) * mx, (qm[k].y + 0.5f) * my);
      // A blob much larger than a proper regression quad it disagrees with is more than this card
      // (touching cards merge into one blob): trust the regression for it. Otherwise the mask wins —
      // it is the sharper signal, and a weak corner regression must not spoil a clean blob.
      const double blobArea = cv::contourArea(std::vector<cv::Point2f>(qf.begin(), qf.end()));
      const double regArea = cv::contourArea(std::vector<cv::Point2f>(ref.begin(), ref.end()));
      // A blob that fills little of its own quad is shapeless (a white card on white paper, burnt
      // out by overexposure): its quad is a guess, and the corner regression is the better one.
      const double fill = cv::contourArea(contours[found]) / std::max(1e-6, cv::contourArea(std::vector<cv::Point2f>(blobQuad.begin(), blobQuad.end())));
      if (regressionOrdered && fill < kMinBlobFill) {
        d.quad = ref;
        refined.push_back(d);
        continue;
      }
      if (regressionOrdered && quadIoU(qf, ref) < 0.5f && blobArea > 1.6 * regArea) {
        d.quad = ref;
        refined.push_back(d);
        continue;
      }
      if (owner[found] >= 0) continue;
      owner[found] = static_cast<int>(refined.size());
      // Without a usable regression quad the mask quad keeps the top-left-most-first order.
      d.quad = regressionOrdered ? alignTo(qf, ref) : qf;
      if (regressionOrdered) d.quad = extendPastFrame(d.quad, ref, frameW, frameH, cv::Point2f(mx, my));
      d.from_mask = true;
      refined.push_back(d);
    }
    // 4. Snap every quad's corners to the model's corner points.
    std::vector<cv::Point2f> points;
    if (params.corner_threshold < 1) points = cornerPoints(pointMap, params.corner_threshold);
    for (auto& p : points) p = cv::Point2f(p.x * mx, p.y * my);
    for (auto& d : refined) d.quad = snapToCornerPoints(d.quad, points, frameW, frameH);
    // 5. Turn each quad so corner 0 is the card's own top-left, as the model reads the card.
    if (hasOrient)
      for (auto& d : refined)
        if (d.right.x != 0 || d.right.y != 0) { d.quad = uprightQuad(d.quad, d.right); d.upright = true; }
    out = std::move(refined);
    return Status::Ok();
  } catch (const cv::Exception& e) {
    out.clear();
    return Status::Error("INTERNAL", std::string("opencv: ") + e.what());
  } catch (const std::exception& e) {
    out.clear();
    return Status::Error("INTERNAL", e.what());
  }
}

Status preprocess(const cv::Mat& frame, int out_w, int out_h, float* out) {
  if (frame.empty() || frame.depth() != CV_8U || (frame.channels() != 3 && frame.channels() != 4))
    return Status::Error("BAD_ARGUMENT", "preprocess needs an 8-bit RGB or RGBA frame");
  if (out_w < 1 || out_h < 1 || !out) return Status::Error("BAD_ARGUMENT", "preprocess needs a positive output size");
  try {
    cv::Mat small, rgb;
    cv::resize(frame, small, cv::Size(out_w, out_h), 0, 0, cv::INTER_LINEAR);
    if (small.channels() == 4) cv::cvtColor(small, rgb, cv::COLOR_RGBA2RGB);
    else rgb = small;
    cv::Mat dst(out_h, out_w, CV_32FC3, out);
    rgb.convertTo(dst, CV_32FC3, 1.0 / 255.0);
    return Status::Ok();
  } catch (const cv::Exception& e) {
    return Status::Error("INTERNAL", std::string("opencv: ") + e.what());
  }
}

// Width/height of the real rectangle whose camera image is `quad` (clockwise from top-left), for a
// pinhole camera with square pixels and its principal point at (u0, v0) — Zhang & He, "Whiteboard
// scanning and image enhancement" (2007). The image's own side lengths are foreshortened on a tilted
// card (a 1.75 card tilted 30 degrees looks 1.5); this recovers the card's shape. A known focal length
// (`focal` > 0, from the camera's intrinsics) is used as is: estimating it from the quad as well is
// ill-conditioned — on nightly frames a detected quad within IoU 0.95 of the truth gave an aspect within
// 10% for 82% of cards with the estimate and 97% with the camera's own focal length. Unknown, the focal
// length is estimated; with the sides parallel in the image (no perspective) the affine ratio is exact;
// when the estimate is implausible for a phone camera (corner noise), the image-plane ratio `imageAspect`
// is the answer.
static double rectifiedAspect(const Quad& q, double u0, double v0, double imageAspect, double focal) {
  const cv::Vec3d m1(q[0].x, q[0].y, 1), m2(q[1].x, q[1].y, 1), m3(q[3].x, q[3].y, 1), m4(q[2].x, q[2].y, 1);
  const double k2 = m1.cross(m4).dot(m3) / m2.cross(m4).dot(m3);
  const double k3 = m1.cross(m4).dot(m2) / m3.cross(m4).dot(m2);
  const cv::Vec3d n2 = k2 * m2 - m1, n3 = k3 * m3 - m1;
  if (!std::isfinite(k2) || !std::isfinite(k3)) return imageAspect;
  double f = focal;
  if (!(f > 0)) {
    const double planar = std::hypot(n2[0], n2[1]) / std::hypot(n3[0], n3[1]);
    const double d = n2[2] * n3[2];
    if (!std::isfinite(d) || std::abs(d) < 1e-12) return planar;
    const double f2 = -((n2[0] * n3[0] - (n2[0] * n3[2] + n2[2] * n3[0]) * u0 + d * u0 * u0) +
                        (n2[1] * n3[1] - (n2[1] * n3[2] + n2[2] * n3[1]) * v0 + d * v0 * v0)) / d;
    if (!std::isfinite(f2) || f2 <= 0) return imageAspect;
    f = std::sqrt(f2);
    // phone cameras: focal length about 0.5-2x the frame's longer side (in pixels)
    const double side = 2 * std::max(u0, v0);
    if (f < 0.3 * side || f > 4 * side) return imageAspect;
  }
  auto norm2 = [&](const cv::Vec3d& n) {
    const double x = (n[0] - u0 * n[2]) / f, y = (n[1] - v0 * n[2]) / f;
    return x * x + y * y + n[2] * n[2];
  };
  const double ar = std::sqrt(norm2(n2) / norm2(n3));
  return std::isfinite(ar) && ar > 0 ? ar : imageAspect;
}

Status cropQuad(const cv::Mat& frame, const Quad& quad, int max_side, double fov_deg, cv::Mat& out) {
  if (frame.empty()) return Status::Error("BAD_ARGUMENT", "empty frame");
  for (const auto& p : quad)
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) return Status::Error("BAD_ARGUMENT", "non-finite quad");
  if (!std::isfinite(fov_deg) || fov_deg < 0 || fov_deg >= 180) return Status::Error("BAD_ARGUMENT", "camera field of view must be in [0, 180) degrees (0 = unknown)");
  try {
    double w = (cv::norm(quad[1] - quad[0]) + cv::norm(quad[2] - quad[3])) / 2;
    double h = (cv::norm(quad[3] - quad[0]) + cv::norm(quad[2] - quad[1])) / 2;
    if (w < 1 || h < 1) return Status::Error("BAD_ARGUMENT", "degenerate quad");
    const double focal = fov_deg > 0 ? std::max(frame.cols, frame.rows) / (2 * std::tan(fov_deg * CV_PI / 360)) : 0;
    const double aspect = rectifiedAspect(quad, frame.cols / 2.0, frame.rows / 2.0, w / h, focal);
    // Keep the longer image side's resolution; the other follows the card's real shape.
    if (w >= h) h = w / aspect; else w = h * aspect;
    double scale = max_side > 0 ? std::min(1.0, max_side / std::max(w, h)) : 1.0;
    int ow = std::max(1, static_cast<int>(std::lround(w * scale)));
    int oh = std::max(1, static_cast<int>(std::lround(h * scale)));
    cv::Point2f dst[4] = {{0, 0}, {static_cast<float>(ow), 0}, {static_cast<float>(ow), static_cast<float>(oh)}, {0, static_cast<float>(oh)}};
    cv::Mat t = cv::getPerspectiveTransform(quad.data(), dst);
    cv::warpPerspective(frame, out, t, cv::Size(ow, oh), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
    return Status::Ok();
  } catch (const cv::Exception& e) {
    return Status::Error("INTERNAL", std::string("opencv: ") + e.what());
  }
}

namespace {
// quarter_turn.py's frame crop: the card's region keeps this margin (share of the card's diagonal) for a
// quad that is off, is box-filtered down to at most kTurnRegionSide px along the card's longer side
// (FRAME_SIDE), and is warped into a canvas kTurnSupersample times finer than the crop (SUPERSAMPLE['frame']),
// averaged down: a card far larger than the crop would alias its text otherwise.
constexpr double kTurnRegionMargin = 0.15;
constexpr double kTurnRegionSide = 256;
constexpr int kTurnSupersample = 4;
constexpr double kTurnGrey = 0.5;  // quarter_turn.py GREY, 128 in 8 bits
}  // namespace

Status quarterTurnCrop(const cv::Mat& frame, const Quad& quad, float* out) {
  if (frame.empty() || frame.depth() != CV_8U || (frame.channels() != 3 && frame.channels() != 4))
    return Status::Error("BAD_ARGUMENT", "quarterTurnCrop needs an 8-bit RGB or RGBA frame");
  if (!out) return Status::Error("BAD_ARGUMENT", "quarterTurnCrop needs an output buffer");
  for (const auto& p : quad)
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) return Status::Error("BAD_ARGUMENT", "quarterTurnCrop: non-finite quad");
  const double w = (cv::norm(quad[1] - quad[0]) + cv::norm(quad[2] - quad[3])) / 2;
  const double h = (cv::norm(quad[3] - quad[0]) + cv::norm(quad[2] - quad[1])) / 2;
  const double longer = std::max(cv::norm(quad[1] - quad[0]), cv::norm(quad[3] - quad[0]));
  if (w < 1 || h < 1) return Status::Error("BAD_ARGUMENT", "quarterTurnCrop: degenerate quad");
  try {
    // 1. The card's region (black beyond the frame), box-filtered down: built from the part inside the
    //    frame only, so a wild quad never allocates more than about the scaled region.
    const double diag = cv::norm(quad[2] - quad[0]);
    double minX = INFINITY, minY = INFINITY, maxX = -INFINITY, maxY = -INFINITY;
    for (const auto& p : quad) { minX = std::min<double>(minX, p.x); minY = std::min<double>(minY, p.y); maxX = std::max<double>(maxX, p.x); maxY = std::max<double>(maxY, p.y); }
    const double loX = std::floor(minX - kTurnRegionMargin * diag), loY = std::floor(minY - kTurnRegionMargin * diag);
    const double hiX = std::ceil(maxX + kTurnRegionMargin * diag), hiY = std::ceil(maxY + kTurnRegionMargin * diag);
    const double scale = std::min(1.0, kTurnRegionSide / longer);
    const int rw = std::max(1, static_cast<int>(std::lround((hiX - loX) * scale)));
    const int rh = std::max(1, static_cast<int>(std::lround((hiY - loY) * scale)));
    cv::Mat region(rh, rw, frame.type(), cv::Scalar::all(0));
    const double ix0 = std::max(loX, 0.0), iy0 = std::max(loY, 0.0);
    const double ix1 = std::min(hiX, static_cast<double>(frame.cols)), iy1 = std::min(hiY, static_cast<double>(frame.rows));
    if (ix1 > ix0 && iy1 > iy0) {
      const cv::Rect src(static_cast<int>(ix0), static_cast<int>(iy0), static_cast<int>(ix1 - ix0), static_cast<int>(iy1 - iy0));
      const int dx0 = static_cast<int>(std::lround((ix0 - loX) * scale)), dy0 = static_cast<int>(std::lround((iy0 - loY) * scale));
      const int dx1 = std::min(rw, static_cast<int>(std::lround((ix1 - loX) * scale)));
      const int dy1 = std::min(rh, static_cast<int>(std::lround((iy1 - loY) * scale)));
      if (dx1 > dx0 && dy1 > dy0) {
        cv::Mat dst = region(cv::Rect(dx0, dy0, dx1 - dx0, dy1 - dy0));
        if (scale < 1) cv::resize(frame(src), dst, dst.size(), 0, 0, cv::INTER_AREA);
        else frame(src).copyTo(dst);
      }
    }
    // 2. The card's rectangle in the fine canvas, the quad's image aspect kept and centred.
    const int side = kTurnCropSide, fine = side * kTurnSupersample;
    const double aspect = w / h;
    const double cw = aspect >= 1 ? side : side * aspect, ch = aspect >= 1 ? side / aspect : side;
    const double x0 = (side - cw) / 2, y0 = (side - ch) / 2;
    const float s = static_cast<float>(kTurnSupersample);
    const cv::Point2f dst[4] = {{static_cast<float>(x0) * s, static_cast<float>(y0) * s}, {static_cast<float>(x0 + cw) * s, static_cast<float>(y0) * s},
                                {static_cast<float>(x0 + cw) * s, static_cast<float>(y0 + ch) * s}, {static_cast<float>(x0) * s, static_cast<float>(y0 + ch) * s}};
    cv::Point2f src[4];
    for (int k = 0; k < 4; ++k) src[k] = cv::Point2f(static_cast<float>((quad[k].x - loX) * scale), static_cast<float>((quad[k].y - loY) * scale));
    // Canvas → region in PIL's convention (pixel i spans [i, i+1], sampled at its centre), as training
    // cut its crops; OpenCV's pixel i sits at i: shift by half a pixel on both sides.
    const cv::Matx33d toRegion = cv::Matx33d(cv::getPerspectiveTransform(dst, src));
    const cv::Matx33d map = cv::Matx33d(1, 0, -0.5, 0, 1, -0.5, 0, 0, 1) * toRegion * cv::Matx33d(1, 0, 0.5, 0, 1, 0.5, 0, 0, 1);
    const double grey = std::round(kTurnGrey * 255);
    cv::Mat fineCanvas, small;
    cv::warpPerspective(region, fineCanvas, cv::Mat(map), cv::Size(fine, fine), cv::INTER_LINEAR | cv::WARP_INVERSE_MAP, cv::BORDER_CONSTANT, cv::Scalar::all(grey));
    cv::resize(fineCanvas, small, cv::Size(side, side), 0, 0, cv::INTER_AREA);
    // 3. RGB / 255, exact grey outside the card: the desk around a wide card tells the net nothing.
    const int c = small.channels();
    for (int y = 0; y < side; ++y) {
      const uint8_t* row = small.ptr<uint8_t>(y);
      for (int x = 0; x < side; ++x) {
        const double px = x + 0.5, py = y + 0.5;
        const bool outside = px < x0 || px > x0 + cw || py < y0 || py > y0 + ch;
        float* o = out + (static_cast<size_t>(y) * side + x) * 3;
        for (int k = 0; k < 3; ++k) o[k] = outside ? static_cast<float>(kTurnGrey) : row[x * c + k] / 255.0f;
      }
    }
    return Status::Ok();
  } catch (const cv::Exception& e) {
    return Status::Error("INTERNAL", std::string("opencv: ") + e.what());
  }
}

Status turnUpright(const Quad& quad, const float* logits, size_t count, float reject_threshold, Quad& out, TurnAnswer& answer) {
  if (!logits || (count != 4 && count != 5))
    return Status::Error("BAD_MODEL_OUTPUT", "quarter_turn: expected 4 or 5 logits, got " + std::to_string(logits ? count : 0));
  if (!(reject_threshold > 0 && reject_threshold <= 1))
    return Status::Error("BAD_ARGUMENT", "quarter_turn: reject threshold must be in (0, 1], got " + std::to_string(reject_threshold));
  int best = 0;
  float top = logits[0];
  for (int k = 0; k < static_cast<int>(count); ++k) {
    if (!std::isfinite(logits[k])) return Status::Error("BAD_MODEL_OUTPUT", "quarter_turn: non-finite logit at " + std::to_string(k));
    if (k < 4 && logits[k] > logits[best]) best = k;
    top = std::max(top, logits[k]);
  }
  answer = TurnAnswer{};
  answer.turns = best;
  if (count == 5) {
    // Softmax shifted by the largest logit, in double: no overflow, and the sum is at least 1.
    double sum = 0;
    for (size_t k = 0; k < count; ++k) sum += std::exp(static_cast<double>(logits[k]) - top);
    answer.no_card = static_cast<float>(std::exp(static_cast<double>(logits[4]) - top) / sum);
    // Judged on the reported (float) probability, so the verdict and the number agree. A softmax never
    // reaches 1, but its rounding does (a lead of ~17 in float): 1 stays "never".
    answer.rejected = reject_threshold < 1 && answer.no_card >= reject_threshold;
  }
  // quarter_turn.py upright_quad: the detection's corner j is the card's corner (j + k) mod 4.
  for (int i = 0; i < 4; ++i) out[i] = quad[(i - best + 4) % 4];
  return Status::Ok();
}

}  // namespace rio
