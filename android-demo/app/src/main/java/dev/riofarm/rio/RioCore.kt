package dev.riofarm.rio

import android.graphics.Bitmap
import java.nio.ByteBuffer

/** A C++ core error ("CODE: message"), e.g. BAD_MODEL_OUTPUT for NaN or wrongly shaped outputs. */
class RioCoreException(message: String) : RuntimeException(message) {
    val code: String get() = message?.substringBefore(':') ?: "INTERNAL"
}

/** JNI face of the shared C++ core (android-demo/cpp/src/jni_bridge.cpp). */
object RioCore {
    const val FLOATS_PER_DETECTION = 10 // score, fromMask, x0,y0 … x3,y3
    const val TURN_FLOATS = 10 // x0,y0 … x3,y3, no-card probability, rejected (1) or kept (0)

    init {
        System.loadLibrary("rio_core")
    }

    /** Stretches the ARGB_8888 frame into the model input (direct buffer, NHWC RGB /255). */
    @JvmStatic external fun nativePreprocess(bitmap: Bitmap, out: ByteBuffer, outWidth: Int, outHeight: Int)

    /**
     * Model outputs → flat detections; params = score, nms, mask thresholds, max detections, input w, h, corner threshold.
     * `orient`/`orientShape` null: a model without the orientation output (quads keep the regression's corner order).
     */
    @JvmStatic external fun nativeDetect(
        heat: FloatArray, heatShape: IntArray,
        corners: FloatArray, cornersShape: IntArray,
        mask: FloatArray, maskShape: IntArray,
        orient: FloatArray?, orientShape: IntArray?,
        frameWidth: Int, frameHeight: Int, params: FloatArray,
    ): FloatArray

    /**
     * Perspective crop of `quad` (8 floats, frame pixels) from an ARGB_8888 bitmap. `fovDeg`: the
     * camera's field of view across the frame's longer side (0 = unknown, estimated from the quad).
     */
    @JvmStatic external fun nativeCrop(src: Bitmap, quad: FloatArray, maxSide: Int, fovDeg: Float): Bitmap

    /**
     * The quarter-turn classifier's input for one detection (`quad`, 8 floats, frame pixels) from an
     * ARGB_8888 bitmap into `out` (direct buffer, side x side x 3 floats, RGB /255; side from model-io.json).
     */
    @JvmStatic external fun nativeQuarterTurnCrop(bitmap: Bitmap, quad: FloatArray, out: ByteBuffer)

    /**
     * `quad` (8 floats) rolled back by the argmax of the classifier's first 4 `logits`: corner 0 becomes the
     * card's own top-left. A fifth logit is "not a card": its softmax probability over all five, and whether
     * that is at least `rejectThreshold` (in (0, 1]; 1 never). Returns TURN_FLOATS floats: the quad (8),
     * the no-card probability (0 with 4 logits), 1 when rejected else 0.
     */
    @JvmStatic external fun nativeTurnUpright(quad: FloatArray, logits: FloatArray, rejectThreshold: Float): FloatArray
}
