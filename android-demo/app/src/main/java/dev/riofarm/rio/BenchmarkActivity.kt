package dev.riofarm.rio

import android.app.Activity
import android.content.Intent
import android.content.IntentFilter
import android.graphics.Bitmap
import android.os.BatteryManager
import android.os.Build
import android.os.Bundle
import android.os.PowerManager
import android.os.SystemClock
import android.util.Log
import org.json.JSONArray
import org.json.JSONObject
import java.io.File
import java.time.Instant

/**
 * Headless benchmark per android-demo/CONTRACT.md: extras in (one manifest, or a playlist of
 * scenarios run on one model load and one warm-up); per scenario results.json, crops and RIO logcat
 * markers out. The host twin (android-demo/host/benchmark-activity.ts) does the same on vdevices.
 */
class BenchmarkActivity : Activity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val runId = intent.getStringExtra(AppContract.EXTRA_RUN_ID)
        val manifest = intent.getStringExtra(AppContract.EXTRA_MANIFEST)
        val playlist = intent.getStringExtra(AppContract.EXTRA_PLAYLIST)
        if (runId == null || !Regex("^[A-Za-z0-9._-]+$").matches(runId) || (manifest == null) == (playlist == null)) {
            Log.e(TAG, "${AppContract.MARKER_ERROR} run=${runId ?: "-"} code=BAD_EXTRAS message=run_id and exactly one of manifest and playlist (--es) are required")
            finish(); return
        }
        val args = Args(
            runId, manifest ?: "", playlist,
            manifestWaitMs = intent.getIntExtra(AppContract.EXTRA_MANIFEST_WAIT_MS, AppContract.DEFAULT_MANIFEST_WAIT_MS),
            warmup = intent.getIntExtra(AppContract.EXTRA_WARMUP, AppContract.DEFAULT_WARMUP), threads = intent.getIntExtra(AppContract.EXTRA_THREADS, AppContract.DEFAULT_THREADS),
            delegate = intent.getStringExtra(AppContract.EXTRA_DELEGATE) ?: AppContract.DEFAULT_DELEGATE, fps = intent.getIntExtra(AppContract.EXTRA_FPS, AppContract.DEFAULT_FPS),
            saveCrops = intent.getBooleanExtra(AppContract.EXTRA_SAVE_CROPS, AppContract.DEFAULT_SAVE_CROPS),
        )
        Thread({ if (args.playlist != null) runPlaylist(args, args.playlist) else runSession(args, listOf(args)); runOnUiThread { finish() } }, "rio-benchmark").start()
    }

    /** One scenario's arguments; in a playlist `runId`/`manifest` are the scenario's and `session` its place. */
    data class Args(val runId: String, val manifest: String, val playlist: String?, val manifestWaitMs: Int, val warmup: Int, val threads: Int,
                    val delegate: String, val fps: Int, val saveCrops: Boolean, val session: JSONObject? = null)

    /** CONTRACT.md "Playlist": the scenarios in order on one model load and one warm-up, then RIO_SESSION_DONE. */
    private fun runPlaylist(a: Args, path: String) {
        val playlist = try { JSONObject(File(path).readText()) } catch (e: Exception) {
            Log.e(TAG, "${AppContract.MARKER_ERROR} run=${a.runId} code=BAD_PLAYLIST message=${e.message ?: e}")
            Log.i(TAG, "${AppContract.MARKER_SESSION_DONE} run=${a.runId} scenarios=0")
            return
        }
        val sessionId = playlist.getString("session_id")
        val runs = playlist.getJSONArray("runs")
        val filesDir = getExternalFilesDir(null)!!
        val scenarios = (0 until runs.length()).map { k ->
            val id = runs.getString(k)
            a.copy(runId = id, manifest = File(filesDir, "runs/$id/manifest.json").path, session = JSONObject().put("id", sessionId).put("position", k))
        }
        runSession(a, scenarios)
        Log.i(TAG, "${AppContract.MARKER_SESSION_DONE} run=$sessionId scenarios=${scenarios.size}")
    }

    /** A playlist's manifest appears once its frames are pushed: wait for a parsable one up to manifestWaitMs. */
    private fun readManifest(a: Args): JSONObject {
        val deadline = SystemClock.elapsedRealtime() + (if (a.session != null) a.manifestWaitMs else 0)
        while (true) {
            try { return JSONObject(File(a.manifest).readText()) } catch (e: Exception) {
                if (SystemClock.elapsedRealtime() >= deadline) throw e
                Thread.sleep(MANIFEST_POLL_MS)
            }
        }
    }

    private fun runSession(session: Args, scenarios: List<Args>) {
        var pipeline: RioPipeline? = null
        var loadError: String? = null
        var warm = false
        try {
            for (a in scenarios) {
                val runDir = File(getExternalFilesDir(null)!!, "runs/${a.runId}")
                val start = deviceState()
                val manifest = try { readManifest(a) } catch (e: Exception) {
                    writeFailure(a, runDir, start, "BAD_MANIFEST", e.message ?: e.toString()); continue
                }
                if (pipeline == null && loadError == null) {
                    pipeline = try { RioPipeline(this, session.delegate, session.threads) } catch (e: Exception) { loadError = e.message ?: e.toString(); null }
                }
                val p = pipeline ?: run { writeFailure(a, runDir, start, "MODEL_LOAD_FAILED", loadError ?: "model not loaded"); null } ?: continue
                if (runScenario(a, manifest, p, runDir, start, if (warm) 0 else a.warmup)) warm = true
            }
        } finally {
            pipeline?.close()
        }
    }

    /** One scenario per CONTRACT.md; true when it ran frames (the session is then warm). */
    private fun runScenario(a: Args, manifest: JSONObject, p: RioPipeline, runDir: File, start: JSONObject, warmup: Int): Boolean {
        val filesDir = getExternalFilesDir(null)!!
        val startedAt = Instant.now().toString()
        val errors = JSONArray()
        val frames = JSONArray()
        val list = manifest.getJSONArray("frames")
        // the camera that shot the replayed frames (CONTRACT.md manifest `camera`), not this phone's
        val fovDeg = manifest.optJSONObject("camera")?.optDouble("fov_deg", 0.0)?.toFloat() ?: 0f
        run {
            val n = list.length()
            Log.i(TAG, "${AppContract.MARKER_START} run=${a.runId} frames=$n")
            val frameFile = { i: Int -> File(filesDir, list.getJSONObject(i).getString("file")) }
            if (n > 0) repeat(warmup) { p.process(frameFile(0)) }
            val period = if (a.fps > 0) 1000.0 / a.fps else 0.0
            val wallStart = SystemClock.elapsedRealtimeNanos()
            val elapsedMs = { (SystemClock.elapsedRealtimeNanos() - wallStart) / 1e6 }
            var i = 0
            while (i < n) {
                val f = list.getJSONObject(i)
                if (period > 0) { val wait = i * period - elapsedMs(); if (wait > 0) Thread.sleep(wait.toLong()) }
                val o = p.process(frameFile(i))
                frames.put(frameJson(f, o))
                if (o.errorCode != null) {
                    errors.put(JSONObject().put("code", o.errorCode).put("message", o.errorMessage).put("frame", f.getInt("index")))
                    Log.e(TAG, "${AppContract.MARKER_ERROR} run=${a.runId} code=${o.errorCode} message=frame ${f.getInt("index")}: ${o.errorMessage}")
                }
                val best = o.detections.firstOrNull()
                val bmp = o.bitmap
                if (a.saveCrops && best != null && bmp != null) saveCrop(runDir, f.getInt("index"), bmp, best, fovDeg)
                bmp?.recycle()
                // Keep-only-latest camera: frames that arrived while busy, except the newest, are dropped.
                var next = i + 1
                if (period > 0) {
                    val latest = minOf(n - 1, (elapsedMs() / period).toInt())
                    while (next < latest) {
                        val d = list.getJSONObject(next)
                        frames.put(JSONObject().put("index", d.getInt("index")).put("file", d.getString("file"))
                            .put("t_decode", 0).put("t_pre", 0).put("t_infer", 0).put("t_post", 0).put("t_total", 0)
                            .put("dropped", true).put("detections", JSONArray()))
                        next++
                    }
                }
                i = next
                Log.i(TAG, "${AppContract.MARKER_PROGRESS} run=${a.runId} done=${frames.length()} total=$n")
            }
            val status = if (errors.length() == 0) "ok" else "error"
            val results = header(a, p.modelSha256, p.delegateUsed, p.quarterTurnSha256)
                .put("scenario", manifest.optString("scenario"))
                .put("device_state", JSONObject().put("start", start).put("end", deviceState()))
                .put("started_at", startedAt).put("wall_ms", elapsedMs())
                .put("status", status).put("errors", errors).put("frames", frames)
            writeResults(runDir, results)
            Log.i(TAG, "${AppContract.MARKER_DONE} run=${a.runId} status=$status")
            return n > 0
        }
    }

    private fun frameJson(f: JSONObject, o: FrameOutcome): JSONObject {
        val dets = JSONArray()
        for (d in o.detections) {
            val quad = JSONArray()
            for (k in 0 until 4) quad.put(JSONArray().put(d.quad[2 * k].toDouble()).put(d.quad[2 * k + 1].toDouble()))
            dets.put(JSONObject().put("quad", quad).put("score", d.score.toDouble()))
        }
        val j = JSONObject().put("index", f.getInt("index")).put("file", f.getString("file"))
            .put("t_decode", o.tDecode).put("t_pre", o.tPre).put("t_infer", o.tInfer).put("t_post", o.tPost).put("t_total", o.tTotal)
            .put("dropped", false).put("detections", dets)
        o.tInferCpu?.let { j.put(AppContract.FIELD_T_INFER_CPU, it) }
        o.tTurn?.let { j.put(AppContract.FIELD_T_TURN, it) }
        o.bitmap?.let { j.put("width", it.width).put("height", it.height) }
        if (o.errorCode != null) j.put("error", JSONObject().put("code", o.errorCode).put("message", o.errorMessage))
        return j
    }

    /** `quarterTurnSha`: the classifier run; null with a loaded model = none in the APK; a failed load says neither. */
    private fun header(a: Args, modelSha: String, delegateUsed: String, quarterTurnSha: String? = null, loaded: Boolean = true): JSONObject {
        val pkg = packageManager.getPackageInfo(packageName, 0)
        @Suppress("DEPRECATION") val versionCode = if (Build.VERSION.SDK_INT >= 28) pkg.longVersionCode.toInt() else pkg.versionCode
        return JSONObject().put("schema", "rio-results/1").put("run_id", a.runId)
            .put("app", JSONObject().put("package", packageName).put("version_name", pkg.versionName).put("version_code", versionCode)
                .put("runtime", "tflite-java jni"))
            .put("model", JSONObject().put("sha256", modelSha).put("input_shape", JSONArray(listOf(1, 256, 256, 3))).also { m ->
                if (loaded) m.put(AppContract.FIELD_CORNER_ORDER, if (quarterTurnSha != null) AppContract.CORNER_ORDER_QUARTER_TURN else AppContract.CORNER_ORDER_DETECTOR)
                quarterTurnSha?.let { m.put(AppContract.FIELD_QUARTER_TURN, JSONObject().put("sha256", it)) }
            })
            .put("delegate", JSONObject().put("requested", a.delegate).put("used", delegateUsed))
            .put("threads", a.threads).put("threads_used", a.threads)
            .put("warmup", a.warmup).put("fps", a.fps).put("save_crops", a.saveCrops)
            .also { j -> a.session?.let { j.put("session", it) } }
    }

    private fun writeFailure(a: Args, runDir: File, start: JSONObject, code: String, message: String) {
        Log.e(TAG, "${AppContract.MARKER_ERROR} run=${a.runId} code=$code message=$message")
        val results = header(a, "0".repeat(64), "cpu", loaded = false)
            .put("device_state", JSONObject().put("start", start).put("end", deviceState()))
            .put("status", "error").put("errors", JSONArray().put(JSONObject().put("code", code).put("message", message)))
            .put("frames", JSONArray())
        writeResults(runDir, results)
        Log.i(TAG, "${AppContract.MARKER_DONE} run=${a.runId} status=error")
    }

    /** tmp + rename, so the harness never pulls half a file. */
    private fun writeResults(runDir: File, results: JSONObject) {
        runDir.mkdirs()
        val tmp = File(runDir, "results.json.tmp")
        tmp.writeText(results.toString(1))
        tmp.renameTo(File(runDir, "results.json"))
    }

    private fun saveCrop(runDir: File, index: Int, frame: Bitmap, d: Detection, fovDeg: Float) {
        try {
            val crop = RioCore.nativeCrop(frame, d.quad, CROP_MAX_SIDE, fovDeg)
            File(runDir, "crops").mkdirs()
            File(runDir, "crops/$index.jpg").outputStream().use { crop.compress(Bitmap.CompressFormat.JPEG, 90, it) }
            crop.recycle()
        } catch (e: RioCoreException) {
            Log.w(TAG, "crop of frame $index failed: ${e.message}")
        }
    }

    private fun deviceState(): JSONObject {
        val thermal = if (Build.VERSION.SDK_INT >= 29) (getSystemService(POWER_SERVICE) as PowerManager).currentThermalStatus else 0
        val battery: Intent? = registerReceiver(null, IntentFilter(Intent.ACTION_BATTERY_CHANGED))
        val tempC = (battery?.getIntExtra(BatteryManager.EXTRA_TEMPERATURE, 0) ?: 0) / 10.0
        return JSONObject().put("thermal_status", thermal).put("battery_temp_c", tempC)
    }

    companion object {
        const val TAG = AppContract.LOG_TAG
        const val CROP_MAX_SIDE = 640
        /** How often a playlist session looks for the next manifest: small beside a scenario, cheap on the phone. */
        const val MANIFEST_POLL_MS = 20L
    }
}
