/**
 * The one sanitiser for device-supplied text printed on a terminal (device table, progress, error
 * messages, the final table). A phone's getprop values, file names and app messages are whatever
 * its firmware says: an ANSI escape in ro.product.model could clear the screen, move the cursor
 * over a failure, retitle the terminal (OSC) or fake a "pass"; bidi overrides reorder what is read.
 * Escape sequences are removed whole, any other control character becomes U+FFFD so that its
 * presence stays visible.
 */

/** CSI (ESC [ … final), OSC (ESC ] … BEL or ST), other two-byte ESC sequences, and 8-bit CSI. */
const ESCAPE_SEQUENCE = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]/g;
/** C0 and C1 controls, DEL, and the Unicode bidi embeddings/overrides/isolates. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const CONTROL_OR_NEWLINE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text safe to write to a terminal. `multiline` keeps \n and \t (an error message of several
 * lines); otherwise they too are replaced, so one device string stays on one table line.
 */
export function terminalText(text: unknown, opts: { multiline?: boolean } = {}): string {
  const s = String(text).replace(ESCAPE_SEQUENCE, '');
  return s.replace(opts.multiline ? CONTROL : CONTROL_OR_NEWLINE, '\ufffd');
}
