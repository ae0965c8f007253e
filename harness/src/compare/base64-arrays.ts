/** Typed arrays as base64 text: how a compare summary keeps its numbers in a TEXT column on SQLite and PostgreSQL alike. */

export const toBase64 = (xs: Float64Array | Uint32Array) => Buffer.from(xs.buffer, xs.byteOffset, xs.byteLength).toString('base64');
// Copied into its own buffer: a Buffer may sit at an offset not aligned for float64s.
const bytesOf = (s: string) => new Uint8Array(Buffer.from(s, 'base64')).buffer;
export const float64sOf = (s: string) => new Float64Array(bytesOf(s));
export const uint32sOf = (s: string) => new Uint32Array(bytesOf(s));
