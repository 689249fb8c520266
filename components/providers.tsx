"use client";

import * as React from "react";
import { MutationCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { ThemeProvider } from "next-themes";

import { Toaster } from "@/components/ui/sonner";

// Fetchers should throw errors carrying the HTTP status as a numeric `status` property.
// A 4xx will not change on retry; a 5xx or a network failure (no status) may.
function shouldRetry(failureCount: number, error: unknown): boolean {
  if (failureCount >= 2) return false;
  const status =
    typeof error === "object" && error !== null && "status" in error
      ? (error as { status: unknown }).status
      : undefined;
  if (typeof status === "number") return status >= 500;
  return true;
}

function makeQueryClient() {
  const client: QueryClient = new QueryClient({
    // Every change made in the console is audited: whatever a mutation changed, the audit log
    // (and its chain check) is out of date. Each hook invalidates its own resource's queries.
    mutationCache: new MutationCache({
      onSettled: () =>
        client.invalidateQueries({ predicate: (q) => q.queryKey[0] === "audit-events" || q.queryKey[0] === "audit-verification" }),
    }),
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        retry: shouldRetry,
      },
      mutations: {
        retry: false,
      },
    },
  });
  return client;
}

function Providers({ children }: { children: React.ReactNode }) {
  // One client per browser session; useState keeps it across re-renders.
  const [queryClient] = React.useState(makeQueryClient);
  // Marks the document once React has hydrated it: a click before then does nothing, so the e2e
  // fixture (e2e/fixtures/test.ts) waits for this after each page load instead of retrying clicks.
  React.useEffect(() => {
    document.documentElement.dataset.hydrated = "";
  }, []);

  return (
    <ThemeProvider attribute="class" defaultTheme="system" enableSystem disableTransitionOnChange>
      <QueryClientProvider client={queryClient}>
        {children}
        <Toaster richColors closeButton />
      </QueryClientProvider>
    </ThemeProvider>
  );
}

export { Providers, shouldRetry };
