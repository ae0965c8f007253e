/** The RIO demo app contract (CONTRACT.md), one home: identity and files, extras, logcat markers, manifest, playlist and results schemas. */
export * from './app-identity.ts';
export * from './benchmark-extras.ts';
export * from './logcat-markers.ts';
export * from './manifest-schema.ts';
export * from './results-schema.ts';
export * from './playlist-schema.ts';
