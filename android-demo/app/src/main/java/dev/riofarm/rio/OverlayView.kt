package dev.riofarm.rio

import android.content.Context
import android.graphics.Canvas
import android.graphics.Color
import android.graphics.Paint
import android.graphics.Path
import android.util.AttributeSet
import android.view.View
import android.view.accessibility.AccessibilityNodeInfo

/** Draws the detected card outline over the preview; exposes the quad as its accessibility text (CONTRACT.md UI). */
class OverlayView(context: Context, attrs: AttributeSet?) : View(context, attrs) {
    private val paint = Paint(Paint.ANTI_ALIAS_FLAG).apply { color = Color.rgb(0, 230, 118); style = Paint.Style.STROKE; strokeWidth = 6f }
    private var quad: FloatArray? = null
    private var frameWidth = 1
    private var frameHeight = 1

    fun show(quad: FloatArray?, frameWidth: Int, frameHeight: Int) {
        this.quad = quad
        this.frameWidth = frameWidth
        this.frameHeight = frameHeight
        visibility = if (quad == null) GONE else VISIBLE
        invalidate()
    }

    val quadText: String get() = quad?.let { q -> (0 until 4).joinToString(" ") { "%.1f,%.1f".format(q[2 * it], q[2 * it + 1]) } } ?: ""

    override fun onDraw(canvas: Canvas) {
        val q = quad ?: return
        val sx = width.toFloat() / frameWidth
        val sy = height.toFloat() / frameHeight
        val path = Path().apply {
            moveTo(q[0] * sx, q[1] * sy)
            for (k in 1 until 4) lineTo(q[2 * k] * sx, q[2 * k + 1] * sy)
            close()
        }
        canvas.drawPath(path, paint)
    }

    override fun onInitializeAccessibilityNodeInfo(info: AccessibilityNodeInfo) {
        super.onInitializeAccessibilityNodeInfo(info)
        info.text = quadText
    }
}
