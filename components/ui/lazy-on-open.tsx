"use client";
// A dialog whose code loads when it is first opened (issue 14, Lighthouse): until then the page
// holds only its trigger button, rendered the same as the dialog's own. The forms behind
// "Create …" buttons bring react-hook-form, zod and their schemas; none of that is needed to
// show the page, and on a phone it was most of the main thread's work after the first paint.
//
// Pointing at or focusing the button starts the download; a click shows the button as busy until
// the code has arrived, then the dialog itself, opened (`defaultOpen`), takes its place. From
// then on it is the dialog component, with its own trigger, as if it had been there all along.
import { cloneElement, lazy, Suspense, useState, type ComponentType, type ReactElement } from "react";

type TriggerProps = {
  onClick?: React.MouseEventHandler;
  onPointerEnter?: React.PointerEventHandler;
  onFocus?: React.FocusEventHandler;
  disabled?: boolean;
  "aria-busy"?: boolean;
};

export function lazyOnOpen<P extends object>(
  load: () => Promise<ComponentType<P & { defaultOpen?: boolean }>>,
  /** The trigger the loaded component renders for the same props (the same element, so nothing moves). */
  trigger: (props: P) => ReactElement<TriggerProps>,
): ComponentType<P> {
  const Loaded = lazy(async () => ({ default: await load() }));
  const preload = () => void load().catch(() => undefined);
  function LazyOnOpen(props: P) {
    const [opened, setOpened] = useState(false);
    const button = trigger(props);
    if (opened) {
      return (
        <Suspense fallback={cloneElement(button, { disabled: true, "aria-busy": true })}>
          <Loaded {...props} defaultOpen />
        </Suspense>
      );
    }
    return cloneElement(button, { onClick: () => setOpened(true), onPointerEnter: preload, onFocus: preload });
  }
  return LazyOnOpen;
}

// A part loaded when first rendered (an inactive tab, a folded section, a detail dialog) is a
// plain next/dynamic at its place of use (`dynamic(() => import("…").then((m) => m.X), { loading })`),
// not a helper here: Next sees the import() only when it is written inside dynamic(), and only
// then, when the server renders that part (a tab opened by ?tab=), does it send the part's chunk
// with the page, so the part hydrates with the page instead of after a second round trip (a
// React.lazy part hydrated late, and a click on it before then was lost).
