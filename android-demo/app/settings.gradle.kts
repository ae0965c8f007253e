// The RIO demo app (Kotlin). Build where the Android SDK + NDK exist: ./gradlew assembleDebug
// (see README.md here). The C++ core comes from ../cpp through CMake.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}
dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}
rootProject.name = "rio-demo"
