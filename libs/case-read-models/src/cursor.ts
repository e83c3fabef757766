/** Opaque keyset cursors: base64url JSON of the sort, its key and the tie-breaking id. */
export interface CursorPosition {
  readonly sort: string;
  readonly key: string;
  readonly id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.sort, position.key, position.id]), 'utf8').toString(
    'base64url',
  );
}

/** Undefined when the text is not a cursor made by `encodeCursor` for this sort. */
export function decodeCursor(text: string, sort: string): CursorPosition | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (
      !Array.isArray(parsed) ||
      parsed.length !== 3 ||
      !parsed.every((p) => typeof p === 'string')
    )
      return undefined;
    const [s, key, id] = parsed as [string, string, string];
    return s === sort ? { sort: s, key, id } : undefined;
  } catch {
    return undefined;
  }
}
