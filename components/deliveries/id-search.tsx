"use client";
// The exact-id search box of the Deliveries and Events pages: its text follows the URL's `q`
// (back, forward, a cleared filter) and a submit hands the trimmed text to the page.
import { Search } from "lucide-react";
import { useId, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

export function IdSearch(props: {
  /** The search in the URL now. */
  q: string | undefined;
  label: string;
  placeholder: string;
  /** The search landmark's name. */
  name: string;
  className?: string;
  onSearch: (q: string | undefined) => void;
}) {
  const id = useId();
  const [text, setText] = useState(props.q ?? "");
  // The URL changed under the box: follow it (adjusted while rendering, as React advises).
  const [shownQ, setShownQ] = useState(props.q);
  if (shownQ !== props.q) {
    setShownQ(props.q);
    setText(props.q ?? "");
  }
  function submit(e: FormEvent) {
    e.preventDefault();
    props.onSearch(text.trim() || undefined);
  }
  return (
    <form onSubmit={submit} className={`grid gap-1.5 ${props.className ?? ""}`} role="search" aria-label={props.name}>
      <Label htmlFor={id}>{props.label}</Label>
      <div className="flex gap-2">
        <Input
          id={id}
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={props.placeholder}
          spellCheck={false}
          autoComplete="off"
          className="font-mono text-sm"
        />
        <Button type="submit" variant="outline" size="icon" aria-label="Search">
          <Search aria-hidden />
        </Button>
      </div>
    </form>
  );
}
