/**
 * The one schema of playlist.json (CONTRACT.md "Playlist"): many scenarios in one app start. It
 * names the scenarios' run ids in order; each one's manifest is `runs/<run_id>/manifest.json` as in
 * the single form, and its results, crops and markers are its own — so resume, retries and
 * evidence stay per scenario while model load and warm-up happen once per session.
 */
import { Type, type Static } from 'typebox';
import { checkContract } from './schema-check.ts';
import { appRunDir } from './app-identity.ts';

export const PLAYLIST_SCHEMA_ID = 'rio-playlist/1';

const RunId = Type.String({ pattern: '^[A-Za-z0-9._-]+$', description: 'a scenario run id, as the run_id extra' });

export const PlaylistSchema = Type.Object({
  schema: Type.Literal(PLAYLIST_SCHEMA_ID),
  session_id: RunId,
  runs: Type.Array(RunId, { minItems: 1, uniqueItems: true }),
});

export type Playlist = Static<typeof PlaylistSchema>;

/** The playlist the harness pushes for a session (`appRunDir(sessionId)/playlist.json`). */
export function playlistOf(sessionId: string, runIds: readonly string[]): Playlist {
  return { schema: PLAYLIST_SCHEMA_ID, session_id: sessionId, runs: [...runIds] };
}

/** Where a session's playlist lives on the device (removed with the session's folder). */
export function playlistPath(sessionId: string): string {
  return `${appRunDir(sessionId)}/playlist.json`;
}

/** Validates a playlist (the app side uses it on what the harness pushed). Throws RioError('BAD_ARGUMENT'). */
export function validatePlaylist(json: unknown, where: string): Playlist {
  return checkContract(PlaylistSchema, json, 'playlist', where, 'BAD_ARGUMENT');
}
