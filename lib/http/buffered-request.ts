// The web Request the lean layer hands a route handler when the request has a body. The adapter
// has read the body whole already (node-adapter.ts); `new Request(url, { body })` would wrap it
// in a ReadableStream at once (~15 µs of CPU on Node 20) only for the handler to read it back
// with text(). This one keeps the buffer and makes the stream only if someone asks for `body`.
// Everything a handler can observe (method, url, headers, signal, body, bodyUsed, clone, text,
// json, arrayBuffer, bytes, blob, formData) behaves as on a plain Request.
//
// One difference: it must not be passed as the input of `new Request(…)` or `fetch(…)`, which
// read a Request's internal body and would see none. No handler on the lean paths does.
import { usedBodyStream } from "@/lib/api/text-response";

export class BufferedRequest extends Request {
  #buf: Buffer;
  #used = false;
  /** A plain Request with the body, made when the body is needed as a stream or a form. */
  #real: Request | undefined;

  constructor(url: string, init: { method: string; headers: [string, string][] }, body: Buffer) {
    super(url, { method: init.method, headers: init.headers });
    this.#buf = body;
  }

  /** The body as it arrived, for a reader that needs the bytes; undefined once read. */
  takeBuffer(): Buffer | undefined {
    if (this.#used || this.#real) return undefined;
    this.#used = true;
    return this.#buf;
  }

  #materialize(): Request {
    if (!this.#real) {
      if (this.#used) throw new TypeError("Body is unusable: Body has already been read");
      this.#real = new Request(this.url, {
        method: this.method,
        headers: this.headers,
        body: this.#buf as Uint8Array<ArrayBuffer>,
        signal: this.signal,
        duplex: "half",
      } as RequestInit);
    }
    return this.#real;
  }

  #take(): Buffer {
    if (this.#used) throw new TypeError("Body is unusable: Body has already been read");
    this.#used = true;
    return this.#buf;
  }

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    if (this.#used && !this.#real) return usedBodyStream();
    return this.#materialize().body;
  }

  override get bodyUsed(): boolean {
    return this.#real ? this.#real.bodyUsed : this.#used;
  }

  override async text(): Promise<string> {
    if (this.#real) return this.#real.text();
    const s = this.#take().toString("utf8");
    return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s; // UTF-8 decode drops a BOM, as Body.text() does
  }

  override async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    if (this.#real) return this.#real.arrayBuffer();
    const b = this.#take();
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }

  override async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    if (this.#real) return this.#real.bytes();
    return new Uint8Array(this.#take()) as Uint8Array<ArrayBuffer>;
  }

  override async blob(): Promise<Blob> {
    if (this.#real) return this.#real.blob();
    return new Blob([this.#take() as Uint8Array<ArrayBuffer>], { type: this.headers.get("content-type") ?? "" });
  }

  override formData(): Promise<FormData> {
    return this.#materialize().formData();
  }

  override clone(): Request {
    if (this.#real) return this.#real.clone();
    if (this.#used) throw new TypeError("Request.clone: Body has already been consumed.");
    const raw: [string, string][] = [];
    this.headers.forEach((v, k) => raw.push([k, v]));
    return new BufferedRequest(this.url, { method: this.method, headers: raw }, this.#buf);
  }
}
