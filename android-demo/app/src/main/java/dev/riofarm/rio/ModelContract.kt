package dev.riofarm.rio

import android.content.Context
import org.json.JSONObject

/** contract/model-io.json, shipped in assets: tensor shapes and postprocess parameters. */
class ModelContract(json: JSONObject) {
    val inputHeight: Int
    val inputWidth: Int
    val outputShapes: Map<String, IntArray>
    /** Outputs a model may lack ("optional": true, e.g. orient): an older rio.tflite still runs without them. */
    val optionalOutputs: Set<String>
    /** In RioCore.nativeDetect order. */
    val postprocessParams: FloatArray
    /**
     * The quarter-turn classifier's asset name, crop side (its input is side x side x 3) and the logit
     * counts its output may have: 4 (turns), or 5 (turns, then "not a card").
     */
    val quarterTurnFile: String
    val quarterTurnSide: Int
    val quarterTurnClasses: Set<Int>
    /** postprocess.reject_threshold: a 5-logit classifier's detection is dropped at this no-card probability or above (1 = never). */
    val rejectThreshold: Float

    init {
        val shape = json.getJSONObject("input").getJSONArray("shape")
        inputHeight = shape.getInt(1)
        inputWidth = shape.getInt(2)
        val outs = json.getJSONArray("outputs")
        outputShapes = (0 until outs.length()).associate { i ->
            val o = outs.getJSONObject(i)
            val s = o.getJSONArray("shape")
            o.getString("name") to IntArray(s.length()) { s.getInt(it) }
        }
        optionalOutputs = (0 until outs.length()).map { outs.getJSONObject(it) }
            .filter { it.optBoolean("optional", false) }.map { it.getString("name") }.toSet()
        val qt = json.getJSONObject("quarter_turn")
        quarterTurnFile = qt.getString("file")
        quarterTurnSide = qt.getJSONObject("input").getJSONArray("shape").getInt(1)
        val turnShapes = qt.getJSONObject("output").getJSONArray("shapes")
        quarterTurnClasses = (0 until turnShapes.length()).map { turnShapes.getJSONArray(it).getInt(1) }.toSet()
        val p = json.getJSONObject("postprocess")
        rejectThreshold = p.getDouble("reject_threshold").toFloat()
        postprocessParams = floatArrayOf(
            p.getDouble("score_threshold").toFloat(), p.getDouble("nms_iou").toFloat(),
            p.getDouble("mask_threshold").toFloat(), p.getInt("max_detections").toFloat(),
            inputWidth.toFloat(), inputHeight.toFloat(), p.getDouble("corner_threshold").toFloat(),
        )
    }

    companion object {
        fun load(context: Context): ModelContract =
            ModelContract(JSONObject(context.assets.open("model-io.json").bufferedReader().use { it.readText() }))
    }
}
