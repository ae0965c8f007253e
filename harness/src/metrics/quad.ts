/**
 * Quads and crop IoU — the one implementation, shared by the harness metrics, the model table,
 * the scenario tests and the dashboards.
 *
 * A quad is four corners in frame pixels, clockwise (y down) from the card's own top-left.
 */
export type Point = readonly [number, number];
export type Quad = readonly [Point, Point, Point, Point];

/** Signed shoelace area; positive for clockwise order in image coordinates (y down). */
export function signedArea(poly: readonly Point[]): number {
  let a = 0;
  for (let i = 0; i < poly.length; i++) {
    const [x1, y1] = poly[i]!;
    const [x2, y2] = poly[(i + 1) % poly.length]!;
    a += x1 * y2 - x2 * y1;
  }
  return a / 2;
}

export function area(poly: readonly Point[]): number {
  return Math.abs(signedArea(poly));
}

/** True when every turn has the same sign (collinear turns allowed) and the area is non-zero. */
export function isConvex(poly: readonly Point[]): boolean {
  let sign = 0;
  for (let i = 0; i < poly.length; i++) {
    const [ax, ay] = poly[i]!;
    const [bx, by] = poly[(i + 1) % poly.length]!;
    const [cx, cy] = poly[(i + 2) % poly.length]!;
    const cross = (bx - ax) * (cy - by) - (by - ay) * (cx - bx);
    if (cross === 0) continue;
    if (sign === 0) sign = Math.sign(cross);
    else if (Math.sign(cross) !== sign) return false;
  }
  return sign !== 0;
}

/**
 * Intersection of any simple polygon `subject` with a convex polygon `clip`
 * (Sutherland–Hodgman). Returns the clipped polygon (possibly empty).
 */
export function clipToConvex(subject: readonly Point[], clip: readonly Point[]): Point[] {
  // Orient the clip polygon so that "inside" is the left of each edge in a consistent sense.
  const c = signedArea(clip) >= 0 ? clip : [...clip].reverse();
  let output: Point[] = [...subject];
  for (let i = 0; i < c.length && output.length > 0; i++) {
    const a = c[i]!;
    const b = c[(i + 1) % c.length]!;
    const inside = (p: Point) => (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]) >= 0;
    const input = output;
    output = [];
    for (let j = 0; j < input.length; j++) {
      const cur = input[j]!;
      const prev = input[(j + input.length - 1) % input.length]!;
      const curIn = inside(cur);
      const prevIn = inside(prev);
      if (curIn !== prevIn) output.push(intersect(prev, cur, a, b));
      if (curIn) output.push(cur);
    }
  }
  return output;
}

function intersect(p: Point, q: Point, a: Point, b: Point): Point {
  const dx = q[0] - p[0], dy = q[1] - p[1];
  const ex = b[0] - a[0], ey = b[1] - a[1];
  const denom = dx * ey - dy * ex;
  const t = ((a[0] - p[0]) * ey - (a[1] - p[1]) * ex) / denom;
  return [p[0] + t * dx, p[1] + t * dy];
}

/**
 * Exact polygon IoU of a detected quad against a truth quad. The truth quad is a projected
 * rectangle and therefore convex; the detection may be any simple quad. A degenerate quad
 * (zero area) has IoU 0 with everything.
 */
export function quadIoU(detected: readonly Point[], truth: readonly Point[]): number {
  const aDet = area(detected);
  const aTruth = area(truth);
  if (aDet === 0 || aTruth === 0 || !Number.isFinite(aDet) || !Number.isFinite(aTruth)) return 0;
  let clip = truth, subject = detected;
  if (!isConvex(truth)) {
    if (!isConvex(detected)) throw new RangeError('quadIoU: neither quad is convex');
    clip = detected; subject = truth;
  }
  const inter = area(clipToConvex(subject, clip));
  const union = aDet + aTruth - inter;
  return union > 0 ? Math.min(1, inter / union) : 0;
}

/** Length of the quad's longer diagonal, the scale for corner errors. */
export function diagonal(q: Quad): number {
  return Math.max(Math.hypot(q[2][0] - q[0][0], q[2][1] - q[0][1]), Math.hypot(q[3][0] - q[1][0], q[3][1] - q[1][1]));
}

/**
 * Mean corner distance in pixels between a detected and a truth quad. The detector cannot know
 * which corner is the card's printed top-left of a card turned upside down, so the best of the four
 * cyclic shifts (same clockwise order) is used.
 */
export function cornerError(detected: Quad, truth: Quad): number {
  let best = Infinity;
  for (let s = 0; s < 4; s++) {
    let sum = 0;
    for (let i = 0; i < 4; i++) {
      const d = detected[(i + s) % 4]!, t = truth[i]!;
      sum += Math.hypot(d[0] - t[0], d[1] - t[1]);
    }
    best = Math.min(best, sum / 4);
  }
  return best;
}
