/**
 * The one schema of manifest.json, what the harness pushes for a run (android-demo/CONTRACT.md
 * "Files"): the run, its scenario, the camera and the content-addressed frames to replay.
 */
import { Type, type Static } from 'typebox';
import { checkContract } from './schema-check.ts';

export const MANIFEST_SCHEMA_ID = 'rio-manifest/1';

/** The camera that shot a manifest's frames. */
export const ManifestCameraSchema = Type.Object({
  fov_deg: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 180, description: "field of view across the frames' longer side, degrees: crops use it to recover the card's shape" }),
});

export const ManifestSchema = Type.Object({
  schema: Type.Literal(MANIFEST_SCHEMA_ID),
  run_id: Type.String({ minLength: 1 }),
  scenario: Type.String(),
  camera: Type.Optional(ManifestCameraSchema),
  frames: Type.Array(Type.Object({
    index: Type.Integer({ minimum: 0 }),
    file: Type.String({ pattern: '^frames/[^/]+$', description: 'relative to the app external files dir' }),
  })),
});

export type Manifest = Static<typeof ManifestSchema>;
export type ManifestCamera = Static<typeof ManifestCameraSchema>;

/** The manifest the harness pushes for a run of content-addressed frames (CONTRACT.md). */
export function manifestOf(runId: string, scenario: string, frames: readonly { index: number; sha256: string }[], camera?: ManifestCamera): Manifest {
  return { schema: MANIFEST_SCHEMA_ID, run_id: runId, scenario, ...(camera ? { camera } : {}),
    frames: frames.map((f) => ({ index: f.index, file: `frames/${f.sha256}.jpg` })) };
}

/** Validates a manifest (the app side uses it on what the harness pushed). Throws RioError('BAD_ARGUMENT'). */
export function validateManifest(json: unknown, where: string): Manifest {
  return checkContract(ManifestSchema, json, 'manifest', where, 'BAD_ARGUMENT');
}
