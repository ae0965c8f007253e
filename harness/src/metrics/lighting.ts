/** The lighting key frames are grouped by: sorted tags joined by '+', 'plain' without tags. */
export function lightingKey(tags: readonly string[]): string {
  return tags.length ? [...new Set(tags)].sort().join('+') : 'plain';
}

/** The aggregate row standing for the whole scenario, all lightings together. */
export const ALL_LIGHTING = '*';
