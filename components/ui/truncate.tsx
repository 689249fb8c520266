"use client";
// Text cut off with an ellipsis that shows its full value on hover (title) and on keyboard focus:
// when the text is actually cut, the element joins the tab order and, focused, wraps to show
// everything. Screen readers read the whole text either way (the cut is only visual).
import { useEffect, useRef, useState } from "react";
import { cn } from "@/lib/utils";

type Props = {
  value: string;
  /** What to render, when it is not just the value (e.g. formatted). */
  children?: React.ReactNode;
  as?: "span" | "code";
  className?: string;
};

/** Classes that let an already focusable truncated element (a link) show its whole value on focus. */
export const REVEAL_ON_FOCUS = "focus-visible:whitespace-normal focus-visible:break-all";

export function Truncate({ value, children, as: Tag = "span", className }: Props) {
  const ref = useRef<HTMLElement | null>(null);
  const [cut, setCut] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    // While focused the text wraps and no longer overflows: keep it focusable until blur.
    const check = () => {
      if (document.activeElement !== el) setCut(el.scrollWidth > el.clientWidth + 1);
    };
    // No measuring here: reading scrollWidth in an effect forces a layout of the whole page in the
    // middle of hydration (one per row of a table). A ResizeObserver reports every element it
    // starts observing, after the browser's own layout, where reading it costs nothing.
    const ro = new ResizeObserver(check);
    ro.observe(el);
    el.addEventListener("blur", check);
    return () => {
      ro.disconnect();
      el.removeEventListener("blur", check);
    };
  }, [value]);
  return (
    <Tag
      ref={(el: HTMLElement | null) => {
        ref.current = el;
      }}
      title={value}
      tabIndex={cut ? 0 : undefined}
      data-truncated={cut || undefined}
      className={cn(
        "truncate rounded-sm focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none",
        REVEAL_ON_FOCUS,
        className,
      )}
    >
      {children ?? value}
    </Tag>
  );
}
