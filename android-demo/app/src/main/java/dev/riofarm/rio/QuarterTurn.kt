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
 * card's own top-left and the crop comes out upright. A 5-logit classifier also says "not a card": the
 * core rejects the detection at the contract's reject_threshold. The host twin does the same (host/quarter-turn.ts).
 */
class QuarterTurn private constructor(model: MappedByteBuffer, contract: ModelContract, threads: Int) : AutoCloseable {
    val sha256: String = RioPipeline.sha256(model)
    private val interpreter = Interpreter(model, Interpreter.Options().setNumThreads(threads))
    private val crop = ByteBuffer.allocateDirect(contract.quarterTurnSide * contract.quarterTurnSide * 3 * 4).order(ByteOrder.nativeOrder())
    private val rejectThreshold = contract.rejectThreshold
    private val logits: Array<FloatArray>

    init {
        val out = interpreter.getOutputTensor(0).shape()
        require(interpreter.outputTensorCount == 1 && out.size == 2 && out[0] == 1 && out[1] in contract.quarterTurnClasses) {
            "quarter_turn.tflite must have one [1,n] output, n in ${contract.quarterTurnClasses}, has ${out.contentToString()}"
        }
        logits = Array(1) { FloatArray(out[1]) }
    }

    /**
     * `quad` (8 floats, frame pixels) rolled so corner 0 is the card's own top-left, or null when the
     * classifier calls the crop "not a card" (the detection is dropped). Throws RioCoreException for a
     * crop or logits the core rejects, anything else from the interpreter.
     */
    fun upright(bitmap: Bitmap, quad: FloatArray): FloatArray? {
        crop.rewind()
        RioCore.nativeQuarterTurnCrop(bitmap, quad, crop)
        crop.rewind()
        interpreter.run(crop, logits)
        val answer = RioCore.nativeTurnUpright(quad, logits[0], rejectThreshold)
        return if (answer[RioCore.TURN_FLOATS - 1] != 0f) null else answer.copyOfRange(0, 8)
    }

    override fun close() = interpreter.close()

    companion object {
        /** The APK's classifier, or null when it carries none (quads then keep the detector's corner order). */
        fun open(context: Context, contract: ModelContract, threads: Int): QuarterTurn? {
            val fd = try { context.assets.openFd(contract.quarterTurnFile) } catch (e: FileNotFoundException) { return null }
            val model = fd.use { FileInputStream(it.fileDescriptor).channel.map(FileChannel.MapMode.READ_ONLY, it.startOffset, it.declaredLength) }
            return QuarterTurn(model, contract, threads)
        }
    }
}
