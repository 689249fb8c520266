"use client";
// The endpoint form's payload filter and channels, with "Test against the last 20 events": which
// of the environment's latest events an endpoint with the form's event types, channels and
// filter would get (POST /api/v1/endpoints/filter-preview; nothing is saved).
import { FlaskConical } from "lucide-react";
import { useId } from "react";
import { useFormContext, useWatch } from "react-hook-form";
import { useFilterPreview, type FilterPreview } from "@/components/webhooks/filter-recovery-queries";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { FormControl, FormDescription, FormField, FormItem, FormLabel, FormMessage } from "@/components/ui/form";
import { Input } from "@/components/ui/input";
import { LocalTime } from "@/components/ui/local-time";
import { Spinner } from "@/components/ui/spinner";
import { Textarea } from "@/components/ui/textarea";
import { ApiError } from "@/lib/api/fetch-api";
import { channelNameProblem, filterProblem, MAX_ENDPOINT_CHANNELS, MAX_FILTER_LENGTH } from "@/lib/webhooks/payload-filter";

/** "eu, us.east" → ["eu", "us.east"]: commas or spaces separate channel names. */
export function parseChannels(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

/** The form rule for the filter text (the API's own parser); empty means no filter. */
export function filterFieldProblem(text: string): string | null {
  if (!text.trim()) return null;
  if (text.length > MAX_FILTER_LENGTH) return `Use at most ${MAX_FILTER_LENGTH} characters`;
  return filterProblem(text)?.message ?? null;
}

/** The form rule for the channels text. */
export function channelsFieldProblem(text: string): string | null {
  const names = parseChannels(text);
  if (names.length > MAX_ENDPOINT_CHANNELS) return `At most ${MAX_ENDPOINT_CHANNELS} channels`;
  for (const n of names) {
    const p = channelNameProblem(n);
    if (p) return `"${n}": ${p}`;
  }
  return null;
}

type FilterFormShape = { filter: string; channels: string; event_types: string[] };

const REASONS: Record<FilterPreview["data"][number]["reason"], string> = {
  matches: "Would be delivered",
  event_type: "Not a subscribed event type",
  channels: "Carries none of the channels",
  filter: "Filtered out",
};

export function EndpointFilterFields() {
  const form = useFormContext<FilterFormShape>();
  const preview = useFilterPreview();
  const [filter, channels, eventTypes] = useWatch({ control: form.control, name: ["filter", "channels", "event_types"] });
  const resultsId = useId();

  function runPreview() {
    const problem = filterFieldProblem(filter) ?? channelsFieldProblem(channels);
    if (problem) {
      void form.trigger(["filter", "channels"]);
      return;
    }
    preview.mutate({ filter: filter.trim() || null, channels: parseChannels(channels), event_types: eventTypes });
  }

  return (
    <div className="grid gap-5">
      <FormField
        control={form.control}
        name="filter"
        render={({ field }) => (
          <FormItem>
            <FormLabel>Payload filter</FormLabel>
            <FormControl>
              <Textarea
                {...field}
                rows={2}
                spellCheck={false}
                autoComplete="off"
                className="font-mono text-xs"
                placeholder={'data.amount > 100 && data.currency in ["usd", "eur"]'}
              />
            </FormControl>
            <FormDescription>
              Optional. Only events for which this is true are delivered. Fields: <code>type</code>, <code>data.…</code>,{" "}
              <code>channels[0]</code>; operators <code>== != &lt; &lt;= &gt; &gt;=</code>, <code>in [&quot;a&quot;, &quot;b&quot;]</code>,{" "}
              <code>exists(data.x)</code>, <code>&amp;&amp; || !</code> and parentheses.
            </FormDescription>
            <FormMessage />
          </FormItem>
        )}
      />
      <FormField
        control={form.control}
        name="channels"
        render={({ field }) => (
          <FormItem>
            <FormLabel>Channels</FormLabel>
            <FormControl>
              <Input {...field} spellCheck={false} autoComplete="off" className="font-mono text-xs" placeholder="eu, project-42" />
            </FormControl>
            <FormDescription>
              Optional, separated by commas. With channels, the endpoint receives only events sent with at least one of them.
            </FormDescription>
            <FormMessage />
          </FormItem>
        )}
      />
      <div className="grid gap-3">
        <Button
          type="button"
          variant="outline"
          size="sm"
          className="justify-self-start"
          onClick={runPreview}
          disabled={preview.isPending}
          aria-controls={resultsId}
        >
          {preview.isPending ? <Spinner /> : <FlaskConical aria-hidden />}
          Test against the last 20 events
        </Button>
        <div id={resultsId} aria-live="polite">
          {preview.error ? (
            <p role="alert" className="text-sm text-destructive">
              {preview.error instanceof ApiError && preview.error.errors?.length
                ? preview.error.errors.map((e) => `${e.field}: ${e.message}`).join("; ")
                : preview.error.message}
            </p>
          ) : preview.data ? (
            <FilterPreviewList preview={preview.data} />
          ) : null}
        </div>
      </div>
    </div>
  );
}

function FilterPreviewList({ preview }: { preview: FilterPreview }) {
  if (preview.data.length === 0) {
    return <p className="text-sm text-muted-foreground">No events in this environment yet: send one, then test again.</p>;
  }
  return (
    <div className="grid gap-2">
      <p className="text-sm font-medium" role="status">
        {preview.matched} of the last {preview.data.length} events would be delivered.
      </p>
      <ul className="grid max-h-64 gap-1 overflow-y-auto rounded-md border p-2 text-sm" aria-label="Last events tested">
        {preview.data.map((e) => (
          <li key={e.id} className="flex flex-wrap items-center gap-2">
            <Badge variant={e.matches ? "default" : "outline"}>{e.matches ? "Match" : "No match"}</Badge>
            <code className="font-mono text-xs">{e.type}</code>
            <span className="font-mono text-xs text-muted-foreground">{e.id}</span>
            {e.channels.length ? <span className="text-xs text-muted-foreground">on {e.channels.join(", ")}</span> : null}
            <span className="text-xs text-muted-foreground">
              <LocalTime format="datetime" iso={e.created_at} />
            </span>
            {e.matches ? null : <span className="text-xs text-muted-foreground">· {REASONS[e.reason]}</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}
