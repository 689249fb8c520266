// The executor's pause between rounds of its loop, cut short when there is work (wake()).
export class Wakeup {
  private requested = false;
  private wakeFn?: () => void;

  /** Ends the current wakeable pause, or the next one at once if none is under way. */
  wake(): void {
    this.requested = true;
    this.wakeFn?.();
  }

  /** Waits `ms`; a `wakeable` pause ends early on wake(). Nothing to wait for once `stopped`. */
  idle(ms: number, wakeable: boolean, stopped: boolean): Promise<void> {
    if (stopped || (wakeable && this.requested)) {
      this.requested = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (wakeable) {
          this.wakeFn = undefined;
          this.requested = false;
        }
        resolve();
      };
      const timer = setTimeout(done, ms);
      if (wakeable) this.wakeFn = done;
    });
  }
}
