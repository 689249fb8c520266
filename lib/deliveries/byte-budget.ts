// A budget of bytes shared by concurrent work: each takes what it expects to hold before it
// starts, in arrival order, and gives it back when done. One taker larger than the whole budget
// still goes when nothing else holds any, so nothing waits forever.

export type ByteHold = {
  /** The work turned out to hold `bytes` in all: the excess over what it took counts at once, never waited for. */
  grow(bytes: number): void;
  release(): void;
};

export type ByteBudget = {
  readonly used: number;
  acquire(bytes: number): Promise<ByteHold>;
  take(bytes: number): ByteHold;
};

export function createByteBudget(capacity: () => number): ByteBudget {
  let used = 0;
  const waiting: { bytes: number; resolve: () => void }[] = [];

  const wake = () => {
    while (waiting.length) {
      const first = waiting[0]!;
      if (used > 0 && used + first.bytes > capacity()) return; // first come, first served
      waiting.shift();
      used += first.bytes;
      first.resolve();
    }
  };

  return {
    get used() {
      return used;
    },
    /** Takes `bytes` once they fit (in arrival order). */
    async acquire(bytes: number): Promise<ByteHold> {
      const held = Math.max(0, bytes);
      if (waiting.length === 0 && (used === 0 || used + held <= capacity())) used += held;
      else await new Promise<void>((resolve) => waiting.push({ bytes: held, resolve }));
      return hold(held);
    },
    /** Takes `bytes` at once, fitting or not: for small holds that must never wait (later takers wait instead). */
    take(bytes: number): ByteHold {
      const held = Math.max(0, bytes);
      used += held;
      return hold(held);
    },
  };

  function hold(taken: number): ByteHold {
    let held = taken;
    let released = false;
    return {
      grow(more: number) {
        if (released || !(more > held)) return;
        used += more - held;
        held = more;
      },
      release() {
        if (released) return;
        released = true;
        used -= held;
        wake();
      },
    };
  }
}
