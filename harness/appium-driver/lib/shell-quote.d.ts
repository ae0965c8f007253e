/** Quotes one argument for the device's sh (see shell-quote.js). */
export function shellQuote(arg: string | number | boolean): string;
