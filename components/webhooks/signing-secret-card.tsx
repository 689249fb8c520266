"use client";
// The endpoint page's "Signing secret" section: admins reveal the current secret again (each
// reveal is written to the audit log; the value is held only while shown, never cached), and
// everyone gets the verification snippets for Node, Python, Go, Ruby and PHP.
import { useMutation } from "@tanstack/react-query";
import { Eye, EyeOff } from "lucide-react";
import { useId, useState } from "react";
import { VerificationSnippets } from "@/components/webhooks/verification-snippets";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { CopyField } from "@/components/ui/copy-field";
import { Spinner } from "@/components/ui/spinner";
import { fetchApi } from "@/lib/api/fetch-api";

export function SigningSecretCard({ endpointId, canReveal }: { endpointId: string; canReveal: boolean }) {
  const [secret, setSecret] = useState<string | null>(null);
  const headingId = useId();
  const reveal = useMutation({
    mutationFn: () => fetchApi<{ secret: string }>(`/api/v1/endpoints/${encodeURIComponent(endpointId)}/reveal-secret`, { method: "POST", body: {} }),
    onSuccess: (r) => setSecret(r.secret),
  });
  return (
    <Card aria-labelledby={headingId}>
      <CardHeader>
        <CardTitle>
          <h2 id={headingId}>Signing secret</h2>
        </CardTitle>
        <CardDescription>
          Every delivery is signed with it (Standard Webhooks). Your receiver checks the signature with the library for
          its language before trusting a request.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid min-w-0 gap-4">
        {canReveal ? (
          secret ? (
            <div className="grid gap-2">
              <CopyField label="Signing secret" value={secret} copyLabel="Copy signing secret" />
              <div>
                <Button type="button" variant="outline" size="sm" onClick={() => setSecret(null)}>
                  <EyeOff aria-hidden />
                  Hide secret
                </Button>
              </div>
            </div>
          ) : (
            <div className="grid gap-2">
              <div>
                <Button type="button" variant="outline" disabled={reveal.isPending} onClick={() => reveal.mutate()}>
                  {reveal.isPending ? <Spinner /> : <Eye aria-hidden />}
                  Reveal signing secret
                </Button>
              </div>
              <p className="text-sm text-muted-foreground">Each reveal is recorded in the audit log with your name.</p>
              {reveal.error ? (
                <p role="alert" className="text-sm text-destructive">
                  {reveal.error.message}
                </p>
              ) : null}
            </div>
          )
        ) : (
          <p className="text-sm text-muted-foreground">Admins and owners can reveal the secret; ask one, or rotate it.</p>
        )}
        <div className="grid min-w-0 gap-2">
          <p className="text-sm font-medium">Verify deliveries</p>
          <VerificationSnippets />
        </div>
      </CardContent>
    </Card>
  );
}
