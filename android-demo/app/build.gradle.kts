import java.util.Properties

plugins {
    id("com.android.application") version "8.5.2"
    id("org.jetbrains.kotlin.android") version "1.9.24"
}

// One identity for both builds: the host APK builder (android-demo/apk) reads the same file.
val appVersion = Properties().apply { file("version.properties").inputStream().use { load(it) } }

// OpenCV Android SDK (https://opencv.org/releases, 4.6+): -PopencvAndroidSdk=/path/OpenCV-android-sdk
// or env OPENCV_ANDROID_SDK.
val opencvSdk: String = (findProperty("opencvAndroidSdk") as String?)
    ?: System.getenv("OPENCV_ANDROID_SDK")
    ?: throw GradleException("Set -PopencvAndroidSdk=<OpenCV-android-sdk> or OPENCV_ANDROID_SDK (see README.md)")

// The model the app ships: the released model, else the one `npm run build:apk` put in the
// vdevice APK (.rio-farm/apk/rio.tflite), so phones and vdevices run the same bytes.
val rioModel: File = listOf(file("../model/release/rio.tflite"), file("../../.rio-farm/apk/rio.tflite"))
    .firstOrNull { it.exists() }
    ?: throw GradleException("No model: train one (android-demo/model) or run `npm run build:apk` first")

// The quarter-turn classifier (contract/model-io.json `quarter_turn`), when one is released: it turns each
// detection upright. Without it the app keeps the detector's corner order and its results say so.
val quarterTurnModel: File = file("../model/release/quarter_turn.tflite")

val rioAssets = layout.buildDirectory.dir("generated/rio-assets")
val copyRioAssets by tasks.registering(Copy::class) {
    from(rioModel) { rename { "rio.tflite" } }
    if (quarterTurnModel.exists()) from(quarterTurnModel)
    from(file("../contract/model-io.json"))
    into(rioAssets)
}

android {
    namespace = appVersion.getProperty("applicationId")
    compileSdk = 34
    ndkVersion = "26.3.11579264"

    defaultConfig {
        applicationId = appVersion.getProperty("applicationId")
        minSdk = appVersion.getProperty("minSdk").toInt()
        targetSdk = appVersion.getProperty("targetSdk").toInt()
        versionCode = appVersion.getProperty("versionCode").toInt()
        versionName = appVersion.getProperty("versionName")
        ndk { abiFilters += listOf("arm64-v8a", "armeabi-v7a", "x86_64") }
        externalNativeBuild {
            cmake {
                arguments += listOf("-DOpenCV_DIR=$opencvSdk/sdk/native/jni", "-DANDROID_STL=c++_shared")
            }
        }
    }
    externalNativeBuild {
        cmake {
            path = file("../cpp/CMakeLists.txt")
            version = "3.22.1"
        }
    }
    sourceSets["main"].assets.srcDir(rioAssets)
    // TFLite memory-maps the model: keep it stored, not deflated.
    androidResources { noCompress += "tflite" }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    kotlinOptions { jvmTarget = "17" }
}

tasks.named("preBuild") { dependsOn(copyRioAssets) }

dependencies {
    implementation("androidx.core:core-ktx:1.13.1")
    implementation("androidx.appcompat:appcompat:1.7.0")
    implementation("androidx.camera:camera-camera2:1.3.4")
    implementation("androidx.camera:camera-lifecycle:1.3.4")
    implementation("androidx.camera:camera-view:1.3.4")
    implementation("org.tensorflow:tensorflow-lite:2.16.1")
    implementation("org.tensorflow:tensorflow-lite-gpu:2.16.1")
    implementation("org.tensorflow:tensorflow-lite-gpu-api:2.16.1")
}
