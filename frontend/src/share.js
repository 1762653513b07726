// Share links keep the whole playground state in the URL: JSON text, UTF-8,
// raw DEFLATE (RFC 1951, no zlib or gzip header), then base64url (RFC 4648
// section 5) without "=" padding. Python reads it back with
// zlib.decompress(base64.urlsafe_b64decode(padded), -15); see README.md.

async function pipeBytes(bytes, transform) {
  const stream = new Blob([bytes]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function toBase64Url(bytes) {
  let binary = "";
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + chunk));
  }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text) {
  if (typeof text !== "string" || !/^[A-Za-z0-9_-]*$/.test(text)) {
    throw new TypeError("A share link state must be base64url text.");
  }
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
  const binary = atob(padded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Encodes any JSON-serialisable value into a URL-safe string. */
export async function encodeState(value) {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError("The state must be JSON-serialisable.");
  const bytes = await pipeBytes(new TextEncoder().encode(json), new CompressionStream("deflate-raw"));
  return toBase64Url(bytes);
}

/** Decodes a string made by `encodeState` (or by the Python side) back into a value. */
export async function decodeState(text) {
  const bytes = await pipeBytes(fromBase64Url(text), new DecompressionStream("deflate-raw"));
  return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
}
