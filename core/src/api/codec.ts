// JSON with bytes: how messages cross text-only transports (HTTP bodies, SSE) intact.
// Uint8Array values (Arrow tables) become {"$bytes": base64} and come back as Uint8Array.

const BYTES_KEY = '$bytes';

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) {
    binary += String.fromCharCode(...bytes.subarray(i, i + step));
  }
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function encodeMessage(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item instanceof Uint8Array ? { [BYTES_KEY]: toBase64(item) } : item,
  );
}

export function decodeMessage(text: string): unknown {
  return JSON.parse(text, (_key, item: unknown) => {
    if (item && typeof item === 'object' && !Array.isArray(item)) {
      const record = item as Record<string, unknown>;
      const encoded = record[BYTES_KEY];
      if (typeof encoded === 'string' && Object.keys(record).length === 1) return fromBase64(encoded);
    }
    return item;
  });
}
