// A web Response whose body is a string known when it is made: what json(), problemResponse()
// and the OAuth endpoints answer with. On Node 20 `new Response(string)` builds a ReadableStream
// at once (~17 µs of CPU), and the lean layer then reads that stream back into a buffer; this
// one keeps the string and builds the stream only if someone asks for `body` (Next.js does,
// when it pipes the response). The lean layer's adapter takes the string as it is
// (takeText). Everything a caller can observe (status, headers, body, bodyUsed, clone, text,
// json, …) behaves as it does on a plain Response.
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

export class TextResponse extends Response {
  #text: string;
  #used = false;
  /** The plain Response, made the first time the body is needed as a stream or in a rarer form. */
  #real: Response | undefined;

  constructor(text: string, init: ResponseInit = {}) {
    if (init.status !== undefined && NULL_BODY_STATUS.has(init.status)) {
      throw new TypeError(`Response constructor: Invalid response status code ${init.status}`);
    }
    super(null, init);
    this.#text = text;
    // As `new Response(string)` does when the caller set no type.
    if (!this.headers.has("content-type")) this.headers.set("content-type", "text/plain;charset=UTF-8");
  }

  /** The body as a string for a writer that sends it itself; undefined once it has been read or streamed. */
  takeText(): string | undefined {
    if (this.#used || this.#real) return undefined;
    this.#used = true;
    return this.#text;
  }

  #materialize(): Response {
    if (!this.#real) {
      if (this.#used) throw new TypeError("Body is unusable: Body has already been read");
      this.#real = new Response(this.#text, { status: this.status, statusText: this.statusText, headers: this.headers });
    }
    return this.#real;
  }

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    if (this.#used && !this.#real) return usedBodyStream(); // read through text()/json(): a used body
    return this.#materialize().body;
  }

  override get bodyUsed(): boolean {
    return this.#real ? this.#real.bodyUsed : this.#used;
  }

  override async text(): Promise<string> {
    if (this.#real) return this.#real.text();
    if (this.#used) throw new TypeError("Body is unusable: Body has already been read");
    this.#used = true;
    return this.#text;
  }

  override async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    return this.#materialize().arrayBuffer();
  }

  override bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return this.#materialize().bytes();
  }

  override blob(): Promise<Blob> {
    return this.#materialize().blob();
  }

  override formData(): Promise<FormData> {
    return this.#materialize().formData();
  }

  override clone(): Response {
    if (this.#real) return this.#real.clone();
    if (this.#used) throw new TypeError("Response.clone: Body has already been consumed.");
    return new TextResponse(this.#text, { status: this.status, statusText: this.statusText, headers: this.headers });
  }
}

/** A body stream that has been read, as a consumed Request's or Response's `body` is. */
export function usedBodyStream(): ReadableStream<Uint8Array<ArrayBuffer>> {
  const r = new Response("");
  void r.text();
  return r.body as ReadableStream<Uint8Array<ArrayBuffer>>;
}
