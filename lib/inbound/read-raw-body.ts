// Reads a request body as bytes, refusing (413) as soon as it passes `max`, whether or not the
// sender declared a Content-Length.
import { AppError } from "@/lib/api/errors";

export function tooLarge(max: number): AppError {
  return new AppError("payload_too_large", `The request body is larger than ${max} bytes (${max / 1024 / 1024} MiB), the limit for incoming webhooks.`);
}

export async function readRawBody(req: Request, max: number): Promise<Buffer> {
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max) {
        await reader.cancel().catch(() => {});
        throw tooLarge(max);
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError("bad_request", "The request body could not be read (the connection broke off).", { cause: err });
  }
  // Most bodies arrive in one chunk: hand out a view of it rather than a copy.
  if (chunks.length === 1) return Buffer.from(chunks[0]!.buffer, chunks[0]!.byteOffset, chunks[0]!.byteLength);
  return Buffer.concat(chunks, size);
}
