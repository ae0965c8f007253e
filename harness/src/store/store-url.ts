/** A `--db` value as the store URL runs record: `postgres://…` as given, anything else `sqlite:PATH`. */
export function storeUrl(db: string): string {
  return db.startsWith('sqlite:') || db.startsWith('postgres') ? db : `sqlite:${db}`;
}
