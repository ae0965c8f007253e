package dev.riofarm.rio

import android.content.Context
import android.graphics.Bitmap
import android.graphics.BitmapFactory
import android.os.Build
import android.os.Debug
import android.os.SystemClock
import android.util.Log
import org.tensorflow.lite.Interpreter
import org.tensorflow.lite.gpu.CompatibilityList
import org.tensorflow.lite.gpu.GpuDelegate
import org.tensorflow.lite.nnapi.NnApiDelegate
import java.io.File
import java.io.FileInputStream
import java.nio.ByteBuffer
import java.nio.ByteOrder
import java.nio.MappedByteBuffer
import java.nio.channels.FileChannel
import java.security.MessageDigest

data class Detection(val quad: FloatArray, val score: Float)

/** One frame's outcome with the CONTRACT.md stage timings (ms, monotonic). */
class FrameOutcome {
    var tDecode = 0.0; var tPre = 0.0; var tInfer = 0.0; var tPost = 0.0; var tTotal = 0.0
    /** the interpreter call in this thread's CPU time (ms); null when the thread clock is unsupported */
    var tInferCpu: Double? = null
    /** the quarter-turn classifier on every detection (ms); null when the APK carries none */
    var tTurn: Double? = null
    var detections: List<Detection> = emptyList()
    var bitmap: Bitmap? = null
    var errorCode: String? = null
    var errorMessage: String? = null
}

/**
 * The model and the C++ core behind one call per frame: decode, pre (C++), infer (TFLite
 * Interpreter with the requested delegate, falling back to xnnpack then cpu), post (C++),
 * turn (the quarter-turn classifier on each detection, when the APK carries it).
 */
class RioPipeline(context: Context, requestedDelegate: String, val threads: Int) : AutoCloseable {
    val contract = ModelContract.load(context)
    private val modelBuffer: MappedByteBuffer = context.assets.openFd("rio.tflite").use { fd ->
        FileInputStream(fd.fileDescriptor).channel.map(FileChannel.MapMode.READ_ONLY, fd.startOffset, fd.declaredLength)
    }
    val modelSha256: String = sha256(modelBuffer)
    private var gpu: GpuDelegate? = null
    private var nnapi: NnApiDelegate? = null
    val delegateUsed: String
    private val interpreter: Interpreter
    private val input = ByteBuffer.allocateDirect(contract.inputWidth * contract.inputHeight * 3 * 4).order(ByteOrder.nativeOrder())
    private val outputs: Map<String, Pair<Int, FloatArray>>
    /** null: no assets/quarter_turn.tflite, and quads keep the detector's corner order (results say so) */
    private val quarterTurn: QuarterTurn? = QuarterTurn.open(context, contract, threads)
    val quarterTurnSha256: String? get() = quarterTurn?.sha256

    init {
        var created: Pair<Interpreter, String>? = null
        for (d in fallbackChain(requestedDelegate)) {
            created = try { createInterpreter(d) to d } catch (e: Exception) {
                Log.w(TAG, "delegate $d unavailable: ${e.message}; falling back")
                closeDelegates(); null
            }
            if (created != null) break
        }
        val (chosen, used) = created ?: throw IllegalStateException("no TFLite interpreter could be created for rio.tflite")
        interpreter = chosen
        delegateUsed = used
        // An optional output (orient) the model lacks is left out: an older model keeps its corner order.
        outputs = contract.outputShapes.mapNotNull { (name, shape) ->
            val index = try { interpreter.getOutputIndex(name) } catch (e: IllegalArgumentException) {
                val byShape = (0 until interpreter.outputTensorCount).filter { interpreter.getOutputTensor(it).shape().contentEquals(shape) }
                if (byShape.isEmpty() && name in contract.optionalOutputs) return@mapNotNull null
                byShape.single()
            }
            name to (index to FloatArray(shape.fold(1) { a, b -> a * b }))
        }.toMap()
    }

    private fun fallbackChain(requested: String) = when (requested) {
        "gpu", "nnapi" -> listOf(requested, "xnnpack", "cpu")
        "xnnpack" -> listOf("xnnpack", "cpu")
        else -> listOf("cpu")
    }

    private fun createInterpreter(delegate: String): Interpreter {
        val options = Interpreter.Options().setNumThreads(threads).setUseXNNPACK(delegate == "xnnpack")
        when (delegate) {
            "gpu" -> {
                val compat = CompatibilityList()
                require(compat.isDelegateSupportedOnThisDevice) { "GPU delegate not supported on this device" }
                gpu = GpuDelegate(compat.bestOptionsForThisDevice).also { options.addDelegate(it) }
            }
            "nnapi" -> {
                require(Build.VERSION.SDK_INT >= Build.VERSION_CODES.P) { "NNAPI needs API 28" }
                nnapi = NnApiDelegate().also { options.addDelegate(it) }
            }
        }
        return Interpreter(modelBuffer, options)
    }

    fun process(file: File): FrameOutcome {
        val o = FrameOutcome()
        val t0 = SystemClock.elapsedRealtimeNanos()
        val bitmap = BitmapFactory.decodeFile(file.path, BitmapFactory.Options().apply { inPreferredConfig = Bitmap.Config.ARGB_8888 })
        val t1 = SystemClock.elapsedRealtimeNanos()
        o.tDecode = ms(t0, t1)
        if (bitmap == null) return o.fail(t0, "FRAME_DECODE_FAILED", "cannot decode ${file.name}")
        o.bitmap = bitmap
        return processBitmap(bitmap, o, t0, t1)
    }

    /** From an already decoded frame (CameraX analysis): decode time is the caller's. */
    fun processBitmap(bitmap: Bitmap, o: FrameOutcome = FrameOutcome(), t0: Long = SystemClock.elapsedRealtimeNanos(), t1: Long = t0): FrameOutcome {
        try {
            input.rewind()
            RioCore.nativePreprocess(bitmap, input, contract.inputWidth, contract.inputHeight)
        } catch (e: RioCoreException) {
            return o.fail(t0, "FRAME_DECODE_FAILED", e.message ?: "")
        }
        val t2 = SystemClock.elapsedRealtimeNanos()
        o.tPre = ms(t1, t2)
        // Thread CPU time as well as wall time: wall time counts every other process's turn on the
        // core, this thread's CPU time only the inference (with threads > 1, only this thread's share).
        val cpu2 = Debug.threadCpuTimeNanos()
        try {
            input.rewind()
            val outMap = HashMap<Int, Any>()
            val buffers = outputs.mapValues { (_, v) -> ByteBuffer.allocateDirect(v.second.size * 4).order(ByteOrder.nativeOrder()).also { outMap[v.first] = it } }
            interpreter.runForMultipleInputsOutputs(arrayOf(input), outMap)
            for ((name, b) in buffers) { b.rewind(); b.asFloatBuffer().get(outputs.getValue(name).second) }
        } catch (e: Exception) {
            o.tInfer = ms(t2, SystemClock.elapsedRealtimeNanos())
            return o.fail(t0, "INFERENCE_FAILED", e.message ?: e.toString())
        }
        val cpu3 = Debug.threadCpuTimeNanos()
        val t3 = SystemClock.elapsedRealtimeNanos()
        o.tInfer = ms(t2, t3)
        if (cpu2 >= 0 && cpu3 >= 0) o.tInferCpu = ms(cpu2, cpu3)
        try {
            val flat = RioCore.nativeDetect(
                tensor("heat"), contract.outputShapes.getValue("heat"),
                tensor("corners"), contract.outputShapes.getValue("corners"),
                tensor("mask"), contract.outputShapes.getValue("mask"),
                outputs["orient"]?.second, if ("orient" in outputs) contract.outputShapes.getValue("orient") else null,
                bitmap.width, bitmap.height, contract.postprocessParams,
            )
            o.detections = (0 until flat.size / RioCore.FLOATS_PER_DETECTION).map { i ->
                val b = i * RioCore.FLOATS_PER_DETECTION
                Detection(flat.copyOfRange(b + 2, b + 10), flat[b])
            }
        } catch (e: RioCoreException) {
            o.tPost = ms(t3, SystemClock.elapsedRealtimeNanos())
            return o.fail(t0, "BAD_MODEL_OUTPUT", e.message ?: "")
        }
        val t4 = SystemClock.elapsedRealtimeNanos()
        o.tPost = ms(t3, t4)
        o.tTotal = ms(t0, t4)
        val turn = quarterTurn ?: return o
        val error = try {
            // a detection the classifier calls "not a card" is dropped (upright gives null)
            o.detections = o.detections.mapNotNull { d -> turn.upright(bitmap, d.quad)?.let { d.copy(quad = it) } }
            null
        } catch (e: RioCoreException) {
            "BAD_MODEL_OUTPUT" to (e.message ?: "")
        } catch (e: Exception) {
            "INFERENCE_FAILED" to "quarter_turn: ${e.message ?: e.toString()}"
        }
        val t5 = SystemClock.elapsedRealtimeNanos()
        o.tTurn = ms(t4, t5)
        o.tTotal = ms(t0, t5)
        if (error != null) {
            o.detections = emptyList()
            return o.fail(t0, error.first, error.second)
        }
        return o
    }

    private fun tensor(name: String) = outputs.getValue(name).second

    private fun FrameOutcome.fail(t0: Long, code: String, message: String): FrameOutcome {
        tTotal = ms(t0, SystemClock.elapsedRealtimeNanos()); errorCode = code; errorMessage = message
        return this
    }

    private fun closeDelegates() {
        gpu?.close(); gpu = null
        nnapi?.close(); nnapi = null
    }

    override fun close() {
        interpreter.close()
        quarterTurn?.close()
        closeDelegates()
    }

    companion object {
        const val TAG = AppContract.LOG_TAG
        fun ms(a: Long, b: Long) = (b - a) / 1e6
        fun sha256(buffer: ByteBuffer): String {
            val md = MessageDigest.getInstance("SHA-256")
            md.update(buffer.duplicate().apply { rewind() })
            return md.digest().joinToString("") { "%02x".format(it) }
        }
    }
}
