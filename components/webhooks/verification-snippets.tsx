"use client";
// How a receiver verifies a delivery, in Node, Python, Go, Ruby and PHP, each with the Standard
// Webhooks library of that language (they all check webhook-id, -timestamp and -signature over
// the raw body, and accept any of several signatures during a secret rotation). Copyable.
import { CodeBlock } from "@/components/ui/code-block";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";

export const VERIFY_SNIPPETS = [
  {
    id: "node",
    label: "Node",
    code: `// npm install standardwebhooks express
import express from "express";
import { Webhook } from "standardwebhooks";

const wh = new Webhook(process.env.WEBHOOK_SECRET); // the whsec_… secret
const app = express();

// Verify the raw bytes: parsing and re-serialising the JSON would break the signature.
app.post("/webhooks", express.raw({ type: "application/json" }), (req, res) => {
  let event;
  try {
    event = wh.verify(req.body, req.headers); // checks webhook-id, -timestamp, -signature
  } catch {
    return res.status(400).send("invalid signature");
  }
  console.log("verified", event);
  res.sendStatus(204);
});

app.listen(3000);`,
  },
  {
    id: "python",
    label: "Python",
    code: `# pip install standardwebhooks flask
import os
from flask import Flask, request
from standardwebhooks.webhooks import Webhook

wh = Webhook(os.environ["WEBHOOK_SECRET"])  # the whsec_… secret
app = Flask(__name__)

@app.post("/webhooks")
def webhooks():
    try:
        # The raw body, as sent: checks webhook-id, -timestamp, -signature.
        event = wh.verify(request.get_data(), dict(request.headers))
    except Exception:
        return "invalid signature", 400
    print("verified", event)
    return "", 204`,
  },
  {
    id: "go",
    label: "Go",
    code: `// go get github.com/standard-webhooks/standard-webhooks/libraries/go
package main

import (
	"io"
	"log"
	"net/http"
	"os"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

func main() {
	wh, err := standardwebhooks.NewWebhook(os.Getenv("WEBHOOK_SECRET")) // the whsec_… secret
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/webhooks", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body) // the raw bytes, as sent
		if err != nil || wh.Verify(body, r.Header) != nil {
			http.Error(w, "invalid signature", http.StatusBadRequest)
			return
		}
		log.Printf("verified %s", body)
		w.WriteHeader(http.StatusNoContent)
	})
	log.Fatal(http.ListenAndServe(":3000", nil))
}`,
  },
  {
    id: "ruby",
    label: "Ruby",
    code: `# gem install standardwebhooks sinatra
require "sinatra"
require "standardwebhooks"

WH = StandardWebhooks::Webhook.new(ENV.fetch("WEBHOOK_SECRET")) # the whsec_… secret

post "/webhooks" do
  headers = {
    "webhook-id" => request.env["HTTP_WEBHOOK_ID"],
    "webhook-timestamp" => request.env["HTTP_WEBHOOK_TIMESTAMP"],
    "webhook-signature" => request.env["HTTP_WEBHOOK_SIGNATURE"],
  }
  begin
    event = WH.verify(request.body.read, headers) # the raw body, as sent
  rescue StandardError
    halt 400, "invalid signature"
  end
  puts "verified #{event}"
  status 204
end`,
  },
  {
    id: "php",
    label: "PHP",
    code: `<?php
// composer require standard-webhooks/standard-webhooks
require __DIR__ . '/vendor/autoload.php';

$wh = new \\StandardWebhooks\\Webhook(getenv('WEBHOOK_SECRET')); // the whsec_… secret
$payload = file_get_contents('php://input'); // the raw body, as sent
// The library reads lower-case header names: webhook-id, webhook-timestamp, webhook-signature.
$headers = array_change_key_case(getallheaders(), CASE_LOWER);

try {
    $event = $wh->verify($payload, $headers);
} catch (\\Exception $e) {
    http_response_code(400);
    exit('invalid signature');
}
error_log('verified ' . json_encode($event));
http_response_code(204);`,
  },
] as const;

export function VerificationSnippets({ className }: { className?: string }) {
  return (
    <Tabs defaultValue="node" className={className}>
      <TabsList aria-label="Verification snippet language">
        {VERIFY_SNIPPETS.map((s) => (
          <TabsTrigger key={s.id} value={s.id}>
            {s.label}
          </TabsTrigger>
        ))}
      </TabsList>
      {VERIFY_SNIPPETS.map((s) => (
        <TabsContent key={s.id} value={s.id} className="min-w-0">
          <CodeBlock code={s.code} label={`Copy ${s.label} verification snippet`} className="max-h-64" />
        </TabsContent>
      ))}
    </Tabs>
  );
}
