/** Android's own crash report in logcat (the app's markers are the contract's: android-demo/contract/logcat-markers.ts). */

/** Android's AndroidRuntime "FATAL EXCEPTION" / "Process: <pkg>" lines mean the app process died. */
export function isCrashOf(pkg: string, tag: string, message: string): boolean {
  return tag === 'AndroidRuntime' && (message.includes('FATAL EXCEPTION') || message.includes(`Process: ${pkg}`));
}
