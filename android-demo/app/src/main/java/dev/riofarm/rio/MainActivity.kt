package dev.riofarm.rio

import android.Manifest
import android.content.pm.PackageManager
import android.graphics.Bitmap
import android.graphics.Matrix
import android.hardware.camera2.CameraCharacteristics
import android.os.Bundle
import android.os.SystemClock
import android.view.View
import android.widget.Button
import android.widget.ImageView
import android.widget.TextView
import androidx.annotation.OptIn
import androidx.appcompat.app.AppCompatActivity
import androidx.camera.camera2.interop.Camera2CameraInfo
import androidx.camera.camera2.interop.ExperimentalCamera2Interop
import androidx.camera.core.CameraInfo
import androidx.camera.core.CameraSelector
import androidx.camera.core.ImageAnalysis
import androidx.camera.core.ImageProxy
import androidx.camera.core.Preview
import androidx.camera.lifecycle.ProcessCameraProvider
import androidx.camera.view.PreviewView
import androidx.core.app.ActivityCompat
import androidx.core.content.ContextCompat
import java.util.concurrent.Executors

/**
 * Camera preview with the card outline; Capture shows the perspective crop and its timings.
 * View ids and texts are the CONTRACT.md "UI" table (the host twin exposes the same).
 */
class MainActivity : AppCompatActivity() {
    private lateinit var pipeline: RioPipeline
    private val analysis = Executors.newSingleThreadExecutor()
    private var frameCounter = 0
    /** The back camera's field of view across the longer image side (0 = unknown): crops recover the card's shape with it. */
    @Volatile private var cameraFovDeg = 0f

    /** The latest analysed frame (analysis thread writes, UI thread reads). */
    @Volatile private var latest: Triple<Int, Bitmap, FrameOutcome>? = null

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        setContentView(R.layout.activity_main)
        pipeline = RioPipeline(this, "gpu", 4)
        findViewById<Button>(R.id.capture).setOnClickListener { capture() }
        findViewById<Button>(R.id.back).setOnClickListener { showPreview() }
        if (ContextCompat.checkSelfPermission(this, Manifest.permission.CAMERA) == PackageManager.PERMISSION_GRANTED) startCamera()
        else ActivityCompat.requestPermissions(this, arrayOf(Manifest.permission.CAMERA), 1)
    }

    override fun onRequestPermissionsResult(requestCode: Int, permissions: Array<out String>, grantResults: IntArray) {
        super.onRequestPermissionsResult(requestCode, permissions, grantResults)
        if (grantResults.firstOrNull() == PackageManager.PERMISSION_GRANTED) startCamera()
    }

    private fun startCamera() {
        val future = ProcessCameraProvider.getInstance(this)
        future.addListener({
            val provider = future.get()
            val preview = Preview.Builder().build().also { it.setSurfaceProvider(findViewById<PreviewView>(R.id.preview).surfaceProvider) }
            val analyser = ImageAnalysis.Builder()
                .setBackpressureStrategy(ImageAnalysis.STRATEGY_KEEP_ONLY_LATEST)
                .setOutputImageFormat(ImageAnalysis.OUTPUT_IMAGE_FORMAT_RGBA_8888)
                .build().also { it.setAnalyzer(analysis, ::analyse) }
            provider.unbindAll()
            val camera = provider.bindToLifecycle(this, CameraSelector.DEFAULT_BACK_CAMERA, preview, analyser)
            cameraFovDeg = longSideFovDeg(camera.cameraInfo)
        }, ContextCompat.getMainExecutor(this))
    }

    /** Field of view across the sensor's longer side, from the lens focal length and the physical sensor size. */
    @OptIn(ExperimentalCamera2Interop::class)
    private fun longSideFovDeg(info: CameraInfo): Float {
        val c2 = Camera2CameraInfo.from(info)
        val focalMm = c2.getCameraCharacteristic(CameraCharacteristics.LENS_INFO_AVAILABLE_FOCAL_LENGTHS)?.firstOrNull() ?: return 0f
        val sensor = c2.getCameraCharacteristic(CameraCharacteristics.SENSOR_INFO_PHYSICAL_SIZE) ?: return 0f
        val longMm = maxOf(sensor.width, sensor.height)
        return if (focalMm > 0f && longMm > 0f) Math.toDegrees(2 * Math.atan(longMm / (2.0 * focalMm))).toFloat() else 0f
    }

    private fun analyse(image: ImageProxy) {
        val t0 = SystemClock.elapsedRealtimeNanos()
        val bitmap = image.use { img ->
            val raw = img.toBitmap()
            val rotation = img.imageInfo.rotationDegrees
            if (rotation == 0) raw else Bitmap.createBitmap(raw, 0, 0, raw.width, raw.height, Matrix().apply { postRotate(rotation.toFloat()) }, true)
        }
        val t1 = SystemClock.elapsedRealtimeNanos()
        val outcome = pipeline.processBitmap(bitmap, FrameOutcome().apply { tDecode = RioPipeline.ms(t0, t1) }, t0, t1)
        val index = frameCounter++
        latest = Triple(index, bitmap, outcome)
        runOnUiThread {
            findViewById<OverlayView>(R.id.overlay).show(outcome.detections.firstOrNull()?.quad, bitmap.width, bitmap.height)
            findViewById<TextView>(R.id.frame_index).text = index.toString()
            findViewById<TextView>(R.id.status).text = if (outcome.detections.isEmpty()) "Searching for a card" else "Card detected"
        }
    }

    private fun capture() {
        val (index, bitmap, outcome) = latest ?: return
        val best = outcome.detections.firstOrNull()
        if (best == null) {
            findViewById<TextView>(R.id.status).text = "No card to capture"
            return
        }
        val t0 = SystemClock.elapsedRealtimeNanos()
        val crop = try { RioCore.nativeCrop(bitmap, best.quad, BenchmarkActivity.CROP_MAX_SIDE, cameraFovDeg) } catch (e: RioCoreException) {
            findViewById<TextView>(R.id.status).text = "Crop failed: ${e.message}"
            return
        }
        val tCrop = RioPipeline.ms(t0, SystemClock.elapsedRealtimeNanos())
        val screen = findViewById<View>(R.id.crop_screen)
        screen.findViewById<ImageView>(R.id.crop).setImageBitmap(crop)
        screen.findViewById<TextView>(R.id.crop_quad).text = (0 until 4).joinToString(" ") { "%.1f,%.1f".format(best.quad[2 * it], best.quad[2 * it + 1]) }
        screen.findViewById<TextView>(R.id.frame_index).text = index.toString()
        val f = { v: Double -> "%.1f".format(v) }
        screen.findViewById<TextView>(R.id.timings).text =
            "decode ${f(outcome.tDecode)} ms · pre ${f(outcome.tPre)} ms · infer ${f(outcome.tInfer)} ms · post ${f(outcome.tPost)} ms · crop ${f(tCrop)} ms"
        findViewById<View>(R.id.preview_screen).visibility = View.GONE
        screen.visibility = View.VISIBLE
    }

    private fun showPreview() {
        findViewById<View>(R.id.crop_screen).visibility = View.GONE
        findViewById<View>(R.id.preview_screen).visibility = View.VISIBLE
    }

    @Deprecated("Back from the crop screen returns to the preview")
    override fun onBackPressed() {
        if (findViewById<View>(R.id.crop_screen).visibility == View.VISIBLE) showPreview() else super.onBackPressed()
    }

    override fun onDestroy() {
        analysis.shutdown()
        pipeline.close()
        super.onDestroy()
    }
}
