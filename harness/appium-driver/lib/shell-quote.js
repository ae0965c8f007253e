// @ts-check
/**
 * The one way rio-farm puts a value into a device shell command line (`adb shell …` is a string
 * the device's sh parses): the value in single quotes, each ' written as '\''. Nothing inside
 * single quotes is special to sh — not $, `, \, ;, newline — so a device-supplied or stored value
 * (a delegate name from a resumed run, an `am start` extra from a UI test) stays one argument.
 * Plain JS so that the Appium driver (loaded by Appium without a TypeScript loader) and the
 * harness share it.
 */

/**
 * Quotes one argument for the device's sh; NUL cannot be passed through adb and is refused.
 * @param {string | number | boolean} arg
 * @returns {string}
 */
export function shellQuote(arg) {
  const s = String(arg);
  if (s.includes('\0')) throw new TypeError('a shell argument cannot contain NUL');
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
