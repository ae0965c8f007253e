package dev.riofarm.rio

import android.content.Context
import android.graphics.Bitmap
import org.tensorflow.lite.Interpreter
import java.io.FileInputStream
import java.io.FileNotFoundException
import java.nio.ByteBuffer
import java.nio.ByteOrder
import java.nio.MappedByteBuffer
import java.nio.channels.FileChannel

/**
 * The second model (contract/model-io.json `quarter_turn`): per detection, the C++ core's crop of the
 * camera frame, one interpreter run, and the core's roll of the quad by the answer, so corner 0 is the
 * card's own top-left and the crop comes out upright. The host twin does the same (host/quarter-turn.ts).
 */
class QuarterTurn private constructor(model: MappedByteBuffer, side: Int, threads: Int) : AutoCloseable {
    val sha256: String = RioPipeline.sha256(model)
    private val interpreter = Interpreter(model, Interpreter.Options().setNumThreads(threads))
    private val crop = ByteBuffer.allocateDirect(side * side * 3 * 4).order(ByteOrder.nativeOrder())
    private val logits = Array(1) { FloatArray(TURNS) }

    init {
        val out = interpreter.getOutputTensor(0).shape()
        require(interpreter.outputTensorCount == 1 && out.contentEquals(intArrayOf(1, TURNS))) { "quarter_turn.tflite must have one [1,4] output, has ${out.contentToString()}" }
    }

    /**
     * `quad` (8 floats, frame pixels) rolled so corner 0 is the card's own top-left. Throws
     * RioCoreException for a crop or logits the core rejects, anything else from the interpreter.
     */
    fun upright(bitmap: Bitmap, quad: FloatArray): FloatArray {
        crop.rewind()
        RioCore.nativeQuarterTurnCrop(bitmap, quad, crop)
        crop.rewind()
        interpreter.run(crop, logits)
        return RioCore.nativeTurnUpright(quad, logits[0])
    }

    override fun close() = interpreter.close()

    companion object {
        private const val TURNS = 4

        /** The APK's classifier, or null when it carries none (quads then keep the detector's corner order). */
        fun open(context: Context, contract: ModelContract, threads: Int): QuarterTurn? {
            val fd = try { context.assets.openFd(contract.quarterTurnFile) } catch (e: FileNotFoundException) { return null }
            val model = fd.use { FileInputStream(it.fileDescriptor).channel.map(FileChannel.MapMode.READ_ONLY, it.startOffset, it.declaredLength) }
            return QuarterTurn(model, contract.quarterTurnSide, threads)
        }
    }
}
